import { allWorkflowTasks } from '../conductor-tasks.ts';
import type { TaskDef, WorkflowDef, WorkflowTask } from '../conductor-types.ts';
import { randomUUID } from 'node:crypto';
import { baseRef, Execution, isTerminal, snapshotOf, SUCCESSFUL } from './execution.ts';
import { resolveParameters } from './parameters.ts';
import type { Registry } from './registry.ts';
import { ScriptError, ScriptSandbox } from './script-sandbox.ts';
import { SYSTEM_TASKS, type SystemTaskContext } from './system-tasks.ts';
import type { RunEvent, TaskMock, TaskMocks, TaskOutcome, TaskRun, TaskRunStatus, WorkerTask, WorkflowStatus } from './types.ts';
import { VirtualClock, type Clock } from './virtual-clock.ts';

/** A function that does a task's work: gets the task, returns its output or a full outcome. */
export type TaskExecutor = (task: WorkerTask) => Promise<TaskOutcome>;

/** What the engine needs from its caller. */
export interface EngineOptions {
  readonly registry: Registry;
  /** Executors by task name (SIMPLE tasks and task types without a built-in implementation). */
  readonly executors: ReadonlyMap<string, TaskExecutor>;
  readonly mocks?: TaskMocks;
  readonly clock?: Clock;
  /** Time limit of one JavaScript evaluation. @default 1000 */
  readonly scriptTimeoutMs?: number;
  /** Most tasks one workflow may schedule before it is failed as runaway. @default 1_000_000 */
  readonly maxTasks?: number;
  /** Called after every change of a workflow's status. */
  readonly onWorkflowEnd?: (execution: Execution) => void;
  /**
   * Asked before a task is scheduled: true passes over it as if it had run, as the server's decider
   * passes over a task skipped through `PUT /api/workflow/{id}/skiptask/{ref}` (the dev server's
   * hook; the runner skips nothing). @default never
   */
  readonly isSkipped?: (execution: Execution, task: WorkflowTask) => boolean;
}

/** The ad-hoc TaskDef the server makes for a SIMPLE task nobody registered. */
const AD_HOC_TASK_DEF: TaskDef = {
  name: '',
  retryCount: 3,
  retryDelaySeconds: 60,
  retryLogic: 'FIXED',
  responseTimeoutSeconds: 3600,
  timeoutSeconds: 0,
  totalTimeoutSeconds: 0,
  timeoutPolicy: 'TIME_OUT_WF',
};

/**
 * The decider: executes Conductor workflow JSON with the server's semantics, one event at a time,
 * on a virtual clock. System tasks run inside it; SIMPLE tasks go to executors or mocks.
 */
export class Engine {
  readonly clock: Clock;
  readonly executions = new Map<string, Execution>();
  private readonly sandbox: ScriptSandbox;
  private readonly mocks = new Map<string, TaskMock[]>();
  private readonly actions: (() => void)[] = [];
  private head = 0;
  private inflight = 0;
  private wake: (() => void) | undefined;
  private seq = 0;
  private settling: Promise<void> | undefined;

  constructor(private readonly options: EngineOptions) {
    this.clock = options.clock ?? new VirtualClock();
    this.sandbox = new ScriptSandbox(options.scriptTimeoutMs);
    for (const [ref, list] of Object.entries(options.mocks ?? {})) this.mocks.set(ref, [...list]);
  }

  // ---- the loop ---------------------------------------------------------------------------

  /** Runs `action` on the loop after what is queued now (the server's next decide pass). */
  enqueue(action: () => void): void {
    this.actions.push(action);
    this.wake?.();
  }

  /** Runs `then` (or `fail`) on the loop once `promise` settles; time stands still meanwhile. */
  track<T>(promise: Promise<T>, then: (value: T) => void, fail: (error: unknown) => void): void {
    this.inflight++;
    promise
      .then(
        (value) => this.enqueue(() => then(value)),
        (error: unknown) => this.enqueue(() => fail(error)),
      )
      .finally(() => {
        this.inflight--;
        this.wake?.();
      });
  }

