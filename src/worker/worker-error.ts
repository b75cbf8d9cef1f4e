/** What went wrong when starting workers. */
export type WorkerErrorCode =
  /** `runWorkers()` options are missing or malformed. */
  | 'INVALID_OPTIONS'
  /** Environment variables are missing or malformed (`parseWorkerEnv`). */
  | 'INVALID_ENV'
  /** A CONDUCTOR_* variable in the environment would override an option (the SDK prefers them). */
  | 'ENV_CONFLICT'
  /** The health server could not listen. */
  | 'HEALTH_SERVER'
  /** The SDK client could not be built (e.g. the Orkes token request failed). */
  | 'CONNECT';

/** One problem: where (`path`, an option or variable name) and what to do about it. */
export interface WorkerProblem {
  readonly path: string;
  readonly message: string;
}

/**
 * A worker process cannot start: a code, every problem found (not just the first), and the
 * cause when another error led to it. The message lists the problems one per line.
 */
export class WorkerError extends Error {
  readonly code: WorkerErrorCode;
  readonly problems: readonly WorkerProblem[];

  constructor(code: WorkerErrorCode, headline: string, problems: readonly WorkerProblem[] = [], options?: { cause?: unknown }) {
    super([headline, ...problems.map((p) => `  ${p.path}: ${p.message}`)].join('\n'), options);
    this.name = 'WorkerError';
    this.code = code;
    this.problems = problems;
  }
}
