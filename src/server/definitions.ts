import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { allWorkflowTasks } from '../conductor-tasks.ts';
import type { TaskDef, WorkflowDef, WorkflowTask } from '../conductor-types.ts';
import type { EventHandlerJson } from '../event/handler-json.ts';
import { storedEventHandler } from '../event/stored-handler.ts';
import { validateEventHandler } from '../validate/event-handler-rules.ts';
import { isError, type DefinitionIssue } from '../issues.ts';
import { Registry } from '../runner/registry.ts';
import { storedEmbeddedTaskDef, storedTaskDef, storedWorkflowDef } from '../sync/server-defaults.ts';
import { validateTaskDef } from '../validate/task-def-rules.ts';
import { validateEachWorkflowDef } from '../validate/validate-workflow.ts';
import { conflict, HttpError, isObject, notFound } from './http.ts';
import { serverValidationError, validationFailed, type ValidatedArgument } from './validation-errors.ts';

/** How strictly the dev server checks definitions, beyond what a Conductor server rejects. */
export interface DefinitionRules {
  /**
   * Require `ownerEmail` on workflow and task definitions, as servers with
   * `conductor.app.ownerEmailMandatory=true` and Orkes do. Off by default, as on conductor-oss as
   * shipped, which registers definitions without one.
   * @default false
   */
  readonly requireOwnerEmail?: boolean;
  /**
   * Reject workflows whose SIMPLE tasks have no registered task definition (the server would run
   * them on ad-hoc defaults: 3 retries, 60 s apart).
   * @default true
   */
  readonly requireTaskDefs?: boolean;
}

/**
 * Workflow and task definitions as the dev server stores them: checked with our validator (its
 * errors refuse a definition with 400; its warnings, for what the real server registers, do not),
 * completed with the server's defaults and timestamps, kept in the runner's {@link Registry} so
 * that running workflows see them.
 */
export class DefinitionStore {
  constructor(
    readonly registry: Registry,
    private readonly rules: DefinitionRules = {},
  ) {}

  /** The problems in each workflow definition, with messages that say how to fix them for this server. */
  workflowIssuesEach(defs: readonly unknown[]): DefinitionIssue[][] {
    const requireTaskDefs = this.rules.requireTaskDefs ?? true;
    const taskNames = requireTaskDefs ? new Set([...this.registry.allTasks().map((t) => t.name), ...defs.flatMap(inlineTaskDefNames)]) : undefined;
    return validateEachWorkflowDef(defs, { taskNames, requireOwnerEmail: this.rules.requireOwnerEmail ?? false }).map((issues) =>
      issues.filter(isError).map((issue) =>
        issue.code === 'TASK_NO_CONTRACT'
          ? { ...issue, message: `${issue.message} On the dev server: register the task definition first (POST /api/metadata/taskdefs), or start it with requireTaskDefs: false.` }
          : issue,
      ),
    );
  }

  /** The problems in workflow definitions, all together. */
  workflowIssues(defs: readonly unknown[]): DefinitionIssue[] {
    return this.workflowIssuesEach(defs).flat();
  }

  /** The errors in task definitions. */
  taskIssues(defs: readonly unknown[]): DefinitionIssue[] {
    return this.taskIssuesEach(defs).flat();
  }

  private taskIssuesEach(defs: readonly unknown[]): DefinitionIssue[][] {
    return defs.map((def, i) => validateTaskDef(def as TaskDef, defs.length > 1 && !(isObject(def) && typeof def['name'] === 'string') ? `task #${i + 1}` : undefined, { requireOwnerEmail: this.rules.requireOwnerEmail ?? false }).filter(isError));
  }

  /**
   * Checks workflow definitions given as the server `argument`; a 400 with every problem found,
   * worded as the server words it (`validation-errors.ts`).
   */
  checkWorkflows(defs: readonly unknown[], argument: ValidatedArgument, list = false): WorkflowDef[] {
    rejectIssues(this.workflowIssuesEach(defs), defs, argument, list);
    return defs as WorkflowDef[];
  }

  /** Checks task definitions given as the server `argument` (`registerTaskDef.arg0` is a list). */
  checkTasks(defs: readonly unknown[], argument: ValidatedArgument, list: boolean): TaskDef[] {
    rejectIssues(this.taskIssuesEach(defs), defs, argument, list);
    return defs as TaskDef[];
  }

