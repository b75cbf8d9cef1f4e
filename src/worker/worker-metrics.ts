import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics, type Metric } from 'prom-client';

/** The status a worker execution reported to Conductor. */
export type ExecutionStatus = 'COMPLETED' | 'FAILED' | 'FAILED_WITH_TERMINAL_ERROR' | 'IN_PROGRESS';

/** Executions of one task type since the worker process started (`GET /status`). */
export interface TaskTally {
  /** Executions that reported COMPLETED. */
  readonly completed: number;
  /** Executions that reported FAILED (Conductor retries them per the TaskDef). */
  readonly failed: number;
  /** Executions that reported FAILED_WITH_TERMINAL_ERROR (never retried). */
  readonly terminal: number;
  /** Executions that reported IN_PROGRESS (a callback later, or handed back at shutdown). */
  readonly inProgress: number;
  /** Deliveries not executed: the server handed out the task while another delivery held it. */
  readonly duplicates: number;
}

/** Buckets from a 5 ms transform to a 10 minute firmware build. */
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600];

/** The names of the metrics every worker process serves, besides Node.js' `process_*` and `nodejs_*`. */
export const WORKER_METRIC_NAMES: readonly string[] = [
  'conductor_task_executions_total',
  'conductor_task_duration_seconds',
  'conductor_worker_tasks_in_flight',
  'k1_worker_duplicate_deliveries_total',
];

const STATUSES: readonly ExecutionStatus[] = ['COMPLETED', 'FAILED', 'FAILED_WITH_TERMINAL_ERROR', 'IN_PROGRESS'];

/**
 * The metrics of one worker process, in a Registry of its own (not prom-client's global one, so
 * several can live in one process): executions by task and status, their duration, the tasks in
 * flight, the duplicate deliveries not executed, the default process metrics, and the
 * application's own metrics it is given.
 */
export class WorkerMetrics {
  /** The Registry `/metrics` serves. */
  readonly registry = new Registry();
  private readonly executions: Counter<'task_name' | 'status'>;
  private readonly duration: Histogram<'task_name'>;
  private readonly duplicates: Counter<'task_name'>;
  private readonly tallies = new Map<string, { -readonly [K in keyof TaskTally]: number }>();

  /**
   * `taskNames` get zero-valued series from the start, so `rate()` works before the first task.
   * `extra` are the application's metrics (made with `registers: []`), served beside these.
   */
  constructor(taskNames: readonly string[], inFlightOf: (taskName: string) => number, extra: readonly Metric[] = []) {
    const registers = [this.registry];
    this.executions = new Counter({
      name: 'conductor_task_executions_total',
      help: 'Task executions by task name and the status reported to Conductor.',
      labelNames: ['task_name', 'status'] as const,
      registers,
    });
    this.duration = new Histogram({
      name: 'conductor_task_duration_seconds',
      help: 'Time from the start of a task execution to its result, in seconds.',
      labelNames: ['task_name'] as const,
      buckets: DURATION_BUCKETS,
      registers,
    });
    this.duplicates = new Counter({
      name: 'k1_worker_duplicate_deliveries_total',
      help: 'Deliveries of a task the server made while an earlier delivery still held it (a conductor-oss sweeper race): not executed.',
      labelNames: ['task_name'] as const,
      registers,
    });
    new Gauge({
      name: 'conductor_worker_tasks_in_flight',
      help: 'Tasks this process is executing or reporting right now.',
      labelNames: ['task_name'] as const,
      registers,
      collect() {
        for (const name of taskNames) this.set({ task_name: name }, inFlightOf(name));
      },
    });
    for (const metric of extra) this.registry.registerMetric(metric);
    collectDefaultMetrics({ register: this.registry });
    for (const name of taskNames) {
      this.tallies.set(name, { completed: 0, failed: 0, terminal: 0, inProgress: 0, duplicates: 0 });
      for (const status of STATUSES) this.executions.inc({ task_name: name, status }, 0);
      this.duplicates.inc({ task_name: name }, 0);
    }
  }

  /** Counts one execution of `taskName` that ended with `status` after `seconds`. */
  record(taskName: string, status: ExecutionStatus, seconds: number): void {
    this.executions.inc({ task_name: taskName, status });
    this.duration.observe({ task_name: taskName }, seconds);
    const tally = this.tallyOf(taskName);
    if (status === 'COMPLETED') tally.completed++;
    else if (status === 'FAILED') tally.failed++;
    else if (status === 'FAILED_WITH_TERMINAL_ERROR') tally.terminal++;
    else tally.inProgress++;
  }

  /** Counts one delivery of `taskName` that was not executed: the server handed out a task another delivery holds. */
  duplicate(taskName: string): void {
    this.duplicates.inc({ task_name: taskName });
    this.tallyOf(taskName).duplicates++;
  }

  private tallyOf(taskName: string): { -readonly [K in keyof TaskTally]: number } {
    let tally = this.tallies.get(taskName);
    if (tally === undefined) this.tallies.set(taskName, (tally = { completed: 0, failed: 0, terminal: 0, inProgress: 0, duplicates: 0 }));
    return tally;
  }

  /** Executions per task name since start. */
  tally(): Record<string, TaskTally> {
    return Object.fromEntries([...this.tallies].map(([name, tally]) => [name, { ...tally }]));
  }

  /** The Prometheus text exposition of every metric. */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  /** Content-Type of {@link text}. */
  get contentType(): string {
    return this.registry.contentType;
  }
}
