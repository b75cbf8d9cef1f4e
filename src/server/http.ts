import type { IncomingMessage, ServerResponse } from 'node:http';
import { hostname } from 'node:os';
import { nestingProblem } from '../json-depth.ts';

/** One entry of a 400 answer's `validationErrors`, the server's `ValidationError` shape. */
export interface ValidationErrorBody {
  readonly path: string;
  readonly message: string;
  /** The rejected value as text, when the constraint names one. */
  readonly invalidValue?: string;
  /** The validator's issue code, for rules the server does not have (clients ignore unknown fields). */
  readonly code?: string;
}

/** The `instance` of the server's error answers: its host name (`Utils.getServerId`). */
const INSTANCE = hostname();

/**
 * An error that becomes an HTTP answer in the server's `ErrorResponse` shape:
 * `{status, message, instance, retryable}`, or `{status, message, retryable, validationErrors}` for
 * failed bean validation (conductor-oss 3.32.3 sends no `instance` there).
 */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly validationErrors?: readonly ValidationErrorBody[],
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }

  /** The JSON body the Conductor server sends for this error. */
  toBody(): Record<string, unknown> {
    if (this.validationErrors !== undefined) return { status: this.status, message: this.message, retryable: false, validationErrors: this.validationErrors };
    return { status: this.status, message: this.message, instance: INSTANCE, retryable: false };
  }
}

/** 400 for a request that is not what the endpoint takes. */
export function badRequest(message: string): HttpError {
  return new HttpError(400, message);
}

/** 404 with the server's wording (e.g. `No such workflow found by id: …`). */
export function notFound(message: string): HttpError {
  return new HttpError(404, message);
}

/** 409 with the server's wording. */
export function conflict(message: string): HttpError {
  return new HttpError(409, message);
}

/** Sends a JSON body with an explicit Content-Length (the SDK reads a missing length as a stream). */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

/** Sends plain text, as the server answers a start (the workflow id) or a task update (the task id). */
export function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain;charset=UTF-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

/** Sends no body: 200 for the server's `void` endpoints, 204 where it answers "no content". */
export function sendEmpty(res: ServerResponse, status: 200 | 204): void {
  res.writeHead(status, status === 204 ? {} : { 'Content-Length': 0 });
  res.end();
}

/** Sends an {@link HttpError} (or any other error, as a 500 that says what broke). */
export function sendError(res: ServerResponse, error: unknown): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const http =
    error instanceof HttpError
      ? error
      : new HttpError(500, `Internal error in the dev server: ${error instanceof Error ? error.message : String(error)}. This is a bug in @k1/workflows; please report it with the request that caused it.`);
  for (const [name, value] of Object.entries(http.headers)) res.setHeader(name, value);
  sendJson(res, http.status, http.toBody());
}

/** Default largest request body: 10 MB. */
export const DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024;

/** Reads the whole request body as text; 413 past `maxBytes`. */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? NaN);
    if (Number.isFinite(declared) && declared > maxBytes) {
      req.resume();
      reject(tooLarge(maxBytes));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > maxBytes) {
        failed = true;
        reject(tooLarge(maxBytes));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!failed) resolve(Buffer.concat(chunks).toString('utf8'));
    });
    req.on('error', (error) => {
      if (!failed) reject(error);
    });
  });
}

function tooLarge(maxBytes: number): HttpError {
  return new HttpError(413, `The request body is larger than ${maxBytes} bytes, the dev server's limit. Send less data (large payloads belong in external storage), or start the server with a larger maxBodyBytes.`, undefined, {
    Connection: 'close',
  });
}

/**
 * Parses a JSON request body. An empty body is `undefined`; malformed JSON is a 500
 * `JSON parse error: ...` that says where the text stops being JSON, as conductor-oss 3.32.3
 * answers (a 500, although the request is at fault).
 */
export function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch (error) {
    throw new HttpError(500, `JSON parse error: ${(error as Error).message}`);
  }
  // conductor-oss 3.32.3 refuses a body nested deeper than Jackson's 1000 levels with this 500.
  const tooDeep = nestingProblem(value);
  if (tooDeep !== undefined) throw new HttpError(500, `JSON parse error: ${tooDeep}`);
  return value;
}

/** True for a plain JSON object (not an array, not null). */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The body as a JSON object, or a 400 naming what the endpoint wanted. */
export function requireObject(body: unknown, what: string): Record<string, unknown> {
  if (!isObject(body)) throw badRequest(`The request body must be ${what} (a JSON object), but it is ${describe(body)}.`);
  return body;
}

/**
 * The body as a JSON array, or the 500 conductor-oss 3.32.3 answers when JSON binding fails, in
 * Jackson's words: `JSON parse error: Cannot deserialize value of type \`java.util.ArrayList<T>\` from
 * Object value ...` (wrap a single definition in [ ]).
 *
 * @param javaType the element type the server binds, e.g. `com.netflix.conductor.common.metadata.tasks.TaskDef`
 */
export function requireArray(body: unknown, javaType: string): unknown[] {
  if (Array.isArray(body)) return body;
  const [kind, token] = isObject(body) ? ['Object', 'START_OBJECT'] : typeof body === 'string' ? ['String', 'VALUE_STRING'] : typeof body === 'number' ? ['Integer', 'VALUE_NUMBER_INT'] : typeof body === 'boolean' ? ['Boolean', `VALUE_${String(body).toUpperCase()}`] : ['Null', 'VALUE_NULL'];
  throw new HttpError(500, `JSON parse error: Cannot deserialize value of type \`java.util.ArrayList<${javaType}>\` from ${kind} value (token \`JsonToken.${token}\`)`);
}

/** How a JSON value is described in error messages. */
export function describe(value: unknown): string {
  if (value === undefined) return 'empty';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value} (${JSON.stringify(value)})`;
}

/** An optional whole-number query parameter (`?version=2`), or a 400 naming it. */
export function intParam(query: URLSearchParams, name: string): number | undefined {
  const text = query.get(name);
  if (text === null || text === '') return undefined;
  const value = Number(text);
  if (!Number.isInteger(value)) throw badRequest(`Query parameter ${name}=${JSON.stringify(text)} is not a whole number.`);
  return value;
}

/** A boolean query parameter (`?overwrite=true`); `fallback` when absent. */
export function boolParam(query: URLSearchParams, name: string, fallback: boolean): boolean {
  const text = query.get(name);
  if (text === null || text === '') return fallback;
  if (text === 'true' || text === 'false') return text === 'true';
  throw badRequest(`Query parameter ${name}=${JSON.stringify(text)} must be true or false.`);
}

/** An AbortSignal that fires when the answer is done or the client went away (a long wait stops then). */
export function clientGone(res: ServerResponse): AbortSignal {
  const controller = new AbortController();
  res.once('close', () => controller.abort());
  return controller.signal;
}
