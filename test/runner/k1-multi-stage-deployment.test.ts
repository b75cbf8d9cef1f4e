/**
 * multi-stage-deployment, run end to end from its generated JSON through the local runner: parallel
 * builds (a dynamic fork inside a fork), staging, a HUMAN approval, the production dynamic forks and
 * the rollback loop over deployment-rollback-handler.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadGenerated, run, type Registry, type TaskMock, type TaskMocks, type WorkflowRun } from '../../src/testing.ts';
import type { SubWorkflowMocks } from '../../src/runner/types.ts';
import {
  COMMIT,
  ENVIRONMENT,
  ENV_C3,
  HOUR,
  LAST_GOOD,
  MINUTE,
  MIN_FREE_HEAP,
  PRODUCTION,
  REPO,
  STAGING_IP,
  WEBHOOK,
  compiled,
  failedAttempts,
  healthy,
  lastGoodFound,
  notified,
  otaDeployed,
  releaseAggregated,
  releaseInput,
  storedFirmware,
  unhealthy,
  webappBuilt,
} from './k1-fixtures.ts';

let registry: Registry;
beforeAll(async () => {
  registry = await loadGenerated();
});

const APPROVAL = { approved: true, approver: 'maria.k', comment: 'Staging soak looked good, ship it' };
const REJECTION = { approved: false, approver: 'maria.k', comment: 'Heap is too close to the floor on staging' };

/**
 * The production forks' task references. They are the workflow's second and third dynamic forks,
 * which conductor-oss 3.32.3 names `_<forkRef>_<taskName>_<i>` (the first one `_<taskName>_<i>`).
 */
const deployRef = (i: number): string => `_production_deploys_deploy_firmware_ota_${i}`;
const checkRef = (i: number): string => `_production_verification_device_health_check_${i}`;

/** Every worker up to the approval, and the production deploys and checks; `over` replaces some. */
const releaseMocks = (over: TaskMocks = {}): TaskMocks => ({
  _platformio_compile_0: [compiled({ environment: ENVIRONMENT })],
  _platformio_compile_1: [compiled({ environment: ENV_C3 })],
  build_webapp: [webappBuilt()],
  aggregate_artifacts: [releaseAggregated()],
  deploy_staging: [otaDeployed(STAGING_IP)],
  staging_health_check: [healthy()],
  request_approval: [notified()],
  ...Object.fromEntries(PRODUCTION.map((d, i) => [deployRef(i), [otaDeployed(d.device_ip)]])),
  ...Object.fromEntries(PRODUCTION.map((_, i) => [checkRef(i), [healthy()]])),
  ...over,
});

/** The rollback handler's workers, for each of `health.length` rollbacks (`rollback_device__<n>`, the loop's iterations). */
const rollbackMocks = (health: readonly TaskMock[] = [healthy(LAST_GOOD)]): Record<string, SubWorkflowMocks> =>
  Object.fromEntries(
    health.map((check, i) => [
      `rollback_device__${i + 1}`,
      {
        taskRefToMockOutput: {
          get_last_good_artifact: [lastGoodFound(LAST_GOOD, ENV_C3)],
          deploy_firmware_ota: [otaDeployed()],
          device_health_check: [check],
          notify: [notified()],
          notify_rollback_failed: [notified()],
        },
      },
    ]),
  );

const UP_TO_APPROVAL = [
  'firmware_build_inputs',
  'parallel_builds',
  'firmware_builds',
  '_platformio_compile_0',
  '_platformio_compile_1',
  'firmware_builds_join',
  'build_webapp',
  // Scheduled with the fork; the results task only once the dynamic JOIN is done.
  'parallel_builds_join',
  'firmware_builds_results',
  'aggregate_artifacts',
  'deployment_plan',
  'deploy_staging',
  'staging_health_check',
  'staging_health_gate',
  'request_approval',
  'approval_gate',
  'approval_decision',
];
/** The production steps of a run, its forked tasks named as conductor-oss 3.32.3 names them. */
const PRODUCTION_STEPS = [
  'production_deploys',
  deployRef(0),
  deployRef(1),
  deployRef(2),
  'production_deploys_join',
  'production_deploys_results',
  'production_verification',
  checkRef(0),
  checkRef(1),
  checkRef(2),
  'production_verification_join',
  'production_verification_results',
  'verification_summary',
  'production_verification_gate',
];

