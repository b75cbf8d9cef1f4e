/**
 * Retry, restart, rerun, pause, resume, skip and terminate as conductor-oss 3.32.3 answered them in
 * conformance part 5 (the expected values are the server's), and the reopening of parent workflows
 * that a retry or restart of a child causes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevServer, type DevServer } from '../../src/server/index.ts';
import { client, eventually, simple, taskDef, wf } from './support.ts';

let server: DevServer;
let api: ReturnType<typeof client>;

beforeAll(async () => {
  server = await startDevServer();
  api = client(server.url);
  await api.post('/api/metadata/taskdefs', [taskDef('op_a'), taskDef('op_b'), taskDef('op_c')]);
  await api.put('/api/metadata/workflow', [
    // ../shared/cases/09-rerun
    wf('op_three', [simple('step_a', {}, { name: 'op_a' }), simple('step_b', { v: '${step_a.output.v}' }, { name: 'op_b' }), simple('step_c', { v: '${step_b.output.got}' }, { name: 'op_c' })], {
      outputParameters: { b: '${step_b.output.got}', c: '${step_c.output.got}' },
    }),
    wf('op_child', [simple('child_step', { x: '${workflow.input.x}' }, { name: 'op_c' })], { outputParameters: { got: '${child_step.output.got}' } }),
    wf('op_parent', [{ name: 'op_child', taskReferenceName: 'sub', type: 'SUB_WORKFLOW', subWorkflowParam: { name: 'op_child', version: 1 }, inputParameters: { x: '${workflow.input.x}' } }], {
      outputParameters: { got: '${sub.output.got}' },
    }),
  ]);
});

afterAll(async () => {
  await server?.close();
});

const workflow = async (id: string) => (await api.get(`/api/workflow/${id}`)).json;
const start = async (name: string, input: Record<string, unknown> = {}) => (await api.post('/api/workflow', { name, input })).text;
const pollOne = async (type: string) => {
  const [task] = (await api.get(`/api/tasks/poll/batch/${type}?workerid=w&count=1&timeout=500`)).json;
  expect(task, `a ${type} task`).toBeDefined();
  return task;
};
const finish = async (task: { taskId: string; workflowInstanceId: string }, status: string, outputData: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) =>
  api.post('/api/tasks', { taskId: task.taskId, workflowInstanceId: task.workflowInstanceId, workerId: 'w', status, outputData, ...extra });
/** Runs op_three to COMPLETED: step_a gives v, the others pass it on. */
const runThree = async () => {
  const id = await start('op_three');
  const a = await pollOne('op_a');
  await finish(a, 'COMPLETED', { v: 'from-a' });
  const b = await pollOne('op_b');
  await finish(b, 'COMPLETED', { got: b.inputData.v });
  const c = await pollOne('op_c');
  await finish(c, 'COMPLETED', { got: c.inputData.v });
  return { id, a, b, c };
};

describe('retry', () => {
  it('sets lastRetriedTime, keeps endTime and the failed task names, clears the reason, and links the new attempt to the old', async () => {
    const id = await start('op_three');
    const first = await pollOne('op_a');
    await finish(first, 'FAILED', { partial: 1 }, { reasonForIncompletion: 'disk full' });
    const failed = await workflow(id);
    expect(failed).toMatchObject({ status: 'FAILED', lastRetriedTime: 0, failedReferenceTaskNames: ['step_a'], failedTaskNames: ['op_a'] });
    expect(failed.tasks[0].executed).toBe(false);

    expect((await api.post(`/api/workflow/${id}/retry`)).status).toBe(204);
    const retried = await workflow(id);
    expect(retried).toMatchObject({ status: 'RUNNING', endTime: failed.endTime, failedReferenceTaskNames: ['step_a'], failedTaskNames: ['op_a'] });
    expect(retried.lastRetriedTime).toBeGreaterThanOrEqual(failed.endTime);
    expect(retried).not.toHaveProperty('reasonForIncompletion');
    expect(retried.tasks[0]).toMatchObject({ taskId: first.taskId, status: 'FAILED', retried: true, executed: true, seq: 1 });
    expect(retried.tasks[1]).toMatchObject({ status: 'SCHEDULED', retryCount: 1, retriedTaskId: first.taskId, retried: false, executed: false, seq: 2, pollCount: 0 });
    expect(retried.tasks[1].updateTime).toBeGreaterThan(0);
    await api.del(`/api/workflow/${id}`);
  });
});

