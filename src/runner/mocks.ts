/**
 * Mocked task results as the real server's `POST /api/workflow/test` takes and uses them
 * (conductor-oss 3.32.3, observed): `run()` takes exactly what the server takes and refuses the
 * rest, with the fix in the message.
 */
import type { WorkflowDef, WorkflowTask } from '../conductor-types.ts';
import { DefinitionIndex } from './definition-index.ts';
import type { SubWorkflowMocks, TaskMock, TaskMocks } from './types.ts';

/**
 * Task types the test endpoint never completes with a mock: the operators it decides itself
 * (`WorkflowTestService.operators`) and the system tasks that finish inside the decide that
 * schedules them, before the endpoint looks (LAMBDA, JSON_JQ_TRANSFORM, EVENT). A mock for one
 * of them is ignored there.
 */
export const RUN_BY_SERVER: ReadonlySet<string> = new Set([
  'JOIN',
  'EXCLUSIVE_JOIN',
  'DO_WHILE',
  'SET_VARIABLE',
  'FORK',
  'FORK_JOIN',
  'FORK_JOIN_DYNAMIC',
  'INLINE',
  'TERMINATE',
  'DECISION',
  'SWITCH',
  'DYNAMIC',
  'SUB_WORKFLOW',
  'LAMBDA',
  'JSON_JQ_TRANSFORM',
  'EVENT',
]);

/** The statuses a mock may have: the server's `TaskResult.Status`. */
const MOCK_STATUSES: ReadonlySet<string> = new Set(['COMPLETED', 'FAILED', 'FAILED_WITH_TERMINAL_ERROR', 'IN_PROGRESS', 'CANCELED']);

/**
 * The mock queues of one workflow run: each reference's list is consumed in order, and the mocks
 * of a SUB_WORKFLOW task's child (`subWorkflowTestRequest`) are shared by every child that task
 * starts (its retries, as on the server).
 */
export class MockQueues {
  private readonly queues = new Map<string, TaskMock[]>();
  private readonly children = new Map<string, MockQueues>();

  constructor(mocks: TaskMocks = {}, subWorkflowMocks: Readonly<Record<string, SubWorkflowMocks>> = {}) {
    for (const [ref, list] of Object.entries(mocks)) this.queues.set(ref, [...list]);
    for (const [ref, sub] of Object.entries(subWorkflowMocks)) this.children.set(ref, new MockQueues(sub.taskRefToMockOutput, sub.subWorkflowTestRequest));
  }

  /** The next mock for the task with exactly this reference (`ref__2` inside a loop), if one is left. */
  take(ref: string): TaskMock | undefined {
    return this.queues.get(ref)?.shift();
  }

  /** The mocks of the child that the SUB_WORKFLOW task `ref` starts. */
  child(ref: string): MockQueues | undefined {
    return this.children.get(ref);
  }
}

/**
 * What conductor-oss 3.32.3 answers (500, observed) to a mock's `queueWaitTime` or `executionTime`
 * that Jackson cannot read as a `long` (`"soon"`); undefined for a number or a numeric string,
 * which it takes.
 */
export function mockTimeProblem(value: unknown): string | undefined {
  if (value === undefined || value === null || (typeof value === 'number' && Number.isFinite(value))) return undefined;
  if (typeof value === 'string' && /^\s*-?\d+\s*$/.test(value)) return undefined;
  const shown = typeof value === 'string' ? `String ${JSON.stringify(value)}: not a valid \`long\` value` : `${Array.isArray(value) ? 'Array' : typeof value} value`;
  return `JSON parse error: Cannot deserialize value of type \`long\` from ${shown}`;
}

/** A mock's time in milliseconds (a numeric string read as the server reads it); 0 when absent. */
export function mockMs(value: number | string | undefined): number {
  return Math.max(0, Number(value ?? 0));
}

/**
 * Refuses mocks the real server would refuse or ignore, naming the fix: a mock without `output`
 * (the server answers 500), a status it does not know, a bare reference of a task inside a
 * DO_WHILE (the server matches `ref__1`, `ref__2`, ... exactly), a `queueWaitTime` or `executionTime`
 * that is not a number of milliseconds, a mock of a task the server runs
 * itself, and sub-workflow mocks keyed by a task that is not a SUB_WORKFLOW. `childOf` gives the
 * definition a SUB_WORKFLOW task starts, where it is known before the run, to check its mocks too.
 * @throws Error listing every problem.
 */
