/**
 * What conductor-oss 3.32.3 does with a message on a `conductor` queue (`DefaultEventProcessor`,
 * `SimpleActionProcessor`): every active handler whose `event` is the queue checks its condition
 * over the message and, when it holds, runs its actions in order.
 */
import type { WorkflowDef } from '../conductor-types.ts';
import type { EventActionJson, EventHandlerJson, StartWorkflowJson, TaskDetailsJson } from '../event/handler-json.ts';
import { baseRef, type Execution } from './execution.ts';
import { resolveParameters } from './parameters.ts';
import type { Registry } from './registry.ts';
import type { ScriptSandbox } from './script-sandbox.ts';
import { message } from './system-task.ts';
import type { TaskOutcome, TaskRun } from './types.ts';

/** What delivering a message needs from the engine. */
export interface DeliverySteps {
  readonly registry: Registry;
  /** Evaluates conditions (the server's ScriptEvaluator, `$` bound to the message). */
  readonly sandbox: ScriptSandbox;
  readonly executions: ReadonlyMap<string, Execution>;
  start(def: WorkflowDef, input: Record<string, unknown>, options: { correlationId?: string | undefined }): Execution;
  update(exec: Execution, run: TaskRun, status: TaskOutcome['status'], output: Record<string, unknown>, reason?: string): void;
}

/**
 * One handler's reaction to one message, as the server records it (`EventExecution`): SKIPPED when
 * the condition did not hold, else one per action, COMPLETED or FAILED with the action's output
 * (`workflowId` of a started run; a finished task's new output; `error` or `exception`).
 */
export interface EventExecution {
  readonly name: string;
  readonly event: string;
  readonly messageId: string;
  readonly action?: EventActionJson['action'];
  readonly status: 'COMPLETED' | 'FAILED' | 'SKIPPED';
  readonly output: Record<string, unknown>;
}

/**
 * `JsonUtils.expand`: strings of an object that start with `{` or `[` (after blanks) parsed as
 * JSON where they parse, recursively through objects and lists (the server's list walk replaces
 * no string items, only descends). Applied to the message a condition sees.
 */
function expand(value: unknown): unknown {
  if (Array.isArray(value)) return value.map((item) => (typeof item === 'string' ? item : expand(item)));
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => {
      if (typeof item === 'string' && /^\s*[[{]/.test(item)) {
        try {
          return [key, JSON.parse(item) as unknown];
        } catch {
          return [key, item];
        }
      }
      return [key, expand(item)];
    }),
  );
}

/** `ScriptEvaluator.toBoolean`: a boolean as it is, a number when over 0, anything else false. */
function toBoolean(value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value > 0;
  return false;
}

/**
 * Delivers one message (`payload`, with `messageId`) published on `event` to
 * every active handler listening there, in the order they were registered. A condition that
 * fails to evaluate skips that handler (the server logs it and does not run the actions).
 */
export function deliverEvent(steps: DeliverySteps, event: string, payload: Record<string, unknown>, messageId: string): EventExecution[] {
  const executions: EventExecution[] = [];
  for (const handler of steps.registry.allEventHandlers()) {
    if (!handler.active || handler.event !== event) continue;
    if (!conditionHolds(steps, handler, payload)) {
      executions.push({ name: handler.name, event, messageId, status: 'SKIPPED', output: { msg: JSON.stringify(payload), condition: handler.condition ?? null } });
      continue;
    }
    for (const action of handler.actions) {
      // Each action reads its own copy of the message, as the server parses it again per action.
      executions.push({ name: handler.name, event, messageId, action: action.action, ...runAction(steps, action, structuredClone(payload), event, messageId) });
    }
  }
  return executions;
}

function conditionHolds(steps: DeliverySteps, handler: EventHandlerJson, payload: Record<string, unknown>): boolean {
  if (handler.condition === undefined || handler.condition === '') return true;
  try {
    return toBoolean(steps.sandbox.evaluate(handler.condition, expand(payload)));
  } catch {
    return false;
  }
}

