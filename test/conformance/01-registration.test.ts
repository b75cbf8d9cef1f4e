/**
 * Part 1, registration: `k1-workflows register` puts generated/ on the real server, `diff` right
 * after finds nothing to do, a second register sends nothing, a changed workflow at a version the
 * server has is refused (and replaced with --allow-overwrite), credentials meet the server's lack
 * of a token endpoint without hanging, and every field a user writes is still seen by the diff.
 * The server defaults the diff ignores are re-learned from the server and must equal the
 * committed ones.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { learnServerDefaults } from '../../src/conductor/learn-defaults.ts';
import { LEARNED_DEFAULTS } from '../../src/conductor/learned-defaults.ts';
import type { TaskDef, WorkflowDef } from '../../src/conductor-types.ts';
import { readGenerated } from '../../src/gen/read-generated.ts';
import { fieldDiffs } from '../../src/sync/field-diff.ts';
import { connectMetadataApi, type MetadataApi } from '../../src/sync/metadata-api.ts';
import { comparableTaskDef, comparableWorkflowDef } from '../../src/sync/server-defaults.ts';
import { startFaultProxy } from '../support/fault-proxy.ts';
import { judge, verdictProblems, type Disagreement } from './allowlist.ts';
import { printSummary, printTable } from './report.ts';
import { conductorUrl, k1Workflows } from './support.ts';

let url: string;
let api: MetadataApi;
let generated: Awaited<ReturnType<typeof readGenerated>>;
const disagreements: Disagreement[] = [];
const rows: [string, string, string][] = [];

function check(step: string, ok: boolean, detail: string): void {
  rows.push([ok ? 'agree' : 'DISAGREE', step, detail]);
  if (!ok) disagreements.push({ key: step, detail });
}

beforeAll(async () => {
  url = conductorUrl();
  api = await connectMetadataApi({ serverUrl: url });
  generated = await readGenerated('generated');
});

afterAll(async () => {
  // The K1 schedules are registered with the rest; removed again so that they do not fire on a shared server.
  for (const def of generated.schedules) await api.deleteSchedule(def.name).catch(() => undefined);
  printTable('Part 1: registration on the real server', ['verdict', 'step', 'detail'], rows);
  const verdict = judge('registration', disagreements);
  printSummary('registration', `${rows.length} checks, ${rows.length - disagreements.length} agree, ${verdict.allowed.length} allowlisted, ${verdict.unlisted.length} unlisted`);
});

describe('part 1: registration', () => {
  it('the server defaults in learned-defaults.ts are what the server adds today', async () => {
    const learned = await learnServerDefaults(api, LEARNED_DEFAULTS.server);
    const diffs = fieldDiffs(learned, LEARNED_DEFAULTS);
    check('learned defaults', diffs.length === 0, diffs.length === 0 ? 'equal' : `${diffs.map((d) => d.path).join(', ')} differ; run \`npm run learn-defaults\``);
    expect(diffs).toEqual([]);
  });

  it('register puts every generated definition on the server, and diff right after reports 0 new, 0 changed', async () => {
    const first = await k1Workflows(['register', '--server', url]);
    const total = generated.tasks.length + generated.workflows.length + generated.schedules.length + generated.eventHandlers.length;
    check('first register exits 0', first.code === 0, `exit ${first.code}: ${(first.stdout + first.stderr).trim().split('\n').pop()}`);
    expect(first.code, first.stdout + first.stderr).toBe(0);

    const diff = await k1Workflows(['diff', '--server', url]);
    const summary = diff.stdout.trim().split('\n').pop() ?? '';
    check('diff after register', summary === `diff: 0 new, 0 changed, ${total} unchanged.`, summary);
    expect(summary, diff.stdout).toBe(`diff: 0 new, 0 changed, ${total} unchanged.`);
  });

  it('a second register exits 0 and sends nothing but reads', async () => {
    const proxy = await startFaultProxy(url);
    try {
      const again = await k1Workflows(['register', '--server', proxy.url]);
      const writes = proxy.seen.filter((r) => r.method !== 'GET' && r.path !== '/api/token');
      check('second register exits 0', again.code === 0, `exit ${again.code}: ${again.stdout.trim().split('\n').pop()}`);
      check('second register sends nothing', writes.length === 0, `${writes.length} write request(s): ${writes.map((w) => `${w.method} ${w.path}`).join(', ') || 'none'}`);
      expect(again.code, again.stdout + again.stderr).toBe(0);
      expect(writes).toEqual([]);
    } finally {
      await proxy.close();
    }
  });

  it('a changed workflow at a version the server has is refused, and the server keeps its copy', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'k1-conformance-gen-'));
    try {
      cpSync('generated', dir, { recursive: true });
      const file = join(dir, 'workflows', 'firmware-ci-cd-pipeline.v1.json');
      const def = JSON.parse(readFileSync(file, 'utf8')) as WorkflowDef;
      writeFileSync(file, JSON.stringify({ ...def, description: `${def.description} (changed)` }, null, 2));
      const changed = await k1Workflows(['register', '--server', url, '--generated', dir]);
      const refused = /refused\s+workflow firmware-ci-cd-pipeline v1/.test(changed.stderr);
      check('changed workflow refused', changed.code === 1 && refused, `exit ${changed.code}; ${changed.stderr.trim().split('\n')[0] ?? ''}`);
      expect(changed.code).toBe(1);
      expect(refused, changed.stderr).toBe(true);
      const stored = await api.getWorkflowDef('firmware-ci-cd-pipeline', 1);
      expect(stored?.description).toBe(def.description);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('--allow-overwrite replaces a workflow: the answer of PUT /api/metadata/workflow (a BulkResponse) passes the shape check', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'k1-conformance-overwrite-'));
    const name = `k1-conformance-overwrite-probe-${process.pid}`;
    try {
      mkdirSync(join(dir, 'workflows'));
      mkdirSync(join(dir, 'tasks'));
      const def = generated.workflows.find((w) => w.name === 'firmware-build-failure-handler') as WorkflowDef;
      const file = join(dir, 'workflows', `${name}.v1.json`);
      writeFileSync(file, JSON.stringify({ ...def, name }, null, 2));
      const first = await k1Workflows(['register', '--server', url, '--generated', dir]);
      writeFileSync(file, JSON.stringify({ ...def, name, description: 'overwritten' }, null, 2));
      const overwrite = await k1Workflows(['register', '--server', url, '--generated', dir, '--allow-overwrite']);
      const stored = await api.getWorkflowDef(name, 1);
      const ok = first.code === 0 && overwrite.code === 0 && overwrite.stdout.trim().endsWith('register: 1 updated.') && stored?.description === 'overwritten';
      check('--allow-overwrite updates', ok, `exit ${first.code} then ${overwrite.code}: ${(overwrite.stdout + overwrite.stderr).trim().split('\n').pop() ?? ''}; stored description ${JSON.stringify(stored?.description)}`);
      expect(overwrite.stdout + overwrite.stderr).toContain('register: 1 updated.');
      expect(stored?.description).toBe('overwritten');
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await fetch(new URL(`/api/metadata/workflow/${name}/1`, url), { method: 'DELETE' });
    }
  });

  it('with credentials given, the token endpoint\'s 404 (conductor-oss has none) means no auth: diff reports and the process exits', async () => {
    const started = Date.now();
    const run = await k1Workflows(['diff', '--server', url, '--key-id', 'conformance-key', '--key-secret', 'conformance-secret-5e4d3c', '--timeout', '10']);
    const summary = run.stdout.trim().split('\n').pop() ?? '';
    const total = generated.tasks.length + generated.workflows.length + generated.schedules.length + generated.eventHandlers.length;
    check('diff with credentials exits', run.code === 0 && summary === `diff: 0 new, 0 changed, ${total} unchanged.`, `exit ${run.code} after ${Date.now() - started} ms: ${summary}`);
    expect(summary, run.stdout + run.stderr).toBe(`diff: 0 new, 0 changed, ${total} unchanged.`);
    expect(run.stdout + run.stderr).not.toContain('conformance-secret-5e4d3c');
  });

  it('a change to any field a user wrote is shown by the diff', async () => {
    let fields = 0;
    const missed: string[] = [];
    const probe = (label: string, local: Record<string, unknown>, remote: Record<string, unknown>, normalize: (d: never) => Record<string, unknown>): void => {
      for (const path of leafPaths(local)) {
        fields++;
        const mutated = withLeaf(local, path, mutate(leafAt(local, path)));
        if (fieldDiffs(normalize(mutated as never), normalize(remote as never)).length === 0) missed.push(`${label}: ${path.join('.')}`);
      }
    };
    for (const def of generated.tasks) probe(def.name, def as never, (await api.getTaskDef(def.name)) as never, comparableTaskDef);
    for (const def of generated.workflows) probe(`${def.name} v${def.version}`, def as never, (await api.getWorkflowDef(def.name, def.version ?? 1)) as never, comparableWorkflowDef);
    check('every written field is diffed', missed.length === 0, `${fields} fields changed one at a time, ${missed.length} unseen${missed.length ? `: ${missed.slice(0, 5).join('; ')}` : ''}`);
    expect(missed).toEqual([]);
  });

  it('has no disagreement outside the allowlist', () => {
    expect(verdictProblems('registration', judge('registration', disagreements))).toEqual([]);
  });
});

type Path = readonly (string | number)[];

function leafPaths(value: unknown, path: Path = []): Path[] {
  if (Array.isArray(value)) return value.length === 0 ? [path] : value.flatMap((v, i) => leafPaths(v, [...path, i]));
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value);
    return entries.length === 0 ? [path] : entries.flatMap(([k, v]) => leafPaths(v, [...path, k]));
  }
  return [path];
}

function leafAt(value: unknown, path: Path): unknown {
  return path.reduce<unknown>((v, key) => (v as Record<string | number, unknown>)[key], value);
}

function withLeaf(value: unknown, path: Path, leaf: unknown): unknown {
  if (path.length === 0) return leaf;
  const [head, ...rest] = path as [string | number, ...Path];
  const copy = (Array.isArray(value) ? [...value] : { ...(value as object) }) as Record<string | number, unknown>;
  copy[head] = withLeaf(copy[head], rest, leaf);
  return copy;
}

/** A different value of the same JSON type. */
function mutate(leaf: unknown): unknown {
  if (typeof leaf === 'number') return leaf + 7;
  if (typeof leaf === 'boolean') return !leaf;
  if (typeof leaf === 'string') return `${leaf}~`;
  if (Array.isArray(leaf)) return ['~'];
  if (leaf === null) return '~';
  return { '~': 1 };
}
