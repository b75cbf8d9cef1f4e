import type { WorkflowDef } from '../conductor-types.ts';
import { Engine } from '../runner/engine.ts';
import { isTerminal, type Execution } from '../runner/execution.ts';
import type { TaskOutcome, TaskRun } from '../runner/types.ts';
import { RealClock } from '../runner/virtual-clock.ts';
import { apiTaskType, failedTasks, isWorkerTask, type RunView } from './api-model.ts';
import { SnapshotRegistry, type DefinitionStore } from './definitions.ts';
import { domainOf, PollRecord } from './domains.ts';
import { badRequest, HttpError, isObject, notFound } from './http.ts';
import { newTaskState, type TaskState, type WorkflowState } from './run-state.ts';

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

/** What a start takes beside the definition and the input. */
export interface StartOptions {
  readonly correlationId?: string | undefined;
  /** Task type (or `*`) → comma-separated domains, as in a StartWorkflowRequest. */
  readonly taskToDomain?: Readonly<Record<string, string>> | undefined;
}

/**
 * The dev server's state: the runner's {@link Engine} on real time, the queue of worker tasks
 * (SIMPLE tasks waiting in `SCHEDULED`, by domain), what the server's models keep beside the
 * engine's (`run-state.ts`), and the start, poll and update operations of the REST API. The
 * workflow operations (retry, rerun, pause...) are in `workflow-operations.ts`.
 */
export class DevRuntime implements RunView {
  /** Real time: WAIT durations, retry delays and timeouts take as long as they say. */
  readonly clock = new RealClock();
  readonly engine: Engine;
  /** Tasks skipped before they ran, by workflow id and reference name (`PUT .../skiptask/{ref}`). */
  readonly skipped = new Map<string, Set<string>>();
  /** Runs of `POST /api/workflow/test`, by id. */
  private readonly testRuns = new Map<string, Execution>();
  /** Removed runs: gone for every endpoint but the search, as on the server. */
  private readonly removed = new Map<string, Execution>();
  private readonly taskStates = new Map<string, TaskState>();
  private readonly workflowStates = new Map<string, WorkflowState>();
  private readonly polls = new PollRecord();
  private readonly listeners = new Set<() => void>();
  private closed = false;
  /** Finished runs in the order they ended, oldest first: the ones forgotten first. */
  private readonly ended = new Map<string, Execution>();

