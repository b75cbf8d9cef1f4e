/**
 * deployment-rollback-handler, run end to end from its generated JSON through the local runner.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadGenerated, run, type Registry, type TaskMocks } from '../../src/testing.ts';
import {
  DEVICE_IP,
  ENVIRONMENT,
  LAST_GOOD,
  MIN_FREE_HEAP,
  WEBHOOK,
  attemptOffsets,
  failedAttempts,
  healthy,
  lastGoodFound,
  notified,
  otaDeployed,
  unhealthy,
} from './k1-fixtures.ts';

let registry: Registry;
beforeAll(async () => {
  registry = await loadGenerated();
});

const FAILED_RUN = '0b7e9a52-1c2d-4e3f-8a9b-0c1d2e3f4a5b';
const rollbackInput = (over: Record<string, unknown> = {}) => ({ failed_workflow_id: FAILED_RUN, device_ip: DEVICE_IP, notify_webhook_url: WEBHOOK, ...over });

const rollbackMocks = (over: TaskMocks = {}): TaskMocks => ({
  get_last_good_artifact: [lastGoodFound()],
  deploy_firmware_ota: [otaDeployed()],
  device_health_check: [healthy(LAST_GOOD)],
  notify: [notified()],
  ...over,
});

const good = lastGoodFound().output;

describe('deployment-rollback-handler (generated JSON, local runner)', () => {
  it('rolls the device back to the last good firmware, finds it healthy, notifies (info): COMPLETED', async () => {
    const result = await run('deployment-rollback-handler', rollbackInput(), { registry, mocks: rollbackMocks() });

    expect(result.status).toBe('COMPLETED');
    expect(result.taskRefs).toEqual(['get_last_good_artifact', 'deploy_firmware_ota', 'device_health_check', 'rollback_health_gate', 'notify']);
    expect(result.task('get_last_good_artifact')?.inputData).toEqual({ failed_workflow_id: FAILED_RUN, environment: ENVIRONMENT, target_version: null });
    // The deploy flashes the chosen artifact, signed with its version; the check expects that version.
    expect(result.task('deploy_firmware_ota')?.inputData).toEqual({ device_ip: DEVICE_IP, environment: ENVIRONMENT, artifact_id: good.artifact_id, build_signature: LAST_GOOD });
    expect(result.task('device_health_check')?.inputData).toEqual({ device_ip: DEVICE_IP, expected_build_signature: LAST_GOOD, min_free_heap_bytes: MIN_FREE_HEAP });
    expect(result.task('rollback_health_gate')?.outputData).toEqual({ evaluationResult: ['true'], selectedCase: 'true' });
    expect(result.task('notify')?.inputData).toEqual({
      webhook_url: WEBHOOK,
      severity: 'info',
      title: `Rolled back ${DEVICE_IP}`,
      message: `Device ${DEVICE_IP} runs ${LAST_GOOD} again after failed run ${FAILED_RUN}: ${healthy(LAST_GOOD).output.summary}`,
    });
    expect(result.output).toEqual({
      failed_workflow_id: FAILED_RUN,
      device_ip: DEVICE_IP,
      rolled_back_to: LAST_GOOD,
      artifact_id: good.artifact_id,
      deployment_status: 'deployed',
      health: { healthy: true, summary: healthy(LAST_GOOD).output.summary, free_heap_bytes: 142_336 },
    });
  });

  it('rolls back to target_version when one is given', async () => {
    const target = '1234567';
    const result = await run('deployment-rollback-handler', rollbackInput({ target_version: target, environment: 'esp32-c3-devkitm-1' }), {
      registry,
      mocks: rollbackMocks({
        get_last_good_artifact: [lastGoodFound(target, 'esp32-c3-devkitm-1', 'target_version')],
        device_health_check: [healthy(target)],
      }),
    });
    expect(result.status).toBe('COMPLETED');
    expect(result.task('get_last_good_artifact')?.inputData).toEqual({ failed_workflow_id: FAILED_RUN, environment: 'esp32-c3-devkitm-1', target_version: target });
    expect(result.task('deploy_firmware_ota')?.inputData).toMatchObject({ environment: 'esp32-c3-devkitm-1', build_signature: target });
    expect(result.output).toMatchObject({ rolled_back_to: target });
  });

  it('a device already on the last good firmware is not flashed again: already_deployed, COMPLETED', async () => {
    const result = await run('deployment-rollback-handler', rollbackInput(), { registry, mocks: rollbackMocks({ deploy_firmware_ota: [otaDeployed(DEVICE_IP, 'already_deployed')] }) });
    expect(result.status).toBe('COMPLETED');
    expect(result.output).toMatchObject({ deployment_status: 'already_deployed' });
  });

  it('a device still unhealthy after the rollback: notified (error), then FAILED with a reason naming the device', async () => {
    const summary = `build signature ${LAST_GOOD.slice(0, 7)} ok, free heap 38912 B below 51200 B`;
    const result = await run('deployment-rollback-handler', rollbackInput(), {
      registry,
      mocks: rollbackMocks({ device_health_check: [unhealthy(summary, LAST_GOOD)], notify_rollback_failed: [notified()], notify: [] }),
    });

    expect(result.status).toBe('FAILED');
    expect(result.reasonForIncompletion).toBe(`Device ${DEVICE_IP} is still unhealthy after rolling back to ${LAST_GOOD}: ${summary}`);
    expect(result.taskRefs).toEqual(['get_last_good_artifact', 'deploy_firmware_ota', 'device_health_check', 'rollback_health_gate', 'notify_rollback_failed', 'stop_on_unhealthy_rollback']);
    expect(result.task('notify_rollback_failed')?.inputData).toEqual({
      webhook_url: WEBHOOK,
      severity: 'error',
      title: `Rollback of ${DEVICE_IP} failed`,
      message: `Device ${DEVICE_IP} is still unhealthy after rolling back to ${LAST_GOOD} (failed run ${FAILED_RUN}): ${summary}`,
    });
    expect(result.task('notify')).toBeUndefined();
    expect(result.output).toEqual({
      failed_workflow_id: FAILED_RUN,
      device_ip: DEVICE_IP,
      rolled_back_to: LAST_GOOD,
      artifact_id: good.artifact_id,
      deployment_status: 'deployed',
      health: { healthy: false, summary, free_heap_bytes: 38_912 },
    });
    // No failureWorkflow on this one.
    expect(result.failureWorkflow).toBeUndefined();
  });

  it('the webhook fails: notify (optional, 3 × EXPONENTIAL 5 s) is retried, then COMPLETED_WITH_ERRORS; the rollback still COMPLETES', async () => {
    const result = await run('deployment-rollback-handler', rollbackInput(), { registry, mocks: rollbackMocks({ notify: failedAttempts(4) }) });

    expect(result.status).toBe('COMPLETED');
    expect(result.attempts('notify').map((t) => t.status)).toEqual(['FAILED', 'FAILED', 'FAILED', 'COMPLETED_WITH_ERRORS']);
    expect(attemptOffsets(result, 'notify')).toEqual([0, 5_000, 15_000, 35_000]);
    expect(result.output).toMatchObject({ rolled_back_to: LAST_GOOD, health: { healthy: true } });
  });

  it('no firmware to roll back to: get_last_good_artifact fails with a terminal error, no retry, FAILED; nothing is flashed', async () => {
    const result = await run('deployment-rollback-handler', rollbackInput(), {
      registry,
      mocks: rollbackMocks({ get_last_good_artifact: [{ status: 'FAILED_WITH_TERMINAL_ERROR', output: {} }] }),
    });
    expect(result.status).toBe('FAILED');
    expect(result.attempts('get_last_good_artifact')).toHaveLength(1);
    expect(result.taskRefs).toEqual(['get_last_good_artifact']);
    expect(result.reasonForIncompletion).toMatch(new RegExp(`^Task ${result.task('get_last_good_artifact')?.taskId} failed with status: FAILED`));
  });
});
