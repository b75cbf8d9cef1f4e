import { TaskManager, noopLogger, type ConductorWorker, type Task, type TaskResult } from '@io-orkes/conductor-javascript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineTask } from '../../src/index.ts';
import { callBackLater, createWorker, overdueHandler, TerminalError } from '../../src/worker/index.ts';
import { firmwareReport, goodReport, sdkClient, sdkTask, startBench, type Bench } from './support.ts';

/** execute() as a plain TaskResult (its type is a union with the SDK's in-progress result). */
const run = async (worker: ConductorWorker, task: Task): Promise<TaskResult> => (await worker.execute(task)) as TaskResult;

const report = (input: typeof goodReport) => ({ summary: `${input.environment}@${input.commit_sha}`, flash_kib: input.metrics.flash_bytes / 1024 });

describe('createWorker, called directly', () => {
  // Issue 15: a handler that never settles held its slot forever.
  it("fails a handler that does not settle within the task's responseTimeoutSeconds, and aborts its signal", async () => {
    let aborted: unknown;
    const worker = createWorker(firmwareReport, async (_input, ctx) => {
      ctx.signal.addEventListener('abort', () => (aborted = ctx.signal.reason));
      return new Promise(() => {}); // never settles
    });
    const t0 = performance.now();
    const result = await run(worker, sdkTask(goodReport, { responseTimeoutSeconds: 1 }));
    const took = performance.now() - t0;
    expect(took).toBeGreaterThanOrEqual(890);
    expect(took).toBeLessThan(2_000);
    expect(result).toMatchObject({
      status: 'FAILED',
      reasonForIncompletion: "The wt_firmware_report handler did not settle within 0.9 s (its deadline, just short of the task's responseTimeoutSeconds of 1 s); the attempt fails and is retried per the task definition.",
    });
    expect(String(aborted)).toContain('did not settle within 0.9 s');
    expect(overdueHandler(result)).toMatchObject({ taskName: 'wt_firmware_report', taskId: 't-1', deadlineSeconds: 0.9 });
  });

  it("takes the deadline from the contract's responseTimeoutSeconds when the task carries none", async () => {
    const quick = defineTask({ name: 'wt_quick', description: 'Never settles (test contract).', input: firmwareReport.input, output: firmwareReport.output, timeoutSeconds: 2, responseTimeoutSeconds: 1 });
    const worker = createWorker(quick, async () => new Promise(() => {}));
    const result = await run(worker, sdkTask(goodReport));
    expect(result.reasonForIncompletion).toMatch(/^The wt_quick handler did not settle within 0.9 s/);
  });

  it('turns any thrown value into a failure with a readable reason, never an exception', async () => {
    const cases: [unknown, string][] = [
      [Object.create(null), 'The wt_firmware_report handler threw a value that is not an Error: {}'],
      ['disk full', 'disk full'],
      [undefined, 'The wt_firmware_report handler threw a value that is not an Error: undefined'],
      [{ message: 'pio crashed' }, 'pio crashed'],
      [Symbol('x'), 'The wt_firmware_report handler threw a value that is not an Error: Symbol(x)'],
      [new Error(''), 'The wt_firmware_report handler threw Error with no message'],
    ];
    for (const [thrown, reason] of cases) {
      const worker = createWorker(firmwareReport, async () => {
        throw thrown;
      });
      expect(await run(worker, sdkTask(goodReport))).toMatchObject({ status: 'FAILED', reasonForIncompletion: reason });
    }
    const sync = createWorker(firmwareReport, (() => {
      throw Object.create(null);
    }) as never);
    expect(await run(sync, sdkTask(goodReport))).toMatchObject({ status: 'FAILED' });
  });

  it('fails malformed input terminally, naming every bad field and the fix', async () => {
    let called = false;
    const worker = createWorker(firmwareReport, async (input) => {
      called = true;
      return report(input);
    });
    const result = await run(worker, sdkTask({ environment: 'ESP 32!', commit_sha: 'abc1234', metrics: { flash_bytes: -1, ram_bytes: 1 } }));
    expect(called).toBe(false);
    expect(result.status).toBe('FAILED_WITH_TERMINAL_ERROR');
    expect(result.reasonForIncompletion).toContain('Invalid input for wt_firmware_report');
    expect(result.reasonForIncompletion).toMatch(/environment: letters, digits/);
    expect(result.reasonForIncompletion).toMatch(/metrics\.flash_bytes: Number must be greater than or equal to 0/);
    expect(result.reasonForIncompletion).toContain("Fix the workflow's inputParameters");
    expect((result.outputData as any).validationErrors.map((e: { path: string }) => e.path)).toEqual(['environment', 'metrics.flash_bytes']);
  });

  it('fails output that breaks the contract terminally, blaming the handler', async () => {
    const worker = createWorker(firmwareReport, async () => ({ summary: 'x', flash_kib: 'lots' }) as never);
    const result = await run(worker, sdkTask(goodReport));
    expect(result.status).toBe('FAILED_WITH_TERMINAL_ERROR');
    expect(result.reasonForIncompletion).toMatch(/returned output that breaks its contract: flash_kib: Expected number, received string\. Fix the handler\./);
  });

  it('turns a thrown Error into FAILED (retried) and a TerminalError into FAILED_WITH_TERMINAL_ERROR', async () => {
    const flaky = createWorker(firmwareReport, async () => {
      throw new Error('pio exited with 137');
    });
    const broken = createWorker(firmwareReport, async () => {
      throw new TerminalError('firmware.bin is missing');
    });
    expect(await run(flaky, sdkTask(goodReport))).toMatchObject({ status: 'FAILED', reasonForIncompletion: 'pio exited with 137' });
    expect(await run(broken, sdkTask(goodReport))).toMatchObject({ status: 'FAILED_WITH_TERMINAL_ERROR', reasonForIncompletion: 'firmware.bin is missing' });
  });

  it('answers callBackLater(5) with IN_PROGRESS and callbackAfterSeconds 5, and returns ctx.log lines', async () => {
    const worker = createWorker(firmwareReport, async (input, ctx) => {
      ctx.log(`building ${input.environment}`);
      return callBackLater(5);
    });
    const result = await run(worker, sdkTask(goodReport));
    expect(result).toMatchObject({ status: 'IN_PROGRESS', callbackAfterSeconds: 5 });
    expect(result.logs?.map((l) => l.log)).toEqual(['building esp32']);
  });

  it('gives the handler the task context', async () => {
    let seen: unknown;
    const worker = createWorker(firmwareReport, async (input, ctx) => {
      seen = { taskId: ctx.taskId, workflowInstanceId: ctx.workflowInstanceId, ref: ctx.referenceTaskName, retryCount: ctx.retryCount, aborted: ctx.signal.aborted };
      return report(input);
    });
    expect(await run(worker, sdkTask(goodReport, { retryCount: 2 }))).toMatchObject({ status: 'COMPLETED', outputData: { summary: 'esp32@abc1234', flash_kib: 2 } });
    expect(seen).toEqual({ taskId: 't-1', workflowInstanceId: 'w-1', ref: 'report', retryCount: 2, aborted: false });
  });
});

