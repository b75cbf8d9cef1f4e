import type { TaskDef, WorkflowDef, WorkflowTask } from '../conductor-types.ts';

/** Fields the server adds to a stored definition: never part of a diff. */
export const SERVER_ADDED_FIELDS: ReadonlySet<string> = new Set(['createTime', 'updateTime', 'createdBy', 'updatedBy', 'ownerApp', 'accessPolicy']);

/** The server's TaskDef defaults (`TaskDef.java`), filled in when a definition leaves them out. */
export const TASK_DEF_DEFAULTS: Readonly<Record<string, unknown>> = {
  retryCount: 3,
  timeoutSeconds: 0,
  totalTimeoutSeconds: 0,
  inputKeys: [],
  outputKeys: [],
  timeoutPolicy: 'TIME_OUT_WF',
  retryLogic: 'FIXED',
  retryDelaySeconds: 60,
  responseTimeoutSeconds: 3600,
  inputTemplate: {},
  rateLimitPerFrequency: 0,
  rateLimitFrequencyInSeconds: 1,
  backoffScaleFactor: 1,
  concurrentExecLimit: 0,
  pollTimeoutSeconds: 0,
  enforceSchema: false,
  tags: [],
};

/** The server's WorkflowDef defaults (`WorkflowDef.java`). */
export const WORKFLOW_DEF_DEFAULTS: Readonly<Record<string, unknown>> = {
  version: 1,
  schemaVersion: 2,
  restartable: true,
  workflowStatusListenerEnabled: false,
  timeoutPolicy: 'TIME_OUT_WF',
  timeoutSeconds: 0,
  inputParameters: [],
  outputParameters: {},
  variables: {},
  inputTemplate: {},
  enforceSchema: false,
  tags: [],
  metadata: {},
};

/** The server's WorkflowTask defaults (`WorkflowTask.java`), as a stored definition reads back. */
export const WORKFLOW_TASK_DEFAULTS: Readonly<Record<string, unknown>> = {
  type: 'SIMPLE',
  inputParameters: {},
  decisionCases: {},
  defaultCase: [],
  forkTasks: [],
  loopOver: [],
  joinOn: [],
  defaultExclusiveJoinTask: [],
  onStateChange: {},
  startDelay: 0,
  optional: false,
  asyncComplete: false,
  permissive: false,
  rateLimited: false,
  cacheConfig: null,
};

function isDefault(value: unknown, fallback: unknown): boolean {
  return JSON.stringify(value ?? null) === JSON.stringify(fallback ?? null);
}

function strip(def: Record<string, unknown>, defaults: Readonly<Record<string, unknown>>, nested: (key: string, value: unknown) => unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(def)) {
    if (value === undefined || value === null || SERVER_ADDED_FIELDS.has(key)) continue;
    if (key in defaults && isDefault(value, defaults[key])) continue;
    out[key] = nested(key, value);
  }
  return out;
}

/** A TaskDef as the diff compares it: no server-added fields, no field equal to the server's default. */
export function normalizeTaskDef(def: TaskDef): Record<string, unknown> {
  return strip(def as Record<string, unknown>, TASK_DEF_DEFAULTS, (_key, value) => value);
}

function normalizeTasks(tasks: unknown): unknown {
  return Array.isArray(tasks) ? tasks.map((t) => normalizeWorkflowTask(t as WorkflowTask)) : tasks;
}

/** A WorkflowTask as the diff compares it, nested tasks included. */
export function normalizeWorkflowTask(task: WorkflowTask): Record<string, unknown> {
  return strip(task as Record<string, unknown>, WORKFLOW_TASK_DEFAULTS, (key, value) => {
    if (key === 'defaultCase' || key === 'loopOver') return normalizeTasks(value);
    if (key === 'forkTasks') return (value as unknown[]).map(normalizeTasks);
    if (key === 'decisionCases') return Object.fromEntries(Object.entries(value as object).map(([k, v]) => [k, normalizeTasks(v)]));
    if (key === 'taskDefinition') return normalizeTaskDef(value as TaskDef);
    return value;
  });
}

/** A WorkflowDef as the diff compares it. */
export function normalizeWorkflowDef(def: WorkflowDef): Record<string, unknown> {
  return strip(def as Record<string, unknown>, WORKFLOW_DEF_DEFAULTS, (key, value) => (key === 'tasks' ? normalizeTasks(value) : value));
}
