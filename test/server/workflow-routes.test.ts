import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkflowTask } from '../../src/conductor-types.ts';
import { startDevServer, type DevServer } from '../../src/server/index.ts';
import { client, eventually, simple, taskDef, wf } from './support.ts';

let server: DevServer;
let api: ReturnType<typeof client>;

const inline = (ref: string, expression: string, inputs: Record<string, unknown> = {}): WorkflowTask => ({
  name: ref,
  taskReferenceName: ref,
  type: 'INLINE',
  inputParameters: { evaluatorType: 'javascript', expression, ...inputs },
});

beforeAll(async () => {
  server = await startDevServer();
  api = client(server.url);
  const tasks = [taskDef('wr_step'), taskDef('wr_flaky'), taskDef('wr_chain'), taskDef('wr_requeue'), taskDef('wr_left'), taskDef('wr_right')];
  expect((await api.post('/api/metadata/taskdefs', tasks)).status).toBe(200);
  const workflows = [
    wf('wr_one_step', [simple('step', { n: '${workflow.input.n}' }, { name: 'wr_step' })], { outputParameters: { doubled: '${step.output.doubled}' } }),
    wf('wr_flaky_flow', [simple('flaky', {}, { name: 'wr_flaky' }), simple('after', {}, { name: 'wr_step' })]),
    wf('wr_chain_flow', [simple('chain', { i: '${workflow.input.i}' }, { name: 'wr_chain' })]),
    wf('wr_requeue_flow', [simple('again', {}, { name: 'wr_requeue' })]),
    wf('wr_approval', [{ name: 'approve', taskReferenceName: 'approve', type: 'HUMAN', inputParameters: { who: '${workflow.input.who}' } }], {
      outputParameters: { approved: '${approve.output.approved}' },
    }),
    wf(
      'wr_parent',
      [
        { name: 'wr_approval', taskReferenceName: 'child', type: 'SUB_WORKFLOW', subWorkflowParam: { name: 'wr_approval', version: 1 }, inputParameters: { who: '${workflow.input.who}' } },
        inline('summary', '$.approved ? "shipped" : "held"', { approved: '${child.output.approved}' }),
      ],
      { outputParameters: { verdict: '${summary.output.result}', childId: '${child.output.subWorkflowId}' } },
    ),
    wf(
      'wr_forked',
      [
        { name: 'fork', taskReferenceName: 'fork', type: 'FORK_JOIN', forkTasks: [[simple('left', {}, { name: 'wr_left' })], [simple('right', {}, { name: 'wr_right' })]] },
        { name: 'join', taskReferenceName: 'join', type: 'JOIN', joinOn: ['left', 'right'] },
      ],
      { outputParameters: { left: '${left.output.side}', right: '${right.output.side}' } },
    ),
    wf('wr_inline_only', [inline('calc', '$.a + $.b', { a: '${workflow.input.a}', b: 2 })], { outputParameters: { sum: '${calc.output.result}' } }),
  ];
  expect((await api.put('/api/metadata/workflow', workflows)).status).toBe(200);
});

afterAll(async () => {
  await server?.close();
});

const start = async (name: string, input: Record<string, unknown> = {}, query = ''): Promise<string> => {
  const answer = await api.post(`/api/workflow/${name}${query}`, input);
  expect(answer.status).toBe(200);
  expect(answer.headers.get('content-type')).toContain('text/plain');
  return answer.text;
};
const workflow = async (id: string) => (await api.get(`/api/workflow/${id}`)).json;
const pollOne = async (type: string) => {
  const answer = await api.get(`/api/tasks/poll/batch/${type}?workerid=test-worker&count=1&timeout=500`);
  expect(answer.status).toBe(200);
  expect(answer.json).toHaveLength(1);
  return answer.json[0];
};
const complete = async (task: { taskId: string; workflowInstanceId: string }, outputData: Record<string, unknown> = {}, status = 'COMPLETED', extra: Record<string, unknown> = {}) => {
  const answer = await api.post('/api/tasks', { taskId: task.taskId, workflowInstanceId: task.workflowInstanceId, status, outputData, ...extra });
  expect(answer.status).toBe(200);
  expect(answer.text).toBe(task.taskId);
};

