import { hostname } from 'node:os';
import {
  NonRetryableException,
  TaskManager,
  getTaskContext,
  orkesConductorClient,
  type ConductorWorker,
  type Task,
  type TaskRunnerEventsListener,
} from '@io-orkes/conductor-javascript';
import { handBack, installDrainMode, type ConductorClient } from './drain-mode.ts';
import { startHealthServer, type HealthServer } from './health-server.ts';
import { overdueHandler, type OverdueHandler } from './create-worker.ts';
import { InFlightTracker, type HandBackResult, type InFlightPhase, type InFlightTask } from './in-flight.ts';
import { duplicateDelivery, markHandBack, unreportedResult, withUnreportedResults, HANDED_BACK_AT } from './redelivery-guard.ts';
import { ServerContact, describeError } from './server-contact.ts';
import { WorkerError, type WorkerProblem } from './worker-error.ts';
import { displayUrl, jsonLogger, sdkLogger, type WorkerLogger } from './worker-logger.ts';
import type { Metric } from 'prom-client';
import { WORKER_METRIC_NAMES, WorkerMetrics, type ExecutionStatus, type TaskTally } from './worker-metrics.ts';

/** What a worker factory gets from {@link runWorkers}. */
export interface WorkerBinding {
  /** Aborted when shutdown reaches its deadline; pass it to `createWorker(..., { signal })`. */
  readonly signal: AbortSignal;
}

/** Options of {@link runWorkers}. */
export interface RunWorkersOptions {
  /**
   * The workers, or a function that builds them with the shutdown signal (so handlers see it as
   * `ctx.signal`).
   * @example ({ signal }) => [createWorker(platformioCompile, compile, { signal })]
   */
  readonly workers: readonly ConductorWorker[] | ((binding: WorkerBinding) => readonly ConductorWorker[]);
  /** Conductor server, e.g. `http://localhost:8080` (a trailing `/api` is fine). */
  readonly serverUrl: string;
  /** Orkes application key id; with {@link keySecret}, or neither for Conductor OSS. */
  readonly keyId?: string;
  /** Orkes application key secret; never logged. */
  readonly keySecret?: string;
  /** Concurrent executions per worker, unless the worker sets its own. @default 1 */
  readonly concurrency?: number;
  /** Milliseconds between polls when a queue is empty, unless the worker sets its own. @default 100 */
  readonly pollInterval?: number;
  /** Task domain to poll, unless the worker sets its own. */
  readonly domain?: string;
  /** Worker id reported to Conductor. @default os.hostname() */
  readonly workerId?: string;
  /** Port of the `/health`, `/status`, `/metrics` server; 0 picks a free one. @default 9464 */
  readonly healthPort?: number;
  /** Address the health server listens on; `0.0.0.0` in a container. @default '127.0.0.1' */
  readonly healthHost?: string;
  /**
   * How long running handlers may take to finish once shutdown begins. Then their `signal` is
   * aborted and their tasks are handed back to the queue (IN_PROGRESS, callback 0: another
   * worker picks them up at once, no retry used); reporting those takes at most 2 s more.
   * @default 30_000
   */
  readonly shutdownTimeoutMs?: number;
  /**
   * Where to log: the process's own lines and one line per task start and end. The SDK's own
   * TaskRunner (@io-orkes/conductor-javascript 4.0.0) also writes plain `[TaskRunner] Submitting
   * task result ...` lines to stdout whenever the `CI` environment variable is set, past this
   * logger: unset `CI` for a worker process whose stdout must stay JSON lines.
   * @default jsonLogger (pino, JSON lines on stdout)
   */
  readonly logger?: WorkerLogger;
  /** Signals that start a graceful stop; a second one hands back at once. @default ['SIGINT', 'SIGTERM'] */
  readonly signals?: readonly NodeJS.Signals[];
  /**
   * How many times a task result is sent before it is given up (the SDK's TaskManager
   * `maxRetries`: it waits 10 s × the attempt number between tries, so 4 attempts ride out 60 s
   * of the server being away and 6 ride out 150 s, e.g. a cluster instance restarting). A result
   * given up is lost: the server times the task out and retries it. The SDK also prints a
   * `[TaskRunner] Task update failed ...` line to stdout for each failed try, past the logger.
   * @default 4 (the SDK's)
   */
  readonly reportAttempts?: number;
  /**
   * The application's own prom-client metrics (made with `registers: []`), served on `/metrics`
   * beside the worker ones; its handlers update them.
   * @example metrics: [new Counter({ name: 'app_builds_total', help: 'Builds.', registers: [] })]
   * @default []
   */
  readonly metrics?: readonly Metric[];
}

