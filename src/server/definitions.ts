import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TaskDef, WorkflowDef, WorkflowTask } from '../conductor-types.ts';
import { isError, type DefinitionIssue } from '../issues.ts';
import type { Registry } from '../runner/registry.ts';
import { storedTaskDef, storedWorkflowDef } from '../sync/server-defaults.ts';
import { validateTaskDef } from '../validate/task-def-rules.ts';
import { validateEachWorkflowDef } from '../validate/validate-workflow.ts';
import { conflict, isObject, notFound, validationFailed } from './http.ts';

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

  /** The errors in workflow definitions (warnings do not refuse), with messages that say how to fix them for this server. */
  workflowIssues(defs: readonly unknown[]): DefinitionIssue[] {
    const requireTaskDefs = this.rules.requireTaskDefs ?? true;
    const taskNames = requireTaskDefs ? new Set([...this.registry.allTasks().map((t) => t.name), ...defs.flatMap(inlineTaskDefNames)]) : undefined;
    return validateEachWorkflowDef(defs, { taskNames, requireOwnerEmail: this.rules.requireOwnerEmail ?? false })
      .flat()
      .filter(isError)
      .map((issue) =>
        issue.code === 'TASK_NO_CONTRACT'
          ? { ...issue, message: `${issue.message} On the dev server: register the task definition first (POST /api/metadata/taskdefs), or start it with requireTaskDefs: false.` }
          : issue,
      );
  }

  /** The errors in task definitions. */
  taskIssues(defs: readonly unknown[]): DefinitionIssue[] {
    const requireOwnerEmail = this.rules.requireOwnerEmail ?? false;
    return defs.flatMap((def, i) => validateTaskDef(def as TaskDef, defs.length > 1 && !(isObject(def) && typeof def['name'] === 'string') ? `task #${i + 1}` : undefined, { requireOwnerEmail }).filter(isError));
  }

  /** Checks workflow definitions; a 400 with every problem found. */
  checkWorkflows(defs: readonly unknown[]): WorkflowDef[] {
    const issues = this.workflowIssues(defs);
    if (issues.length > 0) throw validationFailed(issues);
    return defs as WorkflowDef[];
  }

  /**
   * `POST /api/metadata/workflow`: registers a new name+version; 409 when it exists (the OSS
   * server's answer) unless `overwrite` (the Orkes query parameter) is set.
   */
  createWorkflow(body: unknown, overwrite: boolean): WorkflowDef {
    const [def] = this.checkWorkflows([body]);
    const given = def as WorkflowDef;
    const version = given.version ?? 1;
    const existing = this.registry.workflow(given.name, version);
    if (existing !== undefined && !overwrite) {
      throw conflict(`Workflow with ${given.name}.${version} already exists! Register it as a new version, or update it with PUT /api/metadata/workflow.`);
    }
    const stored = { ...storedWorkflowDef(given), createTime: existing?.createTime ?? Date.now(), updateTime: existing !== undefined ? Date.now() : 0 } as WorkflowDef;
    this.registry.addWorkflow(stored);
    return stored;
  }

  /** `PUT /api/metadata/workflow`: creates or replaces each definition of the list; none when one is invalid. */
  updateWorkflows(body: readonly unknown[]): WorkflowDef[] {
    const defs = this.checkWorkflows(body);
    const now = Date.now();
    return defs.map((def) => {
      const existing = this.registry.workflow(def.name, def.version ?? 1);
      const stored = { ...storedWorkflowDef(def), createTime: existing?.createTime ?? def.createTime ?? now, updateTime: now } as WorkflowDef;
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

  /** `POST /api/metadata/taskdefs`: creates or replaces each task definition of the list; none when one is invalid. */
  createTasks(body: readonly unknown[]): TaskDef[] {
    const issues = this.taskIssues(body);
    if (issues.length > 0) throw validationFailed(issues);
    const now = Date.now();
    return (body as TaskDef[]).map((def) => {
      const stored = { ...storedTaskDef(def), createTime: now, updateTime: 0 } as TaskDef;
      this.registry.addTask(stored);
      return stored;
    });
  }

  /** `PUT /api/metadata/taskdefs`: replaces an existing task definition; 404 for a new one, as the OSS server answers. */
  updateTask(body: unknown): TaskDef {
    const issues = this.taskIssues([body]);
    if (issues.length > 0) throw validationFailed(issues);
    const def = body as TaskDef;
    const existing = this.registry.task(def.name);
    if (existing === undefined) throw notFound(`No such task by name ${def.name}. Create it with POST /api/metadata/taskdefs (a list); PUT only updates.`);
    const stored = { ...storedTaskDef(def), createTime: existing.createTime, updateTime: Date.now() } as TaskDef;
    this.registry.addTask(stored);
    return stored;
  }

  /** `GET /api/metadata/taskdefs/{name}`; 404 with the server's wording. */
  getTask(name: string): TaskDef {
    const def = this.registry.task(name);
    if (def === undefined) throw notFound(`No such taskType found by name: ${name}`);
    return def;
  }
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

/** What {@link registerGeneratedDir} registered. */
export interface GeneratedRegistration {
  readonly workflows: readonly { readonly name: string; readonly version: number }[];
  readonly tasks: readonly string[];
}

/**
 * Registers every definition `npm run gen` wrote (`<dir>/tasks/*.json` first, then
 * `<dir>/workflows/*.json`), as `PUT` would: existing ones are replaced. Throws an error naming the
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
  const [tasks, workflows] = await Promise.all([read('tasks'), read('workflows')]);
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
  return { tasks: taskDefs.map((t) => t.name), workflows: workflowDefs.map((w) => ({ name: w.name, version: w.version ?? 1 })) };
}