describe('starting, polling and completing', () => {
  it('starts by name, queues the SIMPLE task, serves it to a poll, and completes the workflow from POST /api/tasks', async () => {
    const id = await start('wr_one_step', { n: 21 }, '?version=1&correlationId=corr-1');
    expect((await api.get('/api/tasks/queue/sizes?taskType=wr_step&taskType=wr_other')).json).toEqual({ wr_step: 1, wr_other: 0 });

    const task = await pollOne('wr_step');
    expect(task).toMatchObject({
      taskType: 'wr_step',
      taskDefName: 'wr_step',
      referenceTaskName: 'step',
      status: 'IN_PROGRESS',
      workflowInstanceId: id,
      workflowType: 'wr_one_step',
      inputData: { n: 21 },
      retryCount: 0,
      pollCount: 1,
      responseTimeoutSeconds: 60,
      callbackAfterSeconds: 0,
      workerId: 'test-worker',
      correlationId: 'corr-1',
    });
    expect((await api.get('/api/tasks/queue/sizes?taskType=wr_step')).json).toEqual({ wr_step: 0 });
    // Nothing more queued: an empty list after the poll's timeout.
    const empty = await api.get('/api/tasks/poll/batch/wr_step?count=5&timeout=30');
    expect(empty.json).toEqual([]);
    expect((await api.get('/api/tasks/poll/wr_step')).status).toBe(204);

    expect((await api.get(`/api/tasks/${task.taskId}`)).json).toMatchObject({ taskId: task.taskId, status: 'IN_PROGRESS' });
    await complete(task, { doubled: 42 }, 'COMPLETED', { logs: [{ log: 'did it', createdTime: 1 }] });
    const done = await workflow(id);
    expect(done).toMatchObject({ workflowId: id, workflowName: 'wr_one_step', workflowVersion: 1, status: 'COMPLETED', input: { n: 21 }, output: { doubled: 42 }, correlationId: 'corr-1' });
    expect(done.tasks[0]).toMatchObject({ taskId: task.taskId, status: 'COMPLETED', outputData: { doubled: 42 }, seq: expect.any(Number) });
    expect((await api.get(`/api/tasks/${task.taskId}/log`)).json).toEqual([{ log: 'did it', taskId: task.taskId, createdTime: expect.any(Number) }]);
    expect((await api.get(`/api/workflow/${id}?includeTasks=false`)).json.tasks).toEqual([]);
    expect((await api.get(`/api/workflow/${id}/status?includeOutput=true`)).json).toEqual({ workflowId: id, correlationId: 'corr-1', status: 'COMPLETED', output: { doubled: 42 } });
  });

  it('long-polls: a batch poll waiting for work gets a task scheduled while it waits', async () => {
    const waiting = api.get('/api/tasks/poll/batch/wr_chain?count=2&timeout=2000');
    await new Promise((resolve) => setTimeout(resolve, 50));
    const id = await start('wr_chain_flow', { i: 1 });
    const answer = await waiting;
    expect(answer.json.map((t: { workflowInstanceId: string }) => t.workflowInstanceId)).toEqual([id]);
    await complete(answer.json[0]);
  });

  it('starts with a StartWorkflowRequest carrying the definition inline, and executes synchronously', async () => {
    const started = await api.post('/api/workflow', { name: 'ignored', input: { a: 40 }, workflowDef: wf('wr_inline_adhoc', [inline('calc', '$.a * 2', { a: '${workflow.input.a}' })]) });
    expect(started.status).toBe(200);
    expect(await workflow(started.text)).toMatchObject({ status: 'COMPLETED', output: { result: 80 }, workflowName: 'wr_inline_adhoc' });

    const byName = await api.post('/api/workflow', { name: 'wr_inline_only', version: 1, input: { a: 1 } });
    expect(await workflow(byName.text)).toMatchObject({ status: 'COMPLETED', output: { sum: 3 } });

    const executed = await api.post('/api/workflow/execute/wr_inline_only/1?requestId=r1', { input: { a: 5 } });
    expect(executed.status).toBe(200);
    expect(executed.json).toMatchObject({ responseType: 'TARGET_WORKFLOW', status: 'COMPLETED', output: { sum: 7 } });

    const invalid = await api.post('/api/workflow', { name: 'wr_inline_bad', workflowDef: wf('wr_inline_bad', []) });
    expect(invalid.status).toBe(400);
    expect(invalid.json.validationErrors).toEqual([{ path: 'startWorkflow.arg0.workflowDef.tasks', message: 'WorkflowTask list cannot be empty' }]);
    // conductor-oss 3.32.3 wants a name even with the definition inline.
    const nameless = await api.post('/api/workflow', { workflowDef: wf('wr_inline_adhoc', [inline('calc', '1')]) });
    expect(nameless.json.validationErrors).toEqual([{ path: 'startWorkflow.arg0.name', message: 'Workflow name cannot be null or empty' }]);
  });

  it('answers 404 for unknown workflows and tasks, 400 for a TaskResult without ids', async () => {
    const unknownRun = await api.get('/api/workflow/no-such-id');
    expect(unknownRun.status).toBe(404);
    expect(unknownRun.json).toMatchObject({ status: 404, message: 'No such workflow found by id: no-such-id' });
    const unknownDef = await api.post('/api/workflow/wr_nope', {});
    expect(unknownDef.status).toBe(404);
    expect(unknownDef.json.message).toBe('No such workflow found by name: wr_nope, version: null');
    const unknownRequest = await api.post('/api/workflow', { name: 'wr_nope' });
    expect(unknownRequest.json.message).toBe('No such workflow defined. name=wr_nope, version=null');

    const id = await start('wr_one_step', { n: 1 });
    const unknownTask = await api.post('/api/tasks', { taskId: 'no-such-task', workflowInstanceId: id, status: 'COMPLETED' });
    expect(unknownTask.status).toBe(404);
    expect(unknownTask.json.message).toBe('No such task found by id: no-such-task');
    const unknownWorkflow = await api.post('/api/tasks', { taskId: 'x', workflowInstanceId: 'no-such-id', status: 'COMPLETED' });
    expect(unknownWorkflow.status).toBe(404);
    const unknownTaskRead = await api.get('/api/tasks/no-such-task');
    expect(unknownTaskRead.status).toBe(404);
    expect(unknownTaskRead.json.message).toBe('Task not found for taskId: no-such-task');

    const noIds = await api.post('/api/tasks', { status: 'COMPLETED' });
    expect(noIds.status).toBe(400);
    expect(noIds.json.validationErrors).toEqual([
      { path: 'updateTask.arg0.workflowInstanceId', message: 'Workflow Id cannot be null or empty' },
      { path: 'updateTask.arg0.taskId', message: 'Task ID cannot be null or empty' },
    ]);
    await api.del(`/api/workflow/${id}`);
  });
});

