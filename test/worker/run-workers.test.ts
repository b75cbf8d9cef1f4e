import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Counter, Gauge } from 'prom-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createJsonLogger, createWorker, runWorkers, silentLogger, WORKER_METRIC_NAMES, WorkerError, type RunningWorkers } from '../../src/worker/index.ts';
import { defineTask } from '../../src/index.ts';
import { eventually, firmwareReport, get, goodReport, startBench, type Bench } from './support.ts';
import { startFaultProxy } from '../support/fault-proxy.ts';

const report = (input: typeof goodReport) => ({ summary: `${input.environment}@${input.commit_sha}`, flash_kib: input.metrics.flash_bytes / 1024 });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('runWorkers', () => {
  let bench: Bench;
  const running: RunningWorkers[] = [];
  const signalListeners = () => process.listenerCount('SIGTERM') + process.listenerCount('SIGINT');
  let listenersBefore: number;

  /** runWorkers against the bench, quiet, on an ephemeral health port; stopped after each test. */
  const run = async (options: Partial<Parameters<typeof runWorkers>[0]> & Pick<Parameters<typeof runWorkers>[0], 'workers'>) => {
    const workers = await runWorkers({ serverUrl: bench.server.url, healthPort: 0, pollInterval: 2, logger: silentLogger, ...options });
    running.push(workers);
    return workers;
  };

  beforeAll(async () => {
    listenersBefore = signalListeners();
    bench = await startBench();
    await bench.register(firmwareReport);
  });

  afterEach(async () => {
    await Promise.all(running.splice(0).map((r) => r.stop()));
  });

  afterAll(async () => {
    await bench?.close();
    // Every runWorkers() removed its signal listeners when it stopped.
    expect(signalListeners()).toBe(listenersBefore);
  });

  it('logs one JSON line (pino) when each task starts and one when it ends, a failure with its reason', async () => {
    const lines: Record<string, unknown>[] = [];
    const logger = createJsonLogger({ destination: { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) } });
    await run({ workers: ({ signal }) => [createWorker(firmwareReport, async (input) => report(input), { signal })], logger });
    const good = await bench.start(firmwareReport.name, goodReport);
    const bad = await bench.start(firmwareReport.name, { ...goodReport, metrics: {} });
    await Promise.all([bench.waitFor(good), bench.waitFor(bad)]);
    const taskLines = (workflowId: string) => lines.filter((l) => l['workflowId'] === workflowId).map(({ time, durationMs, taskId, ...rest }) => ({ ...rest, time: typeof time, durationMs: typeof durationMs, taskId: typeof taskId }));
    const base = { name: 'k1-workers', task: firmwareReport.name, ref: 'step', attempt: 1, time: 'string', taskId: 'string' };
    expect(taskLines(good)).toEqual([
      { ...base, level: 'info', msg: 'task started', workflowId: good, durationMs: 'undefined' },
      { ...base, level: 'info', msg: 'task completed', workflowId: good, status: 'COMPLETED', durationMs: 'number' },
    ]);
    expect(taskLines(bad)).toEqual([
      { ...base, level: 'info', msg: 'task started', workflowId: bad, durationMs: 'undefined' },
      {
        ...base,
        level: 'error',
        msg: 'task failed',
        workflowId: bad,
        status: 'FAILED_WITH_TERMINAL_ERROR',
        durationMs: 'number',
        reason: expect.stringContaining('metrics.flash_bytes'),
      },
    ]);
  });

  it("serves /health, /status and /metrics with counts per task name and status, and the application's metrics", async () => {
    const builds = new Counter({ name: 'wt_builds_total', help: 'Builds by outcome.', labelNames: ['status', 'environment'] as const, registers: [] });
    const workers = await run({ workers: ({ signal }) => [createWorker(firmwareReport, async (input) => report(input), { signal })], concurrency: 4, metrics: [builds] });
    const ids = await Promise.all([
      bench.start(firmwareReport.name, goodReport),
      bench.start(firmwareReport.name, { ...goodReport, environment: 'esp32-s3' }),
      bench.start(firmwareReport.name, { ...goodReport, metrics: {} }),
    ]);
    const done = await Promise.all(ids.map((id) => bench.waitFor(id)));
    expect(done.map((w) => w.status)).toEqual(['COMPLETED', 'COMPLETED', 'FAILED']);
    builds.inc({ status: 'success', environment: 'esp32-s3' });

    const health = await get(`${workers.url}/health`);
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({ status: 'UP', polling: true, serverReachable: true });

    const status = await get(`${workers.url}/status`);
    expect(status.status).toBe(200);
    expect(status.body.tasks[firmwareReport.name]).toMatchObject({ completed: 2, failed: 0, terminal: 1, inProgress: 0, duplicates: 0, inFlight: 0 });
    expect(status.body).toMatchObject({ polling: true, stopping: false, inFlight: 0 });
    expect(Date.parse(status.body.lastPollAt)).toBeGreaterThan(Date.now() - 5_000);

    const metrics = await get(`${workers.url}/metrics`);
    expect(metrics.type).toContain('text/plain');
    expect(metrics.text).toContain('conductor_task_executions_total{task_name="wt_firmware_report",status="COMPLETED"} 2');
    expect(metrics.text).toContain('conductor_task_executions_total{task_name="wt_firmware_report",status="FAILED_WITH_TERMINAL_ERROR"} 1');
    expect(metrics.text).toContain('conductor_task_executions_total{task_name="wt_firmware_report",status="FAILED"} 0');
    expect(metrics.text).toMatch(/conductor_task_duration_seconds_bucket\{le="0\.005",task_name="wt_firmware_report"\} \d/);
    expect(metrics.text).toContain('conductor_task_duration_seconds_count{task_name="wt_firmware_report"} 3');
    expect(metrics.text).toContain('wt_builds_total{status="success",environment="esp32-s3"} 1');
    // The toolkit serves no application metric of its own: K1's come with K1_METRICS.
    expect(metrics.text).not.toMatch(/^# TYPE (k1_firmware_builds_total|k1_device_)/m);
    expect(metrics.text).toContain('conductor_worker_tasks_in_flight{task_name="wt_firmware_report"} 0');
    expect(metrics.text).toContain('process_cpu_user_seconds_total');

    expect((await get(`${workers.url}/nope`)).status).toBe(404);
    const stopped = await workers.stop();
    expect(stopped).toMatchObject({ trigger: 'stop()', finished: 0, handedBack: [], unreported: [], clean: true });
    expect(workers.health()).toMatchObject({ status: 'DOWN', polling: false });
    await expect(fetch(`${workers.url}/health`)).rejects.toThrow();
  });

  it('answers 503 when the Conductor server does not work', async () => {
    // Something at the URL, but not a Conductor server that works: every request gets a 500.
    const broken: Server = createServer((_req, res) => res.writeHead(500, { 'Content-Type': 'application/json' }).end('{"message":"database down"}'));
    await new Promise<void>((resolve) => broken.listen(0, '127.0.0.1', resolve));
    try {
      const workers = await run({ serverUrl: `http://127.0.0.1:${(broken.address() as AddressInfo).port}`, workers: [createWorker(firmwareReport, async (input) => report(input))] });
      const health = await get(`${workers.url}/health`);
      expect(health.status).toBe(503);
      expect(health.body).toMatchObject({ status: 'DOWN', polling: true, serverReachable: false });
      expect(health.body.problem).toMatch(/HTTP 500/);
    } finally {
      await Promise.all(running.splice(0).map((r) => r.stop()));
      broken.closeAllConnections();
      await new Promise((resolve) => broken.close(resolve));
    }
  });

  it('on SIGTERM, lets the running task finish and waits until the server has its result', async () => {
    let started!: () => void;
    const handlerStarted = new Promise<void>((resolve) => (started = resolve));
    const workers = await run({
      workers: [
        createWorker(firmwareReport, async (input) => {
          started();
          await sleep(300);
          return report(input);
        }),
      ],
    });
    const id = await bench.start(firmwareReport.name, goodReport);
    // A second workflow queued behind it (concurrency 1): the stop must not strand its task.
    const queued = await bench.start(firmwareReport.name, { ...goodReport, environment: 'queued' });
    await handlerStarted;
    expect(workers.status().inFlight).toBe(1);

    process.emit('SIGTERM', 'SIGTERM');
    expect(workers.health()).toMatchObject({ status: 'DOWN', polling: false, problem: 'stopping' });
    const stopped = await workers.stopped;

    expect(stopped).toMatchObject({ trigger: 'SIGTERM', finished: 1, handedBack: [], unreported: [], clean: true });
    // No waiting: the result is on the server the moment stop resolves.
    const workflow = (await bench.http.get(`/api/workflow/${id}?includeTasks=true`)).json;
    expect(workflow.status).toBe('COMPLETED');
    expect(workflow.output.result).toEqual({ summary: 'esp32@abc1234', flash_kib: 2 });
    // The SDK reports with update-v2, whose answer would have handed this worker the queued task
    // (then dropped by the stopped runner): it is still in the queue for the next worker.
    const next = (await bench.http.get(`/api/workflow/${queued}?includeTasks=true`)).json;
    expect(next.tasks.map((t: { status: string }) => t.status)).toEqual(['SCHEDULED']);
    expect((await bench.http.get('/api/tasks/queue/sizes?taskType=wt_firmware_report')).json).toEqual({ wt_firmware_report: 1 });

    await run({ workers: [createWorker(firmwareReport, async (input) => report(input))] });
    expect((await bench.waitFor(queued)).status).toBe('COMPLETED');
  });

  /** Registers a contract with responseTimeoutSeconds 1 and no retry; `hanging` settles on `release()`. */
  const hangingTask = async (name: string) => {
    const contract = defineTask({ name, description: 'Hangs on demand (test contract).', input: firmwareReport.input, output: firmwareReport.output, retryCount: 0, timeoutSeconds: 10, responseTimeoutSeconds: 1 });
    await bench.register(contract);
    let release!: () => void;
    const hanging = new Promise<void>((resolve) => (release = resolve));
    return { contract, hanging, release };
  };

  // Issue 15: a handler that never settled held its slot forever while /health said UP.
  it('fails a handler stuck past responseTimeoutSeconds, frees its slot, and reports it on /health (503) until it settles', async () => {
    const { contract: slow, hanging, release } = await hangingTask('wt_stuck_report');
    const workers = await run({
      workers: [
        createWorker(slow, async (input) => {
          if (input.environment === 'stuck') await hanging;
          return report(input);
        }),
      ],
    });
    const id = await bench.start(slow.name, { ...goodReport, environment: 'stuck' });
    const failed = await bench.waitFor(id, ['FAILED'], 8_000);
    expect(failed.tasks[0]).toMatchObject({ status: 'FAILED', reasonForIncompletion: expect.stringMatching(/^The wt_stuck_report handler did not settle within 0.9 s/) });
    const health = await get(`${workers.url}/health`);
    expect(health.status).toBe(503);
    expect(health.body.stuckHandlers).toHaveLength(failed.tasks.length);
    expect(health.body.stuckHandlers[0]).toMatchObject({ taskName: 'wt_stuck_report', workflowInstanceId: id, deadlineSeconds: 0.9 });
    expect(health.body.problem).toMatch(/handler\(s\) passed their deadline and never settled \(wt_stuck_report /);
    // The slot is free: with concurrency 1, another task completes meanwhile.
    const next = await bench.start(slow.name, goodReport);
    expect((await bench.waitFor(next)).status).toBe('COMPLETED');
    release();
    await eventually(async () => ((await get(`${workers.url}/health`)).status === 200 ? true : undefined), 2_000);
    expect(workers.health()).toMatchObject({ status: 'UP', stuckHandlers: [] });
  });

  it('gives a worker not made by createWorker the task\'s responseTimeoutSeconds as its deadline, and reports it stuck', async () => {
    const { contract: raw, hanging, release } = await hangingTask('wt_raw_stuck');
    const workers = await run({
      workers: [{ taskDefName: raw.name, execute: async (task) => (task.inputData?.['environment'] === 'stuck' ? hanging.then(() => ({ status: 'COMPLETED' as const, outputData: {} })) : { status: 'COMPLETED', outputData: { summary: 'ok', flash_kib: 1 } }) }],
    });
    const id = await bench.start(raw.name, { ...goodReport, environment: 'stuck' });
    await bench.waitFor(id, ['FAILED', 'TIMED_OUT'], 8_000);
    await eventually(async () => ((await get(`${workers.url}/health`)).status === 503 ? true : undefined), 3_000);
    expect(workers.health().stuckHandlers).toEqual([{ taskName: 'wt_raw_stuck', taskId: expect.any(String), workflowInstanceId: id, deadlineSeconds: 1, overdueMs: expect.any(Number) }]);
    const next = await bench.start(raw.name, goodReport);
    expect((await bench.waitFor(next)).status).toBe('COMPLETED');
    release();
    await eventually(async () => (workers.health().status === 'UP' ? true : undefined), 2_000);
  });

  it('aborts a handler that outlives the deadline, hands its task back, and names it in the report', async () => {
    let started!: () => void;
    const handlerStarted = new Promise<void>((resolve) => (started = resolve));
    let abortedAfter = -1;
    const workers = await run({
      shutdownTimeoutMs: 300,
      workers: ({ signal }) => [
        createWorker(
          firmwareReport,
          async (input, ctx) => {
            if (input.environment !== 'stuck') return report(input);
            const t0 = Date.now();
            ctx.signal.addEventListener('abort', () => (abortedAfter = Date.now() - t0));
            started();
            return new Promise(() => {}); // never settles, and ignores the signal
          },
          { signal },
        ),
      ],
    });
    const id = await bench.start(firmwareReport.name, { ...goodReport, environment: 'stuck' });
    await handlerStarted;
    const t0 = Date.now();
    const stopped = await workers.stop();
    const took = Date.now() - t0;

    expect(took).toBeGreaterThanOrEqual(290);
    expect(took).toBeLessThan(1_500);
    expect(abortedAfter).toBeGreaterThanOrEqual(290);
    expect(stopped).toMatchObject({ finished: 0, unreported: [], clean: false });
    expect(stopped.handedBack).toEqual([{ taskName: 'wt_firmware_report', taskId: expect.any(String), workflowInstanceId: id }]);
    // Back in the queue, not stuck IN_PROGRESS until responseTimeoutSeconds; the log says why.
    const workflow = (await bench.http.get(`/api/workflow/${id}?includeTasks=true`)).json;
    expect(workflow.tasks.map((t: { status: string; retryCount: number }) => [t.status, t.retryCount])).toEqual([['SCHEDULED', 0]]);
    const logs = (await bench.http.get(`/api/tasks/${stopped.handedBack[0]!.taskId}/log`)).json;
    expect(logs.map((l: { log: string }) => l.log).join('\n')).toMatch(/shut down before this task finished \(deadline 300 ms\)/);
    await bench.http.del(`/api/workflow/${id}`);
  });

  it('hands back at once on a second SIGTERM instead of waiting for the deadline', async () => {
    let started!: () => void;
    const handlerStarted = new Promise<void>((resolve) => (started = resolve));
    const workers = await run({
      shutdownTimeoutMs: 30_000,
      workers: [
        createWorker(firmwareReport, async () => {
          started();
          return new Promise(() => {});
        }),
      ],
    });
    const id = await bench.start(firmwareReport.name, goodReport);
    await handlerStarted;
    const t0 = Date.now();
    process.emit('SIGTERM', 'SIGTERM');
    await sleep(50);
    process.emit('SIGTERM', 'SIGTERM');
    const stopped = await workers.stopped;
    expect(Date.now() - t0).toBeLessThan(1_000);
    expect(stopped.handedBack.map((t) => t.workflowInstanceId)).toEqual([id]);
    await bench.http.del(`/api/workflow/${id}`);
  });

  it('stays healthy through 1,000 malformed tasks in a row, then completes a valid one', async () => {
    const workers = await run({ concurrency: 50, workers: ({ signal }) => [createWorker(firmwareReport, async (input) => report(input), { signal })] });
    const ids: string[] = [];
    for (let batch = 0; batch < 10; batch++) {
      ids.push(...(await Promise.all(Array.from({ length: 100 }, (_, i) => bench.start(firmwareReport.name, { environment: `BAD ${batch * 100 + i}`, commit_sha: 'zz', metrics: { flash_bytes: -1 } })))));
    }
    const deadline = Date.now() + 10_000;
    while (workers.status().tasks[firmwareReport.name]!.terminal < 1_000 && Date.now() < deadline) await sleep(20);

    const status = (await get(`${workers.url}/status`)).body;
    expect(status.tasks[firmwareReport.name]).toMatchObject({ completed: 0, failed: 0, terminal: 1_000 });
    expect((await get(`${workers.url}/health`)).status).toBe(200);
    const sample = await bench.waitFor(ids[999]!);
    expect(sample.tasks[0].reasonForIncompletion).toMatch(/environment: .*; commit_sha: .*; metrics\.flash_bytes: .*; metrics\.ram_bytes: Required/);

    expect((await bench.waitFor(await bench.start(firmwareReport.name, goodReport))).status).toBe('COMPLETED');
    expect(workers.status().tasks[firmwareReport.name]).toMatchObject({ completed: 1, terminal: 1_000 });
  });

  it('gives a result up after reportAttempts tries (the SDK waits 10 s before a second): one try, no wait', async () => {
    const proxy = await startFaultProxy(bench.server.url);
    proxy.faults.push({ when: (req) => req.method === 'POST' && req.path.startsWith('/api/tasks') && !req.path.includes('/poll'), times: 100, kind: 503 });
    const lines: Record<string, unknown>[] = [];
    const logger = createJsonLogger({ destination: { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) } });
    const stdout = process.stdout.write;
    process.stdout.write = (() => true) as typeof process.stdout.write; // the SDK prints its failed tries
    try {
      await run({ serverUrl: proxy.url, workers: [createWorker(firmwareReport, async (input) => report(input))], logger, reportAttempts: 1 });
      await bench.start(firmwareReport.name, goodReport);
      // With the SDK's default of 4 tries this line would come after 60 s (10 + 20 + 30 s of waits).
      const given = await eventually(async () => lines.find((l) => String(l['msg']).includes('could not be reported after')), 8_000);
      expect(String(given['msg'])).toMatch(new RegExp(`^The result of task \\S+ \\(${firmwareReport.name}\\) could not be reported after 1 attempts: HTTP 503`));
      expect(proxy.seen.filter((r) => r.method === 'POST' && r.path.startsWith('/api/tasks/update')).length).toBe(1);
    } finally {
      process.stdout.write = stdout;
      await proxy.close();
    }
  });

  it('reports every bad option at once, and refuses a CONDUCTOR_SERVER_URL the SDK would prefer', async () => {
    const error = await runWorkers({ serverUrl: 'ftp://x', workers: [], keyId: 'id-only', concurrency: 0, reportAttempts: 0, healthPort: 70_000, logger: silentLogger }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkerError);
    expect((error as WorkerError).code).toBe('INVALID_OPTIONS');
    expect((error as WorkerError).problems.map((p) => p.path)).toEqual(['workers', 'serverUrl', 'keySecret', 'concurrency', 'reportAttempts', 'healthPort']);
    expect((error as WorkerError).message).toContain('reportAttempts: must be a whole number from 1 to 100, e.g. 6; got 0.');
    expect((error as WorkerError).message).toContain('serverUrl: must be an http(s) URL, e.g. http://localhost:8080');

    const gauge = (name: string) => new Gauge({ name, help: name, registers: [] });
    const clash = await runWorkers({ serverUrl: bench.server.url, workers: [createWorker(firmwareReport, async (input) => report(input))], logger: silentLogger, metrics: [gauge('app_a'), gauge('app_a'), gauge(WORKER_METRIC_NAMES[0] as string), gauge('process_x'), {} as Gauge] }).catch((e: unknown) => e);
    expect((clash as WorkerError).code).toBe('INVALID_OPTIONS');
    expect((clash as WorkerError).problems.map((p) => p.path)).toEqual(['metrics[1]', 'metrics[2]', 'metrics[3]', 'metrics[4]']);
    expect((clash as WorkerError).message).toContain('metrics[1]: "app_a" is the name of an earlier metric too: give each metric a name of its own.');
    expect((clash as WorkerError).message).toContain('metrics[2]: "conductor_task_executions_total" is a name the worker process\'s own metrics use');
    expect((clash as WorkerError).message).toContain('metrics[4]: is not a prom-client metric');

    process.env['CONDUCTOR_SERVER_URL'] = 'http://elsewhere:8080';
    try {
      const conflict = await runWorkers({ serverUrl: bench.server.url, workers: [createWorker(firmwareReport, async (input) => report(input))], logger: silentLogger }).catch((e: unknown) => e);
      expect((conflict as WorkerError).code).toBe('ENV_CONFLICT');
      expect((conflict as WorkerError).message).toMatch(/CONDUCTOR_SERVER_URL: is set to http:\/\/elsewhere:8080, which the Conductor SDK would use instead/);
    } finally {
      delete process.env['CONDUCTOR_SERVER_URL'];
    }
  });

  it('says which port is taken', async () => {
    const first = await run({ workers: [createWorker(firmwareReport, async (input) => report(input))] });
    const port = Number(new URL(first.url).port);
    const error = await runWorkers({ serverUrl: bench.server.url, healthPort: port, workers: [createWorker(firmwareReport, async (input) => report(input))], logger: silentLogger }).catch((e: unknown) => e);
    expect((error as WorkerError).code).toBe('HEALTH_SERVER');
    expect((error as WorkerError).message).toMatch(new RegExp(`Port ${port} on 127.0.0.1 is already in use.*HEALTH_PORT`));
  });
});
