/**
 * Part 4's runs with real polling workers, for what the test endpoint cannot express: it
 * completes a retry at once whatever its delay and never lets a timeout fire. A plain start
 * (`POST /api/workflow`), and a worker in this process that polls the workflow's task types and
 * answers each polled task with the next mock of its reference, after the mock's `executionTime`;
 * a task without a mock left is polled and never answered, a task type without mocks never polled.
 */
import type { WorkflowDef } from '../../src/conductor-types.ts';
import type { TaskMock, TaskMocks } from '../../src/runner/types.ts';
import { allWorkflowTasks } from '../../src/conductor-tasks.ts';
import type { ApiTask, ApiWorkflow } from './runner-view.ts';
import { getWorkflow } from './test-endpoint.ts';

const TERMINAL = new Set(['COMPLETED', 'FAILED', 'TERMINATED', 'TIMED_OUT']);

async function post(url: string, path: string, body: unknown): Promise<string> {
  const response = await fetch(`${url}/api${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  const text = await response.text();
  if (!response.ok) throw new Error(`POST ${path} answered ${response.status}: ${text.slice(0, 300)}`);
  return text;
}

/**
 * Starts `def` with `input`, works its SIMPLE tasks from `mocks` until it ends or `maxMs` pass,
 * and returns it as the server has it then.
 */
export async function runWithWorkers(url: string, def: WorkflowDef, input: Record<string, unknown>, mocks: TaskMocks, maxMs: number): Promise<ApiWorkflow> {
  const id = await post(url, '/workflow', { name: def.name, version: def.version, input });
  const queues = new Map(Object.entries(mocks).map(([ref, list]) => [ref, [...list]]));
  const refsByType = new Map<string, string[]>();
  for (const task of allWorkflowTasks(def.tasks)) {
    if ((task.type ?? 'SIMPLE') !== 'SIMPLE' || !queues.has(task.taskReferenceName)) continue;
    refsByType.set(task.name, [...(refsByType.get(task.name) ?? []), task.taskReferenceName]);
  }
  const pending = new Set<NodeJS.Timeout>();
  const sent: Promise<unknown>[] = [];
  const deadline = Date.now() + maxMs;
  for (;;) {
    const workflow = await getWorkflow(url, id);
    if (TERMINAL.has(workflow.status) || Date.now() > deadline) {
      // Answers not given yet are never given (a worker still busy when the run ended).
      for (const timer of pending) clearTimeout(timer);
      await Promise.all(sent);
      return getWorkflow(url, id);
    }
    for (const type of refsByType.keys()) {
      const response = await fetch(`${url}/api/tasks/poll/batch/${encodeURIComponent(type)}?workerid=k1-part4&count=5&timeout=50`);
      const polled = response.status === 200 ? ((await response.json()) as (ApiTask & { workflowInstanceId: string })[]) : [];
      for (const task of polled) {
        const mock: TaskMock | undefined = queues.get(task.referenceTaskName)?.shift();
        if (mock === undefined) continue;
        const timer = setTimeout(() => {
          pending.delete(timer);
          sent.push(post(url, '/tasks', { taskId: task.taskId, workflowInstanceId: task.workflowInstanceId, status: mock.status ?? 'COMPLETED', outputData: mock.output }).catch(() => undefined));
        }, mock.executionTime ?? 0);
        pending.add(timer);
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
}
