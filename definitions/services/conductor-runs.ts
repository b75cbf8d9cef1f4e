import { z } from 'zod';
import { BoundedFetchError, fetchBounded } from './bounded-fetch.ts';

/** The largest answer read from Conductor (a run with its tasks), in bytes. */
const MAX_ANSWER_BYTES = 16 * 1024 * 1024;

const runTaskSchema = z
  .object({
    taskId: z.string().optional(),
    referenceTaskName: z.string().optional(),
    taskDefName: z.string().optional(),
    taskType: z.string().optional(),
    status: z.string().optional(),
    reasonForIncompletion: z.string().optional(),
    outputData: z.record(z.unknown()).optional(),
    endTime: z.number().optional(),
  })
  .passthrough();

const runSchema = z
  .object({
    workflowId: z.string(),
    status: z.string().optional(),
    input: z.record(z.unknown()).default({}),
    tasks: z.array(runTaskSchema).default([]),
    reasonForIncompletion: z.string().optional(),
  })
  .passthrough();

/** A workflow run as Conductor reports it (the fields the K1 workers read). */
export type ConductorRun = z.infer<typeof runSchema>;
export type ConductorRunTask = z.infer<typeof runTaskSchema>;

/** No run with that id. */
export class RunNotFoundError extends Error {
  readonly code = 'run_not_found';
  constructor(readonly workflowId: string) {
    super(`Conductor has no workflow run ${workflowId}`);
    this.name = 'RunNotFoundError';
  }
}

/** Options of {@link createConductorRuns}. */
export interface ConductorRunsOptions {
  /** Conductor's base URL, e.g. http://localhost:8080 (a trailing /api is fine). */
  readonly serverUrl: string;
  /** Orkes application key id (with keySecret); neither for Conductor OSS. */
  readonly keyId?: string;
  readonly keySecret?: string;
  /** Per request, ms. @default 10000 */
  readonly timeoutMs?: number;
  /** @default globalThis.fetch */
  readonly fetch?: typeof fetch;
}

/** Reads workflow runs from Conductor. */
export interface ConductorRuns {
  /** The run with its tasks; throws {@link RunNotFoundError} on 404. */
  get(workflowId: string, signal?: AbortSignal): Promise<ConductorRun>;
}

/**
 * `GET <server>/api/workflow/<id>?includeTasks=true`, the answer checked. With an Orkes key, a
 * token from `POST /api/token` goes in `X-Authorization` (fetched once, again after a 401).
 * Through {@link fetchBounded}: redirects are never followed, so the token only ever goes to the
 * server given (a 3xx throws, naming where it pointed), and an answer past 16 MiB is refused.
 */
export function createConductorRuns(options: ConductorRunsOptions): ConductorRuns {
  const api = `${options.serverUrl.replace(/\/+$/, '').replace(/\/api$/, '')}/api`;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const doFetch = options.fetch ?? globalThis.fetch;
  let token: string | undefined;

  async function request(url: string, init: RequestInit, signal?: AbortSignal): Promise<{ status: number; text: string }> {
    const timeout = AbortSignal.timeout(timeoutMs);
    try {
      const answer = await fetchBounded(doFetch, url, { ...init, signal: signal ? AbortSignal.any([timeout, signal]) : timeout }, MAX_ANSWER_BYTES);
      return { status: answer.status, text: new TextDecoder().decode(answer.body) };
    } catch (error) {
      if (error instanceof BoundedFetchError) throw new Error(`Conductor at ${api} ${error.message}`);
      throw new Error(`Conductor at ${api} ${timeout.aborted ? `did not answer within ${timeoutMs} ms` : `is unreachable: ${(error as Error).message}`}`);
    }
  }

  async function authHeaders(signal?: AbortSignal, refresh = false): Promise<Record<string, string>> {
    if (options.keyId === undefined || options.keySecret === undefined) return {};
    if (token === undefined || refresh) {
      const r = await request(`${api}/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ keyId: options.keyId, keySecret: options.keySecret }) }, signal);
      const parsed = r.status === 200 ? z.object({ token: z.string().min(1) }).safeParse(JSON.parse(r.text)) : undefined;
      if (!parsed?.success) throw new Error(`Conductor refused the application key (POST /api/token answered HTTP ${r.status}); check the key id and secret`);
      token = parsed.data.token;
    }
    return { 'X-Authorization': token };
  }

  return {
    async get(workflowId, signal) {
      const url = `${api}/workflow/${encodeURIComponent(workflowId)}?includeTasks=true`;
      let r = await request(url, { headers: { accept: 'application/json', ...(await authHeaders(signal)) } }, signal);
      if (r.status === 401 && options.keyId !== undefined) r = await request(url, { headers: { accept: 'application/json', ...(await authHeaders(signal, true)) } }, signal);
      if (r.status === 404) throw new RunNotFoundError(workflowId);
      if (r.status < 200 || r.status >= 300) throw new Error(`Conductor answered HTTP ${r.status} for run ${workflowId}: ${r.text.slice(0, 200)}`);
      let json: unknown;
      try {
        json = JSON.parse(r.text);
      } catch {
        throw new Error(`Conductor's answer for run ${workflowId} is not JSON`);
      }
      const parsed = runSchema.safeParse(json);
      if (!parsed.success) throw new Error(`Conductor's answer for run ${workflowId} is not a workflow: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
      return parsed.data;
    },
  };
}
