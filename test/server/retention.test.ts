/**
 * A long-running dev server forgets its oldest finished runs beyond `retainFinishedRuns`, as a
 * server archives them (issue 15): memory stays flat however many runs end. Running runs, and the
 * finished children of a running parent, are never forgotten.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startDevServer, type DevServer } from '../../src/server/index.ts';
import { client, eventually, wf } from './support.ts';

let server: DevServer;
let api: ReturnType<typeof client>;

beforeAll(async () => {
  server = await startDevServer({ retainFinishedRuns: 3 });
  api = client(server.url);
  const quick = wf('retained_quick', [{ name: 'calc', taskReferenceName: 'calc', type: 'INLINE', inputParameters: { evaluatorType: 'javascript', expression: '$.a + 1', a: '${workflow.input.a}' } }]);
  const waiting = wf('retained_waiting', [{ name: 'approve', taskReferenceName: 'approve', type: 'HUMAN' }]);
  expect((await api.put('/api/metadata/workflow', [quick, waiting])).status).toBe(200);
});

afterAll(async () => {
  await server?.close();
});

async function finished(a: number): Promise<string> {
  const id = (await api.post('/api/workflow/retained_quick', { a })).text;
  await eventually(async () => ((await api.get(`/api/workflow/${id}`)).json as { status: string }).status === 'COMPLETED' || undefined);
  return id;
}

it('keeps the last retainFinishedRuns finished runs; older ones answer 404 as archived ones do; a running one stays', async () => {
  const waiting = (await api.post('/api/workflow/retained_waiting', {})).text;
  const ids: string[] = [];
  for (let a = 0; a < 6; a++) ids.push(await finished(a));
  const statuses = await Promise.all(ids.map(async (id) => (await api.get(`/api/workflow/${id}`)).status));
  expect(statuses).toEqual([404, 404, 404, 200, 200, 200]);
  expect(((await api.get(`/api/workflow/${ids[0]}`)).json as { message: string }).message).toBe(`No such workflow found by id: ${ids[0]}`);
  expect(((await api.get(`/api/workflow/${waiting}`)).json as { status: string }).status).toBe('RUNNING');
  expect(server.engine.executions.size).toBe(4);
});

it('forgets the oldest runs of POST /api/workflow/test the same way', async () => {
  const ids: string[] = [];
  for (let a = 0; a < 5; a++) {
    const answer = await api.post('/api/workflow/test', { name: 'retained_quick', version: 1, input: { a } });
    expect(answer.json).toMatchObject({ status: 'COMPLETED', output: { result: a + 1 } });
    ids.push(answer.json.workflowId as string);
  }
  const statuses = await Promise.all(ids.map(async (id) => (await api.get(`/api/workflow/${id}`)).status));
  expect(statuses).toEqual([404, 404, 200, 200, 200]);
});

it('keeps removed runs for the search up to the same bound, the oldest leaving first', async () => {
  const ids: string[] = [];
  for (let a = 100; a < 105; a++) {
    ids.push(await finished(a));
    expect((await api.del(`/api/workflow/${ids.at(-1)}/remove`)).status).toBe(200);
  }
  const found = (await api.get(`/api/workflow/search?size=100&query=${encodeURIComponent('workflowType IN (retained_quick)')}`)).json as { results: { workflowId: string }[] };
  const listed = new Set(found.results.map((r) => r.workflowId));
  expect(ids.map((id) => listed.has(id))).toEqual([false, false, true, true, true]);
});

it('starts runs of one definition on one shared snapshot, and on a new one once a task definition it used is registered anew', async () => {
  const task = { name: 'retained_step', retryCount: 0, timeoutSeconds: 60, responseTimeoutSeconds: 30 };
  expect((await api.post('/api/metadata/taskdefs', [task])).status).toBe(200);
  expect((await api.put('/api/metadata/workflow', [wf('retained_worker', [{ name: 'retained_step', taskReferenceName: 'step', type: 'SIMPLE' }])])).status).toBe(200);
  const start = async (): Promise<string> => (await api.post('/api/workflow/retained_worker', {})).text;
  const [first, second] = [await start(), await start()];
  const defOf = (id: string) => server.engine.executions.get(id)?.def;
  expect(defOf(first)).toBeDefined();
  expect(defOf(second)).toBe(defOf(first));
  expect((await api.post('/api/metadata/taskdefs', [{ ...task, retryCount: 2 }])).status).toBe(200);
  const third = await start();
  expect(defOf(third)).not.toBe(defOf(first));
  expect(defOf(third)?.tasks[0]?.taskDefinition?.retryCount).toBe(2);
  expect(defOf(first)?.tasks[0]?.taskDefinition?.retryCount).toBe(0);
});
