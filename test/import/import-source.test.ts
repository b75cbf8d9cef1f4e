import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { importDefinitions } from '../../src/import/import-definitions.ts';
import { verifyImport, verifyReport } from '../../src/import/verify.ts';

/** A workflow with what the DSL types (a worker task, HTTP), what it cannot (a DECISION) and a reference into it. */
const ORDER = {
  name: 'order_flow',
  version: 2,
  description: 'Ships an order.',
  inputParameters: ['order_id', 'express'],
  inputTemplate: { express: false },
  outputParameters: { label: '${make_label.output.label}', picked: '${pick.output.picked}' },
  timeoutSeconds: 600,
  tasks: [
    { name: 'make_label', taskReferenceName: 'make_label', type: 'SIMPLE', inputParameters: { order: '${workflow.input.order_id}', note: 'order ${workflow.input.order_id}' } },
    {
      name: 'route',
      taskReferenceName: 'route',
      type: 'DECISION',
      caseValueParam: 'express',
      inputParameters: { express: '${workflow.input.express}' },
      decisionCases: { true: [{ name: 'pick', taskReferenceName: 'pick', inputParameters: { order: '${workflow.input.order_id}' } }] },
    },
    { name: 'notify', taskReferenceName: 'notify', type: 'HTTP', inputParameters: { http_request: { uri: 'https://example.com/${make_label.output.label}', method: 'POST', connectionTimeOut: '${workflow.input.express}' } } },
  ],
};

const MAKE_LABEL = { name: 'make_label', description: 'Prints a label.', inputKeys: ['order', 'note'], outputKeys: ['label'], retryCount: 1, pollTimeoutSeconds: 60, ownerEmail: 'shop@example.com' };

const source = () => importDefinitions({ workflows: [{ source: 'order.json', def: ORDER }], taskDefs: [{ source: 'make_label.json', def: MAKE_LABEL }] });

describe('the source the importer writes', () => {
  it('types references where the DSL can, keeps the rest as interpolated strings or untypedRef, and says why a task is kept verbatim', () => {
    const files = source().files;
    const wf = files.find((f) => f.path === 'workflows/order-flow.ts')?.content ?? '';
    expect(wf).toContain(".task(makeLabel, (s) => ({ order: s.input.order_id, note: `order ${s.input.order_id}` }))");
    expect(wf).toContain('// kept verbatim: the DSL has no method for DECISION');
    // Inside the raw task's branch the workflow input is still in scope, typed.
    expect(wf).toContain('.task(pick, (s) => ({ order: s.input.order_id }))');
    // connectionTimeOut takes a number: a string would not type-check, an untyped reference does.
    expect(wf).toContain("connectionTimeOut: untypedRef('workflow.input.express'),");
    expect(wf).toContain('uri: `https://example.com/${s.make_label.output.label}`,');
    expect(wf).toContain("picked: '${pick.output.picked}'");
    expect(wf).toContain("express: z.unknown().default(false),");
    const tasks = files.find((f) => f.path === 'tasks/order-flow-tasks.ts')?.content ?? '';
    expect(tasks).toContain('// TODO: only the names of these fields are known; replace z.unknown() with their types.');
    expect(tasks).toContain("z.object({}).passthrough() /* TODO: nothing is known of this task's output; declare its fields */");
    expect(tasks).toMatch(/retryCount: 1,\n\s+retryLogic: 'FIXED',\n\s+retryDelaySeconds: 60,/);
  });

  it('round-trips it equal, a task definition field a contract cannot hold being a difference', async () => {
    const equal = await verifyImport({ workflows: [{ source: 'order.json', def: ORDER }], taskDefs: [{ source: 'make_label.json', def: MAKE_LABEL }] });
    expect(verifyReport(equal)).toEqual(['equal order_flow', '1 equal, 0 differ, 1 kept verbatim']);
    const isolated = await verifyImport({ workflows: [{ source: 'order.json', def: ORDER }], taskDefs: [{ source: 'make_label.json', def: { ...MAKE_LABEL, isolationGroupId: 'printers' } }] });
    expect(verifyReport(isolated)).toEqual(['differs order_flow: tasks/make_label.isolationGroupId', '0 equal, 1 differ, 1 kept verbatim']);
  }, 60_000);
});

/** Worker tasks with no task definition: their outputs are open objects, whose fields `tsc` reads as `Ref | undefined`. */
const UNDEFINED_TASKS = {
  name: 'health_gate',
  version: 1,
  inputParameters: ['device'],
  tasks: [
    { name: 'check', taskReferenceName: 'check', type: 'SIMPLE', inputParameters: { device: '${workflow.input.device}' } },
    {
      name: 'gate',
      taskReferenceName: 'gate',
      type: 'SWITCH',
      evaluatorType: 'value-param',
      expression: 'switchCaseValue',
      inputParameters: { switchCaseValue: '${check.output.healthy}' },
      decisionCases: { false: [{ name: 'alert', taskReferenceName: 'alert', type: 'SIMPLE', inputParameters: { summary: '${check.output.summary}' } }] },
      defaultCase: [],
    },
  ],
};

