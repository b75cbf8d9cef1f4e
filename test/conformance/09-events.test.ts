/**
 * Part 9, event handlers and the EVENT task (issue 19) on the real server:
 *
 * 1. The K1 relay k1-push-event and its handler k1-push-starts-pipeline are registered with the
 *    library's register (one handler object per `POST /api/event`); the diff right after shows
 *    both unchanged. After the server's event refresh (about a minute; polled, not slept) a push
 *    published by k1-push-event starts firmware-ci-cd-pipeline for that commit (terminated here:
 *    no workers run in this part).
 * 2. A publisher's EVENT task reaches a handler of this part: on a message whose branch is `main`
 *    the handler starts a target workflow and completes the WAIT task of a waiting third
 *    workflow; a message of another branch does neither (the condition is honoured).
 * 3. The same scenario in the runner and on the dev server ends the same way, field by field
 *    (ids normalised).
 *
 * Everything registered here is named `events_conf_*` or is the K1 generation; the event strings
 * are well formed (a malformed one would break the event refresh of the shared server).
 */
import { randomBytes } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { readGenerated } from '../../src/gen/read-generated.ts';
import { generate } from '../../src/index.ts';
import { startDevServer } from '../../src/server/index.ts';
import { connectMetadataApi } from '../../src/sync/metadata-api.ts';
import { registerDefinitions, registeredCleanly } from '../../src/sync/register.ts';
import { planSync } from '../../src/sync/sync-plan.ts';
import { run } from '../../src/testing.ts';
import { eventScenario } from '../support/event-scenario.ts';
import { printSummary, printTable } from './report.ts';
import { conductorUrl } from './support.ts';

const { publisher, target, waiter, onMain } = eventScenario('events_conf');
const generation = generate({ workflows: [publisher, target, waiter], eventHandlers: [onMain] });

const rows: string[][] = [];
let agreeing = 0;
afterAll(() => {
  printTable('Part 9: event handlers and EVENT tasks', ['verdict', 'check', 'detail'], rows);
  printSummary('events', `${rows.length} checks, ${agreeing} agree`);
});
function check(name: string, ok: boolean, detail: string): void {
  rows.push([ok ? 'agree' : 'DIFFER', name, detail]);
  if (ok) agreeing++;
}

/** A Conductor REST API (the real server or a dev server) as this part uses it. */
function rest(base: string) {
  const call = async (method: string, path: string, body?: unknown): Promise<unknown> => {
    const response = await fetch(`${base}${path}`, { method, headers: { 'content-type': 'application/json' }, ...(body !== undefined && { body: JSON.stringify(body) }) });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path}: HTTP ${response.status} ${text}`);
    return text === '' ? undefined : text.startsWith('{') || text.startsWith('[') ? JSON.parse(text) : text;
  };
  return {
    start: async (name: string, input: Record<string, unknown>, correlationId?: string): Promise<string> =>
      String(await call('POST', `/api/workflow/${name}${correlationId === undefined ? '' : `?correlationId=${correlationId}`}`, input)),
    get: async (id: string) => (await call('GET', `/api/workflow/${id}?includeTasks=true`)) as { status: string; input: Record<string, unknown>; output: Record<string, unknown>; correlationId?: string; tasks: { referenceTaskName: string; taskId: string; status: string; outputData: Record<string, unknown> }[] },
    correlated: async (name: string, id: string) => (await call('GET', `/api/workflow/${name}/correlated/${id}?includeClosed=true&includeTasks=false`)) as { workflowId: string; status: string; input: Record<string, unknown> }[],
    terminate: (id: string) => call('DELETE', `/api/workflow/${id}?reason=${encodeURIComponent('conformance part 9 is done with it')}`),
  };
}

/** Polls `probe` every `everyMs` until it gives a value, for at most `limitMs`. */
async function until<T>(what: string, limitMs: number, probe: () => Promise<T | undefined>, everyMs = 1000): Promise<T> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${limitMs / 1000} s`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/**
 * Replaces ids by their role in an object's values: the given workflow ids, and the message id
 * (`conductor.event.messageId`, a UUID the queue gives the message) by `<message id>`.
 */
function roles(names: Record<string, string>): (o: Record<string, unknown>) => Record<string, unknown> {
  return (o) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, k === 'conductor.event.messageId' && typeof v === 'string' ? '<message id>' : typeof v === 'string' ? (names[v] ?? v) : v]));
}

/** What one side did with the two pushes, ids replaced by their role. */
interface Outcome {
  waiterMain: { status: string; output: Record<string, unknown>; waitOutput: Record<string, unknown> };
  waiterFeature: string;
  targetOfMain: { status: string; input: Record<string, unknown>; correlation: string }[];
  targetsOfFeature: number;
}

