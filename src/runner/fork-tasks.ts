/**
 * FORK_JOIN, FORK_JOIN_DYNAMIC, JOIN and EXCLUSIVE_JOIN, as conductor-oss 3.32.3's task mappers
 * lay them out (`ForkJoinTaskMapper`, `ForkJoinDynamicTaskMapper`, `JoinTaskMapper`); a JOIN's
 * verdict is the engine's (`joinVerdict`).
 */
import type { TaskDef, WorkflowTask } from '../conductor-types.ts';
import { storedTaskDef, storedWorkflowTask } from '../sync/server-defaults.ts';
import type { Execution } from './execution.ts';
import { javaToString } from './parameters-text.ts';
import type { SystemTask, SystemTaskContext } from './system-task.ts';
// A cycle, read only when a fork runs: the registry of system tasks holds the forks.
import type { TaskRun } from './types.ts';

/** The task right after `wt` in its list: the JOIN of a fork. */
function followingTask(exec: Execution, wt: WorkflowTask): WorkflowTask | undefined {
  const place = exec.index.placement(wt);
  return place?.list[place.index + 1];
}

/** JOIN and EXCLUSIVE_JOIN: IN_PROGRESS at once, with their bookkeeping input, until the engine's verdict. */
function startJoin(ctx: SystemTaskContext, run: TaskRun): void {
  const exec = ctx.execution;
  const wt = run.workflowTask;
  const dynamic = exec.dynamicJoinOn.get(wt);
  // A JOIN after a dynamic fork keeps its raw inputParameters (`createJoinTask`); another holds joinOn only.
  if (dynamic !== undefined) run.inputData = { ...(wt.inputParameters ?? {}), joinOn: dynamic };
  else run.inputData = { joinOn: wt.joinOn ?? [], ...(wt.type === 'EXCLUSIVE_JOIN' && { defaultExclusiveJoinTask: wt.defaultExclusiveJoinTask ?? [] }) };
  run.status = 'IN_PROGRESS';
  run.startTime = ctx.clock.now();
  exec.publish(run);
  exec.joins.add(run);
  ctx.engine.checkJoins(exec);
}

/** The server's failure sentence for a Java ClassCastException of `value` to a Map. */
function notAMap(value: unknown): string {
  const type =
    typeof value === 'string'
      ? 'java.lang.String'
      : typeof value === 'boolean'
        ? 'java.lang.Boolean'
        : typeof value === 'number'
          ? Number.isInteger(value)
            ? 'java.lang.Integer'
            : 'java.lang.Double'
          : 'java.util.ArrayList';
  return `class ${type} cannot be cast to class java.util.Map (${type} and java.util.Map are in module java.base of loader 'bootstrap')`;
}

/** The properties of conductor-oss 3.32.3's WorkflowTask that a forked item can set. */
const WORKFLOW_TASK_FIELDS: ReadonlySet<string> = new Set([
  'description', 'dynamicTaskNameParam', 'caseValueParam', 'caseExpression', 'scriptExpression', 'dynamicForkTasksParam',
  'dynamicForkTasksInputParamName', 'startDelay', 'sink', 'optional', 'rateLimited', 'asyncComplete', 'loopCondition', 'items',
  'retryCount', 'evaluatorType', 'expression', 'permissive', 'joinMode', 'metadata',
]);

const isMap = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The tasks a dynamic fork forks, each with the input the server gives it, or the reason the workflow fails. */
type Forked = { readonly tasks: WorkflowTask[] } | { readonly failure: string };

/**
 * `getDynamicTasksSimple`: one task per `forkTaskInputs` item, of `forkTaskType` (SIMPLE)
 * named `forkTaskName` (a system type's name, else the fork's own reference), or a SUB_WORKFLOW
 * of `forkTaskWorkflow`. The first dynamic fork of a run names them `_<name>_<i>`; once one has
 * run, `_<forkRef>_<name>_<i>`. A map item is the task's input, anything else is wrapped as
 * `{ input: item }`; `__index` is added.
 */
function simpleFork(ctx: SystemTaskContext, run: TaskRun, items: unknown[]): WorkflowTask[] {
  const input = run.inputData;
  const wt = run.workflowTask;
  const type = typeof input['forkTaskType'] === 'string' ? input['forkTaskType'] : undefined;
  let name = typeof input['forkTaskName'] === 'string' ? input['forkTaskName'] : undefined;
  if (name === undefined && type !== undefined && ctx.isSystemType(type)) name = type;
  name ??= wt.taskReferenceName;
  const workflow = typeof input['forkTaskWorkflow'] === 'string' ? input['forkTaskWorkflow'] : undefined;
  const versionText = input['forkTaskWorkflowVersion'];
  const version = typeof versionText === 'string' && /^[-+]?\d+$/.test(versionText) ? Number(versionText) : undefined;
  const laterFork = ctx.execution.tasks.some((t) => t !== run && t.workflowTask.type === 'FORK_JOIN_DYNAMIC');
  return items.map((item, i) => {
    const inputParameters: Record<string, unknown> = { ...(isMap(item) ? item : { input: item }), __index: i };
    const ref = laterFork ? `_${wt.taskReferenceName}_${name}_${i}` : `_${name}_${i}`;
    // The server reads a map item as a WorkflowTask first (objectMapper.convertValue): the
    // fields a WorkflowTask has (evaluatorType, expression, sink, optional ...) are kept.
    const fields = isMap(item) ? Object.fromEntries(Object.entries(item).filter(([key]) => WORKFLOW_TASK_FIELDS.has(key))) : {};
    const task: WorkflowTask =
      workflow !== undefined
        ? ({ ...fields, name: workflow, taskReferenceName: ref, type: 'SUB_WORKFLOW', inputParameters, subWorkflowParam: { name: workflow, ...(version !== undefined && { version }) } } as WorkflowTask)
        : ({ ...fields, name, taskReferenceName: ref, type: type ?? 'SIMPLE', inputParameters } as WorkflowTask);
    if (wt.optional === true) task.optional = true;
    const def = workflow === undefined ? ctx.registry.task(name) : undefined;
    if (def !== undefined) task.taskDefinition = def;
    return task;
  });
}

