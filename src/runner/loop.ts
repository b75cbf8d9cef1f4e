/**
 * DO_WHILE as conductor-oss 3.32.3 runs it (`DoWhile.execute`): iterations, `items` lists, the
 * loop's output, `keepLastN`, and the loop condition's input and truthiness.
 */
import { allWorkflowTasks } from '../conductor-tasks.ts';
import type { WorkflowTask } from '../conductor-types.ts';
import { baseRef, isTerminal, SUCCESSFUL, type Execution } from './execution.ts';
import { resolveParameters } from './parameters.ts';
import type { SystemTask, SystemTaskContext } from './system-task.ts';
import type { TaskRun } from './types.ts';

const bodies = new WeakMap<WorkflowTask, ReadonlySet<string>>();
/** The `seq` of the last task scheduled before a loop run's current iteration began: its tasks come after. */
const iterationStarts = new WeakMap<TaskRun, number>();
/** Entries `keepLastN` dropped from a loop's output since the server last stored the loop (see {@link restoreStoredOutput}). */
const unstoredDrops = new WeakMap<TaskRun, [string, unknown][]>();

/** Every reference inside a loop's body, nested ones included (`WorkflowTask.has`). */
function bodyRefs(loop: WorkflowTask): ReadonlySet<string> {
  let refs = bodies.get(loop);
  if (refs === undefined) {
    refs = new Set(allWorkflowTasks(loop.loopOver ?? []).map((t) => t.taskReferenceName));
    bodies.set(loop, refs);
  }
  return refs;
}

/** The run of the DO_WHILE `loop` now (`loop`, or `loop__n` inside an outer loop). */
export function loopRun(exec: Execution, loop: WorkflowTask): TaskRun | undefined {
  const outer = exec.index.enclosingLoop(loop);
  const iteration = outer === undefined ? 0 : (exec.loopIteration.get(outer.taskReferenceName) ?? 1);
  return exec.byRef.get(iteration > 0 ? `${loop.taskReferenceName}__${iteration}` : loop.taskReferenceName);
}

/** Whether the loop walks an `items` list (the WorkflowTask's `items`, or Orkes' `_items` input). */
function isListIteration(loop: WorkflowTask): boolean {
  const items = (loop as { items?: unknown }).items;
  if (typeof items === 'string' && items.trim() !== '') return true;
  const legacy = loop.inputParameters?.['_items'];
  return (typeof legacy === 'string' && legacy.trim() !== '') || Array.isArray(legacy);
}

/** The items list, resolved now; a single value is a list of one. */
function itemsOf(exec: Execution, loop: WorkflowTask): unknown[] {
  const items = (loop as { items?: unknown }).items;
  let value: unknown = typeof items === 'string' && items.trim() !== '' ? resolveParameters(items, exec.doc) : null;
  if (value === null || value === undefined) value = (resolveParameters(loop.inputParameters ?? {}, exec.doc) as Record<string, unknown>)['_items'];
  if (Array.isArray(value)) return value;
  return value === null || value === undefined ? [] : [value];
}

/** Puts `loopIndex` and `loopItem` of the current iteration into the loop's output. */
function injectLoopVariables(exec: Execution, loop: WorkflowTask, run: TaskRun, iteration: number): void {
  if (!isListIteration(loop)) return;
  const items = itemsOf(exec, loop);
  run.outputData['loopIndex'] = iteration - 1;
  if (iteration - 1 < items.length) run.outputData['loopItem'] = items[iteration - 1];
}

/** Starts iteration `iteration` of the loop: its counter, its list variables, its first task. */
function beginIteration(ctx: SystemTaskContext, run: TaskRun, iteration: number): void {
  const exec = ctx.execution;
  const loop = run.workflowTask;
  exec.loopIteration.set(loop.taskReferenceName, iteration);
  iterationStarts.set(run, (exec.tasks[exec.tasks.length - 1] as TaskRun).seq);
  run.outputData['iteration'] = iteration;
  injectLoopVariables(exec, loop, run, iteration);
  // The server stores the loop now (DoWhile.execute returned true): what it dropped so far is gone for good.
  unstoredDrops.delete(run);
  exec.publish(run);
  const first = loop.loopOver?.[0];
  if (first !== undefined) ctx.engine.schedule(exec, first);
}

/**
 * Writes the current iteration's outputs (`"<n>": { ref: output }`, the latest attempt of each
 * body task, in task order, up to the first that failed) into the output of every loop around
 * `run`, and drops what `keepLastN` no longer keeps. The server does this each time it looks at
 * the loop, so the output of an iteration grows as its tasks finish.
 */
