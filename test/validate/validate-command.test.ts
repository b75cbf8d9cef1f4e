import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runValidate as run, simple, workflow } from './helpers.ts';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'k1-validate-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Writes `content` (JSON unless a string) to a file in the temp folder and returns its path. */
async function file(name: string, content: unknown): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

const taskDef = { name: 'compile_task', ownerEmail: 'build@k1.test', timeoutSeconds: 600, responseTimeoutSeconds: 600 };

describe('k1-workflows validate', () => {
  it('exits 0 with a summary for clean files', async () => {
    const wf = await file('clean.json', workflow([simple('compile')]));
    const tasks = await file('tasks.json', [taskDef]);
    const result = await run(wf, tasks);
    expect(result).toEqual({ code: 0, stdout: ['validate: 2 files, 1 workflow definition, 1 task definition: no problems.'], stderr: [] });
  });

  const laterRef = `${'$'}{deploy.output.url}`;
  const warnLine = (path: string): string =>
    `${path}: warning REF_NOT_UPSTREAM demo v1 → compile → inputParameters.repo: "${laterRef}" references "deploy", which runs after "compile", so it reads null there (the server does not check the order). Reference only tasks that run before this one, or move "deploy" earlier.`;

  it('exits 1 on errors and prints one line per issue, prefixed by the file, warnings marked', async () => {
    const bad = await file('bad.json', workflow([simple('compile', { repo: laterRef }), simple('deploy')]));
    const badTask = await file('bad-task.json', { ...taskDef, retryCount: -1 });
    const result = await run(bad, badTask);
    expect(result.code).toBe(1);
    expect(result.stderr).toEqual([
      warnLine(bad),
      `${badTask}: TASKDEF_RETRY_COUNT task compile_task → retryCount: retryCount is -1, but the server only accepts 0 or more. Set it to at least 0.`,
    ]);
    expect(result.stdout).toEqual(['validate: 2 files, 1 workflow definition, 1 task definition: 1 error, 1 warning.']);
  });

  it('exits 0 on warnings alone; --warnings error fails on them, --warnings off hides them', async () => {
    const path = await file('warned.json', workflow([simple('compile', { repo: laterRef }), simple('deploy')]));
    expect(await run(path)).toEqual({ code: 0, stdout: ['validate: 1 file, 1 workflow definition, 0 task definitions: 0 errors, 1 warning.'], stderr: [warnLine(path)] });
    expect(await run('--warnings', 'error', path)).toEqual({ code: 1, stdout: ['validate: 1 file, 1 workflow definition, 0 task definitions: 0 errors, 1 warning (failing: --warnings error).'], stderr: [warnLine(path)] });
    expect(await run('--warnings=off', path)).toEqual({ code: 0, stdout: ['validate: 1 file, 1 workflow definition, 0 task definitions: 0 errors, 1 warning (not shown).'], stderr: [] });
    const wrong = await run('--warnings', 'loud', path);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr.join('\n')).toContain('--warnings loud is not a level; use show, error or off.');
  });

  it('prints the issues as JSON with --json', async () => {
    const path = await file('json.json', workflow([simple('compile', { repo: laterRef, n: '${nope.output}' }), simple('deploy')]));
    const result = await run('--json', path);
    expect(result.code).toBe(1);
    expect(result.stderr).toEqual([]);
    const printed = JSON.parse(result.stdout.join('\n')) as { summary: unknown; issues: { file: string; code: string; severity: string; path: string }[] };
    expect(printed.summary).toEqual({ files: 1, workflows: 1, taskDefs: 0, errors: 1, warnings: 1, failed: true });
    expect(printed.issues.map(({ file: f, code, severity, path: p }) => [f, code, severity, p])).toEqual([
      [path, 'REF_UNKNOWN', 'error', 'demo v1 → compile → inputParameters.n'],
      [path, 'REF_NOT_UPSTREAM', 'warning', 'demo v1 → compile → inputParameters.repo'],
    ]);
  });

  it('checks all files together: --complete needs sub-workflows and task definitions among them', async () => {
    const parent = await file('parent.json', workflow([simple('compile'), { name: 's', taskReferenceName: 'flash', type: 'SUB_WORKFLOW', subWorkflowParam: { name: 'flash-board' } }]));
    const tasks = await file('complete-tasks.json', [taskDef]);
    expect((await run(parent)).code).toBe(0);

    const incomplete = await run('--complete', parent, tasks);
    expect(incomplete.code).toBe(1);
    expect(incomplete.stderr.map((line) => line.split(':')[1]?.trim().split(' ')[0])).toEqual(['SUB_WORKFLOW_UNKNOWN']);

    const child = await file('child.json', workflow([simple('compile')], { name: 'flash-board' }));
    expect((await run('--complete', parent, child, tasks)).code).toBe(0);
    const withoutTasks = await run('--complete', parent, child);
    expect(withoutTasks.stderr.filter((line) => line.includes('TASK_NO_CONTRACT'))).toHaveLength(2);
  });

  // conductor-oss as shipped registers definitions without ownerEmail; Orkes does not.
  it('checks the data flow against the task definitions given: an error with them, a warning from the workflow alone', async () => {
    const schema = (properties: Record<string, unknown>) => ({ name: 's', version: 1, type: 'JSON', data: { type: 'object', properties, required: Object.keys(properties), additionalProperties: false } });
    const wf = await file('flow.json', workflow([simple('compile', { environment: '${workflow.input.enviroment}' })], { inputSchema: schema({ environment: { type: 'string' } }) }));
    const tasks = await file('flow-tasks.json', [{ ...taskDef, inputSchema: schema({ environment: { type: 'string' } }), outputSchema: schema({ bin: { type: 'string' } }) }]);
    const withContracts = await run(wf, tasks);
    expect(withContracts.code).toBe(1);
    expect(withContracts.stderr).toEqual([
      `${wf}: REF_FIELD_UNKNOWN demo v1 → compile → inputParameters.environment: "\${workflow.input.enviroment}" reads "enviroment" of this workflow's input, which has no field "enviroment" (it has "environment"), so it reads null. Read "environment" instead ("\${workflow.input.environment}"), or add "enviroment" to the contract.`,
    ]);
    const alone = await run(wf);
    expect(alone.code).toBe(0);
    expect(alone.stderr).toEqual([withContracts.stderr[0]?.replace(': REF_FIELD_UNKNOWN', ': warning REF_FIELD_UNKNOWN')]);
  });

  it('requires ownerEmail only with --owner-email-required', async () => {
    const path = await file('no-owner.json', workflow([simple('compile')], { ownerEmail: undefined }));
    expect((await run(path)).code).toBe(0);
    const strict = await run('--owner-email-required', path);
    expect(strict.code).toBe(1);
    expect(strict.stderr[0]).toContain(`${path}: OWNER_EMAIL_MISSING demo v1 → ownerEmail: `);
  });

  it('names unreadable files, non-JSON files and files that hold no definition', async () => {
    const missing = join(dir, 'missing.json');
    const notJson = await file('not-json.json', '{ "name": ');
    const number = await file('number.json', [workflow([simple('compile')]), 42]);
    const result = await run(missing, notJson, number);
    expect(result.code).toBe(1);
    expect(result.stderr).toHaveLength(3);
    expect(result.stderr[0]).toMatch(new RegExp(`^${missing}: FILE_UNREADABLE: Cannot read the file \\(ENOENT.*\\)\\. Check the path and its permissions\\.$`));
    expect(result.stderr[1]).toMatch(new RegExp(`^${notJson}: FILE_NOT_JSON: The file is not valid JSON \\(.*\\)\\. Fix the JSON syntax\\.$`));
    expect(result.stderr[2]).toBe(`${number}: FILE_NOT_DEFINITION [1]: This is a number, not a definition. Make the file hold a WorkflowDef object, a TaskDef object, or an array of them.`);
    expect(result.stdout).toEqual(['validate: 3 files, 1 workflow definition, 0 task definitions: 3 errors, 0 warnings.']);
  });

  it('exits 2 with the usage line when no file is given', async () => {
    const result = await run();
    expect(result.code).toBe(2);
    expect(result.stderr.join('\n')).toContain('validate: no files given');
    expect(result.stderr.join('\n')).toContain('usage: k1-workflows validate [--complete] [--owner-email-required] [--warnings show|error|off] [--json] [--server URL] FILE...');
    expect(result.stdout).toEqual([]);
  });

  it('exits 2 with the usage line on an unknown flag', async () => {
    const result = await run('--strict', 'x.json');
    expect(result.code).toBe(2);
    expect(result.stderr.join('\n')).toMatch(/--strict[\s\S]*usage: k1-workflows validate/);
  });

  it('prints help and exits 0 with --help', async () => {
    const result = await run('--help');
    expect(result.code).toBe(0);
    const help = result.stdout.join('\n');
    for (const flag of ['--complete', '--owner-email-required', '--warnings LEVEL', '--json']) expect(help).toContain(flag);
  });
});
