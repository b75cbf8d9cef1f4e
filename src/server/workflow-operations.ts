import { LEARNED_DEFAULTS } from '../conductor/learned-defaults.ts';
import type { WorkflowTask } from '../conductor-types.ts';
import { allWorkflowTasks } from '../conductor-tasks.ts';
import { isTerminal, SUCCESSFUL, type Execution } from '../runner/execution.ts';
import { resolveParameters } from '../runner/parameters.ts';
import type { TaskRun } from '../runner/types.ts';
import { randomUUID } from 'node:crypto';
import { isWorkerTask } from './api-model.ts';
import { badRequest, conflict, HttpError, isObject, notFound } from './http.ts';
import { isFinished, type DevRuntime } from './runtime.ts';

/** What `POST /api/workflow/{id}/rerun` takes (the server's `RerunWorkflowRequest`). */
export interface RerunRequest {
  readonly reRunFromTaskId?: string | undefined;
  readonly taskInput?: Record<string, unknown> | undefined;
  readonly workflowInput?: Record<string, unknown> | undefined;
  readonly correlationId?: string | undefined;
}

/** A 500 with the server's wording: it answers its `IllegalStateException`s so. */
function illegalState(message: string): HttpError {
  return new HttpError(500, message);
}

/** `name.version/id`, as the server names a workflow in its messages (`WorkflowModel.toShortString`). */
function shortName(exec: Execution): string {
  return `${exec.def.name}.${exec.def.version ?? 1}/${exec.id}`;
}

/** `name.version/id.STATUS`, as the server prints a workflow in its messages (`WorkflowModel.toString`). */
function longName(exec: Execution): string {
  return `${shortName(exec)}.${exec.status}`;
}

const TASK_TYPES_RETRIED_IN_PLACE: ReadonlySet<string> = new Set(['JOIN', 'DO_WHILE', 'FORK', 'EXCLUSIVE_JOIN']);
const reopenedInPlace = (run: TaskRun): boolean => run.taskType === 'JOIN' || run.taskType === 'DO_WHILE';

/**
 * The workflow operations of the REST API as conductor-oss 3.32.3 does them
 * (`WorkflowExecutorOps`): terminate, retry, restart, rerun, pause, resume and skip, and the
 * reopening of parent workflows that a retry, restart or rerun of a child causes
 * (`updateAndPushParents`).
 */
export class WorkflowOperations {
  constructor(private readonly runtime: DevRuntime) {}

  private get engine() {
    return this.runtime.engine;
  }

  /**
   * `DELETE /api/workflow/{id}`: no failure workflow; the output is resolved as at the end; 409 for
   * a COMPLETED workflow; nothing for one already TERMINATED.
   */
  async terminate(exec: Execution, reason: string | undefined): Promise<void> {
    if (exec.status === 'COMPLETED') throw conflict('Cannot terminate a COMPLETED workflow.');
    if (exec.status === 'TERMINATED') return;
    // conductor-oss 3.32.3 resolves the workflow's output when it terminates it.
    this.engine.resolveOutput(exec);
    if (!isFinished(exec)) {
      this.engine.endWorkflow(exec, 'TERMINATED', reason, { byApi: true });
    } else {
      // FAILED or TIMED_OUT: the server records the termination over the earlier end.
      exec.status = 'TERMINATED';
      exec.reasonForIncompletion = reason;
      exec.doc['workflow'] = exec.workflowView();
    }
    await this.runtime.changed();
  }

  /**
   * `POST /api/workflow/{id}/retry`: every FAILED, TIMED_OUT or CANCELED task whose reference has
   * no later successful attempt gets a new attempt (retryCount + 1, the old one marked retried and
   * executed); a CANCELED JOIN or DO_WHILE goes back to IN_PROGRESS; the workflow is RUNNING again
   * with `lastRetriedTime` set (its `endTime` stays), and so are its parents. With
   * `resumeSubworkflowTasks`, the deepest failed sub-workflow is retried instead.
   */
  async retry(exec: Execution, resumeSubworkflowTasks: boolean): Promise<void> {
    if (!isFinished(exec)) throw notFound(`Workflow is still running.  status=${exec.status}`);
    if (exec.tasks.length === 0) throw conflict('Workflow has not started yet');
    let target = exec;
    if (resumeSubworkflowTasks) {
      const failed = exec.tasks.find(unsuccessful);
      if (failed === undefined) return;
      target = this.lastFailedChild(failed, exec);
    }
    this.retryTasks(target);
    this.reopenParents(target, 'retried');
    await this.runtime.changed();
  }

