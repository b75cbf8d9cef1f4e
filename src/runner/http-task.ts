/** HTTP as conductor-oss 3.32.3 runs it (`HttpTask`, Spring's RestTemplate). */
import { message, type SystemTask } from './system-task.ts';

/** What the task ended with: its status, output and reason. */
interface HttpOutcome {
  readonly ok: boolean;
  readonly output: Record<string, unknown>;
  readonly reason?: string;
}

/** A 2xx body as `HttpTask.extractBody` reads it: JSON lists and maps as they are, numbers as numbers, anything else as text. */
function bodyOf(text: string): unknown {
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' || typeof parsed === 'number' ? parsed : String(parsed);
  } catch {
    return text;
  }
}

/**
 * One call, as HttpTask makes it: `contentType` and `accept` default to application/json, the
 * connection and read timeouts to 3000 ms each. A 2xx answer completes the task with
 * `{ response: { statusCode, reasonPhrase, headers, body } }` (header names as the target sent
 * them, each with a list of values); anything else fails it with
 * `Failed to invoke HTTP task due to: java.lang.Exception: <status> <reason>: "<body>"` and that
 * text as `response`.
 */
async function call(request: Record<string, unknown>): Promise<HttpOutcome> {
  const uri = request['uri'];
  const method = request['method'];
  if (typeof uri !== 'string') return { ok: false, output: {}, reason: 'Missing HTTP URI.  See documentation for HttpTask for required input parameters' };
  if (typeof method !== 'string') return { ok: false, output: {}, reason: 'No HTTP method specified' };
  const headers: Record<string, string> = {};
  for (const [key, value] of Object.entries((request['headers'] as Record<string, unknown> | undefined) ?? {})) if (value !== null && value !== undefined) headers[key] = String(value);
  headers['Content-Type'] ??= String(request['contentType'] ?? 'application/json');
  headers['Accept'] ??= Array.isArray(request['accept']) ? request['accept'].join(', ') : String(request['accept'] ?? 'application/json');
  const body = request['body'];
  const timeoutMs = Number(request['connectionTimeOut'] ?? 3000) + Number(request['readTimeOut'] ?? 3000);
  const failure = (text: string): HttpOutcome => ({ ok: false, output: { response: `java.lang.Exception: ${text}` }, reason: `Failed to invoke HTTP task due to: java.lang.Exception: ${text}` });
  let response: Response;
  try {
    response = await fetch(uri, {
      method: method.toUpperCase(),
      headers,
      signal: AbortSignal.timeout(timeoutMs),
      ...(body !== undefined && body !== null && !['GET', 'HEAD'].includes(method.toUpperCase()) && { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
  } catch (e) {
    const cause = (e as { cause?: { code?: string } }).cause?.code;
    const why = cause === 'ECONNREFUSED' ? 'Connection refused' : (e as Error).name === 'TimeoutError' ? 'Read timed out' : message(e);
    return failure(`I/O error on ${method.toUpperCase()} request for "${uri}": ${why}`);
  }
  const text = await response.text();
  if (response.status < 200 || response.status > 299) return failure(`${response.status} ${response.statusText}: ${text === '' ? '[no body]' : `"${text}"`}`);
  const responseHeaders: Record<string, string[]> = {};
  // Header names as the target sent them (fetch lower-cases them; the raw pairs keep the case).
  const raw = (response.headers as unknown as { raw?: () => Record<string, string[]> }).raw?.();
  if (raw !== undefined) Object.assign(responseHeaders, raw);
  else response.headers.forEach((value, key) => (responseHeaders[key] = [value]));
  return { ok: true, output: { response: { statusCode: response.status, reasonPhrase: response.statusText, headers: responseHeaders, body: text === '' ? null : bodyOf(text) } } };
}

/** HTTP: `http_request` (or the whole input) is the request; the call is real. */
export const HTTP: SystemTask = {
  start(ctx, run) {
    ctx.engine.startRun(ctx.execution, run);
    const request = (run.inputData['http_request'] ?? run.inputData) as Record<string, unknown>;
    ctx.track(
      call(request),
      (outcome) => ctx.finish(run, outcome.ok ? 'COMPLETED' : 'FAILED', outcome.output, outcome.reason),
      (e) => ctx.finish(run, 'FAILED', { response: `java.lang.Exception: ${message(e)}` }, `Failed to invoke HTTP task due to: java.lang.Exception: ${message(e)}`),
    );
  },
};