/** The scenario over REST: two waiters, a feature push then a main push, the handler acting on the main one only. */
async function overRest(base: string, limitMs: number): Promise<Outcome> {
  const api = rest(base);
  const [waiterMain, waiterFeature] = [await api.start('events_conf_waiter', {}), await api.start('events_conf_waiter', {})];
  const sha = randomBytes(20).toString('hex');
  const feature = await api.start('events_conf_publisher', { sha, branch: 'feature', waiter_id: waiterFeature });
  const main = await api.start('events_conf_publisher', { sha, branch: 'main', waiter_id: waiterMain });
  try {
    const done = await until('the waiter of the main push completes', limitMs, async () => {
      const wf = await api.get(waiterMain);
      return wf.status === 'RUNNING' ? undefined : wf;
    });
    const targets = await until('the target of the main push completes', 30_000, async () => {
      const list = await api.correlated('events_conf_target', main);
      return list.length > 0 && list.every((w) => w.status !== 'RUNNING') ? list : undefined;
    });
    const named = roles({ [waiterMain]: '<waiter>', [main]: '<publisher>' });
    return {
      waiterMain: { status: done.status, output: done.output, waitOutput: named(done.tasks.find((t) => t.referenceTaskName === 'wait_for_push')?.outputData ?? {}) },
      waiterFeature: (await api.get(waiterFeature)).status,
      targetOfMain: targets.map((t) => ({ status: t.status, input: named(t.input), correlation: '<publisher>' })),
      targetsOfFeature: (await api.correlated('events_conf_target', feature)).length,
    };
  } finally {
    for (const id of [waiterMain, waiterFeature]) await api.terminate(id).catch(() => undefined);
  }
}

/** The same scenario in the runner. */
async function inRunner(): Promise<Outcome> {
  const registry = { workflows: [publisher, target, waiter], eventHandlers: [onMain] };
  const waiterMain = await run(waiter, {}, { registry });
  const waiterFeature = await waiterMain.startWorkflow('events_conf_waiter');
  const sha = randomBytes(20).toString('hex');
  const feature = await waiterMain.startWorkflow('events_conf_publisher', { sha, branch: 'feature', waiter_id: waiterFeature.workflowId });
  const main = await waiterMain.startWorkflow('events_conf_publisher', { sha, branch: 'main', waiter_id: waiterMain.workflowId });
  const named = roles({ [waiterMain.workflowId]: '<waiter>', [main.workflowId]: '<publisher>' });
  const started = main.eventExecutions.filter((e) => e.action === 'start_workflow').map((e) => main.workflowRun(String(e.output['workflowId']))?.toJSON());
  const of = (publisherId: string) => started.filter((t) => t?.['correlationId'] === publisherId);
  return {
    waiterMain: { status: waiterMain.status, output: waiterMain.output, waitOutput: named(waiterMain.task('wait_for_push')?.outputData ?? {}) },
    waiterFeature: waiterFeature.status,
    targetOfMain: of(main.workflowId).map((t) => ({ status: String(t?.['status']), input: named(t?.['input'] as Record<string, unknown>), correlation: '<publisher>' })),
    targetsOfFeature: of(feature.workflowId).length,
  };
}

