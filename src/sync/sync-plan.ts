import { allWorkflowTasks } from '../conductor-tasks.ts';
import type { TaskDef, WorkflowDef } from '../conductor-types.ts';
import type { EventHandlerJson } from '../event/handler-json.ts';
import { storedEventHandler } from '../event/stored-handler.ts';
import { comparableSchedule } from '../schedule/stored-schedule.ts';
import type { WorkflowScheduleDef } from '../schedule/schedule-def.ts';
import { fieldDiffs, type FieldDiff } from './field-diff.ts';
import type { MetadataApi } from './metadata-api.ts';
import { comparableTaskDef, comparableWorkflowDef } from './server-defaults.ts';

/** A generation as gen wrote it: the definitions to put on a server. */
export interface GeneratedDefinitions {
  readonly workflows: readonly WorkflowDef[];
  readonly tasks: readonly TaskDef[];
  readonly eventHandlers?: readonly EventHandlerJson[];
  readonly schedules?: readonly WorkflowScheduleDef[];
}

/** How one generated definition compares with the server's copy. */
export interface DefinitionChange {
  readonly kind: 'task' | 'workflow' | 'schedule' | 'handler';
  readonly name: string;
  /** Workflows only. */
  readonly version?: number | undefined;
  readonly status: 'new' | 'unchanged' | 'changed';
  /** Field by field, for `changed`. */
  readonly diffs: readonly FieldDiff[];
  readonly definition: TaskDef | WorkflowDef | WorkflowScheduleDef | EventHandlerJson;
}

/** `name` or `name v<version>`: how a definition is named in every message. */
export function labelOf(change: Pick<DefinitionChange, 'kind' | 'name' | 'version'>): string {
  return change.kind === 'workflow' ? `${change.name} v${change.version ?? 1}` : change.name;
}

function compare(kind: DefinitionChange['kind'], local: Record<string, unknown>, remote: Record<string, unknown> | undefined, definition: DefinitionChange['definition']): DefinitionChange {
  const name = definition.name;
  const version = kind === 'workflow' ? ((definition as WorkflowDef).version ?? 1) : undefined;
  if (remote === undefined) return { kind, name, version, status: 'new', diffs: [], definition };
  const diffs = fieldDiffs(local, remote);
  return { kind, name, version, status: diffs.length === 0 ? 'unchanged' : 'changed', diffs, definition };
}

/** `fn` over `items`, `limit` at a time; after the first failure no lane starts another item. */
async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  let failed = false;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (!failed && next < items.length) {
      const i = next++;
      try {
        results[i] = await fn(items[i] as T);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  });
  await Promise.all(lanes);
  return results;
}

/**
 * Compares every generated task definition, workflow (name + version), schedule and event
 * handler (by name, from one `GET /api/event`) with the server's copy, ignoring what the server
 * adds (timestamps, authors) and fields left at the server's defaults.
 * The first read goes alone, the rest 8 at a time: a server that is down or rate-limiting is
 * found by one request (and its retries), not by eight at once.
 */
export async function planSync(api: MetadataApi, generated: GeneratedDefinitions): Promise<DefinitionChange[]> {
  const [first, ...rest] = generated.tasks;
  const firstTask = first === undefined ? [] : [compare('task', comparableTaskDef(first), await remoteTask(api, first), first)];
  const tasks = await mapLimited(rest, 8, async (def) => {
    return compare('task', comparableTaskDef(def), await remoteTask(api, def), def);
  });
  const workflows = await mapLimited(generated.workflows, 8, async (def) => {
    const remote = await api.getWorkflowDef(def.name, def.version ?? 1);
    return compare('workflow', comparableWorkflowDef(def), remote && comparableWorkflowDef(remote), def);
  });
  const schedules = await mapLimited(generated.schedules ?? [], 8, async (def) => {
    const remote = await api.getSchedule(def.name);
    return compare('schedule', comparableSchedule(def), remote && comparableSchedule(remote), def);
  });
  const handlers = generated.eventHandlers ?? [];
  const remoteHandlers = handlers.length === 0 ? [] : await api.listEventHandlers();
  const eventHandlers = handlers.map((def) => {
    const remote = remoteHandlers.find((h) => h.name === def.name);
    const comparable = (h: EventHandlerJson) => storedEventHandler(h as unknown as Record<string, unknown>) as unknown as Record<string, unknown>;
    return compare('handler', comparable(def), remote && comparable(remote), def);
  });
  return [...firstTask, ...tasks, ...workflows, ...schedules, ...eventHandlers];
}

async function remoteTask(api: MetadataApi, def: TaskDef): Promise<Record<string, unknown> | undefined> {
  const remote = await api.getTaskDef(def.name);
  return remote && comparableTaskDef(remote);
}

/** What a workflow needs on the server first: its task definitions, sub-workflows and failure workflow. */
export function dependenciesOf(def: WorkflowDef): { readonly tasks: string[]; readonly workflows: string[] } {
  const all = allWorkflowTasks(def.tasks);
  const tasks = all.flatMap((t) =>
    (t.type ?? 'SIMPLE') === 'SIMPLE' ? [t.name] : t.type === 'FORK_JOIN_DYNAMIC' && typeof t.inputParameters?.['forkTaskName'] === 'string' ? [t.inputParameters['forkTaskName']] : [],
  );
  const subWorkflows = all.flatMap((t) => (t.type === 'SUB_WORKFLOW' && t.subWorkflowParam?.name !== undefined ? [t.subWorkflowParam.name] : []));
  const failure = def.failureWorkflow !== undefined && !def.failureWorkflow.startsWith('$') ? [def.failureWorkflow] : [];
  return { tasks: [...new Set(tasks)], workflows: [...new Set([...subWorkflows, ...failure])] };
}

/**
 * Workflows in registration order: every sub-workflow and failure workflow before the workflows
 * that name it (names outside the generation are the server's business). Stable otherwise.
 */
export function registrationOrder(workflows: readonly WorkflowDef[]): WorkflowDef[] {
  const byName = new Map<string, WorkflowDef[]>();
  for (const def of workflows) byName.set(def.name, [...(byName.get(def.name) ?? []), def]);
  const ordered: WorkflowDef[] = [];
  const state = new Map<WorkflowDef, 'visiting' | 'done'>();
  const visit = (def: WorkflowDef): void => {
    if (state.get(def) === 'done') return;
    if (state.get(def) === 'visiting') throw new Error(`workflow ${def.name} v${def.version} depends on itself through sub-workflows or failure workflows; break the cycle.`);
    state.set(def, 'visiting');
    for (const name of dependenciesOf(def).workflows) for (const dep of byName.get(name) ?? []) if (dep !== def) visit(dep);
    state.set(def, 'done');
    ordered.push(def);
  };
  for (const def of workflows) visit(def);
  return ordered;
}
