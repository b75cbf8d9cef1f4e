/**
 * The scenarios of part 5 (dev server vs server): each drives one Conductor server through the
 * official SDK's clients (raw fetch where the SDK has no call, or hides the status and body of an
 * error) and records every answer. The same scenario runs on both servers; the part compares what
 * they recorded.
 */
import { TaskManager, noopLogger, type ConductorWorker, type Task, type Workflow } from '@io-orkes/conductor-javascript';
import type { TaskDef, WorkflowDef, WorkflowTask } from '../../src/conductor-types.ts';
import type { Observations } from './observations.ts';
import { outcome, type Side } from './sdk-side.ts';

/** One row of the part's table. */
export interface Scenario {
  readonly name: string;
  /** What it exercises, for the table. */
  readonly about: string;
  run(side: Side, obs: Observations, names: Names): Promise<void>;
}

/** Definition names of one run: a unique prefix on the shared server, the same on both sides. */
export interface Names {
  readonly prefix: string;
  /** `<prefix>_<short>`. */
  (short: string): string;
}

/** The names of one run. */
export function namesFor(prefix: string): Names {
  return Object.assign((short: string) => `${prefix}_${short}`, { prefix });
}

const OWNER = 'conformance@k1.reinvented';
const WORKER = 'k1-conformance';

const taskDef = (name: string, extra: Partial<TaskDef> = {}): TaskDef => ({
  name,
  ownerEmail: OWNER,
  retryCount: 0,
  timeoutSeconds: 0,
  totalTimeoutSeconds: 0,
  responseTimeoutSeconds: 60,
  ...extra,
});

const simple = (ref: string, name: string, inputParameters?: Record<string, unknown>): WorkflowTask => ({
  name,
  taskReferenceName: ref,
  type: 'SIMPLE',
  ...(inputParameters !== undefined && { inputParameters }),
});

const workflowDef = (name: string, tasks: WorkflowTask[], extra: Partial<WorkflowDef> = {}): WorkflowDef => ({
  name,
  version: 1,
  schemaVersion: 2,
  ownerEmail: OWNER,
  timeoutSeconds: 0,
  tasks,
  ...extra,
});

/** The task definitions every scenario uses. */
export function taskDefs(n: Names): TaskDef[] {
  return [taskDef(n('a')), taskDef(n('b')), taskDef(n('c')), taskDef(n('scan'), { responseTimeoutSeconds: 600 }), taskDef(n('work')), taskDef(n('rq'))];
}

/** The workflow definitions every scenario uses (the shapes of ../shared/cases/07 and 09 among them). */
export function workflowDefs(n: Names): WorkflowDef[] {
  return [
    // ../shared/cases/09-rerun
    workflowDef(n('three'), [simple('step_a', n('a')), simple('step_b', n('b'), { v: '${step_a.output.v}' }), simple('step_c', n('c'), { v: '${step_b.output.got}' })], {
      outputParameters: { b: '${step_b.output.got}', c: '${step_c.output.got}' },
    }),
    // ../shared/cases/07-in-progress-update
    workflowDef(n('scan'), [simple('scan', n('scan'), {})]),
    workflowDef(n('child'), [simple('child_step', n('c'), { x: '${workflow.input.x}' })], { outputParameters: { got: '${child_step.output.got}' } }),
    workflowDef(
      n('parent'),
      [{ name: n('child'), taskReferenceName: 'sub', type: 'SUB_WORKFLOW', subWorkflowParam: { name: n('child'), version: 1 }, inputParameters: { x: '${workflow.input.x}' } }],
      { outputParameters: { got: '${sub.output.got}' } },
    ),
    workflowDef(n('work'), [simple('work', n('work'), { n: '${workflow.input.n}' })], { outputParameters: { result: '${work.output.result}' } }),
    workflowDef(n('rq'), [simple('rq', n('rq'))]),
  ];
}

// ---- helpers every scenario shares ---------------------------------------------------------------

/** Batch-polls one task of a type (as the SDK's TaskManager does), waiting up to `timeoutMs`. */
async function poll(side: Side, type: string, query = '', timeoutMs = 1000): Promise<Task[]> {
  const answer = await side.raw('GET', `/tasks/poll/batch/${type}?workerid=${WORKER}&count=1&timeout=${timeoutMs}${query}`);
  return Array.isArray(answer.body) ? (answer.body as Task[]) : [];
}

