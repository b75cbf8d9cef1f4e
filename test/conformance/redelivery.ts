/**
 * Part 2's check of the workers' redelivery guard on the real server: conductor-oss hands one task
 * to the workers twice when its sweeper re-queues a task a worker polled a moment before (seen on
 * a 2-instance cluster, issue 21). `POST /api/tasks/queue/requeue/{taskType}` makes the same
 * second delivery on demand: it re-queues every task of the type not yet ended, an IN_PROGRESS one
 * included, and the next poll hands it out again with pollCount 2.
 */
import { randomBytes } from 'node:crypto';
import type { ConductorWorker } from '@io-orkes/conductor-javascript';
import { runWorkers, type RunningWorkers, type WorkerLogger } from '../../src/worker/index.ts';

/** What happened to one task handed out twice while two worker processes poll its type. */
export interface RedeliveryOutcome {
  /** The answer of the requeue: how many tasks it put back in the queue (text). */
  readonly requeued: string;
  /** Every handler call: the process and the task's pollCount. */
  readonly calls: readonly { readonly worker: string; readonly pollCount: number }[];
  /** What the workers logged at warn level. */
  readonly warnings: readonly string[];
  /** `k1_worker_duplicate_deliveries_total` of the type, both processes together. */
  readonly duplicatesCounted: number;
  readonly workflowStatus: string;
  readonly workflowOutput: unknown;
  /** The task as the server has it at the end. */
  readonly task: { readonly status: string; readonly pollCount: number };
}

const OWNER = 'conformance@k1.reinvented';

async function call(url: string, method: string, path: string, body?: unknown): Promise<string> {
  const response = await fetch(`${url}/api${path}`, { method, headers: { 'Content-Type': 'application/json' }, ...(body !== undefined && { body: JSON.stringify(body) }) });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text.slice(0, 300)}`);
  return text;
}

async function until<T>(what: string, read: () => Promise<T | undefined>, ms: number): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Registers a one-task workflow under a fresh name, runs two worker processes (runWorkers) on its
 * task type with a handler that waits until told, requeues the task while the handler runs, lets
 * the handler finish, and reports what happened; removes what it registered.
 */
export async function requeueWhileRunning(url: string): Promise<RedeliveryOutcome> {
  const type = `k1c2_once_${randomBytes(3).toString('hex')}`;
  await call(url, 'POST', '/metadata/taskdefs', [{ name: type, ownerEmail: OWNER, retryCount: 0, timeoutSeconds: 0, responseTimeoutSeconds: 60 }]);
  await call(url, 'POST', '/metadata/workflow', { name: type, version: 1, schemaVersion: 2, ownerEmail: OWNER, timeoutSeconds: 0, tasks: [{ name: type, taskReferenceName: 'once', type: 'SIMPLE' }], outputParameters: { result: '${once.output}' } });
  const calls: { worker: string; pollCount: number }[] = [];
  const warnings: string[] = [];
  const logger: WorkerLogger = { info: () => {}, warn: (message) => void warnings.push(message), error: () => {} };
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const worker = (name: string): ConductorWorker => ({
    taskDefName: type,
    execute: async (task) => {
      calls.push({ worker: name, pollCount: task.pollCount ?? 0 });
      await released;
      return { status: 'COMPLETED', outputData: { by: name, pollCount: task.pollCount ?? 0 } };
    },
  });
  const processes: RunningWorkers[] = [];
  let id = '';
  try {
    for (const name of ['A', 'B']) processes.push(await runWorkers({ serverUrl: url, workers: [worker(name)], workerId: name, healthPort: 0, pollInterval: 10, logger }));
    id = await call(url, 'POST', `/workflow/${type}`, {});
    await until('a handler start', async () => (calls.length > 0 ? true : undefined), 10_000);
    const requeued = await call(url, 'POST', `/tasks/queue/requeue/${type}`);
    // The idle process polls the task again; then the handler may finish.
    await until('a second delivery', async () => (warnings.length > 0 || calls.length > 1 ? true : undefined), 10_000);
    release();
    const workflow = await until(
      'the end of the workflow',
      async () => {
        const read = JSON.parse(await call(url, 'GET', `/workflow/${id}?includeTasks=true`)) as { status: string; output: unknown; tasks: { status: string; pollCount: number }[] };
        return read.status === 'RUNNING' ? undefined : read;
      },
      15_000,
    );
    const texts = await Promise.all(processes.map((p) => p.metrics()));
    const counted = texts.reduce((sum, text) => sum + Number(new RegExp(`^k1_worker_duplicate_deliveries_total\\{task_name="${type}"\\} (\\d+)$`, 'm').exec(text)?.[1] ?? NaN), 0);
    const task = workflow.tasks[0] ?? { status: 'none', pollCount: 0 };
    return { requeued, calls, warnings, duplicatesCounted: counted, workflowStatus: workflow.status, workflowOutput: workflow.output, task: { status: task.status, pollCount: task.pollCount } };
  } finally {
    release();
    await Promise.all(processes.map((p) => p.stop()));
    if (id !== '') await call(url, 'DELETE', `/workflow/${id}/remove`).catch(() => undefined);
    await call(url, 'DELETE', `/metadata/workflow/${type}/1`).catch(() => undefined);
    await call(url, 'DELETE', `/metadata/taskdefs/${type}`).catch(() => undefined);
  }
}