describe('restart', () => {
  it('runs again from the start with the same id: a new createTime, endTime and lastRetriedTime 0', async () => {
    const { id } = await runThree();
    const done = await workflow(id);
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect((await api.post(`/api/workflow/${id}/restart`)).status).toBe(204);
    const restarted = await workflow(id);
    expect(restarted).toMatchObject({ workflowId: id, status: 'RUNNING', endTime: 0, lastRetriedTime: 0, output: {} });
    expect(restarted.createTime).toBeGreaterThan(done.createTime);
    expect(restarted.tasks.map((t: { referenceTaskName: string; status: string; seq: number }) => [t.referenceTaskName, t.status, t.seq])).toEqual([['step_a', 'SCHEDULED', 1]]);
    const refused = await api.post(`/api/workflow/${id}/restart`);
    expect(refused.status).toBe(409);
    expect(refused.json.message).toBe(`Workflow: op_three.1/${id}.RUNNING is not in terminal state, unable to restart.`);
    await api.del(`/api/workflow/${id}`);
  });
});

describe('rerun (../shared/cases/09-rerun)', () => {
  it('reruns from step_b with the new taskInput, answering the workflow id', async () => {
    const { id, a, b } = await runThree();
    const answer = await api.post(`/api/workflow/${id}/rerun`, { reRunFromWorkflowId: id, reRunFromTaskId: b.taskId, taskInput: { v: 'override' } });
    expect(answer.status).toBe(200);
    expect(answer.text).toBe(id);
    const rerun = await workflow(id);
    // The output of the run before stays until the workflow ends again; so does endTime.
    expect(rerun).toMatchObject({ status: 'RUNNING', output: { b: 'from-a', c: 'from-a' }, failedReferenceTaskNames: [] });
    expect(rerun.endTime).toBeGreaterThan(0);
    expect(rerun.tasks.map((t: { taskId: string; referenceTaskName: string; status: string }) => [t.taskId, t.referenceTaskName, t.status])).toEqual([
      [a.taskId, 'step_a', 'COMPLETED'],
      [b.taskId, 'step_b', 'SCHEDULED'],
    ]);
    // The same task again: input replaced, output cleared, the worker kept.
    expect(rerun.tasks[1]).toMatchObject({ inputData: { v: 'override' }, outputData: {}, pollCount: 0, startTime: 0, endTime: 0, workerId: 'w', executed: false });

    const again = await pollOne('op_b');
    await finish(again, 'COMPLETED', { got: again.inputData.v });
    const c = await pollOne('op_c');
    await finish(c, 'COMPLETED', { got: c.inputData.v });
    expect(await workflow(id)).toMatchObject({ status: 'COMPLETED', output: { b: 'override', c: 'override' } });
  });

  it('without reRunFromTaskId reruns the whole workflow with the new input, keeping its output and endTime until it ends again', async () => {
    const { id } = await runThree();
    const done = await workflow(id);
    expect((await api.post(`/api/workflow/${id}/rerun`, { reRunFromWorkflowId: id, workflowInput: { fresh: true }, correlationId: 'again' })).text).toBe(id);
    const rerun = await workflow(id);
    expect(rerun).toMatchObject({ status: 'RUNNING', input: { fresh: true }, correlationId: 'again', output: done.output, endTime: done.endTime });
    expect(rerun.tasks.map((t: { referenceTaskName: string; status: string }) => [t.referenceTaskName, t.status])).toEqual([['step_a', 'SCHEDULED']]);
    await api.del(`/api/workflow/${id}`);
  });

  it('answers 409 while the workflow runs and 400 for a task it does not have', async () => {
    const id = await start('op_three');
    const running = await api.post(`/api/workflow/${id}/rerun`, { reRunFromWorkflowId: id });
    expect(running.status).toBe(409);
    expect(running.json.message).toBe(`Workflow: op_three.1/${id}.RUNNING is not in terminal state, unable to rerun.`);
    await api.del(`/api/workflow/${id}`);
    const missing = await api.post(`/api/workflow/${id}/rerun`, { reRunFromTaskId: 'nope' });
    expect(missing.status).toBe(400);
    expect(missing.json.message).toBe('Task nope not found');
  });
});

