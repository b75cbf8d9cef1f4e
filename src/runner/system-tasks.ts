/**
 * Every task type the runner runs itself, as conductor-oss 3.32.3 does; any other type goes to a
 * worker (a handler) or a mock. The bigger ones live in their own files.
 */
import { EVENT } from './event-task.ts';
import { EXCLUSIVE_JOIN, FORK_JOIN, FORK_JOIN_DYNAMIC, JOIN } from './fork-tasks.ts';
import { HTTP } from './http-task.ts';
import { KAFKA_PUBLISH } from './kafka-task.ts';
import { DO_WHILE, recordIteration } from './loop.ts';
import { INLINE, JSON_JQ_TRANSFORM, LAMBDA } from './script-tasks.ts';
import { START_WORKFLOW, SUB_WORKFLOW } from './sub-workflow-task.ts';
import { DECISION, SWITCH } from './switch-tasks.ts';
import { message, type SystemTask } from './system-task.ts';
import { parseWaitDuration, parseWaitUntil } from './wait-time.ts';

export type { SystemTask, SystemTaskContext } from './system-task.ts';

/** TERMINATE's statuses (`Terminate.validateInputStatus`). */
const TERMINATION_STATUSES: ReadonlySet<string> = new Set(['COMPLETED', 'FAILED', 'TERMINATED']);

/**
 * TERMINATE: completes with `workflowOutput` as output (a map as it is, any other value as
 * `{ output: value }`) and ends the workflow with `terminationStatus`, its reason
 * `terminationReason` or `Workflow is <STATUS> by TERMINATE task: <taskId>`. FAILED and
 * TERMINATED start the failure workflow. A status it does not know fails the task.
 */
const TERMINATE: SystemTask = {
  start(ctx, run) {
    const exec = ctx.execution;
    const status = run.inputData['terminationStatus'];
    if (typeof status !== 'string' || !TERMINATION_STATUSES.has(status)) return ctx.finish(run, 'FAILED', {}, 'given termination status is not valid');
    const given = run.inputData['workflowOutput'];
    const output = given === undefined || given === null ? {} : typeof given === 'object' && !Array.isArray(given) ? { ...(given as Record<string, unknown>) } : { output: given };
    const reason = typeof run.inputData['terminationReason'] === 'string' ? run.inputData['terminationReason'] : `Workflow is ${status} by TERMINATE task: ${run.taskId}`;
    ctx.engine.markDone(exec, run, 'COMPLETED', output);
    // The server looks at a loop around it once more before the workflow ends.
    recordIteration(exec, run);
    ctx.engine.endWorkflow(exec, status as 'COMPLETED' | 'FAILED' | 'TERMINATED', reason, status === 'FAILED' ? { failedTask: run } : {});
  },
};

/**
 * SET_VARIABLE: puts its input's entries into `workflow.variables`, the map itself, as the server
 * does (`SetVariable.execute`): a task that read `${workflow.variables}` earlier in the same decide
 * holds that map, and what the server stores of it shows the new entries (see `rounds.ts`).
 */
const SET_VARIABLE: SystemTask = {
  start(ctx, run) {
    const exec = ctx.execution;
    for (const key of Object.keys(run.inputData)) {
      const value = run.inputData[key];
      if (key === '__proto__') Object.defineProperty(exec.variables, key, { value, enumerable: true, writable: true, configurable: true });
      else exec.variables[key] = value;
    }
    exec.doc['workflow'] = exec.workflowView();
    ctx.finish(run, 'COMPLETED', {});
  },
};

/**
 * NOOP: completes at once with an empty output. conductor-oss 3.32.3 (observed) also writes an
 * empty inputData, whatever inputParameters say: its NoopTaskMapper resolves none.
 */
const NOOP: SystemTask = {
  start(ctx, run) {
    run.inputData = {};
    ctx.finish(run, 'COMPLETED', {});
  },
};

/** WAIT: with `duration` or `until` it completes by itself then; without, it waits for the API (or a mock). */
const WAIT: SystemTask = {
  start(ctx, run) {
    const exec = ctx.execution;
    ctx.engine.startRun(exec, run);
    const duration = run.inputData['duration'];
    const until = run.inputData['until'];
    let delayMs: number | undefined;
    try {
      if (typeof duration === 'string') delayMs = parseWaitDuration(duration) * 1000;
      else if (typeof until === 'string') delayMs = parseWaitUntil(until) - ctx.clock.now();
    } catch (e) {
      return ctx.finish(run, 'FAILED_WITH_TERMINAL_ERROR', {}, message(e));
    }
    if (delayMs !== undefined) ctx.clock.schedule(delayMs, () => ctx.finish(run, 'COMPLETED', run.outputData));
  },
};

/** HUMAN: waits for the API (or a mock). */
const HUMAN: SystemTask = {
  start(ctx, run) {
    ctx.engine.startRun(ctx.execution, run);
  },
};

/** Every task type the engine runs itself, by type. */
export const SYSTEM_TASKS: Readonly<Record<string, SystemTask>> = {
  SWITCH,
  DECISION,
  JOIN,
  EXCLUSIVE_JOIN,
  FORK_JOIN,
  FORK_JOIN_DYNAMIC,
  DO_WHILE,
  TERMINATE,
  SET_VARIABLE,
  NOOP,
  INLINE,
  LAMBDA,
  JSON_JQ_TRANSFORM,
  SUB_WORKFLOW,
  START_WORKFLOW,
  HTTP,
  KAFKA_PUBLISH,
  WAIT,
  HUMAN,
  EVENT,
};
