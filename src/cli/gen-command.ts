import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { isTaskContract } from '../contract/define-task.ts';
import { isWorkflow } from '../dsl/workflow.ts';
import { isEventHandler } from '../event/event-handler.ts';
import { generate, GENERATED_DIRS, type Project } from '../gen/generate.ts';
import { syncFiles } from '../gen/sync-files.ts';
import { typecheckDefinitions } from '../gen/typecheck.ts';
import { DefinitionError, formatIssues } from '../issues.ts';
import { nextFireTimes, parseCron } from '../schedule/cron.ts';
import { isSchedule } from '../schedule/schedule.ts';
import type { WorkflowScheduleDef } from '../schedule/schedule-def.ts';
import type { CommandIo } from './io.ts';

const USAGE = 'usage: k1-workflows gen [--check] [--no-typecheck] [--root DIR] [--definitions FILE]';

/** Reads a definitions module's `workflows` (and optional `tasks`, `schedules` and `eventHandlers`) exports, checking their shape. */
export async function loadProject(file: string): Promise<Project> {
  const mod = (await import(pathToFileURL(file).href)) as { workflows?: unknown; tasks?: unknown; schedules?: unknown; eventHandlers?: unknown };
  const { workflows, tasks = [], schedules = [], eventHandlers = [] } = mod;
  if (!Array.isArray(workflows) || !workflows.every(isWorkflow)) {
    throw new TypeError(`${file} must export \`workflows\`: an array of workflows made with workflow(); add \`export const workflows = [...]\`.`);
  }
  if (!Array.isArray(tasks) || !tasks.every(isTaskContract)) {
    throw new TypeError(`${file}: \`tasks\` must be an array of contracts made with defineTask().`);
  }
  if (!Array.isArray(schedules) || !schedules.every(isSchedule)) {
    throw new TypeError(`${file}: \`schedules\` must be an array of schedules made with schedule().`);
  }
  if (!Array.isArray(eventHandlers) || !eventHandlers.every(isEventHandler)) {
    throw new TypeError(`${file}: \`eventHandlers\` must be an array of handlers made with eventHandler().`);
  }
  return { workflows, tasks, schedules, eventHandlers };
}

/**
 * One report line per schedule: its cron, zone and next five fire times from `now` (UTC, as the
 * server's `GET /api/scheduler/nextFewSchedules` counts them), so a cron that does not mean what
 * its author thought shows before it is registered.
 */
export function scheduleReport(schedules: readonly WorkflowScheduleDef[], now: number): string[] {
  return schedules.map((def) => {
    const cron = parseCron(def.cronExpression);
    const zone = def.zoneId ?? 'UTC';
    const window = { zone, startTime: def.scheduleStartTime, endTime: def.scheduleEndTime };
    const times = 'problem' in cron ? [] : nextFireTimes(cron, now, 5, window).map((t) => new Date(t).toISOString().replace('.000Z', 'Z'));
    return `schedule ${def.name} (${def.cronExpression} ${zone}${def.paused === true ? ', paused' : ''}) next fires: ${times.length === 0 ? 'none' : times.join(', ')}`;
  });
}

/**
 * `k1-workflows gen`: type-checks the definitions (typecheck.ts; `--no-typecheck` skips it, for
 * those who run `tsc` themselves), compiles and validates them (data flow included) and writes
 * `generated/` (and the docs pages); errors stop it, warnings are printed. With `--check`, writes
 * nothing and fails when any file is stale or missing.
 * Exit codes: 0 done or up to date, 1 type errors, invalid definitions or stale files, 2 usage.
 */
export async function genCommand(args: readonly string[], io: CommandIo): Promise<number> {
  let values: { check?: boolean; root?: string; definitions?: string; 'no-typecheck'?: boolean };
  try {
    ({ values } = parseArgs({
      args: [...args],
      options: { check: { type: 'boolean' }, root: { type: 'string' }, definitions: { type: 'string' }, 'no-typecheck': { type: 'boolean' } },
      strict: true,
    }));
  } catch (e) {
    io.stderr(`${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  const root = resolve(values.root ?? process.cwd());
  const check = values.check === true;
  const definitions = resolve(root, values.definitions ?? 'definitions/index.ts');
  if (values['no-typecheck'] !== true) {
    let typeErrors: readonly string[];
    try {
      typeErrors = (await typecheckDefinitions({ root, definitions })).errors;
    } catch (e) {
      io.stderr(`gen: ${(e as Error).message}`);
      return 1;
    }
    if (typeErrors.length > 0) {
      io.stderr(`gen: ${typeErrors.length} type error${typeErrors.length === 1 ? '' : 's'} in the definitions; nothing was written.\n${typeErrors.map((e) => `  ${e.replaceAll('\n', '\n  ')}`).join('\n')}`);
      await explainAsJson(definitions, io);
      return 1;
    }
  }
  let files;
  let schedules: readonly WorkflowScheduleDef[];
  try {
    const project = await loadProject(definitions);
    const generation = generate(project);
    files = generation.files;
    schedules = generation.schedules;
    if (generation.warnings.length > 0) io.stderr(`gen: ${generation.warnings.length} warning${generation.warnings.length === 1 ? '' : 's'} (not fatal):\n${formatIssues(generation.warnings)}`);
  } catch (e) {
    if (e instanceof DefinitionError) {
      io.stderr(`gen: ${e.issues.length} problem${e.issues.length === 1 ? '' : 's'} in the definitions; nothing was written.\n${formatIssues(e.issues)}`);
      return 1;
    }
    io.stderr(`gen: ${(e as Error).message}`);
    return 1;
  }
  const changes = await syncFiles(root, files, GENERATED_DIRS, { check });
  for (const { path, change } of changes) io.stdout(`${check ? 'stale' : change.padEnd(7)} ${path}${check ? ` (would be ${change})` : ''}`);
  if (check) {
    if (changes.length > 0) {
      io.stderr(`gen --check: ${changes.length} generated file${changes.length === 1 ? ' is' : 's are'} out of date; run \`npm run gen\` and commit the result.`);
      return 1;
    }
    io.stdout(`gen --check: ${files.length} files up to date.`);
    return 0;
  }
  for (const line of scheduleReport(schedules, Date.now())) io.stdout(line);
  io.stdout(`gen: ${files.length} files, ${changes.length} changed.`);
  return 0;
}

/**
 * After type errors, what the validator says of the JSON the definitions compile to (they still
 * run: types are erased), which names each mistake by its place in the JSON and how to fix it.
 * Prints nothing when they do not load or compile to valid JSON.
 */
async function explainAsJson(definitions: string, io: CommandIo): Promise<void> {
  try {
    generate(await loadProject(definitions));
  } catch (e) {
    if (e instanceof DefinitionError) io.stderr(`gen: the JSON they compile to is refused as well (${e.issues.length} problem${e.issues.length === 1 ? '' : 's'}):\n${formatIssues(e.issues)}`);
  }
}