export function recordIteration(exec: Execution, run: TaskRun): void {
  for (let loop = exec.index.enclosingLoop(run.workflowTask); loop !== undefined; loop = exec.index.enclosingLoop(loop)) {
    const current = loopRun(exec, loop);
    if (current === undefined || current.status !== 'IN_PROGRESS') continue;
    writeIteration(exec, loop, current);
  }
}

function writeIteration(exec: Execution, loop: WorkflowTask, run: TaskRun): void {
  const iteration = exec.loopIteration.get(loop.taskReferenceName) ?? 1;
  const refs = bodyRefs(loop);
  const after = iterationStarts.get(run) ?? 0;
  const current: TaskRun[] = [];
  for (let i = exec.tasks.length - 1; i >= 0 && (exec.tasks[i] as TaskRun).seq > after; i--) current.push(exec.tasks[i] as TaskRun);
  const relevant = new Map<string, TaskRun>();
  for (const task of current.reverse()) {
    if (task === run || task.iteration !== iteration || !refs.has(baseRef(task.referenceTaskName))) continue;
    const seen = relevant.get(task.referenceTaskName);
    if (seen === undefined || task.retryCount > seen.retryCount) relevant.set(task.referenceTaskName, task);
  }
  const outputs: Record<string, unknown> = {};
  for (const task of relevant.values()) {
    outputs[baseRef(task.referenceTaskName)] = task.outputData;
    if (!SUCCESSFUL.has(task.status) && isTerminal(task.status)) break;
  }
  // In place (a copy per iteration would be quadratic): tasks copy what they read when they are scheduled.
  const output = run.outputData;
  output[String(iteration)] = outputs;
  const keep = loop.inputParameters?.['keepLastN'];
  if (typeof keep === 'number' && Number.isInteger(keep) && keep > 0 && iteration > keep) {
    // Earlier writes dropped the ones before: they go from the first, so from the top down is enough.
    for (let old = iteration - keep; old >= 1 && Object.hasOwn(output, String(old)); old--) {
      let drops = unstoredDrops.get(run);
      if (drops === undefined) unstoredDrops.set(run, (drops = []));
      drops.push([String(old), output[String(old)]]);
      delete output[String(old)];
    }
    dropIterations(exec, loop, run, iteration - keep);
  }
  exec.publish(run);
}

/** The loop's look at its current iteration that conductor-oss 3.32.3 takes each round of a decide (`DoWhile.execute`). */
export function rewriteIteration(exec: Execution, run: TaskRun): void {
  writeIteration(exec, run.workflowTask, run);
}

/**
 * The loop's output as the server stored it (what its API shows, and reads back when a decide
 * begins): as it stored it last, when
 * the current iteration began. The current iteration's entry, rewritten in memory each round since,
 * is not there, and entries `keepLastN` dropped since are (conductor-oss 3.32.3 stores a DO_WHILE
 * only when `DoWhile.execute` returns true). The next round's look writes them again; a task the
 * decide schedules before that (`${loop.output.2}` read after a worker task of iteration 2) sees
 * them as stored.
 */
export function restoreStoredOutput(exec: Execution, run: TaskRun): void {
  const output = run.outputData;
  const current = String(output['iteration']);
  const drops = unstoredDrops.get(run);
  if (drops === undefined && !Object.hasOwn(output, current)) return;
  delete output[current];
  for (const [key, value] of drops ?? []) output[key] = value;
  unstoredDrops.delete(run);
  exec.publish(run);
}

/** `keepLastN`: the tasks of iterations up to `last` leave the workflow's task list, as the server removes them. */
function dropIterations(exec: Execution, loop: WorkflowTask, run: TaskRun, last: number): void {
  const refs = bodyRefs(loop);
  for (let i = exec.tasks.length - 1; i >= 0; i--) {
    const task = exec.tasks[i] as TaskRun;
    if (task === run || task.iteration > last || !refs.has(baseRef(task.referenceTaskName))) continue;
    exec.tasks.splice(i, 1);
    if (exec.byRef.get(task.referenceTaskName) === task) exec.byRef.delete(task.referenceTaskName);
  }
}

/** Per loop and reference: whether its condition reads only `iteration`, `loopIndex` and `loopItem` of the loop's output. */
const slimConditions = new WeakMap<WorkflowTask, Map<string, boolean>>();

