import { describe, expect, it } from 'vitest';
import { patternGenerationTesting, workflows } from '../../definitions/index.ts';
import { allTasks, isFresh, outline, readTaskDef, readWorkflow, retrySettings, task } from './helpers.ts';

const def = readWorkflow('pattern-generation-testing');

describe('pattern-generation-testing v1 (generated JSON)', () => {
  it('is what the definition compiles to (gen is up to date), and is listed with the workflows', () => {
    expect(isFresh(patternGenerationTesting)).toBe(true);
    expect(workflows).toContain(patternGenerationTesting);
  });

  it('generates, gates, compiles, gates, deploys, measures, compares, reports and stores, in this order', () => {
    expect(outline(def.tasks)).toEqual([
      'generate_pattern:SIMPLE',
      'pattern_validation_gate:SWITCH',
      'platformio_compile:SIMPLE',
      'pattern_build_gate:SWITCH',
      'store_firmware:SIMPLE',
      'deploy_firmware_ota:SIMPLE',
      'validate_pattern_on_device:SIMPLE',
      'compare_performance:SIMPLE',
      'generate_test_report:SIMPLE',
      'store_test_report:SIMPLE',
    ]);
    expect(def.tasks.map((t) => t.name)).toEqual([
      'generate_pattern',
      'pattern_validation_gate',
      'platformio_compile',
      'pattern_build_gate',
      'store_artifact',
      'deploy_firmware_ota',
      'validate_pattern_on_device',
      'compare_performance',
      'generate_test_report',
      'store_artifact',
    ]);
  });

  it('an invalid pattern ends FAILED with the validation message, before anything is built', () => {
    const gate = task(def, 'pattern_validation_gate');
    expect(gate).toMatchObject({ evaluatorType: 'value-param', expression: 'switchCaseValue', defaultCase: [] });
    expect(gate.inputParameters).toEqual({ switchCaseValue: '${generate_pattern.output.valid}' });
    expect(outline(gate.decisionCases?.false)).toEqual(['stop_on_invalid_pattern:TERMINATE']);
    expect(task(def, 'stop_on_invalid_pattern').inputParameters).toEqual({
      terminationStatus: 'FAILED',
      terminationReason: 'Pattern ${workflow.input.pattern_name} is invalid: ${generate_pattern.output.validation_message}',
      workflowOutput: { pattern_name: '${workflow.input.pattern_name}', validation_errors: '${generate_pattern.output.validation_errors}' },
    });
  });

  it('a failed build ends FAILED with the compiler error, before anything is flashed', () => {
    const gate = task(def, 'pattern_build_gate');
    expect(gate.inputParameters).toEqual({ switchCaseValue: '${platformio_compile.output.success}' });
    expect(Object.keys(gate.decisionCases ?? {})).toEqual(['false']);
    expect(task(def, 'stop_on_failed_build').inputParameters).toEqual({
      terminationStatus: 'FAILED',
      terminationReason: 'Pattern ${workflow.input.pattern_name} (${generate_pattern.output.commit_sha}) did not compile: ${platformio_compile.output.error_message}',
      workflowOutput: { pattern_name: '${workflow.input.pattern_name}', commit_sha: '${generate_pattern.output.commit_sha}' },
    });
  });

  it('builds and flashes the generated commit, and measures that build on the device', () => {
    expect(task(def, 'platformio_compile').inputParameters).toEqual({
      repo: '${workflow.input.repo}',
      branch: '${generate_pattern.output.branch}',
      commit_sha: '${generate_pattern.output.commit_sha}',
      environment: '${workflow.input.environment}',
    });
    expect(task(def, 'store_firmware').inputParameters).toEqual({
      source_path: '${platformio_compile.output.firmware_bin_path}',
      category: 'firmware',
      version: '${generate_pattern.output.commit_sha}',
      environment: '${workflow.input.environment}',
    });
    expect(task(def, 'deploy_firmware_ota').inputParameters).toEqual({
      device_ip: '${workflow.input.device_ip}',
      environment: '${workflow.input.environment}',
      artifact_id: '${store_firmware.output.artifact_id}',
      build_signature: '${generate_pattern.output.commit_sha}',
    });
    expect(task(def, 'validate_pattern_on_device').inputParameters).toEqual({
      device_ip: '${workflow.input.device_ip}',
      pattern_name: '${workflow.input.pattern_name}',
      expected_build_signature: '${generate_pattern.output.commit_sha}',
      sample_seconds: '${workflow.input.sample_seconds}',
    });
    expect(task(def, 'compare_performance').inputParameters).toEqual({
      pattern_name: '${workflow.input.pattern_name}',
      baseline_ref: '${workflow.input.baseline_ref}',
      environment: '${workflow.input.environment}',
      measured: '${validate_pattern_on_device.output.metrics}',
      max_fps_drop_percent: '${workflow.input.max_fps_drop_percent}',
      max_render_time_rise_percent: '${workflow.input.max_render_time_rise_percent}',
    });
  });

  it('stores the report under reports, versioned by pattern and commit', () => {
    expect(task(def, 'store_test_report').inputParameters).toEqual({
      source_path: '${generate_test_report.output.report_path}',
      category: 'reports',
      version: '${workflow.input.pattern_name}-${generate_pattern.output.commit_sha}',
      environment: '${workflow.input.environment}',
    });
  });

  it('a regression completes the run with regression=true: no switch or TERMINATE reads the comparison', () => {
    expect(def.outputParameters).toMatchObject({
      regression: '${compare_performance.output.regression}',
      regressions: '${compare_performance.output.regressions}',
      report_artifact_id: '${store_test_report.output.artifact_id}',
      report_url: '${store_test_report.output.artifact_url}',
    });
    const terminates = allTasks(def.tasks).filter((t) => t.type === 'TERMINATE');
    expect(terminates.map((t) => t.taskReferenceName)).toEqual(['stop_on_invalid_pattern', 'stop_on_failed_build']);
    const readsComparison = allTasks(def.tasks).filter((t) => (t.type === 'SWITCH' || t.type === 'TERMINATE') && JSON.stringify(t).includes('compare_performance'));
    expect(readsComparison).toEqual([]);
    // The report runs after the comparison whatever it says.
    expect(task(def, 'generate_test_report').inputParameters).toMatchObject({ comparison: '${compare_performance.output}' });
  });

  it('defaults: baseline "latest", O2, regression at fps -10 % or render time +15 %, 30 s of samples', () => {
    expect(def.inputTemplate).toEqual({
      base_branch: 'main',
      baseline_ref: 'latest',
      environment: 'esp32-s3-devkitc-1',
      max_fps_drop_percent: 10,
      max_render_time_rise_percent: 15,
      optimization_level: 'O2',
      repo: 'K1.node1',
      sample_seconds: 30,
    });
    expect(def.inputParameters).toEqual([
      'pattern_name',
      'pattern_source',
      'device_ip',
      'baseline_ref',
      'optimization_level',
      'max_fps_drop_percent',
      'max_render_time_rise_percent',
      'sample_seconds',
      'repo',
      'base_branch',
      'environment',
    ]);
    expect(def.timeoutSeconds).toBe(3600);
    expect(def.failureWorkflow).toBeUndefined();
  });

  it('uses the retry settings of its tasks', () => {
    expect(retrySettings(readTaskDef('generate_pattern'))).toEqual({
      retryCount: 1,
      retryLogic: 'FIXED',
      retryDelaySeconds: 10,
      timeoutSeconds: 120,
      responseTimeoutSeconds: 120,
    });
    expect(retrySettings(readTaskDef('validate_pattern_on_device'))).toEqual({
      retryCount: 2,
      retryLogic: 'FIXED',
      retryDelaySeconds: 15,
      timeoutSeconds: 240,
      responseTimeoutSeconds: 240,
    });
    for (const name of ['compare_performance', 'generate_test_report']) {
      expect(retrySettings(readTaskDef(name))).toEqual({ retryCount: 1, retryLogic: 'FIXED', retryDelaySeconds: 5, timeoutSeconds: 60, responseTimeoutSeconds: 60 });
    }
    expect(retrySettings(readTaskDef('platformio_compile'))).toMatchObject({ retryCount: 1, timeoutSeconds: 300 });
    expect(retrySettings(readTaskDef('deploy_firmware_ota'))).toMatchObject({ retryCount: 3, retryLogic: 'FIXED', retryDelaySeconds: 60 });
  });

  it('the sampling window fits the task timeout: 120 s of samples at most, 240 s per attempt', () => {
    const props = (readTaskDef('validate_pattern_on_device').inputSchema?.data as { properties: Record<string, { minimum?: number; maximum?: number }> }).properties;
    expect(props.sample_seconds).toMatchObject({ minimum: 5, maximum: 120 });
  });
});
