import { describe, expect, it } from 'vitest';
import { firmwareCiCdPipeline } from '../../definitions/index.ts';
import { allTasks, isFresh, outline, readTaskDef, readWorkflow, retrySettings, task } from './helpers.ts';

const def = readWorkflow('firmware-ci-cd-pipeline');

describe('firmware-ci-cd-pipeline v1 (generated JSON)', () => {
  it('is what the definition compiles to (gen is up to date)', () => {
    expect(isFresh(firmwareCiCdPipeline)).toBe(true);
  });

  it('runs the build, gate, store, deploy and health steps in this order', () => {
    expect(outline(def.tasks)).toEqual([
      'validate_commit:SIMPLE',
      'clean_build_env:SIMPLE',
      'platformio_compile:SIMPLE',
      'extract_build_metrics:SIMPLE',
      'validate_build:SIMPLE',
      'quality_gate:SWITCH',
      'store_artifact:SIMPLE',
      'deploy_firmware_ota:SIMPLE',
      'device_health_check:SIMPLE',
      'device_health_gate:SWITCH',
    ]);
  });

  it('quality_gate: a "fail" verdict notifies (optional) and terminates FAILED with the reason and the failed gates', () => {
    const gate = task(def, 'quality_gate');
    expect(gate).toMatchObject({
      evaluatorType: 'value-param',
      expression: 'switchCaseValue',
      inputParameters: { switchCaseValue: '${validate_build.output.verdict}' },
      defaultCase: [],
    });
    expect(Object.keys(gate.decisionCases ?? {})).toEqual(['fail']);
    expect(outline(gate.decisionCases?.fail)).toEqual(['notify_gate_failure:SIMPLE', 'stop_on_failed_gate:TERMINATE']);
    expect(task(def, 'notify_gate_failure')).toMatchObject({ name: 'notify', optional: true, inputParameters: { severity: 'error', webhook_url: '${workflow.input.notify_webhook_url}' } });
    expect(task(def, 'stop_on_failed_gate').inputParameters).toEqual({
      terminationStatus: 'FAILED',
      terminationReason: 'Quality gates failed for ${workflow.input.commit_sha}: ${validate_build.output.reason}',
      workflowOutput: { metrics: '${extract_build_metrics.output}', failed_gates: '${validate_build.output.failed_gates}' },
    });
  });

  it('device_health_gate: an unhealthy device terminates FAILED naming the device', () => {
    const gate = task(def, 'device_health_gate');
    expect(gate.inputParameters).toEqual({ switchCaseValue: '${device_health_check.output.healthy}' });
    expect(outline(gate.decisionCases?.false)).toEqual(['stop_on_unhealthy_device:TERMINATE']);
    expect(task(def, 'stop_on_unhealthy_device').inputParameters).toEqual({
      terminationStatus: 'FAILED',
      terminationReason: 'Device ${workflow.input.device_ip} is unhealthy after deploying ${workflow.input.commit_sha}: ${device_health_check.output.summary}',
      workflowOutput: {},
    });
    expect(task(def, 'device_health_check').inputParameters).toEqual({
      device_ip: '${workflow.input.device_ip}',
      expected_build_signature: '${workflow.input.commit_sha}',
      min_free_heap_bytes: 51200,
    });
  });

  it('stores the compiled binary as firmware, and deploys exactly that artifact with the commit as build signature', () => {
    expect(task(def, 'deploy_firmware_ota').inputParameters).toEqual({
      device_ip: '${workflow.input.device_ip}',
      environment: '${workflow.input.environment}',
      artifact_id: '${store_artifact.output.artifact_id}',
      build_signature: '${workflow.input.commit_sha}',
    });
    expect(task(def, 'store_artifact').inputParameters).toEqual({
      source_path: '${platformio_compile.output.firmware_bin_path}',
      category: 'firmware',
      version: '${workflow.input.commit_sha}',
      environment: '${workflow.input.environment}',
    });
  });

  it('uses the retry settings of its tasks: compile once more after 30 s (5 min), OTA 3 more, FIXED 60 s', () => {
    expect(retrySettings(readTaskDef('platformio_compile'))).toEqual({
      retryCount: 1,
      retryLogic: 'FIXED',
      retryDelaySeconds: 30,
      timeoutSeconds: 300,
      responseTimeoutSeconds: 300,
    });
    expect(retrySettings(readTaskDef('deploy_firmware_ota'))).toEqual({
      retryCount: 3,
      retryLogic: 'FIXED',
      retryDelaySeconds: 60,
      timeoutSeconds: 180,
      responseTimeoutSeconds: 180,
    });
    expect(retrySettings(readTaskDef('device_health_check'))).toMatchObject({ retryCount: 3, retryLogic: 'FIXED', retryDelaySeconds: 10 });
    expect(readTaskDef('validate_build').retryCount).toBe(0);
  });

  it('starts firmware-build-failure-handler on failure and defaults the gates to 0 warnings, 70 % flash, 80 % RAM', () => {
    expect(def.failureWorkflow).toBe('firmware-build-failure-handler');
    expect(def.inputTemplate).toEqual({
      environment: 'esp32-s3-devkitc-1',
      max_flash_percent: 70,
      max_ram_percent: 80,
      max_warnings: 0,
      notify_webhook_url: '',
    });
    expect(def.timeoutSeconds).toBe(1800);
    expect(def.outputParameters).toMatchObject({ artifact_id: '${store_artifact.output.artifact_id}', deployment_status: '${deploy_firmware_ota.output.status}' });
  });

  it('has exactly two TERMINATEs, both FAILED', () => {
    const terminates = allTasks(def.tasks).filter((t) => t.type === 'TERMINATE');
    expect(terminates.map((t) => [t.taskReferenceName, t.inputParameters?.terminationStatus])).toEqual([
      ['stop_on_failed_gate', 'FAILED'],
      ['stop_on_unhealthy_device', 'FAILED'],
    ]);
  });
});
