/** HTTP as conductor-oss 3.32.3 runs it (`HTTPTaskMapper`, `HttpTask`, Spring's RestTemplate). */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { message, type SystemTask } from './system-task.ts';

/** What the task ended with: its status, output and reason. */
interface HttpOutcome {
  readonly ok: boolean;
  readonly output: Record<string, unknown>;
  readonly reason?: string;
}

/** The answer of the target, header names as it sent them. */
interface Answer {
  readonly status: number;
  readonly statusText: string;
  readonly headers: Record<string, string[]>;
  readonly body: string;
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

/** Response headers as Spring's HttpHeaders holds them: each name as the target wrote it, with its values. */
function headersOf(response: IncomingMessage): Record<string, string[]> {
  const headers: Record<string, string[]> = {};
  for (let i = 0; i + 1 < response.rawHeaders.length; i += 2) {
    const name = response.rawHeaders[i] as string;
    (headers[name] ??= []).push(response.rawHeaders[i + 1] as string);
  }
  return headers;
}

/** One request with node's own client (so header names keep their case), failing with Java's wording. */
function send(uri: string, method: string, headers: Record<string, string>, body: string | undefined, connectMs: number, readMs: number): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const url = new URL(uri);
    const request = (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, { method, headers: { ...headers, Connection: 'close' } }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, statusText: response.statusMessage ?? '', headers: headersOf(response), body: Buffer.concat(chunks).toString('utf8') }));
      response.on('error', reject);
    });
    const connectTimer = setTimeout(() => request.destroy(Object.assign(new Error('Connect timed out'), { code: 'CONNECT_TIMEOUT' })), connectMs);
    request.on('socket', (socket) => socket.once('connect', () => clearTimeout(connectTimer)));
    request.setTimeout(readMs, () => request.destroy(Object.assign(new Error('Read timed out'), { code: 'READ_TIMEOUT' })));
    request.on('error', (e) => {
      clearTimeout(connectTimer);
      reject(e);
    });
    request.on('close', () => clearTimeout(connectTimer));
    request.end(body);
  });
}

/** Why the call failed, as Apache HttpClient words it under Spring's `I/O error on ... request for "..."`. */
function ioError(e: unknown, url: URL): string {
  const code = (e as { code?: string }).code;
  const target = `${url.protocol}//${url.host}`;
  if (code === 'ECONNREFUSED') return `Connect to ${target} failed: Connection refused`;
  if (code === 'READ_TIMEOUT') return 'Read timed out';
  if (code === 'CONNECT_TIMEOUT') return `Connect to ${target} failed: Connect timed out`;
  if (code === 'ENOTFOUND') return `${url.hostname}: Name or service not known`;
  return message(e);
}

/**
 * One call, as HttpTask makes it: `contentType` and `accept` default to application/json, the
 * connection and read timeouts to 3000 ms each. A 2xx answer completes the task with
 * `{ response: { statusCode, reasonPhrase, headers, body } }` (header names as the target sent
 * them, each with its values); anything else fails it with `Failed to invoke HTTP task due to:
 * java.lang.Exception: <status> <reason> on <METHOD> request for "<uri>": "<body>"` (or the I/O error) and that text as `response`.
 */
async function call(request: Record<string, unknown>): Promise<HttpOutcome> {
  const uri = request['uri'];
  const method = request['method'];
  if (typeof uri !== 'string') return { ok: false, output: {}, reason: 'Missing HTTP URI.  See documentation for HttpTask for required input parameters' };
  if (typeof method !== 'string') return { ok: false, output: {}, reason: 'No HTTP method specified' };
  const verb = method.toUpperCase();
  const headers: Record<string, string> = {};
  for (const [key, value] of Object.entries((request['headers'] as Record<string, unknown> | undefined) ?? {})) if (value !== null && value !== undefined) headers[key] = String(value);
  headers['Content-Type'] ??= String(request['contentType'] ?? 'application/json');
  headers['Accept'] ??= Array.isArray(request['accept']) ? request['accept'].join(', ') : String(request['accept'] ?? 'application/json');
  const given = request['body'];
  const body = given === undefined || given === null ? undefined : typeof given === 'string' ? given : JSON.stringify(given);
  const failure = (text: string): HttpOutcome => ({ ok: false, output: { response: `java.lang.Exception: ${text}` }, reason: `Failed to invoke HTTP task due to: java.lang.Exception: ${text}` });
  let answer: Answer;
  try {
    answer = await send(uri, verb, headers, body, Number(request['connectionTimeOut'] ?? 3000), Number(request['readTimeOut'] ?? 3000));
  } catch (e) {
    return failure(`I/O error on ${verb} request for "${uri}": ${ioError(e, new URL(uri))}`);
  }
  // Spring 6's RestClientResponseException wording.
  if (answer.status < 200 || answer.status > 299) return failure(`${answer.status} ${answer.statusText} on ${verb} request for "${uri}": ${answer.body === '' ? '[no body]' : `"${answer.body}"`}`);
  return { ok: true, output: { response: { statusCode: answer.status, reasonPhrase: answer.statusText, headers: answer.headers, body: answer.body === '' ? null : bodyOf(answer.body) } } };
}

/** HTTP: `http_request` (or the whole input) is the request; the call is real. Its input gets `asyncComplete`, as the server's mapper writes it. */
export const HTTP: SystemTask = {
  mapInput: (wt, input) => ({ ...input, asyncComplete: wt.asyncComplete === true }),
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
