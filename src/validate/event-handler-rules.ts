/**
 * Checks an event handler's JSON before a server sees it. conductor-oss 3.32.3 checks only that
 * `name`, `event` and `actions` are there (400 otherwise): it stores an `event` of a queue type it
 * does not have, or with no `:` at all, with 200, and then every refresh of its event queues
 * (`DefaultEventQueueManager.refreshEventQueues`, once a minute) throws on it, so handlers made
 * afterwards never start listening, on the whole server. Such an event is an error here, and so
 * is an event no workflow of the generation publishes (the handler would never fire).
 */
import { publishedQueue, queueType } from '../event/queue-name.ts';
import { allWorkflowTasks } from '../conductor-tasks.ts';
import type { WorkflowDef } from '../conductor-types.ts';
import { issuePath, type DefinitionIssue } from '../issues.ts';
import { closestName } from './closest-name.ts';
import { describeJsonType, isJsonObject, isNonBlankString, quote, type JsonObject } from './json-value.ts';
import { scriptSyntaxError } from './script-syntax.ts';

/** The actions the server runs (`EventHandler.Action.Type`) that this library checks and writes. */
const ACTIONS = ['start_workflow', 'complete_task', 'fail_task'] as const;
/** The other action types conductor-oss 3.32.3 knows; registered as given, not checked further. */
const OTHER_ACTIONS = ['terminate_workflow', 'update_workflow_variables', 'start_agent'];

/** The events the workflows publish: `conductor:<workflow>:<name>` of each EVENT task with a conductor sink, by workflow name. */
function publishedEvents(workflows: readonly WorkflowDef[]): Map<string, string[]> {
  const byWorkflow = new Map<string, string[]>();
  for (const def of workflows) {
    const events = byWorkflow.get(def.name) ?? [];
    for (const task of allWorkflowTasks(def.tasks ?? [])) {
      if (task.type === 'EVENT' && typeof task.sink === 'string' && queueType(task.sink) === 'conductor') events.push(publishedQueue(task.sink, def.name, task.taskReferenceName));
    }
    byWorkflow.set(def.name, events);
  }
  return byWorkflow;
}

/**
 * Every problem of one event handler's JSON. `workflows` are the definitions it may name (the
 * generation, or the files validated with it): its `event` must be one of theirs
 * (`conductor:<workflow>:<ref>` of an EVENT task with sink `conductor`, or
 * `conductor:<workflow>:<name>` of one with sink `conductor:<name>`), and a start_workflow action
 * must name one of them. Issue paths start at `where` (default: the handler's name).
 * Errors: what the server refuses, an event it would store but that breaks its event refresh, an
 * event or workflow the generation does not have. Warnings: a handler that is not active (it
 * never fires), a condition that is not valid JavaScript (the server fails the message on it).
 */
export function validateEventHandler(value: unknown, workflows: readonly WorkflowDef[], where?: string): DefinitionIssue[] {
  if (!isJsonObject(value)) {
    return [{ code: 'EVENT_HANDLER_SHAPE', severity: 'error', path: where ?? '', message: `This is ${describeJsonType(value)}, not an event handler. Write an object with name, event and actions.` }];
  }
  const title = where ?? (isNonBlankString(value.name) ? `event handler ${value.name}` : 'event handler');
  const at = (field: string): string => issuePath(title, field);
  const issues: DefinitionIssue[] = [];
  const error = (code: string, field: string, message: string): void => void issues.push({ code, severity: 'error', path: at(field), message });
  if (!isNonBlankString(value.name)) error('EVENT_HANDLER_NAME', 'name', `name is ${quote(value.name)}; the server refuses a handler without one ("Missing event handler name"). Give it a name.`);
  const known = publishedEvents(workflows);
  checkEvent(value.event, known, error);
  if (!Array.isArray(value.actions) || value.actions.length === 0) {
    error('EVENT_HANDLER_NO_ACTIONS', 'actions', 'actions is empty or missing; the server refuses it ("No actions specified. Please specify at-least one action"). Add a start_workflow, complete_task or fail_task action.');
  } else {
    value.actions.forEach((action: unknown, i) => checkAction(action, `actions[${i}]`, known, error));
  }
  if (value.condition !== undefined && value.condition !== null) {
    const syntax = typeof value.condition === 'string' ? scriptSyntaxError(value.condition) : { message: `it is ${describeJsonType(value.condition)}`, line: 1, column: 1 };
    if (syntax !== undefined) {
      issues.push({
        code: 'EVENT_HANDLER_CONDITION',
        severity: 'warning',
        path: at('condition'),
        message: `condition is not valid JavaScript (${syntax.message}); the server stores it and fails every message on it. Write an expression over the message as $, e.g. "$.branch == 'main'".`,
      });
    }
  }
  if (value.active !== true) {
    issues.push({
      code: 'EVENT_HANDLER_INACTIVE',
      severity: 'warning',
      path: at('active'),
      message: `active is ${quote(value.active ?? null)}; the server's default is false and an inactive handler never fires. Set "active": true unless it is meant to be off.`,
    });
  }
  return issues;
}

