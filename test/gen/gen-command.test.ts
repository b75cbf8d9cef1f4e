import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { genCommand } from '../../src/cli/gen-command.ts';

const TMP = join(process.cwd(), '.tmp');

const GOOD = `
import { z } from 'zod';
import { projectDefaults } from '../../../src/index.ts';
const { defineTask, workflow } = projectDefaults({ ownerEmail: 'team@example.com' });
const step = defineTask({ name: 'step', description: 'A step.', input: z.object({ v: z.string() }), output: z.object({ v: z.string() }) });
export const handler = workflow(
  { name: 'handler', version: 1, description: 'h', input: z.object({ workflowId: z.string() }), output: z.object({}) },
  (f) => f.task(step, (s) => ({ v: s.input.workflowId })).output(() => ({})),
);
export const main = workflow(
  { name: 'main', version: 1, description: 'm', input: z.object({ v: z.string() }), output: z.object({ v: z.string() }), failureWorkflow: handler },
  (f) => f.task(step, (s) => ({ v: s.input.v })).output((s) => ({ v: s.step.output.v })),
);
export const workflows = [main, handler];
`;

let root: string;
let out: string[];
let err: string[];
const io = { stdout: (l: string) => out.push(l), stderr: (l: string) => err.push(l) };

function writeDefinitions(source: string): void {
  mkdirSync(join(root, 'definitions'), { recursive: true });
  writeFileSync(join(root, 'definitions', `index.ts`), source);
}

/** Runs gen on the temporary project; the type check has its own tests (typecheck.test.ts, mistakes.test.ts). */
async function gen(...args: string[]): Promise<number> {
  out = [];
  err = [];
  return genCommand(['--root', root, '--no-typecheck', ...args], io);
}

