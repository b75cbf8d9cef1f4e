import { randomUUID } from 'node:crypto';
import { nestingProblem } from '../json-depth.ts';
import { LEARNED_DEFAULTS } from '../conductor/learned-defaults.ts';
import type { TaskDef, WorkflowDef, WorkflowTask } from '../conductor-types.ts';
import { Execution, isTerminal, snapshotOf, SUCCESSFUL } from './execution.ts';
import { mapDynamic, needsMapping } from './dynamic-task.ts';
import { queueDomain } from './task-domain.ts';
import { joinVerdict } from './join-verdict.ts';
import { DO_WHILE, loopRun, recordIteration } from './loop.ts';
import { mockMs, RUN_BY_SERVER, type MockQueues } from './mocks.ts';
import { resolveParameters } from './parameters.ts';
import { plainCopy } from './plain-copy.ts';
import type { Registry } from './registry.ts';
import { retryDelaySeconds } from './retry-delay.ts';
import { DECIDE_TASKS, Rounds } from './rounds.ts';
import { ScriptSandbox } from './script-sandbox.ts';
import type { EngineSteps, SystemTaskContext } from './system-task.ts';
import { startProblem, StartRefused } from './start-checks.ts';
import { SYSTEM_TASKS } from './system-tasks.ts';
import { deliverEvent, type EventExecution } from './event-delivery.ts';
import type { RunEvent, TaskMock, TaskOutcome, TaskRun, TaskRunStatus, WorkerTask, WorkflowStatus } from './types.ts';
import { VirtualClock, type Clock } from './virtual-clock.ts';

/** A function that does a task's work: gets the task, returns its output or a full outcome. */
export type TaskExecutor = (task: WorkerTask) => Promise<TaskOutcome>;

/** What the engine needs from its caller. */
export interface EngineOptions {
  readonly registry: Registry;
  /** Executors by task name (SIMPLE tasks and task types without a built-in implementation). */
  readonly executors: ReadonlyMap<string, TaskExecutor>;
  /** Executors of workers that poll in a domain: domain → task name → executor (see `queueDomain`). @default none */
  readonly domainExecutors?: ReadonlyMap<string, ReadonlyMap<string, TaskExecutor>>;
  readonly clock?: Clock;
  /** Time limit of one JavaScript evaluation, ms (the server's ScriptEvaluator allows 4 s). @default 4000 */
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

/** How long the decider works before it lets the event loop run (timers, HTTP requests), ms. */
const YIELD_AFTER_MS = 20;

/** System tasks the server runs inside the decide that schedules them. */
const SYNCHRONOUS: ReadonlySet<string> = new Set([...DECIDE_TASKS, 'EXCLUSIVE_JOIN']);

/** Task types the server never retries, whatever their TaskDef says (`TaskType.isBuiltIn`). */
const BUILT_IN: ReadonlySet<string> = new Set(['DECISION', 'SWITCH', 'FORK', 'JOIN', 'EXCLUSIVE_JOIN', 'DO_WHILE']);

/**
 * The decider: executes Conductor workflow JSON with the server's semantics, one event at a time,
 * on a virtual clock. System tasks run inside it; SIMPLE tasks go to executors or mocks.
 */
export class Engine implements EngineSteps {
  readonly clock: Clock;
  readonly executions = new Map<string, Execution>();
  /** A script context per run: what one run's scripts change in their globals never reaches another. */
  private readonly sandboxes = new WeakMap<Execution, ScriptSandbox>();
  private readonly actions: (() => void)[] = [];
  /** Each queued action's level: one more than the level of the action that queued it (see `rounds.ts`); negative for an outside event's. */
  private readonly levels: number[] = [];
  private head = 0;
  /** The server's decide rounds as the queue plays them: when synchronous tasks are written, what loops look at. */
  private readonly rounds = new Rounds();
  /** True while a queued action runs, or an outside event (a mock, a worker, the API) is handled. */
  private inside = false;
  /** How deep the engine is in laying out a fork or switch with its first tasks (or running a JSON_JQ_TRANSFORM as it is scheduled). */
  private expanding = 0;
  /** How deep the engine is in a DO_WHILE's look at its iteration (which schedules the next one's first task). */
  private loopLooking = 0;
  /** Runs whose JOINs look again once the decide ends (see {@link checkJoins}). */
  private readonly joinsDue = new Set<Execution>();
  private inflight = 0;
  private wake: (() => void) | undefined;
  private seq = 0;
  private settling: Promise<void> | undefined;
  private readonly runtimeTasks = new WeakSet<WorkflowTask>();
  /** What the event handlers did with each message EVENT tasks published, in order. */
  readonly eventExecutions: EventExecution[] = [];
  /** Evaluates event handlers' conditions: a script context apart from every run's. */
  private eventSandbox: ScriptSandbox | undefined;

  constructor(private readonly options: EngineOptions) {
    this.clock = options.clock ?? new VirtualClock();
  }

  /** The latest version of a workflow in the registry. */
  registryWorkflow(name: string): WorkflowDef | undefined {
    return this.options.registry.workflow(name);
  }

