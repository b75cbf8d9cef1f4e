import type { TaskDef } from '../conductor-types.ts';
import { isTerminal, SUCCESSFUL, type Execution } from '../runner/execution.ts';
import { SYSTEM_TASKS } from '../runner/system-tasks.ts';
import type { TaskRun } from '../runner/types.ts';
import type { TaskState, WorkflowState } from './run-state.ts';

/**
 * The task type the API shows and workers poll for: a SIMPLE task's type is its task definition
 * name on the server (`taskType: "platformio_compile"`), every other type is itself.
 */
export function apiTaskType(run: TaskRun): string {
  return run.taskType === 'SIMPLE' ? run.taskDefName : run.taskType;
}

/** True for tasks a worker runs (polled from the queue); false for the engine's system tasks. */
export function isWorkerTask(run: TaskRun): boolean {
  return SYSTEM_TASKS[run.workflowTask.type ?? 'SIMPLE'] === undefined;
}

/** Where the API model reads the dev server's own per-task and per-workflow state. */
export interface RunView {
  taskState(exec: Execution, run: TaskRun): TaskState;
  workflowState(exec: Execution): WorkflowState;
}

/** `executionMetadata` as conductor-oss 3.32.3 writes it on every task. */
const EXECUTION_METADATA = { additionalContext: {}, empty: true, additionalContextMap: {} };

/**
 * Facts about a task that depend on the other tasks of its workflow: its place, its attempts. A
 * task recorded by `skiptask` has seq 0 and comes first, as conductor-oss 3.32.3 lists it; the
 * others are numbered from 1 in the order they were scheduled.
 */
class TaskOrder {
  /** The tasks in the order the server lists them. */
  readonly listed: TaskRun[];
  private readonly seq = new Map<TaskRun, number>();
  private readonly attempts = new Map<string, TaskRun>();
  private readonly lastAttempt = new Map<string, number>();
  private readonly lastSuccessful: TaskRun | undefined;

  constructor(
    private readonly view: RunView,
    private readonly exec: Execution,
  ) {
    const skipped = exec.tasks.filter((run) => view.taskState(exec, run).skippedByApi);
    const scheduled = exec.tasks.filter((run) => !skipped.includes(run));
    this.listed = [...skipped, ...scheduled];
    scheduled.forEach((run, i) => this.seq.set(run, i + 1));
    for (const run of scheduled) {
      this.attempts.set(`${run.referenceTaskName}#${run.retryCount}`, run);
      this.lastAttempt.set(run.referenceTaskName, Math.max(this.lastAttempt.get(run.referenceTaskName) ?? 0, run.retryCount));
    }
    this.lastSuccessful = [...scheduled].reverse().find((t) => SUCCESSFUL.has(t.status) && t.status !== 'SKIPPED');
  }

  /** Position in the workflow from 1, as the server numbers `seq` (0 for a skipped task). */
  seqOf(run: TaskRun): number {
    return this.seq.get(run) ?? 0;
  }

  /** The attempt this one retries. */
  retriedTaskId(run: TaskRun): string | undefined {
    return run.retryCount > 0 ? this.attempts.get(`${run.referenceTaskName}#${run.retryCount - 1}`)?.taskId : undefined;
  }

  /** True once a later attempt of the same task exists. */
  retried(run: TaskRun): boolean {
    return (this.lastAttempt.get(run.referenceTaskName) ?? 0) > run.retryCount;
  }

  /**
   * The server's `executed`: the decider has moved on from this task. True for a successful task
   * of a workflow that went on after it (a COMPLETED workflow's last task stays false: the server
   * does not store the decide that completed it; so does a result posted while the workflow is
   * PAUSED), and for an attempt an API retry replaced.
   */
  executed(run: TaskRun, state: TaskState): boolean {
    if (state.executedByRetry) return true;
    if (!isTerminal(run.status) || !SUCCESSFUL.has(run.status) || run.status === 'SKIPPED' || state.deferred !== undefined) return false;
    return !(this.exec.status === 'COMPLETED' && run === this.lastSuccessful);
  }
}

