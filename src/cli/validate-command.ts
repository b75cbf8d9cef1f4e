import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { TaskDef } from '../conductor-types.ts';
import type { DefinitionIssue } from '../issues.ts';
import { describeJsonType, isJsonObject } from '../validate/json-value.ts';
import { validateTaskDef } from '../validate/task-def-rules.ts';
import { validateEachWorkflowDef } from '../validate/validate-workflow.ts';
import type { CommandIo } from './io.ts';

const USAGE = 'usage: k1-workflows validate [--complete] [--owner-email-optional] FILE...';

const HELP = `${USAGE}

Checks Conductor JSON files: each holds a WorkflowDef, a TaskDef (no "tasks" array), or an array
of them. All files are checked together.
  --complete              the files are the whole generation: sub-workflows, failure workflows
                          and the task definitions of SIMPLE tasks must all be among them
  --owner-email-optional  do not require ownerEmail (for servers without ownerEmailMandatory)
Exit codes: 0 no problems, 1 problems or unreadable files, 2 usage.`;

/** One definition read from a file, with where it came from. */
interface Entry {
  readonly file: string;
  readonly value: unknown;
}

/**
 * `k1-workflows validate [--complete] [--owner-email-optional] FILE...`: validates workflow and
 * task definitions in JSON files together, prints one `FILE: CODE path: message` line per problem
 * to stderr and a summary to stdout.
 * Exit codes: 0 no problems, 1 problems or unreadable files, 2 usage.
 */
export async function validateCommand(args: readonly string[], io: CommandIo): Promise<number> {
  let values: { complete?: boolean; 'owner-email-optional'?: boolean; help?: boolean };
  let files: string[];
  try {
    ({ values, positionals: files } = parseArgs({
      args: [...args],
      options: { complete: { type: 'boolean' }, 'owner-email-optional': { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
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
  if (files.length === 0) {
    io.stderr(`validate: no files given; name at least one JSON file.\n${USAGE}`);
    return 2;
  }

  const lines: string[] = [];
  const report = (file: string, issue: DefinitionIssue): void => {
    lines.push(`${file}: ${issue.code}${issue.path === '' ? '' : ` ${issue.path}`}: ${issue.message}`);
  };
  const workflows: Entry[] = [];
  const taskDefs: Entry[] = [];
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
          path: Array.isArray(read.json) ? `[${index}]` : '',
          message: `This is ${describeJsonType(value)}, not a definition. Make the file hold a WorkflowDef object, a TaskDef object, or an array of them.`,
        });
      } else if (Object.hasOwn(value, 'tasks')) workflows.push({ file, value });
      else taskDefs.push({ file, value });
    });
  }

  const requireOwnerEmail = values['owner-email-optional'] !== true;
  const complete = values.complete === true;
  const taskNames = complete ? new Set(taskDefs.flatMap(({ value }) => (isJsonObject(value) && typeof value.name === 'string' ? [value.name] : []))) : undefined;
  const perWorkflow = validateEachWorkflowDef(
    workflows.map((w) => w.value),
    { complete, taskNames, requireOwnerEmail },
  );
  workflows.forEach(({ file }, i) => {
    for (const issue of perWorkflow[i] ?? []) report(file, issue);
  });
  for (const { file, value } of taskDefs) {
    for (const issue of validateTaskDef(value as TaskDef, undefined, { requireOwnerEmail })) report(file, issue);
  }

  for (const line of lines) io.stderr(line);
  const count = (n: number, what: string): string => `${n} ${what}${n === 1 ? '' : 's'}`;
  io.stdout(
    `validate: ${count(files.length, 'file')}, ${count(workflows.length, 'workflow definition')}, ${count(taskDefs.length, 'task definition')}: ${lines.length === 0 ? 'no problems' : count(lines.length, 'problem')}.`,
  );
  return lines.length === 0 ? 0 : 1;
}

async function readJson(file: string): Promise<{ json: unknown } | { problem: DefinitionIssue }> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    return { problem: { code: 'FILE_UNREADABLE', path: '', message: `Cannot read the file (${(e as Error).message}). Check the path and its permissions.` } };
  }
  try {
    return { json: JSON.parse(text) as unknown };
  } catch (e) {
    return { problem: { code: 'FILE_NOT_JSON', path: '', message: `The file is not valid JSON (${(e as Error).message}). Fix the JSON syntax.` } };
  }
}
