import { describe, expect, it } from 'vitest';
import { deploymentRollbackHandler, workflows } from '../../definitions/index.ts';
import { allTasks, isFresh, outline, readTaskDef, readWorkflow, retrySettings, task } from './helpers.ts';

const def = readWorkflow('deployment-rollback-handler');

describe('deployment-rollback-handler v1 (generated JSON)', () => {
  it('is what the definition compiles to (gen is up to date)', () => {
    expect(isFresh(deploymentRollbackHandler)).toBe(true);
  });

  it('is listed in definitions/index.ts after the two original workflows, as the sub-workflow it is', () => {
    expect(workflows.map((w) => w.name)).toEqual([
      'firmware-ci-cd-pipeline',
      'firmware-build-failure-handler',
      'pattern-generation-testing',
      'pattern-nightly-regression',
      'multi-stage-deployment',
      'audio-processing-pipeline',
      'deployment-rollback-handler',
      'k1-push-event',
    ]);
  });

  it('finds the last good firmware, deploys it, checks the device, gates, notifies', () => {
    expect(outline(def.tasks)).toEqual([
      'get_last_good_artifact:SIMPLE',
      'deploy_firmware_ota:SIMPLE',
      'device_health_check:SIMPLE',
      'rollback_health_gate:SWITCH',
      'notify:SIMPLE',
    ]);
    expect(task(def, 'get_last_good_artifact').inputParameters).toEqual({
      failed_workflow_id: '${workflow.input.failed_workflow_id}',
      environment: '${workflow.input.environment}',
      target_version: '${workflow.input.target_version}',
    });
    expect(task(def, 'deploy_firmware_ota').inputParameters).toEqual({
      device_ip: '${workflow.input.device_ip}',
      environment: '${workflow.input.environment}',
      artifact_id: '${get_last_good_artifact.output.artifact_id}',
      build_signature: '${get_last_good_artifact.output.version}',
    });
    expect(task(def, 'device_health_check').inputParameters).toEqual({
      device_ip: '${workflow.input.device_ip}',
      expected_build_signature: '${get_last_good_artifact.output.version}',
      min_free_heap_bytes: 51200,
    });
    expect(task(def, 'notify')).toMatchObject({ name: 'notify', optional: true, inputParameters: { severity: 'info', webhook_url: '${workflow.input.notify_webhook_url}' } });
  });

  it('a device still unhealthy is notified (error) and the run terminates FAILED with a reason naming the device', () => {
    const gate = task(def, 'rollback_health_gate');
    expect(gate).toMatchObject({ evaluatorType: 'value-param', expression: 'switchCaseValue', defaultCase: [] });
    expect(gate.inputParameters).toEqual({ switchCaseValue: '${device_health_check.output.healthy}' });
    expect(Object.keys(gate.decisionCases ?? {})).toEqual(['false']);
    expect(outline(gate.decisionCases?.false)).toEqual(['notify_rollback_failed:SIMPLE', 'stop_on_unhealthy_rollback:TERMINATE']);
    expect(task(def, 'notify_rollback_failed')).toMatchObject({ name: 'notify', optional: true, inputParameters: { severity: 'error' } });
    const stop = task(def, 'stop_on_unhealthy_rollback');
    expect(stop.inputParameters).toMatchObject({
      terminationStatus: 'FAILED',
      terminationReason:
        'Device ${workflow.input.device_ip} is still unhealthy after rolling back to ${get_last_good_artifact.output.version}: ${device_health_check.output.summary}',
      workflowOutput: { device_ip: '${workflow.input.device_ip}', rolled_back_to: '${get_last_good_artifact.output.version}' },
    });
    expect(allTasks(def.tasks).filter((t) => t.type === 'TERMINATE')).toHaveLength(1);
  });

  it('takes failed_workflow_id, device_ip and an optional target version; defaults the environment and webhook', () => {
    expect(def.inputParameters).toEqual(['failed_workflow_id', 'device_ip', 'target_version', 'environment', 'notify_webhook_url']);
    expect(def.inputTemplate).toEqual({ environment: 'esp32-s3-devkitc-1', notify_webhook_url: '' });
    expect(def.timeoutSeconds).toBe(1800);
    expect(def.failureWorkflow).toBeUndefined();
    expect(def.outputParameters).toEqual({
      failed_workflow_id: '${workflow.input.failed_workflow_id}',
      device_ip: '${workflow.input.device_ip}',
      rolled_back_to: '${get_last_good_artifact.output.version}',
      artifact_id: '${get_last_good_artifact.output.artifact_id}',
      deployment_status: '${deploy_firmware_ota.output.status}',
      health: {
        healthy: '${device_health_check.output.healthy}',
        summary: '${device_health_check.output.summary}',
        free_heap_bytes: '${device_health_check.output.free_heap_bytes}',
      },
    });
  });

  it('uses the retry settings of its tasks', () => {
    expect(retrySettings(readTaskDef('get_last_good_artifact'))).toEqual({
      retryCount: 2,
      retryLogic: 'FIXED',
      retryDelaySeconds: 10,
      timeoutSeconds: 60,
      responseTimeoutSeconds: 60,
    });
    expect(retrySettings(readTaskDef('deploy_firmware_ota'))).toEqual({
      retryCount: 3,
      retryLogic: 'FIXED',
      retryDelaySeconds: 60,
      timeoutSeconds: 180,
      responseTimeoutSeconds: 180,
    });
    expect(retrySettings(readTaskDef('notify'))).toMatchObject({ retryCount: 3, retryDelaySeconds: 5, timeoutSeconds: 30 });
  });
});
