import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Client } from '@io-orkes/conductor-javascript';
import { z } from 'zod';
import { WorkflowInputError } from '../client/typed-client.ts';
import type { AnyWorkflow, WorkflowInput } from '../dsl/workflow.ts';
import { createStartOnce } from './start-once.ts';

/** The part of GitHub's `push` event payload the handler reads. */
export const pushEventSchema = z.object({
  ref: z.string(),
  after: z.string(),
  deleted: z.boolean().optional(),
  repository: z.object({ name: z.string(), full_name: z.string().optional() }),
  head_commit: z.object({ id: z.string(), message: z.string().optional() }).nullable().optional(),
});

/** A push GitHub delivered, after its signature and shape were checked. */
export type PushEvent = z.infer<typeof pushEventSchema>;

/** Options of {@link createPushWebhookHandler}. */
export interface GithubWebhookOptions<W extends AnyWorkflow> {
  /** The webhook secret configured on GitHub (from the environment; never logged). */
  readonly secret: string;
  /** An SDK client for the Conductor server. */
  readonly client: Client;
  /** The workflow each accepted push starts. */
  readonly workflow: W;
  /** The workflow input for a push to an accepted branch. */
  readonly toInput: (push: PushEvent, branch: string) => WorkflowInput<W>;
  /** Branches whose pushes start a run. @default ['main'] */
  readonly branches?: readonly string[];
  /** Largest body accepted; larger ones get 413 without being read further. @default 1 MiB */
  readonly maxBodyBytes?: number;
}

/** A Node request handler, usable from `http.createServer`, Express or Fastify (raw request). */
export type WebhookHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

function answer(res: ServerResponse, status: number, body: Record<string, unknown>): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** Reads the raw body, or undefined once it passes `limit` (the rest is not buffered). */
function readRawBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      req.resume();
      return resolve(undefined);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        chunks.length = 0;
        resolve(undefined);
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(size > limit ? undefined : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** `sha256=` and exactly 64 hex digits: nothing before, nothing after. */
const SIGNATURE_HEADER = /^sha256=([0-9a-fA-F]{64})$/;

/**
 * Whether `header` (`sha256=<64 hex digits>`, exactly) is the HMAC-SHA256 of the exact raw body
 * bytes under `secret`. Compared in constant time; a header of any other form (trailing junk
 * included: `Buffer.from(hex, 'hex')` alone would stop at it and pass) is simply false, never an
 * exception.
 */
export function verifySignature(secret: string, rawBody: Buffer, header: string | undefined): boolean {
  const hex = header === undefined ? undefined : SIGNATURE_HEADER.exec(header)?.[1];
  if (hex === undefined) return false;
  const given = Buffer.from(hex, 'hex');
  const expected = createHmac('sha256', secret).update(rawBody).digest();
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * Handles GitHub webhook deliveries: verifies `X-Hub-Signature-256` over the raw body, accepts
 * `push` events for the configured branches, and starts `workflow` with correlationId = the commit
 * SHA, at most once per commit on any server ({@link createStartOnce}: a redelivery, or two
 * deliveries at once, get the run already started). Answers 202 with the workflow id, the commit,
 * the delivery id (`X-GitHub-Delivery`) and `duplicate: true` when the run already existed; every
 * refusal is a 4xx with a message saying why.
 */
export function createPushWebhookHandler<W extends AnyWorkflow>(options: GithubWebhookOptions<W>): WebhookHandler {
  if (options.secret === '') throw new Error('the webhook handler: the secret is empty; set it to the webhook secret configured on GitHub.');
  const branches = new Set(options.branches ?? ['main']);
  const startOnce = createStartOnce(options.client, options.workflow);
  const limit = options.maxBodyBytes ?? 1024 * 1024;
  return async (req, res) => {
    try {
      if (req.method !== 'POST') return answer(res, 405, { error: 'GitHub webhooks are delivered with POST.' });
      const event = req.headers['x-github-event'];
      const signature = req.headers['x-hub-signature-256'];
      if (typeof event !== 'string' || event === '') return answer(res, 400, { error: 'Missing X-GitHub-Event header: this does not look like a GitHub delivery.' });
      if (typeof signature !== 'string') return answer(res, 401, { error: 'Missing X-Hub-Signature-256 header: set a secret on the GitHub webhook.' });
      const raw = await readRawBody(req, limit);
      if (raw === undefined) return answer(res, 413, { error: `Body larger than ${limit} bytes.` });
      if (!verifySignature(options.secret, raw, signature)) return answer(res, 401, { error: 'X-Hub-Signature-256 does not match the body: check the webhook secret.' });
      if (event === 'ping') return answer(res, 200, { ok: 'pong' });
      if (event !== 'push') return answer(res, 422, { error: `Event "${event}" is not handled: only push events start builds.` });
      let payload: unknown;
      try {
        // Strict UTF-8 (no replacement characters) and one JSON document (JSON.parse refuses anything after it).
        payload = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(raw));
      } catch (error) {
        return answer(res, 400, { error: `The body is not one JSON document (${error instanceof Error ? error.message : String(error)}): set the webhook content type to application/json.` });
      }
      const parsed = pushEventSchema.safeParse(payload);
      if (!parsed.success) {
        return answer(res, 400, { error: `The push payload is missing fields: ${parsed.error.issues.map((i) => i.path.join('.') || '(root)').join(', ')}.` });
      }
      const push = parsed.data;
      const branch = push.ref.startsWith('refs/heads/') ? push.ref.slice('refs/heads/'.length) : undefined;
      if (branch === undefined || !branches.has(branch)) {
        return answer(res, 422, { error: `Push to ${push.ref} ignored: only ${[...branches].join(', ')} start builds.` });
      }
      if (push.deleted === true || /^0+$/.test(push.after)) return answer(res, 422, { error: `Push to ${push.ref} deleted the branch: nothing to build.` });
      const delivery = req.headers['x-github-delivery'];
      const { workflowId, existing } = await startOnce(push.after, options.toInput(push, branch));
      return answer(res, 202, { workflowId, commit: push.after, ...(typeof delivery === 'string' && { delivery }), ...(existing && { duplicate: true }) });
    } catch (error) {
      if (error instanceof WorkflowInputError) return answer(res, 422, { error: error.message });
      return answer(res, 502, { error: `Could not start the workflow on Conductor: ${error instanceof Error ? error.message : String(error)}` });
    }
  };
}
