import { randomUUID } from 'node:crypto';
import type { WorkflowDef } from '../conductor-types.ts';
import { Engine } from '../runner/engine.ts';
import type { Execution } from '../runner/execution.ts';
import { mockTimeProblem, MockQueues } from '../runner/mocks.ts';
import type { SubWorkflowMocks, TaskMock, TaskMocks } from '../runner/types.ts';
import { VirtualClock } from '../runner/virtual-clock.ts';
import { HttpError, isObject } from './http.ts';
import { SnapshotRegistry } from './definitions.ts';
import type { DevRuntime } from './runtime.ts';

/**
 * `POST /api/workflow/test` (a StartWorkflowRequest plus `taskRefToMockOutput`): runs the workflow
 * at once with the mocks, on its own engine and a virtual clock that starts now, and keeps the run
 * so that `GET /api/workflow/{id}` finds it, as the real server does. Like conductor-oss 3.32.3, it
 * maps every worker task to a domain of its own (`taskToDomain: {"*": <uuid>}`) so that no worker
 * polls them, and answers 500 when a mock has no `output` (the server's
 * `Cannot invoke "java.util.Map.size()" because "m" is null`). A sub-workflow's mocks come from
 * `subWorkflowTestRequest`, keyed by the SUB_WORKFLOW task's reference, as on the server.
 */
export async function runTest(runtime: DevRuntime, def: WorkflowDef, request: Record<string, unknown>): Promise<Execution> {
  const mocks = new RecordedMocks(mocksOf(request['taskRefToMockOutput']), subWorkflowMocksOf(request['subWorkflowTestRequest']));
  const engine = new Engine({
    registry: new SnapshotRegistry(runtime.store),
    executors: new Map(),
    clock: new VirtualClock(Date.now()),
    onWorkflowEnd: (exec) => runtime.recordEnd(exec),
  });
  const input = isObject(request['input']) ? request['input'] : {};
  const correlationId = typeof request['correlationId'] === 'string' ? request['correlationId'] : undefined;
  const exec = engine.start(runtime.store.snapshot(def), input, { correlationId, mocks });
  runtime.adoptTestRun(exec, { '*': randomUUID() });
  await engine.settle();
  asTheServerWritesMocks(exec, mocks);
  return exec;
}

/** Mock queues that remember, per reference name, the mocks taken in order. */
class RecordedMocks extends MockQueues {
  readonly taken = new Map<string, TaskMock[]>();

  override take(ref: string): TaskMock | undefined {
    const mock = super.take(ref);
    if (mock === undefined) return undefined;
    const list = this.taken.get(ref);
    if (list === undefined) this.taken.set(ref, [mock]);
    else list.push(mock);
    return mock;
  }
}

/**
 * The engine plays each mock as a worker that polled the task (so that retry delays and timeouts
 * run in virtual time, as `run()` needs). conductor-oss 3.32.3's WorkflowTestService posts a mock
 * as a task update without a poll: the task keeps `pollCount` 0 and `startTime` 0, unless the mock
 * has an `executionTime` or `queueWaitTime`, which it writes into the task's times itself. The
 * top-level tasks are written so here; a sub-workflow's tasks keep the engine's values.
 */
function asTheServerWritesMocks(exec: Execution, mocks: RecordedMocks): void {
  for (const [ref, taken] of mocks.taken) {
    const runs = exec.tasks.filter((task) => task.referenceTaskName === ref);
    taken.forEach((mock, i) => {
      const run = runs[i];
      if (run === undefined) return;
      run.pollCount = 0;
      if (!((mock.executionTime ?? 0) > 0 || (mock.queueWaitTime ?? 0) > 0)) run.startTime = 0;
    });
  }
}

/**
 * Refuses a WorkflowTestRequest whose mocks have a `queueWaitTime` or `executionTime` Jackson
 * cannot read as a `long`, before anything else is looked at, as conductor-oss 3.32.3 does while
 * it reads the body: 500 `JSON parse error: Cannot deserialize value of type \`long\` ...`.
 * @throws HttpError 500 with the server's message.
 */
export function refuseUnreadableMockTimes(request: Record<string, unknown>): void {
  const lists = isObject(request['taskRefToMockOutput']) ? Object.values(request['taskRefToMockOutput']) : [];
  for (const mock of lists.flatMap((list) => (Array.isArray(list) ? list : []))) {
    const problem = isObject(mock) ? (mockTimeProblem(mock['queueWaitTime']) ?? mockTimeProblem(mock['executionTime'])) : undefined;
    if (problem !== undefined) throw new HttpError(500, problem);
  }
  for (const child of isObject(request['subWorkflowTestRequest']) ? Object.values(request['subWorkflowTestRequest']) : []) if (isObject(child)) refuseUnreadableMockTimes(child);
}

function mocksOf(value: unknown): TaskMocks {
  if (!isObject(value)) return {};
  for (const list of Object.values(value)) {
    if (!Array.isArray(list) || list.some((mock) => !isObject(mock) || !isObject(mock['output']))) {
      throw new HttpError(500, 'Cannot invoke "java.util.Map.size()" because "m" is null');
    }
  }
  return value as TaskMocks;
}

function subWorkflowMocksOf(value: unknown): Record<string, SubWorkflowMocks> {
  if (!isObject(value)) return {};
  return Object.fromEntries(
    Object.entries(value).map(([ref, sub]) => {
      const child = isObject(sub) ? sub : {};
      return [ref, { taskRefToMockOutput: mocksOf(child['taskRefToMockOutput']), subWorkflowTestRequest: subWorkflowMocksOf(child['subWorkflowTestRequest']) }];
    }),
  );
}