/** Whether `loop`'s condition reads nothing of the output of its run `ref` but `iteration`, `loopIndex` and `loopItem`. */
function readsOnlyLoopVariables(loop: WorkflowTask, ref: string): boolean {
  let byRef = slimConditions.get(loop);
  if (byRef === undefined) slimConditions.set(loop, (byRef = new Map()));
  let slim = byRef.get(ref);
  if (slim === undefined) {
    const condition = loop.loopCondition ?? '';
    const escaped = ref.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const known = new RegExp(`${escaped}\\s*(?:\\.\\s*(?:iteration|loopIndex|loopItem)\\b|\\[\\s*(['"])(?:iteration|loopIndex|loopItem)\\1\\s*\\])`, 'g');
    slim = !new RegExp(escaped).test(condition.replace(known, ''));
    byRef.set(ref, slim);
  }
  return slim;
}

/**
 * The loop's output as its condition needs it. The whole output holds every iteration's outputs:
 * serialising it for each evaluation would be quadratic, so a condition that reads only the
 * loop's `iteration`, `loopIndex` or `loopItem` gets just those.
 */
function conditionView(loop: WorkflowTask, run: TaskRun): Record<string, unknown> {
  if (!readsOnlyLoopVariables(loop, run.referenceTaskName)) return run.outputData;
  const { iteration, loopIndex, loopItem } = run.outputData;
  return { iteration, ...(loopIndex !== undefined && { loopIndex }), ...(loopItem !== undefined && { loopItem }) };
}

/** `ScriptEvaluator.toBoolean`: a boolean as it is, a number when above 0, anything else false. */
function truthy(value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value > 0;
  return false;
}

/**
 * Whether the loop runs again (`DoWhile.evaluateCondition`). The condition's `$` holds the
 * loop's inputParameters resolved now, the loop's own output under its current reference (which
 * inside an outer loop is `inner__1`, so `$.inner` is undefined there, as on the server), and the
 * latest output of every body task under its bare reference. With `items` it also holds
 * `loopIndex` and `loopItem`, and the loop goes on only while items are left.
 * @throws Error from the script.
 */
function runsAgain(ctx: SystemTaskContext, loop: WorkflowTask, run: TaskRun): boolean {
  const exec = ctx.execution;
  const input = { ...(resolveParameters(loop.inputParameters ?? {}, exec.doc) as Record<string, unknown>) };
  input[run.referenceTaskName] = conditionView(loop, run);
  // The latest task of each body reference, as the expression document holds it.
  for (const ref of bodyRefs(loop)) {
    const latest = exec.doc[ref] as { output?: unknown } | undefined;
    if (latest !== undefined && ref !== run.referenceTaskName) input[ref] = latest.output;
  }
  const condition = loop.loopCondition ?? '';
  const iteration = exec.loopIteration.get(loop.taskReferenceName) ?? 1;
  if (isListIteration(loop)) {
    const items = itemsOf(exec, loop);
    input['loopIndex'] = iteration - 1;
    if (iteration - 1 < items.length) input['loopItem'] = items[iteration - 1];
    const more = iteration - 1 < items.length - 1;
    return condition.trim() === '' ? more : truthy(ctx.sandbox.evaluate(condition, input)) && more;
  }
  return loop.loopCondition === undefined ? false : truthy(ctx.sandbox.evaluate(condition, input));
}

/** DO_WHILE: starts its first iteration, and (called again when an iteration's tasks are done) decides the next. */
export const DO_WHILE: SystemTask = {
  start(ctx, run) {
    const exec = ctx.execution;
    const loop = run.workflowTask;
    if (run.status === 'SCHEDULED') {
      run.status = 'IN_PROGRESS';
      run.startTime = ctx.clock.now();
      if (isListIteration(loop) && itemsOf(exec, loop).length === 0) return ctx.finish(run, 'COMPLETED', { iteration: 0 });
      return beginIteration(ctx, run, 1);
    }
    if (run.status !== 'IN_PROGRESS') return;
    writeIteration(exec, loop, run);
    let again: boolean;
    try {
      again = runsAgain(ctx, loop, run);
    } catch (e) {
      // conductor-oss 3.32.3's wording (DoWhile.execute).
      return ctx.finish(run, 'FAILED_WITH_TERMINAL_ERROR', run.outputData, `Unable to evaluate condition ${loop.loopCondition}, exception ${(e as Error).message}`);
    }
    if (again) return beginIteration(ctx, run, (exec.loopIteration.get(loop.taskReferenceName) ?? 1) + 1);
    ctx.finish(run, 'COMPLETED', run.outputData);
  },
};
