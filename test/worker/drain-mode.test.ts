import type { Task } from '@io-orkes/conductor-javascript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handBack, installDrainMode } from '../../src/worker/drain-mode.ts';
import { HANDED_BACK_AT } from '../../src/worker/redelivery-guard.ts';
import { firmwareReport, goodReport, sdkClient, startBench, type Bench } from './support.ts';

/** update-v2 as the SDK's TaskRunner sends it. */
const updateV2 = (client: Awaited<ReturnType<typeof sdkClient>>, task: Task) =>
  client.post({
    security: [{ name: 'X-Authorization', type: 'apiKey' }],
    url: '/api/tasks/update-v2',
    body: { taskId: task.taskId, workflowInstanceId: task.workflowInstanceId, status: 'COMPLETED', outputData: { summary: 'ok', flash_kib: 1 }, workerId: 'drain-test' },
    headers: { 'Content-Type': 'application/json' },
    throwOnError: true,
  });

describe('drain mode (the SDK drops the task an update-v2 answer hands out after stopPolling)', () => {
  let bench: Bench;
  beforeAll(async () => {
    bench = await startBench();
    await bench.register(firmwareReport);
  });
  afterAll(async () => bench?.close());

  const twoQueued = async () => {
    const ids = [await bench.start(firmwareReport.name, goodReport), await bench.start(firmwareReport.name, goodReport)];
    const [task] = (await bench.http.get(`/api/tasks/poll/batch/${firmwareReport.name}?count=1&workerid=drain-test&timeout=100`)).json as Task[];
    return { ids, task: task! };
  };
  const statuses = async (id: string) => (await bench.http.get(`/api/workflow/${id}?includeTasks=true`)).json.tasks.map((t: { status: string }) => t.status);

  it('while draining, reports through POST /api/tasks so that no next task is handed out', async () => {
    const client = await sdkClient(bench.server.url);
    const late: Task[] = [];
    installDrainMode(client, { draining: () => true, lateTask: (t) => late.push(t) });
    const { ids, task } = await twoQueued();
    const answer = await updateV2(client, task);
    expect(answer.data).toBeNull(); // "no next task" for the SDK
    expect(late).toEqual([]);
    expect(await statuses(ids[0]!)).toEqual(['COMPLETED']);
    expect(await statuses(ids[1]!)).toEqual(['SCHEDULED']);
    await bench.http.del(`/api/workflow/${ids[1]}`);
  });

  it('hands back a task that arrives in answer to an update sent just before the drain began', async () => {
    const client = await sdkClient(bench.server.url);
    const late: Task[] = [];
    let calls = 0;
    // Not draining when the request leaves, draining when its answer arrives.
    installDrainMode(client, { draining: () => calls++ > 0, lateTask: (t) => late.push(t) });
    const { ids, task } = await twoQueued();
    const answer = await updateV2(client, task);
    expect(answer.data).toBeNull();
    expect(late.map((t) => t.workflowInstanceId)).toEqual([ids[1]]);
    expect(await statuses(ids[1]!)).toEqual(['IN_PROGRESS']);

    await handBack(client, late[0] as { taskId: string; workflowInstanceId: string }, 'drain-test', 'handed back: shutting down', { [HANDED_BACK_AT]: late[0]!.pollCount });
    expect(await statuses(ids[1]!)).toEqual(['SCHEDULED']);
    // What the next delivery reads to tell itself apart from a duplicate (redelivery-guard.ts).
    expect((await bench.http.get(`/api/tasks/${late[0]!.taskId}`)).json.outputData).toEqual({ [HANDED_BACK_AT]: 1 });
    const logs = (await bench.http.get(`/api/tasks/${late[0]!.taskId}/log`)).json;
    expect(logs.map((l: { log: string }) => l.log)).toEqual(['handed back: shutting down']);
    await bench.http.del(`/api/workflow/${ids[1]}`);
  });

  it('leaves update-v2 alone while not draining (the SDK chains to the next task)', async () => {
    const client = await sdkClient(bench.server.url);
    installDrainMode(client, { draining: () => false, lateTask: () => expect.unreachable() });
    const { ids, task } = await twoQueued();
    const answer = await updateV2(client, task);
    expect((answer.data as Task).workflowInstanceId).toBe(ids[1]);
    await bench.http.del(`/api/workflow/${ids[1]}`);
  });
});
