/**
 * Reads definitions to import from JSON files, checking the shape the importer relies on. Bad
 * input is refused with the file and the JSON path of the problem, before anything is written.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isJsonObject, type Json } from './model.ts';
import type { SourcedDefinition } from './import-definitions.ts';

/** A definition the importer refuses: names the file and the JSON path. */
export class ImportInputError extends Error {
  override readonly name = 'ImportInputError';
}

function refuse(source: string, path: string, message: string): never {
  throw new ImportInputError(`${source}: ${path || '(root)'}: ${message}`);
}

const NAME = /^[A-Za-z0-9_.:@-]+$/;

function checkName(value: unknown, source: string, path: string, what: string): void {
  if (typeof value !== 'string' || value === '') refuse(source, path, `${what} must be a non-empty string`);
  if (!NAME.test(value)) refuse(source, path, `${what} ${JSON.stringify(value)} may hold only letters, digits, "_", "-", ".", ":" and "@"`);
}

function checkTasks(value: unknown, source: string, path: string, refs: Set<string>): void {
  if (!Array.isArray(value)) refuse(source, path, 'must be a list of tasks');
  value.forEach((task: unknown, i) => {
    const at = `${path}[${i}]`;
    if (!isJsonObject(task)) refuse(source, at, 'a task must be a JSON object');
    checkName(task.name, source, `${at}.name`, 'a task name');
    if (typeof task.taskReferenceName !== 'string' || task.taskReferenceName === '') refuse(source, `${at}.taskReferenceName`, 'must be a non-empty string');
    if (refs.has(task.taskReferenceName)) refuse(source, `${at}.taskReferenceName`, `"${task.taskReferenceName}" is used twice; reference names are unique in a workflow`);
    refs.add(task.taskReferenceName);
    if (task.type !== undefined && typeof task.type !== 'string') refuse(source, `${at}.type`, 'must be a string');
    if (task.inputParameters !== undefined && task.inputParameters !== null && !isJsonObject(task.inputParameters)) refuse(source, `${at}.inputParameters`, 'must be a JSON object');
    for (const key of ['loopOver', 'defaultCase'] as const) if (task[key] != null) checkTasks(task[key], source, `${at}.${key}`, refs);
    if (task.forkTasks != null) {
      if (!Array.isArray(task.forkTasks)) refuse(source, `${at}.forkTasks`, 'must be a list of branches (lists of tasks)');
      task.forkTasks.forEach((branch: unknown, b) => checkTasks(branch, source, `${at}.forkTasks[${b}]`, refs));
    }
    if (task.decisionCases != null) {
      if (!isJsonObject(task.decisionCases)) refuse(source, `${at}.decisionCases`, 'must be a JSON object of case → tasks');
      for (const [key, list] of Object.entries(task.decisionCases)) checkTasks(list, source, `${at}.decisionCases[${JSON.stringify(key)}]`, refs);
    }
  });
}

/** Checks a workflow definition's shape; `path` is where it sits in its file. */
export function checkWorkflowDef(def: unknown, source: string, path = ''): Json {
  if (!isJsonObject(def)) refuse(source, path, 'a workflow definition must be a JSON object');
  const at = (key: string): string => (path === '' ? key : `${path}.${key}`);
  checkName(def.name, source, at('name'), 'the workflow name');
  if (def.version != null && !Number.isInteger(def.version)) refuse(source, at('version'), 'must be an integer');
  if (!('tasks' in def)) refuse(source, at('tasks'), 'missing: a workflow definition has a tasks list (task definitions go in --tasks DIR)');
  checkTasks(def.tasks, source, at('tasks'), new Set());
  if (def.inputParameters != null && (!Array.isArray(def.inputParameters) || !def.inputParameters.every((p) => typeof p === 'string'))) {
    refuse(source, at('inputParameters'), 'must be a list of strings');
  }
  for (const key of ['outputParameters', 'inputTemplate', 'variables']) {
    if (def[key] != null && !isJsonObject(def[key])) refuse(source, at(key), 'must be a JSON object');
  }
  if (def.failureWorkflow != null && typeof def.failureWorkflow !== 'string') refuse(source, at('failureWorkflow'), 'must be a workflow name');
  return def;
}

/** Checks a task definition's shape. */
export function checkTaskDef(def: unknown, source: string, path = ''): Json {
  if (!isJsonObject(def)) refuse(source, path, 'a task definition must be a JSON object');
  checkName(def.name, source, path === '' ? 'name' : `${path}.name`, 'the task name');
  return def;
}

function parse(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ImportInputError(`${file}: cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ImportInputError(`${file}: not JSON (${(e as Error).message})`);
  }
}

/** Workflow definitions of a file: one object, or a list of them (what `GET /api/metadata/workflow` returns). */
export function readWorkflowFile(file: string): SourcedDefinition[] {
  const value = parse(file);
  return Array.isArray(value) ? value.map((def, i) => ({ source: `${file}[${i}]`, def: checkWorkflowDef(def, file, `[${i}]`) })) : [{ source: file, def: checkWorkflowDef(value, file) }];
}

/** Task definitions of every `.json` file of a folder (each one object or a list). */
export function readTaskDir(dir: string): SourcedDefinition[] {
  let names: string[];
  try {
    names = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
  } catch (e) {
    throw new ImportInputError(`${dir}: cannot be read as a folder of task definitions (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  return names.flatMap((name) => {
    const file = join(dir, name);
    const value = parse(file);
    return Array.isArray(value) ? value.map((def, i) => ({ source: `${file}[${i}]`, def: checkTaskDef(def, file, `[${i}]`) })) : [{ source: file, def: checkTaskDef(value, file) }];
  });
}