describe('createWorker through the dev server and the SDK TaskManager', () => {
  let bench: Bench;
  let manager: TaskManager;
  const attempts: number[] = [];

  beforeAll(async () => {
    bench = await startBench();
    await bench.register(firmwareReport);
    // The handler's behaviour is picked by the environment the workflow passes.
    const worker: ConductorWorker = createWorker(firmwareReport, async (input, ctx) => {
      ctx.log(`attempt ${ctx.retryCount} for ${input.environment}`);
      if (input.environment === 'flaky') {
        attempts.push(ctx.retryCount);
        if (ctx.retryCount === 0) throw new Error('the build machine ran out of disk');
      }
      if (input.environment === 'broken') throw new TerminalError('the commit has no platformio.ini');
      if (input.environment === 'slow') return callBackLater(5, { summary: 'building' });
      return report(input);
    });
    manager = new TaskManager(await sdkClient(bench.server.url), [worker], { logger: noopLogger, options: { pollInterval: 5, concurrency: 4 } });
    manager.startPolling();
  });

  afterAll(async () => {
    await manager?.stopPolling();
    await bench?.close();
  });

  it('completes a valid task with the validated output, and its log lines reach the task logs', async () => {
    const workflow = await bench.waitFor(await bench.start(firmwareReport.name, goodReport));
    expect(workflow.status).toBe('COMPLETED');
    expect(workflow.output.result).toEqual({ summary: 'esp32@abc1234', flash_kib: 2 });
    const logs = (await bench.http.get(`/api/tasks/${workflow.tasks[0].taskId}/log`)).json;
    expect(logs.map((l: { log: string }) => l.log)).toEqual(['attempt 0 for esp32']);
  });

  it('fails malformed input terminally: no retry, the reason names the fields', async () => {
    const workflow = await bench.waitFor(await bench.start(firmwareReport.name, { environment: 'esp32', commit_sha: 'abc1234', metrics: { ram_bytes: 1 } }));
    expect(workflow.status).toBe('FAILED');
    expect(workflow.tasks).toHaveLength(1);
    expect(workflow.tasks[0].status).toBe('FAILED_WITH_TERMINAL_ERROR');
    expect(workflow.tasks[0].reasonForIncompletion).toMatch(/metrics\.flash_bytes: Required/);
  });

  it('retries a thrown Error per the TaskDef (retryCount 1) and never retries a TerminalError', async () => {
    const flaky = await bench.waitFor(await bench.start(firmwareReport.name, { ...goodReport, environment: 'flaky' }));
    expect(flaky.status).toBe('COMPLETED');
    expect(flaky.tasks.map((t: { status: string }) => t.status)).toEqual(['FAILED', 'COMPLETED']);
    expect(flaky.tasks[0].reasonForIncompletion).toBe('the build machine ran out of disk');
    expect(attempts).toEqual([0, 1]);

    const broken = await bench.waitFor(await bench.start(firmwareReport.name, { ...goodReport, environment: 'broken' }));
    expect(broken.status).toBe('FAILED');
    expect(broken.tasks.map((t: { status: string }) => t.status)).toEqual(['FAILED_WITH_TERMINAL_ERROR']);
  });

  it('puts a task back SCHEDULED with callbackAfterSeconds 5 on callBackLater(5), logs included', async () => {
    const id = await bench.start(firmwareReport.name, { ...goodReport, environment: 'slow' });
    const task = await bench.waitFor(id, ['RUNNING']).then(async () => {
      for (;;) {
        const t = (await bench.http.get(`/api/workflow/${id}?includeTasks=true`)).json.tasks[0];
        if (t.callbackAfterSeconds === 5) return t;
        await new Promise((r) => setTimeout(r, 10));
      }
    });
    // conductor-oss 3.32.3 (and the dev server) re-queues a task its worker answered IN_PROGRESS.
    expect(task.status).toBe('SCHEDULED');
    expect(task.outputData).toEqual({ summary: 'building' });
    // The SDK drops the logs of an IN_PROGRESS result; createWorker routes them through its task context.
    const logs = (await bench.http.get(`/api/tasks/${task.taskId}/log`)).json;
    expect(logs.map((l: { log: string }) => l.log)).toEqual(['attempt 0 for slow']);
    await bench.http.del(`/api/workflow/${id}`);
  });
});
