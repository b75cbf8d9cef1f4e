/**
 * Reads definitions to import from a Conductor server through the project's metadata client
 * (`src/sync/metadata-api.ts`): the workflows asked for, the sub-workflows and failure workflows
 * they name (so their imports resolve), and the task definitions of their worker tasks.
 */
import type { MetadataApi } from '../sync/metadata-api.ts';
import type { ImportInput, SourcedDefinition } from './import-definitions.ts';
import { isJsonObject, type Json } from './model.ts';
import { checkTaskDef, checkWorkflowDef, ImportInputError } from './read-definitions.ts';

/** A workflow asked for: its name, and its version (the latest when left out). */
export interface WorkflowWanted {
  readonly name: string;
  readonly version?: number | undefined;
}

/**
 * Parses `NAME` or `NAME@VERSION`.
 * @throws ImportInputError when the version is not a positive integer.
 */
export function parseWorkflowWanted(text: string): WorkflowWanted {
  const at = text.lastIndexOf('@');
  if (at === -1) return { name: text };
  const version = Number(text.slice(at + 1));
  if (!Number.isInteger(version) || version < 1) throw new ImportInputError(`--workflow ${text}: the version after "@" must be a positive integer, e.g. ${text.slice(0, at)}@1.`);
  return { name: text.slice(0, at), version };
}

function tasksOf(value: unknown): Json[] {
  return Array.isArray(value) ? value.filter(isJsonObject) : [];
}

function walk(tasks: readonly Json[], fn: (task: Json) => void): void {
  for (const task of tasks) {
    fn(task);
    walk(tasksOf(task.loopOver), fn);
    walk(tasksOf(task.defaultCase), fn);
    if (Array.isArray(task.forkTasks)) for (const branch of task.forkTasks) walk(tasksOf(branch), fn);
    if (isJsonObject(task.decisionCases)) for (const list of Object.values(task.decisionCases)) walk(tasksOf(list), fn);
  }
}

/**
 * The definitions to import for `wanted`, read from the server at `serverUrl` (for messages).
 * @throws ImportInputError when a workflow asked for is not on the server or its JSON is refused.
 */
export async function readFromServer(api: MetadataApi, serverUrl: string, wanted: readonly WorkflowWanted[]): Promise<ImportInput> {
  const workflows: SourcedDefinition[] = [];
  const taskDefs: SourcedDefinition[] = [];
  const seen = new Set<string>();
  const taskNames = new Set<string>();
  const queue: { want: WorkflowWanted; required: boolean }[] = wanted.map((want) => ({ want, required: true }));
  while (queue.length > 0) {
    const { want, required } = queue.shift() as (typeof queue)[number];
    const label = `${want.name}${want.version === undefined ? '' : `@${want.version}`}`;
    if (seen.has(label)) continue;
    seen.add(label);
    // The metadata client sends no version query when it is left out: the server answers with the latest.
    const def = await api.getWorkflowDef(want.name, want.version as number);
    if (def === undefined) {
      if (required) throw new ImportInputError(`${serverUrl}: workflow ${label} is not registered there.`);
      continue;
    }
    const source = `${serverUrl} workflow ${want.name} v${String((def as { version?: number }).version ?? 1)}`;
    const checked = checkWorkflowDef(def, source);
    if (workflows.some((w) => w.def.name === checked.name && w.def.version === checked.version)) continue;
    workflows.push({ source, def: checked });
    walk(tasksOf(checked.tasks), (task) => {
      const input = isJsonObject(task.inputParameters) ? task.inputParameters : {};
      if ((task.type ?? 'SIMPLE') === 'SIMPLE') taskNames.add(String(task.name));
      if (task.type === 'FORK_JOIN_DYNAMIC' && typeof input.forkTaskName === 'string') taskNames.add(input.forkTaskName);
      const param = isJsonObject(task.subWorkflowParam) ? task.subWorkflowParam : undefined;
      if (task.type === 'SUB_WORKFLOW' && typeof param?.name === 'string') {
        queue.push({ want: { name: param.name, version: typeof param.version === 'number' ? param.version : undefined }, required: false });
      }
    });
    if (typeof checked.failureWorkflow === 'string') queue.push({ want: { name: checked.failureWorkflow }, required: false });
  }
  for (const name of [...taskNames].sort()) {
    const def = await api.getTaskDef(name);
    if (def !== undefined) taskDefs.push({ source: `${serverUrl} task ${name}`, def: checkTaskDef(def, `${serverUrl} task ${name}`) });
  }
  return { workflows, taskDefs };
}
