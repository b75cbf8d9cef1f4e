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

// conductor-oss 3.32.3 (checked on the server): POST /api/tasks/queue/requeue/{taskType} answers
// the count as text and puts every task of the type not yet ended back in the queue, one a worker
// holds (IN_PROGRESS) too: the next poll hands it out again, pollCount 2. The way the server hands
// a task out twice on demand (its sweeper does it by accident); the workers' guard is tested on it.
it('requeues the pending tasks of a type, an IN_PROGRESS one too, and answers how many as text', async () => {
  const held = (await api.post('/api/workflow', { name: 'scan_archive' })).text;
  const [first] = await poll();
  const waiting = (await api.post('/api/workflow', { name: 'scan_archive' })).text;
  expect((await api.get('/api/tasks/queue/sizes?taskType=long_scan')).json).toEqual({ long_scan: 1 });

  const answer = await api.post('/api/tasks/queue/requeue/long_scan');
  expect([answer.status, answer.text, answer.headers.get('content-type')]).toEqual([200, '2', 'text/plain;charset=UTF-8']);
  expect((await api.get('/api/tasks/queue/sizes?taskType=long_scan')).json).toEqual({ long_scan: 2 });
  // Each handed out once, in an order the server does not promise; then nothing.
  const polled = [...(await poll()), ...(await poll())].sort((a, b) => a.pollCount - b.pollCount);
  expect(polled).toMatchObject([
    { workflowInstanceId: waiting, pollCount: 1 },
    { taskId: first.taskId, workflowInstanceId: held, status: 'IN_PROGRESS', pollCount: 2, startTime: first.startTime },
  ]);
  expect(await poll()).toEqual([]);

  await api.post('/api/tasks', { taskId: first.taskId, workflowInstanceId: held, status: 'COMPLETED', outputData: { done: true } });
  const requeued = (await api.post('/api/tasks/queue/requeue/long_scan')).text;
  expect(requeued).toBe('1'); // the other one; an ended task is not requeued
  expect((await api.post('/api/tasks/queue/requeue/no_such_type')).text).toBe('0');
  await api.del(`/api/workflow/${waiting}`);
});