  /**
   * Runs until nothing can happen without outside help: every workflow finished, or waiting on a
   * HUMAN/WAIT task, a worker nobody provided, or a task completed through the API. Timers fire in
   * virtual time only when no real work (a worker, an HTTP call) is in flight.
   */
  settle(): Promise<void> {
    this.settling ??= this.loop().finally(() => {
      this.settling = undefined;
    });
    return this.settling;
  }

  private async loop(): Promise<void> {
    for (;;) {
      while (this.head < this.actions.length) {
        const action = this.actions[this.head++] as () => void;
        action();
      }
      this.actions.length = 0;
      this.head = 0;
      if (this.inflight > 0) {
        await new Promise<void>((resolve) => {
          this.wake = resolve;
          if (this.actions.length > 0 || this.inflight === 0) resolve();
        });
        this.wake = undefined;
        continue;
      }
      if (this.clock.advance()) continue;
      return;
    }
  }

  // ---- workflows --------------------------------------------------------------------------

  /** Starts a workflow; it runs on the next {@link settle}. */
  start(def: WorkflowDef, input: Record<string, unknown>, options: { correlationId?: string | undefined; parent?: Execution['parent']; workflowId?: string } = {}): Execution {
    const exec = new Execution(def, { ...(def.inputTemplate ?? {}), ...input }, this.clock.now(), options.correlationId, options.parent, options.workflowId);
    this.executions.set(exec.id, exec);
    this.event(exec, 'workflow.started');
    if ((def.timeoutSeconds ?? 0) > 0) {
      this.clock.schedule(def.timeoutSeconds * 1000, () => {
        if (exec.status !== 'RUNNING') return;
        if (def.timeoutPolicy === 'ALERT_ONLY') return this.event(exec, 'workflow.timed_out', undefined, 'ALERT_ONLY: still running');
        this.endWorkflow(exec, 'TIMED_OUT', `Workflow timed out after ${def.timeoutSeconds} seconds (timeoutPolicy ${def.timeoutPolicy ?? 'TIME_OUT_WF'}).`);
      }, 'deadline');
    }
    this.enqueue(() => {
      const first = def.tasks[0];
      if (first === undefined) this.completeWorkflow(exec);
      else this.schedule(exec, first);
    });
    return exec;
  }

  private event(exec: Execution, type: RunEvent['type'], run?: TaskRun, detail?: string): void {
    exec.events.push({
      time: this.clock.now(),
      type,
      workflowId: exec.id,
      ...(run && { ref: run.referenceTaskName, status: run.status }),
      ...(!run && { status: exec.status }),
      ...(detail !== undefined && { detail }),
    });
  }

  private completeWorkflow(exec: Execution): void {
    if (exec.status !== 'RUNNING') return;
    if (exec.permissiveFailure !== undefined) return this.failWorkflowBy(exec, exec.permissiveFailure);
    this.resolveOutput(exec, exec.tasks[exec.tasks.length - 1]);
    this.endWorkflow(exec, 'COMPLETED', undefined);
  }

  /**
   * Ends a workflow: cancels what still runs, tells the parent, and starts the failure workflow
   * when it failed or timed out by itself (`byApi` terminations do not).
   */
  endWorkflow(exec: Execution, status: Exclude<WorkflowStatus, 'RUNNING' | 'PAUSED'>, reason: string | undefined, options: { byApi?: boolean; failedTask?: TaskRun } = {}): void {
    if (exec.status !== 'RUNNING' && exec.status !== 'PAUSED') return;
    exec.status = status;
    exec.reasonForIncompletion = reason;
    exec.endTime = this.clock.now();
    exec.failedTaskId = options.failedTask?.taskId;
    for (const run of exec.tasks) {
      if (isTerminal(run.status)) continue;
      run.status = 'CANCELED';
      run.endTime = exec.endTime;
      exec.publish(run);
      if (run.subWorkflowId !== undefined) {
        const child = this.executions.get(run.subWorkflowId);
        if (child !== undefined) this.endWorkflow(child, 'TERMINATED', `Parent workflow ${exec.id} ended ${status}.`, { byApi: true });
      }
    }
    exec.joins.clear();
    exec.doc['workflow'] = exec.workflowView();
    this.event(exec, `workflow.${status.toLowerCase()}` as RunEvent['type'], undefined, reason);
    if ((status === 'FAILED' || status === 'TIMED_OUT') && !options.byApi) this.startFailureWorkflow(exec);
    const parent = exec.parent;
    if (parent !== undefined && !isTerminal(parent.task.status)) {
      const taskStatus: TaskRunStatus = status === 'COMPLETED' ? 'COMPLETED' : status === 'TERMINATED' ? 'CANCELED' : status === 'TIMED_OUT' ? 'TIMED_OUT' : 'FAILED';
      const output = status === 'COMPLETED' ? { ...exec.output, subWorkflowId: exec.id } : { subWorkflowId: exec.id };
      this.enqueue(() => this.finishTask(parent.execution, parent.task, taskStatus, output, reason));
    }
    this.options.onWorkflowEnd?.(exec);
  }

