import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { startDevServer, type DevServer } from '../../src/server/index.ts';
import { startFaultProxy } from '../support/fault-proxy.ts';

let server: DevServer;
let proxy: Awaited<ReturnType<typeof startFaultProxy>>;
let generated: string;
let out: string[];
let err: string[];
const io = { stdout: (l: string) => out.push(l), stderr: (l: string) => err.push(l) };

async function cli(...args: string[]): Promise<number> {
  out = [];
  err = [];
  return main([...args, '--server', proxy.url, '--generated', generated], io);
}

/** Edits one generated JSON file in the test's copy of generated/. */
function edit(file: string, change: (def: Record<string, unknown>) => void): void {
  const path = join(generated, file);
  const def = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  change(def);
  writeFileSync(path, JSON.stringify(def));
}

const writes = () => proxy.seen.filter((r) => r.method === 'POST' || r.method === 'PUT');
const savedEnv: Record<string, string | undefined> = {};

beforeEach(async () => {
  for (const name of ['CONDUCTOR_SERVER_URL', 'CONDUCTOR_AUTH_KEY', 'CONDUCTOR_AUTH_SECRET']) {
    savedEnv[name] = process.env[name];
    delete process.env[name];
  }
  mkdirSync('.tmp', { recursive: true });
  generated = mkdtempSync(join('.tmp', 'generated-'));
  cpSync('generated', generated, { recursive: true });
  server = await startDevServer();
  proxy = await startFaultProxy(server.url);
});