export function checkMocks(
  def: WorkflowDef,
  mocks: TaskMocks = {},
  subWorkflowMocks: Readonly<Record<string, SubWorkflowMocks>> = {},
  childOf: (task: WorkflowTask) => WorkflowDef | undefined = () => undefined,
): void {
  const problems = mockProblems(def, mocks, subWorkflowMocks, childOf, 'mocks', 'subWorkflowMocks');
  if (problems.length > 0) throw new Error(`run() refuses mocks the real server would not take:\n  - ${problems.join('\n  - ')}`);
}

function mockProblems(
  def: WorkflowDef | undefined,
  mocks: TaskMocks,
  subWorkflowMocks: Readonly<Record<string, SubWorkflowMocks>>,
  childOf: (task: WorkflowTask) => WorkflowDef | undefined,
  where: string,
  subWhere: string,
): string[] {
  const problems: string[] = [];
  const index = def === undefined ? undefined : DefinitionIndex.of(def);
  const tasks = index?.tasksByRef() ?? new Map<string, WorkflowTask>();
  const inLoop = index?.loopBodyRefs() ?? new Set<string>();
  /** The task a key names: its own reference, or a loop body task's `ref__N`. */
  const taskOf = (key: string): WorkflowTask | undefined => {
    const base = /^(.*)__\d+$/.exec(key)?.[1];
    return tasks.get(key) ?? (base !== undefined && inLoop.has(base) ? tasks.get(base) : undefined);
  };
  const bareLoopRef = (key: string, at: string): void => {
    if (inLoop.has(key)) problems.push(`${at}: "${key}" is inside a DO_WHILE, where the server names each iteration's task ${key}__1, ${key}__2, ... and matches by that exact name; key them so: { ${key}__1: [...], ${key}__2: [...] }.`);
  };
  for (const [key, list] of Object.entries(mocks)) {
    const at = `${where}["${key}"]`;
    const task = taskOf(key);
    bareLoopRef(key, at);
    if (task !== undefined && RUN_BY_SERVER.has(task.type ?? 'SIMPLE')) {
      problems.push(`${at}: "${key}" is a ${task.type} task, which the server runs itself and never mocks; remove the mock (to steer it, mock the tasks it reads).`);
    }
    if (!Array.isArray(list)) {
      problems.push(`${at} is not a list; write [{ status: 'COMPLETED', output: { ... } }].`);
      continue;
    }
    list.forEach((mock: TaskMock, i) => {
      if (mock.status !== undefined && !MOCK_STATUSES.has(mock.status)) {
        problems.push(`${at}[${i}]: status ${JSON.stringify(mock.status)} is not one the server takes (${[...MOCK_STATUSES].join(', ')}); a timeout comes from the task's timeoutSeconds, not from a mock.`);
      }
      for (const key of ['queueWaitTime', 'executionTime'] as const) {
        const problem = mockTimeProblem(mock[key]);
        if (problem !== undefined) problems.push(`${at}[${i}].${key}: the server answers 500 to it (${problem}) and runs nothing; write a number of milliseconds, e.g. ${key}: 1000.`);
      }
      if (typeof mock.output !== 'object' || mock.output === null || Array.isArray(mock.output)) {
        problems.push(`${at}[${i}] has no output map: the server's test endpoint answers 500 to it (Cannot invoke "java.util.Map.size()" because "m" is null) and runs nothing; write { status: '${mock.status ?? 'COMPLETED'}', output: {} }.`);
      }
    });
  }
  for (const [key, sub] of Object.entries(subWorkflowMocks)) {
    const at = `${subWhere}["${key}"]`;
    const task = taskOf(key);
    bareLoopRef(key, at);
    if (task !== undefined && task.type !== 'SUB_WORKFLOW') problems.push(`${at}: "${key}" is a ${task.type ?? 'SIMPLE'} task; key a child's mocks by the SUB_WORKFLOW task that starts it.`);
    const child = task === undefined ? undefined : childOf(task);
    problems.push(...mockProblems(child, sub.taskRefToMockOutput ?? {}, sub.subWorkflowTestRequest ?? {}, childOf, `${at}.taskRefToMockOutput`, `${at}.subWorkflowTestRequest`));
  }
  return problems;
}
