/** How often the Conductor server is probed while the worker runs. */
const PROBE_INTERVAL_MS = 5_000;
/** How long one probe may take. */
const PROBE_TIMEOUT_MS = 2_000;
/** A last success older than this no longer counts as reachable. */
const STALE_AFTER_MS = 15_000;

/** What the worker last heard from the Conductor server. */
export interface ContactState {
  /** True when the last exchange (poll or probe) succeeded, recently enough. */
  readonly reachable: boolean;
  /** `Date.now()` of the last successful exchange; 0 before the first. */
  readonly lastSuccessAt: number;
  /** Why the last failed exchange failed, when it is the most recent one. */
  readonly problem?: string;
}

/**
 * Keeps track of whether the Conductor server answers: every batch poll counts (success or
 * failure), and a cheap `GET /health` every 5 s covers the time no poll goes out (every slot
 * busy with a long task). Any answer below 500 counts: the server is there, even when a path is
 * unknown to it (Conductor OSS and the dev server answer `/health`; other servers may 404).
 */
export class ServerContact {
  private lastSuccessAt = 0;
  private lastFailureAt = 0;
  private problem: string | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly serverUrl: string) {}

  /** An exchange with the server succeeded. */
  succeeded(): void {
    this.lastSuccessAt = Date.now();
  }

  /** An exchange with the server failed, for `reason`. */
  failed(reason: string): void {
    this.lastFailureAt = Date.now();
    this.problem = reason;
  }

  /** Probes once (awaitable, for the state at start), then every 5 s until {@link stop}. */
  async start(): Promise<void> {
    await this.probe();
    this.timer = setInterval(() => void this.probe(), PROBE_INTERVAL_MS);
    this.timer.unref();
  }

  /** Stops probing. */
  stop(): void {
    clearInterval(this.timer);
  }

  /** The current state. */
  state(): ContactState {
    const fresh = Date.now() - this.lastSuccessAt < STALE_AFTER_MS;
    const reachable = this.lastSuccessAt > 0 && this.lastSuccessAt >= this.lastFailureAt && fresh;
    if (reachable) return { reachable, lastSuccessAt: this.lastSuccessAt };
    const problem = this.lastFailureAt > this.lastSuccessAt ? this.problem : this.lastSuccessAt === 0 ? 'no answer from the Conductor server yet' : `no answer from the Conductor server for ${Math.round((Date.now() - this.lastSuccessAt) / 1000)} s`;
    return { reachable, lastSuccessAt: this.lastSuccessAt, ...(problem !== undefined && { problem }) };
  }

  private async probe(): Promise<void> {
    try {
      const response = await fetch(`${this.serverUrl}/health`, { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
      await response.body?.cancel();
      if (response.status < 500) this.succeeded();
      else this.failed(`GET /health answered HTTP ${response.status}`);
    } catch (error) {
      this.failed(`GET /health failed: ${describeError(error)}`);
    }
  }
}

/** One line for an error, with its cause's code (ECONNREFUSED ...) when fetch wrapped it. */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) {
    // The SDK's HTTP client throws the parsed error body of a non-2xx answer.
    if (typeof error === 'object' && error !== null) {
      const { message, status } = error as { message?: unknown; status?: unknown };
      if (typeof message === 'string') return typeof status === 'number' ? `HTTP ${status}: ${message}` : message;
      try {
        return JSON.stringify(error).slice(0, 300);
      } catch {
        return 'unknown error';
      }
    }
    return String(error);
  }
  const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
  const code = typeof cause?.code === 'string' ? cause.code : undefined;
  return code !== undefined && !error.message.includes(code) ? `${error.message} (${code})` : error.message;
}
