import { MetadataClient, TaskClient, WorkflowExecutor, noopLogger, orkesConductorClient } from '@io-orkes/conductor-javascript';

/** An HTTP answer as a client sees it: status, content type, and the body (JSON parsed when it is JSON). */
export interface RawAnswer {
  readonly status: number;
  readonly contentType: string | null;
  readonly body: unknown;
}

/**
 * One Conductor server as the official SDK drives it: its clients, and raw fetch for what the SDK
 * has no call for (or hides, such as an error's status and body).
 */
export interface Side {
  readonly name: 'server' | 'dev';
  readonly url: string;
  readonly client: Awaited<ReturnType<typeof orkesConductorClient>>;
  readonly metadata: MetadataClient;
  readonly executor: WorkflowExecutor;
  readonly tasks: TaskClient;
  /** One request under `/api`; a `string` body is sent as is (malformed JSON). */
  raw(method: string, path: string, body?: unknown): Promise<RawAnswer>;
}

/** The SDK's clients and raw fetch for the server at `url`. */
export async function sdkSide(name: Side['name'], url: string): Promise<Side> {
  const client = await orkesConductorClient({ serverUrl: url, logger: noopLogger });
  return {
    name,
    url,
    client,
    metadata: new MetadataClient(client),
    executor: new WorkflowExecutor(client),
    tasks: new TaskClient(client),
    async raw(method, path, body) {
      const response = await fetch(`${url}/api${path}`, {
        method,
        headers: body !== undefined ? { 'Content-Type': 'application/json' } : {},
        ...(body !== undefined && { body: typeof body === 'string' ? body : JSON.stringify(body) }),
      });
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = text === '' ? '' : (JSON.parse(text) as unknown);
      } catch {
        // Plain text (an id) stays text.
      }
      return { status: response.status, contentType: response.headers.get('content-type'), body: parsed };
    },
  };
}

/** What an SDK call gave: its value, or the message of the error it threw. */
export async function outcome<T>(call: () => Promise<T>): Promise<{ value: T } | { error: string }> {
  try {
    return { value: await call() };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}