describe('pause and resume', () => {
  it('keeps queued tasks pollable while paused, records a result without moving on, and moves on at resume', async () => {
    const id = await start('op_three');
    expect((await api.call('PUT', `/api/workflow/${id}/pause`)).status).toBe(200);
    expect((await api.call('PUT', `/api/workflow/${id}/pause`)).status).toBe(200);
    const a = await pollOne('op_a');
    await finish(a, 'COMPLETED', { v: 'from-a' });
    const paused = await workflow(id);
    expect(paused.status).toBe('PAUSED');
    expect(paused.tasks.map((t: { referenceTaskName: string; status: string; executed: boolean }) => [t.referenceTaskName, t.status, t.executed])).toEqual([['step_a', 'COMPLETED', false]]);

    expect((await api.call('PUT', `/api/workflow/${id}/resume`)).status).toBe(200);
    const resumed = await workflow(id);
    expect(resumed.status).toBe('RUNNING');
    expect(resumed.lastRetriedTime).toBeGreaterThan(0);
    expect(resumed.tasks.map((t: { referenceTaskName: string; status: string }) => [t.referenceTaskName, t.status])).toEqual([
      ['step_a', 'COMPLETED'],
      ['step_b', 'SCHEDULED'],
    ]);
    const again = await api.call('PUT', `/api/workflow/${id}/resume`);
    expect(again.status).toBe(500);
    expect(again.json.message).toBe(`The workflow ${id} is not PAUSED so cannot resume. Current status is RUNNING`);
    await api.del(`/api/workflow/${id}`);
    const ended = await api.call('PUT', `/api/workflow/${id}/pause`);
    expect(ended.status).toBe(409);
    expect(ended.json.message).toBe(`Workflow op_three.1/${id} has ended, status cannot be updated.`);
  });
});

describe('skip', () => {
  it('records a SKIPPED task first with seq 0 and no input or output whatever the request says; the workflow passes over it', async () => {
    const id = await start('op_three');
    expect((await api.call('PUT', `/api/workflow/${id}/skiptask/step_b`, { taskInput: { s: 1 }, taskOutput: { got: 'skipped' } })).status).toBe(200);
    const skipped = (await workflow(id)).tasks[0];
    expect(skipped).toMatchObject({ referenceTaskName: 'step_b', status: 'SKIPPED', seq: 0, taskType: 'op_b', inputData: {}, outputData: {}, taskDefinition: null, updateTime: 0, executed: false });
    expect(skipped).not.toHaveProperty('workflowType');
    expect(skipped.workflowTask).toMatchObject({ name: 'op_b', taskReferenceName: 'step_b', type: 'SIMPLE', inputParameters: {} });

    await finish(await pollOne('op_a'), 'COMPLETED', { v: 'from-a' });
    const after = await workflow(id);
    expect(after.tasks.map((t: { referenceTaskName: string; status: string; seq: number; inputData: unknown }) => [t.referenceTaskName, t.status, t.seq, t.inputData])).toEqual([
      ['step_b', 'SKIPPED', 0, {}],
      ['step_a', 'COMPLETED', 1, {}],
      ['step_c', 'SCHEDULED', 2, { v: null }],
    ]);
    const processed = await api.call('PUT', `/api/workflow/${id}/skiptask/step_a`, {});
    expect(processed.status).toBe(500);
    expect(processed.json.message).toBe('The task referenced step_a has already been processed, cannot be skipped');
    const unknown = await api.call('PUT', `/api/workflow/${id}/skiptask/nope`, {});
    expect(unknown.json.message).toBe('The task referenced by nope does not exist in the WorkflowDefinition op_three');
    await api.del(`/api/workflow/${id}`);
    const ended = await api.call('PUT', `/api/workflow/${id}/skiptask/step_c`, {});
    expect(ended.json.message).toBe(`The workflow ${id} is not running so the task referenced by step_c cannot be skipped`);
  });
});

describe('terminate', () => {
  it('resolves the output as at the end, and leaves a TERMINATED workflow as it is', async () => {
    const id = await start('op_three');
    await pollOne('op_a');
    await api.del(`/api/workflow/${id}?reason=stop`);
    const terminated = await workflow(id);
    expect(terminated).toMatchObject({ status: 'TERMINATED', reasonForIncompletion: 'stop', output: { b: null, c: null } });
    expect((await api.del(`/api/workflow/${id}?reason=again`)).status).toBe(200);
    expect((await workflow(id)).reasonForIncompletion).toBe('stop');
  });
});