  private startFailureWorkflow(exec: Execution): void {
    const name = exec.def.failureWorkflow;
    if (name === undefined || name === '') return;
    const resolved = name.startsWith('$') ? resolveParameters(`\${${name.slice(1)}}`, exec.doc) : name;
    if (typeof resolved !== 'string' || resolved === '') return;
    const def = this.options.registry.workflow(resolved);
    if (def === undefined) {
      this.event(exec, 'workflow.failed', undefined, `failure workflow "${name}" is not registered; it was not started`);
      return;
    }
    const input = {
      ...exec.input,
      workflowId: exec.id,
      reason: exec.reasonForIncompletion ?? '',
      failureStatus: exec.status,
      failureTaskId: exec.failedTaskId ?? null,
      failedWorkflow: snapshotOf(exec),
    };
    exec.failureWorkflowId = this.start(def, input, { correlationId: exec.correlationId }).id;
    exec.output = { ...exec.output, 'conductor.failure_workflow': exec.failureWorkflowId };
  }

  // ---- tasks ------------------------------------------------------------------------------

  /** The TaskDef that governs a task: registered, inline, or the server's ad-hoc one for SIMPLE tasks. */
  taskDefOf(wt: WorkflowTask): TaskDef | undefined {
    return wt.taskDefinition ?? this.options.registry.task(wt.name) ?? ((wt.type ?? 'SIMPLE') === 'SIMPLE' ? { ...AD_HOC_TASK_DEF, name: wt.name } : undefined);
  }

  /** Creates and starts a task from its definition, in the current loop iteration. */
  schedule(exec: Execution, wt: WorkflowTask, retryOf?: TaskRun, input?: Record<string, unknown>): TaskRun | undefined {
    const limit = this.options.maxTasks ?? 1_000_000;
    if (exec.tasks.length >= limit) {
      this.endWorkflow(exec, 'FAILED', `The workflow scheduled ${limit} tasks and was stopped: a loop whose condition never turns false? Fix the loop, or raise the runner's maxTasks.`);
      return undefined;
    }
    if (this.options.isSkipped?.(exec, wt) === true) {
      this.enqueue(() => this.next(exec, wt));
      return undefined;
    }
    const loop = exec.index.enclosingLoop(wt);
    const iteration = loop === undefined ? 0 : (exec.loopIteration.get(loop.taskReferenceName) ?? 1);
    const ref = retryOf?.referenceTaskName ?? (iteration > 0 ? `${wt.taskReferenceName}__${iteration}` : wt.taskReferenceName);
    const now = this.clock.now();
    const run: TaskRun = {
      taskId: randomUUID(),
      referenceTaskName: ref,
      // The server records both kinds of fork as a FORK task.
      taskType: wt.type === 'FORK_JOIN' || wt.type === 'FORK_JOIN_DYNAMIC' ? 'FORK' : (wt.type ?? 'SIMPLE'),
      taskDefName: wt.name,
      status: 'SCHEDULED',
      inputData: {},
      outputData: {},
      retryCount: retryOf === undefined ? 0 : retryOf.retryCount + 1,
      iteration,
      seq: ++this.seq,
      scheduledTime: now,
      startTime: 0,
      endTime: 0,
      pollCount: 0,
      workflowTask: wt,
      logs: [],
    };
    exec.tasks.push(run);
    exec.doc['CPEWF_TASK_ID'] = run.taskId;
    run.inputData = input ?? ((resolveParameters(wt.inputParameters ?? {}, exec.doc) ?? {}) as Record<string, unknown>);
    exec.publish(run);
    this.event(exec, 'task.scheduled', run);
    const system = SYSTEM_TASKS[wt.type ?? 'SIMPLE'];
    const mock = system?.mockable === false ? undefined : this.takeMock(ref);
    // Forks and switches are laid out with their first tasks at once, as the server's task mappers
    // do (so an inner fork and its JOIN come before the outer JOIN).
    if (system?.expands === true) {
      system.start(this.systemContext(exec), run);
      return run;
    }
    // Everything else starts from the queue: a long chain of tasks that finish at once must not grow the stack.
    this.enqueue(() => {
      if (run.status !== 'SCHEDULED' || exec.status !== 'RUNNING') return;
      if (mock !== undefined) this.applyMock(exec, run, mock);
      else if (system !== undefined) system.start(this.systemContext(exec), run);
      else this.dispatch(exec, run);
    });
    return run;
  }