function runAction(steps: DeliverySteps, action: EventActionJson, payload: Record<string, unknown>, event: string, messageId: string): Pick<EventExecution, 'status' | 'output'> {
  const doc = (action.expandInlineJSON ? expand(payload) : payload) as Record<string, unknown>;
  try {
    switch (action.action) {
      case 'start_workflow':
        return { status: 'COMPLETED', output: startWorkflow(steps, action.start_workflow, doc, event, messageId) };
      case 'complete_task':
        return finishTask(steps, action.complete_task, 'COMPLETED', doc, event, messageId);
      case 'fail_task':
        return finishTask(steps, action.fail_task, 'FAILED', doc, event, messageId);
    }
  } catch (error) {
    return { status: 'FAILED', output: { exception: message(error) } };
  }
}

/**
 * `SimpleActionProcessor.startWorkflow`: the input and correlationId resolved against the message;
 * the input also gets `conductor.event.messageId` and `conductor.event.name` (observed on
 * conductor-oss 3.32.3: the started run's input has both).
 */
function startWorkflow(steps: DeliverySteps, params: StartWorkflowJson, doc: Record<string, unknown>, event: string, messageId: string): Record<string, unknown> {
  const def = steps.registry.workflow(params.name, params.version);
  // conductor-oss 3.32.3's WorkflowExecutor wording for a start of an unknown workflow.
  if (def === undefined) throw new Error(`No such workflow found by name: ${params.name}, version: ${params.version ?? 'null'}`);
  const input = { ...(resolveParameters(params.input ?? {}, doc) as Record<string, unknown>), 'conductor.event.messageId': messageId, 'conductor.event.name': event };
  const correlationId = params.correlationId === undefined ? undefined : resolveParameters(params.correlationId, doc);
  const exec = steps.start(def, input, { correlationId: correlationId === undefined || correlationId === null ? undefined : String(correlationId) });
  return { workflowId: exec.id };
}

/**
 * `SimpleActionProcessor.completeTask`: the task by id, or by workflow and reference (the latest
 * iteration inside a loop); its output becomes the resolved details (`workflowId`, `taskId`,
 * `taskRefName`, `reasonForIncompletion`, then `output`'s fields) plus the message's id and event.
 * No such task: the action completes with an `error` and changes nothing.
 */
function finishTask(steps: DeliverySteps, details: TaskDetailsJson, status: 'COMPLETED' | 'FAILED', doc: Record<string, unknown>, event: string, messageId: string): Pick<EventExecution, 'status' | 'output'> {
  const template = { workflowId: details.workflowId ?? null, taskId: details.taskId ?? null, taskRefName: details.taskRefName ?? null, reasonForIncompletion: details.reasonForIncompletion ?? null, ...details.output };
  const replaced = resolveParameters(template, doc) as Record<string, unknown>;
  const [workflowId, taskId, taskRefName] = [replaced['workflowId'], replaced['taskId'], replaced['taskRefName']].map((v) => (typeof v === 'string' && v !== '' ? v : undefined));
  let found: { exec: Execution; run: TaskRun } | undefined;
  if (taskId !== undefined) {
    for (const exec of steps.executions.values()) {
      const run = exec.tasks.find((t) => t.taskId === taskId);
      if (run !== undefined) found = { exec, run };
    }
  } else if (workflowId !== undefined && taskRefName !== undefined) {
    const exec = steps.executions.get(workflowId);
    // The server's getWorkflow throws NotFoundException: the action fails.
    if (exec === undefined) throw new Error(`No such workflow found by id: ${workflowId}`);
    const runs = exec.tasks.filter((t) => baseRef(t.referenceTaskName) === taskRefName);
    const run = runs.reduce<TaskRun | undefined>((latest, t) => (latest === undefined || t.iteration >= latest.iteration ? t : latest), undefined);
    if (run !== undefined) found = { exec, run };
  }
  if (found === undefined) {
    return { status: 'COMPLETED', output: { ...replaced, error: `No task found with taskId: ${taskId ?? 'null'}, reference name: ${taskRefName ?? 'null'}, workflowId: ${workflowId ?? 'null'}` } };
  }
  const reason = status === 'FAILED' && replaced['reasonForIncompletion'] !== null ? String(replaced['reasonForIncompletion']) : undefined;
  const output = { ...replaced, 'conductor.event.messageId': messageId, 'conductor.event.name': event };
  steps.update(found.exec, found.run, status, output, reason);
  return { status: 'COMPLETED', output: replaced };
}
