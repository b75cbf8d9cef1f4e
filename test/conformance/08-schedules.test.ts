/**
 * Part 8, schedules and schemas on the real server: the schedule defaults the diff ignores are
 * learned again; the cron reader gives the same five times as the server's preview; crons the
 * server cannot parse are refused, and a bad schedule never reaches the server; the K1 nightly
 * schedule registers with a clean diff after, and a copy of it with a seconds cron fires there
 * with the five scheduler keys the runner and dev server add; inputSchema/outputSchema are not
 * enforced by the server (even with enforceSchema: true), so the typed client and the worker
 * binding are the only checks. Every schedule made here is deleted afterwards, so nothing keeps
 * firing on a shared server.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { noopLogger, orkesConductorClient, type Task } from '@io-orkes/conductor-javascript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { compileWorkflow, defineTask, nextFireTimes, parseCron, startWorkflow, toTaskDef, workflow, WorkflowInputError } from '../../src/index.ts';
import { readGenerated } from '../../src/gen/read-generated.ts';
import { learnScheduleDefaults } from '../../src/schedule/learn-schedule-defaults.ts';
import { LEARNED_SCHEDULE_DEFAULTS } from '../../src/schedule/learned-schedule-defaults.ts';
import { scheduledRunInput, validateScheduleDef, type WorkflowScheduleDef } from '../../src/schedule/schedule-def.ts';
import { comparableSchedule } from '../../src/schedule/stored-schedule.ts';
import { startDevServer } from '../../src/server/index.ts';
import { fieldDiffs } from '../../src/sync/field-diff.ts';
import { connectMetadataApi, type MetadataApi } from '../../src/sync/metadata-api.ts';
import { createWorker } from '../../src/worker/index.ts';
import { startFaultProxy } from '../support/fault-proxy.ts';
import { judge, type Disagreement } from './allowlist.ts';
import { printSummary, printTable } from './report.ts';
import { conductorUrl, k1Workflows } from './support.ts';

let url: string;
let api: MetadataApi;
const disagreements: Disagreement[] = [];
const rows: [string, string, string][] = [];
/** Schedules this part saved on the server: deleted in afterAll whatever happens. */
const made = new Set<string>();
const prefix = `sched_conf_${process.pid}`;

function check(step: string, ok: boolean, detail: string): void {
  rows.push([ok ? 'agree' : 'DISAGREE', step, detail]);
  if (!ok) disagreements.push({ key: step, detail });
}

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; json: any; text: string }> {
  const response = await fetch(`${url}${path}`, { method, ...(body !== undefined && { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }) });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, json, text };
}

async function eventually<T>(what: string, probe: () => Promise<T | undefined>, ms: number): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

const iso = (t: number): string => new Date(t).toISOString();

beforeAll(async () => {
  url = conductorUrl();
  api = await connectMetadataApi({ serverUrl: url });
});

afterAll(async () => {
  for (const name of made) await api.deleteSchedule(name).catch(() => undefined);
  printTable('Part 8: schedules and schemas on the real server', ['verdict', 'step', 'detail'], rows);
  const verdict = judge('schedules', disagreements);
  printSummary('schedules', `${rows.length} checks, ${rows.length - disagreements.length} agree, ${verdict.allowed.length} allowlisted, ${verdict.unlisted.length} unlisted`);
});

