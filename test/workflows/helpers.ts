import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { allWorkflowTasks } from '../../src/conductor-tasks.ts';
import { canonicalJson, compileWorkflow, type AnyWorkflow, type TaskDef, type WorkflowDef, type WorkflowTask } from '../../src/index.ts';

const ROOT = join(import.meta.dirname, '..', '..');

/** The generated (registered) JSON of workflow `name` v1. */
export function readWorkflow(name: string, version = 1): WorkflowDef {
  return JSON.parse(readFileSync(join(ROOT, 'generated', 'workflows', `${name}.v${version}.json`), 'utf8')) as WorkflowDef;
}

/** The generated TaskDef JSON of task `name`. */
export function readTaskDef(name: string): TaskDef {
  return JSON.parse(readFileSync(join(ROOT, 'generated', 'tasks', `${name}.json`), 'utf8')) as TaskDef;
}

/** The generated file is what the DSL definition compiles to now (gen was run after the last change). */
export function isFresh(wf: AnyWorkflow): boolean {
  return readFileSync(join(ROOT, 'generated', 'workflows', `${wf.name}.v${wf.version}.json`), 'utf8') === canonicalJson(compileWorkflow(wf));
}

/** `ref:TYPE` of each task of a list, in order (not descending into nested lists). */
export function outline(tasks: readonly WorkflowTask[] | undefined): string[] {
  return (tasks ?? []).map((t) => `${t.taskReferenceName}:${t.type}`);
}

/** Every task of a list, nested ones included (fork branches, switch cases and default, loop bodies), depth first. */
export function allTasks(tasks: readonly WorkflowTask[] | undefined): WorkflowTask[] {
  return allWorkflowTasks(tasks ?? []);
}

/** The task with reference name `ref`, wherever it is nested; fails the test when absent. */
export function task(def: WorkflowDef, ref: string): WorkflowTask {
  const found = allTasks(def.tasks).find((t) => t.taskReferenceName === ref);
  if (found === undefined) throw new Error(`no task "${ref}" in ${def.name}`);
  return found;
}

/** The retry and timeout settings of a TaskDef. */
export function retrySettings(def: TaskDef): Pick<TaskDef, 'retryCount' | 'retryLogic' | 'retryDelaySeconds' | 'timeoutSeconds' | 'responseTimeoutSeconds'> {
  const { retryCount, retryLogic, retryDelaySeconds, timeoutSeconds, responseTimeoutSeconds } = def;
  return { retryCount, retryLogic, retryDelaySeconds, timeoutSeconds, responseTimeoutSeconds };
}

/** True when a `jq` executable is on the PATH (the jq tests run the queries with it). */
export const hasJq = spawnSync('jq', ['--version']).status === 0;

/**
 * Runs a JSON_JQ_TRANSFORM query the way the task does: over its resolved inputParameters, the
 * first result being `output.result`. Uses the jq executable; Conductor runs jackson-jq, which
 * implements the same language for the functions used here.
 */
export function runJq(query: string, input: Record<string, unknown>): unknown {
  const out = execFileSync('jq', ['-c', query], { input: JSON.stringify({ ...input, queryExpression: query }), encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
  return JSON.parse(out.split('\n')[0] ?? 'null');
}
