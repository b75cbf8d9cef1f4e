import type { WorkflowDef } from '../conductor-types.ts';
import { Engine } from '../runner/engine.ts';
import { isTerminal, type Execution } from '../runner/execution.ts';
import { resolveParameters } from '../runner/parameters.ts';
import type { Registry } from '../runner/registry.ts';
import type { TaskOutcome, TaskRun } from '../runner/types.ts';
import { RealClock } from '../runner/virtual-clock.ts';
import { apiTaskType, isWorkerTask, type TaskExtras } from './api-model.ts';
import { badRequest, conflict, HttpError, isObject, notFound } from './http.ts';

/** A task and the workflow run it belongs to. */
export interface LocatedTask {
  readonly exec: Execution;
  readonly run: TaskRun;
}

/** Longest long poll the dev server holds a request for, whatever `timeout` asks. */
const MAX_POLL_TIMEOUT_MS = 30_000;
/** How often a waiting long poll looks at the queue again even without a wake-up. */
const POLL_RECHECK_MS = 100;

const RESULT_STATUSES: ReadonlySet<string> = new Set(['IN_PROGRESS', 'COMPLETED', 'FAILED', 'FAILED_WITH_TERMINAL_ERROR']);

/**
 * The dev server's state: the runner's {@link Engine} on real time, the queue of worker tasks
 * (SIMPLE tasks waiting in `SCHEDULED`), and the workflow operations of the REST API.
 */
export class DevRuntime {
  /** Real time: WAIT durations, retry delays and timeouts take as long as they say. */
  readonly clock = new RealClock();
  readonly engine: Engine;
  private readonly extras = new Map<string, TaskExtras>();
  private readonly listeners = new Set<() => void>();
  private closed = false;

  constructor(readonly registry: Registry) {
    this.engine = new Engine({ registry, executors: new Map(), clock: this.clock });
    this.clock.setOnFire(() => void this.changed());
  }

  /**
   * Lets the engine run what a state change released (one settle at a time: the engine coalesces
   * them), then wakes waiting long polls. Resolves once the engine is quiet, or after one turn of
   * the event loop when it waits on real work (an HTTP task), so that answers never hang on it.
   */
  async changed(): Promise<void> {
    if (this.closed) return;
    const settled = this.engine.settle().catch((error: unknown) => {
      console.error('[k1 dev server] the workflow engine failed; this is a bug in @k1/workflows:', error);
    });
    await Promise.race([settled, new Promise<void>((resolve) => setImmediate(resolve))]);
    this.wake();
  }

  /** Stops long polls and timers' effects; the server is closing. */
  close(): void {
    this.closed = true;
    this.wake();
  }

  private wake(): void {
    for (const listener of [...this.listeners]) listener();
  }