  /** The deepest sub-workflow that failed under `task` (the server's `findLastFailedSubWorkflowIfAny`). */
  private lastFailedChild(task: TaskRun, exec: Execution): Execution {
    if (task.taskType !== 'SUB_WORKFLOW' || task.subWorkflowId === undefined) return exec;
    const child = this.engine.executions.get(task.subWorkflowId);
    const failed = child?.tasks.find(unsuccessful);
    return child === undefined || failed === undefined ? exec : this.lastFailedChild(failed, child);
  }

  private retryTasks(exec: Execution): void {
    const retriable = new Map<string, TaskRun>();
    const reopen: TaskRun[] = [];
    for (const run of exec.tasks) {
      if (run.status === 'FAILED' || run.status === 'FAILED_WITH_TERMINAL_ERROR' || run.status === 'TIMED_OUT') retriable.set(run.referenceTaskName, run);
      else if (run.status === 'CANCELED') {
        if (reopenedInPlace(run)) reopen.push(run);
        else retriable.set(run.referenceTaskName, run);
      } else retriable.delete(run.referenceTaskName);
    }
    if (retriable.size === 0 && exec.status !== 'TIMED_OUT') throw conflict('There are no retryable tasks! Use restart if you want to attempt entire workflow execution again.');
    this.reopen(exec);
    this.runtime.workflowState(exec).lastRetriedTime = Date.now();
    for (const run of reopen) this.reopenTask(exec, run);
    for (const run of [...retriable.values()].sort((a, b) => a.seq - b.seq)) {
      if (TASK_TYPES_RETRIED_IN_PLACE.has(run.taskType)) {
        (run as { retryCount: number }).retryCount++;
        this.reopenTask(exec, run);
        continue;
      }
      this.runtime.taskState(exec, run).executedByRetry = true;
      // As the server: the old input, with the task's parameters resolved again over it.
      const resolved = resolveParameters(run.workflowTask.inputParameters ?? {}, exec.doc);
      this.engine.schedule(exec, run.workflowTask, run, { ...run.inputData, ...(isObject(resolved) ? resolved : {}) });
    }
    this.touchAll(exec);
  }

  /**
   * `POST /api/workflow/{id}/restart`: from the first task, with the same input and id (a new
   * `createTime`, `endTime` and `lastRetriedTime` 0; the failed task names of the earlier run
   * kept), on the definition it ran or the latest one; its parents reopen. 409 while it still runs.
   */
  async restart(exec: Execution, useLatestDefinitions: boolean): Promise<void> {
    if (!isFinished(exec)) throw conflict(`Workflow: ${longName(exec)} is not in terminal state, unable to restart.`);
    const latest = useLatestDefinitions ? this.runtime.store.registry.workflow(exec.def.name) : exec.def;
    if (latest === undefined) throw notFound(`Unable to find latest definition for ${exec.id}`);
    if (latest.restartable === false && exec.status === 'COMPLETED') throw notFound(`Workflow: ${longName(exec)} is non-restartable`);
    const def = useLatestDefinitions ? this.runtime.store.snapshot(latest) : exec.def;
    const fresh = this.engine.start(def, exec.input, { correlationId: exec.correlationId, parent: exec.parent, workflowId: exec.id });
    // conductor-oss 3.32.3 keeps the failed task names of the earlier run.
    this.runtime.workflowState(fresh).lastRetriedTime = 0;
    this.runtime.skipped.delete(exec.id);
    this.reopenParents(fresh, 'restarted');
    await this.runtime.changed();
  }

  /**
   * `POST /api/workflow/{id}/rerun` (the server's `rerunWF`): without `reRunFromTaskId`, the whole
   * workflow again (with `workflowInput` and `correlationId` when given; output and endTime kept
   * until it ends again); with it, the tasks after that one are removed and it runs again (with
   * `taskInput` when given), and every other task that ended unsuccessfully is reset to run again
   * too, as conductor-oss 3.32.3 does (`finalizeRerun`, even an attempt a retry already replaced).
   * A task of a sub-workflow reruns that child and reopens this workflow. Answers the workflow id;
   * 409 while it runs; 400 when no such task is found.
   */
  async rerun(exec: Execution, request: RerunRequest): Promise<string> {
    if (!this.rerunIn(exec, request)) throw badRequest(`Task ${request.reRunFromTaskId ?? 'null'} not found`);
    await this.runtime.changed();
    return exec.id;
  }