function checkEvent(event: unknown, known: Map<string, string[]>, error: (code: string, field: string, message: string) => void): void {
  if (!isNonBlankString(event)) return error('EVENT_HANDLER_EVENT', 'event', `event is ${quote(event)}; the server refuses a handler without one ("Missing event location"). Set it to "conductor:<workflow>:<EVENT task reference>".`);
  const type = queueType(event);
  if (!event.includes(':') || type !== 'conductor') {
    return error(
      'EVENT_HANDLER_EVENT',
      'event',
      `event ${quote(event)} is not a queue conductor-oss 3.32.3 has (${event.includes(':') ? `"Unknown queue type ${type}"` : '"Illegal event"'}: only conductor queues are built in); the server would store it and then fail every refresh of its event queues, for every handler. Write "conductor:<workflow>:<EVENT task reference>".`,
    );
  }
  const [, workflow = '', name = ''] = event.split(':');
  if (event.split(':').length !== 3 || workflow === '' || name === '') {
    return error('EVENT_HANDLER_EVENT', 'event', `event ${quote(event)} is not "conductor:<workflow>:<name>", the only form an EVENT task publishes. Name the workflow and its EVENT task's reference.`);
  }
  const events = known.get(workflow);
  if (events === undefined) {
    const near = closestName(workflow, [...known.keys()]);
    return error('EVENT_HANDLER_UNKNOWN_WORKFLOW', 'event', `event ${quote(event)} names workflow "${workflow}", which is not among the definitions${near === undefined ? '' : ` (did you mean "${near}"?)`}; no message would ever come. Name a workflow of the generation, or add the workflow.`);
  }
  if (!events.includes(event)) {
    const list = events.length === 0 ? `${workflow} has no EVENT task with a conductor sink` : `${workflow} publishes ${events.map((e) => `"${e}"`).join(', ')}`;
    error('EVENT_HANDLER_UNKNOWN_TASK', 'event', `event ${quote(event)} is published by no EVENT task: ${list}. Name the reference of an EVENT task with sink "conductor" (or the name of a sink "conductor:<name>").`);
  }
}

function checkAction(action: unknown, field: string, known: Map<string, string[]>, error: (code: string, field: string, message: string) => void): void {
  if (!isJsonObject(action)) return error('EVENT_HANDLER_ACTION', field, `this action is ${describeJsonType(action)}; write an object such as {"action": "start_workflow", "start_workflow": {...}}.`);
  const type = action.action;
  if (OTHER_ACTIONS.includes(type as string)) return;
  if (!ACTIONS.includes(type as (typeof ACTIONS)[number])) {
    return error('EVENT_HANDLER_ACTION', `${field}.action`, `action ${quote(type)} is not one the server runs; use "start_workflow", "complete_task" or "fail_task".`);
  }
  const details = (action as JsonObject)[type as string];
  if (!isJsonObject(details)) return error('EVENT_HANDLER_ACTION', `${field}.${String(type)}`, `a ${String(type)} action needs its "${String(type)}" object; the server would fail every message on it. Add it.`);
  if (type === 'start_workflow') {
    if (!isNonBlankString(details.name)) return error('EVENT_HANDLER_ACTION', `${field}.start_workflow.name`, 'start_workflow has no workflow name; name the workflow to start.');
    if (!details.name.includes('${') && !known.has(details.name)) {
      const near = closestName(details.name, [...known.keys()]);
      error('EVENT_HANDLER_UNKNOWN_WORKFLOW', `${field}.start_workflow.name`, `start_workflow names workflow "${details.name}", which is not among the definitions${near === undefined ? '' : ` (did you mean "${near}"?)`}; the server would fail every start. Name a workflow of the generation.`);
    }
    return;
  }
  const byId = isNonBlankString(details.taskId);
  const byRef = isNonBlankString(details.workflowId) && isNonBlankString(details.taskRefName);
  if (!byId && !byRef) {
    error('EVENT_HANDLER_ACTION', `${field}.${type}`, `${type} names no task: give "workflowId" and "taskRefName" (e.g. "\${workflowInstanceId}" and the waiting task's reference), or "taskId".`);
  }
}