afterEach(async () => {
  await proxy.close();
  await server.close();
  rmSync(generated, { recursive: true, force: true });
  for (const [name, value] of Object.entries(savedEnv)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

describe('k1-workflows register', () => {
  it('first run registers everything in dependency order; a second run sends nothing', async () => {
    expect(await cli('register')).toBe(0);
    expect(out.at(-1)).toBe('register: 33 registered.');
    const order = writes().map((r) => `${r.method} ${r.path.split('?')[0]} ${(JSON.parse(r.body) as { name?: string }).name ?? 'list'}`);
    expect(order[0]).toBe('POST /api/metadata/taskdefs list');
    const workflowOrder = order.filter((o) => o.startsWith('POST /api/metadata/workflow')).map((o) => o.split(' ')[2]);
    expect(workflowOrder.indexOf('firmware-build-failure-handler')).toBeLessThan(workflowOrder.indexOf('firmware-ci-cd-pipeline'));
    expect(workflowOrder.indexOf('deployment-rollback-handler')).toBeLessThan(workflowOrder.indexOf('multi-stage-deployment'));
    expect(workflowOrder).toHaveLength(8);
    // Event handlers go last, once the workflows they name are there, as ONE object per POST.
    expect(order.at(-1)).toBe('POST /api/event k1-push-starts-pipeline');

    const before = writes().length;
    expect(await cli('register')).toBe(0);
    expect(out).toEqual(['register: 33 unchanged.']);
    expect(writes().length).toBe(before);
  });

  it('--dry-run reports what it would do and changes nothing', async () => {
    expect(await cli('register', '--dry-run')).toBe(0);
    expect(out.at(-1)).toBe('register: 33 would-register.');
    expect(writes()).toEqual([]);
    expect(await cli('diff')).toBe(0);
    expect(out.at(-1)).toBe('diff: 33 new, 0 changed, 0 unchanged.');
  });

  it('a changed task timeout is a one-field diff, and registers as an update', async () => {
    await cli('register');
    edit('tasks/platformio_compile.json', (def) => {
      def['timeoutSeconds'] = 400;
    });
    expect(await cli('diff')).toBe(0);
    expect(out.filter((l) => !l.startsWith('  unchanged'))).toEqual(['~ changed   task     platformio_compile', '      ~ timeoutSeconds: 300 -> 400', 'diff: 0 new, 1 changed, 32 unchanged.']);
    expect(await cli('diff', '--json')).toBe(0);
    const plan = JSON.parse(out.join('\n')) as { name: string; status: string; diffs: unknown[] }[];
    expect(plan.find((c) => c.name === 'platformio_compile')).toEqual({ kind: 'task', name: 'platformio_compile', status: 'changed', diffs: [{ path: 'timeoutSeconds', local: 400, remote: 300 }] });
    const before = writes().length;
    expect(await cli('register')).toBe(0);
    expect(out).toEqual(['updated        task     platformio_compile', 'register: 1 updated, 32 unchanged.']);
    expect(writes().slice(before).map((r) => `${r.method} ${r.path}`)).toEqual(['PUT /api/metadata/taskdefs']);
  });

  it('a changed event handler is a field diff, and registers with PUT /api/event (handlers have no versions)', async () => {
    await cli('register');
    edit('events/k1-push-starts-pipeline.json', (def) => {
      def['condition'] = "$.branch == 'main'";
    });
    expect(await cli('diff')).toBe(0);
    expect(out.filter((l) => !l.startsWith('  unchanged'))).toEqual([
      '~ changed   handler  k1-push-starts-pipeline',
      `      ~ condition: "typeof $.commit_sha == 'string' && /^[0-9a-f]{7,40}$/i.test($.commit_sha)" -> "$.branch == 'main'"`,
      'diff: 0 new, 1 changed, 32 unchanged.',
    ]);
    const before = writes().length;
    expect(await cli('register')).toBe(0);
    expect(out).toEqual(['updated        handler  k1-push-starts-pipeline', 'register: 1 updated, 32 unchanged.']);
    expect(writes().slice(before).map((r) => `${r.method} ${r.path}`)).toEqual(['PUT /api/event']);
    expect(await cli('diff')).toBe(0);
    expect(out.at(-1)).toBe('diff: 0 new, 0 changed, 33 unchanged.');
  });

  it('a field changed from the server default reads as a change of value; a change late in a long text is shown where it is', async () => {
    await cli('register');
    edit('tasks/notify.json', (def) => {
      def['retryCount'] = 9;
    });
    edit('tasks/platformio_compile.json', (def) => {
      def['description'] = `${String(def['description'])} Changed at the end.`;
    });
    expect(await cli('diff')).toBe(0);
    const changed = out.filter((l) => !l.startsWith('  unchanged'));
    expect(changed).toContain('      ~ retryCount: 3 -> 9');
    const line = changed.find((l) => l.includes('~ description')) ?? '';
    expect(line).toMatch(/^      ~ description: \.\.\.[^>]*" -> \.\.\..* Changed at the end\."$/);
    expect(changed.at(-1)).toBe('diff: 0 new, 2 changed, 31 unchanged.');
  });

  it('a changed workflow at a registered version is refused (bump the version), and replaced with --allow-overwrite', async () => {
    await cli('register');
    edit('workflows/firmware-ci-cd-pipeline.v1.json', (def) => {
      def['timeoutSeconds'] = 900;
    });
    const before = writes().length;
    expect(await cli('register')).toBe(1);
    expect(err[0]).toMatch(/^refused +workflow firmware-ci-cd-pipeline v1: .*Bump the version in its definition and run gen, or pass --allow-overwrite/);
    expect(writes().length).toBe(before);
    expect(await cli('register', '--allow-overwrite')).toBe(0);
    expect(out[0]).toBe('updated        workflow firmware-ci-cd-pipeline v1');
    expect(writes().slice(before).map((r) => `${r.method} ${r.path.split('?')[0]}`)).toEqual(['PUT /api/metadata/workflow']);
    expect(await cli('diff')).toBe(0);
    expect(out.at(-1)).toBe('diff: 0 new, 0 changed, 33 unchanged.');
  });

  it('a schedule is stored with the server defaults and diffs as unchanged; a changed cron is a one-field diff, replaced with POST', async () => {
    await cli('register');
    const stored = (await (await fetch(`${server.url}/api/scheduler/schedules/pattern-nightly-regression`)).json()) as Record<string, unknown>;
    expect(stored).toMatchObject({ cronExpression: '0 0 2 * * *', zoneId: 'Europe/Berlin', cronSchedules: [], updatedTime: expect.any(Number) as number });
    edit('schedules/pattern-nightly-regression.json', (def) => {
      def['cronExpression'] = '0 30 2 * * *';
    });
    expect(await cli('diff')).toBe(0);
    expect(out.filter((l) => !l.startsWith('  unchanged'))).toEqual(['~ changed   schedule pattern-nightly-regression', '      ~ cronExpression: "0 0 2 * * *" -> "0 30 2 * * *"', 'diff: 0 new, 1 changed, 32 unchanged.']);
    const before = writes().length;
    expect(await cli('register')).toBe(0);
    expect(out).toEqual(['updated        schedule pattern-nightly-regression', 'register: 1 updated, 32 unchanged.']);
    expect(writes().slice(before).map((r) => `${r.method} ${r.path}`)).toEqual(['POST /api/scheduler/schedules']);
  });

  it('a schedule edited into a bad cron after gen is refused and never sent', async () => {
    await cli('register');
    edit('schedules/pattern-nightly-regression.json', (def) => {
      def['cronExpression'] = '0 2 * * *';
    });
    const before = writes().length;
    expect(await cli('register')).toBe(1);
    expect(err[0]).toContain('refused        schedule pattern-nightly-regression: not sent: schedule pattern-nightly-regression → cronExpression: "0 2 * * *" has 5 fields');
    expect(writes().slice(before)).toEqual([]);
  });

  it('a new version registers beside the old one, which is untouched', async () => {
    await cli('register');
    edit('workflows/firmware-ci-cd-pipeline.v1.json', (def) => {
      def['version'] = 2;
    });
    expect(await cli('register')).toBe(0);
    expect(out[0]).toBe('registered     workflow firmware-ci-cd-pipeline v2');
    const v1 = (await (await fetch(`${server.url}/api/metadata/workflow/firmware-ci-cd-pipeline?version=1`)).json()) as { version: number };
    expect(v1.version).toBe(1);
  });
});

describe('faults', () => {
  it('503 twice, then success: retried with backoff, everything registered', async () => {
    proxy.faults.push({ when: (r) => r.method === 'POST' && r.path === '/api/metadata/taskdefs', times: 2, kind: 503 });
    expect(await cli('register')).toBe(0);
    expect(out.at(-1)).toBe('register: 33 registered.');
    expect(proxy.seen.filter((r) => r.method === 'POST' && r.path === '/api/metadata/taskdefs')).toHaveLength(3);
  });

  it('dropped connections are retried: two drops, then the third attempt gets through', async () => {
    proxy.faults.push({ when: (r) => r.method === 'GET', times: 2, kind: 'drop' });
    expect(await cli('register')).toBe(0);
    expect(out.at(-1)).toBe('register: 33 registered.');
    const first = proxy.seen[0]?.path;
    expect(proxy.seen.filter((r) => r.path === first)).toHaveLength(3);
  });

  it('task definitions that keep failing block every workflow that needs them: no workflow is registered without its tasks', async () => {
    proxy.faults.push({ when: (r) => r.method === 'POST' && r.path === '/api/metadata/taskdefs', times: 100, kind: 503 });
    expect(await cli('register')).toBe(1);
    // 23 task definitions, and k1-push-event (it needs none, but nothing is sent after a request gave up).
    expect(err.filter((l) => l.startsWith('failed'))).toHaveLength(24);
    expect(err.find((l) => l.startsWith('failed         workflow k1-push-event v1'))).toContain('not sent, an earlier request gave up');
    // Seven workflows need task definitions, the schedule its workflow; the handler needs the workflows it listens to and starts.
    expect(err.filter((l) => l.startsWith('blocked'))).toHaveLength(9);
    expect(err.find((l) => l.startsWith('blocked        handler  k1-push-starts-pipeline'))).toBe('blocked        handler  k1-push-starts-pipeline: not registered because workflow k1-push-event, workflow firmware-ci-cd-pipeline did not make it');
    expect(err.find((l) => l.startsWith('blocked        workflow firmware-ci-cd-pipeline v1'))).toContain('not registered because task definition');
    expect(out.at(-1)).toBe('register: 9 blocked, 24 failed.');
    expect(proxy.seen.filter((r) => r.method === 'POST' && (r.path.startsWith('/api/metadata/workflow') || r.path === '/api/event'))).toEqual([]);
    const listed = (await (await fetch(`${server.url}/api/metadata/workflow`)).json()) as unknown[];
    expect(listed).toEqual([]);
  });

  it('a refused sub-workflow blocks the workflows that call it', async () => {
    await cli('register');
    edit('workflows/deployment-rollback-handler.v1.json', (def) => {
      def['description'] = 'changed';
    });
    edit('workflows/multi-stage-deployment.v1.json', (def) => {
      def['version'] = 2;
    });
    expect(await cli('register')).toBe(1);
    expect(err).toEqual([
      expect.stringMatching(/^refused +workflow deployment-rollback-handler v1: /),
      expect.stringMatching(/^blocked +workflow multi-stage-deployment v2: not registered because workflow deployment-rollback-handler did not make it$/),
    ]);
  });

  it('refused credentials: a clear failure at once, exit 1, and the secret appears nowhere in the output', async () => {
    const secret = 'k1-secret-8c1f2e3d4c5b6a7988';
    process.env['CONDUCTOR_AUTH_KEY'] = 'key-id-123';
    process.env['CONDUCTOR_AUTH_SECRET'] = secret;
    proxy.faults.push({ when: () => true, times: 1000, kind: 401 });
    expect(await cli('register')).toBe(1);
    const text = [...out, ...err].join('\n');
    expect(text).toBe('register: the server refused the credentials (HTTP 401). Check CONDUCTOR_AUTH_KEY and CONDUCTOR_AUTH_SECRET.');
    expect(await cli('diff')).toBe(1);
    expect([...out, ...err].join('\n')).not.toContain(secret);
    expect(proxy.seen.every((r) => r.path === '/api/token')).toBe(true);
    expect(proxy.seen.some((r) => r.body.includes(secret))).toBe(true);
  });

  it('an API that answers 401 to an OSS client: the failure names the credentials, nothing is registered', async () => {
    proxy.faults.push({ when: (r) => r.path.startsWith('/api/metadata'), times: 1000, kind: 401 });
    expect(await cli('register')).toBe(1);
    expect(err.join('\n')).toMatch(/HTTP 401 Unauthorized\. Check CONDUCTOR_AUTH_KEY and CONDUCTOR_AUTH_SECRET\./);
    expect(writes().filter((r) => r.path.startsWith('/api/metadata/workflow'))).toEqual([]);
  });

  it('usage errors exit 2 and name the fix; a half-set auth pair is one', async () => {
    out = [];
    err = [];
    expect(await main(['register'], io)).toBe(2);
    expect(err[0]).toContain('pass --server URL or set CONDUCTOR_SERVER_URL');
    process.env['CONDUCTOR_AUTH_KEY'] = 'only-the-key';
    expect(await cli('diff')).toBe(2);
    expect(err[0]).toContain('set both CONDUCTOR_AUTH_KEY and CONDUCTOR_AUTH_SECRET');
  });
});
