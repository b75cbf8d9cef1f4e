import type { Task, TaskResult, orkesConductorClient } from '@io-orkes/conductor-javascript';

/** The SDK client `orkesConductorClient()` resolves to. */
export type ConductorClient = Awaited<ReturnType<typeof orkesConductorClient>>;

const UPDATE_V2 = '/api/tasks/update-v2';

/** What {@link installDrainMode} asks of the worker process. */
export interface DrainHooks {
  /** True once shutdown began. */
  readonly draining: () => boolean;
  /**
   * A task the server handed out in answer to an `update-v2` sent just before shutdown: the SDK
   * drops it once polling stopped, so the worker must give it back.
   */
  readonly lateTask: (task: Task) => void;
}

const json = (body: string): Response => new Response(body, { status: 200, headers: { 'Content-Type': 'application/json' } });

/**
 * Closes a gap of the SDK (4.0.0) at shutdown. Its TaskRunner reports results with
 * `POST /api/tasks/update-v2`, whose answer is the next task of the same type, already
 * IN_PROGRESS on the server for this worker; once `stopPolling()` ran, the runner drops that task
 * unexecuted, and it sits until its `responseTimeoutSeconds` runs out. While draining, this sends
 * those updates to `POST /api/tasks` instead (same TaskResult, no task handed out) and answers
 * the SDK "no next task"; a task that still arrives (its update left just before the drain
 * began) goes to `hooks.lateTask`.
 */
export function installDrainMode(client: ConductorClient, hooks: DrainHooks): void {
  const rewritten = new WeakSet<Request>();
  client.interceptors.request.use(async (request: Request) => {
    if (!hooks.draining() || request.method !== 'POST' || !request.url.endsWith(UPDATE_V2)) return request;
    const legacy = new Request(request.url.slice(0, -UPDATE_V2.length) + '/api/tasks', {
      method: 'POST',
      headers: request.headers,
      body: await request.text(),
      signal: request.signal,
    });
    rewritten.add(legacy);
    return legacy;
  });
  client.interceptors.response.use(async (response: Response, request: Request) => {
    if (rewritten.has(request)) {
      if (response.ok) {
        await response.body?.cancel();
        return json('null');
      }
      // 404/405 on update-v2 make the SDK switch every runner in the process to the legacy
      // endpoint for good; this is a failed legacy update, so keep it a plain failure.
      if (response.status === 404 || response.status === 405) return new Response(await response.text(), { status: 409, headers: response.headers });
      return response;
    }
    if (!hooks.draining() || response.status !== 200 || !request.url.endsWith(UPDATE_V2)) return response;
    const next = (await response.clone().json().catch(() => undefined)) as Task | null | undefined;
    if (next === null || next === undefined || typeof next.taskId !== 'string') return response;
    hooks.lateTask(next);
    await response.body?.cancel();
    return json('null');
  });
}

/**
 * Gives `task` back to Conductor's queue without using a retry: an IN_PROGRESS result with
 * `callbackAfterSeconds: 0` (and `outputData`) makes the server queue it again at once for any
 * worker to poll.
 */
export async function handBack(client: ConductorClient, task: Pick<TaskResult, 'taskId' | 'workflowInstanceId'>, workerId: string, why: string, outputData: Record<string, unknown> = {}): Promise<void> {
  const body: TaskResult & { workerId: string } = {
    taskId: task.taskId,
    workflowInstanceId: task.workflowInstanceId,
    status: 'IN_PROGRESS',
    callbackAfterSeconds: 0,
    outputData,
    logs: [{ log: why, createdTime: Date.now(), taskId: task.taskId }],
    workerId,
  };
  await client.post({
    security: [{ name: 'X-Authorization', type: 'apiKey' }],
    url: '/api/tasks',
    body,
    headers: { 'Content-Type': 'application/json' },
    throwOnError: true,
  });
}
