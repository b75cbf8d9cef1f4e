/**
 * firmware-ci-cd-pipeline, run end to end from its generated JSON (what gets registered) through
 * the local runner, workers mocked with outputs that satisfy their registered output schemas.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadGenerated, run, type Registry, type TaskHandler, type TaskMocks } from '../../src/testing.ts';
import {
  COMMIT,
  DEVICE_IP,
  ENVIRONMENT,
  MIN_FREE_HEAP,
  REPO,
  BRANCH,
  WEBHOOK,
  attemptOffsets,
  buildEnvCleaned,
  checkOutput,
  commitValidated,
  compiled,
  failedAttempt,
  failedAttempts,
  firmwareBin,
  gatesFailed,
  gatesPassed,
  healthy,
  logsCollected,
  metricsExtracted,
  metricsOf,
  notified,
  otaDeployed,
  pipelineInput,
  pipelineMocks,
  stored,
  unhealthy,
  mocksAsHandlers,
} from './k1-fixtures.ts';

let registry: Registry;
beforeAll(async () => {
  registry = await loadGenerated();
});

/**
 * The failure handler's workers (its webhook is an HTTP task and runs for real: the test
 * webhook's host never resolves, and the notification is optional). No mock reaches a failure
 * workflow, on the server's test endpoint or here: its workers answer.
 */
const handlerWorkers = (failedTask: string): Record<string, TaskHandler> =>
  mocksAsHandlers({ collect_build_logs: [logsCollected(failedTask)], clean_build_env: [buildEnvCleaned()] });

const BUILD_STEPS = ['validate_commit', 'clean_build_env', 'platformio_compile', 'extract_build_metrics', 'validate_build', 'quality_gate'];

/** The pipeline input after the inputTemplate filled the defaults. */
const withDefaults = (input: Record<string, unknown>): Record<string, unknown> => ({
  environment: ENVIRONMENT,
  max_flash_percent: 70,
  max_ram_percent: 80,
  max_warnings: 0,
  notify_webhook_url: '',
  ...input,
});