/** `GET /health`: 200 when UP (polling, the server answers, no handler stuck past its deadline), 503 when DOWN. */
export interface WorkerHealth {
  readonly status: 'UP' | 'DOWN';
  readonly polling: boolean;
  readonly serverReachable: boolean;
  /** Last successful exchange with the Conductor server (ISO time), if any. */
  readonly lastContactAt?: string;
  /**
   * Handlers that passed their deadline (the task's responseTimeoutSeconds) and never settled:
   * their attempts were failed, but each still runs in this process. Any makes the process DOWN,
   * so a liveness probe restarts it.
   */
  readonly stuckHandlers: readonly StuckHandler[];
  /** Why it is DOWN. */
  readonly problem?: string;
}

/** A handler past its deadline that has not settled, as `/health` shows it. */
export interface StuckHandler {
  readonly taskName: string;
  readonly taskId: string;
  readonly workflowInstanceId: string;
  /** The deadline it passed, seconds. */
  readonly deadlineSeconds: number;
  /** How long since it passed, ms. */
  readonly overdueMs: number;
}

/** A task held by the process, as `/status` shows it. */
export interface HeldTask {
  readonly taskName: string;
  readonly taskId: string;
  readonly workflowInstanceId: string;
  readonly phase: InFlightPhase;
  readonly runningMs: number;
}

/** `GET /status`. */
export interface WorkerStatus {
  readonly workerId: string;
  readonly polling: boolean;
  readonly stopping: boolean;
  readonly startedAt: string;
  /** Last batch poll answered, any task type (ISO time), or null before the first. */
  readonly lastPollAt: string | null;
  /** Why the last poll failed, when the last poll failed. */
  readonly lastPollError?: string;
  /** Tasks executing or being reported now. */
  readonly inFlight: number;
  readonly inFlightTasks: readonly HeldTask[];
  /** Per task name: executions by reported status, tasks in flight, last poll. */
  readonly tasks: Readonly<Record<string, TaskTally & { readonly inFlight: number; readonly lastPollAt: string | null }>>;
}

/** A task named in a {@link StopReport}. */
export interface StoppedTask {
  readonly taskName: string;
  readonly taskId: string;
  readonly workflowInstanceId: string;
}

/** What a stop did. */
export interface StopReport {
  /** What started it. */
  readonly trigger: 'stop()' | NodeJS.Signals;
  readonly durationMs: number;
  /** Tasks that finished and whose result the server confirmed during the stop. */
  readonly finished: number;
  /** Tasks given back to the queue: their handler passed the deadline, or the server handed them out as the stop began. */
  readonly handedBack: readonly StoppedTask[];
  /** Tasks whose result the server did not confirm (they will time out per `responseTimeoutSeconds`). */
  readonly unreported: readonly StoppedTask[];
  /** True when every task finished in time and every result was confirmed. */
  readonly clean: boolean;
}

/** A running worker process. */
export interface RunningWorkers {
  /** Base URL of the health server, e.g. `http://127.0.0.1:9464`. */
  readonly url: string;
  readonly workerId: string;
  /** Stops gracefully (see {@link RunWorkersOptions.shutdownTimeoutMs}); the same promise on every call. */
  stop(): Promise<StopReport>;
  /** Settles when the workers stopped, by {@link stop} or a signal. */
  readonly stopped: Promise<StopReport>;
  /** What `GET /health` answers. */
  health(): WorkerHealth;
  /** What `GET /status` answers. */
  status(): WorkerStatus;
  /** What `GET /metrics` answers. */
  metrics(): Promise<string>;
}

