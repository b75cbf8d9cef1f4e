/**
 * How a re-emitted definition is compared with the one imported. Both sides are normalised first,
 * and only so (docs/importing.md lists these):
 * 1. as the server stores them: fields at the value conductor-oss 3.32.3 fills in for an absent
 *    one are dropped, and its bookkeeping (createTime, updateTime ...) (`src/sync/server-defaults.ts`);
 * 2. key order is ignored (canonical order); list order is not;
 * 3. fields the compiler always writes, where the input has none: a workflow's or a task's
 *    `ownerEmail`, `inputSchema`, `outputSchema`, `enforceSchema` (the schemas the DSL derives),
 *    a task's `inputKeys`/`outputKeys`, and an empty `description`;
 * 4. a task's `concurrentExecLimit` 0 where the input has none: conductor-oss 3.32.3 reads a
 *    missing limit as 0, no limit (`TaskDef.concurrencyLimit()`), and stores none.
 */
import type { TaskDef, WorkflowDef } from '../conductor-types.ts';
import { normalizeTaskDef, normalizeWorkflowDef } from '../sync/server-defaults.ts';
import { isJsonObject, type Json } from './model.ts';

const WRITTEN_BY_COMPILER = ['ownerEmail', 'inputSchema', 'outputSchema', 'enforceSchema'];
const WRITTEN_FOR_TASKS = [...WRITTEN_BY_COMPILER, 'inputKeys', 'outputKeys'];

function dropWritten(input: Json, output: Json, fields: readonly string[]): Json {
  const out = { ...output };
  for (const field of fields) if (!(field in input)) delete out[field];
  if (fields === WRITTEN_FOR_TASKS && !('concurrentExecLimit' in input) && out.concurrentExecLimit === 0) delete out.concurrentExecLimit;
  if (!('description' in input) && out.description === '') delete out.description;
  return out;
}

/** The re-emitted workflow as compared with `input` (both normalised, rule 3 applied). */
export function comparableWorkflow(input: Json, emitted: WorkflowDef): Json {
  return dropWritten(input, normalizeWorkflowDef(emitted), WRITTEN_BY_COMPILER);
}

/** The re-emitted task definition as compared with `input`. */
export function comparableTaskDef(input: Json, emitted: TaskDef): Json {
  return dropWritten(input, normalizeTaskDef(emitted), WRITTEN_FOR_TASKS);
}

function step(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  const name = /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key) ? key : JSON.stringify(key);
  return path === '' ? name : /^[A-Za-z_$]/.test(name) ? `${path}.${name}` : `${path}[${name}]`;
}

/**
 * The JSON path of the first place `actual` differs from `expected` (keys in sorted order, list
 * items in order), `(root)` for the values themselves, or undefined when they are equal.
 */
export function firstDifference(expected: unknown, actual: unknown, path = ''): string | undefined {
  if (Array.isArray(expected) && Array.isArray(actual)) {
    for (let i = 0; i < Math.max(expected.length, actual.length); i++) {
      const found = i < expected.length && i < actual.length ? firstDifference(expected[i], actual[i], step(path, i)) : step(path, i);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (isJsonObject(expected) && isJsonObject(actual)) {
    for (const key of [...new Set([...Object.keys(expected), ...Object.keys(actual)])].sort()) {
      const found = key in expected && key in actual ? firstDifference(expected[key], actual[key], step(path, key)) : step(path, key);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  return Object.is(expected, actual) || JSON.stringify(expected) === JSON.stringify(actual) ? undefined : path || '(root)';
}
