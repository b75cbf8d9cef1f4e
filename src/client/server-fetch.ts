import { decideRetry, RETRIED_CONNECTION_ERRORS, RETRIED_STATUSES, RETRY_POLICY, retryAfterMs, type RetryPolicy } from './retry-policy.ts';
import { ServerError } from './server-error.ts';

/** Options of {@link createServerFetch}. */
export interface ServerFetchOptions {
  /** The only origin requests may go to (`http://host:port`): the server the user named. */
  readonly origin: string;
  /** Time limit of each attempt, in ms. */
  readonly timeoutMs: number;
  /** @default RETRY_POLICY */
  readonly policy?: RetryPolicy;
  /** Waits between attempts; tests pass a fake clock. @default setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
  /** The current time in ms, for `Retry-After` dates. @default Date.now */
  readonly now?: () => number;
  /** The fetch underneath. @default globalThis.fetch */
  readonly fetch?: typeof globalThis.fetch;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function connectionFault(error: unknown): { code: string | undefined; text: string } {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } } | undefined)?.cause;
  const code = typeof cause?.code === 'string' ? cause.code : undefined;
  const text = code ?? (typeof cause?.message === 'string' ? cause.message : error instanceof Error ? error.message : String(error));
  return { code, text };
}

/**
 * The transport under the SDK client: Node's fetch with the single {@link RETRY_POLICY}, a time
 * limit per attempt, redirects refused (a redirect would send the request, credentials included,
 * to a server nobody named) and requests to any other origin refused before they leave. Once a
 * request has given up (timeout, connection fault or retried status outliving the policy), later
 * requests through the same fetch are not sent: the server is taken as down for this command.
 * Returns the first answer that is not retried (the caller checks its shape); throws a
 * {@link ServerError} for a timeout, a connection fault that outlived the retries, or a retried
 * status the policy gave up on.
 */
export function createServerFetch(options: ServerFetchOptions): (request: Request) => Promise<Response> {
  const policy = options.policy ?? RETRY_POLICY;
  const sleep = options.sleep ?? realSleep;
  const now = options.now ?? Date.now;
  const send = options.fetch ?? globalThis.fetch;
  let gaveUp: ServerError | undefined;
  const giveUp = (error: ServerError): ServerError => {
    gaveUp ??= error;
    return error;
  };
  return async (request) => {
    const url = new URL(request.url);
    const what = `${request.method} ${url.pathname}`;
    if (url.origin !== options.origin) {
      throw new ServerError(`refusing to send ${what} to ${url.origin}: the server named is ${options.origin}.`, undefined);
    }
    if (gaveUp !== undefined) throw new ServerError(`${what}: not sent, an earlier request gave up: ${gaveUp.message}`, gaveUp.status);
    for (let attempt = 1; ; attempt++) {
      let response: Response;
      try {
        response = await send(request.clone(), { redirect: 'manual', signal: AbortSignal.timeout(options.timeoutMs) });
      } catch (error) {
        if ((error as Error | undefined)?.name === 'TimeoutError') {
          throw giveUp(new ServerError(`${what}: ${options.origin} did not answer within ${options.timeoutMs / 1000} s (--timeout); check the server, or raise --timeout.`, undefined));
        }
        const fault = connectionFault(error);
        const decision = fault.code !== undefined && RETRIED_CONNECTION_ERRORS.has(fault.code) ? decideRetry(policy, attempt, undefined) : ({ retry: false, why: 'not retried' } as const);
        if (!decision.retry) {
          throw giveUp(new ServerError(`${what}: cannot reach ${options.origin} (${fault.text}; ${decision.why}); check that the server is up and reachable, then run again.`, undefined));
        }
        await sleep(decision.delayMs);
        continue;
      }
      if (!RETRIED_STATUSES.has(response.status)) return response;
      const decision = decideRetry(policy, attempt, retryAfterMs(response.headers.get('retry-after'), now()));
      await response.body?.cancel();
      if (!decision.retry) {
        throw giveUp(new ServerError(`${what}: ${options.origin} answered HTTP ${response.status} (${decision.why}); it is overloaded, rate-limiting or restarting: run again later.`, response.status));
      }
      await sleep(decision.delayMs);
    }
  };
}
