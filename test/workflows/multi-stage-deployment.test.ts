import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { deploymentRollbackHandler, multiStageDeployment, workflows } from '../../definitions/index.ts';
import { platformioCompile } from '../../definitions/tasks/build-tasks.ts';
import { deployFirmwareOta, deviceHealthCheck } from '../../definitions/tasks/device-tasks.ts';
import { allTasks, hasJq, isFresh, outline, readTaskDef, readWorkflow, retrySettings, runJq, task } from './helpers.ts';

const def = readWorkflow('multi-stage-deployment');

/** The jq query of a JSON_JQ_TRANSFORM task. */
const queryOf = (ref: string): string => task(def, ref).inputParameters?.queryExpression as string;

describe('multi-stage-deployment v1 (generated JSON)', () => {
  it('is what the definition compiles to (gen is up to date), and is listed with its sub-workflow', () => {
    expect(isFresh(multiStageDeployment)).toBe(true);
    expect(workflows).toContain(multiStageDeployment);
    expect(workflows).toContain(deploymentRollbackHandler);
  });

  it('builds, aggregates, stages, asks, then deploys and verifies production, in this order', () => {
    expect(outline(def.tasks)).toEqual([
      'firmware_build_inputs:JSON_JQ_TRANSFORM',
      'parallel_builds:FORK_JOIN',
      'parallel_builds_join:JOIN',
      'aggregate_artifacts:SIMPLE',
      'deployment_plan:JSON_JQ_TRANSFORM',
      'deploy_staging:SIMPLE',
      'staging_health_check:SIMPLE',
      'staging_health_gate:SWITCH',
      'request_approval:SIMPLE',
      'approval_gate:HUMAN',
      'approval_decision:SWITCH',
      'production_deploys:FORK_JOIN_DYNAMIC',
      'production_deploys_join:JOIN',
      'production_deploys_results:JSON_JQ_TRANSFORM',
      'production_verification:FORK_JOIN_DYNAMIC',
      'production_verification_join:JOIN',
      'production_verification_results:JSON_JQ_TRANSFORM',
      'verification_summary:JSON_JQ_TRANSFORM',
      'production_verification_gate:SWITCH',
    ]);
    expect(task(def, 'deploy_staging').name).toBe('deploy_firmware_ota');
    expect(task(def, 'staging_health_check').name).toBe('device_health_check');
    expect(task(def, 'request_approval')).toMatchObject({ name: 'notify', optional: true });
  });

  it('parallel_builds: one dynamic fork of platformio_compile per environment, beside the web app; the JOIN waits for both', () => {
    const fork = task(def, 'parallel_builds');
    expect(fork.forkTasks?.map(outline)).toEqual([
      ['firmware_builds:FORK_JOIN_DYNAMIC', 'firmware_builds_join:JOIN', 'firmware_builds_results:JSON_JQ_TRANSFORM'],
      ['build_webapp:SIMPLE'],
    ]);
    expect(task(def, 'parallel_builds_join').joinOn).toEqual(['firmware_builds_results', 'build_webapp']);
    expect(task(def, 'firmware_builds').inputParameters).toEqual({
      forkTaskName: 'platformio_compile',
      forkTaskInputs: '${firmware_build_inputs.output.result}',
    });
    expect(task(def, 'firmware_builds_join').joinOn).toEqual([]);
    expect(task(def, 'aggregate_artifacts').inputParameters).toEqual({
      release_version: '${workflow.input.commit_sha}',
      environments: '${workflow.input.environments}',
      firmware_builds: '${firmware_builds_results.output.result}',
      webapp_build: '${build_webapp.output}',
    });
  });

  it('production: a dynamic fork of deploy_firmware_ota, then one of device_health_check, each over the plan, each joined', () => {
    expect(task(def, 'production_deploys').inputParameters).toEqual({
      forkTaskName: 'deploy_firmware_ota',
      forkTaskInputs: '${deployment_plan.output.result.production_deploys}',
    });
    expect(task(def, 'production_verification').inputParameters).toEqual({
      forkTaskName: 'device_health_check',
      forkTaskInputs: '${deployment_plan.output.result.production_checks}',
    });
    expect(task(def, 'production_deploys_join')).toMatchObject({ type: 'JOIN', joinOn: [] });
    expect(task(def, 'production_verification_join')).toMatchObject({ type: 'JOIN', joinOn: [] });
    const forkNames = allTasks(def.tasks)
      .filter((t) => t.type === 'FORK_JOIN_DYNAMIC')
      .map((t) => t.inputParameters?.forkTaskName);
    expect(forkNames).toEqual(['platformio_compile', 'deploy_firmware_ota', 'device_health_check']);
    // The checks are read from the fork's results by value, never by a forked task's name.
    expect(task(def, 'verification_summary').inputParameters).toMatchObject({
      results: '${production_verification_results.output.result}',
      devices: '${workflow.input.production_devices}',
    });
  });

  it('staging_health_gate: an unhealthy staging device terminates FAILED naming it', () => {
    const gate = task(def, 'staging_health_gate');
    expect(gate.inputParameters).toEqual({ switchCaseValue: '${staging_health_check.output.healthy}' });
    expect(outline(gate.decisionCases?.false)).toEqual(['stop_on_unhealthy_staging:TERMINATE']);
    expect(task(def, 'stop_on_unhealthy_staging').inputParameters).toMatchObject({
      terminationStatus: 'FAILED',
      terminationReason: 'Staging device ${workflow.input.staging_device_ip} is unhealthy after deploying ${workflow.input.commit_sha}: ${staging_health_check.output.summary}',
      workflowOutput: { deployed: false, release_version: '${workflow.input.commit_sha}' },
    });
  });

  it('approval_gate: a HUMAN task, optional, with a one-hour timeout in its inline task definition', () => {
    const human = task(def, 'approval_gate');
    expect(human.optional).toBe(true);
    expect(human.taskDefinition).toMatchObject({
      name: 'approval_gate',
      retryCount: 0,
      timeoutSeconds: 3600,
      responseTimeoutSeconds: 3600,
      totalTimeoutSeconds: 0,
    });
    expect(human.inputParameters).toEqual({
      release_version: '${workflow.input.commit_sha}',
      staging_device_ip: '${workflow.input.staging_device_ip}',
      staging_health: '${staging_health_check.output.summary}',
      production_devices: '${workflow.input.production_devices}',
      manifest_path: '${aggregate_artifacts.output.manifest_path}',
    });
  });

  // RETRY with no retries left marks the task TIMED_OUT and lets `optional` decide; TIME_OUT_WF
  // would time the whole run out (DeciderService.timeoutTaskWithTimeoutPolicy).
  it('approval_gate: a timeout does not time the workflow out (timeoutPolicy is not TIME_OUT_WF)', () => {
    expect(task(def, 'approval_gate').taskDefinition?.timeoutPolicy).not.toBe('TIME_OUT_WF');
  });

  it('approval_decision: only approved === true goes on; rejected or unanswered terminates COMPLETED with deployed=false', () => {
    const decision = task(def, 'approval_decision');
    expect(decision).toMatchObject({
      evaluatorType: 'javascript',
      expression: "$.approved === true ? 'approved' : 'not_approved'",
      inputParameters: { approved: '${approval_gate.output.approved}' },
      defaultCase: [],
    });
    expect(Object.keys(decision.decisionCases ?? {})).toEqual(['not_approved']);
    expect(outline(decision.decisionCases?.not_approved)).toEqual(['stop_not_approved:TERMINATE']);
    expect(task(def, 'stop_not_approved').inputParameters).toMatchObject({
      terminationStatus: 'COMPLETED',
      workflowOutput: {
        deployed: false,
        release_version: '${workflow.input.commit_sha}',
        approval: {
          approved: '${approval_gate.output.approved}',
          approver: '${approval_gate.output.approver}',
          comment: '${approval_gate.output.comment}',
        },
      },
    });
    // The expression, evaluated as Conductor does ($ = the resolved inputs), for each outcome.
    const evaluate = (inputs: Record<string, unknown>): unknown => new Function('$', `return ${decision.expression};`)(inputs);
    expect(evaluate({ approved: true })).toBe('approved');
    expect(evaluate({ approved: false })).toBe('not_approved');
    expect(evaluate({ approved: null })).toBe('not_approved'); // timed out: no output
    expect(evaluate({ approved: 'true' })).toBe('not_approved');
  });

  it('a failed production verification rolls the failed devices back through the rollback sub-workflow, then terminates FAILED', () => {
    const gate = task(def, 'production_verification_gate');
    expect(gate.inputParameters).toEqual({ switchCaseValue: '${verification_summary.output.result.all_healthy}' });
    expect(Object.keys(gate.decisionCases ?? {})).toEqual(['false']);
    expect(outline(gate.decisionCases?.false)).toEqual(['queue_rollbacks:SET_VARIABLE', 'rollback_loop:DO_WHILE', 'stop_on_failed_verification:TERMINATE']);
    expect(task(def, 'queue_rollbacks').inputParameters).toEqual({ rollback_queue: '${verification_summary.output.result.failed_devices}' });

    const loop = task(def, 'rollback_loop');
    expect(loop.loopCondition).toBe('$.rollback_queue_rest.result.remaining > 0');
    expect(outline(loop.loopOver)).toEqual(['rollback_device:SUB_WORKFLOW', 'rollback_queue_rest:JSON_JQ_TRANSFORM', 'dequeue_rollback:SET_VARIABLE']);
    const rollback = task(def, 'rollback_device');
    expect(rollback).toMatchObject({ name: 'deployment-rollback-handler', optional: true, subWorkflowParam: { name: 'deployment-rollback-handler', version: 1 } });
    expect(rollback.inputParameters).toEqual({
      failed_workflow_id: '${workflow.workflowId}',
      device_ip: '${workflow.variables.rollback_queue[0].device_ip}',
      environment: '${workflow.variables.rollback_queue[0].environment}',
      notify_webhook_url: '${workflow.input.notify_webhook_url}',
    });
    expect(task(def, 'dequeue_rollback').inputParameters).toEqual({ rollback_queue: '${rollback_queue_rest.output.result.queue}' });

    expect(task(def, 'stop_on_failed_verification').inputParameters).toMatchObject({
      terminationStatus: 'FAILED',
      terminationReason:
        'Production verification of ${workflow.input.commit_sha} failed on ${verification_summary.output.result.failed_summary}; those devices were rolled back with deployment-rollback-handler.',
      workflowOutput: { deployed: false, production_health: '${verification_summary.output.result}' },
    });
  });

  it('the sub-workflow link points at a generated workflow that takes every input passed to it', () => {
    const child = readWorkflow('deployment-rollback-handler');
    expect(child.version).toBe(1);
    for (const key of Object.keys(task(def, 'rollback_device').inputParameters ?? {})) expect(child.inputParameters).toContain(key);
  });

  it('starts with an empty rollback queue, defaults, a 3 h timeout and no failure workflow', () => {
    expect(def.variables).toEqual({ rollback_queue: [] });
    expect(def.inputTemplate).toEqual({
      environments: ['esp32-s3-devkitc-1'],
      min_free_heap_bytes: 51200,
      staging_environment: 'esp32-s3-devkitc-1',
      webapp_dir: 'webapp',
    });
    expect(def.timeoutSeconds).toBe(10800);
    expect(def.failureWorkflow).toBeUndefined();
    expect(def.outputParameters).toMatchObject({ deployed: true, production_health: '${verification_summary.output.result}' });
  });

  it('uses the retry settings of its tasks', () => {
    expect(retrySettings(readTaskDef('build_webapp'))).toEqual({
      retryCount: 1,
      retryLogic: 'FIXED',
      retryDelaySeconds: 30,
      timeoutSeconds: 300,
      responseTimeoutSeconds: 300,
    });
    expect(retrySettings(readTaskDef('aggregate_artifacts'))).toEqual({
      retryCount: 2,
      retryLogic: 'EXPONENTIAL_BACKOFF',
      retryDelaySeconds: 10,
      timeoutSeconds: 300,
      responseTimeoutSeconds: 300,
    });
    expect(retrySettings(readTaskDef('platformio_compile'))).toMatchObject({ retryCount: 1, timeoutSeconds: 300 });
    expect(retrySettings(readTaskDef('deploy_firmware_ota'))).toMatchObject({ retryCount: 3, retryLogic: 'FIXED', retryDelaySeconds: 60 });
  });
});

