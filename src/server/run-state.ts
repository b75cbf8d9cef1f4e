import type { TaskOutcome } from '../runner/types.ts';

/**
 * What the dev server keeps beside the engine's `TaskRun`: the fields of the server's `TaskModel`
 * the runner has no use for. Mutable; one record per task id.
 */
export interface TaskState {
  /** The worker that polled or updated it last (`TaskResult.workerId`; absent when the update gave none). */
  workerId?: string | undefined;
  /** The `callbackAfterSeconds` of the last update. */
  callbackAfterSeconds: number;
  /** Epoch ms before which no poll gets the task: an IN_PROGRESS update postpones it by its callback. */
  visibleAt: number;
  /**
   * An IN_PROGRESS task put back in its queue by `POST /api/tasks/queue/requeue/{taskType}`: the
   * next poll hands it out again (pollCount + 1), as the server does.
   */
  requeued: boolean;
  /** The domain it was queued in (from the workflow's `taskToDomain`); undefined: the default queue. */
  domain?: string | undefined;
  /** Epoch ms of the last poll or update; 0 until the first (the server answers 0 for a task only scheduled). */
  updateTime: number;
  /** An API retry (the server's `taskToBeRescheduled`) marks the old attempt executed. */
  executedByRetry: boolean;
  /** Recorded by `PUT /api/workflow/{id}/skiptask/{ref}` (the server's odd SKIPPED task: seq 0, no task definition). */
  skippedByApi: boolean;
  /** Its execution log (`TaskExecLog`): lines from results, `POST /api/tasks/{id}/log`, and the server's own notes. */
  readonly logs: { readonly log: string; readonly createdTime: number }[];
  /** A result posted while the workflow was PAUSED: recorded at once, acted on at resume. */
  deferred?: { readonly status: TaskOutcome['status']; readonly output: Record<string, unknown>; readonly reason: string | undefined } | undefined;
}

/** What the dev server keeps beside the engine's `Execution`, as the server's `WorkflowModel` has it. */
export interface WorkflowState {
  /** `taskToDomain` of the start request: task type (or `*`) → comma-separated domains. */
  readonly taskToDomain: Readonly<Record<string, string>>;
  /** Epoch ms of the last retry, resume, or reopening by a child; 0 before. */
  lastRetriedTime: number;
  /**
   * The failed tasks' references and names as the server records them when the workflow ends;
   * kept by a retry, cleared by a rerun, a restart or a child that reopens it.
   */
  failed?: { readonly refs: readonly string[]; readonly names: readonly string[] } | undefined;
}

/** A fresh {@link TaskState}. */
export function newTaskState(domain: string | undefined): TaskState {
  return { callbackAfterSeconds: 0, visibleAt: 0, requeued: false, domain, updateTime: 0, executedByRetry: false, skippedByApi: false, logs: [] };
}
