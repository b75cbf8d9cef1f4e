import type { WorkflowTask } from '../conductor-types.ts';
import type { TaskStatus } from '../dsl/types.ts';

/** Statuses a workflow run can be in. */
export type WorkflowStatus = 'RUNNING' | 'COMPLETED' | 'FAILED' | 'TIMED_OUT' | 'TERMINATED' | 'PAUSED';

/** Statuses a task can be in (Conductor's TaskModel.Status): the same list the DSL's references use. */
export type TaskRunStatus = TaskStatus;

/** What a worker (or a mock) reports for a task, as in Conductor's TaskResult. */
export interface TaskOutcome {
  readonly status: 'COMPLETED' | 'FAILED' | 'FAILED_WITH_TERMINAL_ERROR' | 'IN_PROGRESS';
  readonly outputData?: Record<string, unknown>;
  readonly reasonForIncompletion?: string;
  /** With IN_PROGRESS: call the worker again after this many seconds. */
  readonly callbackAfterSeconds?: number;
  readonly logs?: readonly string[];
}

/**
 * One mocked result, the real server's `POST /api/workflow/test` shape (`WorkflowTestRequest.TaskMock`).
 * conductor-oss 3.32.3 answers 500 to a mock without `output`, and refuses any status but these.
 */
export interface TaskMock {
  /** @default 'COMPLETED' */
  readonly status?: 'COMPLETED' | 'FAILED' | 'FAILED_WITH_TERMINAL_ERROR' | 'IN_PROGRESS' | 'CANCELED';
  /** The task's output; `{}` for none. */
  readonly output: Record<string, unknown>;
  /** Milliseconds the task takes (virtual time). */
  readonly executionTime?: number;
  /** Milliseconds before a worker picks it up (virtual time). */
  readonly queueWaitTime?: number;
}

/**
 * Mocks by the exact task reference name, consumed in order: `ref`, or `ref__2` for a task's
 * second loop iteration (the server matches no other way). A workflow's mocks serve its own tasks
 * only; a sub-workflow's come from {@link SubWorkflowMocks}.
 */
export type TaskMocks = Readonly<Record<string, readonly TaskMock[]>>;

/**
 * Mocks for the child workflow a SUB_WORKFLOW task starts: the server's `subWorkflowTestRequest`
 * entry for that task's reference (a nested WorkflowTestRequest of which the server reads only these two fields).
 */
export interface SubWorkflowMocks {
  /** Mocked results of the child's own tasks, by their references. */
  readonly taskRefToMockOutput?: TaskMocks;
  /** Mocks for the child's own SUB_WORKFLOW tasks, by their references. */
  readonly subWorkflowTestRequest?: Readonly<Record<string, SubWorkflowMocks>>;
}

/** The task a worker receives, in the shape of the SDK's `Task`. */
export interface WorkerTask {
  readonly taskId: string;
  readonly taskType: string;
  readonly taskDefName: string;
  readonly referenceTaskName: string;
  readonly workflowInstanceId: string;
  readonly workflowType: string;
  readonly inputData: Record<string, unknown>;
  readonly retryCount: number;
  readonly pollCount: number;
  readonly callbackAfterSeconds?: number;
}

/** A record of one task attempt in a run. */
export interface TaskRun {
  readonly taskId: string;
  /** Reference name, with `__<iteration>` inside loops. */
  readonly referenceTaskName: string;
  readonly taskType: string;
  readonly taskDefName: string;
  status: TaskRunStatus;
  inputData: Record<string, unknown>;
  outputData: Record<string, unknown>;
  /** 0 for the first attempt. */
  readonly retryCount: number;
  /** Loop iteration (0 outside loops). */
  readonly iteration: number;
  /** Order in which tasks were scheduled, from 1. */
  readonly seq: number;
  reasonForIncompletion?: string | undefined;
  scheduledTime: number;
  /** When the first attempt of this task was scheduled: `totalTimeoutSeconds` counts from it. */
  readonly firstScheduledTime: number;
  /** Seconds after scheduledTime before it may start (a retry's delay); a worker polls it only then. */
  callbackAfterSeconds: number;
  startTime: number;
  endTime: number;
  pollCount: number;
  /** The definition this task was scheduled from. */
  readonly workflowTask: WorkflowTask;
  /** The domain a worker task was queued in (its workflow's `taskToDomain`); undefined: the default queue. */
  domain?: string | undefined;
  /** Child workflow id of a SUB_WORKFLOW task. */
  subWorkflowId?: string | undefined;
  logs: string[];
}

/** One entry of a run's event log, in order. */
export interface RunEvent {
  /** When it happened: epoch milliseconds on the run's clock (virtual in `run()`: it starts at 2026-01-01T00:00:00Z unless `clock` says otherwise). */
  readonly time: number;
  readonly type:
    | 'workflow.started'
    | 'workflow.completed'
    | 'workflow.failed'
    | 'workflow.timed_out'
    | 'workflow.terminated'
    | 'task.scheduled'
    | 'task.started'
    | 'task.completed'
    | 'task.failed'
    | 'task.retry_scheduled';
  readonly workflowId: string;
  readonly ref?: string;
  readonly status?: string;
  readonly detail?: string;
}