  /**
   * `POST /api/metadata/workflow`: registers a new name+version; 409 when it exists (the OSS
   * server's answer) unless `overwrite` (the Orkes query parameter) is set.
   */
  createWorkflow(body: unknown, overwrite: boolean): WorkflowDef {
    const [def] = this.checkWorkflows([body], 'registerWorkflowDef.arg0');
    const given = def as WorkflowDef;
    const version = given.version ?? 1;
    const existing = this.registry.workflow(given.name, version);
    if (existing !== undefined && !overwrite) {
      throw conflict(`Workflow with ${given.name}.${version} already exists!`);
    }
    const stored = { ...storedWorkflowDef(given), createTime: existing?.createTime ?? Date.now(), updateTime: existing !== undefined ? Date.now() : 0 } as WorkflowDef;
    this.registry.addWorkflow(stored);
    return stored;
  }

  /** `PUT /api/metadata/workflow`: creates or replaces each definition of the list; none when one is invalid. */
  updateWorkflows(body: readonly unknown[]): WorkflowDef[] {
    const defs = this.checkWorkflows(body, 'updateWorkflowDef.arg0', true);
    const now = Date.now();
    return defs.map((def) => {
      // conductor-oss 3.32.3 (observed): a PUT stores the createTime the body carries (0 when it
      // has none, even over an existing definition) and sets updateTime.
      const stored = { ...storedWorkflowDef(def), createTime: def.createTime ?? 0, updateTime: now } as WorkflowDef;
      this.registry.addWorkflow(stored);
      return stored;
    });
  }

  /** `GET /api/metadata/workflow/{name}?version=`: the version, or the latest; 404 with the server's wording. */
  getWorkflow(name: string, version: number | undefined): WorkflowDef {
    const def = this.registry.workflow(name, version);
    if (def === undefined) throw notFound(`No such workflow found by name: ${name}, version: ${version ?? 'null'}`);
    return def;
  }

  /**
   * `DELETE /api/metadata/workflow/{name}/{version}`: removes that version. conductor-oss 3.32.3
   * answers 500 `No such workflow definition: <name> version: <version>` when it is not there
   * (observed; a 500 where a 404 would fit, matched as the server answers).
   */
  removeWorkflow(name: string, version: number): void {
    if (!this.registry.removeWorkflow(name, version)) throw new HttpError(500, `No such workflow definition: ${name} version: ${version}`);
  }

  /** `DELETE /api/metadata/taskdefs/{name}`: removes it; 500 `No such task definition` when it is not there, as conductor-oss 3.32.3 answers. */
  removeTask(name: string): void {
    if (!this.registry.removeTask(name)) throw new HttpError(500, 'No such task definition');
  }

  /** `POST /api/metadata/taskdefs`: creates or replaces each task definition of the list; none when one is invalid. */
  createTasks(body: readonly unknown[]): TaskDef[] {
    const now = Date.now();
    return this.checkTasks(body, 'registerTaskDef.arg0', true).map((def) => {
      const stored = { ...storedTaskDef(def), createTime: now, updateTime: 0 } as TaskDef;
      this.registry.addTask(stored);
      return stored;
    });
  }

  /** `PUT /api/metadata/taskdefs`: replaces an existing task definition; 404 for a new one, as the OSS server answers. */
  updateTask(body: unknown): TaskDef {
    const [def] = this.checkTasks([body], 'updateTaskDef.arg0', false) as [TaskDef];
    const existing = this.registry.task(def.name);
    if (existing === undefined) throw notFound(`No such task by name ${def.name}`);
    // conductor-oss 3.32.3 (observed): an update keeps createTime and sets updateTime and updatedBy ('' without a user).
    const stored = { ...storedTaskDef(def), createTime: existing.createTime, updateTime: Date.now(), updatedBy: '' } as TaskDef;
    this.registry.addTask(stored);
    return stored;
  }

  /** The last snapshot of each definition, with what it was made from (see {@link snapshot}). */
  private readonly snapshots = new WeakMap<WorkflowDef, Snapshot>();

