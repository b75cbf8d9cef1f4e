import { issuePath, type DefinitionIssue } from '../issues.ts';
import { quote, wholeNumber } from './json-value.ts';
import type { TaskNode } from './task-tree.ts';
import { validateTaskType } from './task-type-rules.ts';

/** How a task names itself in messages: `SWITCH "route"`, or its location when it has no ref. */
export function taskTitle(node: TaskNode): string {
  return node.ref === undefined ? `${node.type} task at ${node.location}` : `${node.type} ${quote(node.ref)}`;
}

/** conductor-oss 3.32.3 does not validate the tasks inside a DO_WHILE's loopOver (the list is not `@Valid`). */
export function serverChecks(node: TaskNode): boolean {
  return !node.location.includes('.loopOver[');
}

/**
 * Checks one task on its own: the fields every task needs, the rules of its type and, when
 * `taskNames` is given, that a SIMPLE task's name has a task definition. Inside a DO_WHILE's
 * loopOver, which the server registers unchecked, what would be an error is a warning (the task
 * fails when the loop runs it).
 */
export function validateTask(node: TaskNode, workflowLabel: string, taskNames: ReadonlySet<string> | undefined): DefinitionIssue[] {
  const issues = taskIssues(node, workflowLabel);
  const checked = serverChecks(node) ? issues : issues.map((issue) => uncheckedInLoop(issue));
  checked.push(...nullCrashes(node, workflowLabel));
  if (taskNames !== undefined && node.type === 'SIMPLE' && typeof node.raw.name === 'string' && !taskNames.has(node.raw.name)) {
    checked.push({
      code: 'TASK_NO_CONTRACT',
      severity: 'error',
      path: issuePath(workflowLabel, node.label, 'name'),
      message: `${taskTitle(node)} runs task ${quote(node.raw.name)}, which has no task definition here, so the server would run it on ad-hoc defaults (3 retries, 60 s apart, 1 h response timeout). Define a task contract named ${quote(node.raw.name)}, or fix the task name.`,
    });
  }
  return checked;
}

/**
 * Fields whose null crashes conductor-oss 3.32.3 wherever the task is, loop bodies included: it
 * walks every task by its type's nested lists (`WorkflowTask.children()`), so a null `type` or a
 * null list of the type answers 500 "HV000028: Unexpected exception during isValid call".
 */
const NULL_CRASHES: Readonly<Record<string, readonly string[]>> = {
  SWITCH: ['decisionCases', 'defaultCase'],
  DECISION: ['decisionCases', 'defaultCase'],
  FORK_JOIN: ['forkTasks'],
  DO_WHILE: ['loopOver'],
};

function nullCrashes(node: TaskNode, workflowLabel: string): DefinitionIssue[] {
  const fields = ['type', ...(NULL_CRASHES[node.type] ?? [])].filter((field) => node.raw[field] === null);
  return fields.map((field) => ({
    code: 'FIELD_NULL',
    severity: 'error',
    path: issuePath(workflowLabel, node.label, field),
    message: `${taskTitle(node)}: ${field} is null; the server fails on it (500 "HV000028: Unexpected exception during isValid call") and registers nothing. ${field === 'type' ? 'Set "type" (or leave it out for SIMPLE).' : `Leave ${field} out, or make it ${field === 'decisionCases' ? 'an object of task lists' : 'a list'}.`}`,
  }));
}

function uncheckedInLoop(issue: DefinitionIssue): DefinitionIssue {
  if (issue.severity === 'warning') return issue;
  return { ...issue, severity: 'warning', message: `The server registers tasks inside a DO_WHILE's loopOver without checking them, so this fails only when the loop runs: ${issue.message}` };
}

/** An `@NotEmpty` text field: missing, null or "" is refused; blank text is registered (a warning). */
function notEmpty(value: unknown, code: string, path: string, missing: string, blank: string): DefinitionIssue[] {
  if (value === undefined || value === null || value === '') return [{ code, severity: 'error', path, message: missing }];
  if (typeof value === 'string' && value.trim() === '') return [{ code, severity: 'warning', path, message: blank }];
  return [];
}

function taskIssues(node: TaskNode, workflowLabel: string): DefinitionIssue[] {
  const { raw } = node;
  const title = taskTitle(node);
  const at = (field?: string): string => issuePath(workflowLabel, node.label, field);
  const issues: DefinitionIssue[] = [
    ...notEmpty(
      raw.name,
      'TASK_NAME_MISSING',
      at('name'),
      `${title} has no name; the server rejects it. Set "name" to the task definition name (for system tasks, any descriptive name).`,
      `${title} has a blank name, which the server registers but no worker can poll for. Set "name" to the task definition name (for system tasks, any descriptive name).`,
    ),
    ...notEmpty(
      raw.taskReferenceName,
      'REF_MISSING',
      at('taskReferenceName'),
      `The task at ${node.location} has no taskReferenceName; the server rejects it and nothing could reference its output. Set "taskReferenceName" to a name unique in this workflow.`,
      `The task at ${node.location} has a blank taskReferenceName, which the server registers but nothing can reference. Set "taskReferenceName" to a name unique in this workflow.`,
    ),
  ];
  if (node.ref?.includes('__')) {
    issues.push({
      code: 'REF_DOUBLE_UNDERSCORE',
      severity: 'warning',
      path: at('taskReferenceName'),
      message: `${title}: the reference name contains "__", which Conductor uses to number loop iterations (ref__1, ref__2), so lookups by this name break inside loops. Rename it without a double underscore, e.g. ${quote(node.ref.replace(/_{2,}/g, '_'))}.`,
    });
  }
  const startDelay = wholeNumber(raw.startDelay);
  if (startDelay !== undefined && startDelay < 0) {
    issues.push({
      code: 'TASK_START_DELAY',
      severity: 'error',
      path: at('startDelay'),
      message: `${title} has startDelay ${quote(raw.startDelay)}; the server only accepts 0 or more seconds. Set startDelay to 0 or more.`,
    });
  }
  issues.push(...validateTaskType(node.type, { task: raw, title, at }));
  return issues;
}