  private systemContext(exec: Execution): SystemTaskContext {
    return {
      engine: this,
      execution: exec,
      sandbox: this.sandbox,
      registry: this.options.registry,
      clock: this.clock,
      finish: (run, status, output, reason) => this.finishTask(exec, run, status, output, reason),
      track: (promise, then, fail) => this.track(promise, then, fail),
    };
  }

  private takeMock(ref: string): TaskMock | undefined {
    return (this.mocks.get(ref) ?? this.mocks.get(baseRef(ref)))?.shift();
  }

  private applyMock(exec: Execution, run: TaskRun, mock: TaskMock): void {
    this.clock.schedule(mock.queueWaitTime ?? 0, () => {
      if (run.status !== 'SCHEDULED' || exec.status !== 'RUNNING') return;
      this.startRun(exec, run);
      this.clock.schedule(mock.executionTime ?? 0, () => {
        if (isTerminal(run.status) || exec.status !== 'RUNNING') return;
        if (mock.status === 'IN_PROGRESS') {
          run.outputData = { ...run.outputData, ...(mock.output ?? {}) };
          exec.publish(run);
          return;
        }
        this.finishTask(exec, run, mock.status, mock.output ?? {}, mock.status === 'COMPLETED' ? undefined : `mocked ${mock.status}`);
      });
    });
  }

  /** Marks a task started and arms its timeouts from the governing TaskDef. */
  startRun(exec: Execution, run: TaskRun): void {
    run.status = 'IN_PROGRESS';
    run.startTime = this.clock.now();
    run.pollCount++;
    exec.publish(run);
    this.event(exec, 'task.started', run);
    // A worker that polled a task must report within responseTimeoutSeconds, as on the server;
    // tasks the server runs itself (HUMAN, WAIT, HTTP ...) have no worker to hear from.
    if (SYSTEM_TASKS[run.workflowTask.type ?? 'SIMPLE'] === undefined) this.armResponseTimeout(exec, run);
    const def = this.taskDefOf(run.workflowTask);
    const timeout = def?.timeoutSeconds ?? 0;
    if (timeout > 0) {
      this.clock.schedule(timeout * 1000, () => {
        if (!isTerminal(run.status) && exec.status === 'RUNNING') this.timeOut(exec, run, def as TaskDef, `Task timed out after ${timeout} seconds (timeoutSeconds).`);
      }, 'deadline');
    }
  }

  private armResponseTimeout(exec: Execution, run: TaskRun): void {
    const def = this.taskDefOf(run.workflowTask);
    const seconds = def?.responseTimeoutSeconds ?? 0;
    if (seconds <= 0) return;
    const poll = run.pollCount;
    this.clock.schedule(seconds * 1000, () => {
      if (run.status === 'IN_PROGRESS' && run.pollCount === poll && exec.status === 'RUNNING') {
        this.timeOut(exec, run, { ...(def as TaskDef), timeoutPolicy: 'RETRY' }, `Task was not updated within ${seconds} seconds (responseTimeoutSeconds).`);
      }
    }, 'deadline');
  }