describe('workflow operations', () => {
  it('terminates a running workflow (tasks canceled, queue emptied) and refuses to terminate a COMPLETED one', async () => {
    const id = await start('wr_one_step', { n: 2 });
    expect((await api.get('/api/tasks/queue/sizes?taskType=wr_step')).json).toEqual({ wr_step: 1 });
    const terminated = await api.del(`/api/workflow/${id}?reason=${encodeURIComponent('no longer needed')}`);
    expect(terminated.status).toBe(200);
    const run = await workflow(id);
    expect(run).toMatchObject({ status: 'TERMINATED', reasonForIncompletion: 'no longer needed' });
    expect(run.tasks[0].status).toBe('CANCELED');
    expect((await api.get('/api/tasks/queue/sizes?taskType=wr_step')).json).toEqual({ wr_step: 0 });
    expect((await api.del(`/api/workflow/${id}`)).status).toBe(200);

    const done = await api.post('/api/workflow/wr_inline_only', { a: 1 });
    const refused = await api.del(`/api/workflow/${done.text}`);
    expect(refused.status).toBe(409);
    expect(refused.json.message).toBe('Cannot terminate a COMPLETED workflow.');
  });

  it('retries after a failed task: a new attempt of it, the workflow RUNNING again, then COMPLETED', async () => {
    const id = await start('wr_flaky_flow');
    const first = await pollOne('wr_flaky');
    await complete(first, {}, 'FAILED', { reasonForIncompletion: 'disk full' });
    const failed = await workflow(id);
    expect(failed.status).toBe('FAILED');
    expect(failed.reasonForIncompletion).toContain('disk full');
    expect(failed.failedReferenceTaskNames).toEqual(['flaky']);

    const running = await start('wr_one_step', { n: 3 });
    const whileRunning = await api.post(`/api/workflow/${running}/retry`);
    expect(whileRunning.status).toBe(404);
    expect(whileRunning.json.message).toBe('Workflow is still running.  status=RUNNING');
    await api.del(`/api/workflow/${running}`);

    const retried = await api.post(`/api/workflow/${id}/retry`);
    expect(retried.status).toBe(204);
    const again = await workflow(id);
    expect(again.status).toBe('RUNNING');
    expect(again.tasks.map((t: { referenceTaskName: string; status: string; retryCount: number }) => [t.referenceTaskName, t.status, t.retryCount])).toEqual([
      ['flaky', 'FAILED', 0],
      ['flaky', 'SCHEDULED', 1],
    ]);
    const second = await pollOne('wr_flaky');
    expect(second.retryCount).toBe(1);
    await complete(second);
    await complete(await pollOne('wr_step'));
    expect((await workflow(id)).status).toBe('COMPLETED');

    const nothingToRetry = await api.post(`/api/workflow/${id}/retry`);
    expect(nothingToRetry.status).toBe(409);
    expect(nothingToRetry.json.message).toContain('There are no retryable tasks!');
  });

  it('retries a failed fork branch: the failed and the canceled branch run again and the JOIN waits for them', async () => {
    const id = await start('wr_forked');
    const left = await pollOne('wr_left');
    await pollOne('wr_right'); // in progress when the workflow fails: canceled
    await complete(left, {}, 'FAILED_WITH_TERMINAL_ERROR', { reasonForIncompletion: 'bad input' });
    const failed = await workflow(id);
    expect(failed.status).toBe('FAILED');
    expect(failed.tasks.map((t: { referenceTaskName: string; status: string }) => `${t.referenceTaskName}:${t.status}`)).toEqual(['fork:COMPLETED', 'left:FAILED_WITH_TERMINAL_ERROR', 'right:CANCELED', 'join:CANCELED']);

    expect((await api.post(`/api/workflow/${id}/retry`)).status).toBe(204);
    const again = await workflow(id);
    expect(again.status).toBe('RUNNING');
    expect(again.tasks.map((t: { referenceTaskName: string; status: string; retryCount: number }) => `${t.referenceTaskName}:${t.status}:${t.retryCount}`)).toEqual([
      'fork:COMPLETED:0',
      'left:FAILED_WITH_TERMINAL_ERROR:0',
      'right:CANCELED:0',
      'join:IN_PROGRESS:0',
      'left:SCHEDULED:1',
      'right:SCHEDULED:1',
    ]);
    await complete(await pollOne('wr_left'), { side: 'L' });
    expect((await workflow(id)).status).toBe('RUNNING');
    await complete(await pollOne('wr_right'), { side: 'R' });
    expect(await workflow(id)).toMatchObject({ status: 'COMPLETED', output: { left: 'L', right: 'R' } });
  });

  it('restarts a finished workflow from the start, with the same id and input; 409 while it runs', async () => {
    const id = await start('wr_one_step', { n: 5 });
    const refused = await api.post(`/api/workflow/${id}/restart`);
    expect(refused.status).toBe(409);
    expect(refused.json.message).toContain('is not in terminal state, unable to restart');

    const first = await pollOne('wr_step');
    await complete(first, { doubled: 10 });
    expect((await workflow(id)).status).toBe('COMPLETED');

    expect((await api.post(`/api/workflow/${id}/restart`)).status).toBe(204);
    const restarted = await workflow(id);
    expect(restarted).toMatchObject({ workflowId: id, status: 'RUNNING', input: { n: 5 }, output: {} });
    expect(restarted.tasks).toHaveLength(1);
    expect(restarted.tasks[0]).toMatchObject({ status: 'SCHEDULED', retryCount: 0 });
    expect(restarted.tasks[0].taskId).not.toBe(first.taskId);
    await complete(await pollOne('wr_step'), { doubled: 11 });
    expect(await workflow(id)).toMatchObject({ status: 'COMPLETED', output: { doubled: 11 } });
  });

  it('runs a SUB_WORKFLOW whose HUMAN task is completed through POST /api/tasks', async () => {
    const id = await start('wr_parent', { who: 'lead' });
    const parent = await workflow(id);
    expect(parent.status).toBe('RUNNING');
    const subTask = parent.tasks[0];
    expect(subTask).toMatchObject({ taskType: 'SUB_WORKFLOW', status: 'IN_PROGRESS', subWorkflowId: expect.any(String) });

    const child = await workflow(subTask.subWorkflowId);
    expect(child).toMatchObject({ workflowName: 'wr_approval', status: 'RUNNING', parentWorkflowId: id, input: { who: 'lead' } });
    const human = child.tasks[0];
    expect(human).toMatchObject({ taskType: 'HUMAN', status: 'IN_PROGRESS', inputData: { who: 'lead' } });
    // A HUMAN task is not in any worker queue.
    expect((await api.get('/api/tasks/poll/HUMAN')).status).toBe(204);

    await complete({ taskId: human.taskId, workflowInstanceId: child.workflowId }, { approved: true });
    expect((await workflow(child.workflowId)).status).toBe('COMPLETED');
    const finished = await workflow(id);
    expect(finished).toMatchObject({ status: 'COMPLETED', output: { verdict: 'shipped', childId: child.workflowId } });
  });

  it('completes a HUMAN task by reference name', async () => {
    const id = await start('wr_approval', { who: 'qa' });
    const answer = await api.post(`/api/tasks/${id}/approve/COMPLETED?workerid=reviewer`, { approved: false });
    expect(answer.status).toBe(200);
    expect(await workflow(id)).toMatchObject({ status: 'COMPLETED', output: { approved: false } });
    const none = await api.post(`/api/tasks/${id}/approve/COMPLETED`, {});
    expect(none.status).toBe(404);
    expect(none.json.message).toBe(`Found no running task approve of workflow ${id} to update`);
  });
});

