/**
 * Part 4's time-dependent scenarios, run with real polling workers on the server (see
 * `worker-runs.ts`) and on the runner's virtual clock: retry delays (compared attempt by
 * attempt) and timeouts. The server checks timeouts on a sweep about every 30 s, so those fire
 * late there and their reasons' figures differ: they are compared with the figures masked.
 */
import type { TaskDef, WorkflowDef } from '../../src/conductor-types.ts';
import type { TaskMock, TaskMocks } from '../../src/runner/types.ts';

const F: TaskMock = { status: 'FAILED', output: {} };
const C: TaskMock = { status: 'COMPLETED', output: { done: true } };
/** An answer that comes too late: the task times out first on both sides. */
const LATE: TaskMock = { status: 'COMPLETED', output: {}, executionTime: 90_000 };

/** One time-dependent run. */
export interface TimingScenario {
  readonly name: string;
  readonly def: WorkflowDef;
  readonly taskDef: TaskDef;
  readonly mocks: TaskMocks;
  /** Seconds between the starts of consecutive attempts of `ref`, as the TaskDef sets them (compared within a tolerance). */
  readonly gaps?: { readonly ref: string; readonly seconds: readonly number[] };
  /** How long the server may take, ms (a timeout fires on the sweep, about every 30 s). */
  readonly maxMs: number;
}

function scenario(name: string, def: Partial<TaskDef>, mocks: readonly TaskMock[], maxMs: number, gaps?: readonly number[]): TimingScenario {
  const taskName = `k1c4_timing_${name.replaceAll('-', '_')}`;
  return {
    name,
    def: { name: `k1c4_timing_wf_${name.replaceAll('-', '_')}`, version: 1, schemaVersion: 2, timeoutSeconds: 0, tasks: [{ name: taskName, taskReferenceName: 'work', type: 'SIMPLE', inputParameters: { n: '${workflow.input.n}' } }] } as WorkflowDef,
    taskDef: { name: taskName, ...def } as TaskDef,
    mocks: mocks.length === 0 ? {} : { work: mocks },
    ...(gaps !== undefined && { gaps: { ref: 'work', seconds: gaps } }),
    maxMs,
  };
}

/** The scenarios; they run side by side. */
export const TIMING_SCENARIOS: readonly TimingScenario[] = [
  scenario('retry-fixed-delay', { retryCount: 2, retryLogic: 'FIXED', retryDelaySeconds: 2, responseTimeoutSeconds: 60 }, [F, F, C], 20_000, [2, 2]),
  scenario('retry-exponential-capped', { retryCount: 3, retryLogic: 'EXPONENTIAL_BACKOFF', retryDelaySeconds: 1, maxRetryDelaySeconds: 2, responseTimeoutSeconds: 60 } as Partial<TaskDef>, [F, F, F, C], 20_000, [1, 2, 2]),
  // ../shared/cases/08: attempts at 0, 2, 4 s, then the total budget of 3 s ends the retrying.
  scenario('total-timeout', { retryCount: 8, retryLogic: 'FIXED', retryDelaySeconds: 2, timeoutSeconds: 3, responseTimeoutSeconds: 2, timeoutPolicy: 'TIME_OUT_WF', totalTimeoutSeconds: 3 }, [F, F, F, F, F, C], 30_000, [2, 2]),
  scenario('response-timeout', { retryCount: 0, responseTimeoutSeconds: 2, timeoutSeconds: 0 }, [LATE], 75_000),
  scenario('task-timeout-time-out-wf', { retryCount: 0, timeoutSeconds: 3, responseTimeoutSeconds: 3, timeoutPolicy: 'TIME_OUT_WF' }, [LATE], 75_000),
  scenario('task-timeout-retry', { retryCount: 1, retryDelaySeconds: 0, timeoutSeconds: 3, responseTimeoutSeconds: 3, timeoutPolicy: 'RETRY' }, [LATE, C], 75_000),
  scenario('poll-timeout', { retryCount: 0, pollTimeoutSeconds: 2, responseTimeoutSeconds: 60, timeoutPolicy: 'TIME_OUT_WF' } as Partial<TaskDef>, [], 75_000),
];

/** Figures in a reason (`after 31 seconds`) read `<n>`: the server's sweep makes them late. */
export function maskFigures(text: string): string {
  return text.replace(/\b\d+( seconds)/g, '<n>$1');
}
