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