  /**
   * The definition a new run executes, as the server snapshots it at start
   * (`MetadataMapperService.populateTaskDefinitions`): a copy in the stored form, where every task
   * without an embedded `taskDefinition` gets the registered one, or else an ad-hoc one (the
   * server's defaults; retries and response timeout off for system tasks), and a SUB_WORKFLOW
   * without a version gets the latest. The run keeps using this copy whatever is registered later.
   * Runs share one copy while nothing it was made from is registered anew (runs never change
   * their definition), so a start costs no copy and a kept run holds none of its own.
   */
  snapshot(def: WorkflowDef): WorkflowDef {
    const last = this.snapshots.get(def);
    if (last !== undefined && last.taskDefs.every(([name, used]) => this.registry.task(name) === used) && last.versions.every(([name, used]) => this.registry.workflow(name)?.version === used)) {
      return last.def;
    }
    const copy = storedWorkflowDef(structuredClone(def));
    const taskDefs: [string, TaskDef | undefined][] = [];
    const versions: [string, number | undefined][] = [];
    for (const task of allWorkflowTasks(copy.tasks)) {
      if (task.taskDefinition === undefined && task.name !== '') {
        const registered = this.registry.task(task.name);
        taskDefs.push([task.name, registered]);
        const simple = (task.type ?? 'SIMPLE') === 'SIMPLE';
        task.taskDefinition = registered ?? storedEmbeddedTaskDef({ name: task.name, ...(!simple && { retryCount: 0, responseTimeoutSeconds: 0 }) } as TaskDef);
      }
      const sub = task.subWorkflowParam;
      if (task.type === 'SUB_WORKFLOW' && sub !== undefined && (sub.version === undefined || sub.version === null)) {
        const latest = typeof sub.name === 'string' ? this.registry.workflow(sub.name)?.version : undefined;
        if (typeof sub.name === 'string') versions.push([sub.name, latest]);
        if (latest !== undefined) sub.version = latest;
      }
    }
    this.snapshots.set(def, { def: copy, taskDefs, versions });
    return copy;
  }

  /** `GET /api/metadata/taskdefs/{name}`; 404 with the server's wording. */
  getTask(name: string): TaskDef {
    const def = this.registry.task(name);
    if (def === undefined) throw notFound(`No such taskType found by name: ${name}`);
    return def;
  }
}

/** A 400 with the server's words for every issue found, when there is one; a list's items numbered `[i]` as the server numbers them. */
function rejectIssues(issues: readonly (readonly DefinitionIssue[])[], defs: readonly unknown[], argument: ValidatedArgument, list: boolean): void {
  const errors = issues.flatMap((found, i) => found.map((issue) => serverValidationError(issue, list ? `${argument}[${i}]` : argument, defs[i])));
  if (errors.length > 0) throw validationFailed(errors);
}

/** Names of task definitions given inline (`taskDefinition`) anywhere in a workflow definition. */
function inlineTaskDefNames(def: unknown): string[] {
  const names: string[] = [];
  const walk = (tasks: unknown): void => {
    if (!Array.isArray(tasks)) return;
    for (const task of tasks as WorkflowTask[]) {
      if (!isObject(task)) continue;
      const inline = task.taskDefinition as { name?: unknown } | undefined;
      if (isObject(inline) && typeof inline.name === 'string') names.push(inline.name);
      else if (isObject(inline) && typeof task.name === 'string') names.push(task.name);
      for (const list of Object.values(task.decisionCases ?? {})) walk(list);
      walk(task.defaultCase);
      walk(task.loopOver);
      for (const branch of task.forkTasks ?? []) walk(branch);
    }
  };
  if (isObject(def)) walk(def['tasks']);
  return names;
}

/**
 * The registry the dev server's engines read: the store's definitions, where every workflow comes
 * as the snapshot a new run executes ({@link DefinitionStore.snapshot}), so that sub-workflows,
 * failure workflows and START_WORKFLOW runs carry their task definitions as on the server.
 */
export class SnapshotRegistry extends Registry {
  constructor(private readonly store: DefinitionStore) {
    super();
  }

  override workflow(name: string, version?: number): WorkflowDef | undefined {
    const def = this.store.registry.workflow(name, version);
    return def === undefined ? undefined : this.store.snapshot(def);
  }

