/**
 * Part 4's side of the real server: registers definitions, runs a workflow through
 * `POST /api/workflow/test`, and reads the run (and its sub-workflows) back once it stops moving.
 */
import type { TaskDef, WorkflowDef } from '../../src/conductor-types.ts';
import type { WorkflowTestRequest } from '../../src/runner/test-request.ts';
import type { ApiWorkflow } from './runner-view.ts';

async function call(url: string, method: string, path: string, body?: unknown): Promise<{ status: number; text: string }> {
  const response = await fetch(`${url}/api${path}`, {
    method,
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  return { status: response.status, text: await response.text() };
}

async function ok(url: string, method: string, path: string, body?: unknown): Promise<string> {
  const answer = await call(url, method, path, body);
  if (answer.status >= 300) throw new Error(`${method} ${path} answered ${answer.status}: ${answer.text.slice(0, 500)}`);
  return answer.text;
}

/** Puts workflow definitions on the server (`PUT /api/metadata/workflow`, which replaces same name and version). */
export async function putWorkflows(url: string, defs: readonly WorkflowDef[]): Promise<void> {
  if (defs.length > 0) await ok(url, 'PUT', '/metadata/workflow', defs);
}

/** Puts task definitions on the server (`POST /api/metadata/taskdefs`, which replaces them whole). */
export async function putTaskDefs(url: string, defs: readonly TaskDef[]): Promise<void> {
  if (defs.length > 0) await ok(url, 'POST', '/metadata/taskdefs', defs);
}

/** Removes task definitions (so later scenarios get the server's ad-hoc defaults again); absent ones are fine. */
export async function deleteTaskDefs(url: string, names: readonly string[]): Promise<void> {
  for (const name of names) await call(url, 'DELETE', `/metadata/taskdefs/${encodeURIComponent(name)}`);
}

/** A workflow with its tasks, `GET /api/workflow/{id}?includeTasks=true`. */
export async function getWorkflow(url: string, id: string): Promise<ApiWorkflow> {
  return JSON.parse(await ok(url, 'GET', `/workflow/${id}?includeTasks=true`)) as ApiWorkflow;
}

/** What the server answered a test request: the run, or the HTTP error it gave instead. */
export type TestAnswer = { readonly ok: true; readonly workflow: ApiWorkflow; readonly children: Map<string, ApiWorkflow> } | { readonly ok: false; readonly status: number; readonly body: string };

/** Task types the server's own workers run after the test endpoint has answered: while one is open the run still moves. */
const SERVER_WORKED: ReadonlySet<string> = new Set(['HTTP', 'START_WORKFLOW', 'EVENT']);

/** Longest wait for an HTTP call, a started workflow or an event the server's workers still run. */
const MAX_WAIT_MS = 15_000;

/**
 * Runs `request` through `POST /api/workflow/test`, then reads the run back until two reads
 * `settleMs` apart are the same and nothing the server's own workers run is open (the server
 * finishes some steps after it answers: a JOIN, a parent woken by its child, an HTTP call), with
 * the children of its SUB_WORKFLOW tasks.
 */
export async function runTest(url: string, request: WorkflowTestRequest, settleMs = 400): Promise<TestAnswer> {
  const answer = await call(url, 'POST', '/workflow/test', request);
  if (answer.status >= 300) return { ok: false, status: answer.status, body: answer.text };
  const id = (JSON.parse(answer.text) as ApiWorkflow).workflowId;
  const deadline = Date.now() + MAX_WAIT_MS;
  let previous = '';
  for (;;) {
    const state = await readTree(url, id);
    const text = JSON.stringify([state.workflow, [...state.children.values()]].map(stripTimes));
    const open = [state.workflow, ...state.children.values()].some((w) => w.tasks.some((t) => SERVER_WORKED.has(t.taskType) && (t.status === 'SCHEDULED' || t.status === 'IN_PROGRESS')));
    if ((text === previous && !open) || Date.now() > deadline) return { ok: true, ...state };
    previous = text;
    await new Promise((resolve) => setTimeout(resolve, settleMs));
  }
}

async function readTree(url: string, id: string): Promise<{ workflow: ApiWorkflow; children: Map<string, ApiWorkflow> }> {
  const workflow = await getWorkflow(url, id);
  const children = new Map<string, ApiWorkflow>();
  const pending = [workflow];
  while (pending.length > 0) {
    for (const task of (pending.pop() as ApiWorkflow).tasks) {
      if (!task.subWorkflowId || children.has(task.subWorkflowId)) continue;
      const child = await getWorkflow(url, task.subWorkflowId);
      children.set(task.subWorkflowId, child);
      pending.push(child);
    }
  }
  return { workflow, children };
}

/** The parts of a read that change without the run moving (update times, poll bookkeeping). */
function stripTimes(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripTimes);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value).filter(([key]) => !/Time$|^updatedBy$|^lastRetriedTime$/.test(key)).map(([key, item]) => [key, stripTimes(item)]));
}
