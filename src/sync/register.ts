import type { TaskDef, WorkflowDef } from '../conductor-types.ts';
import type { EventHandlerJson } from '../event/handler-json.ts';
import { validateScheduleDef, type WorkflowScheduleDef } from '../schedule/schedule-def.ts';
import { ServerError, type MetadataApi } from './metadata-api.ts';
import { dependenciesOf, labelOf, registrationOrder, type DefinitionChange } from './sync-plan.ts';

/** What happened to one definition. */
export interface RegisterOutcome {
  readonly kind: DefinitionChange['kind'];
  readonly label: string;
  /**
   * `registered` (new), `updated` (changed and sent), `unchanged` (not sent), `refused` (a changed
   * workflow at a version the server has), `blocked` (a dependency was not registered),
   * `failed` (the server refused or could not be reached), `would-register` / `would-update`
   * (dry run).
   */
  readonly result: 'registered' | 'updated' | 'unchanged' | 'refused' | 'blocked' | 'failed' | 'would-register' | 'would-update';
  readonly reason?: string;
}

/** Options of {@link registerDefinitions}. */
export interface RegisterOptions {
  /** Decide and report, send nothing. */
  readonly dryRun?: boolean;
  /** Replace a changed workflow at a version the server already has (development servers only). */
  readonly allowOverwrite?: boolean;
}

const OK = new Set<RegisterOutcome['result']>(['registered', 'updated', 'unchanged', 'would-register', 'would-update']);

/** True when every outcome leaves the server as generated (or would, in a dry run). */
export function registeredCleanly(outcomes: readonly RegisterOutcome[]): boolean {
  return outcomes.every((o) => OK.has(o.result));
}

function failure(error: unknown): string {
  return error instanceof ServerError ? error.message : `unexpected error: ${error instanceof Error ? error.message : String(error)}`;
}

/**
 * Registers a plan in dependency order: task definitions, then sub-workflows and failure workflows
 * before the workflows that name them, then schedules, then event handlers. Unchanged definitions
 * are not sent; a changed workflow at a version the server has is refused (bump its version)
 * unless `allowOverwrite`; a changed schedule is replaced (`POST /api/scheduler/schedules` creates
 * or replaces; the next fire is computed anew); a changed event handler is replaced (`PUT
 * /api/event`: handlers have no versions, and a running workflow does not hold one); nothing is
 * deleted. A workflow whose task definitions or sub-workflows did not make it is not registered
 * either, nor a schedule whose workflow did not, nor a handler whose workflows (the one
 * publishing its event, those it starts) did not.
 */
export async function registerDefinitions(api: MetadataApi, plan: readonly DefinitionChange[], options: RegisterOptions = {}): Promise<RegisterOutcome[]> {
  const outcomes: RegisterOutcome[] = [];
  const ready = new Set<string>();
  const tasks = plan.filter((c) => c.kind === 'task');

  const newTasks = tasks.filter((c) => c.status === 'new');
  for (const change of tasks.filter((c) => c.status === 'unchanged')) {
    ready.add(`task:${change.name}`);
    outcomes.push({ kind: 'task', label: change.name, result: 'unchanged' });
  }
  if (newTasks.length > 0) {
    try {
      if (!options.dryRun) await api.createTaskDefs(newTasks.map((c) => c.definition as TaskDef));
      for (const change of newTasks) {
        ready.add(`task:${change.name}`);
        outcomes.push({ kind: 'task', label: change.name, result: options.dryRun ? 'would-register' : 'registered' });
      }
    } catch (error) {
      for (const change of newTasks) outcomes.push({ kind: 'task', label: change.name, result: 'failed', reason: failure(error) });
    }
  }
  for (const change of tasks.filter((c) => c.status === 'changed')) {
    try {
      if (!options.dryRun) await api.updateTaskDef(change.definition as TaskDef);
      ready.add(`task:${change.name}`);
      outcomes.push({ kind: 'task', label: change.name, result: options.dryRun ? 'would-update' : 'updated' });
    } catch (error) {
      outcomes.push({ kind: 'task', label: change.name, result: 'failed', reason: failure(error) });
    }
  }

  const workflowChanges = new Map(plan.filter((c) => c.kind === 'workflow').map((c) => [c.definition as WorkflowDef, c]));
  const generatedTasks = new Set(tasks.map((c) => c.name));
  const generatedWorkflows = new Set([...workflowChanges.keys()].map((d) => d.name));
  for (const def of registrationOrder([...workflowChanges.keys()])) {
    const change = workflowChanges.get(def) as DefinitionChange;
    const label = labelOf(change);
    const deps = dependenciesOf(def);
    const missing = [
      ...deps.tasks.filter((t) => generatedTasks.has(t) && !ready.has(`task:${t}`)).map((t) => `task definition ${t}`),
      ...deps.workflows.filter((w) => generatedWorkflows.has(w) && !ready.has(`workflow:${w}`)).map((w) => `workflow ${w}`),
    ];
    if (missing.length > 0) {
      outcomes.push({ kind: 'workflow', label, result: 'blocked', reason: `not registered because ${missing.join(', ')} did not make it` });
      continue;
    }
    if (change.status === 'unchanged') {
      ready.add(`workflow:${def.name}`);
      outcomes.push({ kind: 'workflow', label, result: 'unchanged' });
      continue;
    }
    if (change.status === 'changed' && !options.allowOverwrite) {
      outcomes.push({
        kind: 'workflow',
        label,
        result: 'refused',
        reason: `${label} is already on the server with different content (${change.diffs.length} field(s) differ); running workflows use it. Bump the version in its definition and run gen, or pass --allow-overwrite on a development server.`,
      });
      continue;
    }
    try {
      if (!options.dryRun) {
        if (change.status === 'new') await api.createWorkflowDef(def);
        else await api.upsertWorkflowDef(def);
      }
      ready.add(`workflow:${def.name}`);
      const result = change.status === 'new' ? (options.dryRun ? 'would-register' : 'registered') : options.dryRun ? 'would-update' : 'updated';
      outcomes.push({ kind: 'workflow', label, result });
    } catch (error) {
      const refusedAsExisting = error instanceof ServerError && error.status === 409;
      outcomes.push({
        kind: 'workflow',
        label,
        result: refusedAsExisting ? 'refused' : 'failed',
        reason: refusedAsExisting ? `${label} appeared on the server meanwhile (409); run diff again.` : failure(error),
      });
    }
  }
  outcomes.push(...(await registerSchedules(api, plan, generatedWorkflows, ready, options)));
  for (const change of plan.filter((c) => c.kind === 'handler')) outcomes.push(await registerHandler(api, change, generatedWorkflows, ready, options));
  return outcomes;
}