describe('part 8: schedules', () => {
  it('the schedule defaults in learned-schedule-defaults.ts are what the server adds today', async () => {
    const learned = await learnScheduleDefaults(api, LEARNED_SCHEDULE_DEFAULTS.server);
    const diffs = fieldDiffs(learned, LEARNED_SCHEDULE_DEFAULTS);
    check('learned schedule defaults', diffs.length === 0, diffs.length === 0 ? 'equal' : `${diffs.map((d) => d.path).join(', ')} differ; run \`npm run learn-defaults\``);
    expect(diffs).toEqual([]);
  });

  it('the cron reader gives the same five times as GET /api/scheduler/nextFewSchedules', async () => {
    // The preview reads the cron in UTC (it takes no zone) from scheduleStartTime on.
    const start = Date.UTC(2027, 0, 1);
    const crons = [
      '0 0 2 * * *',
      '@daily',
      '@hourly',
      '@weekly',
      '@monthly',
      '@yearly',
      '*/7 * * * * *',
      '0/15 * * * * *',
      '5/20 0 * * * *',
      '0 30 9-17/2 * * MON-FRI',
      '0 0 0 1 * MON',
      '0 0 12 ? * MON#2',
      '0 0 0 L * ?',
      '0 0 0 LW * ?',
      '0 0 0 15W * ?',
      '0 0 0 ? * 5L',
      '0 0 0 * * 7',
      '0 0 0 29 2 *',
      '0 0 0 * JAN,JUL *',
    ];
    let agree = 0;
    for (const cron of crons) {
      const answer = await call('GET', `/api/scheduler/nextFewSchedules?cronExpression=${encodeURIComponent(cron)}&scheduleStartTime=${start}&limit=5`);
      const parsed = parseCron(cron);
      const ours = 'problem' in parsed ? parsed.problem : nextFireTimes(parsed, Date.now(), 5, { startTime: start }).map(iso).join(', ');
      const server = answer.status === 200 ? (answer.json as number[]).map(iso).join(', ') : `HTTP ${answer.status}`;
      check(`preview ${cron}`, ours === server, ours === server ? server : `server ${server}; ours ${ours}`);
      if (ours === server) agree++;
    }
    expect(agree).toBe(crons.length);
  });

  it('crons the server cannot parse (5 and 7 fields) are refused, and a bad schedule is never sent', async () => {
    for (const cron of ['0 2 * * *', '0 0 2 * * * 2027', '@nightly']) {
      const answer = await call('GET', `/api/scheduler/nextFewSchedules?cronExpression=${encodeURIComponent(cron)}`);
      const parsed = parseCron(cron);
      const ok = answer.status === 500 && answer.json?.message === 'Invalid cron expression' && 'problem' in parsed;
      check(`refused ${cron}`, ok, `server HTTP ${answer.status} ${String(answer.json?.message)}; ours: ${'problem' in parsed ? parsed.problem : 'accepted'}`);
      expect(ok).toBe(true);
    }
    // validate --server looks the workflow up (reads only) and refuses; nothing is saved.
    const dir = mkdtempSync(join(tmpdir(), 'k1-conformance-schedules-'));
    try {
      const name = `${prefix}_orphan`;
      const file = join(dir, 'orphan.json');
      writeFileSync(file, JSON.stringify({ name, cronExpression: '0 0 2 * * *', zoneId: 'Europe/Berln', startWorkflowRequest: { name: `${prefix}_no_such_workflow`, version: 1 } }));
      const run = await k1Workflows(['validate', '--server', url, file]);
      const stored = await call('GET', `/api/scheduler/schedules/${name}`);
      const ok = run.code === 1 && run.stderr.includes('SCHEDULE_WORKFLOW_UNKNOWN') && run.stderr.includes('SCHEDULE_ZONE_UNKNOWN') && stored.status === 404;
      check('validate --server refuses an unknown workflow and zone', ok, `exit ${run.code}; ${run.stderr.trim().split('\n').length} issue line(s); server GET ${stored.status}`);
      expect(run.stderr).toContain(`schedule ${name} → startWorkflowRequest.name: the schedule starts workflow "${prefix}_no_such_workflow", which does not exist`);
      expect(run.stderr).toContain(`schedule ${name} → zoneId: "Europe/Berln" is not an IANA time zone name`);
      expect(stored.status).toBe(404);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the K1 nightly schedule registers with the rest of generated/, and diff right after reports 0 changed', async () => {
    const generated = await readGenerated('generated');
    made.add('pattern-nightly-regression');
    const first = await k1Workflows(['register', '--server', url]);
    expect(first.code, first.stdout + first.stderr).toBe(0);
    const total = generated.tasks.length + generated.workflows.length + generated.schedules.length + generated.eventHandlers.length;
    const diff = await k1Workflows(['diff', '--server', url]);
    const summary = diff.stdout.trim().split('\n').pop() ?? '';
    const scheduleLine = diff.stdout.split('\n').find((l) => l.includes('schedule pattern-nightly-regression')) ?? '';
    check('diff after register', summary === `diff: 0 new, 0 changed, ${total} unchanged.` && scheduleLine.includes('unchanged'), `${summary} (${scheduleLine.trim()})`);
    expect(summary, diff.stdout).toBe(`diff: 0 new, 0 changed, ${total} unchanged.`);
    expect(scheduleLine).toContain('unchanged schedule pattern-nightly-regression');
  });

  it('a change to any field of the K1 schedule, or a default set otherwise, is shown by the diff', async () => {
    const local = (await readGenerated('generated')).schedules.find((d) => d.name === 'pattern-nightly-regression') as WorkflowScheduleDef;
    const remote = (await api.getSchedule(local.name)) as Record<string, unknown>;
    const leaves = (value: unknown, path: (string | number)[] = []): (string | number)[][] =>
      typeof value === 'object' && value !== null ? Object.entries(value).flatMap(([k, v]) => leaves(v, [...path, Array.isArray(value) ? Number(k) : k])) : [path];
    const changed = (path: (string | number)[]): Record<string, unknown> => {
      const copy = structuredClone(local) as unknown as Record<string, unknown>;
      let at: Record<string | number, unknown> = copy;
      for (const key of path.slice(0, -1)) at = at[key] as Record<string | number, unknown>;
      const key = path.at(-1) as string | number;
      const value = at[key];
      at[key] = typeof value === 'boolean' ? !value : typeof value === 'number' ? value + 1 : `${String(value)}x`;
      return copy;
    };
    const probes = [
      ...leaves(local).filter((path) => path[0] !== 'name').map((path) => ({ label: path.join('.'), def: changed(path) })),
      ...Object.entries(LEARNED_SCHEDULE_DEFAULTS.schedule).map(([key, value]) => ({ label: `${key} (default)`, def: { ...local, [key]: typeof value === 'boolean' ? !value : typeof value === 'string' ? 'Asia/Tokyo' : ['x'] } })),
    ];
    const missed = probes.filter(({ def }) => fieldDiffs(comparableSchedule(def), comparableSchedule(remote)).length === 0).map((p) => p.label);
    check('every schedule field change is seen', missed.length === 0, `${probes.length} changes, ${missed.length} missed${missed.length > 0 ? `: ${missed.join(', ')}` : ''}`);
    expect(fieldDiffs(comparableSchedule(local), comparableSchedule(remote))).toEqual([]);
    expect(missed).toEqual([]);
  });

  it('a copy of the K1 schedule with a seconds cron fires there, with the five scheduler keys as the runner builds them', async () => {
    const generated = await readGenerated('generated');
    const nightly = generated.schedules.find((s) => s.name === 'pattern-nightly-regression') as WorkflowScheduleDef;
    const copy: WorkflowScheduleDef = { ...nightly, name: `${prefix}_nightly_seconds`, cronExpression: '*/3 * * * * *' };
    expect(validateScheduleDef(copy, { workflows: generated.workflows.map((w) => ({ name: w.name, version: w.version })) })).toEqual([]);
    made.add(copy.name);
    const savedAt = Date.now();
    await api.saveSchedule(copy);
    let run: { workflowId: string; input: Record<string, unknown> };
    try {
      run = await eventually(
        'a run started by the schedule',
        async () => {
          const found = await call('GET', `/api/workflow/search?query=${encodeURIComponent('workflowType IN (pattern-nightly-regression)')}&sort=startTime:DESC&size=20`);
          for (const summary of (found.json?.results ?? []) as { workflowId: string; startTime?: number | string }[]) {
            const full = await call('GET', `/api/workflow/${summary.workflowId}?includeTasks=false`);
            if (full.json?.input?._startedByScheduler === copy.name) return { workflowId: summary.workflowId, input: full.json.input as Record<string, unknown> };
          }
          return undefined;
        },
        30_000,
      );
    } finally {
      await api.deleteSchedule(copy.name);
      made.delete(copy.name);
    }
    const { input } = run;
    const scheduled = input['_scheduledTime'] as number;
    const cron = parseCron(copy.cronExpression);
    const fireTimes = 'problem' in cron ? [] : nextFireTimes(cron, scheduled - 1000, 1, { zone: copy.zoneId });
    const expected = scheduledRunInput(copy, scheduled, input['_executedTime'] as number, input['_executionId'] as string);
    const ok =
      isDeepStrictEqual(input, expected) &&
      fireTimes[0] === scheduled &&
      scheduled >= savedAt - 1000 &&
      typeof input['_executedTime'] === 'number' &&
      // The server starts a fire that is due within a second (SchedulerService: offsetSeconds > 1
      // waits), so _executedTime can be a little before _scheduledTime (observed: 94 ms before).
      Math.abs((input['_executedTime'] as number) - scheduled) < 5_000 &&
      /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(String(input['_executionId']));
    check('seconds schedule fires with the scheduler keys', ok, `_scheduledTime ${iso(scheduled)}, _executedTime +${(input['_executedTime'] as number) - scheduled} ms, _schedulerCron ${JSON.stringify(input['_schedulerCron'])}`);
    expect(input).toEqual(expected);
    expect(fireTimes[0]).toBe(scheduled);
    expect(ok).toBe(true);
    // Nothing should keep running on a shared server: the run waits on workers nobody runs here.
    await call('DELETE', `/api/workflow/${run.workflowId}?reason=${encodeURIComponent('conformance part 8: fired by a test schedule')}`);
    const after = await call('GET', `/api/scheduler/schedules/${copy.name}`);
    expect(after.status).toBe(404);
  });
});

describe('part 8: the dev server stores and answers schedules as the server does', () => {
  it('the same saves, pauses, reads, preview and 404 give the same answers, times aside', async () => {
    const dev = await startDevServer();
    const name = `${prefix}_twin`;
    const workflowName = `${prefix}_twin_wf`;
    const def = { name: workflowName, version: 1, schemaVersion: 2, ownerEmail: 'conformance@k1.test', tasks: [{ name: 'hold', taskReferenceName: 'hold', type: 'WAIT' }] };
    const schedule = { name, cronExpression: '0 15 3 * * MON-FRI', zoneId: 'Europe/Berlin', paused: true, description: 'twin', startWorkflowRequest: { name: workflowName, version: 1, input: { a: [1, 2] } } };
    const answers = async (base: string): Promise<Record<string, unknown>> => {
      const at = async (method: string, path: string, body?: unknown) => {
        const response = await fetch(`${base}${path}`, { method, ...(body !== undefined && { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }) });
        const text = await response.text();
        // Times and the server's host name (`instance`) differ by nature.
        const json = text === '' ? '' : (JSON.parse(text, (key, value: unknown) => (['createTime', 'updatedTime', 'instance'].includes(key) ? undefined : value)) as unknown);
        return { status: response.status, body: json };
      };
      await at('PUT', '/api/metadata/workflow', [def]);
      made.add(name);
      return {
        save: await at('POST', '/api/scheduler/schedules', schedule),
        read: await at('GET', `/api/scheduler/schedules/${name}`),
        resume: await at('PUT', `/api/scheduler/schedules/${name}/resume`),
        pause: await at('PUT', `/api/scheduler/schedules/${name}/pause?reason=twin`),
        paused: await at('GET', `/api/scheduler/schedules/${name}`),
        list: await at('GET', `/api/scheduler/schedules?workflowName=${workflowName}`),
        preview: await at('GET', `/api/scheduler/nextFewSchedules?cronExpression=${encodeURIComponent(schedule.cronExpression)}&scheduleStartTime=${Date.UTC(2027, 0, 1)}&limit=3`),
        delete: await at('DELETE', `/api/scheduler/schedules/${name}`),
        gone: await at('GET', `/api/scheduler/schedules/${name}`),
        badPreview: await at('GET', `/api/scheduler/nextFewSchedules?cronExpression=${encodeURIComponent('0 2 * * *')}`),
        // 405 on both; the wording is each router's own (the dev server's names the allowed methods) for every path.
        put: (await at('PUT', '/api/scheduler/schedules', schedule)).status,
      };
    };
    try {
      const real = await answers(url);
      const local = await answers(dev.url);
      const differences = fieldDiffs(local, real);
      check('dev server scheduler answers', differences.length === 0, differences.length === 0 ? `${Object.keys(real).length} calls answered alike` : differences.map((d) => `${d.path}: dev ${JSON.stringify(d.local)}, server ${JSON.stringify(d.remote)}`).join('; '));
      expect(differences).toEqual([]);
    } finally {
      await api.deleteSchedule(name).catch(() => undefined);
      made.delete(name);
      await api.deleteWorkflowDef(workflowName, 1).catch(() => undefined);
      await dev.close();
    }
  });
});

describe('part 8: schemas are stored but not enforced by the server', () => {
  const counted = defineTask({
    name: 'sched_schema_count_task',
    description: 'Counts (conformance part 8).',
    input: z.object({ items: z.array(z.string()) }),
    output: z.object({ count: z.number().int() }),
    retryCount: 0,
  });
  const counting = workflow(
    { name: 'sched_schema_count', version: 1, description: 'Counts items (conformance part 8).', input: z.object({ items: z.array(z.string()) }), output: z.object({ count: z.number().int() }) },
    (f) => f.task(counted, (s) => ({ items: s.input.items })).output((s) => ({ count: s.sched_schema_count_task.output.count })),
  );

  async function startRaw(input: unknown): Promise<string> {
    const answer = await call('POST', '/api/workflow', { name: counting.name, version: 1, input });
    expect(answer.status, answer.text).toBe(200);
    return answer.text;
  }

  async function pollOne(): Promise<Task> {
    return eventually('a task to poll', async () => {
      const answer = await call('GET', `/api/tasks/poll/${counted.name}?workerid=conformance-part-8`);
      return answer.status === 200 && answer.text !== '' ? (answer.json as Task) : undefined;
    }, 10_000);
  }

  async function status(id: string): Promise<string> {
    return eventually('the run to end', async () => {
      const s = (await call('GET', `/api/workflow/${id}?includeTasks=false`)).json?.status as string;
      return s === 'RUNNING' ? undefined : s;
    }, 10_000);
  }

  beforeAll(async () => {
    await api.createTaskDefs([{ ...toTaskDef(counted), enforceSchema: true }]);
    await api.upsertWorkflowDef({ ...compileWorkflow(counting), enforceSchema: true });
  });

  afterAll(async () => {
    await api.deleteWorkflowDef(counting.name, 1).catch(() => undefined);
    await api.deleteTaskDef(counted.name).catch(() => undefined);
  });

  it('a start with input that breaks the inputSchema runs; the typed client refuses it before sending', async () => {
    const id = await startRaw({ items: 'not a list' });
    const run = (await call('GET', `/api/workflow/${id}`)).json as { status: string; workflowDefinition?: { enforceSchema?: boolean; inputSchema?: unknown } };
    const serverRuns = run.status === 'RUNNING' && run.workflowDefinition?.enforceSchema === true && run.workflowDefinition.inputSchema !== undefined;
    check('server starts a run whose input breaks its schema', serverRuns, `status ${run.status}, enforceSchema ${String(run.workflowDefinition?.enforceSchema)}`);
    expect(serverRuns).toBe(true);
    await call('DELETE', `/api/workflow/${id}?reason=conformance`);

    const proxy = await startFaultProxy(url);
    try {
      const client = await orkesConductorClient({ serverUrl: proxy.url, logger: noopLogger });
      const refused = await startWorkflow(client, counting, { items: 'not a list' } as never).then(
        () => undefined,
        (error: unknown) => error,
      );
      const starts = proxy.seen.filter((r) => r.method === 'POST' && r.path.startsWith('/api/workflow'));
      const ok = refused instanceof WorkflowInputError && refused.message.includes('items: Expected array, received string') && starts.length === 0;
      check('typed client refuses the input before the start', ok, `${refused instanceof Error ? refused.message : 'no error'}; ${starts.length} start request(s) sent`);
      expect(refused).toBeInstanceOf(WorkflowInputError);
      expect(starts).toEqual([]);
    } finally {
      await proxy.close();
    }
  });

  it('a task output that breaks the outputSchema completes; the worker binding refuses it', async () => {
    const raw = await startRaw({ items: ['a', 'b'] });
    const polled = await pollOne();
    await call('POST', '/api/tasks', { workflowInstanceId: polled.workflowInstanceId, taskId: polled.taskId, status: 'COMPLETED', outputData: { count: 'two' } });
    const rawEnd = await status(raw);
    check('server completes a task whose output breaks its schema', rawEnd === 'COMPLETED', `run ${rawEnd}`);
    expect(rawEnd).toBe('COMPLETED');

    const bound = await startRaw({ items: ['a', 'b'] });
    const task = await pollOne();
    const worker = createWorker(counted, () => ({ count: 'two' }) as never);
    const result = (await worker.execute(task)) as { status?: string; reasonForIncompletion?: string; outputData?: Record<string, unknown> };
    await call('POST', '/api/tasks', { workflowInstanceId: task.workflowInstanceId, taskId: task.taskId, ...result });
    const boundEnd = await status(bound);
    const ok = result.status === 'FAILED_WITH_TERMINAL_ERROR' && String(result.reasonForIncompletion).includes('count') && boundEnd === 'FAILED';
    check('worker binding refuses a bad output', ok, `${String(result.status)}: ${String(result.reasonForIncompletion).slice(0, 100)}; run ${boundEnd}`);
    expect(result.status).toBe('FAILED_WITH_TERMINAL_ERROR');
    expect(boundEnd).toBe('FAILED');
  });
});
