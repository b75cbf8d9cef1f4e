/**
 * `POST /api/tasks` with IN_PROGRESS, as conductor-oss 3.32.3 answered it for
 * ../shared/cases/07-in-progress-update (the same definitions, copied here): the task goes back to
 * SCHEDULED, postponed by callbackAfterSeconds; its output is replaced, not merged; only polls
 * count in pollCount.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startDevServer, type DevServer } from '../../src/server/index.ts';
import { client } from './support.ts';

let server: DevServer;
let api: ReturnType<typeof client>;

beforeAll(async () => {
  server = await startDevServer();
  api = client(server.url);
  await api.post('/api/metadata/taskdefs', [{ name: 'long_scan', ownerEmail: 'ops@example.com', retryCount: 0, retryDelaySeconds: 0, timeoutSeconds: 0, responseTimeoutSeconds: 600 }]);
  await api.post('/api/metadata/workflow', {
    name: 'scan_archive',
    version: 1,
    schemaVersion: 2,
    ownerEmail: 'ops@example.com',
    timeoutSeconds: 0,
    tasks: [{ name: 'long_scan', taskReferenceName: 'scan', type: 'SIMPLE', inputParameters: {} }],
  });
});

afterAll(async () => {
  await server?.close();
});

const poll = async (): Promise<any[]> => (await api.get('/api/tasks/poll/batch/long_scan?workerid=scanner&count=1&timeout=200')).json;
const task = async (id: string) => (await api.get(`/api/tasks/${id}`)).json;

it('puts the task back SCHEDULED, postponed by callbackAfterSeconds, with its output replaced; pollCount counts polls only', async () => {
  const id = (await api.post('/api/workflow', { name: 'scan_archive' })).text;
  const [first] = await poll();
  expect(first).toMatchObject({ status: 'IN_PROGRESS', pollCount: 1, workerId: 'scanner', callbackAfterSeconds: 0 });

  await api.post('/api/tasks', { taskId: first.taskId, workflowInstanceId: id, status: 'IN_PROGRESS', outputData: { scanned: 10 }, callbackAfterSeconds: 30 });
  const postponed = await task(first.taskId);
  // The update named no worker: conductor-oss 3.32.3 stores the result's (absent) workerId.
  expect(postponed).toMatchObject({ status: 'SCHEDULED', outputData: { scanned: 10 }, callbackAfterSeconds: 30, pollCount: 1, startTime: first.startTime });
  expect(postponed.workerId).toBeUndefined();
  expect(await poll()).toEqual([]);
  expect((await api.get('/api/tasks/queue/sizes?taskType=long_scan')).json).toEqual({ long_scan: 0 });

  await api.post('/api/tasks', { taskId: first.taskId, workflowInstanceId: id, status: 'IN_PROGRESS', outputData: { percent: 50 }, callbackAfterSeconds: 0 });
  expect(await task(first.taskId)).toMatchObject({ status: 'SCHEDULED', outputData: { percent: 50 }, callbackAfterSeconds: 0, pollCount: 1 });

  const [second] = await poll();
  expect(second).toMatchObject({ taskId: first.taskId, status: 'IN_PROGRESS', pollCount: 2, outputData: { percent: 50 }, startTime: first.startTime, callbackAfterSeconds: 0 });

  await api.post('/api/tasks', { taskId: first.taskId, workflowInstanceId: id, status: 'COMPLETED', outputData: { percent: 100 } });
  const done = (await api.get(`/api/workflow/${id}`)).json;
  expect(done).toMatchObject({ status: 'COMPLETED', output: { percent: 100 } });
  expect(done.tasks[0]).toMatchObject({ status: 'COMPLETED', pollCount: 2, outputData: { percent: 100 } });
});

it('hands a task polled after its callback out with callbackAfterSeconds 0', async () => {
  const id = (await api.post('/api/workflow', { name: 'scan_archive' })).text;
  const [first] = await poll();
  await api.post('/api/tasks', { taskId: first.taskId, workflowInstanceId: id, status: 'IN_PROGRESS', outputData: {}, callbackAfterSeconds: 1 });
  expect(await poll()).toEqual([]);
  await new Promise((resolve) => setTimeout(resolve, 1_050));
  const [again] = await poll();
  expect(again).toMatchObject({ taskId: first.taskId, pollCount: 2, callbackAfterSeconds: 0 });
  await api.del(`/api/workflow/${id}`);
});
