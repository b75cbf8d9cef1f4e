import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { TaskDef, WorkflowDef } from '../conductor-types.ts';
import { Redactor } from '../client/redactor.ts';
import { looksLikeEventHandler } from '../event/handler-json.ts';
import { validateEventHandler } from '../validate/event-handler-rules.ts';
import { isError, type DefinitionIssue } from '../issues.ts';
import { looksLikeSchedule, validateScheduleDef, type KnownWorkflow } from '../schedule/schedule-def.ts';
import { connectMetadataApi } from '../sync/metadata-api.ts';
import { describeJsonType, isJsonObject } from '../validate/json-value.ts';
import { validateTaskDef } from '../validate/task-def-rules.ts';
import { validateEachWorkflowDef } from '../validate/validate-workflow.ts';
import type { CommandIo } from './io.ts';
import { serverConnection } from './server-options.ts';

const USAGE = 'usage: k1-workflows validate [--complete] [--owner-email-required] [--warnings show|error|off] [--json] [--server URL] FILE...';

const HELP = `${USAGE}

Checks Conductor JSON files: each holds a WorkflowDef, a TaskDef (no "tasks" array), a schedule
(a WorkflowSchedule: it has a "cronExpression" or a "startWorkflowRequest"), an event handler (an
"event" and an "actions" list), or an array of them. All files are checked together: an event
handler's event must be "conductor:<workflow>:<ref>" naming a workflow among the files and an
EVENT task of it (the server stores any other and then stops starting new listeners,
server-wide), and what it starts must be among them too. Errors are what the server refuses (conductor-oss
3.32.3 as shipped) and a few deliberately stricter rules; warnings are what it registers but will
not work as written (a reference that reads null, a script that fails when it runs).
With task definitions among the files, the data flow is checked against their inputSchema and
outputSchema (and the workflows' own): a reference to a field a schema does not have, a value
that cannot fit the input it feeds, a required input left out, a script reading a name its $
does not hold are then errors (without them, the findings the workflows' own schemas show are
warnings).
  --complete              the files are the whole generation: sub-workflows, failure workflows
                          and the task definitions of SIMPLE tasks must all be among them
  --owner-email-required  require ownerEmail, as Orkes and servers with
                          conductor.app.ownerEmailMandatory=true do (conductor-oss as shipped
                          does not)
  --warnings LEVEL        show (default): print warnings, exit 0 on them; error: warnings fail
                          the run like errors; off: do not print them
  --json                  print {summary, issues: [{file, code, severity, path, message}]} on
                          stdout instead of text lines
  --server URL            look up the workflows schedules start on this Conductor server
                          (read only; credentials from CONDUCTOR_AUTH_KEY/SECRET). Without it,
                          a schedule's workflow is looked up among the workflow files given, if
                          any. A schedule's cron and zone are always checked.
Exit codes: 0 no errors, 1 errors (or warnings with --warnings error) or unreadable files, 2 usage.`;

const WARNING_LEVELS = ['show', 'error', 'off'] as const;
type WarningLevel = (typeof WARNING_LEVELS)[number];

/** One definition read from a file, with where it came from. */
interface Entry {
  readonly file: string;
  readonly value: unknown;
}

/** One issue as `--json` prints it. */
interface FileIssue extends DefinitionIssue {
  readonly file: string;
}

/**
 * `k1-workflows validate [--complete] [--owner-email-required] [--warnings show|error|off] [--json] [--server URL] FILE...`:
 * validates workflow and task definitions in JSON files together. Text output: one
 * `FILE: [warning ]CODE path: message` line per issue on stderr and a summary on stdout; with
 * `--json`, one JSON document on stdout. Exit codes: 0 no errors, 1 errors (or warnings with
 * `--warnings error`) or unreadable files, 2 usage.
 */
