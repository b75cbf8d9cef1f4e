import type { TaskDef, WorkflowDef, WorkflowTask } from '../../src/conductor-types.ts';

/** The owner address every test definition carries (the server requires one). */
export const owner = 'dev-server-test@k1.reinvented';

/** A task definition with no retries unless told. */
export const taskDef = (name: string, extra: Partial<TaskDef> = {}): TaskDef => ({
  name,
  ownerEmail: owner,
  retryCount: 0,
  retryDelaySeconds: 0,
  timeoutSeconds: 0,
  totalTimeoutSeconds: 0,
  responseTimeoutSeconds: 60,
  ...extra,
});

/** A SIMPLE task whose name is its reference unless told. */
export const simple = (ref: string, inputParameters: Record<string, unknown> = {}, extra: Partial<WorkflowTask> = {}): WorkflowTask => ({
  name: ref,
  taskReferenceName: ref,
  type: 'SIMPLE',
  inputParameters,
  ...extra,
});

/** A workflow definition, version 1 unless told. */
export const wf = (name: string, tasks: WorkflowTask[], extra: Partial<WorkflowDef> = {}): WorkflowDef => ({
  name,
  version: 1,
  schemaVersion: 2,
  ownerEmail: owner,
  timeoutSeconds: 0,
  tasks,
  ...extra,
});

/** One HTTP answer, its body parsed as JSON when it is JSON. */
export interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  readonly json: any;
}

/** A tiny fetch client for one server. */
export function client(baseUrl: string) {
  const call = async (method: string, path: string, body?: unknown, raw?: string): Promise<Answer> => {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: body !== undefined || raw !== undefined ? { 'Content-Type': 'application/json' } : {},
      ...(raw !== undefined ? { body: raw } : body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    const json = (response.headers.get('content-type') ?? '').includes('json') && text !== '' ? (JSON.parse(text) as unknown) : undefined;
    return { status: response.status, headers: response.headers, text, json };
  };
  return {
    get: (path: string) => call('GET', path),
    post: (path: string, body?: unknown) => call('POST', path, body),
    postRaw: (path: string, raw: string) => call('POST', path, undefined, raw),
    put: (path: string, body?: unknown) => call('PUT', path, body),
    del: (path: string) => call('DELETE', path),
    call,
  };
}

/** Polls `check` until it returns something other than undefined, or fails after `ms`. */
export async function eventually<T>(check: () => Promise<T | undefined>, ms = 3_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