  private rerunIn(exec: Execution, request: RerunRequest): boolean {
    if (!isFinished(exec)) throw conflict(`Workflow: ${longName(exec)} is not in terminal state, unable to rerun.`);
    const taskId = request.reRunFromTaskId;
    if (taskId === undefined) {
      const fresh = this.engine.start(exec.def, request.workflowInput ?? exec.input, { correlationId: request.correlationId ?? exec.correlationId, parent: exec.parent, workflowId: exec.id });
      // The server reruns the same workflow with its tasks removed: its output and endTime stay until it ends again.
      fresh.output = exec.output;
      fresh.endTime = exec.endTime;
      fresh.doc['workflow'] = fresh.workflowView();
      this.runtime.workflowState(fresh).failed = undefined;
      this.runtime.skipped.delete(exec.id);
      this.reopenParents(fresh, 'reran');
      return true;
    }
    const target = exec.tasks.find((t) => t.taskId === taskId);
    if (target === undefined) {
      const sub = exec.tasks.find((t) => t.taskType === 'SUB_WORKFLOW' && t.subWorkflowId !== undefined && this.childReran(t.subWorkflowId, { reRunFromTaskId: taskId, taskInput: request.taskInput }));
      return sub !== undefined;
    }
    this.reopen(exec);
    this.runtime.workflowState(exec).failed = { refs: [], names: [] };
    const position = exec.tasks.indexOf(target);
    for (const later of exec.tasks.slice(position + 1)) exec.unschedule(later);
    if (isWorkerTask(target)) {
      const state = this.runtime.taskState(exec, target);
      state.visibleAt = 0;
      state.executedByRetry = false;
      Object.assign(target, { status: 'SCHEDULED', scheduledTime: Date.now(), startTime: 0, endTime: 0, outputData: {}, pollCount: 0, reasonForIncompletion: undefined });
      if (request.taskInput !== undefined) target.inputData = request.taskInput;
    } else {
      // A system task starts again as a new task (the server restarts the same one in place).
      exec.unschedule(target);
      this.engine.schedule(exec, target.workflowTask, undefined, request.taskInput);
    }
    for (const run of exec.tasks) {
      if (run === target || run.referenceTaskName === target.referenceTaskName || !unsuccessful(run)) continue;
      run.status = reopenedInPlace(run) || !isWorkerTask(run) ? 'IN_PROGRESS' : 'SCHEDULED';
      run.startTime = Date.now();
      run.endTime = 0;
      run.reasonForIncompletion = undefined;
      if (run.taskType === 'JOIN') exec.joins.add(run);
    }
    this.touchAll(exec);
    // Expressions read the latest task of each reference again.
    for (const run of exec.tasks) exec.publish(run);
    this.reopenParents(exec, 'reran');
    return true;
  }

  private childReran(childId: string, request: RerunRequest): boolean {
    const child = this.engine.executions.get(childId);
    return child !== undefined && this.rerunIn(child, request);
  }

  /** `PUT /api/workflow/{id}/pause`: 409 for an ended workflow; nothing when already paused. */
  async pause(exec: Execution): Promise<void> {
    if (isFinished(exec)) throw conflict(`Workflow ${shortName(exec)} has ended, status cannot be updated.`);
    exec.status = 'PAUSED';
    exec.doc['workflow'] = exec.workflowView();
    await this.runtime.changed();
  }

  /**
   * `PUT /api/workflow/{id}/resume`: RUNNING again (`lastRetriedTime` set), and the results posted
   * while it was paused take effect; 500 when it is not PAUSED (the server's wording).
   */
  async resume(exec: Execution): Promise<void> {
    if (exec.status !== 'PAUSED') throw illegalState(`The workflow ${exec.id} is not PAUSED so cannot resume. Current status is ${exec.status}`);
    exec.status = 'RUNNING';
    exec.doc['workflow'] = exec.workflowView();
    this.runtime.workflowState(exec).lastRetriedTime = Date.now();
    for (const run of exec.tasks) {
      const state = this.runtime.taskState(exec, run);
      const result = state.deferred;
      if (result === undefined) continue;
      state.deferred = undefined;
      run.status = 'IN_PROGRESS';
      this.engine.finishTask(exec, run, result.status, result.output, result.reason);
    }
    await this.runtime.changed();
  }

  /**
   * `PUT /api/workflow/{id}/skiptask/{ref}`: records a SKIPPED task for a task not scheduled yet;
   * the workflow passes over it when it gets there. Its input and output stay empty whatever the
   * SkipTaskRequest says: conductor-oss 3.32.3 does not read the request body there (its resource
   * method lacks `@RequestBody`), so later tasks read null from it. 500 (the server's wording) when
   * the workflow is not RUNNING, the reference is not in its definition, or the task was already
   * scheduled.
   */
  async skip(exec: Execution, ref: string): Promise<void> {
    if (exec.status !== 'RUNNING') throw illegalState(`The workflow ${exec.id} is not running so the task referenced by ${ref} cannot be skipped`);
    const wt = allWorkflowTasks(exec.def.tasks).find((t) => t.taskReferenceName === ref);
    if (wt === undefined) throw illegalState(`The task referenced by ${ref} does not exist in the WorkflowDefinition ${exec.def.name}`);
    if (exec.tasks.some((t) => t.referenceTaskName === ref)) throw illegalState(`The task referenced ${ref} has already been processed, cannot be skipped`);
    const run = skippedTask(wt);
    exec.tasks.push(run);
    exec.publish(run);
    this.runtime.taskState(exec, run).skippedByApi = true;
    const skipped = this.runtime.skipped.get(exec.id) ?? new Set<string>();
    skipped.add(ref);
    this.runtime.skipped.set(exec.id, skipped);
    await this.runtime.changed();
  }