describe('worker protocol details', () => {
  it('update-v2 answers the next task of the same type for the worker, then 204', async () => {
    const a = await start('wr_chain_flow', { i: 'a' });
    const b = await start('wr_chain_flow', { i: 'b' });
    const first = await pollOne('wr_chain');
    expect(first.workflowInstanceId).toBe(a);
    const next = await api.post('/api/tasks/update-v2', { taskId: first.taskId, workflowInstanceId: a, status: 'COMPLETED', outputData: {}, workerId: 'w1' });
    expect(next.status).toBe(200);
    expect(next.json).toMatchObject({ workflowInstanceId: b, status: 'IN_PROGRESS', workerId: 'w1', inputData: { i: 'b' } });
    const last = await api.post('/api/tasks/update-v2', { taskId: next.json.taskId, workflowInstanceId: b, status: 'COMPLETED', outputData: {}, workerId: 'w1' });
    expect(last.status).toBe(204);
    expect((await workflow(a)).status).toBe('COMPLETED');
    expect((await workflow(b)).status).toBe('COMPLETED');
  });

  it('IN_PROGRESS puts a worker task back in the queue (after callbackAfterSeconds); a lease extension changes nothing', async () => {
    const id = await start('wr_requeue_flow');
    const first = await pollOne('wr_requeue');
    await complete(first, { progress: 50 }, 'IN_PROGRESS');
    expect((await api.get('/api/tasks/queue/sizes?taskType=wr_requeue')).json).toEqual({ wr_requeue: 1 });
    const second = await pollOne('wr_requeue');
    expect(second).toMatchObject({ taskId: first.taskId, outputData: { progress: 50 } });
    expect(second.pollCount).toBeGreaterThan(first.pollCount);

    // A lease extension changes nothing.
    await complete(second, {}, 'IN_PROGRESS', { extendLease: true });
    expect((await api.get(`/api/tasks/${first.taskId}`)).json.status).toBe('IN_PROGRESS');

    await complete(second, { progress: 50 }, 'IN_PROGRESS', { callbackAfterSeconds: 1 });
    expect((await api.get('/api/tasks/queue/sizes?taskType=wr_requeue')).json).toEqual({ wr_requeue: 0 });
    await eventually(async () => ((await api.get('/api/tasks/queue/sizes?taskType=wr_requeue')).json.wr_requeue === 1 ? true : undefined), 3_000);
    await complete(await pollOne('wr_requeue'), { progress: 100 });
    expect(await workflow(id)).toMatchObject({ status: 'COMPLETED', output: { progress: 100 } });
    // A result for a task that already ended is ignored, as the server ignores it.
    await complete(first, { progress: -1 }, 'FAILED');
    expect((await workflow(id)).output).toEqual({ progress: 100 });
  });
});