/** What a worker's execute() is raced against: its task's responseTimeoutSeconds passed. */
const EXPIRED = Symbol('responseTimeoutSeconds passed');

/** How long a stop waits for the batch polls in flight (a long poll answers in ~100 ms). */
const POLL_DRAIN_MS = 2_000;
/** How long the results of handed-back tasks may take to reach the server. */
const REPORT_GRACE_MS = 2_000;

/**
 * Runs workers against a Conductor server until SIGINT/SIGTERM (or {@link RunningWorkers.stop}),
 * with a health server for probes and Prometheus. On stop it stops polling, then waits for the
 * tasks in flight to finish AND for the server to confirm their results; handlers still running
 * at the deadline are aborted and their tasks handed back. It then removes its signal listeners
 * and resolves `stopped`; it never exits the process itself.
 *
 * @example
 * ```ts
 * const running = await runWorkers({
 *   serverUrl: 'http://localhost:8080',
 *   workers: ({ signal }) => [createWorker(platformioCompile, compile, { signal })],
 * });
 * const report = await running.stopped; // after SIGTERM
 * process.exit(report.unreported.length === 0 ? 0 : 1);
 * ```
 */
export async function runWorkers(options: RunWorkersOptions): Promise<RunningWorkers> {
  const shutdown = new AbortController();
  const workers = typeof options.workers === 'function' ? options.workers({ signal: shutdown.signal }) : options.workers;
  const settings = checkOptions(options, workers);
  const logger = options.logger ?? jsonLogger;
  const names = workers.map((w) => w.taskDefName);
  const startedAt = new Date();

  let client: ConductorClient;
  try {
    client = await orkesConductorClient({
      serverUrl: settings.serverUrl,
      logger: sdkLogger(logger),
      ...(settings.auth !== undefined && { keyId: settings.auth.keyId, keySecret: settings.auth.keySecret }),
    });
  } catch (error) {
    throw new WorkerError('CONNECT', `Could not set up the Conductor client for ${displayUrl(settings.serverUrl)}: ${describeError(error)}. Check the URL and, for Orkes, the application key (CONDUCTOR_AUTH_KEY/CONDUCTOR_AUTH_SECRET).`, [], { cause: error });
  }

  const tracker = new InFlightTracker();
  const stuck = new Set<OverdueHandler>();
  const metrics = new WorkerMetrics(names, (name) => tracker.countOf(name), options.metrics);
  const contact = new ServerContact(settings.serverUrl);
  const lastPollAt = new Map<string, number>();
  let lastPollError: string | undefined;
  let stopping: Promise<StopReport> | undefined;
  let draining = false;
  let expireNow: (() => void) | undefined;

  const handBackWhy = `Worker ${settings.workerId} shut down before this task finished (deadline ${settings.shutdownTimeoutMs} ms): its handler was aborted and the task handed back to the queue.`;
  const handBackResult: HandBackResult = { status: 'IN_PROGRESS', callbackAfterSeconds: 0, outputData: {} };

  installDrainMode(client, {
    draining: () => draining,
    lateTask: (task: Task) => {
      const taskId = task.taskId as string;
      const workflowInstanceId = task.workflowInstanceId ?? '';
      const taskName = task.taskDefName ?? task.taskType ?? '';
      tracker.reporting(taskName, taskId, workflowInstanceId);
      tracker.noteHandedBack({ taskName, taskId, workflowInstanceId, startedAt: Date.now(), phase: 'reporting' });
      const why = `Worker ${settings.workerId} was shutting down when the server handed it this task: handed back to the queue unexecuted.`;
      handBack(client, { taskId, workflowInstanceId }, settings.workerId, why, { [HANDED_BACK_AT]: task.pollCount ?? 0 }).then(
        () => tracker.reported(taskId, true),
        (error: unknown) => {
          logger.error(`Could not hand back task ${taskId} (${taskName}): ${describeError(error)}. It stays IN_PROGRESS until its responseTimeoutSeconds.`);
          tracker.reported(taskId, false);
        },
      );
    },
  });

  /** Records a worker that did not answer within `limit` s as stuck until it settles; the result that fails its attempt. */
  const overdueResult = (taskName: string, task: Task, limit: number, executing: Promise<unknown>): Awaited<ReturnType<ConductorWorker['execute']>> => {
    const late: OverdueHandler = {
      taskName,
      taskId: task.taskId ?? '',
      workflowInstanceId: task.workflowInstanceId ?? '',
      deadlineSeconds: limit,
      overdueSince: Date.now(),
      settled: executing.then(
        () => undefined,
        () => undefined,
      ),
    };
    noteOverdue(late);
    return { status: 'FAILED', reasonForIncompletion: `The ${taskName} worker did not answer within ${limit} s (the task's responseTimeoutSeconds); the attempt fails and is retried per the task definition.`, outputData: {} };
  };
  const noteOverdue = (late: OverdueHandler): void => {
    stuck.add(late);
    void late.settled.then(() => {
      stuck.delete(late);
      logger.warn(`The ${late.taskName} handler of task ${late.taskId} settled ${Date.now() - late.overdueSince} ms after its deadline; its result was discarded.`);
    });
  };

  /** A delivery the server made while an earlier one holds the task: logged, counted, never run nor reported. */
  const skipDuplicate = (taskName: string, task: Task, why: string): ReturnType<ConductorWorker['execute']> => {
    const taskId = task.taskId ?? '';
    metrics.duplicate(taskName);
    logger.warn(why, { task: taskName, taskId, workflowId: task.workflowInstanceId ?? '', ref: task.referenceTaskName ?? '', pollCount: task.pollCount ?? 0 });
    // Held until the SDK has "reported" it (no request is sent), so a stop waits for it like any other.
    tracker.reporting(taskName, taskId, task.workflowInstanceId ?? '');
    return Promise.resolve(unreportedResult());
  };

  const track = (worker: ConductorWorker): ConductorWorker => ({
    ...worker,
    execute: async (task) => {
      const duplicate = duplicateDelivery(task);
      if (duplicate !== undefined) return skipDuplicate(worker.taskDefName, task, duplicate);
      const taskId = task.taskId ?? '';
      const execution = tracker.start(worker.taskDefName, taskId, task.workflowInstanceId ?? '');
      const started = performance.now();
      const fields = { task: worker.taskDefName, taskId, workflowId: task.workflowInstanceId ?? '', ref: task.referenceTaskName ?? '', attempt: (task.retryCount ?? 0) + 1 };
      logger.info('task started', fields);
      let status: ExecutionStatus = 'FAILED';
      let reason: string | undefined;
      // A worker not made by createWorker has no deadline of its own: it gets the task's
      // responseTimeoutSeconds (createWorker's deadline falls 10 % before it, so it answers first).
      const limit = task.responseTimeoutSeconds ?? 0;
      const executing = Promise.resolve().then(() => worker.execute(task));
      let expiry: NodeJS.Timeout | undefined;
      const expired = new Promise<typeof EXPIRED>((resolve) => {
        if (limit > 0) expiry = setTimeout(() => resolve(EXPIRED), limit * 1000);
      });
      try {
        const raced = await Promise.race([executing, execution.handedBack, expired]);
        clearTimeout(expiry);
        let result =
          raced === EXPIRED
            ? overdueResult(worker.taskDefName, task, limit, executing)
            : raced;
        if (result === handBackResult) {
          // The SDK reports an IN_PROGRESS result's logs from its task context only.
          getTaskContext()?.addLog(handBackWhy);
        }
        // Given back to the queue: say so on the task, for the next delivery to run it.
        if (result.status === 'IN_PROGRESS') result = await markHandBack(client, task, result);
        status = (result.status ?? 'COMPLETED') as ExecutionStatus;
        reason = 'reasonForIncompletion' in result ? result.reasonForIncompletion : undefined;
        const late = overdueHandler(result);
        if (late !== undefined) noteOverdue(late);
        return result;
      } catch (error) {
        clearTimeout(expiry);
        status = error instanceof NonRetryableException ? 'FAILED_WITH_TERMINAL_ERROR' : 'FAILED';
        reason = describeError(error);
        throw error;
      } finally {
        tracker.executed(execution);
        const seconds = (performance.now() - started) / 1000;
        metrics.record(worker.taskDefName, status, seconds);
        const ended = { ...fields, status, durationMs: Math.round(seconds * 1000) };
        if (status === 'FAILED' || status === 'FAILED_WITH_TERMINAL_ERROR') logger.error('task failed', { ...ended, reason: reason ?? 'no reason given' });
        else logger.info(status === 'IN_PROGRESS' ? 'task in progress' : 'task completed', ended);
      }
    },
  });

  const events: TaskRunnerEventsListener = {
    onPollStarted: () => tracker.pollStarted(),
    onPollCompleted: (event) => {
      tracker.pollEnded();
      contact.succeeded();
      lastPollAt.set(event.taskType, Date.now());
      lastPollError = undefined;
    },
    onPollFailure: (event) => {
      tracker.pollEnded();
      lastPollError = `polling ${event.taskType} failed: ${describeError(event.cause)}`;
      contact.failed(lastPollError);
    },
    onTaskUpdateCompleted: (event) => {
      contact.succeeded();
      tracker.reported(event.taskId, true);
    },
    onTaskUpdateFailure: (event) => {
      logger.error(`The result of task ${event.taskId} (${event.taskType}) could not be reported after ${event.retryCount} attempts: ${describeError(event.cause)}. The task stays IN_PROGRESS on the server until its responseTimeoutSeconds.`);
      tracker.reported(event.taskId, false);
    },
  };

  const manager = new TaskManager(withUnreportedResults(client), workers.map(track), {
    logger: sdkLogger(logger),
    eventListeners: [events],
    ...(options.reportAttempts !== undefined && { maxRetries: options.reportAttempts }),
    options: {
      workerID: settings.workerId,
      ...(options.concurrency !== undefined && { concurrency: options.concurrency }),
      ...(options.pollInterval !== undefined && { pollInterval: options.pollInterval }),
      ...(options.domain !== undefined && { domain: options.domain }),
    },
  });

  const health = (): WorkerHealth => {
    const polling = manager.isPolling && stopping === undefined;
    const state = contact.state();
    const now = Date.now();
    const stuckHandlers = [...stuck].map((h) => ({ taskName: h.taskName, taskId: h.taskId, workflowInstanceId: h.workflowInstanceId, deadlineSeconds: h.deadlineSeconds, overdueMs: now - h.overdueSince }));
    const up = polling && state.reachable && stuckHandlers.length === 0;
    const problem = !polling
      ? stopping !== undefined
        ? 'stopping'
        : 'not polling'
      : !state.reachable
        ? state.problem
        : `${stuckHandlers.length} handler(s) passed their deadline and never settled (${stuckHandlers.map((h) => `${h.taskName} ${h.taskId}`).join(', ')}); their attempts were failed, but they still run in this process: restart it`;
    return {
      status: up ? 'UP' : 'DOWN',
      polling,
      serverReachable: state.reachable,
      stuckHandlers,
      ...(state.lastSuccessAt > 0 && { lastContactAt: new Date(state.lastSuccessAt).toISOString() }),
      ...(!up && problem !== undefined && { problem }),
    };
  };
  const iso = (ms: number | undefined): string | null => (ms === undefined ? null : new Date(ms).toISOString());
  const status = (): WorkerStatus => {
    const tally = metrics.tally();
    const now = Date.now();
    const held = tracker.list();
    const latest = Math.max(0, ...lastPollAt.values());
    return {
      workerId: settings.workerId,
      polling: manager.isPolling && stopping === undefined,
      stopping: stopping !== undefined,
      startedAt: startedAt.toISOString(),
      lastPollAt: latest > 0 ? iso(latest) : null,
      ...(lastPollError !== undefined && { lastPollError }),
      inFlight: held.length,
      inFlightTasks: held.map((t) => ({ taskName: t.taskName, taskId: t.taskId, workflowInstanceId: t.workflowInstanceId, phase: t.phase, runningMs: now - t.startedAt })),
      tasks: Object.fromEntries(
        Object.entries(tally).map(([name, counts]) => [name, { ...counts, inFlight: held.filter((t) => t.taskName === name).length, lastPollAt: iso(lastPollAt.get(name)) }]),
      ),
    };
  };

  let healthServer: HealthServer;
  try {
    healthServer = await startHealthServer(settings.healthHost, settings.healthPort, {
      health: () => {
        const body = health();
        return { healthy: body.status === 'UP', body };
      },
      status,
      metrics: async () => ({ contentType: metrics.contentType, text: await metrics.text() }),
    });
  } catch (error) {
    client.stopBackgroundRefresh();
    throw new WorkerError('HEALTH_SERVER', error instanceof Error ? error.message : String(error), [], { cause: error });
  }

  await contact.start();
  if (!contact.state().reachable) logger.warn(`The Conductor server at ${displayUrl(settings.serverUrl)} does not answer (${contact.state().problem}); the workers keep polling and /health says DOWN until it does.`);
  manager.startPolling();

  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping === undefined) {
      logger.info(`${signal} received: stopping gracefully (send it again to hand back running tasks at once).`);
      stop(signal).catch((error: unknown) => logger.error(`Stopping failed: ${describeError(error)}`));
    } else {
      logger.warn(`${signal} received again: handing back the tasks still running.`);
      expireNow?.();
    }
  };
  for (const signal of settings.signals) process.on(signal, onSignal);

  let settleStopped!: { resolve: (report: StopReport) => void; reject: (error: unknown) => void };
  const stopped = new Promise<StopReport>((resolve, reject) => (settleStopped = { resolve, reject }));
  stopped.catch(() => {}); // a failed stop is reported by stop() and the signal handler as well

  const toStopped = (t: InFlightTask): StoppedTask => ({ taskName: t.taskName, taskId: t.taskId, workflowInstanceId: t.workflowInstanceId });

  const stop = (trigger: StopReport['trigger']): Promise<StopReport> =>
    (stopping ??= (async () => {
      try {
        return await drain(trigger);
      } finally {
        contact.stop();
        await healthServer.close();
        for (const signal of settings.signals) process.off(signal, onSignal);
        client.stopBackgroundRefresh();
      }
    })().then(
      (report) => {
        logger.info(`Stopped in ${report.durationMs} ms: ${report.finished} task(s) finished, ${report.handedBack.length} handed back.`);
        settleStopped.resolve(report);
        return report;
      },
      (error: unknown) => {
        settleStopped.reject(error);
        throw error;
      },
    ));

  /** Stops polling, waits for the tasks in flight and their reports, hands back what passes the deadline. */
  const drain = async (trigger: StopReport['trigger']): Promise<StopReport> => {
    const began = Date.now();
    draining = true;
    tracker.markShutdown();
    await manager.stopPolling();
    const held = tracker.size;
    logger.info(held === 0 ? 'Polling stopped; no task in flight.' : `Polling stopped; waiting up to ${settings.shutdownTimeoutMs} ms for ${held} task(s) to finish and be reported.`);

    const deadline = new AbortController();
    expireNow = () => deadline.abort();
    const timer = setTimeout(() => deadline.abort(), settings.shutdownTimeoutMs);
    // A poll answered after stopPolling() still hands its tasks to the SDK, so wait for the
    // polls in flight too; but only briefly, as a poll to a server that is down only fails
    // after the SDK's transport retries (seconds), and brings no task.
    await tracker.idle(AbortSignal.any([deadline.signal, AbortSignal.timeout(POLL_DRAIN_MS)]));
    await tracker.idle(deadline.signal, false);
    clearTimeout(timer);
    if (tracker.size > 0) {
      shutdown.abort(new Error(`The worker is shutting down and the ${settings.shutdownTimeoutMs} ms deadline passed.`));
      const given = tracker.handBackAll(handBackResult);
      if (given.length > 0) logger.warn(`Shutdown deadline passed: handed back ${given.map((t) => `${t.taskName} ${t.taskId}`).join(', ')}.`);
      const grace = new AbortController();
      const graceTimer = setTimeout(() => grace.abort(), REPORT_GRACE_MS);
      await tracker.idle(grace.signal, false);
      clearTimeout(graceTimer);
    }
    const unconfirmed = [...tracker.unreported, ...tracker.list()].map(toStopped);
    const report: StopReport = {
      trigger,
      durationMs: Date.now() - began,
      finished: tracker.finishedDuringShutdown,
      handedBack: tracker.handedBack.map(toStopped),
      unreported: unconfirmed,
      clean: tracker.handedBack.length === 0 && unconfirmed.length === 0,
    };
    if (unconfirmed.length > 0) logger.error(`Stopped with ${unconfirmed.length} result(s) not confirmed by the server: ${unconfirmed.map((t) => `${t.taskName} ${t.taskId}`).join(', ')}.`);
    return report;
  };

  logger.info(
    `Polling ${displayUrl(settings.serverUrl)} (${settings.auth !== undefined ? 'Orkes application key' : 'no auth'}) as ${settings.workerId} for ${names.join(', ')}; health on ${healthServer.url}.`,
  );

  return {
    url: healthServer.url,
    workerId: settings.workerId,
    stop: () => stop('stop()'),
    stopped,
    health,
    status,
    metrics: () => metrics.text(),
  };
}

