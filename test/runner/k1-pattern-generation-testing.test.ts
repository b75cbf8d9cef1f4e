/**
 * pattern-generation-testing, run end to end from its generated JSON through the local runner.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadGenerated, run, type Registry, type TaskMocks } from '../../src/testing.ts';
import {
  BASELINE_ID,
  DEVICE_IP,
  ENVIRONMENT,
  PATTERN,
  PATTERN_COMMIT,
  REPO,
  compared,
  compileFailed,
  compiled,
  firmwareBin,
  noBaseline,
  patternGenerated,
  patternInput,
  patternInvalid,
  patternMeasured,
  performance,
  reportWritten,
  stored,
  otaDeployed,
} from './k1-fixtures.ts';

let registry: Registry;
beforeAll(async () => {
  registry = await loadGenerated();
});

const REPORT_ID = '4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c';
const FIRMWARE_ID = '5e'.repeat(32);

const patternMocks = (over: TaskMocks = {}): TaskMocks => ({
  generate_pattern: [patternGenerated()],
  platformio_compile: [compiled({ commit: PATTERN_COMMIT })],
  store_firmware: [stored({ artifact_id: FIRMWARE_ID })],
  deploy_firmware_ota: [otaDeployed()],
  validate_pattern_on_device: [patternMeasured()],
  compare_performance: [compared(-3.2, 2.5)],
  generate_test_report: [reportWritten()],
  store_test_report: [stored({ artifact_id: REPORT_ID })],
  ...over,
});

const ALL_STEPS = [
  'generate_pattern',
  'pattern_validation_gate',
  'platformio_compile',
  'pattern_build_gate',
  'store_firmware',
  'deploy_firmware_ota',
  'validate_pattern_on_device',
  'compare_performance',
  'generate_test_report',
  'store_test_report',
];

describe('pattern-generation-testing (generated JSON, local runner)', () => {
  it('no regression: generates, builds, flashes, measures, compares, reports: COMPLETED with regression false', async () => {
    const result = await run('pattern-generation-testing', patternInput(), { registry, mocks: patternMocks() });

    expect(result.status).toBe('COMPLETED');
    expect(result.taskRefs).toEqual(ALL_STEPS);
    expect(result.output).toEqual({
      pattern_name: PATTERN,
      regression: false,
      regressions: [],
      baseline_found: true,
      metrics: performance(),
      fps_change_percent: -3.2,
      avg_render_time_change_percent: 2.5,
      commit_sha: PATTERN_COMMIT,
      report_artifact_id: REPORT_ID,
      report_url: `https://artifacts.k1.reinvented/firmware/${REPORT_ID}`,
    });
  });

  it('each step gets the generated commit, the built binary and the measurements of the step before', async () => {
    const result = await run('pattern-generation-testing', patternInput({ optimization_level: 'O3' }), { registry, mocks: patternMocks() });
    const input = (ref: string) => result.task(ref)?.inputData;

    expect(input('generate_pattern')).toEqual({
      pattern_name: PATTERN,
      pattern_source: patternInput()['pattern_source'],
      optimization_level: 'O3',
      repo: REPO,
      base_branch: 'main',
    });
    expect(input('platformio_compile')).toEqual({ repo: REPO, branch: `patterns/${PATTERN}`, commit_sha: PATTERN_COMMIT, environment: ENVIRONMENT });
    expect(input('store_firmware')).toEqual({ source_path: firmwareBin(ENVIRONMENT, PATTERN_COMMIT), category: 'firmware', version: PATTERN_COMMIT, environment: ENVIRONMENT });
    expect(input('deploy_firmware_ota')).toEqual({ device_ip: DEVICE_IP, environment: ENVIRONMENT, artifact_id: FIRMWARE_ID, build_signature: PATTERN_COMMIT });
    expect(input('validate_pattern_on_device')).toEqual({ device_ip: DEVICE_IP, pattern_name: PATTERN, expected_build_signature: PATTERN_COMMIT, sample_seconds: 30 });
    expect(input('compare_performance')).toEqual({
      pattern_name: PATTERN,
      baseline_ref: 'latest',
      environment: ENVIRONMENT,
      measured: performance(),
      max_fps_drop_percent: 10,
      max_render_time_rise_percent: 15,
    });
    expect(input('generate_test_report')).toEqual({
      pattern_name: PATTERN,
      commit_sha: PATTERN_COMMIT,
      optimization_level: 'O3',
      environment: ENVIRONMENT,
      device_ip: DEVICE_IP,
      build_metrics: compiled().output.metrics,
      measured: performance(),
      sample_count: 30,
      comparison: compared(-3.2, 2.5).output,
    });
    expect(input('store_test_report')).toEqual({
      source_path: reportWritten().output.report_path,
      category: 'reports',
      version: `${PATTERN}-${PATTERN_COMMIT}`,
      environment: ENVIRONMENT,
    });
  });

  it('a regression is a result, not a failure: COMPLETED with regression true, and the report is still stored', async () => {
    const regressions = ['fps -14.1% (limit -10%)', 'avg render time +22.0% (limit +15%)'];
    const slower = performance({ fps: 51.6, avg_render_time_ms: 4.88 });
    const result = await run('pattern-generation-testing', patternInput(), {
      registry,
      mocks: patternMocks({ validate_pattern_on_device: [patternMeasured(slower)], compare_performance: [compared(-14.1, 22, regressions)] }),
    });

    expect(result.status).toBe('COMPLETED');
    expect(result.reasonForIncompletion).toBeUndefined();
    expect(result.taskRefs).toEqual(ALL_STEPS);
    expect(result.task('compare_performance')?.inputData).toMatchObject({ measured: slower });
    expect(result.task('generate_test_report')?.inputData).toMatchObject({ comparison: { regression: true, regressions, baseline_id: BASELINE_ID } });
    expect(result.task('store_test_report')?.status).toBe('COMPLETED');
    expect(result.output).toMatchObject({ regression: true, regressions, fps_change_percent: -14.1, avg_render_time_change_percent: 22, metrics: slower, report_artifact_id: REPORT_ID });
  });

  it('a new pattern without a baseline: nothing regresses, the change figures are null, COMPLETED', async () => {
    const result = await run('pattern-generation-testing', patternInput({ pattern_name: 'aurora_waves' }), {
      registry,
      mocks: patternMocks({ generate_pattern: [patternGenerated('aurora_waves')], compare_performance: [noBaseline()], generate_test_report: [reportWritten('aurora_waves')] }),
    });
    expect(result.status).toBe('COMPLETED');
    expect(result.output).toMatchObject({ pattern_name: 'aurora_waves', regression: false, baseline_found: false, fps_change_percent: null, avg_render_time_change_percent: null });
  });

  it('an invalid spec ends the run FAILED with the validation message; nothing is built or flashed', async () => {
    const errors = ['bands must be between 1 and 64 (got 128)', 'unknown palette "sunset2"'];
    const result = await run('pattern-generation-testing', patternInput(), { registry, mocks: patternMocks({ generate_pattern: [patternInvalid(...errors)] }) });

    expect(result.status).toBe('FAILED');
    expect(result.reasonForIncompletion).toBe(`Pattern ${PATTERN} is invalid: ${errors.join('; ')}`);
    expect(result.taskRefs).toEqual(['generate_pattern', 'pattern_validation_gate', 'stop_on_invalid_pattern']);
    expect(result.output).toEqual({ pattern_name: PATTERN, validation_errors: errors });
  });

  it('a build that breaks ends the run FAILED with the compiler error; nothing is flashed', async () => {
    const result = await run('pattern-generation-testing', patternInput(), { registry, mocks: patternMocks({ platformio_compile: [compileFailed()] }) });

    expect(result.status).toBe('FAILED');
    expect(result.reasonForIncompletion).toBe(`Pattern ${PATTERN} (${PATTERN_COMMIT}) did not compile: ${compileFailed().output.error_message}`);
    expect(result.taskRefs).toEqual(['generate_pattern', 'pattern_validation_gate', 'platformio_compile', 'pattern_build_gate', 'stop_on_failed_build']);
    expect(result.task('deploy_firmware_ota')).toBeUndefined();
    expect(result.output).toEqual({ pattern_name: PATTERN, commit_sha: PATTERN_COMMIT });
  });

  it('sampling takes sample_seconds of virtual time and stays within the task timeout (240 s)', async () => {
    const result = await run('pattern-generation-testing', patternInput({ sample_seconds: 120 }), {
      registry,
      mocks: patternMocks({ validate_pattern_on_device: [{ ...patternMeasured(), executionTime: 121_000 }] }),
    });
    expect(result.status).toBe('COMPLETED');
    const sampling = result.task('validate_pattern_on_device');
    expect((sampling?.endTime ?? 0) - (sampling?.startTime ?? 0)).toBe(121_000);
  });
});