  /**
   * Publishes a message on a `conductor` queue: after what is queued now, every active event
   * handler of the registry listening on `event` gets it (`event-delivery.ts`); what they did is
   * added to {@link eventExecutions}. The message gets an id of its own, a fresh UUID, as on
   * conductor-oss 3.32.3 (observed: `conductor.event.messageId` is not the EVENT task's id).
   */
  publishEvent(event: string, payload: Record<string, unknown>): void {
    const messageId = randomUUID();
    this.enqueue(() => {
      this.eventSandbox ??= new ScriptSandbox(this.options.scriptTimeoutMs);
      const steps = { registry: this.options.registry, sandbox: this.eventSandbox, executions: this.executions, start: this.start.bind(this), update: this.update.bind(this) };
      this.eventExecutions.push(...deliverEvent(steps, event, payload, messageId));
    });
  }

  // ---- the loop ---------------------------------------------------------------------------

  /** Runs `action` on the loop after what is queued now (the server's next decide pass). */
  enqueue(action: () => void): void {
    this.actions.push(action);
    this.levels.push(this.rounds.level + 1);
    this.wake?.();
  }

  /** Queues an event from outside the decide (a worker's answer): the task it completes begins a decide of its own. */
  private enqueueOutside(action: () => void): void {
    this.actions.push(action);
    this.levels.push(-(this.rounds.level + 1));
    this.wake?.();
  }

  /**
   * Whether an outside event (a mock's timer, a worker, the API) calls now: if so, a decide of
   * `exec` begins (see `Rounds.beginDecide`) and lasts until the caller ends it with {@link leave}.
   */
  private enter(exec: Execution): boolean {
    if (this.inside) return false;
    this.rounds.beginDecide(exec);
    this.inside = true;
    return true;
  }

  private leave(entered: boolean): void {
    if (entered) this.inside = false;
  }