  private timeOut(exec: Execution, run: TaskRun, def: TaskDef, reason: string): void {
    if (def.timeoutPolicy === 'ALERT_ONLY') return this.event(exec, 'task.failed', run, `ALERT_ONLY: ${reason}`);
    if (def.timeoutPolicy === 'TIME_OUT_WF') {
      run.status = 'TIMED_OUT';
      run.reasonForIncompletion = reason;
      run.endTime = this.clock.now();
      exec.publish(run);
      this.event(exec, 'task.failed', run, reason);
      return this.endWorkflow(exec, 'TIMED_OUT', reason, { failedTask: run });
    }
    this.finishTask(exec, run, 'TIMED_OUT', run.outputData, reason);
  }

  private dispatch(exec: Execution, run: TaskRun): void {
    const executor = this.options.executors.get(run.taskDefName);
    if (executor === undefined) return; // Waits, as on a server with no worker polling for it.
    this.startRun(exec, run);
    this.callWorker(exec, run, executor);
  }

  private callWorker(exec: Execution, run: TaskRun, executor: TaskExecutor): void {
    const task: WorkerTask = {
      taskId: run.taskId,
      taskType: run.taskType,
      taskDefName: run.taskDefName,
      referenceTaskName: run.referenceTaskName,
      workflowInstanceId: exec.id,
      workflowType: exec.def.name,
      inputData: run.inputData,
      retryCount: run.retryCount,
      pollCount: run.pollCount,
    };
    this.track(
      executor(task),
      (outcome) => this.applyOutcome(exec, run, outcome, executor),
      (error) => this.finishTask(exec, run, 'FAILED', {}, `worker threw: ${(error as Error)?.message ?? String(error)}`),
    );
  }

  private applyOutcome(exec: Execution, run: TaskRun, outcome: TaskOutcome, executor: TaskExecutor): void {
    if (isTerminal(run.status) || exec.status !== 'RUNNING') return;
    run.logs.push(...(outcome.logs ?? []));
    if (outcome.status === 'IN_PROGRESS') {
      run.outputData = { ...run.outputData, ...(outcome.outputData ?? {}) };
      exec.publish(run);
      const after = outcome.callbackAfterSeconds ?? 0;
      this.clock.schedule(after * 1000, () => {
        if (run.status !== 'IN_PROGRESS' || exec.status !== 'RUNNING') return;
        run.pollCount++;
        this.callWorker(exec, run, executor);
      });
      return;
    }
    this.finishTask(exec, run, outcome.status, outcome.outputData ?? {}, outcome.reasonForIncompletion);
  }

  /**
   * Completes a task from outside (the API, a HUMAN or WAIT task, a worker polling the dev
   * server). IN_PROGRESS keeps it open and re-arms its response timeout.
   */
  update(exec: Execution, run: TaskRun, status: TaskOutcome['status'], output: Record<string, unknown>, reason?: string, callbackAfterSeconds?: number): void {
    if (isTerminal(run.status) || exec.status !== 'RUNNING') return;
    if (run.status === 'SCHEDULED') this.startRun(exec, run);
    if (status === 'IN_PROGRESS') {
      run.outputData = { ...run.outputData, ...output };
      run.pollCount++;
      exec.publish(run);
      if (callbackAfterSeconds !== undefined && callbackAfterSeconds > 0) {
        // Polled again once the callback time has passed, as the server re-queues it.
        this.clock.schedule(callbackAfterSeconds * 1000, () => {
          if (run.status !== 'IN_PROGRESS' || exec.status !== 'RUNNING') return;
          run.status = 'SCHEDULED';
          exec.publish(run);
        });
      } else {
        this.armResponseTimeout(exec, run);
      }
      return;
    }
    this.finishTask(exec, run, status, output, reason);
  }

  /** Records a task's final status and output without moving the workflow on. */
  markDone(exec: Execution, run: TaskRun, status: TaskRunStatus, output: Record<string, unknown>, reason?: string): void {
    if (run.startTime === 0) run.startTime = this.clock.now();
    run.status = status;
    run.outputData = output;
    run.reasonForIncompletion = reason;
    run.endTime = this.clock.now();
    exec.publish(run);
    this.event(exec, SUCCESSFUL.has(status) ? 'task.completed' : 'task.failed', run, reason);
  }

