/**
 * Event handlers in TypeScript: `eventHandler({ name, event, condition, actions })` with actions
 * made by {@link startWorkflowAction} (typed by the workflow's input), {@link completeTaskAction}
 * and {@link failTaskAction}; gen writes each to `generated/events/<name>.json`.
 */
import type { AnyWorkflow, WorkflowInput } from '../dsl/nodes.ts';
import type { EventActionJson, EventHandlerJson, TaskDetailsJson } from './handler-json.ts';

/**
 * A `${...}` expression read from the event's message (`ParametersUtils.replace` over the
 * payload): `${workflowInstanceId}`, `${sha}`, `${commit.author}`. An EVENT task's message is its
 * output: its input plus `workflowInstanceId`, `workflowType`, `workflowVersion`,
 * `correlationId`, `taskToDomain`, `event_produced`, `sink` and `asyncComplete`.
 */
export type PayloadExpression = `\${${string}}`;

/** An input for `T`: each field its own type or a {@link PayloadExpression}; required fields stay required. */
export type PayloadMapping<T> = { readonly [K in keyof T]: T[K] | PayloadExpression };

/** One action of a handler, and the workflows it starts (gen checks that they are in the generation). */
export interface EventAction {
  readonly kind: 'EventAction';
  readonly json: EventActionJson;
  /** The workflow a start_workflow action starts. */
  readonly workflow?: AnyWorkflow | undefined;
}

/** Which task a complete_task or fail_task action finishes: by workflow and reference (`${workflowInstanceId}` and a task of the publishing workflow), or by task id. */
export type TaskTarget = { readonly workflowId: string; readonly taskRefName: string; readonly taskId?: never } | { readonly taskId: string; readonly workflowId?: never; readonly taskRefName?: never };

/** An event handler made with {@link eventHandler}: its JSON, and the workflows its actions start. */
export interface EventHandler {
  readonly kind: 'EventHandler';
  readonly name: string;
  readonly json: EventHandlerJson;
  readonly workflows: readonly AnyWorkflow[];
}

/** True for a value made by {@link eventHandler}. */
export function isEventHandler(value: unknown): value is EventHandler {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'EventHandler';
}

/**
 * A start_workflow action: starts `workflow` at its version with `input`, each field a value of
 * the workflow's input type or a `${...}` read from the message (required fields must be given).
 * The server reads `taskToDomain` from the message too.
 * @param options.correlationId the started run's correlationId, literal or `${...}` (e.g. `${correlationId}`).
 * @example startWorkflowAction(firmwareCiCdPipeline, { repo: '${repo}', branch: '${branch}', commit_sha: '${commit_sha}' })
 */
export function startWorkflowAction<W extends AnyWorkflow>(workflow: W, input: PayloadMapping<WorkflowInput<W>>, options: { readonly correlationId?: string } = {}): EventAction {
  return {
    kind: 'EventAction',
    workflow,
    json: {
      action: 'start_workflow',
      start_workflow: { name: workflow.name, version: workflow.version, ...(options.correlationId !== undefined && { correlationId: options.correlationId }), input: input as Record<string, unknown> },
      expandInlineJSON: false,
    },
  };
}

function taskDetails(target: TaskTarget, output: Readonly<Record<string, unknown>> | undefined, reason?: string): TaskDetailsJson {
  return { ...target, ...(reason !== undefined && { reasonForIncompletion: reason }), output: output ?? {} };
}

/**
 * A complete_task action: completes the task (if it is not finished yet) with `output` (values
 * or `${...}` from the message). The server makes the task's output `workflowId`, `taskId`,
 * `taskRefName`, `reasonForIncompletion` (as resolved) plus `output`, `conductor.event.messageId`
 * and `conductor.event.name`.
 * @example completeTaskAction({ workflowId: '${waiter_id}', taskRefName: 'wait_for_push', output: { sha: '${sha}' } })
 */
export function completeTaskAction(target: TaskTarget & { readonly output?: Readonly<Record<string, unknown>> }): EventAction {
  const { output, ...task } = target;
  return { kind: 'EventAction', json: { action: 'complete_task', complete_task: taskDetails(task as TaskTarget, output), expandInlineJSON: false } };
}

/** A fail_task action: fails the task with `reason` (its reasonForIncompletion) and `output`; see {@link completeTaskAction}. */
export function failTaskAction(target: TaskTarget & { readonly reason?: string; readonly output?: Readonly<Record<string, unknown>> }): EventAction {
  const { output, reason, ...task } = target;
  return { kind: 'EventAction', json: { action: 'fail_task', fail_task: taskDetails(task as TaskTarget, output, reason), expandInlineJSON: false } };
}

/** What {@link eventHandler} takes. */
export interface EventHandlerSpec {
  /** The handler's name on the server, and its file name (`generated/events/<name>.json`): letters, digits, `_` and `-`. */
  readonly name: string;
  /**
   * The queue it listens on: `conductor:<workflow>:<ref>`, where `<ref>` is an EVENT task of that
   * workflow with sink `conductor` (or `<name>` of one with sink `conductor:<name>`). gen refuses
   * any other: the server stores a bad one and then stops starting new listeners, server-wide.
   */
  readonly event: `conductor:${string}:${string}`;
  /** JavaScript over the message as `$` (the server's ScriptEvaluator): the actions run only when it is true (a number over 0 counts as true). @default always */
  readonly condition?: string;
  /** At least one action; run in order for each message that passes the condition. */
  readonly actions: readonly [EventAction, ...EventAction[]];
  /** The server's default is false, a handler that never fires; the DSL writes true unless told. @default true */
  readonly active?: boolean;
}

/**
 * An event handler: on each message of `event` that passes `condition`, runs `actions`. Its JSON
 * has every field the server fills in, so `diff` right after `register` shows nothing.
 * @throws TypeError when there is no action (the server refuses a handler without one).
 * @example
 * eventHandler({
 *   name: 'k1-push-starts-pipeline',
 *   event: 'conductor:k1-push-event:publish_push',
 *   condition: "$.branch == 'main'",
 *   actions: [startWorkflowAction(firmwareCiCdPipeline, { repo: '${repo}', branch: '${branch}', commit_sha: '${commit_sha}' })],
 * })
 */
export function eventHandler(spec: EventHandlerSpec): EventHandler {
  if (!Array.isArray(spec.actions) || spec.actions.length === 0) throw new TypeError(`event handler "${spec.name}": actions is empty; the server refuses a handler without one. Add startWorkflowAction(), completeTaskAction() or failTaskAction().`);
  const json: EventHandlerJson = {
    name: spec.name,
    event: spec.event,
    ...(spec.condition !== undefined && { condition: spec.condition }),
    actions: spec.actions.map((a) => a.json),
    active: spec.active ?? true,
  };
  return { kind: 'EventHandler', name: spec.name, json, workflows: spec.actions.flatMap((a) => (a.workflow === undefined ? [] : [a.workflow])) };
}
