import { createHash } from 'node:crypto';
import { canonicalJson } from '../compiler/canonical-json.ts';
import { compileWorkflow, contractsOf, visit } from '../compiler/compile-workflow.ts';
import type { TaskDef, WorkflowDef } from '../conductor-types.ts';
import type { AnyTaskContract } from '../contract/define-task.ts';
import { toTaskDef } from '../contract/task-def.ts';
import type { AnyWorkflow } from '../dsl/workflow.ts';
import type { EventHandler } from '../event/event-handler.ts';
import type { EventHandlerJson } from '../event/handler-json.ts';
import { validateEventHandler } from '../validate/event-handler-rules.ts';
import { workflowPage } from '../docs/workflow-page.ts';
import { DefinitionError, isError, issuePath, type DefinitionIssue } from '../issues.ts';
import { compileSchedule, type AnySchedule } from '../schedule/schedule.ts';
import { validateScheduleDef, type WorkflowScheduleDef } from '../schedule/schedule-def.ts';
import { validateTaskDef } from '../validate/task-def-rules.ts';
import { validateWorkflowDefs } from '../validate/validate-workflow.ts';

/** What a definitions module exports: the workflows to generate, contracts no workflow uses yet, schedules of the workflows, and event handlers. */
export interface Project {
  readonly workflows: readonly AnyWorkflow[];
  readonly tasks?: readonly AnyTaskContract[];
  /** Each written to `generated/schedules/<name>.json`; the workflow it starts must be among `workflows`. */
  readonly schedules?: readonly AnySchedule[];
  /** Made with `eventHandler()`; each is written to `generated/events/<name>.json`. */
  readonly eventHandlers?: readonly EventHandler[];
}

/** One file gen writes, its path relative to the project root (forward slashes). */
export interface GeneratedFile {
  readonly path: string;
  readonly content: string;
}

/** A compiled, validated generation: the definitions, the files that hold them, and what the validator warns about. */
export interface Generation {
  readonly workflows: readonly WorkflowDef[];
  readonly tasks: readonly TaskDef[];
  readonly eventHandlers: readonly EventHandlerJson[];
  readonly schedules: readonly WorkflowScheduleDef[];
  readonly files: readonly GeneratedFile[];
  /** Issues of severity warning: printed by `gen`, never fatal. */
  readonly warnings: readonly DefinitionIssue[];
}

/** Folders whose files gen owns (the JSON and the per-workflow docs pages): it writes them, and removes what it no longer produces. */
export const GENERATED_DIRS = ['generated/workflows', 'generated/tasks', 'generated/schedules', 'generated/events', 'docs/workflows'] as const;
/** The manifest: names, versions and content hashes of everything generated. */
export const MANIFEST_PATH = 'generated/manifest.json';

/**
 * The names gen accepts for tasks and workflows: they become file names (`generated/tasks/<name>.json`,
 * `generated/workflows/<name>.v<version>.json`, `docs/workflows/<name>.md`). A subset of what
 * conductor-oss's ValidNameConstraint allows (`^[A-Za-z0-9_<>{}#\s-]+$`) that is safe as a file
 * name on every system: no separator, no "..", no space.
 */
export const SAFE_NAME = /^[A-Za-z0-9_-]+$/;

function unsafeNames(workflows: readonly AnyWorkflow[], contracts: readonly AnyTaskContract[]): DefinitionIssue[] {
  const named = [...contracts.map((c) => ({ name: String(c.name), where: `task ${String(c.name)}` })), ...workflows.map((w) => ({ name: w.name, where: `${w.name} v${w.version}` }))];
  return named
    .filter(({ name }) => !SAFE_NAME.test(name))
    .map(({ name, where }) => ({
      code: 'UNSAFE_NAME',
      severity: 'error',
      path: issuePath(where, 'name'),
      message: `the name ${JSON.stringify(name)} is not a safe Conductor name: use letters, digits, "_" and "-" only (${SAFE_NAME.source}); gen writes a file named after it.`,
    }));
}

/**
 * The event handlers' own problems (names, duplicates, a start of a workflow outside the
 * generation) and what the validator says of their JSON against the generated workflows.
 */