beforeEach(() => {
  mkdirSync(TMP, { recursive: true });
  root = mkdtempSync(join(TMP, 'gen-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('k1-workflows gen', () => {
  it('writes workflows, task definitions, the manifest and the docs pages, one line per file', async () => {
    writeDefinitions(GOOD);
    expect(await gen()).toBe(0);
    expect(out).toEqual([
      'added   generated/workflows/handler.v1.json',
      'added   generated/workflows/main.v1.json',
      'added   generated/tasks/step.json',
      'added   generated/manifest.json',
      'added   docs/workflows/handler.md',
      'added   docs/workflows/main.md',
      'gen: 6 files, 6 changed.',
    ]);
    const main = JSON.parse(readFileSync(join(root, 'generated/workflows/main.v1.json'), 'utf8'));
    expect(main).toMatchObject({ name: 'main', version: 1, schemaVersion: 2, failureWorkflow: 'handler' });
    const manifest = JSON.parse(readFileSync(join(root, 'generated/manifest.json'), 'utf8'));
    expect(manifest.workflows.map((w: { name: string }) => w.name)).toEqual(['handler', 'main']);
    expect(manifest.tasks[0]).toMatchObject({ name: 'step', file: 'generated/tasks/step.json' });
    expect(manifest.tasks[0].sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('is deterministic: a second run changes nothing and the bytes are identical', async () => {
    writeDefinitions(GOOD);
    await gen();
    const first = readFileSync(join(root, 'generated/workflows/main.v1.json'));
    expect(await gen()).toBe(0);
    expect(out).toEqual(['gen: 6 files, 0 changed.']);
    expect(readFileSync(join(root, 'generated/workflows/main.v1.json')).equals(first)).toBe(true);
    expect(first.toString().endsWith('}\n')).toBe(true);
  });

  it('--check passes when fresh, fails after an edit to a generated file, and writes nothing', async () => {
    writeDefinitions(GOOD);
    await gen();
    expect(await gen('--check')).toBe(0);
    const file = join(root, 'generated/tasks/step.json');
    writeFileSync(file, readFileSync(file, 'utf8').replace('"retryCount": 2', '"retryCount": 5'));
    expect(await gen('--check')).toBe(1);
    expect(out).toEqual(['stale generated/tasks/step.json (would be updated)']);
    expect(err[0]).toContain('run `npm run gen` and commit the result');
    expect(readFileSync(file, 'utf8')).toContain('"retryCount": 5');
  });

  it('--check reports missing and leftover files; gen removes files it no longer produces', async () => {
    writeDefinitions(GOOD);
    await gen();
    writeFileSync(join(root, 'generated/tasks/old_task.json'), '{}\n');
    rmSync(join(root, 'generated/manifest.json'));
    expect(await gen('--check')).toBe(1);
    expect(out.sort()).toEqual(['stale generated/manifest.json (would be added)', 'stale generated/tasks/old_task.json (would be removed)']);
    expect(await gen()).toBe(0);
    expect(existsSync(join(root, 'generated/tasks/old_task.json'))).toBe(false);
  });

  it('fails with every issue listed and writes nothing when a definition is invalid', async () => {
    writeDefinitions(GOOD.replace('export const workflows = [main, handler];', 'export const workflows = [main];').replace("(s) => ({ v: s.input.v })", "(s) => ({ v: '${nowhere.output.v}' })"));
    expect(await gen()).toBe(1);
    const lines = err.join('\n').split('\n');
    expect(lines[0]).toBe('gen: 2 problems in the definitions; nothing was written.');
    expect(lines[1]).toMatch(/^  FAILURE_WORKFLOW_UNKNOWN main v1 → failureWorkflow: .*Add that workflow to the definitions, or fix failureWorkflow\.$/);
    expect(lines[2]).toMatch(/^  REF_UNKNOWN main v1 → step → inputParameters\.v: "\$\{nowhere\.output\.v\}" starts with "nowhere", which is not "workflow" nor the taskReferenceName of a task in this workflow; the server refuses the workflow\./);
    expect(existsSync(join(root, 'generated'))).toBe(false);
  });

  // conductor-oss 3.32.3 registers outputParameters that read a task that does not exist: a warning, not a
  // failure, where the output field may be null (where it may not, the data-flow rules refuse it).
  it('prints warnings and still writes the files', async () => {
    writeDefinitions(
      GOOD.replace("output: z.object({ v: z.string() }), failureWorkflow", 'output: z.object({ v: z.string().nullable() }), failureWorkflow').replace('.output((s) => ({ v: s.step.output.v }))', ".output(() => ({ v: '${nowhere.output.v}' }))"),
    );
    expect(await gen()).toBe(0);
    const lines = err.join('\n').split('\n');
    expect(lines[0]).toBe('gen: 1 warning (not fatal):');
    expect(lines[1]).toMatch(/^  warning REF_UNKNOWN main v1 → outputParameters\.v: "\$\{nowhere\.output\.v\}" references "nowhere"/);
    expect(existsSync(join(root, 'generated/workflows/main.v1.json'))).toBe(true);
  });

  it('refuses a task and a workflow without an owner, saying how to give the project one, and writes nothing', async () => {
    writeDefinitions(GOOD.replace("import { projectDefaults } from '../../../src/index.ts';\nconst { defineTask, workflow } = projectDefaults({ ownerEmail: 'team@example.com' });", "import { defineTask, workflow } from '../../../src/index.ts';"));
    expect([await gen(), existsSync(join(root, 'generated'))]).toEqual([1, false]);
    const said = [
      'TASKDEF_OWNER_EMAIL_MISSING task step → ownerEmail: The task definition has no ownerEmail',
      'OWNER_EMAIL_MISSING main v1 → ownerEmail:',
      "set ownerEmail here, or once for the project with `export const { defineTask, workflow } = projectDefaults({ ownerEmail: 'team@example.com' })`",
    ];
    for (const line of said) expect(err.join('\n')).toContain(line);
  });

  it('explains a definitions module without a workflows export, and a usage error', async () => {
    writeDefinitions('export const nothing = 1;');
    expect(await gen()).toBe(1);
    expect(err[0]).toContain('must export `workflows`');
    expect(await gen('--bogus')).toBe(2);
    expect(err.join('\n')).toContain('usage: k1-workflows gen');
  });

  // Issue 15: names become file names (generated/tasks/<name>.json, generated/workflows/<name>.v<n>.json, docs/workflows/<name>.md).
  it('refuses task and workflow names that are not file-safe, naming the allowed pattern, and writes nothing anywhere', async () => {
    writeDefinitions(`
import { z } from 'zod';
import { projectDefaults } from '../../../src/index.ts';
const { defineTask, workflow } = projectDefaults({ ownerEmail: 'team@example.com' });
const step = defineTask({ name: '../../../escaped', description: 'A step.', input: z.object({ v: z.string() }), output: z.object({ v: z.string() }) });
export const main = workflow(
  { name: '../handler', version: 1, description: 'm', input: z.object({ v: z.string() }), output: z.object({}) },
  (f) => f.task(step, (s) => ({ v: s.input.v })).output(() => ({})),
);
export const workflows = [main];
`);
    expect(await gen()).toBe(1);
    const text = err.join('\n');
    expect(text).toContain('task ../../../escaped');
    expect(text).toContain('the name "../../../escaped" is not a safe Conductor name: use letters, digits, "_" and "-" only (^[A-Za-z0-9_-]+$)');
    expect(text).toContain('the name "../handler" is not a safe Conductor name');
    expect(existsSync(join(root, 'generated'))).toBe(false);
    expect(existsSync(join(root, '..', '..', 'escaped.json'))).toBe(false);
    expect(existsSync(join(root, 'docs'))).toBe(false);
  });

  it('syncFiles refuses a path that leaves the root before writing anything', async () => {
    const { syncFiles } = await import('../../src/gen/sync-files.ts');
    const files = [{ path: 'generated/tasks/ok.json', content: '{}' }, { path: 'generated/tasks/../../../outside.json', content: '{}' }];
    await expect(syncFiles(root, files, [], { check: false })).rejects.toThrow(`generated/tasks/../../../outside.json is outside ${root}`);
    expect(existsSync(join(root, 'generated'))).toBe(false);
  });
});