  /** Waits until something changed, `ms` passed, or `signal` aborted. */
  private waitForChange(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.listeners.delete(done);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.listeners.add(done);
      signal.addEventListener('abort', done, { once: true });
    });
  }

  /** Per-task facts beside the engine's (worker id, callback). */
  extrasOf(run: TaskRun): TaskExtras {
    return this.extras.get(run.taskId) ?? {};
  }

  // ---- workflows ----------------------------------------------------------------------------

  /** A workflow run by id; 404 with the server's wording. */
  execution(workflowId: string): Execution {
    const exec = this.engine.executions.get(workflowId);
    if (exec === undefined) throw notFound(`No such workflow found by id: ${workflowId}`);
    return exec;
  }

  /** Workflow ids by `<workflow name>\u0000<idempotencyKey>`. */
  private readonly idempotent = new Map<string, string>();

  /**
   * Starts a workflow and lets it run to its first wait. With an idempotency key already used for
   * this workflow name, RETURN_EXISTING gives back that run, FAIL (the default) refuses with 409,
   * FAIL_ON_RUNNING refuses only while that run is still RUNNING.
   */
  async start(
    def: WorkflowDef,
    input: Record<string, unknown>,
    correlationId: string | undefined,
    idempotency?: { readonly key: string; readonly strategy?: string | undefined },
  ): Promise<Execution> {
    const slot = idempotency === undefined ? undefined : `${def.name}\u0000${idempotency.key}`;
    const existing = slot === undefined ? undefined : this.engine.executions.get(this.idempotent.get(slot) ?? '');
    if (existing !== undefined && idempotency !== undefined) {
      const strategy = idempotency.strategy ?? 'FAIL';
      if (strategy === 'RETURN_EXISTING') return existing;
      if (strategy === 'FAIL' || existing.status === 'RUNNING') {
        throw conflict(`Workflow ${def.name} was already started with idempotencyKey ${idempotency.key} (workflow ${existing.id}); use idempotencyStrategy RETURN_EXISTING to get it back.`);
      }
    }
    const exec = this.engine.start(def, input, { correlationId });
    if (slot !== undefined) this.idempotent.set(slot, exec.id);
    await this.changed();
    return exec;
  }

  /**
   * Terminates a workflow as `DELETE /api/workflow/{id}` does: no failure workflow; 409 for a
   * COMPLETED one; nothing for one already TERMINATED.
   */
  async terminate(exec: Execution, reason: string | undefined): Promise<void> {
    if (exec.status === 'COMPLETED') throw conflict('Cannot terminate a COMPLETED workflow.');
    if (exec.status === 'TERMINATED') return;
    if (exec.status === 'RUNNING' || exec.status === 'PAUSED') {
      this.engine.endWorkflow(exec, 'TERMINATED', reason, { byApi: true });
    } else {
      // FAILED or TIMED_OUT: the server records the termination over the earlier end.
      exec.status = 'TERMINATED';
      exec.reasonForIncompletion = reason;
      exec.doc['workflow'] = exec.workflowView();
    }
    await this.changed();
  }

  /**
   * Retries a failed workflow as `POST /api/workflow/{id}/retry` does: every FAILED, TIMED_OUT or
   * CANCELED task whose reference has no later successful attempt gets a new attempt
   * (retryCount + 1); a CANCELED JOIN or DO_WHILE goes back to IN_PROGRESS; the workflow is
   * RUNNING again.
   */
  async retry(exec: Execution): Promise<void> {
    if (!isFinished(exec)) throw notFound(`Workflow is still running.  status=${exec.status}`);
    if (exec.tasks.length === 0) throw conflict('Workflow has not started yet');
    const retriable = new Map<string, TaskRun>();
    const reopen: TaskRun[] = [];
    for (const run of exec.tasks) {
      switch (run.status) {
        case 'FAILED':
        case 'FAILED_WITH_TERMINAL_ERROR':
        case 'TIMED_OUT':
          retriable.set(run.referenceTaskName, run);
          break;
        case 'CANCELED':
          if (run.taskType === 'JOIN' || run.taskType === 'DO_WHILE') reopen.push(run);
          else retriable.set(run.referenceTaskName, run);
          break;
        default:
          retriable.delete(run.referenceTaskName);
      }
    }
    if (retriable.size === 0) throw conflict('There are no retryable tasks! Use restart if you want to attempt entire workflow execution again.');
    exec.status = 'RUNNING';
    exec.reasonForIncompletion = undefined;
    exec.endTime = 0;
    exec.failedTaskId = undefined;
    exec.completionDue = false;
    exec.doc['workflow'] = exec.workflowView();
    for (const run of reopen) {
      run.status = 'IN_PROGRESS';
      run.endTime = 0;
      exec.publish(run);
      if (run.taskType === 'JOIN') exec.joins.add(run);
    }
    for (const run of [...retriable.values()].sort((a, b) => a.seq - b.seq)) {
      // As the server: the old input, with the task's parameters resolved again over it.
      const resolved = resolveParameters(run.workflowTask.inputParameters ?? {}, exec.doc);
      this.engine.schedule(exec, run.workflowTask, run, { ...run.inputData, ...(isObject(resolved) ? resolved : {}) });
    }
    await this.changed();
  }

  /**
   * Restarts a finished workflow as `POST /api/workflow/{id}/restart` does: from the first task,
   * with the same input and the same id; 409 while it still runs.
   */
  async restart(exec: Execution, useLatestDefinitions: boolean): Promise<Execution> {
    const label = `${exec.def.name}.${exec.def.version ?? 1}/${exec.id}.${exec.status}`;
    if (!isFinished(exec)) throw conflict(`Workflow: ${label} is not in terminal state, unable to restart.`);
    const def = useLatestDefinitions ? this.registry.workflow(exec.def.name) : exec.def;
    if (def === undefined) throw notFound(`Unable to find latest definition for ${exec.id}`);
    if (def.restartable === false && exec.status === 'COMPLETED') throw notFound(`Workflow: ${label} is non-restartable`);
    const fresh = this.engine.start(def, exec.input, { correlationId: exec.correlationId, parent: exec.parent, workflowId: exec.id });
    await this.changed();
    return fresh;
  }

  /** Removes a workflow run (terminating it first when it still runs). */
  async remove(exec: Execution): Promise<void> {
    if (!isFinished(exec)) this.engine.endWorkflow(exec, 'TERMINATED', 'Removed through the API.', { byApi: true });
    this.engine.executions.delete(exec.id);
    await this.changed();
  }

  /** Resolves once the workflow finished, or after `timeoutMs`. */
  async waitUntilFinished(exec: Execution, timeoutMs: number, signal: AbortSignal): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!isFinished(exec) && !signal.aborted && !this.closed) {
      const left = deadline - Date.now();
      if (left <= 0) return;
      await this.waitForChange(Math.min(left, POLL_RECHECK_MS), signal);
    }
  }

  // ---- tasks --------------------------------------------------------------------------------

  /** A task by id, in whichever workflow holds it. */
  findTask(taskId: string): LocatedTask | undefined {
    for (const exec of this.engine.executions.values()) {
      const run = exec.tasks.find((t) => t.taskId === taskId);
      if (run !== undefined) return { exec, run };
    }
    return undefined;
  }

  /** Worker tasks waiting in the queue (SCHEDULED), oldest first; of one type when given. */
  queued(taskType?: string): LocatedTask[] {
    const found: LocatedTask[] = [];
    for (const exec of this.engine.executions.values()) {
      if (exec.status !== 'RUNNING') continue;
      for (const run of exec.tasks) {
        if (run.status === 'SCHEDULED' && isWorkerTask(run) && (taskType === undefined || apiTaskType(run) === taskType)) found.push({ exec, run });
      }
    }
    return found.sort((a, b) => a.run.seq - b.run.seq);
  }

  /** Takes up to `count` tasks of a type from the queue and marks them IN_PROGRESS for `workerId`. */
  take(taskType: string, count: number, workerId: string | undefined): LocatedTask[] {
    const taken = this.queued(taskType).slice(0, Math.max(1, count));
    for (const { exec, run } of taken) {
      this.engine.startRun(exec, run);
      this.extras.set(run.taskId, { ...(workerId !== undefined && { workerId }) });
    }
    return taken;
  }

  /** A (batch) poll: tasks at once, or the first ones queued within `timeoutMs` (at most 30 s). */
  async poll(taskType: string, count: number, timeoutMs: number, workerId: string | undefined, signal: AbortSignal): Promise<LocatedTask[]> {
    const deadline = Date.now() + Math.max(0, Math.min(timeoutMs, MAX_POLL_TIMEOUT_MS));
    for (;;) {
      if (signal.aborted || this.closed) return [];
      const taken = this.take(taskType, count, workerId);
      if (taken.length > 0) {
        await this.changed();
        return taken;
      }
      const left = deadline - Date.now();
      if (left <= 0) return [];
      await this.waitForChange(Math.min(left, POLL_RECHECK_MS), signal);
    }
  }

  /**
   * Applies a worker's `TaskResult` as `POST /api/tasks` does. Returns the task, or undefined for
   * a lease extension (which changes nothing here). A result for a task or workflow that already
   * ended is ignored, as the server ignores it.
   */
  async updateTask(body: unknown): Promise<LocatedTask | undefined> {
    if (!isObject(body)) throw badRequest('The request body must be a TaskResult: a JSON object with taskId, workflowInstanceId and status.');
    const taskId = body['taskId'];
    const workflowId = body['workflowInstanceId'];
    const missing = [
      ...(typeof workflowId !== 'string' || workflowId === '' ? [{ path: 'updateTask.taskResult.workflowInstanceId', message: 'Workflow Id cannot be null or empty', invalidValue: null }] : []),
      ...(typeof taskId !== 'string' || taskId === '' ? [{ path: 'updateTask.taskResult.taskId', message: 'Task ID cannot be null or empty', invalidValue: null }] : []),
    ];
    if (missing.length > 0) throw new HttpError(400, 'Validation failed, check below errors for detail.', missing);
    // The server looks the workflow up first: an unknown one is a 404 before the task is.
    this.execution(workflowId as string);
    const found = this.findTask(taskId as string);
    if (found === undefined) throw notFound(`No such task found by id: ${String(taskId)}`);
    if (body['extendLease'] === true) return undefined;
    const status = body['status'];
    if (typeof status !== 'string' || !RESULT_STATUSES.has(status)) {
      throw badRequest(`TaskResult status ${JSON.stringify(status ?? null)} is not one of ${[...RESULT_STATUSES].join(', ')}; set "status".`);
    }
    return this.applyResult(found, status as TaskOutcome['status'], body);
  }

  /**
   * `POST /api/tasks/{workflowId}/{taskRefName}/{status}`: completes (or fails) the pending task
   * with that reference; 404 when none is pending.
   */
  async updateTaskByRef(workflowId: string, ref: string, status: string, output: unknown, workerId: string | undefined): Promise<LocatedTask> {
    const exec = this.execution(workflowId);
    const run = [...exec.tasks].reverse().find((t) => t.referenceTaskName === ref && !isTerminal(t.status));
    if (run === undefined) throw notFound(`Found no running task ${ref} of workflow ${workflowId} to update`);
    if (!RESULT_STATUSES.has(status)) throw badRequest(`Status ${JSON.stringify(status)} is not one of ${[...RESULT_STATUSES].join(', ')}.`);
    return this.applyResult({ exec, run }, status as TaskOutcome['status'], { outputData: output, workerId });
  }

  private async applyResult(task: LocatedTask, status: TaskOutcome['status'], body: Record<string, unknown>): Promise<LocatedTask> {
    const { exec, run } = task;
    if (isTerminal(run.status) || exec.status !== 'RUNNING') return task;
    const output = isObject(body['outputData']) ? body['outputData'] : {};
    const reason = typeof body['reasonForIncompletion'] === 'string' ? body['reasonForIncompletion'] : undefined;
    const callback = typeof body['callbackAfterSeconds'] === 'number' && body['callbackAfterSeconds'] > 0 ? body['callbackAfterSeconds'] : 0;
    const workerId = typeof body['workerId'] === 'string' ? body['workerId'] : this.extrasOf(run).workerId;
    if (Array.isArray(body['logs'])) {
      run.logs.push(...body['logs'].map((entry: unknown) => (isObject(entry) ? String(entry['log'] ?? '') : String(entry))));
    }
    this.extras.set(run.taskId, { ...(workerId !== undefined && { workerId }), callbackAfterSeconds: callback });
    if (status === 'IN_PROGRESS' && isWorkerTask(run)) {
      // The server puts a worker task back in the queue, to be polled again after the callback.
      this.engine.update(exec, run, 'IN_PROGRESS', output, reason, callback > 0 ? callback : undefined);
      if (callback === 0 && run.status === 'IN_PROGRESS') {
        run.status = 'SCHEDULED';
        exec.publish(run);
      }
    } else {
      this.engine.update(exec, run, status, output, reason);
    }
    await this.changed();
    return task;
  }

  /** Logs of a task, in the server's `TaskExecLog` shape. */
  logsOf(run: TaskRun): { log: string; taskId: string; createdTime: number }[] {
    return run.logs.map((log) => ({ log, taskId: run.taskId, createdTime: run.startTime }));
  }
}

/** True once a workflow ended (any status but RUNNING and PAUSED). */
export function isFinished(exec: Execution): boolean {
  return exec.status !== 'RUNNING' && exec.status !== 'PAUSED';
}
