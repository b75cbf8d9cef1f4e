import { orkesConductorClient } from '@io-orkes/conductor-javascript';
import type { TaskDef, WorkflowDef } from '../conductor-types.ts';

/** Where and how to reach a Conductor server. Secrets stay in here: nothing prints them. */
export interface ServerConnection {
  readonly serverUrl: string;
  /** Orkes application key id (with keySecret); leave both out for an OSS server without auth. */
  readonly keyId?: string | undefined;
  readonly keySecret?: string | undefined;
  /** Per-request time limit. @default 10000 */
  readonly requestTimeoutMs?: number;
  /** Attempts for a request that hits a dropped connection, a timeout, a 429 or a 5xx. @default 4 */
  readonly attempts?: number;
  /** First retry delay, doubled each time. @default 250 */
  readonly retryDelayMs?: number;
}

/** A request the server refused or that kept failing; carries the HTTP status when there was one. */
export class ServerError extends Error {
  override readonly name = 'ServerError';
  constructor(
    message: string,
    readonly status: number | undefined,
  ) {
    super(message);
  }
}

/**
 * Asks the token endpoint once before the SDK does: the SDK retries a refused key for about two
 * minutes before it gives up, which is no way to tell a CI job its secret is wrong. 404 means an
 * OSS server without auth, which the SDK handles.
 */
async function checkCredentials(connection: ServerConnection): Promise<void> {
  let status: number;
  try {
    const response = await fetch(new URL('/api/token', connection.serverUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ keyId: connection.keyId, keySecret: connection.keySecret }),
      signal: AbortSignal.timeout(connection.requestTimeoutMs ?? 10_000),
    });
    status = response.status;
    await response.body?.cancel();
  } catch {
    return; // Unreachable now: the requests that follow retry and report it.
  }
  if (status === 401 || status === 403) {
    throw new ServerError(`the server refused the credentials (HTTP ${status}). Check CONDUCTOR_AUTH_KEY and CONDUCTOR_AUTH_SECRET.`, status);
  }
}

/** The metadata calls the CI step needs, each retried on transient faults. */
export interface MetadataApi {
  getTaskDef(name: string): Promise<TaskDef | undefined>;
  getWorkflowDef(name: string, version: number): Promise<WorkflowDef | undefined>;
  /** POST /api/metadata/taskdefs: registers new task definitions. */
  createTaskDefs(defs: readonly TaskDef[]): Promise<void>;
  /** PUT /api/metadata/taskdefs: updates one existing task definition. */
  updateTaskDef(def: TaskDef): Promise<void>;
  /** POST /api/metadata/workflow: registers a new name+version (the OSS server answers 409 when it exists). */
  createWorkflowDef(def: WorkflowDef): Promise<void>;
  /** PUT /api/metadata/workflow: creates or replaces name+version. */
  upsertWorkflowDef(def: WorkflowDef): Promise<void>;
}

interface Response {
  readonly status: number;
  readonly data: unknown;
}

function describe(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  return cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
}

/**
 * The metadata API over the official SDK's HTTP client (auth, token refresh and TLS are the
 * SDK's): 404 reads as "not there", dropped connections, timeouts, 429 and 5xx are retried with
 * backoff a bounded number of times, anything else is a {@link ServerError}.
 */
export async function connectMetadataApi(connection: ServerConnection): Promise<MetadataApi> {
  if (connection.keyId !== undefined) await checkCredentials(connection);
  const client = await orkesConductorClient({
    serverUrl: connection.serverUrl,
    useEnvVars: false,
    requestTimeoutMs: connection.requestTimeoutMs ?? 10_000,
    ...(connection.keyId !== undefined && { keyId: connection.keyId, keySecret: connection.keySecret }),
  });
  const attempts = connection.attempts ?? 4;
  const baseDelay = connection.retryDelayMs ?? 250;

  async function request(method: 'get' | 'post' | 'put', url: string, body?: unknown, query?: Record<string, unknown>): Promise<Response> {
    let last = 'no attempt made';
    for (let attempt = 1; attempt <= attempts; attempt++) {
      try {
        const result = (await client[method]({ url, ...(body !== undefined && { body }), ...(query && { query }), throwOnError: false })) as {
          data: unknown;
          error: unknown;
          response: globalThis.Response;
        };
        const status = result.response.status;
        if (status < 500 && status !== 429) return { status, data: result.data ?? result.error };
        last = `HTTP ${status}`;
      } catch (error) {
        last = describe(error);
      }
      if (attempt < attempts) await new Promise((r) => setTimeout(r, baseDelay * 2 ** (attempt - 1)));
    }
    throw new ServerError(`${method.toUpperCase()} ${url} failed ${attempts} times (last: ${last}); check that the server is up and reachable, then run again.`, undefined);
  }

  function expectOk(response: Response, what: string): void {
    if (response.status >= 200 && response.status < 300) return;
    const message = (response.data as { message?: string } | undefined)?.message ?? '';
    const hint = response.status === 401 || response.status === 403 ? ' Check CONDUCTOR_AUTH_KEY and CONDUCTOR_AUTH_SECRET.' : '';
    throw new ServerError(`${what}: HTTP ${response.status}${message ? ` ${message}` : ''}.${hint}`, response.status);
  }

  async function read<T>(url: string, what: string, query?: Record<string, unknown>): Promise<T | undefined> {
    const response = await request('get', url, undefined, query);
    if (response.status === 404 || response.status === 204) return undefined;
    expectOk(response, what);
    return response.data as T;
  }

  return {
    getTaskDef: (name) => read<TaskDef>(`/api/metadata/taskdefs/${encodeURIComponent(name)}`, `reading task definition ${name}`),
    getWorkflowDef: (name, version) => read<WorkflowDef>(`/api/metadata/workflow/${encodeURIComponent(name)}`, `reading workflow ${name} v${version}`, { version }),
    createTaskDefs: async (defs) => expectOk(await request('post', '/api/metadata/taskdefs', defs), `registering ${defs.length} task definition(s)`),
    updateTaskDef: async (def) => expectOk(await request('put', '/api/metadata/taskdefs', def), `updating task definition ${def.name}`),
    createWorkflowDef: async (def) => expectOk(await request('post', '/api/metadata/workflow', def), `registering workflow ${def.name} v${def.version}`),
    upsertWorkflowDef: async (def) => expectOk(await request('put', '/api/metadata/workflow', [def]), `updating workflow ${def.name} v${def.version}`),
  };
}
