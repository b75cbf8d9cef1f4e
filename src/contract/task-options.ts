/** Retry strategies Conductor applies between attempts of a failed task. */
export type RetryLogic = 'FIXED' | 'LINEAR_BACKOFF' | 'EXPONENTIAL_BACKOFF';

/** What Conductor does when a task times out. */
export type TaskTimeoutPolicy = 'RETRY' | 'TIME_OUT_WF' | 'ALERT_ONLY';

/** The TaskDef fields a task contract may set; anything left out takes {@link TASK_DEFAULTS}. */
export interface TaskOptions {
  /** Attempts after the first one. @default 2 */
  readonly retryCount?: number;
  /** @default 'EXPONENTIAL_BACKOFF' */
  readonly retryLogic?: RetryLogic;
  /** Base delay before a retry. @default 10 */
  readonly retryDelaySeconds?: number;
  /** Multiplier for LINEAR_BACKOFF. @default 1 */
  readonly backoffScaleFactor?: number;
  /** Time one attempt may take from start to finish; 0 means no limit. @default 600 */
  readonly timeoutSeconds?: number;
  /** Time a worker may stay silent on an IN_PROGRESS task; at most timeoutSeconds. @default 600 */
  readonly responseTimeoutSeconds?: number;
  /** Time all attempts together may take; 0 means no limit. @default 0 */
  readonly totalTimeoutSeconds?: number;
  /** @default 'TIME_OUT_WF' */
  readonly timeoutPolicy?: TaskTimeoutPolicy;
  /** Time a scheduled task may wait for a worker to poll it; 0 means no limit. @default 3600 */
  readonly pollTimeoutSeconds?: number;
  /** Executions allowed per frequency window; 0 means no limit. @default 0 */
  readonly rateLimitPerFrequency?: number;
  /** The rate-limit window. @default 1 */
  readonly rateLimitFrequencyInSeconds?: number;
  /** Executions allowed at once across all workers; 0 means no limit. @default 0 */
  readonly concurrentExecLimit?: number;
  /** Team that owns the task. @default 'build-system@k1.reinvented' */
  readonly ownerEmail?: string;
}

/**
 * The project's defaults for every TaskDef field, set once here so that no task silently runs on
 * the ad-hoc defaults the Conductor server invents for unregistered tasks (3 retries, 60 s apart,
 * a one-hour response timeout).
 */
export const TASK_DEFAULTS: Required<TaskOptions> = {
  retryCount: 2,
  retryLogic: 'EXPONENTIAL_BACKOFF',
  retryDelaySeconds: 10,
  backoffScaleFactor: 1,
  timeoutSeconds: 600,
  responseTimeoutSeconds: 600,
  totalTimeoutSeconds: 0,
  timeoutPolicy: 'TIME_OUT_WF',
  pollTimeoutSeconds: 3600,
  rateLimitPerFrequency: 0,
  rateLimitFrequencyInSeconds: 1,
  concurrentExecLimit: 0,
  ownerEmail: 'build-system@k1.reinvented',
};

/** Project defaults for workflow-level settings. */
export const WORKFLOW_DEFAULTS = {
  ownerEmail: TASK_DEFAULTS.ownerEmail,
  timeoutSeconds: 3600,
  timeoutPolicy: 'TIME_OUT_WF',
  restartable: true,
} as const;