/**
 * `getDynamicForkTasksAndInput`: the tasks listed in `dynamicForkTasksParam`, each with its entry
 * of the `dynamicForkTasksInputParamName` map merged into its own inputParameters.
 */
function listedFork(ctx: SystemTaskContext, run: TaskRun): Forked {
  const wt = run.workflowTask;
  const param = wt.dynamicForkTasksParam ?? '';
  const listed = run.inputData[param];
  if (!Array.isArray(listed) || listed.some((t) => !isMap(t) || typeof t['taskReferenceName'] !== 'string')) {
    return { failure: `Input '${param}' is invalid. Cannot deserialize a list of Workflow Tasks from '${javaToString(listed)}'` };
  }
  const inputs = run.inputData[wt.dynamicForkTasksInputParamName ?? ''];
  if (!isMap(inputs)) return { failure: `Input to the dynamically forked tasks is not a map -> expecting a map of K,V  but found ${javaToString(inputs)}` };
  const tasks: WorkflowTask[] = [];
  for (const given of listed as WorkflowTask[]) {
    const own = inputs[given.taskReferenceName] ?? {};
    if (!isMap(own)) return { failure: `Tasks could not be dynamically forked due to invalid input: ${notAMap(own)}` };
    const task = { ...given, type: given.type ?? 'SIMPLE', inputParameters: { ...(given.inputParameters ?? {}), ...own } } as WorkflowTask;
    const def = task.taskDefinition ?? (task.name ? ctx.registry.task(task.name) : undefined);
    if (def !== undefined) task.taskDefinition = def;
    tasks.push(task);
  }
  return { tasks };
}

/** The forked tasks as the FORK task's `forkedTaskDefs` shows them: the server's stored form. */
function asStored(task: WorkflowTask): WorkflowTask {
  const stored = storedWorkflowTask({ ...task, taskDefinition: undefined } as unknown as WorkflowTask);
  const def = task.taskDefinition as TaskDef | undefined;
  return (def === undefined ? stored : { ...stored, taskDefinition: storedTaskDef(def) }) as WorkflowTask;
}

/** FORK_JOIN: the FORK task (COMPLETED at once), each branch's first task, then the JOIN. */
export const FORK_JOIN: SystemTask = {
  expands: true,
  start(ctx, run) {
    const exec = ctx.execution;
    ctx.engine.markDone(exec, run, 'COMPLETED', {});
    for (const branch of run.workflowTask.forkTasks ?? []) {
      const first = branch[0];
      if (first !== undefined) ctx.engine.schedule(exec, first);
    }
    const join = followingTask(exec, run.workflowTask);
    if (join !== undefined) ctx.engine.schedule(exec, join);
  },
};

/**
 * FORK_JOIN_DYNAMIC: the FORK task (COMPLETED at once, its input holding `forkedTasks` and
 * `forkedTaskDefs`), the forked tasks, and the JOIN that follows, whose `joinOn` they become.
 * Input the server cannot fork fails the workflow with the server's reason, before any task.
 */
export const FORK_JOIN_DYNAMIC: SystemTask = {
  expands: true,
  start(ctx, run) {
    const exec = ctx.execution;
    const wt = run.workflowTask;
    const items = run.inputData['forkTaskInputs'];
    const forked: Forked = Array.isArray(items) ? { tasks: simpleFork(ctx, run, items) } : listedFork(ctx, run);
    const join = followingTask(exec, wt);
    const failure = 'failure' in forked ? forked.failure : join?.type !== 'JOIN' ? 'Dynamic join definition is not followed by a join task.  Check the workflow definition.' : undefined;
    if (failure !== undefined || !('tasks' in forked) || join === undefined) {
      exec.unschedule(run);
      return ctx.engine.endWorkflow(exec, 'FAILED', failure);
    }
    run.inputData = { forkedTasks: forked.tasks.map((t) => t.taskReferenceName), forkedTaskDefs: forked.tasks.map(asStored), ...run.inputData };
    ctx.engine.markDone(exec, run, 'COMPLETED', {});
    exec.dynamicJoinOn.set(join, forked.tasks.map((t) => t.taskReferenceName));
    for (const task of forked.tasks) {
      exec.index.adopt(task, wt);
      ctx.engine.markRuntime(task);
      ctx.engine.schedule(exec, task);
    }
    ctx.engine.schedule(exec, join);
  },
};

/** JOIN: waits for its joinOn tasks (see the engine's `joinVerdict`). */
export const JOIN: SystemTask = { start: startJoin };

/** EXCLUSIVE_JOIN: the output of the first of its joinOn tasks that ran (else of its default tasks). */
export const EXCLUSIVE_JOIN: SystemTask = { start: startJoin };
