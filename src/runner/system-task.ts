import type { WorkflowTask } from '../conductor-types.ts';
import type { Engine } from './engine.ts';
import type { Execution } from './execution.ts';
import type { Registry } from './registry.ts';
import type { ScriptSandbox } from './script-sandbox.ts';
import type { TaskRun, TaskRunStatus } from './types.ts';
import type { Clock } from './virtual-clock.ts';

/** What a system task implementation gets from the engine. */
export interface SystemTaskContext {
  readonly engine: Engine;
  readonly execution: Execution;
  readonly sandbox: ScriptSandbox;
  readonly registry: Registry;
  readonly clock: Clock;
  /** Finishes the task and moves the workflow on. */
  readonly finish: (run: TaskRun, status: TaskRunStatus, output: Record<string, unknown>, reason?: string) => void;
  /** Waits for real work (an HTTP call) without letting virtual time pass. */
  readonly track: <T>(promise: Promise<T>, then: (value: T) => void, fail: (error: unknown) => void) => void;
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
