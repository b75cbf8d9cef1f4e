import { describe, expect, it } from 'vitest';
import { Redactor } from '../../src/client/redactor.ts';
import { describeAnswer } from '../../src/client/server-answer.ts';
import { ServerError } from '../../src/client/server-error.ts';
import { createServerFetch } from '../../src/client/server-fetch.ts';
import { decideRetry, RETRY_POLICY, retryAfterMs } from '../../src/client/retry-policy.ts';

const ORIGIN = 'http://conductor.test:8080';

/** A fake transport answering from a script, and a fake clock that records every wait. */
function scripted(answers: (() => Response | Promise<Response>)[]) {
  const sent: { url: string; redirect: RequestRedirect | undefined }[] = [];
  const waits: number[] = [];
  let clock = Date.parse('2026-12-01T03:00:00Z');
  const fetch = (async (input: Request, init?: RequestInit) => {
    sent.push({ url: input.url, redirect: init?.redirect });
    const next = answers.shift();
    if (next === undefined) throw new Error('no more answers scripted');
    return next();
  }) as typeof globalThis.fetch;
  const transport = createServerFetch({
    origin: ORIGIN,
    timeoutMs: 1000,
    fetch,
    now: () => clock,
    sleep: async (ms) => {
      waits.push(ms);
      clock += ms;
    },
  });
  return { transport, sent, waits };
}

const refused = () => Promise.reject(Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) }));
const status = (code: number, headers: Record<string, string> = {}) => () => new Response(null, { status: code, headers });
const get = (path = '/api/metadata/taskdefs/x') => new Request(`${ORIGIN}${path}`);

describe('the retry policy', () => {
  it('is 3 attempts, 200 ms then 400 ms apart, Retry-After honoured up to 5 s', () => {
    expect(RETRY_POLICY).toEqual({ attempts: 3, baseDelayMs: 200, maxDelayMs: 5000 });
    expect(decideRetry(RETRY_POLICY, 1, undefined)).toEqual({ retry: true, delayMs: 200 });
    expect(decideRetry(RETRY_POLICY, 2, undefined)).toEqual({ retry: true, delayMs: 400 });
    expect(decideRetry(RETRY_POLICY, 3, undefined)).toEqual({ retry: false, why: '3 attempts made' });
    expect(decideRetry(RETRY_POLICY, 1, 3000)).toEqual({ retry: true, delayMs: 3000 });
    expect(decideRetry(RETRY_POLICY, 1, 5001)).toMatchObject({ retry: false, why: expect.stringContaining('asked to wait 6 s (Retry-After)') });
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('2026-12-01T03:00:00Z');
    expect(retryAfterMs('2', now)).toBe(2000);
    expect(retryAfterMs('Tue, 01 Dec 2026 03:00:04 GMT', now)).toBe(4000);
    expect(retryAfterMs('Tue, 01 Dec 2026 02:00:00 GMT', now)).toBe(0);
    expect(retryAfterMs('soon', now)).toBeUndefined();
    expect(retryAfterMs(null, now)).toBeUndefined();
  });
});

describe('createServerFetch', () => {
  it('a refused connection: 3 attempts, waits of 200 and 400 ms, then a ServerError naming the fault', async () => {
    const { transport, sent, waits } = scripted([refused, refused, refused]);
    const error = await transport(get()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServerError);
    expect((error as Error).message).toBe(`GET /api/metadata/taskdefs/x: cannot reach ${ORIGIN} (ECONNREFUSED; 3 attempts made); check that the server is up and reachable, then run again.`);
    expect(sent).toHaveLength(3);
    expect(waits).toEqual([200, 400]);
  });

  it('429 with Retry-After: 1 waits 1 s, and the answer after it is returned', async () => {
    const { transport, sent, waits } = scripted([status(429, { 'retry-after': '1' }), status(200)]);
    expect((await transport(get())).status).toBe(200);
    expect(sent).toHaveLength(2);
    expect(waits).toEqual([1000]);
  });

  it('503, 502, 504 and 429 are retried; 500, 400 and 404 are returned at once', async () => {
    for (const code of [503, 502, 504, 429]) {
      const { transport, sent } = scripted([status(code), status(204)]);
      expect((await transport(get())).status).toBe(204);
      expect(sent).toHaveLength(2);
    }
    for (const code of [500, 400, 404]) {
      const { transport, sent } = scripted([status(code)]);
      expect((await transport(get())).status).toBe(code);
      expect(sent).toHaveLength(1);
    }
  });

  it('after a request gives up, later ones are not sent', async () => {
    const { transport, sent } = scripted([status(429), status(429), status(429)]);
    await expect(transport(get())).rejects.toThrow('answered HTTP 429 (3 attempts made)');
    await expect(transport(get('/api/metadata/taskdefs/y'))).rejects.toThrow('GET /api/metadata/taskdefs/y: not sent, an earlier request gave up: GET /api/metadata/taskdefs/x:');
    expect(sent).toHaveLength(3);
  });

  it('redirects are not followed, and no request leaves for another origin', async () => {
    const { transport, sent } = scripted([status(302, { location: 'http://elsewhere.test/' })]);
    expect((await transport(get())).status).toBe(302);
    expect(sent[0]?.redirect).toBe('manual');
    await expect(transport(new Request('http://elsewhere.test/api/token'))).rejects.toThrow(`refusing to send GET /api/token to http://elsewhere.test: the server named is ${ORIGIN}.`);
    expect(sent).toHaveLength(1);
  });

  it('a timeout is not retried: one attempt, a message naming --timeout', async () => {
    const { transport, sent } = scripted([() => Promise.reject(new DOMException('The operation was aborted due to timeout', 'TimeoutError'))]);
    await expect(transport(get())).rejects.toThrow(`GET /api/metadata/taskdefs/x: ${ORIGIN} did not answer within 1 s (--timeout); check the server, or raise --timeout.`);
    expect(sent).toHaveLength(1);
  });
});

describe('secrets in what the server says', () => {
  const secret = 'p@ss"word/\\9f8e7d';
  const redactor = new Redactor().add(secret);

  it('are redacted raw, JSON-escaped to any depth and URL-encoded', () => {
    const echoed = JSON.stringify({ message: JSON.stringify({ keySecret: secret }) });
    expect(redactor.redact(`${secret} ${echoed} ${encodeURIComponent(secret)}`)).toBe('[redacted] {"message":"{\\"keySecret\\":\\"[redacted]\\"}"} [redacted]');
  });

  it('are redacted before an answer is cut short, so no part of one shows', () => {
    const text = `${'x'.repeat(110)}${secret}${'y'.repeat(50)}`;
    const shown = describeAnswer({ status: 500, contentType: 'text/plain', text }, redactor);
    expect(shown).toBe(`HTTP 500 text/plain, starting "${'x'.repeat(110)}[redacted]…"`);
    expect(shown).not.toContain(secret.slice(0, 4));
  });
});
