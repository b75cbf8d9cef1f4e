import type { WorkflowDef, WorkflowTask } from '../conductor-types.ts';
import type { Execution } from './execution.ts';
import type { MockQueues } from './mocks.ts';
import type { Registry } from './registry.ts';
import type { ScriptSandbox } from './script-sandbox.ts';
import type { TaskRun, TaskRunStatus, WorkflowStatus } from './types.ts';
import type { Clock } from './virtual-clock.ts';

/**
 * The engine as system tasks see it: the few decider steps they take themselves. A narrow
 * interface, so that the engine (which runs the system tasks) and the system tasks do not import
 * each other; `Engine` implements it.
 */
export interface EngineSteps {
  /** Starts a workflow (a sub-workflow, START_WORKFLOW); it runs on the next settle. */
  start(
    def: WorkflowDef,
    input: Record<string, unknown>,
    options?: { correlationId?: string | undefined; parent?: Execution['parent']; workflowId?: string; mocks?: MockQueues | undefined; taskToDomain?: Readonly<Record<string, string>> | undefined },
  ): Execution;
  /** Ends a workflow with a status and reason. */
  endWorkflow(exec: Execution, status: Exclude<WorkflowStatus, 'RUNNING' | 'PAUSED'>, reason: string | undefined, options?: { byApi?: boolean; failedTask?: TaskRun }): void;
  /** Creates and starts a task from its definition (a retry keeps `retryOf`'s input). */
  schedule(exec: Execution, wt: WorkflowTask, retryOf?: TaskRun, input?: Record<string, unknown>, delaySeconds?: number): TaskRun | undefined;
  /** Marks a task started and arms its timeouts. */
  startRun(exec: Execution, run: TaskRun): void;
  /** Records a task's final status and output without moving the workflow on. */
  markDone(exec: Execution, run: TaskRun, status: TaskRunStatus, output: Record<string, unknown>, reason?: string): void;
  /** Schedules what runs after `wt` finished. */
  next(exec: Execution, wt: WorkflowTask): void;
  /** Completes every JOIN whose tasks have all finished (or fails it). */
  checkJoins(exec: Execution): void;
  /** Records a task a dynamic fork made at run time. */
  markRuntime(wt: WorkflowTask): void;
  /** Runs `action` on the loop after what is queued now (the server's next decide pass). */
  enqueue(action: () => void): void;
  /** Publishes a message on a `conductor` queue: the event handlers listening there get it after what is queued now. */
  publishEvent(event: string, payload: Record<string, unknown>): void;
}

/** What a system task implementation gets from the engine. */
export interface SystemTaskContext {
  readonly engine: EngineSteps;
  readonly execution: Execution;
  readonly sandbox: ScriptSandbox;
  readonly registry: Registry;
  readonly clock: Clock;
  /** Finishes the task and moves the workflow on. */
  readonly finish: (run: TaskRun, status: TaskRunStatus, output: Record<string, unknown>, reason?: string) => void;
  /** Waits for real work (an HTTP call) without letting virtual time pass. */
  readonly track: <T>(promise: Promise<T>, then: (value: T) => void, fail: (error: unknown) => void) => void;
  /** Whether the server runs this task type itself (`SystemTaskRegistry.isSystemTask`). */
  readonly isSystemType: (type: string) => boolean;
}

/** A built-in task type: how it starts once scheduled. */
export interface SystemTask {
  /** Laid out with its first child tasks when scheduled (forks, switches), as the server's mappers do. */
  readonly expands?: boolean;
  /** What the server's task mapper writes into the input besides the resolved inputParameters (even when a mock then answers). */
  readonly mapInput?: (wt: WorkflowTask, input: Record<string, unknown>) => Record<string, unknown>;
  /** Runs the task once it is scheduled (a DO_WHILE is started again each time an iteration's tasks are done). */
  readonly start: (ctx: SystemTaskContext, run: TaskRun) => void;
}

/** An error's message, or the thrown value as text. */
export function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
