import { issuePath, type DefinitionIssue } from '../issues.ts';
import { childPath, describeJsonType, isJsonObject, isNonBlankString, isPresent, type JsonObject } from './json-value.ts';

/** One step on the way from the workflow's `tasks` down to a task. */
export interface TaskStep {
  /** Location of the list the task is in, e.g. `tasks[0].forkTasks[1]`; equal for siblings. */
  readonly list: string;
  /** The task's position in that list. */
  readonly index: number;
  /** The task holding that list; undefined for the workflow's own `tasks`. */
  readonly owner: TaskNode | undefined;
}

/** A list of tasks inside a definition: the workflow's `tasks`, a case, a fork branch, a loop body. */
export interface TaskList {
  /** The field that holds it, relative to its task, e.g. `decisionCases.ok` or `forkTasks[1]`. */
  readonly field: string;
  /** Where it is in the definition, e.g. `tasks[2].decisionCases.ok`. */
  readonly location: string;
  readonly tasks: readonly TaskNode[];
}

/** A task of a raw WorkflowDef, with what the validator needs to know about where it sits. */
export interface TaskNode {
  readonly raw: JsonObject;
  /** `type`, or `SIMPLE` when it is left out (the server's default). */
  readonly type: string;
  readonly ref: string | undefined;
  /** Where it is in the definition, e.g. `tasks[1].loopOver[0]`. */
  readonly location: string;
  /** How issue paths name it: its reference name, or its location when it has none. */
  readonly label: string;
  /** The steps from the workflow's `tasks` down to this task. */
  readonly trail: readonly TaskStep[];
  /** The task lists Conductor runs inside this task (cases, branches, loop body). */
  readonly children: readonly TaskList[];
}

/**
 * Reads a workflow's `tasks` into a tree of {@link TaskNode}s, following the nested lists that
 * Conductor itself follows for each type (`WorkflowTask.children()`). Entries that are not
 * objects and nested lists of the wrong shape are reported to `issues` and skipped.
 */
export function buildTaskTree(tasks: readonly unknown[], workflowLabel: string, issues: DefinitionIssue[]): TaskList {
  const reader = new TreeReader(workflowLabel, issues);
  return { field: 'tasks', location: 'tasks', tasks: reader.readList(tasks, 'tasks', [], undefined) };
}

/** Every task in a list and below it, each before its nested tasks, in definition order. */
export function allTasks(list: TaskList): TaskNode[] {
  return list.tasks.flatMap((node) => [node, ...node.children.flatMap(allTasks)]);
}

/** Every task list in a list's subtree, the list itself first. */
export function allLists(list: TaskList): TaskList[] {
  return [list, ...list.tasks.flatMap((node) => node.children.flatMap(allLists))];
}

/** The reference names of the tasks nested inside a task (not its own). */
export function nestedRefs(node: TaskNode): string[] {
  return node.children.flatMap(allTasks).flatMap((child) => (child.ref === undefined ? [] : [child.ref]));
}

class TreeReader {
  constructor(
    private readonly workflowLabel: string,
    private readonly issues: DefinitionIssue[],
  ) {}

  readList(items: readonly unknown[], location: string, trail: readonly TaskStep[], owner: TaskNode | undefined): TaskNode[] {
    const nodes: TaskNode[] = [];
    items.forEach((item, index) => {
      const itemLocation = childPath(location, index);
      if (!isJsonObject(item)) {
        this.issues.push({
          code: 'TASK_NOT_OBJECT',
          path: issuePath(this.workflowLabel, itemLocation),
          message: `${itemLocation} is ${describeJsonType(item)}, not a task. Replace it with a task object that has "name", "taskReferenceName" and "type".`,
        });
        return;
      }
      nodes.push(this.readTask(item, itemLocation, [...trail, { list: location, index, owner }]));
    });
    return nodes;
  }

  private readTask(raw: JsonObject, location: string, trail: readonly TaskStep[]): TaskNode {
    const ref = isNonBlankString(raw.taskReferenceName) ? raw.taskReferenceName : undefined;
    const children: TaskList[] = [];
    const node: TaskNode = {
      raw,
      type: typeof raw.type === 'string' ? raw.type : 'SIMPLE',
      ref,
      location,
      label: ref ?? location,
      trail,
      children,
    };
    for (const [field, value] of this.childFields(node)) {
      const listLocation = `${location}.${field}`;
      children.push({ field, location: listLocation, tasks: this.readList(value, listLocation, trail, node) });
    }
    return node;
  }

  /** The nested task lists of a task, as [field, tasks] pairs; wrong shapes are reported. */
  private childFields(node: TaskNode): [string, readonly unknown[]][] {
    const raw = node.raw;
    const lists: [string, readonly unknown[]][] = [];
    const add = (field: string, value: unknown, what: string): void => {
      if (Array.isArray(value)) lists.push([field, value]);
      else if (isPresent(value)) this.wrongShape(node, field, value, what);
    };
    switch (node.type) {
      case 'SWITCH':
      case 'DECISION':
        if (isJsonObject(raw.decisionCases)) {
          for (const [key, value] of Object.entries(raw.decisionCases)) add(childPath('decisionCases', key), value, 'an array of tasks');
        } else if (isPresent(raw.decisionCases)) {
          this.wrongShape(node, 'decisionCases', raw.decisionCases, 'an object mapping each case value to an array of tasks');
        }
        add('defaultCase', raw.defaultCase, 'an array of tasks');
        break;
      case 'FORK_JOIN':
        if (Array.isArray(raw.forkTasks)) raw.forkTasks.forEach((branch: unknown, i) => add(childPath('forkTasks', i), branch, 'an array of tasks'));
        else add('forkTasks', raw.forkTasks, 'an array of branches, each an array of tasks');
        break;
      case 'DO_WHILE':
        add('loopOver', raw.loopOver, 'an array of tasks');
        break;
    }
    return lists;
  }

  private wrongShape(node: TaskNode, field: string, value: unknown, what: string): void {
    this.issues.push({
      code: 'FIELD_TYPE',
      path: issuePath(this.workflowLabel, node.label, field),
      message: `${field} is ${describeJsonType(value)}, so the tasks in it cannot be read. Make it ${what}.`,
    });
  }
}