  /** Ends a task with a status and moves the workflow on: next task, retry, or failure. */
  finishTask(exec: Execution, run: TaskRun, status: TaskRunStatus, output: Record<string, unknown>, reason?: string): void {
    if (isTerminal(run.status) || exec.status !== 'RUNNING') return;
    this.markDone(exec, run, status, output, reason);
    if (SUCCESSFUL.has(status)) {
      this.next(exec, run.workflowTask);
      this.checkJoins(exec);
    } else {
      this.failed(exec, run);
    }
  }

  private failed(exec: Execution, run: TaskRun): void {
    const wt = run.workflowTask;
    const def = this.taskDefOf(wt);
    const allowed = wt.retryCount ?? def?.retryCount ?? 0;
    if (run.status !== 'FAILED_WITH_TERMINAL_ERROR' && run.status !== 'CANCELED' && run.retryCount < allowed) {
      const delay = retryDelaySeconds(def, run.retryCount);
      exec.pendingRetries.add(run.referenceTaskName);
      this.event(exec, 'task.retry_scheduled', run, `retry ${run.retryCount + 1} of ${allowed} in ${delay} s`);
      this.clock.schedule(delay * 1000, () => {
        exec.pendingRetries.delete(run.referenceTaskName);
        if (exec.status === 'RUNNING') this.schedule(exec, wt, run);
      });
      return;
    }
    if (wt.optional === true) {
      run.status = 'COMPLETED_WITH_ERRORS';
      exec.publish(run);
      this.next(exec, wt);
      this.checkJoins(exec);
      return;
    }
    if (wt.permissive === true) {
      // Permissive: the rest of the workflow runs; a JOIN over it fails, and so does the workflow
      // where it would have completed.
      exec.permissiveFailure ??= run;
      this.next(exec, wt);
      this.checkJoins(exec);
      return;
    }
    this.failWorkflowBy(exec, run);
  }

  /** Fails (or times out, or terminates) the workflow because of one task, as the decider words it. */
  private failWorkflowBy(exec: Execution, run: TaskRun): void {
    const status = run.status === 'TIMED_OUT' ? 'TIMED_OUT' : run.status === 'CANCELED' ? 'TERMINATED' : 'FAILED';
    const reason = `Task ${run.taskId} failed with status: ${status} and reason: '${run.reasonForIncompletion ?? run.status}'`;
    this.resolveOutput(exec, run);
    this.endWorkflow(exec, status, reason, { failedTask: run });
  }

  /** The workflow output: outputParameters resolved, or else the output of `last`. */
  resolveOutput(exec: Execution, last: TaskRun | undefined): void {
    const params = exec.def.outputParameters;
    if (params !== undefined && Object.keys(params).length > 0) {
      exec.output = resolveParameters(params, exec.doc) as Record<string, unknown>;
    } else {
      exec.output = { ...(last?.outputData ?? {}) };
    }
  }

  /** Schedules what runs after `wt` finished: the next task of its list, or what its container does. */
  next(exec: Execution, wt: WorkflowTask): void {
    let current = wt;
    for (;;) {
      const place = exec.index.placement(current);
      if (place === undefined) return; // A dynamic fork task: its JOIN moves on.
      const following = place.list[place.index + 1];
      if (following !== undefined) {
        this.schedule(exec, following);
        return;
      }
      if (place.container === 'top') return this.completeWorkflow(exec);
      if (place.container === 'branch') return;
      if (place.container === 'loop') return this.loopBodyDone(exec, place.parent as WorkflowTask);
      current = place.parent as WorkflowTask;
    }
  }

