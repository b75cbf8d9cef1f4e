/**
 * The JSON of a Conductor event handler (`common/metadata/events/EventHandler.java`), in the form
 * conductor-oss 3.32.3 returns it from `GET /api/event`: every field it fills in written out
 * (`active`, `expandInlineJSON`, a start's `input`, a task action's `output`), so that what gen
 * writes and what the server gives back compare equal.
 */

/** What `start_workflow` does: starts `name` (at `version`, or the latest) with `input`, `${...}` read from the message. */
export interface StartWorkflowJson {
  readonly name: string;
  readonly version?: number;
  readonly correlationId?: string;
  readonly input: Readonly<Record<string, unknown>>;
}

/**
 * Which task `complete_task` / `fail_task` finishes (`TaskDetails`): by `taskId`, or by
 * `workflowId` and `taskRefName` (the latest iteration of a task in a loop); `output` becomes the
 * task's output with these fields, `${...}` read from the message.
 */
export interface TaskDetailsJson {
  readonly workflowId?: string;
  readonly taskRefName?: string;
  readonly taskId?: string;
  readonly reasonForIncompletion?: string;
  readonly output: Readonly<Record<string, unknown>>;
}

/** One action of a handler (`EventHandler.Action`); the server also has terminate_workflow, update_workflow_variables and start_agent, which the library does not write. */
export type EventActionJson =
  | { readonly action: 'start_workflow'; readonly start_workflow: StartWorkflowJson; readonly expandInlineJSON: boolean }
  | { readonly action: 'complete_task'; readonly complete_task: TaskDetailsJson; readonly expandInlineJSON: boolean }
  | { readonly action: 'fail_task'; readonly fail_task: TaskDetailsJson; readonly expandInlineJSON: boolean };

/**
 * An event handler: on each message of the queue `event` (`conductor:<workflow>:<name>`), when
 * `condition` (JavaScript over the message as `$`) is true or absent, runs `actions`. A handler
 * that is not `active` (the server's default) never fires.
 */
export interface EventHandlerJson {
  readonly name: string;
  readonly event: string;
  readonly condition?: string;
  readonly evaluatorType?: string;
  readonly actions: readonly EventActionJson[];
  readonly active: boolean;
}

/** True when a JSON value has an event handler's shape (an `event` and an `actions` list): how `validate` tells a handler file. */
export function looksLikeEventHandler(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.hasOwn(value, 'event') && Object.hasOwn(value, 'actions');
}
