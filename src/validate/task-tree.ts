import { childPath, isJsonObject, isNonBlankString, type JsonObject } from './json-value.ts';

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
 * objects and nested lists of the wrong shape are skipped (json-binding.ts reports them).
 */
export function buildTaskTree(tasks: readonly unknown[]): TaskList {
  return { field: 'tasks', location: 'tasks', tasks: readList(tasks, 'tasks', [], undefined) };
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

function readList(items: readonly unknown[], location: string, trail: readonly TaskStep[], owner: TaskNode | undefined): TaskNode[] {
  return items.flatMap((item, index) => (isJsonObject(item) ? [readTask(item, childPath(location, index), [...trail, { list: location, index, owner }])] : []));
}

function readTask(raw: JsonObject, location: string, trail: readonly TaskStep[]): TaskNode {
  const ref = isNonBlankString(raw.taskReferenceName) ? raw.taskReferenceName : undefined;
  const children: TaskList[] = [];
  const node: TaskNode = { raw, type: typeof raw.type === 'string' ? raw.type : 'SIMPLE', ref, location, label: ref ?? location, trail, children };
  for (const [field, value] of childFields(raw, node.type)) {
    const listLocation = `${location}.${field}`;
    children.push({ field, location: listLocation, tasks: readList(value, listLocation, trail, node) });
  }
  return node;
}

/** The nested task lists of a task, as [field, tasks] pairs. */
function childFields(raw: JsonObject, type: string): [string, readonly unknown[]][] {
  const lists: [string, readonly unknown[]][] = [];
  const add = (field: string, value: unknown): void => {
    if (Array.isArray(value)) lists.push([field, value]);
  };
  switch (type) {
    case 'SWITCH':
    case 'DECISION':
      if (isJsonObject(raw.decisionCases)) for (const [key, value] of Object.entries(raw.decisionCases)) add(childPath('decisionCases', key), value);
      add('defaultCase', raw.defaultCase);
      break;
    case 'FORK_JOIN':
      if (Array.isArray(raw.forkTasks)) raw.forkTasks.forEach((branch: unknown, i) => add(childPath('forkTasks', i), branch));
      break;
    case 'DO_WHILE':
      add('loopOver', raw.loopOver);
      break;
  }
  return lists;
}