  override allWorkflows(): WorkflowDef[] {
    return this.store.registry.allWorkflows();
  }

  override task(name: string): TaskDef | undefined {
    return this.store.registry.task(name);
  }

  override allTasks(): TaskDef[] {
    return this.store.registry.allTasks();
  }

  override addWorkflow(def: WorkflowDef): void {
    this.store.registry.addWorkflow(def);
  }

  override addTask(def: TaskDef): void {
    this.store.registry.addTask(def);
  }

  override addEventHandler(handler: EventHandlerJson): void {
    this.store.registry.addEventHandler(handler);
  }

  override removeEventHandler(name: string): boolean {
    return this.store.registry.removeEventHandler(name);
  }

  override eventHandler(name: string): EventHandlerJson | undefined {
    return this.store.registry.eventHandler(name);
  }

  override allEventHandlers(): EventHandlerJson[] {
    return this.store.registry.allEventHandlers();
  }
}

/** A snapshot, and the registered task definitions and latest sub-workflow versions it was made with. */
interface Snapshot {
  readonly def: WorkflowDef;
  readonly taskDefs: readonly (readonly [string, TaskDef | undefined])[];
  readonly versions: readonly (readonly [string, number | undefined])[];
}

/** What {@link registerGeneratedDir} registered. */
export interface GeneratedRegistration {
  readonly workflows: readonly { readonly name: string; readonly version: number }[];
  readonly tasks: readonly string[];
  /** Names of the event handlers (`<dir>/events/*.json`). */
  readonly eventHandlers: readonly string[];
}

/**
 * Registers every definition `npm run gen` wrote (`<dir>/tasks/*.json` first, then
 * `<dir>/workflows/*.json`, then the event handlers of `<dir>/events/*.json`, each checked against
 * those workflows), as `PUT` would: existing ones are replaced. Throws an error naming the
 * file when one is not JSON or fails validation.
 */
export async function registerGeneratedDir(store: DefinitionStore, dir: string): Promise<GeneratedRegistration> {
  const read = async (sub: string): Promise<{ file: string; json: unknown }[]> => {
    let files: string[];
    try {
      files = (await readdir(join(dir, sub))).filter((f) => f.endsWith('.json')).sort();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    return Promise.all(
      files.map(async (f) => {
        const file = join(dir, sub, f);
        try {
          return { file, json: JSON.parse(await readFile(file, 'utf8')) as unknown };
        } catch (error) {
          throw new Error(`${file} is not valid JSON (${(error as Error).message}); run "npm run gen" to write it again.`);
        }
      }),
    );
  };
  const [tasks, workflows, events] = await Promise.all([read('tasks'), read('workflows'), read('events')]);
  if (tasks.length === 0 && workflows.length === 0) {
    throw new Error(`No definitions in ${dir}/tasks or ${dir}/workflows; run "npm run gen" first, or pass --generated DIR.`);
  }
  for (const { file, json } of tasks) {
    const issues = store.taskIssues([json]);
    if (issues.length > 0) throw new Error(`${file} is not a valid task definition:\n${issues.map((i) => `  ${i.code} ${i.path}: ${i.message}`).join('\n')}`);
  }
  const taskDefs = store.createTasks(tasks.map((t) => t.json));
  for (const { file, json } of workflows) {
    const issues = store.workflowIssues([json]);
    if (issues.length > 0) throw new Error(`${file} is not a valid workflow definition:\n${issues.map((i) => `  ${i.code} ${i.path}: ${i.message}`).join('\n')}`);
  }
  const workflowDefs = store.updateWorkflows(workflows.map((w) => w.json));
  const eventHandlers = events.map(({ file, json }) => {
    const issues = validateEventHandler(json, store.registry.allWorkflows(), file).filter(isError);
    if (issues.length > 0) throw new Error(`${file} is not a valid event handler:\n${issues.map((i) => `  ${i.code} ${i.path}: ${i.message}`).join('\n')}`);
    const handler = storedEventHandler(json as Record<string, unknown>);
    store.registry.addEventHandler(handler);
    return handler.name;
  });
  return { tasks: taskDefs.map((t) => t.name), workflows: workflowDefs.map((w) => ({ name: w.name, version: w.version ?? 1 })), eventHandlers };
}