describe('references into outputs nothing is known of (no task definitions)', () => {
  it('a switch on such a field reads it with untypedRef, so the source type-checks and re-emits equal', async () => {
    const wf = importDefinitions({ workflows: [{ source: 'gate.json', def: UNDEFINED_TASKS }] }).files.find((f) => f.path === 'workflows/health-gate.ts')?.content ?? '';
    expect(wf).toContain(".switch('gate', () => untypedRef('check.output.healthy'), {");
    expect(wf).toContain('.task(alert, (s) => ({ summary: s.check.output.summary }))');
    expect(verifyReport(await verifyImport({ workflows: [{ source: 'gate.json', def: UNDEFINED_TASKS }] }))).toEqual(['equal health_gate', '1 equal, 0 differ, 0 kept verbatim']);
  }, 60_000);
});

describe('k1-workflows import', () => {
  const run = async (...args: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(['import', ...args], { stdout: (l) => out.push(l), stderr: (l) => err.push(l) });
    return { code, out, err };
  };
  const dir = () => mkdtempSync(join(tmpdir(), 'k1-import-'));

  it('writes the files under --out, reports what it kept verbatim, and refuses to overwrite without --force', async () => {
    const work = dir();
    const file = join(work, 'order.json');
    writeFileSync(file, JSON.stringify(ORDER));
    const out = join(work, 'defs');
    const first = await run(file, '--out', out);
    expect(first.code).toBe(0);
    expect(first.out).toContain(`wrote ${join(out, 'workflows/order-flow.ts')}`);
    expect(first.out).toContain('kept verbatim order_flow tasks[1] (DECISION route): the DSL has no method for DECISION');
    expect(first.out.at(-1)).toBe('import: 1 workflow(s), 2 task contract(s), 1 task(s) kept verbatim.');
    const again = await run(file, '--out', out);
    expect(again.code).toBe(1);
    expect(again.err[0]).toMatch(/^import: 3 file\(s\) exist already .*; choose an empty --out folder or pass --force to replace them\.$/);
    expect((await run(file, '--out', out, '--force')).code).toBe(0);
  });

  it('refuses bad input naming the file and the JSON path, before writing anything', async () => {
    const work = dir();
    const write = (name: string, text: string) => (writeFileSync(join(work, name), text), join(work, name));
    const nested = write('nested.json', JSON.stringify({ name: 'w', tasks: [{ name: 'd', taskReferenceName: 'd', type: 'DECISION', decisionCases: { a: [{ name: 't' }] } }] }));
    expect((await run(nested, '--out', join(work, 'o'))).err).toEqual([`import: refused: ${nested}: tasks[0].decisionCases["a"][0].taskReferenceName: must be a non-empty string`]);
    const named = write('named.json', JSON.stringify([{ name: '../../escape', tasks: [] }]));
    expect((await run(named, '--out', join(work, 'o'))).err).toEqual([
      `import: refused: ${named}: [0].name: the workflow name "../../escape" may hold only letters, digits, "_", "-", ".", ":" and "@"`,
    ]);
    const twice = write('twice.json', JSON.stringify({ name: 'w', tasks: [{ name: 'a', taskReferenceName: 'x' }, { name: 'b', taskReferenceName: 'x' }] }));
    expect((await run(twice, '--out', join(work, 'o'))).err).toEqual([`import: refused: ${twice}: tasks[1].taskReferenceName: "x" is used twice; reference names are unique in a workflow`]);
    const broken = write('broken.json', '{ "name": ');
    expect((await run(broken, '--out', join(work, 'o'))).err[0]).toMatch(new RegExp(`^import: refused: ${broken}: not JSON \\(`));
    const task = write('task.json', JSON.stringify({ name: 'a_task', retryCount: 1 }));
    expect((await run(task, '--out', join(work, 'o'))).err).toEqual([`import: refused: ${task}: tasks: missing: a workflow definition has a tasks list (task definitions go in --tasks DIR)`]);
    expect((await run(nested)).code).toBe(2);
  });

  it('reads a backup of GET /api/metadata/workflow (a list), each version in a file of its own', async () => {
    const work = dir();
    const file = join(work, 'backup.json');
    writeFileSync(file, JSON.stringify([ORDER, { ...ORDER, version: 3, description: 'Ships an order, v3.' }]));
    const verified = await run('--verify', file);
    expect(verified.out).toEqual(['equal order_flow', 'equal order_flow', '2 equal, 0 differ, 2 kept verbatim']);
    expect(verified.code).toBe(0);
    const written = await run(file, '--out', join(work, 'defs'));
    expect(written.out.filter((l) => l.startsWith('wrote')).map((l) => l.slice(l.indexOf('defs')))).toEqual([
      'defs/index.ts',
      'defs/tasks/shared-tasks.ts',
      'defs/workflows/order-flow-v2.ts',
      'defs/workflows/order-flow-v3.ts',
    ]);
  }, 60_000);

  it('--verify prints a line per workflow and the sums, exit 1 on a difference', async () => {
    const work = dir();
    const file = join(work, 'order.json');
    writeFileSync(file, JSON.stringify(ORDER));
    const tasks = join(work, 'tasks');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(tasks);
    writeFileSync(join(tasks, 'make_label.json'), JSON.stringify({ ...MAKE_LABEL, backoffJitterMs: 50 }));
    const result = await run('--verify', file, '--tasks', tasks);
    expect(result.out).toEqual(['differs order_flow: tasks/make_label.backoffJitterMs', '0 equal, 1 differ, 1 kept verbatim']);
    expect(result.code).toBe(1);
  }, 60_000);
});