export async function validateCommand(args: readonly string[], io: CommandIo): Promise<number> {
  let values: { complete?: boolean; 'owner-email-required'?: boolean; warnings?: string; json?: boolean; help?: boolean; server?: string; 'key-id'?: string; 'key-secret'?: string; timeout?: string };
  let files: string[];
  try {
    ({ values, positionals: files } = parseArgs({
      args: [...args],
      options: {
        complete: { type: 'boolean' },
        'owner-email-required': { type: 'boolean' },
        warnings: { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        server: { type: 'string' },
        'key-id': { type: 'string' },
        'key-secret': { type: 'string' },
        timeout: { type: 'string' },
      },
      allowPositionals: true,
      strict: true,
    }));
  } catch (e) {
    io.stderr(`validate: ${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  if (values.help === true) {
    io.stdout(HELP);
    return 0;
  }
  const level = (values.warnings ?? 'show') as WarningLevel;
  if (!WARNING_LEVELS.includes(level)) {
    io.stderr(`validate: --warnings ${values.warnings ?? ''} is not a level; use show, error or off.\n${USAGE}`);
    return 2;
  }
  if (files.length === 0) {
    io.stderr(`validate: no files given; name at least one JSON file.\n${USAGE}`);
    return 2;
  }

  const issues: FileIssue[] = [];
  const report = (file: string, issue: DefinitionIssue): void => {
    issues.push({ file, ...issue });
  };
  const workflows: Entry[] = [];
  const taskDefs: Entry[] = [];
  const handlers: Entry[] = [];
  const schedules: Entry[] = [];
  for (const file of files) {
    const read = await readJson(file);
    if ('problem' in read) {
      report(file, read.problem);
      continue;
    }
    const items = Array.isArray(read.json) ? read.json : [read.json];
    items.forEach((value: unknown, index) => {
      if (!isJsonObject(value)) {
        report(file, {
          code: 'FILE_NOT_DEFINITION',
          severity: 'error',
          path: Array.isArray(read.json) ? `[${index}]` : '',
          message: `This is ${describeJsonType(value)}, not a definition. Make the file hold a WorkflowDef object, a TaskDef object, or an array of them.`,
        });
      } else if (looksLikeSchedule(value)) schedules.push({ file, value });
      else if (Object.hasOwn(value, 'tasks')) workflows.push({ file, value });
      else if (looksLikeEventHandler(value)) handlers.push({ file, value });
      else taskDefs.push({ file, value });
    });
  }

  const requireOwnerEmail = values['owner-email-required'] === true;
  const complete = values.complete === true;
  const taskNames = complete ? new Set(taskDefs.flatMap(({ value }) => (isJsonObject(value) && typeof value.name === 'string' ? [value.name] : []))) : undefined;
  // Task definitions given: the data flow is checked against their schemas, and its findings are errors.
  const perWorkflow = validateEachWorkflowDef(
    workflows.map((w) => w.value),
    { complete, taskNames, requireOwnerEmail, ...(taskDefs.length > 0 && { taskDefs: taskDefs.map((t) => t.value) }) },
  );
  workflows.forEach(({ file }, i) => {
    for (const issue of perWorkflow[i] ?? []) report(file, issue);
  });
  for (const { file, value } of taskDefs) {
    for (const issue of validateTaskDef(value as TaskDef, undefined, { requireOwnerEmail })) report(file, issue);
  }
  if (schedules.length > 0) {
    let known: KnownWorkflow[] | undefined;
    try {
      known = await knownWorkflows(workflows, schedules, values);
    } catch (e) {
      io.stderr(`validate: ${(e as Error).message}`);
      return 1;
    }
    for (const { file, value } of schedules) for (const issue of validateScheduleDef(value, { ...(known !== undefined && { workflows: known }) })) report(file, issue);
  }
  const workflowDefs = workflows.flatMap(({ value }) => (isJsonObject(value) && typeof value.name === 'string' ? [value as unknown as WorkflowDef] : []));
  for (const { file, value } of handlers) {
    for (const issue of validateEventHandler(value, workflowDefs)) report(file, issue);
  }

  const shown = level === 'off' ? issues.filter(isError) : issues;
  const errors = issues.filter(isError).length;
  const warnings = issues.length - errors;
  const failed = errors > 0 || (level === 'error' && warnings > 0);
  const count = (n: number, what: string): string => `${n} ${what}${n === 1 ? '' : 's'}`;
  const summary = `validate: ${count(files.length, 'file')}, ${count(workflows.length, 'workflow definition')}, ${count(taskDefs.length, 'task definition')}${schedules.length > 0 ? `, ${count(schedules.length, 'schedule')}` : ''}${handlers.length > 0 ? `, ${count(handlers.length, 'event handler')}` : ''}: ${
    errors + warnings === 0 ? 'no problems' : `${count(errors, 'error')}, ${count(warnings, 'warning')}${level === 'off' && warnings > 0 ? ' (not shown)' : ''}${level === 'error' && errors === 0 && warnings > 0 ? ' (failing: --warnings error)' : ''}`
  }.`;
  if (values.json === true) {
    const counts = { files: files.length, workflows: workflows.length, taskDefs: taskDefs.length, ...(schedules.length > 0 && { schedules: schedules.length }), ...(handlers.length > 0 && { eventHandlers: handlers.length }) };
    io.stdout(JSON.stringify({ summary: { ...counts, errors, warnings, failed }, issues: shown }, null, 2));
  } else {
    for (const { file, ...issue } of shown) {
      io.stderr(`${file}: ${issue.severity === 'warning' ? 'warning ' : ''}${issue.code}${issue.path === '' ? '' : ` ${issue.path}`}: ${issue.message}`);
    }
    io.stdout(summary);
  }
  return failed ? 1 : 0;
}

/**
 * The workflows schedules may start: with `--server`, those of the schedules' workflows the
 * server has (each read once, nothing written; the key secret redacted from any error) and the
 * workflow files given; else the workflow files given; else undefined (not looked up).
 */
async function knownWorkflows(
  workflows: readonly Entry[],
  schedules: readonly Entry[],
  values: { server?: string; 'key-id'?: string; 'key-secret'?: string; timeout?: string },
): Promise<KnownWorkflow[] | undefined> {
  const local = workflows.flatMap(({ value }) => (isJsonObject(value) && typeof value.name === 'string' ? [{ name: value.name, version: typeof value.version === 'number' ? value.version : 1 }] : []));
  if (values.server === undefined) return workflows.length > 0 ? local : undefined;
  const connection = serverConnection(values);
  const redactor = new Redactor().add(connection.keySecret);
  const api = await connectMetadataApi(connection, redactor);
  const wanted = new Map<string, { name: string; version: number | undefined }>();
  for (const { value } of schedules) {
    const request = isJsonObject(value) && isJsonObject(value.startWorkflowRequest) ? value.startWorkflowRequest : undefined;
    if (typeof request?.name !== 'string') continue;
    const version = typeof request.version === 'number' ? request.version : undefined;
    wanted.set(`${request.name}@${version ?? 'latest'}`, { name: request.name, version });
  }
  const found: KnownWorkflow[] = [...local];
  for (const { name, version } of wanted.values()) {
    const def = await api.getWorkflowDef(name, version);
    if (def !== undefined) found.push({ name: def.name, version: def.version ?? 1 });
  }
  return found;
}

async function readJson(file: string): Promise<{ json: unknown } | { problem: DefinitionIssue }> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    return { problem: { code: 'FILE_UNREADABLE', severity: 'error', path: '', message: `Cannot read the file (${(e as Error).message}). Check the path and its permissions.` } };
  }
  try {
    return { json: JSON.parse(text) as unknown };
  } catch (e) {
    return { problem: { code: 'FILE_NOT_JSON', severity: 'error', path: '', message: `The file is not valid JSON (${(e as Error).message}). Fix the JSON syntax.` } };
  }
}
