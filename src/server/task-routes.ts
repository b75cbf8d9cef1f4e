import { apiTaskType, toApiTask, toApiWorkflow } from './api-model.ts';
import { badRequest, clientGone, intParam, notFound, sendEmpty, sendJson, sendText } from './http.ts';
import type { Router } from './router.ts';
import type { DevRuntime, LocatedTask } from './runtime.ts';

/** The queue a poll asks for: `?domain=` (blank is the default queue). */
function domainParam(query: URLSearchParams): string | undefined {
  const domain = query.get('domain');
  return domain === null || domain === '' ? undefined : domain;
}

/** How long a single poll waits for a task, as the server's `poll` does. */
const SINGLE_POLL_TIMEOUT_MS = 100;

/**
 * The worker endpoints: (batch) poll, task updates (`POST /api/tasks`, `update-v2`, by reference
 * name), a task by id, its logs (read and add), queue sizes, requeueing and poll data.
 */
export function addTaskRoutes(router: Router, runtime: DevRuntime): void {
  const json = ({ exec, run }: LocatedTask): Record<string, unknown> => toApiTask(runtime, exec, run);
  const countParam = (query: URLSearchParams): number => {
    const count = intParam(query, 'count') ?? 1;
    if (count < 1) throw badRequest(`count=${count}: ask for at least one task.`);
    return count;
  };

  router
    // 200 with a list of Task JSON ([] when none came within `timeout` ms); ?domain= polls that domain's queue.
    .add('GET', '/api/tasks/poll/batch/{taskType}', async ({ res, params, query }) => {
      const tasks = await runtime.poll(params['taskType'] as string, countParam(query), intParam(query, 'timeout') ?? 100, query.get('workerid') ?? undefined, domainParam(query), clientGone(res));
      sendJson(res, 200, tasks.map(json));
    })
    // 200 Task JSON, or 204 when none is queued.
    .add('GET', '/api/tasks/poll/{taskType}', async ({ res, params, query }) => {
      const [task] = await runtime.poll(params['taskType'] as string, 1, SINGLE_POLL_TIMEOUT_MS, query.get('workerid') ?? undefined, domainParam(query), clientGone(res));
      if (task === undefined) sendEmpty(res, 204);
      else sendJson(res, 200, json(task));
    })
    // TaskResult → 200 with the task id as text; 400, 404 unknown workflow or task.
    .add('POST', '/api/tasks', async ({ res, body }) => {
      const payload = await body();
      await runtime.updateTask(payload);
      sendText(res, 200, String((payload as { taskId: unknown }).taskId));
    })
    // TaskResult → the next task of the same type for this worker (200 Task JSON), or 204.
    .add('POST', '/api/tasks/update-v2', async ({ res, body }) => {
      const payload = await body();
      const updated = await runtime.updateTask(payload);
      if (updated === undefined) return sendEmpty(res, 204);
      const workerId = (payload as { workerId?: unknown }).workerId;
      const [next] = runtime.take(apiTaskType(updated.run), 1, typeof workerId === 'string' ? workerId : undefined, runtime.taskState(updated.exec, updated.run).domain);
      if (next === undefined) return sendEmpty(res, 204);
      await runtime.changed();
      sendJson(res, 200, json(next));
    })
    // Body = output. 200 with the task id as text; 404 when no task with that reference is pending.
    .add('POST', '/api/tasks/{workflowId}/{taskRefName}/{status}', async ({ res, body, params, query }) => {
      const task = await runtime.updateTaskByRef(params['workflowId'] as string, params['taskRefName'] as string, params['status'] as string, await body(), query.get('workerid') ?? undefined);
      sendText(res, 200, task.run.taskId);
    })
    // Same, answering the workflow after the update.
    .add('POST', '/api/tasks/{workflowId}/{taskRefName}/{status}/sync', async ({ res, body, params, query }) => {
      const task = await runtime.updateTaskByRef(params['workflowId'] as string, params['taskRefName'] as string, params['status'] as string, await body(), query.get('workerid') ?? undefined);
      sendJson(res, 200, toApiWorkflow(runtime, task.exec, true));
    })
    // {taskType: count of tasks in its default-domain queue}, for the types asked (every type when none is).
    .add('GET', '/api/tasks/queue/sizes', ({ res, query }) => {
      const asked = query.getAll('taskType').flatMap((t) => t.split(',')).filter((t) => t !== '');
      const queued = runtime.queued();
      const sizes: Record<string, number> = {};
      for (const type of asked) sizes[type] = 0;
      for (const { run } of queued) {
        const type = apiTaskType(run);
        if (asked.length === 0 || asked.includes(type)) sizes[type] = (sizes[type] ?? 0) + 1;
      }
      sendJson(res, 200, sizes);
    })
    .add('GET', '/api/tasks/queue/all', ({ res }) => {
      const sizes: Record<string, number> = {};
      for (const def of runtime.store.registry.allTasks()) sizes[def.name] = 0;
      for (const { run } of runtime.queued()) sizes[apiTaskType(run)] = (sizes[apiTaskType(run)] ?? 0) + 1;
      sendJson(res, 200, sizes);
    })
    // 200 Task JSON, or 404 for an unknown id.
    .add('GET', '/api/tasks/{taskId}', ({ res, params }) => {
      const task = runtime.findTask(params['taskId'] as string);
      if (task === undefined) throw notFound(`Task not found for taskId: ${params['taskId'] as string}`);
      sendJson(res, 200, json(task));
    })
    .add('GET', '/api/tasks/{taskId}/log', ({ res, params }) => {
      const task = runtime.findTask(params['taskId'] as string);
      sendJson(res, 200, task === undefined ? [] : runtime.logsOf(task));
    })
    // Body = the log line as text (a JSON string keeps its quotes, as on the server). 200; an unknown task is not an error there either.
    .add('POST', '/api/tasks/{taskId}/log', async ({ res, params, text }) => {
      const task = runtime.findTask(params['taskId'] as string);
      const line = await text();
      if (task !== undefined) runtime.taskState(task.exec, task.run).logs.push({ log: line, createdTime: Date.now() });
      sendEmpty(res, 200);
    })
    // 200 with the number of tasks put (back) in the queue, as text ("0" for an unknown type).
    .add('POST', '/api/tasks/queue/requeue/{taskType}', ({ res, params }) => {
      sendText(res, 200, String(runtime.requeue(params['taskType'] as string)));
    })
    // [{queueName, domain?, workerId, lastPollTime}]: the last poll of a task type in each domain.
    .add('GET', '/api/tasks/queue/polldata', ({ res, query }) => {
      const taskType = query.get('taskType');
      if (taskType === null || taskType === '') throw badRequest('Query parameter taskType is required: the task type whose polls to list.');
      sendJson(res, 200, runtime.pollData(taskType));
    });
}