/**
 * The schedules of a plan, after the workflows: each saved unless unchanged; blocked when its
 * workflow did not make it; refused, unsent, when it is invalid (a file edited after gen) or
 * starts a workflow neither generated nor on the server (the server would save it and fail
 * every fire).
 */
async function registerSchedules(api: MetadataApi, plan: readonly DefinitionChange[], generatedWorkflows: ReadonlySet<string>, ready: ReadonlySet<string>, options: RegisterOptions): Promise<RegisterOutcome[]> {
  const outcomes: RegisterOutcome[] = [];
  for (const change of plan.filter((c) => c.kind === 'schedule')) {
    const def = change.definition as WorkflowScheduleDef;
    const workflow = def.startWorkflowRequest.name;
    const invalid = validateScheduleDef(def);
    if (invalid.length > 0) {
      outcomes.push({ kind: 'schedule', label: def.name, result: 'refused', reason: `not sent: ${invalid.map((i) => `${i.path}: ${i.message}`).join('; ')}` });
      continue;
    }
    try {
      if (!generatedWorkflows.has(workflow) && (await api.getWorkflowDef(workflow, def.startWorkflowRequest.version)) === undefined) {
        const version = def.startWorkflowRequest.version === undefined ? '' : ` v${def.startWorkflowRequest.version}`;
        outcomes.push({ kind: 'schedule', label: def.name, result: 'refused', reason: `not sent: it starts workflow ${workflow}${version}, which is neither generated nor on the server. Register that workflow first.` });
        continue;
      }
    } catch (error) {
      outcomes.push({ kind: 'schedule', label: def.name, result: 'failed', reason: failure(error) });
      continue;
    }
    if (generatedWorkflows.has(workflow) && !ready.has(`workflow:${workflow}`)) {
      outcomes.push({ kind: 'schedule', label: def.name, result: 'blocked', reason: `not saved because workflow ${workflow} did not make it` });
      continue;
    }
    if (change.status === 'unchanged') {
      outcomes.push({ kind: 'schedule', label: def.name, result: 'unchanged' });
      continue;
    }
    try {
      if (!options.dryRun) await api.saveSchedule(def);
      const result = change.status === 'new' ? (options.dryRun ? 'would-register' : 'registered') : options.dryRun ? 'would-update' : 'updated';
      outcomes.push({ kind: 'schedule', label: def.name, result });
    } catch (error) {
      outcomes.push({ kind: 'schedule', label: def.name, result: 'failed', reason: failure(error) });
    }
  }
  return outcomes;
}

/** The workflows a handler needs on the server: the one its event names, and those it starts. */
function handlerWorkflows(handler: EventHandlerJson): string[] {
  const publisher = handler.event.split(':')[1];
  const started = handler.actions.flatMap((a) => (a.action === 'start_workflow' ? [a.start_workflow.name] : []));
  return [...new Set([...(publisher === undefined ? [] : [publisher]), ...started])];
}

async function registerHandler(api: MetadataApi, change: DefinitionChange, generatedWorkflows: ReadonlySet<string>, ready: ReadonlySet<string>, options: RegisterOptions): Promise<RegisterOutcome> {
  const handler = change.definition as EventHandlerJson;
  const base = { kind: 'handler', label: change.name } as const;
  const missing = handlerWorkflows(handler).filter((w) => generatedWorkflows.has(w) && !ready.has(`workflow:${w}`));
  if (missing.length > 0) return { ...base, result: 'blocked', reason: `not registered because ${missing.map((w) => `workflow ${w}`).join(', ')} did not make it` };
  if (change.status === 'unchanged') return { ...base, result: 'unchanged' };
  try {
    if (!options.dryRun) {
      if (change.status === 'new') await api.createEventHandler(handler);
      else await api.updateEventHandler(handler);
    }
    return { ...base, result: change.status === 'new' ? (options.dryRun ? 'would-register' : 'registered') : options.dryRun ? 'would-update' : 'updated' };
  } catch (error) {
    return { ...base, result: 'failed', reason: failure(error) };
  }
}
