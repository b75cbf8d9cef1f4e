import { LEARNED_DEFAULTS } from '../conductor/learned-defaults.ts';
import type { TaskDef, WorkflowDef, WorkflowTask } from '../conductor-types.ts';

type Json = Record<string, unknown>;
type Defaults = Readonly<Record<string, unknown>>;

/** Fields the server sets on every write (times, authors): never part of a diff. */
export const SERVER_BOOKKEEPING: ReadonlySet<string> = new Set(LEARNED_DEFAULTS.bookkeeping);

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** How the nested definitions inside each kind are treated, for both directions below. */
interface Walk {
  readonly tasks: (tasks: unknown) => unknown;
  readonly taskDef: (def: unknown, defaults: Defaults) => unknown;
  readonly schema: (schema: unknown) => unknown;
}

function nested(key: string, value: unknown, walk: Walk, embedded: boolean): unknown {
  switch (key) {
    case 'tasks':
    case 'defaultCase':
    case 'loopOver':
    case 'defaultExclusiveJoinTask':
      return walk.tasks(value);
    case 'forkTasks':
      return Array.isArray(value) ? value.map(walk.tasks) : value;
    case 'decisionCases':
      return isObject(value) ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk.tasks(v)])) : value;
    case 'taskDefinition':
      return embedded ? walk.taskDef(value, LEARNED_DEFAULTS.embeddedTaskDef) : value;
    case 'inputSchema':
    case 'outputSchema':
      return walk.schema(value);
    default:
      return value;
  }
}

function strip(def: unknown, defaults: Defaults, embedded: boolean): unknown {
  if (!isObject(def)) return def;
  const out: Json = {};
  for (const [key, value] of Object.entries(def)) {
    if (value === undefined || value === null || SERVER_BOOKKEEPING.has(key)) continue;
    if (key in defaults && same(value, defaults[key])) continue;
    out[key] = nested(key, value, stripping, embedded);
  }
  return out;
}

const stripping: Walk = {
  tasks: (tasks) => (Array.isArray(tasks) ? tasks.map((t) => strip(t, LEARNED_DEFAULTS.workflowTask, true)) : tasks),
  taskDef: (def, defaults) => strip(def, defaults, false),
  schema: (schema) => strip(schema, LEARNED_DEFAULTS.schemaDef, false),
};

function fill(def: unknown, defaults: Defaults, embedded: boolean, walk: Walk = filling): unknown {
  if (!isObject(def)) return def;
  const out: Json = structuredClone(defaults) as Json;
  for (const [key, value] of Object.entries(def)) {
    if (value === undefined || value === null || (walk === comparing && SERVER_BOOKKEEPING.has(key))) continue;
    out[key] = nested(key, value, walk, embedded);
  }
  return out;
}

const filling: Walk = {
  tasks: (tasks) => (Array.isArray(tasks) ? tasks.map((t) => fill(t, LEARNED_DEFAULTS.workflowTask, true)) : tasks),
  taskDef: (def, defaults) => fill(def, defaults, false),
  schema: (schema) => fill(schema, LEARNED_DEFAULTS.schemaDef, false),
};

/** The stored form without bookkeeping: what the diff compares, so a default shows as its value. */
const comparing: Walk = {
  tasks: (tasks) => (Array.isArray(tasks) ? tasks.map((t) => fill(t, LEARNED_DEFAULTS.workflowTask, true, comparing)) : tasks),
  taskDef: (def, defaults) => fill(def, defaults, false, comparing),
  schema: (schema) => fill(schema, LEARNED_DEFAULTS.schemaDef, false, comparing),
};

/**
 * A TaskDef with no bookkeeping fields and no field at the value the server would fill in anyway
 * (learned from the real server, `learned-defaults.ts`): the smallest form the server stores the
 * same way, as the importer writes it.
 */
export function normalizeTaskDef(def: TaskDef): Record<string, unknown> {
  return strip(def, LEARNED_DEFAULTS.taskDef, false) as Json;
}

/** A WorkflowTask normalized as {@link normalizeTaskDef} is, nested tasks and the embedded `taskDefinition` included. */
export function normalizeWorkflowTask(task: WorkflowTask): Record<string, unknown> {
  return strip(task, LEARNED_DEFAULTS.workflowTask, true) as Json;
}

/** A WorkflowDef normalized as {@link normalizeTaskDef} is. */
export function normalizeWorkflowDef(def: WorkflowDef): Record<string, unknown> {
  return strip(def, LEARNED_DEFAULTS.workflowDef, false) as Json;
}

/**
 * A TaskDef as the diff compares it: no bookkeeping fields, and every field the server fills in
 * at its default unless set, so a field left out equals the server's default and a changed
 * default reads `3 -> 9`, not as a new field.
 */
export function comparableTaskDef(def: TaskDef): Record<string, unknown> {
  return fill(def, LEARNED_DEFAULTS.taskDef, false, comparing) as Json;
}

/** A WorkflowDef as the diff compares it (see {@link comparableTaskDef}), nested tasks included. */
export function comparableWorkflowDef(def: WorkflowDef): Record<string, unknown> {
  return fill(def, LEARNED_DEFAULTS.workflowDef, false, comparing) as Json;
}

/** A TaskDef as the real server stores it: every field it fills in, filled (the dev server's read-back). */
export function storedTaskDef(def: TaskDef): TaskDef {
  return fill(def, LEARNED_DEFAULTS.taskDef, false) as TaskDef;
}

/** A WorkflowDef as the real server stores it, nested tasks included (the dev server's read-back). */
export function storedWorkflowDef(def: WorkflowDef): WorkflowDef {
  return fill(def, LEARNED_DEFAULTS.workflowDef, false) as WorkflowDef;
}

/**
 * A TaskDef embedded in a workflow task as the real server writes it: what it puts into a
 * workflow's `workflowDefinition` at start for a task nobody registered (no `createdBy`, times 0).
 */
export function storedEmbeddedTaskDef(def: TaskDef): TaskDef {
  return fill(def, LEARNED_DEFAULTS.embeddedTaskDef, false) as TaskDef;
}

/** A WorkflowTask as the real server stores and echoes it (a dynamic fork's `forkedTaskDefs`), nested tasks included. */
export function storedWorkflowTask(task: WorkflowTask): WorkflowTask {
  return fill(task, LEARNED_DEFAULTS.workflowTask, true) as WorkflowTask;
}