/** A task in the shape of the server's `Task` JSON (what polls, `GET /api/tasks/{id}` and workflows return). */
export function toApiTask(view: RunView, exec: Execution, run: TaskRun, order = new TaskOrder(view, exec)): Record<string, unknown> {
  const state = view.taskState(exec, run);
  const def: TaskDef | undefined = run.workflowTask.taskDefinition;
  // conductor-oss 3.32.3 records a skipped task without a workflow type, task definition or update.
  const skipped = state.skippedByApi;
  const worker = isWorkerTask(run) && !skipped;
  const retriedTaskId = order.retriedTaskId(run);
  return {
    taskType: apiTaskType(run),
    status: run.status,
    inputData: run.inputData,
    referenceTaskName: run.referenceTaskName,
    retryCount: run.retryCount,
    seq: order.seqOf(run),
    ...(exec.correlationId !== undefined && { correlationId: exec.correlationId }),
    pollCount: run.pollCount,
    taskDefName: run.taskDefName,
    scheduledTime: run.scheduledTime,
    startTime: run.startTime,
    endTime: run.endTime,
    updateTime: skipped ? 0 : Math.max(state.updateTime, run.endTime, worker ? 0 : run.startTime),
    startDelayInSeconds: 0,
    ...(retriedTaskId !== undefined && { retriedTaskId }),
    retried: order.retried(run),
    executed: order.executed(run, state),
    callbackFromWorker: true,
    // conductor-oss 3.32.3 copies these from the task definition for worker tasks only.
    responseTimeoutSeconds: worker ? (def?.responseTimeoutSeconds ?? 0) : 0,
    workflowInstanceId: exec.id,
    ...(!skipped && { workflowType: exec.def.name }),
    taskId: run.taskId,
    ...(run.reasonForIncompletion !== undefined && { reasonForIncompletion: run.reasonForIncompletion }),
    callbackAfterSeconds: state.callbackAfterSeconds || run.callbackAfterSeconds,
    ...(state.workerId !== undefined && { workerId: state.workerId }),
    outputData: run.outputData,
    workflowTask: run.workflowTask,
    ...(state.domain !== undefined && { domain: state.domain }),
    rateLimitPerFrequency: worker ? (def?.rateLimitPerFrequency ?? 0) : 0,
    rateLimitFrequencyInSeconds: worker ? (def?.rateLimitFrequencyInSeconds ?? 1) : 0,
    workflowPriority: 0,
    iteration: run.iteration,
    // The server's decider clears subworkflowChanged in the same step that sets it.
    subworkflowChanged: false,
    firstStartTime: 0,
    executionMetadata: EXECUTION_METADATA,
    ...(skipped ? { taskDefinition: null } : def !== undefined && { taskDefinition: def }),
    loopOverTask: run.iteration > 0,
    queueWaitTime: run.startTime > 0 ? run.startTime - run.scheduledTime : 0,
    ...(run.subWorkflowId !== undefined && { subWorkflowId: run.subWorkflowId }),
  };
}

/** The failed tasks' reference and definition names, as the server records them when a workflow ends. */
export function failedTasks(exec: Execution): { refs: string[]; names: string[] } {
  const failed = exec.tasks.filter((t) => t.status === 'FAILED' || t.status === 'FAILED_WITH_TERMINAL_ERROR');
  return { refs: [...new Set(failed.map((t) => t.referenceTaskName))], names: [...new Set(failed.map((t) => t.taskDefName))] };
}

/** A workflow run in the shape of the server's `Workflow` JSON (`GET /api/workflow/{id}`). */
export function toApiWorkflow(view: RunView, exec: Execution, includeTasks: boolean): Record<string, unknown> {
  const state = view.workflowState(exec);
  const lastTaskTime = exec.tasks.reduce((latest, t) => Math.max(latest, t.scheduledTime, t.startTime, t.endTime), 0);
  const order = new TaskOrder(view, exec);
  return {
    ownerApp: '',
    createTime: exec.startTime,
    updateTime: Math.max(exec.startTime, exec.endTime, lastTaskTime, state.lastRetriedTime),
    status: exec.status,
    endTime: exec.endTime,
    workflowId: exec.id,
    ...(exec.parent !== undefined && { parentWorkflowId: exec.parent.execution.id, parentWorkflowTaskId: exec.parent.task.taskId }),
    tasks: includeTasks ? order.listed.map((run) => toApiTask(view, exec, run, order)) : [],
    input: exec.input,
    output: exec.output,
    ...(exec.correlationId !== undefined && { correlationId: exec.correlationId }),
    ...(exec.reasonForIncompletion !== undefined && { reasonForIncompletion: exec.reasonForIncompletion }),
    taskToDomain: state.taskToDomain,
    failedReferenceTaskNames: state.failed?.refs ?? [],
    workflowDefinition: exec.def,
    priority: 0,
    variables: exec.variables,
    lastRetriedTime: state.lastRetriedTime,
    failedTaskNames: state.failed?.names ?? [],
    history: [],
    rateLimited: false,
    startTime: exec.startTime,
    workflowName: exec.def.name,
    workflowVersion: exec.def.version ?? 1,
  };
}

/** The summary `GET /api/workflow/{id}/status` answers (Orkes' `WorkflowStatus`). */
export function toApiWorkflowStatus(exec: Execution, includeOutput: boolean, includeVariables: boolean): Record<string, unknown> {
  return {
    workflowId: exec.id,
    ...(exec.correlationId !== undefined && { correlationId: exec.correlationId }),
    status: exec.status,
    ...(includeOutput && { output: exec.output }),
    ...(includeVariables && { variables: exec.variables }),
  };
}