/** Polls one task of a type, or fails the scenario naming what did not come. */
async function pollOne(side: Side, type: string, query = ''): Promise<Task> {
  const [task] = await poll(side, type, query);
  if (task === undefined) throw new Error(`no ${type} task came to a poll${query}`);
  return task;
}

/** `POST /api/tasks` with a TaskResult, as the SDK's TaskManager sends it. */
function update(side: Side, task: Task, status: string, outputData: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return side.raw('POST', '/tasks', { taskId: task.taskId, workflowInstanceId: task.workflowInstanceId, workerId: WORKER, status, outputData, ...extra });
}

/** The workflow with its tasks, once `done` holds for it (the real server does some work on its own threads). */
async function until(side: Side, id: string, done: (w: Workflow) => boolean, ms = 10_000): Promise<Workflow> {
  const deadline = Date.now() + ms;
  for (;;) {
    const workflow = await side.executor.getWorkflow(id, true);
    if (done(workflow) || Date.now() > deadline) return workflow;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const statusIs =
  (status: string) =>
  (w: Workflow): boolean =>
    w.status === status;

/** Starts a workflow with the SDK and names its id. */
async function start(side: Side, obs: Observations, label: string, request: Parameters<Side['executor']['startWorkflow']>[0]): Promise<string> {
  const id = await side.executor.startWorkflow(request);
  obs.label(id, label);
  return id;
}

/** Runs `three` to COMPLETED with workers that pass `v` along (../shared/cases/09-rerun). */
async function runThree(side: Side, obs: Observations, n: Names, label: string): Promise<{ id: string; tasks: Task[] }> {
  const id = await start(side, obs, label, { name: n('three'), version: 1, input: {} });
  const a = await pollOne(side, n('a'));
  await update(side, a, 'COMPLETED', { v: 'from-a' });
  const b = await pollOne(side, n('b'));
  await update(side, b, 'COMPLETED', { got: b.inputData?.['v'] });
  const c = await pollOne(side, n('c'));
  await update(side, c, 'COMPLETED', { got: c.inputData?.['v'] });
  for (const [task, name] of [
    [a, 'a'],
    [b, 'b'],
    [c, 'c'],
  ] as const)
    obs.label(task.taskId, `${label}.${name}`);
  return { id, tasks: [a, b, c] };
}

// ---- the scenarios -------------------------------------------------------------------------------

/** Every scenario, in the order they run (the first registers what the others use). */
export const SCENARIOS: readonly Scenario[] = [
  {
    name: 'metadata register and read back',
    about: 'MetadataClient registerTasks, registerWorkflowDef, getWorkflowDef, getTask',
    async run(side, obs, n) {
      obs.see('registerTasks', await outcome(() => side.metadata.registerTasks(taskDefs(n))));
      for (const def of workflowDefs(n)) obs.see(`registerWorkflowDef ${def.name}`, await outcome(() => side.metadata.registerWorkflowDef(def)));
      obs.see('getWorkflowDef three', await side.metadata.getWorkflowDef(n('three'), 1));
      obs.see('getWorkflowDef parent latest', await side.metadata.getWorkflowDef(n('parent')));
      obs.see('getTask scan', await side.metadata.getTask(n('scan')));
      obs.see('POST taskdefs answer', await side.raw('POST', '/metadata/taskdefs', [taskDef(n('a'))]));
      const gone = workflowDef(n('gone'), [simple('a', n('a'))]);
      obs.see('register gone', await side.raw('POST', '/metadata/workflow', gone));
      obs.see('PUT over an existing workflow', await side.raw('PUT', '/metadata/workflow', [{ ...gone, description: 'replaced' }]));
      obs.see('read after PUT', await side.raw('GET', `/metadata/workflow/${n('gone')}?version=1`));
      obs.see('register gone task', await side.raw('POST', '/metadata/taskdefs', [taskDef(n('gone'))]));
      obs.see('PUT task def', await side.raw('PUT', '/metadata/taskdefs', taskDef(n('gone'), { description: 'updated' })));
      obs.see('read task def after PUT', await side.raw('GET', `/metadata/taskdefs/${n('gone')}`));
      obs.see('DELETE task def', await side.raw('DELETE', `/metadata/taskdefs/${n('gone')}`));
      obs.see('DELETE task def again', await side.raw('DELETE', `/metadata/taskdefs/${n('gone')}`));
      obs.see('DELETE workflow', await side.raw('DELETE', `/metadata/workflow/${n('gone')}/1`));
      obs.see('read deleted workflow', await side.raw('GET', `/metadata/workflow/${n('gone')}?version=1`));
      obs.see('DELETE workflow again', await side.raw('DELETE', `/metadata/workflow/${n('gone')}/1`));
    },
  },
  {
    name: 'metadata errors',
    about: '409 register twice, 404 unknown definitions, validate 200/400 bodies, 500 JSON errors',
    async run(side, obs, n) {
      const [three] = workflowDefs(n);
      obs.see('register again', await side.raw('POST', '/metadata/workflow', three));
      obs.see('SDK register again', await outcome(() => side.metadata.registerWorkflowDef(three as WorkflowDef)));
      obs.see('unknown workflow def', await side.raw('GET', `/metadata/workflow/${n('nope')}?version=3`));
      obs.see('SDK unknown workflow def', await outcome(() => side.metadata.getWorkflowDef(n('nope'), 3)));
      obs.see('unknown task def', await side.raw('GET', `/metadata/taskdefs/${n('nope')}`));
      obs.see('PUT new task def', await side.raw('PUT', '/metadata/taskdefs', taskDef(n('never'))));
      obs.see('task defs not a list', await side.raw('POST', '/metadata/taskdefs', taskDef(n('single'))));
      obs.see('invalid task def', await side.raw('POST', '/metadata/taskdefs', [taskDef(n('bad'), { responseTimeoutSeconds: 0 })]));
      const valid = workflowDef(n('valid'), [simple('a', n('a'))]);
      obs.see('validate valid', await side.raw('POST', '/metadata/workflow/validate', valid));
      obs.see('validate empty tasks', await side.raw('POST', '/metadata/workflow/validate', { ...valid, tasks: [] }));
      obs.see('validate duplicate ref', await side.raw('POST', '/metadata/workflow/validate', { ...valid, tasks: [simple('a', n('a')), simple('a', n('b'))] }));
      obs.see('validate no name', await side.raw('POST', '/metadata/workflow/validate', { ...valid, name: undefined }));
      obs.see('validate schemaVersion 1', await side.raw('POST', '/metadata/workflow/validate', { ...valid, schemaVersion: 1 }));
      obs.see('register empty tasks', await side.raw('POST', '/metadata/workflow', { ...valid, tasks: [] }));
      obs.see('register malformed JSON', await side.raw('POST', '/metadata/workflow', '{"name": "x",'));
      obs.see('valid was not saved', await side.raw('GET', `/metadata/workflow/${n('valid')}`));
    },
  },
  {
    name: 'start and read',
    about: 'WorkflowExecutor startWorkflow, getWorkflow, getWorkflowStatus; start by name; 404/400 starts',
    async run(side, obs, n) {
      const id = await start(side, obs, 'wf', { name: n('three'), version: 1, input: { q: 1 }, correlationId: 'corr-start' });
      obs.see('getWorkflow', await side.executor.getWorkflow(id, true));
      obs.see('getWorkflowStatus', await side.executor.getWorkflowStatus(id, true, true));
      obs.see('without tasks', await side.raw('GET', `/workflow/${id}?includeTasks=false`));
      const byName = await side.raw('POST', `/workflow/${n('three')}?version=1&correlationId=corr-name`, { q: 2 });
      obs.label(byName.body, 'byName');
      obs.see('start by name', byName);
      obs.see('start unknown', await side.raw('POST', '/workflow', { name: n('nope') }));
      obs.see('start unknown by name', await side.raw('POST', `/workflow/${n('nope')}`, {}));
      obs.see('start without name', await side.raw('POST', '/workflow', {}));
      obs.see('SDK start unknown', await outcome(() => side.executor.startWorkflow({ name: n('nope') })));
      obs.see('unknown id', await side.raw('GET', '/workflow/no-such-id'));
      obs.see('SDK unknown id', await outcome(() => side.executor.getWorkflow('no-such-id', true)));
      obs.see('status of unknown id', await side.raw('GET', '/workflow/no-such-id/status'));
      await side.executor.terminate(id, 'cleanup');
      await side.executor.terminate(byName.body as string, 'cleanup');
    },
  },
  {
    name: 'poll and complete',
    about: 'batch poll, queue sizes, empty polls, POST /api/tasks COMPLETED with logs, TaskClient getTask and logs',
    async run(side, obs, n) {
      const id = await start(side, obs, 'wf', { name: n('three'), version: 1, input: {}, correlationId: 'corr-poll' });
      obs.see('queue sizes before', await side.tasks.getQueueSizeForTask([n('a')]));
      const [task] = await poll(side, n('a'));
      obs.label(task?.taskId, 'a');
      obs.see('poll', task);
      obs.see('queue sizes after', await side.tasks.getQueueSizeForTask([n('a')]));
      obs.see('poll again', await poll(side, n('a'), '', 100));
      obs.see('single poll', await side.raw('GET', `/tasks/poll/${n('a')}`));
      const done = await update(side, task as Task, 'COMPLETED', { v: 'from-a' }, { logs: [{ log: 'did it', createdTime: 1 }] });
      obs.see('update answer', done);
      obs.see('getTask', await side.tasks.getTask((task as Task).taskId as string));
      await side.tasks.addTaskLog((task as Task).taskId as string, 'added by the client');
      obs.see('task logs', await side.tasks.getTaskLogs((task as Task).taskId as string));
      obs.see('poll data', await side.tasks.getTaskPollData(n('a')));
      obs.see('workflow', await side.executor.getWorkflow(id, true));
      obs.see('update unknown task', await side.raw('POST', '/tasks', { taskId: 'no-such-task', workflowInstanceId: id, status: 'COMPLETED' }));
      obs.see('update unknown workflow', await side.raw('POST', '/tasks', { taskId: 'x', workflowInstanceId: 'no-such-id', status: 'COMPLETED' }));
      obs.see('update without ids', await side.raw('POST', '/tasks', { status: 'COMPLETED' }));
      obs.see('get unknown task', await side.raw('GET', '/tasks/no-such-task'));
      obs.see('update an ended task', await update(side, task as Task, 'FAILED', { late: true }));
      await side.executor.terminate(id, 'cleanup');
    },
  },
  {
    name: 'IN_PROGRESS with callbacks',
    about: '../shared/cases/07: IN_PROGRESS puts the task back SCHEDULED, postponed by callbackAfterSeconds; output replaced; pollCount counts polls',
    async run(side, obs, n) {
      const id = await start(side, obs, 'wf', { name: n('scan'), version: 1, input: {} });
      const first = await pollOne(side, n('scan'));
      obs.label(first.taskId, 'scan');
      obs.see('in progress, callback 30', await update(side, first, 'IN_PROGRESS', { scanned: 10 }, { callbackAfterSeconds: 30 }));
      obs.see('task after callback 30', await side.tasks.getTask(first.taskId as string));
      obs.see('poll while postponed', await poll(side, n('scan'), '', 200));
      obs.see('in progress, callback 0', await update(side, first, 'IN_PROGRESS', { percent: 50 }, { callbackAfterSeconds: 0 }));
      obs.see('task after callback 0', await side.tasks.getTask(first.taskId as string));
      obs.see('second poll', await poll(side, n('scan')));
      await update(side, first, 'COMPLETED', { percent: 100 });
      obs.see('workflow', await side.executor.getWorkflow(id, true));
    },
  },
  {
    name: 'requeue pending tasks',
    about: 'POST requeue/{taskType}: every task of the type not ended goes back in the queue, an IN_PROGRESS one too (handed out again, pollCount 2); the count as text',
    async run(side, obs, n) {
      const held = await start(side, obs, 'held', { name: n('rq'), version: 1, input: {} });
      const first = await pollOne(side, n('rq'));
      obs.label(first.taskId, 'held task');
      const waiting = await start(side, obs, 'waiting', { name: n('rq'), version: 1, input: {} });
      obs.see('queue sizes before', await side.tasks.getQueueSizeForTask([n('rq')]));
      obs.see('requeue', await side.raw('POST', `/tasks/queue/requeue/${n('rq')}`));
      obs.see('queue sizes after', await side.tasks.getQueueSizeForTask([n('rq')]));
      // Both handed out once, in an order the server does not promise.
      const polled = [...(await poll(side, n('rq'))), ...(await poll(side, n('rq')))].sort((a, b) => (a.pollCount ?? 0) - (b.pollCount ?? 0));
      obs.label(polled[0]?.taskId, 'waiting task');
      obs.see('polled after requeue', polled);
      obs.see('poll again', await poll(side, n('rq'), '', 100));
      await update(side, first, 'COMPLETED', { done: true });
      obs.see('requeue after one ended', await side.raw('POST', `/tasks/queue/requeue/${n('rq')}`));
      obs.see('requeue an unknown type', await side.raw('POST', `/tasks/queue/requeue/${n('nothing')}`));
      obs.see('held workflow', await side.executor.getWorkflow(held, true));
      await side.executor.terminate(waiting, 'cleanup');
    },
  },
  {
    name: 'reset callbacks, decide, search-v2, terminate-remove',
    about: 'POST resetcallbacks makes a postponed task pollable at once; PUT decide; GET search-v2; DELETE terminate-remove',
    async run(side, obs, n) {
      const id = await start(side, obs, 'wf', { name: n('scan'), version: 1, input: { k: 'v' } });
      const task = await pollOne(side, n('scan'));
      obs.label(task.taskId, 'scan');
      await update(side, task, 'IN_PROGRESS', { step: 1 }, { callbackAfterSeconds: 100 });
      obs.see('poll while postponed', await poll(side, n('scan'), '', 100));
      obs.see('reset callbacks', await side.raw('POST', `/workflow/${id}/resetcallbacks`));
      obs.see('task after reset', await side.tasks.getTask(task.taskId as string));
      obs.see('poll after reset', await poll(side, n('scan')));
      obs.see('decide', await side.raw('PUT', `/workflow/decide/${id}`));
      const query = encodeURIComponent(`workflowType IN (${n('scan')}) AND status IN (RUNNING)`);
      const deadline = Date.now() + 10_000;
      let found = await side.raw('GET', `/workflow/search-v2?query=${query}&freeText=k`);
      while (((found.body as { totalHits?: number }).totalHits ?? 0) < 1 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 200));
        found = await side.raw('GET', `/workflow/search-v2?query=${query}&freeText=k`);
      }
      obs.see('search-v2', found);
      obs.see('terminate-remove', await side.raw('DELETE', `/workflow/${id}/terminate-remove`));
      obs.see('removed', await side.raw('GET', `/workflow/${id}`));
      obs.see('reset callbacks of an unknown workflow', await side.raw('POST', '/workflow/no-such-id/resetcallbacks'));
    },
  },
  {
    name: 'worker IN_PROGRESS through TaskManager',
    about: "the SDK's TaskManager: a worker answers IN_PROGRESS (callbackAfterSeconds 1), then COMPLETED",
    async run(side, obs, n) {
      const seen: unknown[] = [];
      const worker: ConductorWorker = {
        taskDefName: n('work'),
        execute: async (task) => {
          seen.push({ pollCount: task.pollCount, outputData: task.outputData, callbackAfterSeconds: task.callbackAfterSeconds });
          if ((task.pollCount ?? 0) < 2) return { status: 'IN_PROGRESS', callbackAfterSeconds: 1, outputData: { step: 1 } };
          return { status: 'COMPLETED', outputData: { result: Number(task.inputData?.['n']) * 2 } };
        },
      };
      const manager = new TaskManager(side.client, [worker], { logger: noopLogger, options: { pollInterval: 50, concurrency: 1 } });
      manager.startPolling();
      try {
        const id = await start(side, obs, 'wf', { name: n('work'), version: 1, input: { n: 21 } });
        obs.see('workflow', await until(side, id, statusIs('COMPLETED'), 15_000));
        obs.see('what the worker saw', seen);
      } finally {
        await manager.stopPolling();
      }
    },
  },
  {
    name: 'task domains',
    about: 'taskToDomain at start: only a poll for that domain gets the task; "*" maps every task',
    async run(side, obs, n) {
      const id = await start(side, obs, 'wf', { name: n('three'), version: 1, input: {}, taskToDomain: { [n('a')]: 'blue' } });
      obs.see('poll without domain', await poll(side, n('a'), '', 200));
      obs.see('poll for another domain', await poll(side, n('a'), '&domain=red', 200));
      obs.see('queue sizes', await side.tasks.getQueueSizeForTask([n('a')]));
      const blue = await pollOne(side, n('a'), '&domain=blue');
      obs.label(blue.taskId, 'a');
      obs.see('poll for the domain', blue);
      await update(side, blue, 'COMPLETED', { v: 'x' });
      obs.see('next task, no domain', await poll(side, n('b')));
      obs.see('workflow', await side.executor.getWorkflow(id, true));
      const star = await start(side, obs, 'star', { name: n('three'), version: 1, input: {}, taskToDomain: { '*': 'green' } });
      obs.see('star: poll without domain', await poll(side, n('a'), '', 200));
      obs.see('star: poll for green', await poll(side, n('a'), '&domain=green'));
      obs.see('star: workflow', await side.executor.getWorkflow(star, false));
      await side.executor.terminate(id, 'cleanup');
      await side.executor.terminate(star, 'cleanup');
      const parent = await start(side, obs, 'parent', { name: n('parent'), version: 1, input: { x: 1 }, taskToDomain: { [n('c')]: 'blue' } });
      const child = await pollOne(side, n('c'), '&domain=blue');
      obs.label(child.workflowInstanceId, 'child');
      obs.see('sub-workflow task in the parent\'s domain', child);
      obs.see('child', await side.executor.getWorkflow(child.workflowInstanceId as string, false));
      await side.executor.terminate(parent, 'cleanup');
    },
  },
  {
    name: 'terminate',
    about: 'WorkflowExecutor terminate: tasks CANCELED, output computed; again; 409 for a COMPLETED workflow',
    async run(side, obs, n) {
      const id = await start(side, obs, 'wf', { name: n('three'), version: 1, input: {} });
      const a = await pollOne(side, n('a'));
      obs.label(a.taskId, 'a');
      obs.see('remove while running', await side.raw('DELETE', `/workflow/${id}/remove`));
      obs.see('terminate', await outcome(() => side.executor.terminate(id, 'no longer needed')));
      obs.see('workflow', await side.executor.getWorkflow(id, true));
      obs.see('terminate again', await side.raw('DELETE', `/workflow/${id}?reason=again`));
      obs.see('update after terminate', await update(side, a, 'COMPLETED', {}));
      const done = await runThree(side, obs, n, 'done');
      obs.see('terminate completed', await side.raw('DELETE', `/workflow/${done.id}?reason=late`));
      obs.see('remove', await outcome(() => side.executor.deleteWorkflow(done.id)));
      obs.see('removed', await side.raw('GET', `/workflow/${done.id}`));
      obs.see('SDK terminate unknown', await outcome(() => side.executor.terminate('no-such-id', 'x')));
    },
  },
  {
    name: 'retry',
    about: 'a FAILED workflow retried: a new attempt, lastRetriedTime set, reason cleared; 404 while running; 409 nothing to retry',
    async run(side, obs, n) {
      const id = await start(side, obs, 'wf', { name: n('three'), version: 1, input: {} });
      const a = await pollOne(side, n('a'));
      obs.label(a.taskId, 'a1');
      await update(side, a, 'FAILED', { partial: 1 }, { reasonForIncompletion: 'disk full' });
      obs.see('failed', await side.executor.getWorkflow(id, true));
      obs.see('retry', await outcome(() => side.executor.retry(id, false)));
      const retried = await side.executor.getWorkflow(id, true);
      obs.label(retried.tasks?.[1]?.taskId, 'a2');
      obs.see('after retry', retried);
      obs.see('retry while running', await side.raw('POST', `/workflow/${id}/retry`));
      const again = await pollOne(side, n('a'));
      obs.see('poll the retry', again);
      await update(side, again, 'COMPLETED', { v: 'from-a' });
      for (const short of ['b', 'c']) {
        const task = await pollOne(side, n(short));
        await update(side, task, 'COMPLETED', { got: task.inputData?.['v'] });
      }
      obs.see('completed', await side.executor.getWorkflow(id, true));
      obs.see('retry completed', await side.raw('POST', `/workflow/${id}/retry`));
      obs.see('retry unknown', await side.raw('POST', '/workflow/no-such-id/retry'));
    },
  },
  {
    name: 'restart',
    about: 'a COMPLETED workflow restarted from the start with the same id; 409 while running',
    async run(side, obs, n) {
      const { id } = await runThree(side, obs, n, 'wf');
      obs.see('restart', await outcome(() => side.executor.restart(id, false)));
      obs.see('after restart', await side.executor.getWorkflow(id, true));
      obs.see('restart while running', await side.raw('POST', `/workflow/${id}/restart`));
      obs.see('restart unknown', await side.raw('POST', '/workflow/no-such-id/restart'));
      await side.executor.terminate(id, 'cleanup');
    },
  },
  {
    name: 'rerun',
    about: '../shared/cases/09: rerun from step_b with new taskInput; 409 while running; 404 unknown',
    async run(side, obs, n) {
      const { id, tasks } = await runThree(side, obs, n, 'wf');
      const rerun = await outcome(() => side.executor.reRun(id, { reRunFromWorkflowId: id, reRunFromTaskId: tasks[1]?.taskId, taskInput: { v: 'override' } }));
      obs.see('rerun', rerun);
      obs.see('after rerun', await side.executor.getWorkflow(id, true));
      obs.see('rerun while running', await side.raw('POST', `/workflow/${id}/rerun`, { reRunFromWorkflowId: id }));
      for (const short of ['b', 'c']) {
        const task = await pollOne(side, n(short));
        await update(side, task, 'COMPLETED', { got: task.inputData?.['v'] });
      }
      obs.see('completed', await side.executor.getWorkflow(id, true));
      obs.see('rerun unknown', await side.raw('POST', '/workflow/no-such-id/rerun', {}));
      obs.see('rerun the whole workflow', await side.raw('POST', `/workflow/${id}/rerun`, { reRunFromWorkflowId: id, workflowInput: { fresh: true }, correlationId: 'corr-rerun' }));
      obs.see('after whole rerun', await side.executor.getWorkflow(id, true));
      await side.executor.terminate(id, 'cleanup');
    },
  },
  {
    name: 'pause and resume',
    about: 'pause keeps queued tasks pollable but schedules nothing new; resume moves on; 500 resume when not PAUSED; 409 on an ended workflow',
    async run(side, obs, n) {
      const id = await start(side, obs, 'wf', { name: n('three'), version: 1, input: {} });
      obs.see('pause', await side.raw('PUT', `/workflow/${id}/pause`));
      obs.see('paused', await side.executor.getWorkflow(id, false));
      obs.see('pause again', await side.raw('PUT', `/workflow/${id}/pause`));
      const a = await pollOne(side, n('a'));
      obs.label(a.taskId, 'a');
      obs.see('poll while paused', a);
      await update(side, a, 'COMPLETED', { v: 'from-a' });
      obs.see('after completing while paused', await side.executor.getWorkflow(id, true));
      obs.see('resume', await outcome(() => side.executor.resume(id)));
      obs.see('resumed', await side.executor.getWorkflow(id, true));
      obs.see('resume again', await side.raw('PUT', `/workflow/${id}/resume`));
      await side.executor.terminate(id, 'cleanup');
      obs.see('pause terminated', await side.raw('PUT', `/workflow/${id}/pause`));
      obs.see('resume unknown', await side.raw('PUT', '/workflow/no-such-id/resume'));
    },
  },
  {
    name: 'skip',
    about: 'skipTasksFromWorkflow before a task is scheduled: SKIPPED with the given output; 500 for a processed or unknown task',
    async run(side, obs, n) {
      const id = await start(side, obs, 'wf', { name: n('three'), version: 1, input: {} });
      obs.see('skip step_b', await outcome(() => side.executor.skipTasksFromWorkflow(id, 'step_b', { taskInput: { skippedWith: 1 }, taskOutput: { got: 'skipped' } })));
      obs.see('after skip', await side.executor.getWorkflow(id, true));
      const a = await pollOne(side, n('a'));
      obs.label(a.taskId, 'a');
      await update(side, a, 'COMPLETED', { v: 'from-a' });
      obs.see('after step_a', await side.executor.getWorkflow(id, true));
      obs.see('skip processed', await side.raw('PUT', `/workflow/${id}/skiptask/step_a`, {}));
      obs.see('skip not in definition', await side.raw('PUT', `/workflow/${id}/skiptask/nope`, {}));
      await side.executor.terminate(id, 'cleanup');
      obs.see('skip in ended workflow', await side.raw('PUT', `/workflow/${id}/skiptask/step_c`, {}));
    },
  },
  {
    name: 'search, running, correlated',
    about: 'WorkflowExecutor search, GET running/{name}, GET {name}/correlated/{id}',
    async run(side, obs, n) {
      const first = await start(side, obs, 'first', { name: n('scan'), version: 1, input: { i: 1 }, correlationId: 'corr-search' });
      const second = await start(side, obs, 'second', { name: n('scan'), version: 1, input: { i: 2 }, correlationId: 'corr-search' });
      await side.executor.terminate(second, 'ended');
      const query = `workflowType IN (${n('scan')}) AND status IN (RUNNING,TERMINATED)`;
      // The real server indexes on its own thread: wait until both runs are found.
      const deadline = Date.now() + 10_000;
      let found = await side.executor.search(0, 10, query, '*', 'startTime:ASC');
      while ((found.results?.length ?? 0) < 2 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 200));
        found = await side.executor.search(0, 10, query, '*', 'startTime:ASC');
      }
      obs.see('search', found);
      obs.see('search page', await side.executor.search(1, 1, query, '*', 'startTime:ASC'));
      obs.see('search running only', await side.executor.search(0, 10, `workflowType IN (${n('scan')}) AND status IN (RUNNING)`, '*', 'startTime:ASC'));
      obs.see('running ids', await side.raw('GET', `/workflow/running/${n('scan')}?version=1`));
      obs.see('correlated open', await side.raw('GET', `/workflow/${n('scan')}/correlated/corr-search?includeClosed=false&includeTasks=false`));
      // The server lists correlated runs in no stable order (not by start, not by id): compare them in input order.
      const all = await side.raw('GET', `/workflow/${n('scan')}/correlated/corr-search?includeClosed=true&includeTasks=true`);
      const byInput = (w: Workflow): number => Number(w.input?.['i']);
      obs.see('correlated all', { ...all, body: Array.isArray(all.body) ? [...(all.body as Workflow[])].sort((a, b) => byInput(a) - byInput(b)) : all.body });
      await side.executor.terminate(first, 'cleanup');
    },
  },
  {
    name: 'test endpoint',
    about: 'WorkflowExecutor testWorkflow (POST /api/workflow/test) with taskRefToMockOutput',
    async run(side, obs, n) {
      const run = await side.executor.testWorkflow({
        name: n('three'),
        version: 1,
        input: { q: 1 },
        taskRefToMockOutput: {
          step_a: [{ status: 'COMPLETED', output: { v: 'mocked-a' } }],
          step_b: [{ status: 'COMPLETED', output: { got: 'mocked-b' } }],
          step_c: [{ status: 'COMPLETED', output: { got: 'mocked-c' } }],
        },
      });
      obs.label(run.workflowId, 'wf');
      obs.see('test run', run);
      obs.see('test run read back', await side.executor.getWorkflow(run.workflowId as string, false));
    },
  },
  {
    name: 'idempotencyKey',
    about: 'two starts with one idempotencyKey and RETURN_EXISTING: conductor-oss 3.32.3 ignores the key (Orkes honours it)',
    async run(side, obs, n) {
      const request = { name: n('scan'), version: 1, input: {}, idempotencyKey: `${n.prefix}-key`, idempotencyStrategy: 'RETURN_EXISTING' as const };
      const first = await start(side, obs, 'first', request);
      const second = await side.executor.startWorkflow(request);
      obs.see('same id', first === second);
      obs.see('second', await side.executor.getWorkflowStatus(second, false, false));
      await side.executor.terminate(first, 'cleanup');
      if (second !== first) await side.executor.terminate(second, 'cleanup');
    },
  },
  {
    name: 'sub-workflow retry and restart',
    about: 'retrying or restarting a child reopens its parent (SUB_WORKFLOW task IN_PROGRESS, parent RUNNING, lastRetriedTime)',
    async run(side, obs, n) {
      const parent = await start(side, obs, 'parent', { name: n('parent'), version: 1, input: { x: 7 } });
      const childTask = await pollOne(side, n('c'));
      obs.label(childTask.workflowInstanceId, 'child');
      obs.label(childTask.taskId, 'c1');
      await update(side, childTask, 'FAILED', {}, { reasonForIncompletion: 'child broke' });
      obs.see('parent failed', await until(side, parent, statusIs('FAILED')));
      obs.see('child failed', await side.executor.getWorkflow(childTask.workflowInstanceId as string, true));
      await side.executor.retry(childTask.workflowInstanceId as string, false);
      const reopened = await until(side, parent, statusIs('RUNNING'));
      obs.see('parent after child retry', reopened);
      const again = await pollOne(side, n('c'));
      obs.label(again.taskId, 'c2');
      await update(side, again, 'COMPLETED', { got: again.inputData?.['x'] });
      obs.see('parent completed', await until(side, parent, statusIs('COMPLETED')));
      await side.executor.restart(childTask.workflowInstanceId as string, false);
      obs.see('parent after child restart', await until(side, parent, statusIs('RUNNING')));
      obs.see('child restarted', await side.executor.getWorkflow(childTask.workflowInstanceId as string, true));
      const third = await pollOne(side, n('c'));
      obs.label(third.taskId, 'c3');
      await update(side, third, 'COMPLETED', { got: 'restarted' });
      obs.see('parent completed again', await until(side, parent, statusIs('COMPLETED')));
      obs.see('parent retry with resumeSubworkflowTasks', await side.raw('POST', `/workflow/${parent}/retry?resumeSubworkflowTasks=true`));
    },
  },
];
