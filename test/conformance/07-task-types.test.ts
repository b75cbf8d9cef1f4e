/**
 * Part 7, the remaining task types (issue 19): each new DSL method's workflow is generated (gen's
 * checks included), registered on the real server and run there with workers polling in this
 * process, then registered and run on a dev server the same way, and run in the local runner;
 * the three must agree on the end status, reason, output and every task's reference, type,
 * status, reason, input and output (ids and times aside). Then what the library says about the
 * server without running the DSL: workflow settings read back as emitted (tags dropped), the
 * rate limit not enforced, HTTP_POLL and WAIT_FOR_WEBHOOK left SCHEDULED.
 */
import { randomBytes } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import type { ConductorWorker } from '@io-orkes/conductor-javascript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generate } from '../../src/gen/generate.ts';
import { connectMetadataApi } from '../../src/sync/metadata-api.ts';
import { planSync } from '../../src/sync/sync-plan.ts';
import { UNSUPPORTED_TASK_TYPES } from '../../src/validate/task-type-rules.ts';
import { run } from '../../src/runner/run.ts';
import { startDevServer, type DevServer } from '../../src/server/index.ts';
import { printSummary, printTable } from './report.ts';
import { conductorUrl } from './support.ts';
import { taskTypeScenarios, type Handler, type TaskTypeScenario } from './task-type-scenarios.ts';

const prefix = `types7_${randomBytes(3).toString('hex')}`;
const { scenarios, contracts, workflows } = taskTypeScenarios(prefix);
const generation = generate({ workflows, tasks: contracts });
const TERMINAL = new Set(['COMPLETED', 'FAILED', 'TERMINATED', 'TIMED_OUT']);
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
const rows: string[][] = [];
let agreeing = 0;
let dev: DevServer;

/** One request under `/api` of `url`; JSON answers parsed. */
async function api(url: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const response = await fetch(`${url}/api${path}`, { method, headers: { 'Content-Type': 'application/json' }, ...(body !== undefined && { body: JSON.stringify(body) }) });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // An id, or an empty answer.
  }
  if (response.status >= 400) throw new Error(`${method} ${path} answered ${response.status}: ${text.slice(0, 400)}`);
  return { status: response.status, body: parsed };
}

/** Registers what gen produced: the task definitions, then the workflows (children first, as gen orders them). */
async function register(url: string): Promise<void> {
  await api(url, 'POST', '/metadata/taskdefs', generation.tasks);
  await api(url, 'PUT', '/metadata/workflow', generation.workflows);
}