describe('part 9: event handlers', () => {
  const url = conductorUrl();
  let server: Outcome;

  it('registers the K1 relay and its handler (one object per POST /api/event); diff right after: unchanged', async () => {
    const api = await connectMetadataApi({ serverUrl: url });
    const generated = await readGenerated('generated');
    // Definitions another part or engineer registered differently stay as they are (part 1 checks those).
    const plan = (await planSync(api, generated)).filter((c) => c.status !== 'changed');
    expect(registeredCleanly(await registerDefinitions(api, plan))).toBe(true);
    const after = await planSync(api, generated);
    const ours = after.filter((c) => c.name === 'k1-push-event' || c.kind === 'handler').map((c) => `${c.kind} ${c.name} ${c.status}`);
    check('K1 relay and handler after register', ours.join(', ') === 'workflow k1-push-event unchanged, handler k1-push-starts-pipeline unchanged', ours.join(', '));
    expect(ours).toEqual(['workflow k1-push-event unchanged', 'handler k1-push-starts-pipeline unchanged']);

    const own = { workflows: generation.workflows, tasks: [], eventHandlers: generation.eventHandlers };
    expect(registeredCleanly(await registerDefinitions(api, await planSync(api, own), { allowOverwrite: true }))).toBe(true);
    const changes = (await planSync(api, own)).filter((c) => c.status !== 'unchanged').map((c) => `${c.kind} ${c.name} ${c.status}`);
    check("this part's workflows and handler after register", changes.length === 0, changes.join(', ') || '0 changes');
    expect(changes).toEqual([]);
  });

  it('after the refresh, a push published by k1-push-event starts firmware-ci-cd-pipeline for its commit', async () => {
    const api = rest(url);
    const commit = randomBytes(20).toString('hex');
    const started = Date.now();
    const relay = await api.start('k1-push-event', { repo: 'K1.node1', branch: 'main', commit_sha: commit, device_ip: '192.168.1.104' }, commit);
    const [pipeline] = await until('firmware-ci-cd-pipeline starts for the pushed commit', 150_000, async () => {
      const list = await api.correlated('firmware-ci-cd-pipeline', commit);
      return list.length > 0 ? list : undefined;
    }, 2000);
    await api.terminate(pipeline?.workflowId ?? '');
    const relayRun = await api.get(relay);
    const ok = relayRun.status === 'COMPLETED' && pipeline?.input['commit_sha'] === commit && pipeline.input['device_ip'] === '192.168.1.104' && pipeline.input['max_flash_percent'] === 70;
    check('K1 push handler fires', ok, `relay ${relayRun.status}, pipeline started ${Math.round((Date.now() - started) / 1000)} s after the push with input ${JSON.stringify(pipeline?.input)}`);
    expect(relayRun.output).toEqual({ event: 'conductor:k1-push-event:publish_push' });
    expect(pipeline?.input).toMatchObject({ repo: 'K1.node1', branch: 'main', commit_sha: commit, device_ip: '192.168.1.104', environment: 'esp32-s3-devkitc-1', max_warnings: 0, max_flash_percent: 70 });
  }, 200_000);

  it('an EVENT task starts a workflow through a handler and completes a WAIT task in a third; the condition is honoured', async () => {
    server = await overRest(url, 150_000);
    const ok = server.waiterMain.status === 'COMPLETED' && server.waiterFeature === 'RUNNING' && server.targetOfMain.length === 1 && server.targetsOfFeature === 0;
    check('real server: main push acted on, feature push skipped', ok, JSON.stringify(server));
    expect(server.waiterMain.status).toBe('COMPLETED');
    expect(server.waiterFeature).toBe('RUNNING');
    // The started run's input has the message's id and event besides what the handler maps.
    expect(server.targetOfMain).toEqual([
      { status: 'COMPLETED', input: { sha: expect.any(String), by: 'events_conf_publisher', 'conductor.event.messageId': '<message id>', 'conductor.event.name': 'conductor:events_conf_publisher:announce' }, correlation: '<publisher>' },
    ]);
    // The WAIT task's output: the action's details as resolved (nulls kept), its output, the message's id and event.
    expect(server.waiterMain.waitOutput).toEqual({
      workflowId: '<waiter>',
      taskId: null,
      taskRefName: 'wait_for_push',
      reasonForIncompletion: null,
      sha: expect.any(String),
      'conductor.event.messageId': '<message id>',
      'conductor.event.name': 'conductor:events_conf_publisher:announce',
    });
    expect(server.targetsOfFeature).toBe(0);
  }, 200_000);

  it('the runner and the dev server end the same scenario the same way', async () => {
    const dev = await startDevServer({ requireOwnerEmail: false });
    let local: Outcome;
    try {
      const api = await connectMetadataApi({ serverUrl: dev.url });
      expect(registeredCleanly(await registerDefinitions(api, await planSync(api, { workflows: generation.workflows, tasks: [], eventHandlers: generation.eventHandlers })))).toBe(true);
      local = await overRest(dev.url, 10_000);
    } finally {
      await dev.close();
    }
    const runner = await inRunner();
    const sha = (o: Outcome) => ({ ...o, waiterMain: { ...o.waiterMain, output: { ...o.waiterMain.output, sha: '<sha>' }, waitOutput: { ...o.waiterMain.waitOutput, sha: '<sha>' } }, targetOfMain: o.targetOfMain.map((t) => ({ ...t, input: { ...t.input, sha: '<sha>' } })) });
    check('dev server = real server', isDeepStrictEqual(sha(local), sha(server)), JSON.stringify(sha(local)));
    check('runner = real server', isDeepStrictEqual(sha(runner), sha(server)), JSON.stringify(sha(runner)));
    expect(sha(local)).toEqual(sha(server));
    expect(sha(runner)).toEqual(sha(server));
  }, 60_000);
});