  /** Runs `then` (or `fail`) on the loop once `promise` settles; time stands still meanwhile. */
  track<T>(promise: Promise<T>, then: (value: T) => void, fail: (error: unknown) => void): void {
    this.inflight++;
    promise
      .then(
        (value) => this.enqueueOutside(() => then(value)),
        (error: unknown) => this.enqueueOutside(() => fail(error)),
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
    try {
      await this.work();
    } finally {
      this.inside = false;
    }
  }

  /** Runs the queue level by level (see `rounds.ts`), waits for real work in flight, then moves virtual time. */
  private async work(): Promise<void> {
    let slice = performance.now();
    for (;;) {
      while (this.head < this.actions.length) {
        const queued = this.levels[this.head] as number;
        const action = this.actions[this.head++] as () => void;
        const level = queued < 0 ? -queued : queued;
        if (level > this.rounds.level) {
          this.rounds.endLevel();
          this.rounds.level = level;
        }
        this.inside = queued > 0;
        action();
        this.inside = false;
        // A long run of work (a DO_WHILE on `true`) lets the process breathe: the dev server answers meanwhile.
        if ((this.head & 63) === 0 && performance.now() - slice > YIELD_AFTER_MS) {
          await new Promise<void>((resolve) => setImmediate(resolve));
          slice = performance.now();
        }
      }
      this.actions.length = 0;
      this.levels.length = 0;
      this.head = 0;
      // Nothing left to do now: the decide ends (the outside event that comes next begins another).
      this.rounds.endDecide();
      if (this.lookAtJoins()) continue;
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

  /**
   * Starts a workflow; it runs on the next {@link settle}. `mocks` serve its own tasks.
   * @throws StartRefused with the server's message when the server would refuse to start it (see `startProblem`).
   */
  start(
    def: WorkflowDef,
    input: Record<string, unknown>,
    options: { correlationId?: string | undefined; parent?: Execution['parent']; workflowId?: string; mocks?: MockQueues | undefined; taskToDomain?: Readonly<Record<string, string>> | undefined } = {},
  ): Execution {
    const problem = startProblem(def, this.options.registry);
    if (problem !== undefined) throw new StartRefused(problem);
    const exec = new Execution(def, { ...(def.inputTemplate ?? {}), ...input }, this.clock.now(), options.correlationId, options.parent, options.workflowId);
    exec.mocks = options.mocks;
    exec.taskToDomain = options.taskToDomain ?? (options.parent === undefined ? {} : options.parent.execution.taskToDomain);
    this.executions.set(exec.id, exec);
    this.event(exec, 'workflow.started');
    if ((def.timeoutSeconds ?? 0) > 0) {
      this.clock.schedule(def.timeoutSeconds * 1000, () => {
        if (exec.status !== 'RUNNING') return;
        // conductor-oss 3.32.3's DeciderService.checkWorkflowTimeout words it so.
        const policy = def.timeoutPolicy ?? LEARNED_DEFAULTS.workflowDef['timeoutPolicy'];
        const reason = `Workflow timed out after ${Math.floor((this.clock.now() - exec.startTime) / 1000)} seconds. Timeout configured as ${def.timeoutSeconds} seconds. Timeout policy configured to ${String(policy)}`;
        if (policy === 'ALERT_ONLY') return this.event(exec, 'workflow.timed_out', undefined, `ALERT_ONLY: ${reason}`);
        this.endWorkflow(exec, 'TIMED_OUT', reason);
      }, 'deadline');
    }
    this.enqueue(() => {
      const first = def.tasks[0];
      // conductor-oss 3.32.3: "No tasks found to be executed" ends an empty workflow COMPLETED.
      if (first === undefined) this.endWorkflow(exec, 'COMPLETED', 'No tasks found to be executed');
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

  /**
   * Completes the workflow once its task list is done, as `DeciderService.checkForWorkflowCompletion`
   * decides: only when every task is terminal (a JOIN that completed early does not end a workflow
   * whose branches still run). A permissive task that failed fails it instead.
   */
  private tryComplete(exec: Execution): void {
    if (exec.status !== 'RUNNING') return;
    exec.completionDue = true;
    if (exec.tasks.some((t) => !isTerminal(t.status))) return;
    const failures = permissiveFailures(exec);
    if (failures.length > 0) {
      const reason = failures.map((t) => failureSentence(t.taskId, t.status, t.reasonForIncompletion)).join('. ');
      return this.endWorkflow(exec, 'FAILED', reason);
    }
    this.endWorkflow(exec, 'COMPLETED', undefined);
  }

  /**
   * The workflow output as `DeciderService.updateWorkflowOutput(workflow, null)` computes it: a
   * successful TERMINATE task's output; else the resolved outputParameters; else the output of
   * the last task in the list. A run that scheduled no task keeps its output (empty).
   */
  resolveOutput(exec: Execution): void {
    // DeciderService.updateWorkflowOutput leaves the output of a run without tasks as it is.
    if (exec.tasks.length === 0) return;
    const terminate = exec.tasks.find((t) => t.taskType === 'TERMINATE' && SUCCESSFUL.has(t.status));
    if (terminate !== undefined) {
      exec.output = { ...terminate.outputData };
      return;
    }
    const params = exec.def.outputParameters;
    if (params !== undefined && Object.keys(params).length > 0) {
      exec.output = resolveParameters(params, exec.doc) as Record<string, unknown>;
      return;
    }
    const last = exec.tasks[exec.tasks.length - 1];
    exec.output = { ...(last?.outputData ?? {}) };
  }

  /**
   * Ends a workflow as the server's `terminateWorkflow`/`completeWorkflow` do: its output, its
   * reason, every task still open CANCELED (a child workflow TERMINATED), the parent told, and
   * the failure workflow started when it did not complete by itself (`byApi` terminations do not).
   */
  endWorkflow(exec: Execution, status: Exclude<WorkflowStatus, 'RUNNING' | 'PAUSED'>, reason: string | undefined, options: { byApi?: boolean; failedTask?: TaskRun } = {}): void {
    if (exec.status !== 'RUNNING' && exec.status !== 'PAUSED') return;
    exec.status = status;
    this.resolveOutput(exec);
    exec.reasonForIncompletion = reason;
    exec.endTime = this.clock.now();
    exec.failedTaskId ??= options.failedTask?.taskId;
    for (const run of exec.tasks) {
      if (isTerminal(run.status)) continue;
      run.status = 'CANCELED';
      run.endTime = exec.endTime;
      exec.publish(run);
      const child = run.subWorkflowId === undefined ? undefined : this.executions.get(run.subWorkflowId);
      if (child !== undefined) {
        // conductor-oss 3.32.3, SubWorkflow.cancel.
        const why = reason === undefined || reason === '' ? `Parent workflow has been terminated with status ${status}` : `Parent workflow has been terminated with reason: ${reason}`;
        this.endWorkflow(child, 'TERMINATED', why, { byApi: true });
      }
    }
    exec.joins.clear();
    exec.doc['workflow'] = exec.workflowView();
    this.event(exec, `workflow.${status.toLowerCase()}` as RunEvent['type'], undefined, reason);
    if (status !== 'COMPLETED' && !options.byApi) this.startFailureWorkflow(exec);
    const parent = exec.parent;
    if (parent !== undefined && !isTerminal(parent.task.status)) {
      const taskStatus: TaskRunStatus = status === 'COMPLETED' ? 'COMPLETED' : status === 'TERMINATED' ? 'CANCELED' : status === 'TIMED_OUT' ? 'TIMED_OUT' : 'FAILED';
      // conductor-oss 3.32.3, SubWorkflow.updateTaskStatus: the child's output is added in every
      // terminal case, and a failure's reason names the child.
      const output = { ...parent.task.outputData, ...exec.output };
      const childReason = status === 'COMPLETED' ? undefined : `Sub workflow ${exec.def.name}.${exec.def.version ?? 1}/${exec.id} failure reason: ${reason ?? 'null'}`;
      this.enqueue(() => this.finishTask(parent.execution, parent.task, taskStatus, output, childReason));
    }
    this.options.onWorkflowEnd?.(exec);
  }

  /**
   * Starts the failure workflow as `WorkflowExecutorOps.terminateWorkflow` does: the failed
   * workflow's input plus workflowId, reason, failureStatus, failureTaskId (when known) and
   * failedWorkflow; a name given as `$workflow.input.<key>` is read from that input key.
   */
  private startFailureWorkflow(exec: Execution): void {
    let name = exec.def.failureWorkflow;
    if (name?.startsWith('$') === true) {
      const key = name.split('.')[2];
      const value = key === undefined ? undefined : exec.input[key];
      name = typeof value === 'string' ? value : undefined;
    }
    if (name === undefined || name.trim() === '') return;
    const def = this.options.registry.workflow(name);
    if (def === undefined) {
      exec.output = { ...exec.output, 'conductor.failure_workflow': `Error workflow ${name} failed to start.  reason: No such workflow defined. name=${name}, version=null` };
      return;
    }
    const input = {
      ...exec.input,
      workflowId: exec.id,
      reason: exec.reasonForIncompletion ?? null,
      failureStatus: exec.status,
      ...(exec.failedTaskId !== undefined && { failureTaskId: exec.failedTaskId }),
      failedWorkflow: snapshotOf(exec),
    };
    try {
      exec.failureWorkflowId = this.start(def, input, { correlationId: exec.correlationId }).id;
      exec.output = { ...exec.output, 'conductor.failure_workflow': exec.failureWorkflowId };
    } catch (e) {
      exec.output = { ...exec.output, 'conductor.failure_workflow': `Error workflow ${name} failed to start.  reason: ${(e as Error).message}` };
    }
  }

  // ---- tasks ------------------------------------------------------------------------------

  /**
   * The TaskDef that governs a task, every field the server fills in filled (learned from
   * conductor-oss 3.32.3, `learned-defaults.ts`): the embedded `taskDefinition`, else the
   * registered one, else the ad-hoc one the server gives every named task of a definition when
   * the workflow starts (`MetadataMapperService`): a SIMPLE task's has the TaskDef defaults
   * (retryCount 3, retryDelaySeconds 60, FIXED, responseTimeoutSeconds 3600, TIME_OUT_WF), any
   * other type's retryCount 0 and responseTimeoutSeconds 0. A task a dynamic fork made has only a
   * registered one (so an unregistered one is never retried).
   */
  taskDefOf(wt: WorkflowTask): TaskDef | undefined {
    const given = wt.taskDefinition ?? this.options.registry.task(wt.name);
    if (given !== undefined) return filledTaskDef(given, wt.taskDefinition === given ? LEARNED_DEFAULTS.embeddedTaskDef : LEARNED_DEFAULTS.taskDef);
    if (this.runtimeTasks.has(wt) || !wt.name) return undefined;
    return adHocTaskDef(wt.name, (wt.type ?? 'SIMPLE') === 'SIMPLE');
  }

  /** Records a task a dynamic fork made at run time (see {@link taskDefOf}). */
  markRuntime(wt: WorkflowTask): void {
    this.runtimeTasks.add(wt);
  }

  /**
   * A task's input as `ParametersUtils.getTaskInputV2` makes it: the inputParameters resolved,
   * with the TaskDef's `inputTemplate` filling keys they leave out or that resolve to null.
   * Copied, so that later changes (a loop's output) never show in what the task was given; with
   * `shared`, what it read is the very objects (a task the server runs inside its decide, which
   * `rounds.ts` copies when the server writes it for the last time).
   */
  inputOf(exec: Execution, wt: WorkflowTask, def: TaskDef | undefined = this.taskDefOf(wt), shared = false): Record<string, unknown> {
    const template = def?.inputTemplate as Record<string, unknown> | undefined;
    const given = wt.inputParameters ?? {};
    const params = template === undefined || Object.keys(template).length === 0 ? given : { ...template, ...given };
    const read = (resolveParameters(params, exec.doc) ?? {}) as Record<string, unknown>;
    const resolved = shared ? read : plainCopy(read);
    if (template !== undefined) for (const [key, value] of Object.entries(resolved)) if (value === null && template[key] !== undefined) resolved[key] = plainCopy(template[key]);
    return resolved;
  }

  /**
   * Creates and starts a task from its definition, in the current loop iteration. A retry
   * (`retryOf`) keeps the failed attempt's input with the parameters resolved again over it, as
   * `DeciderService.retry` does, and starts after `delaySeconds`.
   */
  schedule(exec: Execution, wt: WorkflowTask, retryOf?: TaskRun, input?: Record<string, unknown>, delaySeconds = 0): TaskRun | undefined {
    const limit = this.options.maxTasks ?? 1_000_000;
    if (exec.tasks.length >= limit) {
      this.endWorkflow(exec, 'FAILED', `The workflow scheduled ${limit} tasks and was stopped: a loop whose condition never turns false? Fix the loop, or raise the runner's maxTasks.`);
      return undefined;
    }
    if (this.options.isSkipped?.(exec, wt) === true) {
      this.enqueue(() => this.next(exec, wt));
      return undefined;
    }
    if (needsMapping(wt) && retryOf === undefined) {
      const mapping = mapDynamic(exec, wt, this.inputOf(exec, wt), this.taskDefOf(wt));
      if ('failure' in mapping) {
        this.endWorkflow(exec, 'FAILED', mapping.failure);
        return undefined;
      }
      wt = mapping.task;
    }
    const loop = exec.index.enclosingLoop(wt);
    const iteration = retryOf?.iteration ?? (loop === undefined ? 0 : (exec.loopIteration.get(loop.taskReferenceName) ?? 1));
    const ref = retryOf?.referenceTaskName ?? (iteration > 0 ? `${wt.taskReferenceName}__${iteration}` : wt.taskReferenceName);
    const now = this.clock.now();
    const run: TaskRun = {
      taskId: randomUUID(),
      referenceTaskName: ref,
      taskType: taskTypeOf(wt),
      taskDefName: wt.name,
      status: 'SCHEDULED',
      inputData: {},
      outputData: {},
      retryCount: retryOf === undefined ? 0 : retryOf.retryCount + 1,
      iteration,
      seq: ++this.seq,
      scheduledTime: now,
      firstScheduledTime: retryOf?.firstScheduledTime ?? now,
      startTime: 0,
      endTime: 0,
      pollCount: 0,
      callbackAfterSeconds: delaySeconds,
      workflowTask: wt,
      logs: [],
    };
    exec.tasks.push(run);
    exec.doc['CPEWF_TASK_ID'] = run.taskId;
    const shared = DECIDE_TASKS.has(wt.type ?? 'SIMPLE');
    if (input !== undefined) run.inputData = input;
    else if (retryOf !== undefined) {
      const { subWorkflowId: _dropped, ...kept } = retryOf.inputData;
      run.inputData = { ...kept, ...this.inputOf(exec, wt, undefined, shared) };
    } else run.inputData = this.inputOf(exec, wt, undefined, shared);
    const system = SYSTEM_TASKS[wt.type ?? 'SIMPLE'];
    if (system?.mapInput !== undefined && retryOf === undefined && input === undefined) run.inputData = system.mapInput(wt, run.inputData);
    exec.publish(run);
    this.event(exec, 'task.scheduled', run);
    // Forks and switches are laid out with their first tasks at once, as the server's task mappers
    // do (so an inner fork and its JOIN come before the outer JOIN).
    if (system?.expands === true) {
      this.expanding++;
      try {
        system.start(this.systemContext(exec), run);
      } finally {
        this.expanding--;
      }
      return run;
    }
    // JSON_JQ_TRANSFORM runs as it is scheduled (`JsonJqTransform.start`), seeing the loop around as
    // it is then; what follows it is scheduled from the queue, as after any other task.
    if (wt.type === 'JSON_JQ_TRANSFORM' && delaySeconds === 0 && system !== undefined) {
      this.expanding++;
      try {
        system.start({ ...this.systemContext(exec), finish: (done, status, output, reason) => this.doneWhileScheduled(exec, done, status, output, reason) }, run);
      } finally {
        this.expanding--;
      }
      return run;
    }
    // Everything else starts from the queue: a long chain of tasks that finish at once must not grow the stack.
    if (delaySeconds > 0) this.clock.schedule(delaySeconds * 1000, () => this.queueBegin(exec, run));
    else this.queueBegin(exec, run);
    return run;
  }

  /** Queues a scheduled task's start (see {@link begin}). */
  private queueBegin(exec: Execution, run: TaskRun): void {
    if (DECIDE_TASKS.has(run.workflowTask.type ?? 'SIMPLE')) this.rounds.decideTasksQueued++;
    this.enqueue(() => this.begin(exec, run));
  }

  /** Starts a scheduled task from the queue: its mock, its system task, or its worker. */
  private begin(exec: Execution, run: TaskRun): void {
    const type = run.workflowTask.type ?? 'SIMPLE';
    if (DECIDE_TASKS.has(type)) this.rounds.decideTasksQueued--;
    if (run.status !== 'SCHEDULED' || exec.status !== 'RUNNING') return;
    const mock = RUN_BY_SERVER.has(type) ? undefined : exec.mocks?.take(run.referenceTaskName);
    const system = SYSTEM_TASKS[type];
    if (mock !== undefined) this.applyMock(exec, run, mock);
    else if (type === 'DO_WHILE') this.lookAtLoop(exec, run);
    else if (system !== undefined) system.start(this.systemContext(exec), run);
    else this.dispatch(exec, run);
  }

  /** A DO_WHILE's look at its iteration (`DoWhile.execute`): the first, or the next once its body ran. */
  private lookAtLoop(exec: Execution, run: TaskRun): void {
    this.loopLooking++;
    try {
      DO_WHILE.start(this.systemContext(exec), run);
    } finally {
      this.loopLooking--;
    }
    if (run.status === 'IN_PROGRESS') this.rounds.loopRunning(exec, run);
  }

  /**
   * A task that ended as it was scheduled (JSON_JQ_TRANSFORM). The workflow moves on from it in the
   * round after: at once when a loop scheduled it (the loop's round is the queue's level), from the
   * queue when the decider did (its round is the next level), never deeper than one task.
   */
  private doneWhileScheduled(exec: Execution, run: TaskRun, status: TaskRunStatus, output: Record<string, unknown>, reason?: string): void {
    this.markDone(exec, run, status, output, reason);
    if (this.loopLooking === 0) {
      this.enqueue(() => {
        if (exec.status === 'RUNNING') this.moveOn(exec, run, status);
      });
      return;
    }
    const looking = this.loopLooking;
    this.loopLooking = 0;
    try {
      this.moveOn(exec, run, status);
    } finally {
      this.loopLooking = looking;
    }
  }

  private systemContext(exec: Execution): SystemTaskContext {
    let sandbox = this.sandboxes.get(exec);
    if (sandbox === undefined) {
      sandbox = new ScriptSandbox(this.options.scriptTimeoutMs);
      this.sandboxes.set(exec, sandbox);
    }
    return {
      engine: this,
      execution: exec,
      sandbox,
      registry: this.options.registry,
      clock: this.clock,
      finish: (run, status, output, reason) => this.finishTask(exec, run, status, output, reason),
      track: (promise, then, fail) => this.track(promise, then, fail),
      isSystemType: (type) => Object.hasOwn(SYSTEM_TASKS, type),
    };
  }

  private applyMock(exec: Execution, run: TaskRun, mock: TaskMock): void {
    this.clock.schedule(mockMs(mock.queueWaitTime), () => {
      if (run.status !== 'SCHEDULED' || exec.status !== 'RUNNING') return;
      this.startRun(exec, run);
      this.clock.schedule(mockMs(mock.executionTime), () => {
        if (isTerminal(run.status) || exec.status !== 'RUNNING') return;
        const status = mock.status ?? 'COMPLETED';
        if (status === 'IN_PROGRESS') {
          // As the server takes an IN_PROGRESS update: the output replaced, the task back in the
          // queue (SCHEDULED), where the next mock of its reference (or a worker) takes it again.
          run.outputData = { ...mock.output };
          run.status = 'SCHEDULED';
          exec.publish(run);
          const next = exec.mocks?.take(run.referenceTaskName);
          if (next !== undefined) this.applyMock(exec, run, next);
          else this.dispatch(exec, run);
          return;
        }
        // A mock carries no reason: the server's reason for a mocked failure is null.
        this.finishTask(exec, run, status, { ...mock.output });
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
    const def = this.taskDefOf(run.workflowTask);
    const timeout = def?.timeoutSeconds ?? 0;
    if (def !== undefined && timeout > 0) {
      this.clock.schedule(timeout * 1000, () => {
        if (isTerminal(run.status) || exec.status !== 'RUNNING') return;
        // conductor-oss 3.32.3, DeciderService.checkTaskTimeout.
        const elapsed = Math.floor((this.clock.now() - run.startTime) / 1000);
        this.timeOut(exec, run, def, `Task timed out after ${elapsed} seconds. Timeout configured as ${timeout} seconds. Timeout policy configured to ${def.timeoutPolicy}`);
      }, 'deadline');
    }
    // A worker that polled a task must report within responseTimeoutSeconds, as on the server;
    // tasks the server runs itself (HUMAN, WAIT, HTTP ...) have no worker to hear from. Armed
    // after the task timeout: when both are due, the decider checks the task timeout first.
    if (SYSTEM_TASKS[run.workflowTask.type ?? 'SIMPLE'] === undefined) this.armResponseTimeout(exec, run);
  }

  private armResponseTimeout(exec: Execution, run: TaskRun): void {
    const def = this.taskDefOf(run.workflowTask);
    const seconds = def?.responseTimeoutSeconds ?? 0;
    if (seconds <= 0) return;
    const poll = run.pollCount;
    this.clock.schedule(seconds * 1000, () => {
      if (run.status !== 'IN_PROGRESS' || run.pollCount !== poll || exec.status !== 'RUNNING') return;
      // conductor-oss 3.32.3, DeciderService.timeoutTask: TIMED_OUT whatever the timeoutPolicy, then retried.
      this.finishTask(exec, run, 'TIMED_OUT', run.outputData, `responseTimeout: ${seconds} exceeded for the taskId: ${run.taskId} with Task Definition: ${run.taskDefName}`);
    }, 'deadline');
  }

  /** Applies a TaskDef's timeoutPolicy to a timed-out attempt (`timeoutTaskWithTimeoutPolicy`). */
  private timeOut(exec: Execution, run: TaskRun, def: TaskDef, reason: string): void {
    if (def.timeoutPolicy === 'ALERT_ONLY') return this.event(exec, 'task.failed', run, `ALERT_ONLY: ${reason}`);
    if (def.timeoutPolicy === 'RETRY') return this.finishTask(exec, run, 'TIMED_OUT', run.outputData, reason);
    this.markDone(exec, run, 'TIMED_OUT', run.outputData, reason);
    this.endWorkflow(exec, 'TIMED_OUT', reason, { failedTask: run });
  }

  private dispatch(exec: Execution, run: TaskRun): void {
    const domains = this.options.domainExecutors;
    run.domain = queueDomain(run.taskType, exec.taskToDomain, (domain) => domains?.get(domain)?.has(run.taskDefName) === true);
    const executor = run.domain === undefined ? this.options.executors.get(run.taskDefName) : domains?.get(run.domain)?.get(run.taskDefName);
    if (executor === undefined) return this.armPollTimeout(exec, run); // Waits, as on a server with no worker polling for it.
    this.startRun(exec, run);
    this.callWorker(exec, run, executor);
  }

  /** `pollTimeoutSeconds`: a worker task nobody polls times out (`DeciderService.checkTaskPollTimeout`). */
  private armPollTimeout(exec: Execution, run: TaskRun): void {
    const def = this.taskDefOf(run.workflowTask);
    const seconds = (def as { pollTimeoutSeconds?: number } | undefined)?.pollTimeoutSeconds ?? 0;
    if (def === undefined || seconds <= 0) return;
    this.clock.schedule(seconds * 1000, () => {
      if (run.status !== 'SCHEDULED' || exec.status !== 'RUNNING') return;
      const elapsed = Math.floor((this.clock.now() - run.scheduledTime) / 1000);
      this.timeOut(exec, run, def, `Task poll timed out after ${elapsed} seconds. Poll timeout configured as ${seconds} seconds. Timeout policy configured to ${def.timeoutPolicy}`);
    }, 'deadline');
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
    const tooDeep = nestingProblem(outcome.outputData);
    if (tooDeep !== undefined) return this.finishTask(exec, run, 'FAILED', {}, `The worker's output was refused: ${tooDeep}. Return a flatter output.`);
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
    const entered = this.enter(exec);
    try {
      this.updateInside(exec, run, status, output, reason, callbackAfterSeconds);
    } finally {
      this.leave(entered);
    }
  }

  /** {@link update} inside the decide it belongs to. */
  private updateInside(exec: Execution, run: TaskRun, status: TaskOutcome['status'], output: Record<string, unknown>, reason?: string, callbackAfterSeconds?: number): void {
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
    // The server adds a synchronous task's output to the map it has had since it was scheduled,
    // which the output of a loop around it may already hold (`TaskModel.addOutput`).
    if (DECIDE_TASKS.has(run.workflowTask.type ?? 'SIMPLE') && output !== run.outputData && Object.keys(run.outputData).length === 0) fillIn(run.outputData, output);
    else run.outputData = output;
    // A task that ends as the decider schedules it ends in the round after the queue's level; a
    // JSON_JQ_TRANSFORM a loop schedules ends in the loop's round.
    this.rounds.ended(run, this.expanding > 0 && !(this.loopLooking > 0 && run.workflowTask.type === 'JSON_JQ_TRANSFORM'));
    run.reasonForIncompletion = reason;
    run.endTime = this.clock.now();
    exec.publish(run);
    this.event(exec, SUCCESSFUL.has(status) ? 'task.completed' : 'task.failed', run, reason);
  }

  /** Ends a task with a status and moves the workflow on: next task, retry, or failure. */
  finishTask(exec: Execution, run: TaskRun, status: TaskRunStatus, output: Record<string, unknown>, reason?: string): void {
    if (isTerminal(run.status) || exec.status !== 'RUNNING') return;
    const entered = this.enter(exec);
    try {
      this.markDone(exec, run, status, output, reason);
      this.moveOn(exec, run, status);
    } finally {
      this.leave(entered);
    }
  }

  /** What follows a task's end: the next task, a retry or the end of the workflow, the loop's look, the JOINs', completion. */
  private moveOn(exec: Execution, run: TaskRun, status: TaskRunStatus): void {
    // A task the server runs inside its decide fails there after the loop around it looked at it.
    if (!SUCCESSFUL.has(status) && SYNCHRONOUS.has(run.taskType)) recordIteration(exec, run);
    if (!SUCCESSFUL.has(status) && !this.failed(exec, run)) return;
    if (exec.status !== 'RUNNING') return;
    // The loop around looks at the iteration at the end of this level (`Rounds.endLevel`), after the decider scheduled what follows.
    this.next(exec, run.workflowTask);
    this.checkJoins(exec);
    if (exec.completionDue) this.tryComplete(exec);
  }

  /**
   * What follows a failed attempt, as `DeciderService.retry` decides: a retry (scheduled at once,
   * started after the delay), or for an optional task COMPLETED_WITH_ERRORS and for a permissive
   * one FAILED, both moving the workflow on (true), or the end of the workflow (false).
   */
  private failed(exec: Execution, run: TaskRun): boolean {
    const wt = run.workflowTask;
    const def = this.taskDefOf(wt);
    const allowed = def === undefined ? 0 : (wt.retryCount ?? def.retryCount ?? 0);
    const retriable = (run.status === 'FAILED' || run.status === 'TIMED_OUT') && !BUILT_IN.has(run.taskType);
    if (!retriable || allowed <= run.retryCount) {
      if (wt.optional === true || wt.permissive === true) {
        if (wt.optional === true) {
          run.status = 'COMPLETED_WITH_ERRORS';
          exec.publish(run);
        }
        return true;
      }
      const status = run.status === 'CANCELED' ? 'TERMINATED' : run.status === 'TIMED_OUT' ? 'TIMED_OUT' : 'FAILED';
      this.endWorkflow(exec, status, failureSentence(run.taskId, status, run.reasonForIncompletion), { failedTask: run });
      return false;
    }
    const total = def?.totalTimeoutSeconds ?? 0;
    const elapsed = Math.floor((this.clock.now() - run.firstScheduledTime) / 1000);
    if (total > 0 && elapsed >= total) {
      // conductor-oss 3.32.3's wording (DeciderService.retry).
      const reason = `Task ${run.taskId}/${run.taskDefName} exceeded total timeout of ${total} seconds (elapsed ${elapsed} seconds across all attempts). No further retries will be attempted.`;
      this.endWorkflow(exec, run.status === 'TIMED_OUT' ? 'TIMED_OUT' : 'FAILED', reason, { failedTask: run });
      return false;
    }
    const delay = retryDelaySeconds(def, run.retryCount);
    this.event(exec, 'task.retry_scheduled', run, `retry ${run.retryCount + 1} of ${allowed} in ${delay} s`);
    this.schedule(exec, wt, run, undefined, delay);
    return false;
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
      if (place.container === 'top') return this.tryComplete(exec);
      if (place.container === 'branch') return;
      // The loop sees its iteration done in the round after (`DoWhile.execute` runs after the decider).
      if (place.container === 'loop') return this.enqueue(() => this.loopBodyDone(exec, place.parent as WorkflowTask));
      current = place.parent as WorkflowTask;
    }
  }

  /** Evaluates a DO_WHILE after its body ran once more: another iteration, or on to the next task. */
  loopBodyDone(exec: Execution, loop: WorkflowTask): void {
    const run = loopRun(exec, loop);
    if (run !== undefined && exec.status === 'RUNNING') this.lookAtLoop(exec, run);
  }

  /**
   * Has every JOIN of `exec` looked at once the decide ends: JOIN is an asynchronous system task
   * on conductor-oss 3.32.3, which its system-task worker runs (then decides) after the decide that
   * finished the joined tasks, so that decide never sees what the JOIN adds to its output.
   */
  checkJoins(exec: Execution): void {
    if (exec.joins.size > 0) this.joinsDue.add(exec);
  }

  /** The JOINs' looks that are due, each as a decide of its own; true when they queued work. */
  private lookAtJoins(): boolean {
    if (this.joinsDue.size === 0) return false;
    const due = [...this.joinsDue];
    this.joinsDue.clear();
    // What a completed JOIN queues is the decide that follows it; the queue's drain ends that one.
    for (const exec of due) {
      const entered = this.enter(exec);
      try {
        this.completeJoins(exec);
      } finally {
        this.leave(entered);
      }
    }
    return this.actions.length > 0 || this.joinsDue.size > 0;
  }

  /** Completes every JOIN whose tasks have all finished (or fails it), as the server's `Join` does. */
  private completeJoins(exec: Execution): void {
    for (const join of exec.joins) {
      if (exec.status !== 'RUNNING') return;
      const verdict = joinVerdict(exec, join);
      if (verdict === undefined) continue;
      exec.joins.delete(join);
      this.finishTask(exec, join, verdict.status, verdict.output, verdict.reason);
    }
  }
}

/** Puts `output`'s entries into `target`, a `__proto__` key as data. */
function fillIn(target: Record<string, unknown>, output: Record<string, unknown>): void {
  for (const key of Object.keys(output)) {
    if (key === '__proto__') Object.defineProperty(target, key, { value: output[key], enumerable: true, writable: true, configurable: true });
    else target[key] = output[key];
  }
}

/** Permissive, non-optional tasks whose latest attempt failed: they fail the workflow where it would complete. */
function permissiveFailures(exec: Execution): TaskRun[] {
  const latest = new Map<string, TaskRun>();
  for (const run of exec.tasks) {
    if (run.workflowTask.permissive !== true || run.workflowTask.optional === true) continue;
    const seen = latest.get(run.referenceTaskName);
    if (seen === undefined || run.retryCount > seen.retryCount) latest.set(run.referenceTaskName, run);
  }
  return [...latest.values()].filter((t) => isTerminal(t.status) && !SUCCESSFUL.has(t.status));
}

/** The decider's sentence for a task that ends a workflow; the status is the workflow's, a missing reason reads `null`. */
export function failureSentence(taskId: string, status: string, reason: string | undefined): string {
  return `Task ${taskId} failed with status: ${status} and reason: '${reason ?? 'null'}'`;
}

const adHoc = new Map<string, TaskDef>();

/** The ad-hoc TaskDef `MetadataMapperService` makes for a task nobody registered (cached by name and kind). */
function adHocTaskDef(name: string, simple: boolean): TaskDef {
  const key = `${simple ? 'simple' : 'system'}:${name}`;
  let def = adHoc.get(key);
  if (def === undefined) {
    def = { ...structuredClone(LEARNED_DEFAULTS.taskDef), name, ...(!simple && { retryCount: 0, responseTimeoutSeconds: 0 }) } as TaskDef;
    adHoc.set(key, def);
  }
  return def;
}

const filled = new WeakMap<TaskDef, TaskDef>();

/** `def` with every field it leaves out at the server's default (cached per definition object). */
function filledTaskDef(def: TaskDef, defaults: Readonly<Record<string, unknown>>): TaskDef {
  let full = filled.get(def);
  if (full === undefined) {
    full = { ...structuredClone(defaults), ...Object.fromEntries(Object.entries(def).filter(([, v]) => v !== undefined && v !== null)) } as TaskDef;
    filled.set(def, full);
  }
  return full;
}

/**
 * A task's `taskType` as the server records it: the task name for SIMPLE tasks (the queue a
 * worker polls) and for a DYNAMIC task once mapped (`DynamicTaskMapper`), FORK for both kinds of fork, the type for everything else.
 */
export function taskTypeOf(wt: WorkflowTask): string {
  const type = wt.type ?? 'SIMPLE';
  if (type === 'SIMPLE' || type === 'DYNAMIC') return wt.name;
  return type === 'FORK_JOIN' || type === 'FORK_JOIN_DYNAMIC' ? 'FORK' : type;
}
