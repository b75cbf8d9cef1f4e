import { randomUUID } from 'node:crypto';
import type { WorkflowDef, WorkflowTask } from '../conductor-types.ts';
import { DefinitionIndex } from './definition-index.ts';
import type { MockQueues } from './mocks.ts';
import type { RunEvent, TaskRun, TaskRunStatus, WorkflowStatus } from './types.ts';

const TERMINAL: ReadonlySet<TaskRunStatus> = new Set(['COMPLETED', 'COMPLETED_WITH_ERRORS', 'FAILED', 'FAILED_WITH_TERMINAL_ERROR', 'TIMED_OUT', 'CANCELED', 'SKIPPED']);
/** Statuses after which the workflow moves on to the next task. */
export const SUCCESSFUL: ReadonlySet<TaskRunStatus> = new Set(['COMPLETED', 'COMPLETED_WITH_ERRORS', 'SKIPPED']);

/** True when a task status is final. */
export function isTerminal(status: TaskRunStatus): boolean {
  return TERMINAL.has(status);
}

/** The base reference of a loop-iteration reference: `ref__2` → `ref`. */
export function baseRef(ref: string): string {
  const i = ref.indexOf('__');
  return i === -1 ? ref : ref.slice(0, i);
}

/** One workflow run inside the engine. */
export class Execution {
  readonly id: string;
  readonly index: DefinitionIndex;
  status: WorkflowStatus = 'RUNNING';
  output: Record<string, unknown> = {};
  variables: Record<string, unknown>;
  reasonForIncompletion: string | undefined;
  endTime = 0;
  readonly tasks: TaskRun[] = [];
  readonly events: RunEvent[] = [];
  /** The expression document: `workflow` and each task's latest state by base reference. */
  readonly doc: Record<string, unknown> = {};
  readonly byRef = new Map<string, TaskRun>();
  readonly loopIteration = new Map<string, number>();
  readonly joins = new Set<TaskRun>();
  /** joinOn of the JOIN after a dynamic fork, set when the fork runs. */
  readonly dynamicJoinOn = new Map<WorkflowTask, string[]>();
  failureWorkflowId: string | undefined;
  /** Mocked results for this run's own tasks (a sub-workflow gets its parent task's share). */
  mocks: MockQueues | undefined;
  /**
   * Task type (or `*`) → comma-separated domains: the start request's `taskToDomain`; a child gets
   * its SUB_WORKFLOW's `subWorkflowTaskToDomain` or its parent's, a START_WORKFLOW target the
   * request's or its starter's (conductor-oss 3.32.3 `SubWorkflow`, `StartWorkflow`).
   */
  taskToDomain: Readonly<Record<string, string>> = {};
  failedTaskId: string | undefined;
  /** The last task of the definition is done: the workflow completes once every task is terminal. */
  completionDue = false;

  constructor(
    readonly def: WorkflowDef,
    readonly input: Record<string, unknown>,
    readonly startTime: number,
    readonly correlationId: string | undefined,
    readonly parent: { readonly execution: Execution; readonly task: TaskRun } | undefined,
    /** Reuses an id (a restart runs again under the same id); a new one by default. */
    id: string = randomUUID(),
  ) {
    this.id = id;
    this.index = DefinitionIndex.of(def);
    this.variables = { ...(def.variables ?? {}) };
    this.doc['workflow'] = this.workflowView();
  }

  /** What `${workflow.*}` reads. */
  workflowView(): Record<string, unknown> {
    return {
      input: this.input,
      output: this.output,
      variables: this.variables,
      workflowId: this.id,
      correlationId: this.correlationId ?? null,
      workflowType: this.def.name,
      version: this.def.version ?? 1,
      status: this.status,
      parentWorkflowId: this.parent?.execution.id ?? null,
      parentWorkflowTaskId: this.parent?.task.taskId ?? null,
      startTime: this.startTime,
      reasonForIncompletion: this.reasonForIncompletion ?? null,
    };
  }

  /** Takes back a task that was just scheduled (a dynamic fork whose inputs turned out invalid). */
  unschedule(run: TaskRun): void {
    this.tasks.splice(this.tasks.indexOf(run), 1);
    this.byRef.delete(run.referenceTaskName);
    delete this.doc[baseRef(run.referenceTaskName)];
  }

  /** How many times a task's state was published: a loop's look at its iteration is skipped while this stays the same. */
  changes = 0;

  /** Records a task's latest state where expressions read it. */
  publish(run: TaskRun): void {
    this.changes++;
    this.byRef.set(run.referenceTaskName, run);
    this.doc[baseRef(run.referenceTaskName)] = {
      input: run.inputData,
      output: run.outputData,
      status: run.status,
      taskId: run.taskId,
      referenceTaskName: run.referenceTaskName,
      taskType: run.taskType,
      retryCount: run.retryCount,
      // A DO_WHILE's own iteration is the one it is running.
      iteration: run.taskType === 'DO_WHILE' ? (this.loopIteration.get(baseRef(run.referenceTaskName)) ?? 0) : run.iteration,
      pollCount: run.pollCount,
      reasonForIncompletion: run.reasonForIncompletion ?? null,
      scheduledTime: run.scheduledTime,
      startTime: run.startTime,
      endTime: run.endTime,
    };
  }
}

/** A plain copy of a workflow run, as the API returns it. */
export function snapshotOf(exec: Execution): Record<string, unknown> {
  return {
    workflowId: exec.id,
    workflowName: exec.def.name,
    workflowVersion: exec.def.version ?? 1,
    status: exec.status,
    input: exec.input,
    output: exec.output,
    variables: exec.variables,
    correlationId: exec.correlationId ?? null,
    taskToDomain: exec.taskToDomain,
    reasonForIncompletion: exec.reasonForIncompletion ?? null,
    startTime: exec.startTime,
    endTime: exec.endTime,
    parentWorkflowId: exec.parent?.execution.id ?? null,
    failureWorkflowId: exec.failureWorkflowId ?? null,
    tasks: exec.tasks.map(({ workflowTask: _wt, ...task }) => ({ ...task, workflowTask: { name: _wt.name, taskReferenceName: _wt.taskReferenceName, type: _wt.type ?? 'SIMPLE' } })),
  };
}