function eventHandlerIssues(handlers: readonly EventHandler[], workflowsIn: readonly AnyWorkflow[], workflows: readonly WorkflowDef[]): DefinitionIssue[] {
  const issues: DefinitionIssue[] = [];
  const seen = new Map<string, EventHandler>();
  for (const handler of handlers) {
    const where = `event handler ${handler.name}`;
    if (!SAFE_NAME.test(handler.name)) {
      issues.push({ code: 'UNSAFE_NAME', severity: 'error', path: issuePath(where, 'name'), message: `the name ${JSON.stringify(handler.name)} is not a safe Conductor name: use letters, digits, "_" and "-" only (${SAFE_NAME.source}); gen writes a file named after it.` });
    }
    const other = seen.get(handler.name);
    if (other !== undefined && other !== handler) {
      issues.push({ code: 'EVENT_HANDLER_DUPLICATE', severity: 'error', path: issuePath(where, 'name'), message: `two different event handlers are named "${handler.name}"; the server keeps one per name. Rename one.` });
    }
    seen.set(handler.name, handler);
    for (const wf of handler.workflows) {
      if (!workflowsIn.includes(wf)) {
        issues.push({ code: 'EVENT_HANDLER_WORKFLOW_MISSING', severity: 'error', path: issuePath(where, 'actions'), message: `it starts workflow ${wf.name} v${wf.version}, which is not in \`workflows\`; gen would not register it. Add it to the exported workflows.` });
      }
    }
    issues.push(...validateEventHandler(handler.json, workflows, where));
  }
  return issues;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function collectContracts(project: Project, issues: DefinitionIssue[]): AnyTaskContract[] {
  const byName = new Map<string, { contract: AnyTaskContract; json: string }>();
  const add = (contract: AnyTaskContract, where: string): void => {
    const seen = byName.get(contract.name);
    if (seen === undefined) {
      byName.set(contract.name, { contract, json: canonicalJson(toTaskDef(contract)) });
    } else if (seen.contract !== contract && seen.json !== canonicalJson(toTaskDef(contract))) {
      issues.push({
        code: 'CONTRACT_CONFLICT',
        severity: 'error',
        path: issuePath(where, contract.name),
        message: `two different task contracts are named "${contract.name}". Define the task once with defineTask() and import that contract everywhere.`,
      });
    }
  };
  for (const contract of project.tasks ?? []) add(contract, 'tasks');
  for (const wf of project.workflows) {
    visit(wf.nodes, (node) => {
      for (const contract of contractsOf(node)) add(contract, `${wf.name} v${wf.version}`);
    });
  }
  return [...byName.values()].map((v) => v.contract).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function uniqueWorkflows(project: Project, issues: DefinitionIssue[]): AnyWorkflow[] {
  const byKey = new Map<string, AnyWorkflow>();
  for (const wf of project.workflows) {
    const key = `${wf.name} v${wf.version}`;
    const seen = byKey.get(key);
    if (seen === undefined) byKey.set(key, wf);
    else if (seen !== wf) {
      issues.push({
        code: 'WORKFLOW_DUPLICATE',
        severity: 'error',
        path: key,
        message: `two different workflows are named "${wf.name}" at version ${wf.version}. Rename one, or bump its version.`,
      });
    }
  }
  return [...byKey.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.version - b.version));
}

/** The schedules compiled and checked: each of a workflow in the generation, names unique. */
function compileSchedules(project: Project, workflows: readonly AnyWorkflow[], issues: DefinitionIssue[]): WorkflowScheduleDef[] {
  const known = workflows.map((w) => ({ name: w.name, version: w.version }));
  const byName = new Map<string, WorkflowScheduleDef>();
  for (const made of project.schedules ?? []) {
    const def = compileSchedule(made);
    const seen = byName.get(def.name);
    if (seen !== undefined) {
      if (canonicalJson(seen) !== canonicalJson(def)) {
        issues.push({ code: 'SCHEDULE_DUPLICATE', severity: 'error', path: `schedule ${def.name}`, message: `two different schedules are named "${def.name}"; the server keeps one per name. Rename one.` });
      }
      continue;
    }
    byName.set(def.name, def);
    for (const issue of validateScheduleDef(def, { workflows: known })) {
      const notGenerated = `the schedule starts workflow ${made.workflow.name} v${made.workflow.version}, which is not among the workflows gen writes, so the server would fail every fire. Add it to the \`workflows\` the definitions export.`;
      issues.push(issue.code === 'SCHEDULE_WORKFLOW_UNKNOWN' ? { ...issue, message: notGenerated } : issue);
    }
  }
  return [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** A missing owner's issue, with the way to give every definition of the project one at once. */
function ownerHint(issue: DefinitionIssue): DefinitionIssue {
  if (issue.code !== 'TASKDEF_OWNER_EMAIL_MISSING' && issue.code !== 'OWNER_EMAIL_MISSING') return issue;
  return { ...issue, message: `${issue.message} The toolkit has no default owner: set ownerEmail here, or once for the project with \`export const { defineTask, workflow } = projectDefaults({ ownerEmail: 'team@example.com' })\` and define the contracts and workflows with those.` };
}

/**
 * Compiles and validates a project and renders its files, in memory. Throws a
 * {@link DefinitionError} listing every error when anything is invalid, so nothing half-valid
 * is ever written; warnings are returned. ownerEmail is required, so that what gen writes
 * registers on Orkes and on servers with `conductor.app.ownerEmailMandatory=true` as well; the
 * data flow is checked in contract mode (the task definitions given), so a value that does not
 * fit its contract is an error.
 */
export function generate(project: Project): Generation {
  const issues: DefinitionIssue[] = [];
  const workflowsIn = uniqueWorkflows(project, issues);
  const contracts = collectContracts(project, issues);
  const schedules = compileSchedules(project, workflowsIn, issues);
  issues.push(...unsafeNames(workflowsIn, contracts));
  if (issues.some(isError)) throw new DefinitionError(issues.filter(isError), 'the workflow definitions');
  const tasks = contracts.map(toTaskDef);
  const workflows = workflowsIn.map(compileWorkflow);
  for (const def of tasks) issues.push(...validateTaskDef(def, `task ${def.name}`, { requireOwnerEmail: true }).map(ownerHint));
  issues.push(...validateWorkflowDefs(workflows, { taskNames: new Set(tasks.map((t) => t.name)), complete: true, requireOwnerEmail: true, taskDefs: tasks }).map(ownerHint));
  const handlers = [...new Set(project.eventHandlers ?? [])].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  issues.push(...eventHandlerIssues(handlers, workflowsIn, workflows));
  const errors = issues.filter(isError);
  if (errors.length > 0) throw new DefinitionError(errors, 'the workflow definitions');

  const files: GeneratedFile[] = [];
  const manifest = { workflows: [] as unknown[], tasks: [] as unknown[], ...(schedules.length > 0 && { schedules: [] as unknown[] }), ...(handlers.length > 0 && { eventHandlers: [] as unknown[] }) };
  for (const def of workflows) {
    const path = `generated/workflows/${def.name}.v${def.version}.json`;
    const content = canonicalJson(def);
    files.push({ path, content });
    manifest['workflows']?.push({ name: def.name, version: def.version, file: path, sha256: sha256(content) });
  }
  for (const def of tasks) {
    const path = `generated/tasks/${def.name}.json`;
    const content = canonicalJson(def);
    files.push({ path, content });
    manifest['tasks']?.push({ name: def.name, file: path, sha256: sha256(content) });
  }
  for (const { json } of handlers) {
    const path = `generated/events/${json.name}.json`;
    const content = canonicalJson(json);
    files.push({ path, content });
    manifest['eventHandlers']?.push({ name: json.name, file: path, sha256: sha256(content) });
  }
  for (const def of schedules) {
    const path = `generated/schedules/${def.name}.json`;
    const content = canonicalJson(def);
    files.push({ path, content });
    manifest.schedules?.push({ name: def.name, file: path, sha256: sha256(content) });
  }
  files.push({ path: MANIFEST_PATH, content: canonicalJson(manifest) });
  const taskDefs = new Map(tasks.map((t) => [t.name, t]));
  // One docs page per workflow name, for its highest version.
  const latest = new Map<string, number>();
  workflowsIn.forEach((wf, i) => latest.set(wf.name, i));
  for (const i of latest.values()) {
    const wf = workflowsIn[i] as AnyWorkflow;
    files.push({ path: `docs/workflows/${wf.name}.md`, content: workflowPage(wf, workflows[i] as WorkflowDef, taskDefs) });
  }
  return { workflows, tasks, schedules, eventHandlers: handlers.map((h) => h.json), files, warnings: issues.filter((issue) => !isError(issue)) };
}
