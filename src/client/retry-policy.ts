/**
 * The one retry policy of every request the CLI sends to a Conductor server (register, diff,
 * learn-defaults). The SDK's own retry layer is bypassed (see server-client.ts), so these are the
 * only retries: a refused connection is reported after 3 attempts in about 0.6 s, and a server
 * answering 429 receives 3 requests per call, never more.
 */
export interface RetryPolicy {
  /** Attempts per request, the first one included. @default 3 */
  readonly attempts: number;
  /** Wait before the first retry, in ms; doubled before each next one. @default 200 */
  readonly baseDelayMs: number;
  /**
   * Longest wait, in ms, that a `Retry-After` header may ask for: a longer one ends the request at
   * once (the command tells you to run again later) instead of sleeping. @default 5000
   */
  readonly maxDelayMs: number;
}

/** The policy in force: 3 attempts, 200 ms then 400 ms apart, `Retry-After` honoured up to 5 s. */
export const RETRY_POLICY: RetryPolicy = { attempts: 3, baseDelayMs: 200, maxDelayMs: 5000 };

/**
 * Answers worth another attempt: 429 (rate limited) and the gateway faults 502, 503, 504. Not 500:
 * conductor-oss 3.32.3 answers 500 to a body it cannot deserialize, which no retry fixes.
 */
export const RETRIED_STATUSES: ReadonlySet<number> = new Set([429, 502, 503, 504]);

/**
 * Connection faults worth another attempt (Node's `error.cause.code`): refused, reset or dropped
 * by the other side. Not a timeout (the request already used its time limit) nor a failed DNS
 * lookup (a wrong host name does not fix itself).
 */
export const RETRIED_CONNECTION_ERRORS: ReadonlySet<string> = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET']);

/** What to do after a failed attempt: wait `delayMs` and try again, or stop and say why. */
export type RetryDecision = { readonly retry: true; readonly delayMs: number } | { readonly retry: false; readonly why: string };

/**
 * The wait a `Retry-After` header asks for, in ms: delta-seconds (`120`) or an HTTP date
 * (RFC 9110 §10.2.3), relative to `nowMs`; undefined when absent or unreadable.
 */
export function retryAfterMs(header: string | null, nowMs: number): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

/**
 * Decides after attempt number `attempt` (1-based) that failed with a retried status or
 * connection fault: wait `baseDelayMs * 2^(attempt-1)`, or what `Retry-After` asks when the
 * server sent one (up to `maxDelayMs`), or stop when the attempts are used up or the server asks
 * for a longer wait than the policy allows.
 */
export function decideRetry(policy: RetryPolicy, attempt: number, retryAfter: number | undefined): RetryDecision {
  if (attempt >= policy.attempts) return { retry: false, why: `${policy.attempts} attempts made` };
  if (retryAfter !== undefined && retryAfter > policy.maxDelayMs) {
    return { retry: false, why: `the server asked to wait ${Math.ceil(retryAfter / 1000)} s (Retry-After), longer than the ${policy.maxDelayMs / 1000} s this command waits; run it again later` };
  }
  return { retry: true, delayMs: retryAfter ?? policy.baseDelayMs * 2 ** (attempt - 1) };
}