  /**
   * @param retainFinishedRuns finished runs kept readable (test runs of `POST /api/workflow/test`
   *   included), and removed runs kept for the search; beyond it the oldest are forgotten (404 by
   *   id, gone from the search), as a server archives them, so a long-running dev server neither
   *   grows nor slows. @default 10000
   */
  constructor(
    readonly store: DefinitionStore,
    private readonly retainFinishedRuns = 10_000,
  ) {
    this.engine = new Engine({
      registry: new SnapshotRegistry(store),
      executors: new Map(),
      clock: this.clock,
      onWorkflowEnd: (exec) => this.recordEnd(exec),
      isSkipped: (exec, wt) => this.skipped.get(exec.id)?.has(wt.taskReferenceName) === true,
    });
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

  // ---- the server's model beside the engine's ----------------------------------------------

  /** The dev server's state of a task; made on first sight, queued in the domain its workflow maps it to. */
  taskState(exec: Execution, run: TaskRun): TaskState {
    let state = this.taskStates.get(run.taskId);
    if (state === undefined) {
      const domain = isWorkerTask(run) ? domainOf(apiTaskType(run), this.workflowState(exec).taskToDomain, this.polls) : undefined;
      state = newTaskState(domain);
      this.taskStates.set(run.taskId, state);
    }
    return state;
  }

  /**
   * The dev server's state of a workflow run. One the engine started by itself (a sub-workflow, a
   * START_WORKFLOW target) gets the `taskToDomain` the engine gave it: its parent's or the
   * task's own, as the server's SUB_WORKFLOW and START_WORKFLOW tasks pass it on.
   */
  workflowState(exec: Execution): WorkflowState {
    let state = this.workflowStates.get(exec.id);
    if (state === undefined) {
      state = { taskToDomain: exec.taskToDomain, lastRetriedTime: 0 };
      this.workflowStates.set(exec.id, state);
    }
    return state;
  }

  /** Records what the server records when a workflow ends: its failed tasks. */
  recordEnd(exec: Execution): void {
    if (exec.status === 'RUNNING' || exec.status === 'PAUSED') return;
    this.workflowState(exec).failed = failedTasks(exec);
    this.ended.delete(exec.id);
    this.ended.set(exec.id, exec);
    this.forgetOldest();
  }

  /** Forgets the oldest finished runs beyond `retainFinishedRuns`: not one reopened since, nor a child of a running parent. */
  private forgetOldest(): void {
    for (const [id, exec] of this.ended) {
      if (this.ended.size <= this.retainFinishedRuns) return;
      this.ended.delete(id);
      if (!isFinished(exec) || (exec.parent !== undefined && !isFinished(exec.parent.execution))) continue;
      this.engine.executions.delete(id);
      this.testRuns.delete(id);
      this.workflowStates.delete(id);
      this.skipped.delete(id);
      for (const run of exec.tasks) this.taskStates.delete(run.taskId);
    }
  }

  // ---- workflows ----------------------------------------------------------------------------

  /** A workflow run by id (test runs included); 404 with the server's wording. */
  execution(workflowId: string): Execution {
    const exec = this.engine.executions.get(workflowId) ?? this.testRuns.get(workflowId);
    if (exec === undefined) throw notFound(`No such workflow found by id: ${workflowId}`);
    return exec;
  }

  /**
   * Removes an ended run (`DELETE /api/workflow/{id}/remove`): 400 while it runs, in the server's
   * words. conductor-oss 3.32.3 leaves it in its search index, so the search still finds it.
   */
  remove(exec: Execution): void {
    if (!isFinished(exec)) throw badRequest(`Cannot archive workflow: ${exec.id} with status: ${exec.status}`);
    this.engine.executions.delete(exec.id);
    this.testRuns.delete(exec.id);
    this.removed.set(exec.id, exec);
    // Bounded like the finished runs: the oldest removed ones leave the search too.
    for (const id of this.removed.keys()) {
      if (this.removed.size <= this.retainFinishedRuns) break;
      this.removed.delete(id);
    }
  }

  /** Every run the search looks through: running and ended ones, test runs, and removed ones. */
  searchable(): Execution[] {
    return [...this.engine.executions.values(), ...this.testRuns.values(), ...this.removed.values()];
  }

  /** Keeps a run of `POST /api/workflow/test` (its own engine) so that it can be read back by id. */
  adoptTestRun(exec: Execution, taskToDomain: Readonly<Record<string, string>>): void {
    this.testRuns.set(exec.id, exec);
    this.workflowStates.set(exec.id, { taskToDomain, lastRetriedTime: 0 });
  }

  /**
   * Starts a workflow on a snapshot of its definition (the server's `populateTaskDefinitions`) and
   * lets it run to its first wait. An `idempotencyKey` is not looked at: conductor-oss 3.32.3
   * ignores it (two starts with one key and RETURN_EXISTING give two runs); Orkes honours it.
   */
  async start(def: WorkflowDef, input: Record<string, unknown>, options: StartOptions = {}): Promise<Execution> {
    const exec = this.engine.start(this.store.snapshot(def), input, { correlationId: options.correlationId, taskToDomain: options.taskToDomain ?? {} });
    this.workflowStates.set(exec.id, { taskToDomain: options.taskToDomain ?? {}, lastRetriedTime: 0 });
    await this.changed();
    return exec;
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

  /**
   * Worker tasks a poll can get now: SCHEDULED, not postponed by a callback, in the asked domain
   * (none: the default queue), of a RUNNING or PAUSED workflow (pausing schedules nothing new but
   * leaves the queue as it is), oldest first; of one type when given.
   */
  queued(taskType?: string, domain?: string): LocatedTask[] {
    const now = Date.now();
    const found: LocatedTask[] = [];
    for (const exec of this.engine.executions.values()) {
      if (isFinished(exec)) continue;
      for (const run of exec.tasks) {
        if (!isWorkerTask(run) || (taskType !== undefined && apiTaskType(run) !== taskType)) continue;
        const state = this.taskState(exec, run);
        if (run.status !== 'SCHEDULED' && !(run.status === 'IN_PROGRESS' && state.requeued)) continue;
        // A retry waits out its delay in the queue (the runner schedules it at once, delayed by callbackAfterSeconds).
        const due = run.scheduledTime + run.callbackAfterSeconds * 1000 <= now;
        if (state.domain === domain && state.visibleAt <= now && due) found.push({ exec, run });
      }
    }
    return found.sort((a, b) => a.run.scheduledTime - b.run.scheduledTime || a.run.seq - b.run.seq);
  }

  /** Takes up to `count` tasks of a type from a domain's queue and marks them IN_PROGRESS for `workerId`. */
  take(taskType: string, count: number, workerId: string | undefined, domain: string | undefined): LocatedTask[] {
    this.polls.polled(taskType, domain, workerId);
    const taken = this.queued(taskType, domain).slice(0, Math.max(1, count));
    for (const { exec, run } of taken) {
      // The server keeps the first startTime when a task is polled again after IN_PROGRESS.
      const firstStart = run.startTime;
      this.engine.startRun(exec, run);
      if (firstStart > 0) run.startTime = firstStart;
      const state = this.taskState(exec, run);
      state.requeued = false;
      state.workerId = workerId;
      state.updateTime = Date.now();
      // The server hands a polled task out with its callback cleared.
      state.callbackAfterSeconds = 0;
      run.callbackAfterSeconds = 0;
    }
    return taken;
  }

  /**
   * `POST /api/tasks/queue/requeue/{taskType}` (the server's `requeuePendingTasks`): every worker
   * task of that type not yet ended goes (back) in its queue, an IN_PROGRESS one too, so the next
   * poll hands it out again even while a worker holds it; a postponed one keeps its delay. Returns
   * how many, as the server counts them.
   */
  requeue(taskType: string): number {
    let count = 0;
    for (const exec of this.engine.executions.values()) {
      if (isFinished(exec)) continue;
      for (const run of exec.tasks) {
        if (!isWorkerTask(run) || apiTaskType(run) !== taskType || isTerminal(run.status)) continue;
        if (run.status === 'IN_PROGRESS') this.taskState(exec, run).requeued = true;
        count++;
      }
    }
    if (count > 0) this.wake();
    return count;
  }

  /** A (batch) poll: tasks at once, or the first ones queued within `timeoutMs` (at most 30 s). */
  async poll(taskType: string, count: number, timeoutMs: number, workerId: string | undefined, domain: string | undefined, signal: AbortSignal): Promise<LocatedTask[]> {
    const deadline = Date.now() + Math.max(0, Math.min(timeoutMs, MAX_POLL_TIMEOUT_MS));
    for (;;) {
      if (signal.aborted || this.closed) return [];
      const taken = this.take(taskType, count, workerId, domain);
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
      ...(typeof workflowId !== 'string' || workflowId === '' ? [{ path: 'updateTask.arg0.workflowInstanceId', message: 'Workflow Id cannot be null or empty' }] : []),
      ...(typeof taskId !== 'string' || taskId === '' ? [{ path: 'updateTask.arg0.taskId', message: 'Task ID cannot be null or empty' }] : []),
    ];
    if (missing.length > 0) throw new HttpError(400, 'Validation failed, check below errors for detail.', missing);
    // The server looks the workflow up first: an unknown one is a 404 before the task is.
    const exec = this.execution(workflowId as string);
    // Looked for in its workflow first: a search of every retained run per update would cost more than the rest of it.
    const own = exec.tasks.find((t) => t.taskId === taskId);
    const found = own === undefined ? this.findTask(taskId as string) : { exec, run: own };
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

  /**
   * A result as conductor-oss 3.32.3 applies it (`WorkflowExecutorOps.updateTask`): the output is
   * replaced, not merged; `workerId`, `reasonForIncompletion` and `callbackAfterSeconds` are the
   * result's; IN_PROGRESS puts a worker task back in the queue as SCHEDULED, postponed by
   * `callbackAfterSeconds`, without counting a poll; a result for a PAUSED workflow is recorded and
   * acted on at resume.
   */
  private async applyResult(task: LocatedTask, status: TaskOutcome['status'], body: Record<string, unknown>): Promise<LocatedTask> {
    const { exec, run } = task;
    if (isTerminal(run.status) || isFinished(exec)) return task;
    const output = isObject(body['outputData']) ? body['outputData'] : {};
    const reason = typeof body['reasonForIncompletion'] === 'string' ? body['reasonForIncompletion'] : undefined;
    const callback = typeof body['callbackAfterSeconds'] === 'number' && body['callbackAfterSeconds'] > 0 ? body['callbackAfterSeconds'] : 0;
    const state = this.taskState(exec, run);
    if (Array.isArray(body['logs'])) {
      for (const entry of body['logs'] as unknown[]) {
        const createdTime = isObject(entry) && typeof entry['createdTime'] === 'number' ? entry['createdTime'] : Date.now();
        state.logs.push({ log: isObject(entry) ? String(entry['log'] ?? '') : String(entry), createdTime });
      }
    }
    state.workerId = typeof body['workerId'] === 'string' ? body['workerId'] : undefined;
    state.requeued = false;
    state.callbackAfterSeconds = callback;
    state.updateTime = Date.now();
    if (status === 'IN_PROGRESS') {
      run.outputData = output;
      run.reasonForIncompletion = reason;
      if (isWorkerTask(run)) {
        run.status = 'SCHEDULED';
        state.visibleAt = Date.now() + callback * 1000;
      }
      exec.publish(run);
    } else if (exec.status === 'PAUSED') {
      this.engine.markDone(exec, run, status, output, reason);
      state.deferred = { status, output, reason };
    } else if (run.status === 'SCHEDULED') {
      this.engine.finishTask(exec, run, status, output, reason);
    } else {
      this.engine.update(exec, run, status, output, reason);
    }
    await this.changed();
    return task;
  }

  /** Logs of a task, in the server's `TaskExecLog` shape. */
  logsOf({ exec, run }: LocatedTask): { log: string; taskId: string; createdTime: number }[] {
    return this.taskState(exec, run).logs.map(({ log, createdTime }) => ({ log, taskId: run.taskId, createdTime }));
  }

  /** `GET /api/tasks/queue/polldata`: who polled a task type last, per domain (the server's `PollData`). */
  pollData(taskType: string): { queueName: string; domain?: string; workerId?: string; lastPollTime: number }[] {
    return this.polls.of(taskType).map(({ domain, workerId, lastPollTime }) => ({ queueName: taskType, ...(domain !== undefined && { domain }), ...(workerId !== undefined && { workerId }), lastPollTime }));
  }

  /**
   * `POST /api/workflow/{id}/resetcallbacks`: worker tasks waiting out a callback can be polled at
   * once, their `callbackAfterSeconds` 0; 409 for an ended workflow (the server's wording).
   */
  resetCallbacks(exec: Execution): void {
    if (isFinished(exec)) throw new HttpError(409, `Workflow is in terminal state. Status = ${exec.status}`);
    for (const run of exec.tasks) {
      const state = this.taskState(exec, run);
      if (run.status !== 'SCHEDULED' || !isWorkerTask(run) || state.callbackAfterSeconds <= 0) continue;
      state.callbackAfterSeconds = 0;
      state.visibleAt = 0;
    }
    this.wake();
  }
}

/** True once a workflow ended (any status but RUNNING and PAUSED). */
export function isFinished(exec: Execution): boolean {
  return exec.status !== 'RUNNING' && exec.status !== 'PAUSED';
}