describe('parent workflows', () => {
  it('a retried child reopens its parent: SUB_WORKFLOW task IN_PROGRESS, parent RUNNING with lastRetriedTime and no failed names', async () => {
    const parent = await start('op_parent', { x: 7 });
    const task = await pollOne('op_c');
    await finish(task, 'FAILED', {}, { reasonForIncompletion: 'child broke' });
    const failed = await eventually(async () => ((await workflow(parent)).status === 'FAILED' ? workflow(parent) : undefined));
    expect(failed).toMatchObject({ failedReferenceTaskNames: ['sub'], lastRetriedTime: 0 });

    expect((await api.post(`/api/workflow/${task.workflowInstanceId}/retry`)).status).toBe(204);
    const reopened = await workflow(parent);
    expect(reopened).toMatchObject({ status: 'RUNNING', failedReferenceTaskNames: [], failedTaskNames: [] });
    expect(reopened).not.toHaveProperty('reasonForIncompletion');
    expect(reopened.lastRetriedTime).toBeGreaterThan(0);
    expect(reopened.tasks[0]).toMatchObject({ taskType: 'SUB_WORKFLOW', status: 'IN_PROGRESS', subworkflowChanged: false, subWorkflowId: task.workflowInstanceId });
    expect((await api.get(`/api/tasks/${reopened.tasks[0].taskId}/log`)).json.map((l: { log: string }) => l.log)).toEqual([`Sub workflow op_child.1/${task.workflowInstanceId} retried.`]);

    const again = await pollOne('op_c');
    await finish(again, 'COMPLETED', { got: 'fixed' });
    expect(await workflow(parent)).toMatchObject({ status: 'COMPLETED', output: { got: 'fixed' } });

    // A restarted child reopens its COMPLETED parent too; the child keeps the failed names of its first run.
    expect((await api.post(`/api/workflow/${task.workflowInstanceId}/restart`)).status).toBe(204);
    expect((await workflow(parent)).status).toBe('RUNNING');
    expect(await workflow(task.workflowInstanceId)).toMatchObject({ status: 'RUNNING', failedReferenceTaskNames: ['child_step'] });
    await finish(await pollOne('op_c'), 'COMPLETED', { got: 'again' });
    expect(await workflow(parent)).toMatchObject({ status: 'COMPLETED', output: { got: 'again' } });
  });
});

describe('idempotencyKey', () => {
  it('is ignored, as conductor-oss 3.32.3 ignores it: the same key with RETURN_EXISTING starts a second run', async () => {
    const request = { name: 'op_three', idempotencyKey: 'same', idempotencyStrategy: 'RETURN_EXISTING' };
    const first = (await api.post('/api/workflow', request)).text;
    const second = (await api.post('/api/workflow', request)).text;
    expect(second).not.toBe(first);
    expect((await workflow(second)).status).toBe('RUNNING');
    for (const id of [first, second]) await api.del(`/api/workflow/${id}`);
  });
});

describe('reset callbacks and decide', () => {
  it('makes a task postponed by its callback pollable at once; 409 once the workflow ended', async () => {
    const id = await start('op_three');
    const a = await pollOne('op_a');
    await finish(a, 'IN_PROGRESS', {}, { callbackAfterSeconds: 100 });
    expect((await api.get('/api/tasks/poll/batch/op_a?count=1&timeout=10')).json).toEqual([]);
    expect((await api.post(`/api/workflow/${id}/resetcallbacks`)).status).toBe(204);
    expect((await api.get(`/api/tasks/${a.taskId}`)).json.callbackAfterSeconds).toBe(0);
    expect((await pollOne('op_a')).taskId).toBe(a.taskId);
    expect((await api.call('PUT', `/api/workflow/decide/${id}`)).status).toBe(200);
    await api.del(`/api/workflow/${id}`);
    const ended = await api.post(`/api/workflow/${id}/resetcallbacks`);
    expect(ended.status).toBe(409);
    expect(ended.json.message).toBe('Workflow is in terminal state. Status = TERMINATED');
  });
});
