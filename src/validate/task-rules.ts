import { issuePath, type DefinitionIssue } from '../issues.ts';
import { describeJsonType, isJsonObject, isNonBlankString, isPresent, quote } from './json-value.ts';
import type { TaskNode } from './task-tree.ts';
import { validateTaskType } from './task-type-rules.ts';

/** How a task names itself in messages: `SWITCH "route"`, or its location when it has no ref. */
export function taskTitle(node: TaskNode): string {
  return node.ref === undefined ? `${node.type} task at ${node.location}` : `${node.type} ${quote(node.ref)}`;
}

/**
 * Checks one task on its own: the fields every task needs, the rules of its type and, when
 * `taskNames` is given, that a SIMPLE task's name has a task definition.
 */
export function validateTask(node: TaskNode, workflowLabel: string, taskNames: ReadonlySet<string> | undefined): DefinitionIssue[] {
  const { raw } = node;
  const title = taskTitle(node);
  const at = (field?: string): string => issuePath(workflowLabel, node.label, field);
  const issues: DefinitionIssue[] = [];

  if (!isNonBlankString(raw.name)) {
    issues.push({
      code: 'TASK_NAME_MISSING',
      path: at('name'),
      message: `${title} has no name (${isPresent(raw.name) ? describeJsonType(raw.name) : 'missing'}); the server rejects it. Set "name" to the task definition name (for system tasks, any descriptive name).`,
    });
  }
  if (node.ref === undefined) {
    issues.push({
      code: 'REF_MISSING',
      path: at('taskReferenceName'),
      message: `The task at ${node.location} has no taskReferenceName; the server rejects it and nothing could reference its output. Set "taskReferenceName" to a name unique in this workflow.`,
    });
  } else if (node.ref.includes('__')) {
    issues.push({
      code: 'REF_DOUBLE_UNDERSCORE',
      path: at('taskReferenceName'),
      message: `${title}: the reference name contains "__", which Conductor uses to number loop iterations (ref__1, ref__2), so lookups by this name break. Rename it without a double underscore, e.g. ${quote(node.ref.replace(/_{2,}/g, '_'))}.`,
    });
  }
  if (isPresent(raw.type) && typeof raw.type !== 'string') {
    issues.push({
      code: 'FIELD_TYPE',
      path: at('type'),
      message: `${title}: type is ${describeJsonType(raw.type)}. Set "type" to a task type such as "SIMPLE" or "SWITCH" (left out, it means SIMPLE).`,
    });
  }
  if (isPresent(raw.inputParameters) && !isJsonObject(raw.inputParameters)) {
    issues.push({
      code: 'FIELD_TYPE',
      path: at('inputParameters'),
      message: `${title}: inputParameters is ${describeJsonType(raw.inputParameters)}. Make it an object mapping each input name to a value or "\${...}" expression.`,
    });
  }
  if (isPresent(raw.optional) && typeof raw.optional !== 'boolean') {
    issues.push({
      code: 'FIELD_TYPE',
      path: at('optional'),
      message: `${title}: optional is ${describeJsonType(raw.optional)}. Set it to true or false.`,
    });
  }
  if (isPresent(raw.startDelay) && !(typeof raw.startDelay === 'number' && Number.isInteger(raw.startDelay) && raw.startDelay >= 0)) {
    issues.push({
      code: 'TASK_START_DELAY',
      path: at('startDelay'),
      message: `${title} has startDelay ${quote(raw.startDelay)}; the server only accepts a whole number of seconds, 0 or more. Set startDelay to 0 or more.`,
    });
  }
  if (taskNames !== undefined && node.type === 'SIMPLE' && typeof raw.name === 'string' && !taskNames.has(raw.name)) {
    issues.push({
      code: 'TASK_NO_CONTRACT',
      path: at('name'),
      message: `${title} runs task ${quote(raw.name)}, which has no task definition here, so the server would run it on ad-hoc defaults (3 retries, 60 s apart, 1 h response timeout). Define a task contract named ${quote(raw.name)}, or fix the task name.`,
    });
  }
  issues.push(...validateTaskType(node.type, { task: raw, title, at }));
  return issues;
}
