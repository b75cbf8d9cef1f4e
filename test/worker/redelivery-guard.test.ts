/**
 * The redelivery guard of runWorkers (issue 21): conductor-oss can hand one task to the workers
 * twice (its sweeper re-queues a task a worker polled a moment before); the handler must run once.
 * `POST /api/tasks/queue/requeue/{taskType}` makes such a delivery on demand, on the dev server as
 * on the real one (part 2 of the conformance suite runs the same against it).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { callBackLater, createWorker, runWorkers, type RunningWorkers, type TaskContext, type WorkerLogger } from '../../src/worker/index.ts';
import { duplicateDelivery, HANDED_BACK_AT } from '../../src/worker/redelivery-guard.ts';
import { eventually, firmwareReport, goodReport, sdkTask, startBench, type Bench } from './support.ts';

type Report = { summary: string; flash_kib: number };
type Handler = (ctx: TaskContext) => Promise<Report | ReturnType<typeof callBackLater<Report>>>;

describe('duplicateDelivery', () => {
  it('lets a first delivery and the first one after a hand-back run, and names every other', () => {
    const task = (pollCount: number, outputData: Record<string, unknown> = {}) => sdkTask(goodReport, { taskId: 'tid-1', pollCount, outputData });
    expect(duplicateDelivery(task(1))).toBeUndefined();
    expect(duplicateDelivery(task(2, { [HANDED_BACK_AT]: 1 }))).toBeUndefined();
    expect(duplicateDelivery(task(5, { [HANDED_BACK_AT]: 4, partial: 1 }))).toBeUndefined();
    expect(duplicateDelivery(task(2))).toMatch(/^The server handed out task tid-1 \(wt_firmware_report\) again, pollCount 2: no worker handed it back since delivery 1, so an earlier delivery still holds it\. Not executed here/);
    expect(duplicateDelivery(task(4, { [HANDED_BACK_AT]: 2 }))).toMatch(/pollCount 4: it was handed back at pollCount 2, so delivery 3 took it over\./);
    expect(duplicateDelivery(task(2, { [HANDED_BACK_AT]: '1' }))).toMatch(/pollCount 2: no worker handed it back/);
  });
});

describe('runWorkers never runs a handler twice for one delivery of a task', () => {
  let bench: Bench;
  const running: RunningWorkers[] = [];
  const warnings: string[] = [];
  const logger: WorkerLogger = { info: () => {}, warn: (message) => void warnings.push(message), error: () => {} };

  /** A worker process named `name` whose handler is `handler`; every call is recorded in `calls`. */
  const calls: { worker: string; pollCount: number }[] = [];
  const workerProcess = async (name: string, handler: Handler, options: Partial<Parameters<typeof runWorkers>[0]> = {}) => {
    const workers = await runWorkers({
      serverUrl: bench.server.url,
      healthPort: 0,
      pollInterval: 2,
      logger,
      workerId: name,
      workers: ({ signal }) => [
        createWorker(
          firmwareReport,
          async (_input, ctx) => {
            calls.push({ worker: name, pollCount: ctx.pollCount });
            return handler(ctx);
          },
          { signal },
        ),
      ],
      ...options,
    });
    running.push(workers);
    return workers;
  };
  const gate = () => {
    let open!: () => void;
    const opened = new Promise<void>((resolve) => (open = resolve));
    return { open, opened };
  };
  const requeue = async () => (await bench.http.post(`/api/tasks/queue/requeue/${firmwareReport.name}`)).text;
  const duplicatesCounted = async (workers: readonly RunningWorkers[]) => {
    const texts = await Promise.all(workers.map((w) => w.metrics()));
    return texts.reduce((sum, text) => sum + Number(/^k1_worker_duplicate_deliveries_total\{task_name="wt_firmware_report"\} (\d+)$/m.exec(text)?.[1] ?? NaN), 0);
  };
  const done = (ctx: TaskContext, by: string): Report => ({ summary: `${by} ran delivery ${ctx.pollCount}`, flash_kib: 2 });

  beforeAll(async () => {
    bench = await startBench();
    await bench.register(firmwareReport);
  });
  afterEach(async () => {
    await Promise.all(running.splice(0).map((r) => r.stop()));
    calls.length = 0;
    warnings.length = 0;
  });
  afterAll(async () => bench?.close());

  it('skips a delivery the server makes while another worker runs the task: one run, its result, the duplicate logged and counted', async () => {
    const release = gate();
    const started = gate();
    const handler: Handler = async (ctx) => {
      started.open();
      await release.opened;
      return done(ctx, 'the holder');
    };
    const workers = [await workerProcess('A', handler), await workerProcess('B', handler)];
    const id = await bench.start(firmwareReport.name, goodReport);
    await started.opened;
    expect(await requeue()).toBe('1');
    // The idle process polls the requeued task (pollCount 2) and leaves it alone.
    await eventually(async () => (warnings.length > 0 ? true : undefined), 3_000);
    const taskId = (await bench.http.get(`/api/workflow/${id}?includeTasks=true`)).json.tasks[0].taskId as string;
    expect(warnings).toEqual([expect.stringContaining(`task ${taskId} (wt_firmware_report) again, pollCount 2: no worker handed it back since delivery 1`)]);
    // Nothing was sent for it: still IN_PROGRESS, not back in the queue.
    expect((await bench.http.get(`/api/tasks/${taskId}`)).json).toMatchObject({ status: 'IN_PROGRESS', pollCount: 2 });
    expect((await bench.http.get(`/api/tasks/queue/sizes?taskType=${firmwareReport.name}`)).json).toEqual({ wt_firmware_report: 0 });
    release.open();

    const workflow = await bench.waitFor(id);
    expect(workflow.status).toBe('COMPLETED');
    expect(workflow.output.result).toEqual({ summary: 'the holder ran delivery 1', flash_kib: 2 });
    expect(calls.map((c) => c.pollCount)).toEqual([1]);
    expect(await duplicatesCounted(workers)).toBe(1);
    expect(workers.map((w) => w.status().tasks[firmwareReport.name]?.duplicates).sort()).toEqual([0, 1]); // on /status too
  });

  it("runs a callBackLater task again when the server calls it back, and skips a duplicate made during the second run", async () => {
    const release = gate();
    const second = gate();
    let runs = 0;
    const handler: Handler = async (ctx) => {
      runs++;
      if (runs === 1) return callBackLater(0, { summary: 'half way' });
      if (runs === 2) {
        second.open();
        await release.opened;
        return callBackLater(0);
      }
      return done(ctx, 'a worker');
    };
    const workers = [await workerProcess('A', handler), await workerProcess('B', handler)];
    const id = await bench.start(firmwareReport.name, goodReport);
    await second.opened;
    const taskId = (await bench.http.get(`/api/workflow/${id}?includeTasks=true`)).json.tasks[0].taskId as string;
    // The hand-back of the first run is on the task, read by the second delivery.
    expect((await bench.http.get(`/api/tasks/${taskId}`)).json.outputData).toEqual({ summary: 'half way', [HANDED_BACK_AT]: 1 });
    expect(await requeue()).toBe('1');
    await eventually(async () => (warnings.length > 0 ? true : undefined), 3_000);
    expect(warnings).toEqual([expect.stringContaining('pollCount 3: it was handed back at pollCount 1, so delivery 2 took it over')]);
    release.open();

    // The second run hands back at pollCount 3 (the duplicate counted): delivery 4 runs.
    const workflow = await bench.waitFor(id);
    expect(workflow.status).toBe('COMPLETED');
    expect(workflow.output.result).toEqual({ summary: 'a worker ran delivery 4', flash_kib: 2 });
    expect(calls.map((c) => c.pollCount)).toEqual([1, 2, 4]);
    expect(await duplicatesCounted(workers)).toBe(1);
  });

  it('runs a task handed back at shutdown on another worker, after skipping a duplicate made before', async () => {
    const started = gate();
    const holder = await workerProcess(
      'A',
      async () => {
        started.open();
        return new Promise<Report>(() => {}); // never settles: handed back at the deadline
      },
      { shutdownTimeoutMs: 200 },
    );
    const id = await bench.start(firmwareReport.name, goodReport);
    await started.opened;
    const other = await workerProcess('B', async (ctx) => done(ctx, 'B'));
    expect(await requeue()).toBe('1');
    await eventually(async () => (warnings.length > 0 ? true : undefined), 3_000);
    expect(calls).toEqual([{ worker: 'A', pollCount: 1 }]);

    const stopped = await holder.stop();
    expect(stopped.handedBack.map((t) => t.workflowInstanceId)).toEqual([id]);
    const workflow = await bench.waitFor(id);
    expect(workflow.status).toBe('COMPLETED');
    expect(workflow.output.result).toEqual({ summary: 'B ran delivery 3', flash_kib: 2 });
    expect(calls).toEqual([
      { worker: 'A', pollCount: 1 },
      { worker: 'B', pollCount: 3 },
    ]);
    expect(await duplicatesCounted([other])).toBe(1);
  });
});
