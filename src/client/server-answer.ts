import type { z } from 'zod';
import type { Redactor } from './redactor.ts';
import { ServerError } from './server-error.ts';

/** One answer of the server, read whole: what every shape check looks at. */
export interface ServerAnswer {
  readonly status: number;
  /** The `Content-Type` header, '' when absent. */
  readonly contentType: string;
  readonly text: string;
}

const SHOWN_CHARS = 120;

/**
 * `HTTP 200 text/html, starting "<html>…"`: what came back, for messages. Secrets are removed
 * before the text is cut, so no part of one shows.
 */
export function describeAnswer(answer: ServerAnswer, redactor: Redactor): string {
  const text = redactor.redact(answer.text).replace(/\s+/g, ' ').trim();
  const start = text === '' ? 'an empty body' : `starting ${JSON.stringify(text.length > SHOWN_CHARS ? `${text.slice(0, SHOWN_CHARS)}…` : text)}`;
  return `HTTP ${answer.status} ${answer.contentType || '(no content type)'}, ${start}`;
}

/** True when the answer says it is JSON (`application/json`, `application/problem+json`, ...). */
export function isJsonAnswer(answer: ServerAnswer): boolean {
  return /^application\/([\w.+-]*\+)?json\b/i.test(answer.contentType);
}

/**
 * The answer's JSON checked against `schema`, or a {@link ServerError} saying what was expected
 * and what came back (status, content type, first characters): a login page or a proxy's answer
 * is never taken for the server's.
 */
export function parseAnswer<S extends z.ZodTypeAny>(answer: ServerAnswer, schema: S, what: string, expected: string, redactor: Redactor): z.infer<S> {
  let json: unknown;
  let parsed = false;
  if (isJsonAnswer(answer)) {
    try {
      json = JSON.parse(answer.text) as unknown;
      parsed = true;
    } catch {
      // reported below
    }
  }
  const checked = parsed ? schema.safeParse(json) : undefined;
  if (checked?.success === true) return checked.data as z.infer<S>;
  const problem = checked === undefined ? '' : ` (${checked.error.issues.map((i) => `${i.path.join('.') || 'the answer'}: ${i.message}`).join('; ')})`;
  throw new ServerError(
    `${what}: expected ${expected}, got ${describeAnswer(answer, redactor)}${problem}. Is --server the Conductor server itself (not a login page or a proxy)?`,
    answer.status,
  );
}