  /** A workflow RUNNING again: no reason, its `workflow` expression view up to date. */
  private reopen(exec: Execution): void {
    exec.status = 'RUNNING';
    exec.reasonForIncompletion = undefined;
    exec.failedTaskId = undefined;
    exec.completionDue = false;
    exec.doc['workflow'] = exec.workflowView();
  }

  /** A container task (JOIN, DO_WHILE...) back to IN_PROGRESS in place. */
  private reopenTask(exec: Execution, run: TaskRun): void {
    run.status = 'IN_PROGRESS';
    run.endTime = 0;
    exec.publish(run);
    if (run.taskType === 'JOIN') exec.joins.add(run);
  }

  /** The server stores every task of a workflow it retries or reruns: each one's `updateTime` moves. */
  private touchAll(exec: Execution): void {
    const now = Date.now();
    for (const run of exec.tasks) this.runtime.taskState(exec, run).updateTime = now;
  }

  /**
   * The server's `updateAndPushParents`: up the chain of parents, the SUB_WORKFLOW task that runs
   * the child goes back to IN_PROGRESS (with a log line), the parent is RUNNING
   * again with `lastRetriedTime` set and no failed tasks recorded, its CANCELED JOINs and loops
   * reopen and its other CANCELED tasks are scheduled again in place. Stops at an optional task or
   * a SUB_WORKFLOW attempt a later one replaced.
   */
  private reopenParents(child: Execution, operation: string): void {
    const chain: string[] = [];
    for (let exec = child; exec.parent !== undefined; exec = exec.parent.execution) {
      const { execution: parent, task } = exec.parent;
      if (task.workflowTask.optional === true) break;
      if (parent.tasks.some((t) => t.referenceTaskName === task.referenceTaskName && t.retryCount > task.retryCount)) break;
      chain.unshift(shortName(exec));
      task.status = 'IN_PROGRESS';
      task.reasonForIncompletion = undefined;
      const taskState = this.runtime.taskState(parent, task);
      taskState.logs.push({ log: `Sub workflow ${chain.join(' -> ')} ${operation}.`, createdTime: Date.now() });
      taskState.updateTime = Date.now();
      parent.publish(task);
      this.reopen(parent);
      const state = this.runtime.workflowState(parent);
      state.failed = { refs: [], names: [] };
      state.lastRetriedTime = Date.now();
      for (const run of parent.tasks) {
        if (run.status !== 'CANCELED') continue;
        if (reopenedInPlace(run)) {
          this.reopenTask(parent, run);
          continue;
        }
        Object.assign(run, { retryCount: run.retryCount + 1, status: 'SCHEDULED', reasonForIncompletion: undefined, pollCount: 0, scheduledTime: Date.now(), startTime: 0, endTime: 0 });
        this.runtime.taskState(parent, run).workerId = undefined;
        parent.publish(run);
      }
    }
  }
}

/** A task that ended without success (the server's `UNSUCCESSFUL_TERMINAL_TASK`). */
function unsuccessful(run: TaskRun): boolean {
  return isTerminal(run.status) && !SUCCESSFUL.has(run.status);
}

/**
 * The SKIPPED task the server records for `skiptask`: its type is the workflow task's name,
 * scheduled and ended now, and its `workflowTask` a bare SIMPLE one with that name and reference.
 */
function skippedTask(wt: WorkflowTask): TaskRun {
  const workflowTask = { ...structuredClone(LEARNED_DEFAULTS.workflowTask), name: wt.name, taskReferenceName: wt.taskReferenceName } as WorkflowTask;
  const now = Date.now();
  return {
    taskId: randomUUID(),
    referenceTaskName: wt.taskReferenceName,
    taskType: wt.name,
    taskDefName: wt.name,
    status: 'SKIPPED',
    inputData: {},
    outputData: {},
    retryCount: 0,
    iteration: 0,
    seq: 0,
    scheduledTime: now,
    firstScheduledTime: now,
    callbackAfterSeconds: 0,
    startTime: 0,
    endTime: now,
    pollCount: 0,
    workflowTask,
    logs: [],
  };
}