describe.skipIf(!hasJq)('multi-stage-deployment jq queries, run over sample inputs', () => {
  const production_devices = [
    { device_ip: '192.168.1.110', environment: 'esp32-s3-devkitc-1' },
    { device_ip: '192.168.1.111', environment: 'k1-v2' },
  ];

  it('firmware_build_inputs: one platformio_compile input per environment', () => {
    const result = runJq(queryOf('firmware_build_inputs'), { repo: 'K1.node1', branch: 'main', commit_sha: 'abc1234', environments: ['esp32-s3-devkitc-1', 'k1-v2'] });
    expect(result).toEqual([
      { repo: 'K1.node1', branch: 'main', commit_sha: 'abc1234', environment: 'esp32-s3-devkitc-1' },
      { repo: 'K1.node1', branch: 'main', commit_sha: 'abc1234', environment: 'k1-v2' },
    ]);
    expect(z.array(platformioCompile.input).safeParse(result).success).toBe(true);
  });

  it('deployment_plan: whole deploy and health-check inputs per device, matching the task contracts', () => {
    const [A1, B2] = ['a1'.repeat(32), 'b2'.repeat(32)];
    const firmware = {
      'esp32-s3-devkitc-1': { artifact_id: A1, artifact_url: 'u1', firmware_bin_path: '/store/a1.bin', size_bytes: 1 },
      'k1-v2': { artifact_id: B2, artifact_url: 'u2', firmware_bin_path: '/store/b2.bin', size_bytes: 2 },
    };
    const input = { firmware, release_version: 'abc1234', staging_environment: 'esp32-s3-devkitc-1', production_devices, min_free_heap_bytes: 51200 };
    const plan = runJq(queryOf('deployment_plan'), input) as { production_deploys: unknown[]; production_checks: unknown[] };
    expect(plan).toEqual({
      staging_artifact_id: A1,
      production_deploys: [
        { device_ip: '192.168.1.110', environment: 'esp32-s3-devkitc-1', artifact_id: A1, build_signature: 'abc1234' },
        { device_ip: '192.168.1.111', environment: 'k1-v2', artifact_id: B2, build_signature: 'abc1234' },
      ],
      production_checks: [
        { device_ip: '192.168.1.110', expected_build_signature: 'abc1234', min_free_heap_bytes: 51200 },
        { device_ip: '192.168.1.111', expected_build_signature: 'abc1234', min_free_heap_bytes: 51200 },
      ],
    });
    expect(z.array(deployFirmwareOta.input).safeParse(plan.production_deploys).success).toBe(true);
    expect(z.array(deviceHealthCheck.input).safeParse(plan.production_checks).success).toBe(true);
    // A device whose environment was not built fails the plan, before anything is flashed.
    expect(() => runJq(queryOf('deployment_plan'), { ...input, production_devices: [{ device_ip: '192.168.1.112', environment: 'k1-v3' }] })).toThrow(
      'no firmware was built for environment k1-v3 of device 192.168.1.112',
    );
  });

  it('verification_summary: finds each failed check\'s device by the address it checked', () => {
    const check = (device_ip: string, output: unknown) => ({ input: { device_ip, expected_build_signature: 'abc1234', min_free_heap_bytes: 51200 }, output });
    const results = [check('192.168.1.110', { healthy: true, summary: 'ok' }), check('192.168.1.111', { healthy: false, summary: 'free heap 31 KB < 50 KB' })];
    expect(runJq(queryOf('verification_summary'), { results, devices: production_devices })).toEqual({
      all_healthy: false,
      failed_devices: [{ device_ip: '192.168.1.111', environment: 'k1-v2', summary: 'free heap 31 KB < 50 KB' }],
      failed_summary: '192.168.1.111: free heap 31 KB < 50 KB',
    });
    // In any order, and a check that left no output (failed for good) counts as unhealthy.
    const reordered = [check('192.168.1.111', { healthy: true, summary: 'ok' }), check('192.168.1.110', null)];
    expect(runJq(queryOf('verification_summary'), { results: reordered, devices: production_devices })).toEqual({
      all_healthy: false,
      failed_devices: [{ device_ip: '192.168.1.110', environment: 'esp32-s3-devkitc-1', summary: 'no health report' }],
      failed_summary: '192.168.1.110: no health report',
    });
    const healthy = [check('192.168.1.110', { healthy: true, summary: 'ok' }), check('192.168.1.111', { healthy: true, summary: 'ok' })];
    expect(runJq(queryOf('verification_summary'), { results: healthy, devices: production_devices })).toEqual({ all_healthy: true, failed_devices: [], failed_summary: '' });
  });

  it('production_verification_results + verification_summary on what conductor-oss 3.32.3 gives: later forks named _<forkRef>_<task>_<i>', () => {
    // The JOIN as the real server left it after an approved release (production was the second
    // dynamic fork of the run; the check of .111 failed for good and left no output).
    const join = {
      input: { joinOn: ['_production_verification_device_health_check_0', '_production_verification_device_health_check_1'] },
      output: { _production_verification_device_health_check_0: { healthy: true, summary: 'healthy: runs K1.node1 abc1234' } },
    };
    const items = [
      { device_ip: '192.168.1.110', expected_build_signature: 'abc1234', min_free_heap_bytes: 51200 },
      { device_ip: '192.168.1.111', expected_build_signature: 'abc1234', min_free_heap_bytes: 51200 },
    ];
    const results = runJq(queryOf('production_verification_results'), { items, joinOn: join.input.joinOn, outputs: join.output });
    expect(results).toEqual([
      { input: items[0], output: { healthy: true, summary: 'healthy: runs K1.node1 abc1234' } },
      { input: items[1], output: null },
    ]);
    expect(runJq(queryOf('verification_summary'), { results, devices: production_devices })).toEqual({
      all_healthy: false,
      failed_devices: [{ device_ip: '192.168.1.111', environment: 'k1-v2', summary: 'no health report' }],
      failed_summary: '192.168.1.111: no health report',
    });
  });

  it('rollback_queue_rest: drops the device just rolled back and counts the rest, so the loop ends', () => {
    const queue = [
      { device_ip: '192.168.1.110', environment: 'e', summary: 's' },
      { device_ip: '192.168.1.111', environment: 'e', summary: 's' },
    ];
    expect(runJq(queryOf('rollback_queue_rest'), { queue })).toEqual({ queue: [queue[1]], remaining: 1 });
    expect(runJq(queryOf('rollback_queue_rest'), { queue: [queue[1]] })).toEqual({ queue: [], remaining: 0 });
  });
});