/** Starts a release and stops where approval_gate waits for a person (time held, see the report). */
async function untilApproval(mocks: TaskMocks = releaseMocks(), subWorkflowMocks: Record<string, SubWorkflowMocks> = {}, input = releaseInput()): Promise<{ result: WorkflowRun }> {
  const result = await run('multi-stage-deployment', input, { registry, mocks, subWorkflowMocks });
  return { result };
}

/** Conductor adds `__index: i` to each task a forkTaskInputs dynamic fork makes; the runner does not (reported). */
const forkedInput = (r: WorkflowRun, ref: string): Record<string, unknown> => {
  const { __index: _index, ...rest } = r.task(ref)?.inputData ?? {};
  return rest;
};

const stagingOutput = { device_ip: STAGING_IP, healthy: true, summary: healthy().output.summary };

describe('multi-stage-deployment (generated JSON, local runner)', () => {
  it('builds every environment in parallel with the web app, stages, and waits for the approval', async () => {
    const { result } = await untilApproval();

    expect(result.status).toBe('RUNNING');
    expect(result.taskRefs).toEqual(UP_TO_APPROVAL.slice(0, -1));
    expect(result.task('approval_gate')?.status).toBe('IN_PROGRESS');
    // One compile per environment, each with its own environment.
    expect(forkedInput(result, '_platformio_compile_0')).toEqual({ repo: REPO, branch: 'release/1.4', commit_sha: COMMIT, environment: ENVIRONMENT });
    expect(forkedInput(result, '_platformio_compile_1')).toEqual({ repo: REPO, branch: 'release/1.4', commit_sha: COMMIT, environment: ENV_C3 });
    expect(result.task('firmware_builds_join')?.inputData).toMatchObject({ joinOn: ['_platformio_compile_0', '_platformio_compile_1'] });
    expect(result.task('aggregate_artifacts')?.inputData).toEqual({
      release_version: COMMIT,
      environments: [ENVIRONMENT, ENV_C3],
      // By value: each build's input with its output, whatever the server named the forked tasks.
      firmware_builds: [ENVIRONMENT, ENV_C3].map((environment) => ({
        input: { repo: REPO, branch: 'release/1.4', commit_sha: COMMIT, environment },
        output: compiled({ environment }).output,
      })),
      webapp_build: webappBuilt().output,
    });
    // Staging gets the stored firmware of its environment, signed with the commit.
    expect(result.task('deploy_staging')?.inputData).toEqual({
      device_ip: STAGING_IP,
      environment: ENVIRONMENT,
      artifact_id: storedFirmware(ENVIRONMENT).artifact_id,
      build_signature: COMMIT,
    });
    expect(result.task('staging_health_check')?.inputData).toEqual({ device_ip: STAGING_IP, expected_build_signature: COMMIT, min_free_heap_bytes: MIN_FREE_HEAP });
    expect(result.task('request_approval')?.inputData).toEqual({
      webhook_url: WEBHOOK,
      severity: 'info',
      title: `Release ${COMMIT} waits for production approval`,
      message: `Staging device ${STAGING_IP} is healthy (${healthy().output.summary}). Complete task approval_gate of workflow ${result.workflowId} with approved, approver and comment within 1 hour; no answer means no production deploy.`,
    });
    expect(result.task('approval_gate')?.inputData).toEqual({
      release_version: COMMIT,
      staging_device_ip: STAGING_IP,
      staging_health: healthy().output.summary,
      production_devices: PRODUCTION,
      manifest_path: releaseAggregated().output.manifest_path,
    });
  });

  it('approved: one deploy and one health check per production device, in parallel; COMPLETED with deployed true', async () => {
    const { result } = await untilApproval();
    await result.completeTask('approval_gate', APPROVAL);

    expect(result.status).toBe('COMPLETED');
    expect(result.taskRefs).toEqual([...UP_TO_APPROVAL, ...PRODUCTION_STEPS]);
    PRODUCTION.forEach((device, i) => {
      expect(forkedInput(result, deployRef(i))).toEqual({
        device_ip: device.device_ip,
        environment: device.environment,
        artifact_id: storedFirmware(device.environment).artifact_id,
        build_signature: COMMIT,
      });
      expect(forkedInput(result, checkRef(i))).toEqual({ device_ip: device.device_ip, expected_build_signature: COMMIT, min_free_heap_bytes: MIN_FREE_HEAP });
    });
    expect(result.task('production_deploys_join')?.inputData).toMatchObject({ joinOn: [deployRef(0), deployRef(1), deployRef(2)] });
    expect(result.task('production_verification_join')?.inputData).toMatchObject({ joinOn: [checkRef(0), checkRef(1), checkRef(2)] });
    expect(result.task('approval_decision')?.outputData).toEqual({ evaluationResult: ['approved'], selectedCase: 'approved' });
    expect(result.task('production_verification_gate')?.outputData).toEqual({ evaluationResult: ['true'], selectedCase: 'true' });
    expect(result.output).toEqual({
      release_version: COMMIT,
      deployed: true,
      artifacts: releaseAggregated().output,
      staging: stagingOutput,
      approval: APPROVAL,
      production_health: { all_healthy: true, failed_devices: [], failed_summary: '' },
    });
  });

  it('rejected: COMPLETED with deployed false and the decision in the output; nothing goes to production', async () => {
    const { result } = await untilApproval();
    await result.completeTask('approval_gate', REJECTION);

    expect(result.status).toBe('COMPLETED');
    expect(result.taskRefs).toEqual([...UP_TO_APPROVAL, 'stop_not_approved']);
    expect(result.task('approval_decision')?.outputData).toEqual({ evaluationResult: ['not_approved'], selectedCase: 'not_approved' });
    expect(result.reasonForIncompletion).toBe(`Release ${COMMIT} was not deployed to production: approval COMPLETED, approved=false by maria.k: ${REJECTION.comment}`);
    expect(result.task('production_deploys')).toBeUndefined();
    expect(result.output).toEqual({ release_version: COMMIT, deployed: false, artifacts: releaseAggregated().output, staging: stagingOutput, approval: REJECTION });
  });

  it('only approved === true deploys: an approval of "yes" does not', async () => {
    const { result } = await untilApproval();
    await result.completeTask('approval_gate', { approved: 'yes', approver: 'bob', comment: '' });
    expect(result.status).toBe('COMPLETED');
    expect(result.output).toMatchObject({ deployed: false });
    expect(result.task('production_deploys')).toBeUndefined();
  });

  it('nobody answers within 1 hour: the optional HUMAN task times out, the run COMPLETES with deployed false', async () => {
    const result = await run('multi-stage-deployment', releaseInput(), { registry, mocks: releaseMocks() });
    expect(result.status).toBe('RUNNING');
    await result.advance(1 * HOUR - 1);
    expect(result.task('approval_gate')?.status).toBe('IN_PROGRESS');
    await result.advance(1);
    const gate = result.task('approval_gate');

    expect(result.status).toBe('COMPLETED');
    expect(gate?.status).toBe('COMPLETED_WITH_ERRORS');
    expect(gate?.reasonForIncompletion).toMatch(/timed out after 3600 seconds/);
    expect((gate?.endTime ?? 0) - (gate?.startTime ?? 0)).toBe(1 * HOUR);
    expect(result.events.some((e) => e.type === 'task.failed' && e.ref === 'approval_gate' && e.status === 'TIMED_OUT')).toBe(true);
    expect(result.taskRefs).toEqual([...UP_TO_APPROVAL, 'stop_not_approved']);
    expect(result.reasonForIncompletion).toBe(`Release ${COMMIT} was not deployed to production: approval COMPLETED_WITH_ERRORS, approved=null by null: null`);
    expect(result.output).toEqual({
      release_version: COMMIT,
      deployed: false,
      artifacts: releaseAggregated().output,
      staging: stagingOutput,
      approval: { approved: null, approver: null, comment: null },
    });
  });

  it('the approval can also be mocked, as POST /api/workflow/test does: an answer after 20 minutes deploys', async () => {
    const result = await run('multi-stage-deployment', releaseInput(), {
      registry,
      mocks: releaseMocks({ approval_gate: [{ status: 'COMPLETED', output: APPROVAL, executionTime: 20 * MINUTE }] }),
    });
    expect(result.status).toBe('COMPLETED');
    expect(result.output).toMatchObject({ deployed: true, approval: APPROVAL });
    const gate = result.task('approval_gate');
    expect((result.task('production_deploys')?.scheduledTime ?? 0) - (gate?.startTime ?? 0)).toBe(20 * MINUTE);
  });

  // Virtual time never runs on towards a timeout by itself: the run waits for the person.
  //
  it('run() stops while approval_gate waits for a person', async () => {
    const result = await run('multi-stage-deployment', releaseInput(), { registry, mocks: releaseMocks() });
    expect(result.status).toBe('RUNNING');
    expect(result.task('approval_gate')?.status).toBe('IN_PROGRESS');
    await result.completeTask('approval_gate', APPROVAL);
    expect(result.output).toMatchObject({ deployed: true });
  });

  it('an unhealthy staging device ends the run FAILED naming it; nobody is asked, nothing reaches production', async () => {
    const summary = 'build signature a3f9c2e ok, free heap 40960 B below 51200 B';
    const result = await run('multi-stage-deployment', releaseInput(), { registry, mocks: releaseMocks({ staging_health_check: [unhealthy(summary)] }) });

    expect(result.status).toBe('FAILED');
    expect(result.reasonForIncompletion).toBe(`Staging device ${STAGING_IP} is unhealthy after deploying ${COMMIT}: ${summary}`);
    expect(result.taskRefs).toEqual([...UP_TO_APPROVAL.slice(0, UP_TO_APPROVAL.indexOf('request_approval')), 'stop_on_unhealthy_staging']);
    expect(result.output).toEqual({
      release_version: COMMIT,
      deployed: false,
      artifacts: releaseAggregated().output,
      staging: { device_ip: STAGING_IP, healthy: false, summary },
    });
  });

  it('a failed production verification rolls that device back with deployment-rollback-handler, then FAILS naming it', async () => {
    const summary = 'build signature a3f9c2e ok, free heap 30720 B below 51200 B';
    const { result } = await untilApproval(releaseMocks({ [checkRef(1)]: [unhealthy(summary)] }), rollbackMocks());
    await result.completeTask('approval_gate', APPROVAL);
    const failedDevice = { device_ip: PRODUCTION[1].device_ip, environment: ENV_C3, summary };

    expect(result.status).toBe('FAILED');
    expect(result.reasonForIncompletion).toBe(
      `Production verification of ${COMMIT} failed on ${PRODUCTION[1].device_ip}: ${summary}; those devices were rolled back with deployment-rollback-handler.`,
    );
    expect(result.taskRefs).toEqual([
      ...UP_TO_APPROVAL,
      ...PRODUCTION_STEPS,
      'queue_rollbacks',
      'rollback_loop',
      'rollback_device__1',
      'rollback_queue_rest__1',
      'dequeue_rollback__1',
      'stop_on_failed_verification',
    ]);
    expect(result.task('verification_summary')?.outputData['result']).toEqual({ all_healthy: false, failed_devices: [failedDevice], failed_summary: `${PRODUCTION[1].device_ip}: ${summary}` });
    expect(result.task('rollback_device__1')?.inputData['workflowInput']).toEqual({ failed_workflow_id: result.workflowId, device_ip: PRODUCTION[1].device_ip, environment: ENV_C3, notify_webhook_url: WEBHOOK });
    expect(result.task('rollback_loop')?.outputData).toMatchObject({ iteration: 1 });
    expect(result.variables).toEqual({ rollback_queue: [] });

    const rollback = result.subWorkflow('rollback_device__1');
    expect(rollback?.toJSON()).toMatchObject({ workflowName: 'deployment-rollback-handler', parentWorkflowId: result.workflowId });
    expect(rollback?.status).toBe('COMPLETED');
    expect(rollback?.taskRefs).toEqual(['get_last_good_artifact', 'deploy_firmware_ota', 'device_health_check', 'rollback_health_gate', 'notify']);
    expect(rollback?.task('deploy_firmware_ota')?.inputData).toMatchObject({ device_ip: PRODUCTION[1].device_ip, environment: ENV_C3, build_signature: LAST_GOOD });
    expect(result.task('rollback_device__1')?.status).toBe('COMPLETED');
    expect(result.task('rollback_device__1')?.outputData).toMatchObject({ device_ip: PRODUCTION[1].device_ip, rolled_back_to: LAST_GOOD, subWorkflowId: rollback?.workflowId });
    // Healthy devices keep the release: only the failed one was rolled back.
    expect(result.output).toMatchObject({ deployed: false, approval: APPROVAL, production_health: { all_healthy: false, failed_devices: [failedDevice] } });
  });

  it('two devices fail verification: rolled back one after the other; a failed rollback does not stop the next', async () => {
    const { result } = await untilApproval(
      releaseMocks({ [checkRef(0)]: [unhealthy('signature mismatch: running 77e0b1d')], [checkRef(2)]: [unhealthy('fps 12.0 below 30')] }),
      // The first rollback leaves the device unhealthy (its sub-workflow FAILS); the second works.
      rollbackMocks([unhealthy('still rebooting', LAST_GOOD), healthy(LAST_GOOD)]),
    );
    await result.completeTask('approval_gate', APPROVAL);

    expect(result.status).toBe('FAILED');
    expect(result.reasonForIncompletion).toBe(
      `Production verification of ${COMMIT} failed on ${PRODUCTION[0].device_ip}: signature mismatch: running 77e0b1d; ${PRODUCTION[2].device_ip}: fps 12.0 below 30; those devices were rolled back with deployment-rollback-handler.`,
    );
    expect(result.task('rollback_device__1')?.inputData['workflowInput']).toMatchObject({ device_ip: PRODUCTION[0].device_ip, environment: ENVIRONMENT });
    expect(result.task('rollback_device__2')?.inputData['workflowInput']).toMatchObject({ device_ip: PRODUCTION[2].device_ip, environment: ENVIRONMENT });
    expect(result.subWorkflow('rollback_device__1')?.status).toBe('FAILED');
    expect(result.subWorkflow('rollback_device__1')?.reasonForIncompletion).toBe(`Device ${PRODUCTION[0].device_ip} is still unhealthy after rolling back to ${LAST_GOOD}: still rebooting`);
    expect(result.task('rollback_device__1')?.status).toBe('COMPLETED_WITH_ERRORS');
    expect(result.subWorkflow('rollback_device__2')?.status).toBe('COMPLETED');
    expect(result.task('rollback_device__2')?.status).toBe('COMPLETED');
    expect(result.task('rollback_loop')?.outputData).toMatchObject({ iteration: 2 });
    expect(result.taskRefs.slice(result.taskRefs.indexOf('queue_rollbacks'))).toEqual([
      'queue_rollbacks',
      'rollback_loop',
      'rollback_device__1',
      'rollback_queue_rest__1',
      'dequeue_rollback__1',
      'rollback_device__2',
      'rollback_queue_rest__2',
      'dequeue_rollback__2',
      'stop_on_failed_verification',
    ]);
  });

  it('a production device that does not take the deploy at all fails its fork and the run; nothing is verified', async () => {
    const { result } = await untilApproval(releaseMocks({ [deployRef(1)]: failedAttempts(4) }));
    await result.completeTask('approval_gate', APPROVAL);

    expect(result.status).toBe('FAILED');
    expect(result.attempts(deployRef(1))).toHaveLength(4);
    expect(result.reasonForIncompletion).toMatch(new RegExp(`^Task ${result.task(deployRef(1))?.taskId} failed`));
    expect(result.task('production_deploys_join')?.status).toBe('CANCELED');
    expect(result.task('production_verification')).toBeUndefined();
  });

  // A health check that fails for good ends COMPLETED_WITH_ERRORS with no output, which the JOIN
  // leaves out: verification_summary goes by device, so that device counts as unhealthy.
  it('a production device that does not answer the health check is reported unhealthy and rolled back', async () => {
    const { result } = await untilApproval(releaseMocks({ [checkRef(2)]: failedAttempts(4) }), rollbackMocks());
    await result.completeTask('approval_gate', APPROVAL);

    expect(result.task(checkRef(2))?.status).toBe('COMPLETED_WITH_ERRORS');
    expect(result.status).toBe('FAILED');
    expect(result.task('rollback_device__1')?.inputData['workflowInput']).toMatchObject({ device_ip: PRODUCTION[2].device_ip });
  });
});