interface Settings {
  readonly serverUrl: string;
  readonly auth?: { readonly keyId: string; readonly keySecret: string };
  readonly workerId: string;
  readonly healthHost: string;
  readonly healthPort: number;
  readonly shutdownTimeoutMs: number;
  readonly signals: readonly NodeJS.Signals[];
}

/** `url` as the SDK uses it: no trailing `/` or `/api`. */
export function normalizeServerUrl(url: string): string {
  let out = url.trim();
  while (out.endsWith('/')) out = out.slice(0, -1);
  if (out.endsWith('/api')) out = out.slice(0, -4);
  return out;
}

function checkOptions(options: RunWorkersOptions, workers: readonly ConductorWorker[]): Settings {
  const problems: WorkerProblem[] = [];
  const bad = (path: string, message: string): void => void problems.push({ path, message });
  const isInt = (value: unknown, min: number, max = Number.MAX_SAFE_INTEGER): boolean => Number.isInteger(value) && (value as number) >= min && (value as number) <= max;

  if (workers.length === 0) bad('workers', 'no workers given: pass at least one ConductorWorker (e.g. from createWorker()).');
  const seen = new Set<string>();
  workers.forEach((worker, i) => {
    if (typeof worker?.taskDefName !== 'string' || worker.taskDefName === '') bad(`workers[${i}].taskDefName`, 'must be the Conductor task name the worker polls for.');
    else if (seen.has(worker.taskDefName)) bad(`workers[${i}].taskDefName`, `"${worker.taskDefName}" is polled by an earlier worker too: keep one worker per task name.`);
    else seen.add(worker.taskDefName);
    if (typeof worker?.execute !== 'function') bad(`workers[${i}].execute`, 'must be a function (task) => Promise<TaskResult>.');
  });

  let serverUrl = normalizeServerUrl(options.serverUrl ?? '');
  try {
    const parsed = new URL(serverUrl);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') bad('serverUrl', `must be an http(s) URL, e.g. http://localhost:8080; got the ${parsed.protocol} scheme.`);
  } catch {
    bad('serverUrl', `${JSON.stringify(displayUrl(options.serverUrl ?? ''))} is not a URL: give the Conductor server's base URL, e.g. http://localhost:8080.`);
    serverUrl = '';
  }

  const keyId = options.keyId?.trim() ?? '';
  const keySecret = options.keySecret?.trim() ?? '';
  if ((keyId === '') !== (keySecret === '')) bad(keyId === '' ? 'keyId' : 'keySecret', 'Orkes authentication needs both keyId and keySecret (an application key); give both, or neither for Conductor OSS.');

  if (options.concurrency !== undefined && !isInt(options.concurrency, 1)) bad('concurrency', `must be a whole number of at least 1, e.g. 4; got ${String(options.concurrency)}.`);
  if (options.pollInterval !== undefined && !isInt(options.pollInterval, 1)) bad('pollInterval', `must be a whole number of milliseconds, at least 1, e.g. 100; got ${String(options.pollInterval)}.`);
  if (options.reportAttempts !== undefined && !isInt(options.reportAttempts, 1, 100)) bad('reportAttempts', `must be a whole number from 1 to 100, e.g. 6; got ${String(options.reportAttempts)}.`);
  if (options.domain !== undefined && options.domain.trim() === '') bad('domain', 'is empty: give a task domain, or leave it out.');
  const healthPort = options.healthPort ?? 9464;
  if (!isInt(healthPort, 0, 65535)) bad('healthPort', `must be a port number from 0 to 65535 (0 picks a free one), e.g. 9464; got ${String(healthPort)}.`);
  const shutdownTimeoutMs = options.shutdownTimeoutMs ?? 30_000;
  if (!isInt(shutdownTimeoutMs, 0)) bad('shutdownTimeoutMs', `must be a whole number of milliseconds, e.g. 30000; got ${String(shutdownTimeoutMs)}.`);

  const metricNames = new Set<string>();
  (options.metrics ?? []).forEach((metric, i) => {
    const name: unknown = (metric as { name?: unknown } | undefined)?.name;
    if (typeof name !== 'string' || name === '') bad(`metrics[${i}]`, 'is not a prom-client metric: give a Counter, Gauge, Histogram or Summary made with registers: [].');
    else if (metricNames.has(name)) bad(`metrics[${i}]`, `"${name}" is the name of an earlier metric too: give each metric a name of its own.`);
    else if (WORKER_METRIC_NAMES.includes(name) || /^(process|nodejs)_/.test(name)) bad(`metrics[${i}]`, `"${name}" is a name the worker process's own metrics use (${WORKER_METRIC_NAMES.join(', ')}, process_*, nodejs_*): name the metric otherwise.`);
    else metricNames.add(name);
  });

  // The SDK prefers these variables over the options it is given; refuse rather than talk to
  // another server, or with other credentials, than the caller asked for.
  const envUrl = process.env['CONDUCTOR_SERVER_URL'];
  if (envUrl !== undefined && envUrl !== '' && serverUrl !== '' && normalizeServerUrl(envUrl) !== serverUrl) {
    bad('CONDUCTOR_SERVER_URL', `is set to ${displayUrl(envUrl)}, which the Conductor SDK would use instead of serverUrl ${displayUrl(serverUrl)}: unset it, or pass the same URL.`);
  }
  for (const [variable, given, option] of [['CONDUCTOR_AUTH_KEY', keyId, 'keyId'], ['CONDUCTOR_AUTH_SECRET', keySecret, 'keySecret']] as const) {
    const value = process.env[variable]?.trim();
    if (value !== undefined && value !== '' && value !== given) bad(variable, `is set, and the Conductor SDK would use it instead of ${option === 'keyId' ? 'the keyId given' : 'the keySecret given'}: unset it, or pass the same value.`);
  }

  if (problems.length > 0) {
    const conflict = problems.every((p) => p.path.startsWith('CONDUCTOR_'));
    throw new WorkerError(conflict ? 'ENV_CONFLICT' : 'INVALID_OPTIONS', `runWorkers() cannot start: ${problems.length} problem(s).`, problems);
  }
  return {
    serverUrl,
    ...(keyId !== '' && { auth: { keyId, keySecret } }),
    workerId: options.workerId ?? hostname(),
    healthHost: options.healthHost ?? '127.0.0.1',
    healthPort,
    shutdownTimeoutMs,
    signals: options.signals ?? ['SIGINT', 'SIGTERM'],
  };
}
