import type { TaskDef } from '../conductor-types.ts';
import type { Engine } from '../runner/engine.ts';
import { isTerminal, type Execution } from '../runner/execution.ts';
import { SYSTEM_TASKS } from '../runner/system-tasks.ts';
import type { TaskRun } from '../runner/types.ts';

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

/** Extra per-task facts the dev server keeps beside the engine's TaskRun. */
export interface TaskExtras {
  readonly workerId?: string;
  readonly callbackAfterSeconds?: number;
}

/** A task in the shape of the server's `Task` JSON (what polls, `GET /api/tasks/{id}` and workflows return). */
export function toApiTask(engine: Engine, exec: Execution, run: TaskRun, extras: TaskExtras = {}): Record<string, unknown> {
  const def: TaskDef | undefined = engine.taskDefOf(run.workflowTask);
  const latest = exec.byRef.get(run.referenceTaskName);
  return {
    taskType: apiTaskType(run),
    status: run.status,
    inputData: run.inputData,
    referenceTaskName: run.referenceTaskName,
    retryCount: run.retryCount,
    seq: run.seq,
    correlationId: exec.correlationId ?? null,
    pollCount: run.pollCount,
    taskDefName: run.taskDefName,
    scheduledTime: run.scheduledTime,
    startTime: run.startTime,
    endTime: run.endTime,
    updateTime: Math.max(run.scheduledTime, run.startTime, run.endTime),
    startDelayInSeconds: 0,
    retried: latest !== undefined && latest !== run,
    executed: isTerminal(run.status),
    callbackFromWorker: true,
    responseTimeoutSeconds: def?.responseTimeoutSeconds ?? 0,
    workflowInstanceId: exec.id,
    workflowType: exec.def.name,
    taskId: run.taskId,
    ...(run.reasonForIncompletion !== undefined && { reasonForIncompletion: run.reasonForIncompletion }),
    callbackAfterSeconds: extras.callbackAfterSeconds ?? 0,
    ...(extras.workerId !== undefined && { workerId: extras.workerId }),
    outputData: run.outputData,
    workflowTask: run.workflowTask,
    rateLimitPerFrequency: def?.rateLimitPerFrequency ?? 0,
    rateLimitFrequencyInSeconds: def?.rateLimitFrequencyInSeconds ?? 1,
    workflowPriority: 0,
    iteration: run.iteration,
    loopOverTask: run.iteration > 0,
    ...(run.subWorkflowId !== undefined && { subWorkflowId: run.subWorkflowId }),
    ...(def !== undefined && { taskDefinition: def }),
    queueWaitTime: run.startTime > 0 ? run.startTime - run.scheduledTime : 0,
  };
}

/** The failed tasks' reference and definition names, as the server lists them on a workflow. */
function failedTasks(exec: Execution): { refs: string[]; names: string[] } {
  const failed = exec.tasks.filter((t) => t.status === 'FAILED' || t.status === 'FAILED_WITH_TERMINAL_ERROR');
  return { refs: [...new Set(failed.map((t) => t.referenceTaskName))], names: [...new Set(failed.map((t) => t.taskDefName))] };
}

/** A workflow run in the shape of the server's `Workflow` JSON (`GET /api/workflow/{id}`). */
export function toApiWorkflow(engine: Engine, exec: Execution, includeTasks: boolean, extras: (run: TaskRun) => TaskExtras = () => ({})): Record<string, unknown> {
  const failed = failedTasks(exec);
  const lastTaskTime = exec.tasks.reduce((latest, t) => Math.max(latest, t.scheduledTime, t.startTime, t.endTime), 0);
  return {
    ownerApp: '',
    createTime: exec.startTime,
    updateTime: Math.max(exec.startTime, exec.endTime, lastTaskTime),
    status: exec.status,
    endTime: exec.endTime,
    workflowId: exec.id,
    ...(exec.parent !== undefined && { parentWorkflowId: exec.parent.execution.id, parentWorkflowTaskId: exec.parent.task.taskId }),
    tasks: includeTasks ? exec.tasks.map((run) => toApiTask(engine, exec, run, extras(run))) : [],
    input: exec.input,
    output: exec.output,
    ...(exec.correlationId !== undefined && { correlationId: exec.correlationId }),
    ...(exec.reasonForIncompletion !== undefined && { reasonForIncompletion: exec.reasonForIncompletion }),
    taskToDomain: {},
    failedReferenceTaskNames: failed.refs,
    failedTaskNames: failed.names,
    workflowDefinition: exec.def,
    priority: 0,
    variables: exec.variables,
    lastRetriedTime: 0,
    startTime: exec.startTime,
    workflowName: exec.def.name,
    workflowType: exec.def.name,
    workflowVersion: exec.def.version ?? 1,
    version: exec.def.version ?? 1,
    ...(exec.failedTaskId !== undefined && { failedTaskId: exec.failedTaskId }),
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
