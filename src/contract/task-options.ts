/** Retry strategies Conductor applies between attempts of a failed task. */
export type RetryLogic = 'FIXED' | 'LINEAR_BACKOFF' | 'EXPONENTIAL_BACKOFF';

/** What Conductor does when a task times out. */
export type TaskTimeoutPolicy = 'RETRY' | 'TIME_OUT_WF' | 'ALERT_ONLY';

/**
 * The TaskDef fields a task contract may set; anything left out takes {@link TASK_DEFAULTS}, but
 * `ownerEmail`, which the toolkit has no default for: the project gives it (see `projectDefaults`).
 */
export interface TaskOptions {
  /** Attempts after the first one. @default 2 */
  readonly retryCount?: number;
  /** @default 'EXPONENTIAL_BACKOFF' */
  readonly retryLogic?: RetryLogic;
  /** Base delay before a retry. @default 10 */
  readonly retryDelaySeconds?: number;
  /** Multiplier for LINEAR_BACKOFF. @default 1 */
  readonly backoffScaleFactor?: number;
  /**
   * Time one attempt may take from start to finish; 0 means no limit. @default 600, or less when
   * `totalTimeoutSeconds` is less, or `responseTimeoutSeconds` when that is more (see {@link withDefaults}).
   */
  readonly timeoutSeconds?: number;
  /**
   * Time a worker may stay silent on an IN_PROGRESS task; at most timeoutSeconds. @default 600, or
   * `timeoutSeconds` when that is less (see {@link withDefaults}).
   */
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
  /**
   * Team that owns the task. No default here: left out, the task definition has none, which the
   * server as shipped accepts and `gen` refuses; a project sets it once with `projectDefaults`.
   */
  readonly ownerEmail?: string;
}

/**
 * The options of a contract as it holds them: every TaskDef setting, defaults filled in, and its
 * owner when it has one.
 */
export type ContractOptions = Required<Omit<TaskOptions, 'ownerEmail'>> & Pick<TaskOptions, 'ownerEmail'>;

/**
 * The toolkit's defaults for every TaskDef setting but the owner, set once here so that no task
 * silently runs on the ad-hoc defaults the Conductor server invents for unregistered tasks (3
 * retries, 60 s apart, a one-hour response timeout). The owner is the project's to give.
 */
export const TASK_DEFAULTS: Required<Omit<TaskOptions, 'ownerEmail'>> = {
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
};

/** The toolkit's defaults for workflow-level settings (the owner is the project's to give). */
export const WORKFLOW_DEFAULTS = {
  timeoutSeconds: 3600,
  timeoutPolicy: 'TIME_OUT_WF',
  restartable: true,
} as const;

/**
 * A contract's options with the toolkit's defaults filled in for what it leaves out. The timeout
 * defaults follow the timeouts the contract sets, so that no default contradicts them: the server
 * refuses `responseTimeoutSeconds` above `timeoutSeconds`, and we refuse `timeoutSeconds` above
 * `totalTimeoutSeconds`. Left out, `responseTimeoutSeconds` is at most `timeoutSeconds`
 * (`timeoutSeconds: 300` alone gives `responseTimeoutSeconds: 300`, not 600), and `timeoutSeconds`
 * is at most `totalTimeoutSeconds` and at least `responseTimeoutSeconds`. Values the contract sets
 * are kept as they are, contradictions included (`defineTask` reports those).
 *
 * @example withDefaults({ timeoutSeconds: 300 }).responseTimeoutSeconds // 300
 */
export function withDefaults(given: TaskOptions): ContractOptions {
  const set = Object.fromEntries(Object.entries(given).filter(([, value]) => value !== undefined)) as TaskOptions;
  const total = set.totalTimeoutSeconds ?? TASK_DEFAULTS.totalTimeoutSeconds;
  const capped = total > 0 ? Math.min(TASK_DEFAULTS.timeoutSeconds, total) : TASK_DEFAULTS.timeoutSeconds;
  const timeoutSeconds = set.timeoutSeconds ?? Math.max(capped, set.responseTimeoutSeconds ?? 0);
  const responseTimeoutSeconds = set.responseTimeoutSeconds ?? (timeoutSeconds > 0 ? Math.min(TASK_DEFAULTS.responseTimeoutSeconds, timeoutSeconds) : TASK_DEFAULTS.responseTimeoutSeconds);
  return { ...TASK_DEFAULTS, ...set, timeoutSeconds, responseTimeoutSeconds };
}

/** The digits in order: a digit is greater than another when it comes after it here. */
export type DigitOrder = '0123456789';
/** Whether digit `A` is greater than digit `B`. */
export type DigitGreater<A extends string, B extends string> = DigitOrder extends `${string}${B}${string}${A}${string}` ? true : false;
/** A tuple as long as `S`, to compare lengths. */
export type LengthOf<S extends string, Acc extends unknown[] = []> = S extends `${string}${infer R}` ? LengthOf<R, [...Acc, 0]> : Acc;
/** Whether the digit string `A` is greater than `B`, both as long. */
export type SameLengthGreater<A extends string, B extends string> = A extends `${infer A0}${infer AR}`
  ? B extends `${infer B0}${infer BR}`
    ? A0 extends B0
      ? SameLengthGreater<AR, BR>
      : DigitGreater<A0, B0>
    : false
  : false;
/** Whether the digit string `A` is greater than `B`. */
export type DigitsGreater<A extends string, B extends string> = LengthOf<A> extends [...LengthOf<B>, 0, ...unknown[]]
  ? true
  : LengthOf<B> extends [...LengthOf<A>, 0, ...unknown[]]
    ? false
    : SameLengthGreater<A, B>;

/**
 * Whether `A` is greater than `B`, for number literals that are whole and not negative (what
 * timeouts are); `false` when either is not such a literal (a `number`, `1.5`, `-1`), so only a
 * contradiction that is certain is reported.
 */
export type IsGreater<A, B> = [A, B] extends [number, number]
  ? number extends A
    ? false
    : number extends B
      ? false
      : `${A & number}` extends `${string}${'.' | '-' | 'e'}${string}`
        ? false
        : `${B & number}` extends `${string}${'.' | '-' | 'e'}${string}`
          ? false
          : DigitsGreater<`${A & number}`, `${B & number}`>
  : false;

/**
 * The timeout options of a contract spec `S` as `tsc` checks them: where both values are written
 * as literals and contradict each other, the field becomes an error naming both (the server
 * refuses `responseTimeoutSeconds` above `timeoutSeconds`; we refuse `timeoutSeconds` above
 * `totalTimeoutSeconds`). What is left out takes defaults that follow (see {@link withDefaults}),
 * so only values written together are compared; `defineTask` checks the rest when it runs.
 */
export type CheckedTimeouts<S> = {
  readonly responseTimeoutSeconds?: S extends { readonly responseTimeoutSeconds: infer R; readonly timeoutSeconds: infer T }
    ? T extends 0
      ? number
      : IsGreater<R, T> extends true
        ? `error: responseTimeoutSeconds ${R & number} is more than timeoutSeconds ${T & number}, which the server refuses; lower it, or raise timeoutSeconds`
        : number
    : number;
  readonly timeoutSeconds?: S extends { readonly timeoutSeconds: infer T; readonly totalTimeoutSeconds: infer L }
    ? L extends 0
      ? number
      : IsGreater<T, L> extends true
        ? `error: timeoutSeconds ${T & number} is more than totalTimeoutSeconds ${L & number}, so one attempt could outlast all of them; lower it, or raise totalTimeoutSeconds`
        : number
    : number;
};
