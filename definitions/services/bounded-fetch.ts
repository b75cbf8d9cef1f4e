/** Why {@link fetchBounded} refused an answer. */
export type BoundedFetchRefusal = 'redirect' | 'too_large';

/** An HTTP answer {@link fetchBounded} refused: a redirect (never followed) or a body past its byte limit. */
export class BoundedFetchError extends Error {
  constructor(
    readonly refusal: BoundedFetchRefusal,
    readonly url: string,
    message: string,
    /** Body bytes read before refusing. */
    readonly bytesRead: number,
  ) {
    super(message);
    this.name = 'BoundedFetchError';
  }
}

/** An answer read whole, within its limit. */
export interface BoundedAnswer {
  readonly status: number;
  readonly ok: boolean;
  readonly headers: Headers;
  readonly body: Uint8Array;
}

/**
 * `fetch(url, init)` with two bounds. Redirects are not followed (`redirect: 'manual'`): a 3xx
 * answer throws a {@link BoundedFetchError} naming where it pointed, so a device or a sample
 * server cannot send the worker to another host. The body is streamed and counted: a declared
 * `content-length` above `maxBytes`, or the first chunk that takes the count past it, aborts the
 * request, so at most `maxBytes` plus one chunk is ever read, whatever the server sends.
 * Network errors and aborts of `init.signal` are thrown as fetch throws them.
 */
export async function fetchBounded(doFetch: typeof fetch, url: string, init: RequestInit, maxBytes: number): Promise<BoundedAnswer> {
  const stop = new AbortController();
  const signal = init.signal ? AbortSignal.any([stop.signal, init.signal]) : stop.signal;
  const response = await doFetch(url, { ...init, redirect: 'manual', signal });
  const refuse = (refusal: BoundedFetchRefusal, message: string, bytesRead: number): never => {
    stop.abort();
    throw new BoundedFetchError(refusal, url, message, bytesRead);
  };
  if (response.status >= 300 && response.status < 400) {
    const location = response.headers.get('location');
    refuse('redirect', `answered HTTP ${response.status} redirecting to ${location === null ? '(no Location)' : JSON.stringify(location)}; redirects are not followed: use the final address`, 0);
  }
  const declared = Number(response.headers.get('content-length') ?? 'NaN');
  if (declared > maxBytes) refuse('too_large', `answer declares ${declared} bytes, more than the ${maxBytes} allowed; nothing was read`, 0);
  const chunks: Uint8Array[] = [];
  let total = 0;
  if (response.body !== null) {
    const reader = response.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > maxBytes) {
        await reader.cancel().catch(() => {});
        refuse('too_large', `answer is more than the ${maxBytes} bytes allowed; stopped reading after ${total}`, total);
      }
      chunks.push(value);
    }
  }
  const body = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    body.set(chunk, at);
    at += chunk.byteLength;
  }
  return { status: response.status, ok: response.ok, headers: response.headers, body };
}
