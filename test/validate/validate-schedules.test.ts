/**
 * `k1-workflows validate` on schedule files: recognised by their shape, a bad cron or zone
 * refused naming the field, a schedule of an unknown workflow refused when the workflows are
 * given as files or looked up with --server (read only).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevServer, type DevServer } from '../../src/server/index.ts';
import { runValidate as run, simple, workflow } from './helpers.ts';

let dir: string;
let server: DevServer;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'k1-validate-schedules-'));
  server = await startDevServer();
  const def = { ...workflow([{ name: 'pause', taskReferenceName: 'pause', type: 'WAIT' }]), name: 'nightly', version: 2 };
  const answer = await fetch(`${server.url}/api/metadata/workflow`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(def) });
  expect(answer.status).toBe(200);
});

afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

async function file(name: string, content: unknown): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, JSON.stringify(content));
  return path;
}

const good = { name: 'nightly-run', cronExpression: '0 0 2 * * *', zoneId: 'Europe/Berlin', startWorkflowRequest: { name: 'nightly', version: 2, input: {} } };

describe('k1-workflows validate on schedules', () => {
  it('recognises a schedule file by its shape and passes a good one', async () => {
    const result = await run(await file('good.json', good));
    expect(result).toEqual({ code: 0, stdout: ['validate: 1 file, 0 workflow definitions, 0 task definitions, 1 schedule: no problems.'], stderr: [] });
  });

  it('refuses a bad cron and a bad zone, naming the field', async () => {
    const path = await file('bad.json', { ...good, cronExpression: '0 2 * * *', zoneId: 'Berlin' });
    const result = await run(path);
    expect(result.code).toBe(1);
    expect(result.stderr).toEqual([
      `${path}: SCHEDULE_CRON_INVALID schedule nightly-run → cronExpression: "0 2 * * *" has 5 fields; the server's cron (Spring's CronExpression) takes exactly 6: second minute hour day-of-month month day-of-week. A 5-field (Unix) cron has no seconds: put the seconds first, e.g. "0 0 2 * * *". The server would save it and never fire it.`,
      expect.stringMatching(new RegExp(`^${path.replaceAll('/', '\\/')}: SCHEDULE_ZONE_UNKNOWN schedule nightly-run → zoneId: "Berlin" is not an IANA time zone name this checker knows`)) as string,
    ]);
  });

  it('refuses a schedule of a workflow that is not among the workflow files given', async () => {
    const wf = await file('other.json', { ...workflow([simple('compile')]), name: 'other', version: 1 });
    const result = await run(await file('good2.json', good), wf);
    expect(result.code).toBe(1);
    expect(result.stderr[0]).toContain('SCHEDULE_WORKFLOW_UNKNOWN schedule nightly-run → startWorkflowRequest.name: the schedule starts workflow "nightly", which does not exist');
  });

  it('looks the workflow up with --server: found passes, unknown name or version is refused, nothing is written there', async () => {
    expect((await run('--server', server.url, await file('s1.json', good))).code).toBe(0);
    const unknown = await run('--server', server.url, await file('s2.json', { ...good, startWorkflowRequest: { name: 'nightly', version: 7 } }));
    expect(unknown.code).toBe(1);
    expect(unknown.stderr[0]).toContain('SCHEDULE_WORKFLOW_UNKNOWN schedule nightly-run → startWorkflowRequest.name: the schedule starts workflow "nightly", which does not exist');
    const names = ((await (await fetch(`${server.url}/api/metadata/workflow`)).json()) as { name: string }[]).map((w) => w.name);
    expect(names).toEqual(['nightly']);
  });
});