/** Starts the scenario on a server, works its tasks as its workers, and returns the run once it ended. */
async function onServer(url: string, scenario: TaskTypeScenario): Promise<any> {
  const { body: id } = await api(url, 'POST', '/workflow', {
    name: scenario.workflow.name,
    version: scenario.workflow.version,
    input: scenario.input,
    ...(scenario.correlationId !== undefined && { correlationId: scenario.correlationId }),
    ...(scenario.taskToDomain !== undefined && { taskToDomain: scenario.taskToDomain }),
  });
  const started = Date.now();
  for (;;) {
    const { body: wf } = await api(url, 'GET', `/workflow/${id as string}?includeTasks=true`);
    if (TERMINAL.has(wf.status) || Date.now() - started > 60_000) return wf;
    if (scenario.expected === 'RUNNING' && Date.now() - started > 3000) {
      await api(url, 'DELETE', `/workflow/${id as string}?reason=${prefix}`);
      return wf;
    }
    for (const [key, handler] of Object.entries(scenario.workers)) {
      const [type, domain] = key.split('@') as [string, string | undefined];
      const { body: polled } = await api(url, 'GET', `/tasks/poll/batch/${type}?workerid=${prefix}&count=5&timeout=20${domain === undefined ? '' : `&domain=${domain}`}`);
      for (const task of Array.isArray(polled) ? polled : []) {
        await api(url, 'POST', '/tasks', { taskId: task.taskId, workflowInstanceId: task.workflowInstanceId, status: 'COMPLETED', outputData: handler(task.inputData) });
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The scenario in the local runner, its workers as SDK workers (with their domains). */
async function inRunner(scenario: TaskTypeScenario): Promise<any> {
  const workers: ConductorWorker[] = Object.entries(scenario.workers).map(([key, handler]: [string, Handler]) => {
    const [taskDefName, domain] = key.split('@') as [string, string | undefined];
    return { taskDefName, ...(domain !== undefined && { domain }), execute: async (task) => ({ status: 'COMPLETED', outputData: handler(task.inputData ?? {}) }) };
  });
  const result = await run(scenario.workflow, scenario.input, {
    workers,
    ...(scenario.correlationId !== undefined && { correlationId: scenario.correlationId }),
    ...(scenario.taskToDomain !== undefined && { taskToDomain: scenario.taskToDomain }),
  });
  return result.toJSON();
}

/** What is compared: ids normalised, tasks by reference. */
function viewOf(wf: any): unknown {
  const text = (value: unknown): unknown => JSON.parse(JSON.stringify(value ?? null).replace(UUID, '<id>'));
  return text({
    status: wf.status,
    reason: wf.reasonForIncompletion ?? null,
    output: wf.output,
    tasks: [...(wf.tasks as any[])]
      .map((t) => ({ ref: t.referenceTaskName, type: t.taskType, status: t.status, reason: t.reasonForIncompletion ?? null, domain: t.domain ?? null, input: t.inputData, output: t.outputData }))
      .sort((a, b) => (a.ref < b.ref ? -1 : 1)),
  });
}

beforeAll(async () => {
  dev = await startDevServer({ requireOwnerEmail: false, requireTaskDefs: false });
  await Promise.all([register(conductorUrl()), register(dev.url)]);
});

afterAll(async () => {
  await dev?.close();
  printTable('Part 7: the remaining task types (real server, dev server, runner)', ['verdict', 'scenario', 'status', 'first difference'], rows);
  printSummary(
    'task-types',
    `${scenarios.length} scenarios, ${agreeing} agree on all three (status, reason, output, every task); ${generation.workflows.length} workflows generated and registered; ${rows.length - scenarios.length} server checks (diff, tags, rate limit, unsupported types)`,
  );
});

/** Waits `ms`. */
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('part 7: the remaining task types', () => {
  it('diff right after register: 0 changes (the workflow settings come back as emitted)', async () => {
    const plan = await planSync(await connectMetadataApi({ serverUrl: conductorUrl() }), generation);
    expect(plan.filter((c) => c.status !== 'unchanged').map((c) => `${c.name}: ${c.status} ${JSON.stringify(c.diffs)}`)).toEqual([]);
    const { body: limited } = await api(conductorUrl(), 'GET', `/metadata/workflow/${prefix}_limited?version=1`);
    expect(limited).toMatchObject({
      workflowStatusListenerEnabled: true,
      workflowStatusListenerSink: `conductor:${prefix}_status`,
      rateLimitConfig: { rateLimitKey: '${workflow.correlationId}', concurrentExecLimit: 1, policy: 'QUEUE' },
    });
    rows.push(['agree', 'diff after register', '0 changes', '']);
  });

  it('workflow tags: conductor-oss 3.32.3 drops them on registration (so the DSL has no tags setting)', async () => {
    const def = { name: `${prefix}_tagged`, version: 1, schemaVersion: 2, ownerEmail: 'types@k1.test', timeoutSeconds: 60, tags: [{ key: 'team', value: 'k1' }], tasks: [{ name: 'n', taskReferenceName: 'n', type: 'NOOP' }] };
    await api(conductorUrl(), 'PUT', '/metadata/workflow', [def]);
    const { body: stored } = await api(conductorUrl(), 'GET', `/metadata/workflow/${def.name}?version=1`);
    expect(stored.name).toBe(def.name);
    expect(stored).not.toHaveProperty('tags');
    rows.push(['agree', 'tags dropped', 'no tags read back', '']);
  });

  it('rateLimitConfig: stored, not enforced: a second run with the same key runs beside the first', async () => {
    const start = async (): Promise<string> =>
      (await api(conductorUrl(), 'POST', '/workflow', { name: `${prefix}_limited`, version: 1, input: {}, correlationId: `${prefix}-same` })).body as string;
    const [first, second] = [await start(), await start()];
    await sleep(1000);
    const statuses = await Promise.all([first, second].map(async (id) => (await api(conductorUrl(), 'GET', `/workflow/${id}?includeTasks=true`)).body));
    expect(statuses.map((wf) => wf.status)).toEqual(['RUNNING', 'RUNNING']);
    expect(statuses.map((wf) => wf.tasks.map((t: { status: string }) => t.status))).toEqual([['SCHEDULED'], ['SCHEDULED']]);
    for (const id of [first, second]) await api(conductorUrl(), 'DELETE', `/workflow/${id}?reason=${prefix}`);
    rows.push(['agree', 'rate limit not enforced', 'RUNNING twice', '']);
  });

  for (const type of Object.keys(UNSUPPORTED_TASK_TYPES)) {
    it(`${type}: registered, but the task waits SCHEDULED (the validator refuses it)`, async () => {
      const name = `${prefix}_${type.toLowerCase()}`;
      const def = { name, version: 1, schemaVersion: 2, ownerEmail: 'types@k1.test', timeoutSeconds: 60, tasks: [{ name: 'p', taskReferenceName: 'p', type, inputParameters: { http_request: { uri: 'http://127.0.0.1:1/', method: 'GET' } } }] };
      await api(conductorUrl(), 'PUT', '/metadata/workflow', [def]);
      const { body: id } = await api(conductorUrl(), 'POST', `/workflow/${name}`, {});
      await sleep(3000);
      const { body: wf } = await api(conductorUrl(), 'GET', `/workflow/${id as string}?includeTasks=true`);
      await api(conductorUrl(), 'DELETE', `/workflow/${id as string}?reason=${prefix}`);
      expect(wf.status).toBe('RUNNING');
      expect(wf.tasks.map((t: { taskType: string; status: string; pollCount: number }) => [t.taskType, t.status, t.pollCount])).toEqual([[type, 'SCHEDULED', 0]]);
      rows.push(['agree', `${type} unsupported`, 'SCHEDULED after 3 s', '']);
    });
  }

  it('gen accepts every new kind without warnings', () => {
    expect(generation.warnings).toEqual([]);
  });

  for (const scenario of scenarios) {
    it(scenario.name, async () => {
      const [server, local, runner] = await Promise.all([onServer(conductorUrl(), scenario), onServer(dev.url, scenario), inRunner(scenario)]);
      const views = { server: viewOf(server), dev: viewOf(local), runner: viewOf(runner) };
      const differs = (['dev', 'runner'] as const).filter((side) => !isDeepStrictEqual(views[side], views.server));
      rows.push([differs.length === 0 ? 'agree' : `DISAGREE (${differs.join(', ')})`, scenario.name, server.status, differs.length === 0 ? '' : JSON.stringify(views[differs[0] as 'dev']).slice(0, 200)]);
      if (differs.length === 0) agreeing++;
      expect(server.status).toBe(scenario.expected);
      expect(views.dev).toEqual(views.server);
      expect(views.runner).toEqual(views.server);
    });
  }
});