describe('firmware-ci-cd-pipeline (generated JSON, local runner)', () => {
  it('happy path: builds, passes the gates, stores, deploys over the air and finds the device healthy', async () => {
    const mocks = pipelineMocks();
    const result = await run('firmware-ci-cd-pipeline', pipelineInput(), { registry, mocks });

    expect(result.status).toBe('COMPLETED');
    expect(result.reasonForIncompletion).toBeUndefined();
    expect(result.taskRefs).toEqual([...BUILD_STEPS, 'store_artifact', 'deploy_firmware_ota', 'device_health_check', 'device_health_gate']);
    expect(result.output).toEqual({
      artifact_id: '9b1e4f7c2a0d83e5b6c7d8e9f0a1b2c3d4e5f60718293a4b5c6d7e8f9a0b1c2d',
      artifact_url: 'https://artifacts.k1.reinvented/firmware/9b1e4f7c2a0d83e5b6c7d8e9f0a1b2c3d4e5f60718293a4b5c6d7e8f9a0b1c2d',
      deployment_status: 'deployed',
      health: { healthy: true, summary: `running ${COMMIT.slice(0, 7)}, free heap 142336 B, 60.2 fps`, free_heap_bytes: 142_336 },
      metrics: metricsOf(),
    });
    expect(result.failureWorkflow).toBeUndefined();
    expect(result.tasks.every((t) => t.status === 'COMPLETED')).toBe(true);
    expect(result.task('quality_gate')?.outputData).toEqual({ evaluationResult: ['pass'], selectedCase: 'pass' });
    expect(result.task('device_health_gate')?.outputData).toEqual({ evaluationResult: ['true'], selectedCase: 'true' });
  });

  it('happy path: each task gets its inputs from the workflow input and the tasks before it', async () => {
    const result = await run('firmware-ci-cd-pipeline', pipelineInput(), { registry, mocks: pipelineMocks() });
    const input = (ref: string) => result.task(ref)?.inputData;

    expect(input('validate_commit')).toEqual({ repo: REPO, branch: BRANCH, commit_sha: COMMIT });
    expect(input('clean_build_env')).toEqual({ environment: ENVIRONMENT });
    expect(input('platformio_compile')).toEqual({ repo: REPO, branch: BRANCH, commit_sha: COMMIT, environment: ENVIRONMENT });
    expect(input('extract_build_metrics')).toEqual({ build_log: compiled().output.build_log });
    expect(input('validate_build')).toEqual({ build_success: true, metrics: metricsOf(), max_warnings: 0, max_flash_percent: 70, max_ram_percent: 80 });
    expect(input('store_artifact')).toEqual({ source_path: firmwareBin(), category: 'firmware', version: COMMIT, environment: ENVIRONMENT });
    // The deploy flashes the artifact store_artifact stored (by content address), signed with the commit.
    expect(input('deploy_firmware_ota')).toEqual({ device_ip: DEVICE_IP, environment: ENVIRONMENT, artifact_id: stored().output.artifact_id, build_signature: COMMIT });
    // The health check expects the commit as the build signature, and the 50 KB heap floor.
    expect(input('device_health_check')).toEqual({ device_ip: DEVICE_IP, expected_build_signature: COMMIT, min_free_heap_bytes: MIN_FREE_HEAP });
  });

  it('caller thresholds and environment override the inputTemplate defaults', async () => {
    const result = await run('firmware-ci-cd-pipeline', pipelineInput({ environment: 'esp32-s3-n16r8', max_flash_percent: 85, max_warnings: 3 }), {
      registry,
      mocks: pipelineMocks({ platformio_compile: [compiled({ environment: 'esp32-s3-n16r8' })] }),
    });
    expect(result.status).toBe('COMPLETED');
    expect(result.task('validate_build')?.inputData).toMatchObject({ max_flash_percent: 85, max_ram_percent: 80, max_warnings: 3 });
    expect(result.task('deploy_firmware_ota')?.inputData).toMatchObject({ environment: 'esp32-s3-n16r8', artifact_id: stored().output.artifact_id });
  });

  describe.each([
    { gate: 'flash', input: {}, figures: { flash_percent: 72 }, failed: 'flash 72% >= 70%' },
    { gate: 'warnings', input: { max_warnings: 5 }, figures: { warning_count: 7 }, failed: 'warnings 7 > 5' },
  ])('quality gate failure ($gate)', ({ input, figures, failed }) => {
    const start = () =>
      run('firmware-ci-cd-pipeline', pipelineInput(input), {
        registry,
        mocks: pipelineMocks({ extract_build_metrics: [metricsExtracted(figures)], validate_build: [gatesFailed(failed)], notify_gate_failure: [notified()] }),
        handlers: handlerWorkers('stop_on_failed_gate'),
      });

    it('notifies, then ends FAILED with the gate in the reason; nothing is stored or deployed', async () => {
      const result = await start();

      expect(result.status).toBe('FAILED');
      expect(result.reasonForIncompletion).toBe(`Quality gates failed for ${COMMIT}: 1 quality gate(s) failed: ${failed}`);
      expect(result.taskRefs).toEqual([...BUILD_STEPS, 'notify_gate_failure', 'stop_on_failed_gate']);
      expect(result.task('validate_build')?.inputData).toMatchObject({ metrics: metricsOf(figures) });
      expect(result.task('quality_gate')?.outputData).toEqual({ evaluationResult: ['fail'], selectedCase: 'fail' });
      expect(result.task('notify_gate_failure')?.status).toBe('COMPLETED');
      expect(result.task('notify_gate_failure')?.inputData).toEqual({
        webhook_url: WEBHOOK,
        severity: 'error',
        title: `Firmware ${COMMIT} failed the quality gates`,
        message: `1 quality gate(s) failed: ${failed}`,
      });
      for (const ref of ['store_artifact', 'deploy_firmware_ota', 'device_health_check', 'device_health_gate']) expect(result.task(ref)).toBeUndefined();
      expect(result.output).toEqual({
        failed_gates: [failed],
        metrics: metricsOf(figures),
        'conductor.failure_workflow': result.failureWorkflow?.workflowId,
      });
    });

    it('starts firmware-build-failure-handler with the pipeline input plus workflowId, reason, failureStatus, failureTaskId; it COMPLETES', async () => {
      const result = await start();
      const handler = result.failureWorkflow;
      const terminate = result.task('stop_on_failed_gate');

      expect(handler).toBeDefined();
      expect(handler?.toJSON()).toMatchObject({ workflowName: 'firmware-build-failure-handler', workflowVersion: 1 });
      expect(handler?.input).toEqual({
        ...withDefaults(pipelineInput(input)),
        workflowId: result.workflowId,
        reason: result.reasonForIncompletion,
        failureStatus: 'FAILED',
        failureTaskId: terminate?.taskId,
        failedWorkflow: expect.objectContaining({ workflowId: result.workflowId, workflowName: 'firmware-ci-cd-pipeline', status: 'FAILED' }),
      });
      expect(handler?.status).toBe('COMPLETED');
      expect(handler?.taskRefs).toEqual(['collect_build_logs', 'notify_failure', 'clean_build_env']);
      expect(handler?.task('collect_build_logs')?.inputData).toEqual({ workflow_id: result.workflowId, failed_task_id: terminate?.taskId });
      expect(handler?.task('notify_failure')?.inputData).toEqual({
        http_request: {
          uri: WEBHOOK,
          method: 'POST',
          contentType: 'application/json',
          body: {
            text: `Firmware pipeline ${result.workflowId} FAILED on ${REPO}@${COMMIT}: ${result.reasonForIncompletion}`,
            failed_task: 'stop_on_failed_gate',
            log_excerpt: logsCollected('stop_on_failed_gate').output.log_excerpt,
          },
        },
        // Written by conductor-oss 3.32.3's HTTPTaskMapper.
        asyncComplete: false,
      });
      // No mock reaches a failure workflow: its webhook (an unresolvable test host) fails, the optional task ends COMPLETED_WITH_ERRORS.
      expect(handler?.output).toEqual({ failed_workflow_id: result.workflowId, failed_task: 'stop_on_failed_gate', notified: null });
    });
  });

  it('deploy_firmware_ota fails twice, then succeeds: three attempts 60 s apart (FIXED), retryCount 0/1/2, workflow COMPLETED', async () => {
    const result = await run('firmware-ci-cd-pipeline', pipelineInput(), {
      registry,
      mocks: pipelineMocks({ deploy_firmware_ota: [failedAttempt(), failedAttempt(), otaDeployed()] }),
    });

    expect(result.status).toBe('COMPLETED');
    expect(result.attempts('deploy_firmware_ota').map((t) => [t.status, t.retryCount])).toEqual([
      ['FAILED', 0],
      ['FAILED', 1],
      ['COMPLETED', 2],
    ]);
    expect(attemptOffsets(result, 'deploy_firmware_ota')).toEqual([0, 60_000, 120_000]);
    // Every attempt flashes the same stored artifact (inputs are re-resolved for a retry).
    expect(new Set(result.attempts('deploy_firmware_ota').map((t) => JSON.stringify(t.inputData)))).toEqual(
      new Set([JSON.stringify({ artifact_id: stored().output.artifact_id, build_signature: COMMIT, device_ip: DEVICE_IP, environment: ENVIRONMENT })]),
    );
    expect(result.taskRefs).toEqual([...BUILD_STEPS, 'store_artifact', 'deploy_firmware_ota', 'deploy_firmware_ota', 'deploy_firmware_ota', 'device_health_check', 'device_health_gate']);
    expect(result.events.filter((e) => e.type === 'task.retry_scheduled').map((e) => e.detail)).toEqual(['retry 1 of 3 in 60 s', 'retry 2 of 3 in 60 s']);
    // The health check ran after the last retry, two minutes into the run.
    expect((result.task('device_health_check')?.scheduledTime ?? 0) - (result.attempts('deploy_firmware_ota')[0]?.scheduledTime ?? 0)).toBe(120_000);
    expect(result.output).toMatchObject({ deployment_status: 'deployed' });
  });

  it('a device that never takes the update: four attempts (retryCount 3), then the run FAILS and the handler gets the last attempt', async () => {
    const result = await run('firmware-ci-cd-pipeline', pipelineInput(), {
      registry,
      mocks: pipelineMocks({ deploy_firmware_ota: failedAttempts(4) }),
      handlers: handlerWorkers('deploy_firmware_ota'),
    });

    expect(result.status).toBe('FAILED');
    const attempts = result.attempts('deploy_firmware_ota');
    expect(attempts.map((t) => t.status)).toEqual(['FAILED', 'FAILED', 'FAILED', 'FAILED']);
    expect(attemptOffsets(result, 'deploy_firmware_ota')).toEqual([0, 60_000, 120_000, 180_000]);
    expect(result.reasonForIncompletion).toMatch(new RegExp(`^Task ${attempts[3]?.taskId} failed with status: FAILED`));
    expect(result.task('device_health_check')).toBeUndefined();
    expect(result.failureWorkflow?.input).toMatchObject({ failureStatus: 'FAILED', failureTaskId: attempts[3]?.taskId });
    expect(result.failureWorkflow?.status).toBe('COMPLETED');
  });

  it('an unhealthy device after the deploy ends the run FAILED naming the device, and the failure handler runs', async () => {
    const summary = 'free heap 38912 B below 51200 B';
    const result = await run('firmware-ci-cd-pipeline', pipelineInput(), {
      registry,
      mocks: pipelineMocks({ device_health_check: [unhealthy(summary)] }),
      handlers: handlerWorkers('stop_on_unhealthy_device'),
    });

    expect(result.status).toBe('FAILED');
    expect(result.reasonForIncompletion).toBe(`Device ${DEVICE_IP} is unhealthy after deploying ${COMMIT}: ${summary}`);
    expect(result.taskRefs).toEqual([...BUILD_STEPS, 'store_artifact', 'deploy_firmware_ota', 'device_health_check', 'device_health_gate', 'stop_on_unhealthy_device']);
    expect(result.task('device_health_gate')?.outputData).toEqual({ evaluationResult: ['false'], selectedCase: 'false' });
    // workflowOutput of the TERMINATE is {}: the FAILED run does not report what was stored or deployed.
    expect(result.output).toEqual({ 'conductor.failure_workflow': result.failureWorkflow?.workflowId });
    expect(result.failureWorkflow?.input).toMatchObject({ reason: result.reasonForIncompletion, failureTaskId: result.task('stop_on_unhealthy_device')?.taskId });
    expect(result.failureWorkflow?.status).toBe('COMPLETED');
  });

  it('a health check that cannot reach the device is retried (3 × FIXED 10 s) before the gate decides', async () => {
    const result = await run('firmware-ci-cd-pipeline', pipelineInput(), {
      registry,
      mocks: pipelineMocks({ device_health_check: [failedAttempt(), healthy()] }),
    });
    expect(result.status).toBe('COMPLETED');
    expect(attemptOffsets(result, 'device_health_check')).toEqual([0, 10_000]);
  });

  it('a worker nobody mocked: the run waits on it (RUNNING); once time runs on, the 1800 s workflow timeout fires (TIME_OUT_WF)', async () => {
    const { store_artifact: _unmocked, ...mocks } = pipelineMocks();
    const result = await run('firmware-ci-cd-pipeline', pipelineInput(), { registry, mocks, handlers: handlerWorkers('store_artifact') });

    expect(result.status).toBe('RUNNING');
    expect(result.task('store_artifact')?.status).toBe('SCHEDULED');

    await result.advance(1_799_999 - (result.tasks.at(-1)?.scheduledTime ?? 0) + (result.tasks[0]?.scheduledTime ?? 0));
    expect(result.status).toBe('RUNNING');
    await result.advance(1_000);
    expect(result.status).toBe('TIMED_OUT');
    expect(result.reasonForIncompletion).toBe('Workflow timed out after 1800 seconds. Timeout configured as 1800 seconds. Timeout policy configured to TIME_OUT_WF');
    expect(result.task('store_artifact')?.status).toBe('CANCELED');
    expect(result.failureWorkflow?.input).toMatchObject({ failureStatus: 'TIMED_OUT' });
    // conductor-oss 3.32.3 leaves failureTaskId out when no task failed the workflow.
    expect(result.failureWorkflow?.input).not.toHaveProperty('failureTaskId');
    expect(result.failureWorkflow?.status).toBe('COMPLETED');
  });

  // Conductor's Terminate puts the workflowOutput map itself in the task output (Terminate.getInputFromParam).
  it('the TERMINATE task output is its workflowOutput map, as on the server', async () => {
    const result = await run('firmware-ci-cd-pipeline', pipelineInput(), {
      registry,
      mocks: pipelineMocks({ validate_build: [gatesFailed('flash 72% >= 70%')], notify_gate_failure: [notified()] }),
      handlers: handlerWorkers('stop_on_failed_gate'),
    });
    expect(result.task('stop_on_failed_gate')?.outputData).toEqual({ failed_gates: ['flash 72% >= 70%'], metrics: metricsOf() });
  });
});

describe('k1 fixtures', () => {
  it('mock outputs are checked against the generated output schemas', () => {
    expect(() => checkOutput('deploy_firmware_ota', { status: 'flashed', device_ip: DEVICE_IP, duration_ms: 1 })).toThrow(/output\.status: "flashed" is not one of/);
    expect(() => checkOutput('deploy_firmware_ota', { status: 'deployed', device_ip: 'not an ip!', duration_ms: 1.5 })).toThrow(/output\.device_ip.*output\.duration_ms: is number, expected integer/);
    expect(() => checkOutput('device_health_check', { ...healthy().output, extra: 1 })).toThrow(/output\.extra: is not in the schema/);
    expect(() => checkOutput('validate_build', { verdict: 'pass', failed_gates: [] })).toThrow(/output\.reason: is required/);
    expect(() => checkOutput('compare_performance', { baseline: { fps: -1 } })).toThrow(/output\.baseline: matches none of anyOf/);
    expect(() => checkOutput('platformio_compile', compiled().output)).not.toThrow();
  });
});