  /** Evaluates a DO_WHILE after its body ran once more: another iteration, or on to the next task. */
  loopBodyDone(exec: Execution, loop: WorkflowTask): void {
    const loopRun = exec.byRef.get(loopRefOf(exec, loop));
    if (loopRun === undefined || isTerminal(loopRun.status)) return;
    const iteration = exec.loopIteration.get(loop.taskReferenceName) ?? 1;
    const outputs: Record<string, unknown> = {};
    const latest: Record<string, unknown> = {};
    for (const body of allWorkflowTasks(loop.loopOver ?? [])) {
      const run = exec.byRef.get(`${body.taskReferenceName}__${iteration}`);
      if (run === undefined) continue;
      outputs[body.taskReferenceName] = run.outputData;
      latest[body.taskReferenceName] = run.outputData;
    }
    // In place: copying the output (which keeps every iteration) each time would be quadratic.
    loopRun.outputData['iteration'] = iteration;
    loopRun.outputData[String(iteration)] = outputs;
    exec.publish(loopRun);
    let again: unknown;
    try {
      const input = resolveParameters(loop.inputParameters ?? {}, exec.doc) as Record<string, unknown>;
      const condition = loop.loopCondition ?? 'false';
      // Only a condition that indexes the loop's output by iteration needs all of it in the sandbox.
      const loopView = condition.includes(`${loop.taskReferenceName}[`) ? loopRun.outputData : { iteration };
      again = this.sandbox.evaluate(condition, { ...input, [loop.taskReferenceName]: loopView, ...latest });
    } catch (e) {
      return this.finishTask(exec, loopRun, 'FAILED_WITH_TERMINAL_ERROR', loopRun.outputData, `loopCondition failed: ${(e as ScriptError).message}`);
    }
    if (again === true || again === 'true') {
      exec.loopIteration.set(loop.taskReferenceName, iteration + 1);
      loopRun.outputData['iteration'] = iteration + 1;
      exec.publish(loopRun);
      const first = loop.loopOver?.[0];
      if (first !== undefined) this.schedule(exec, first);
      return;
    }
    this.finishTask(exec, loopRun, 'COMPLETED', loopRun.outputData);
  }

  /** Completes every JOIN whose tasks have all finished. */
  checkJoins(exec: Execution): void {
    for (const join of exec.joins) {
      if (exec.status !== 'RUNNING') return;
      const refs = (join.inputData['joinOn'] as string[] | undefined) ?? [];
      const runs = refs.map((ref) => exec.byRef.get(ref));
      const exclusive = join.taskType === 'EXCLUSIVE_JOIN';
      if (exclusive) {
        const done = runs.find((r) => r !== undefined && SUCCESSFUL.has(r.status));
        if (done === undefined) continue;
        exec.joins.delete(join);
        this.finishTask(exec, join, 'COMPLETED', { ...done.outputData });
        continue;
      }
      const ready = runs.every((r, i) => r !== undefined && isTerminal(r.status) && !exec.pendingRetries.has(refs[i] as string));
      if (!ready) continue;
      exec.joins.delete(join);
      const output: Record<string, unknown> = {};
      refs.forEach((ref, i) => {
        const data = (runs[i] as TaskRun).outputData;
        // The server leaves out joined tasks that produced no output.
        if (Object.keys(data).length > 0) output[baseRef(ref)] = data;
      });
      const failedRun = runs.find((r) => r !== undefined && !SUCCESSFUL.has(r.status));
      if (failedRun !== undefined) {
        this.finishTask(exec, join, 'FAILED', output, failedRun.reasonForIncompletion ?? `${failedRun.referenceTaskName} ended ${failedRun.status}`);
      } else {
        const withErrors = runs.some((r) => r?.status === 'COMPLETED_WITH_ERRORS');
        this.finishTask(exec, join, withErrors ? 'COMPLETED_WITH_ERRORS' : 'COMPLETED', output);
      }
    }
  }
}

/** The current reference of a loop task (`loop`, or `loop__n` inside an outer loop). */
function loopRefOf(exec: Execution, loop: WorkflowTask): string {
  const outer = exec.index.enclosingLoop(loop);
  const iteration = outer === undefined ? 0 : (exec.loopIteration.get(outer.taskReferenceName) ?? 1);
  return iteration > 0 ? `${loop.taskReferenceName}__${iteration}` : loop.taskReferenceName;
}

/** Seconds before retry number `attempt + 1`: FIXED d, LINEAR_BACKOFF d·scale·(n+1), EXPONENTIAL_BACKOFF d·2ⁿ. */
export function retryDelaySeconds(def: TaskDef | undefined, attempt: number): number {
  const delay = def?.retryDelaySeconds ?? 0;
  switch (def?.retryLogic) {
    case 'LINEAR_BACKOFF':
      return delay * (def.backoffScaleFactor ?? 1) * (attempt + 1);
    case 'EXPONENTIAL_BACKOFF':
      return delay * 2 ** attempt;
    default:
      return delay;
  }
}
