import { NonRetryableException, getTaskContext, type ConductorWorker, type Task } from '@io-orkes/conductor-javascript';
import type { z } from 'zod';
import type { AnyTaskContract, TaskInput, TaskOutput } from '../contract/define-task.ts';

/** What a handler gets besides its input. */
export interface TaskContext {
  readonly taskId: string;
  readonly workflowInstanceId: string;
  readonly referenceTaskName: string;
  /** 0 on the first attempt. */
  readonly retryCount: number;
  /** How many times this task was handed to a worker (callbacks count). */
  readonly pollCount: number;
  /** Appends a line to the task's logs (shown in the Conductor UI). */
  readonly log: (message: string) => void;
  /** Aborted when the worker process is shutting down and the deadline passed. */
  readonly signal: AbortSignal;
}

/** A handler's request to be called again later: the task stays IN_PROGRESS. */
export interface CallBackLater<O> {
  readonly kind: 'callBackLater';
  readonly afterSeconds: number;
  readonly partialOutput?: Partial<O>;
}

/** Ask Conductor to hand the task back after `afterSeconds` (a long build, a device rebooting). */
export function callBackLater<O>(afterSeconds: number, partialOutput?: Partial<O>): CallBackLater<O> {
  return { kind: 'callBackLater', afterSeconds, ...(partialOutput !== undefined && { partialOutput }) };
}

/** Throw this for a failure no retry can fix (bad input, a missing artifact): FAILED_WITH_TERMINAL_ERROR. */
export class TerminalError extends NonRetryableException {
  constructor(message: string) {
    super(message);
    this.name = 'TerminalError';
  }
}

/** A handler bound to a contract: typed input in, typed output (or a callback request) out. */
export type TaskHandler<C extends AnyTaskContract> = (input: z.output<C['input']>, context: TaskContext) => Promise<TaskOutput<C> | z.input<C['output']> | CallBackLater<TaskOutput<C>>>;

/** What the binding reports about each execution, for metrics and the status page. */
export interface ExecutionObserver {
  readonly onStart?: (taskName: string) => void;
  readonly onEnd?: (taskName: string, status: 'COMPLETED' | 'FAILED' | 'FAILED_WITH_TERMINAL_ERROR' | 'IN_PROGRESS', seconds: number) => void;
}

/** Options of {@link createWorker}. */
export interface WorkerOptions {
  /** Concurrent executions of this worker. @default 1 */
  readonly concurrency?: number;
  /** Milliseconds between polls when the queue is empty. @default 100 */
  readonly pollInterval?: number;
  /** Task domain to poll. */
  readonly domain?: string;
  /** Most log lines kept per execution. @default 100 */
  readonly maxLogLines?: number;
  /** Told about every execution (runWorkers uses it for metrics). */
  readonly observer?: ExecutionObserver;
  /** Aborted on shutdown; handlers see it as `context.signal`. */
  readonly signal?: AbortSignal;
}

/** The zod issues as `path: message` lines, so a reason names every bad field. */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.length > 0 ? i.path.join('.') : '(root)'}: ${i.message}`).join('; ');
}

function isCallBackLater(value: unknown): value is CallBackLater<unknown> {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'callBackLater';
}

type Result = Awaited<ReturnType<ConductorWorker['execute']>>;

/**
 * Binds a handler to a task contract as an SDK `ConductorWorker`. Input that fails the contract's
 * schema fails the task with FAILED_WITH_TERMINAL_ERROR naming every bad field (no retry can fix
 * it); so does output that fails it. A thrown error fails the attempt (retried per the TaskDef)
 * unless it is a {@link TerminalError}. Nothing a handler does escapes: the worker keeps polling.
 *
 * @example
 * ```ts
 * const worker = createWorker(platformioCompile, async (input, ctx) => {
 *   ctx.log(`building ${input.environment}`);
 *   return pio.build(input.environment);
 * });
 * ```
 */
export function createWorker<C extends AnyTaskContract>(contract: C, handler: TaskHandler<C>, options: WorkerOptions = {}): ConductorWorker {
  const maxLogLines = options.maxLogLines ?? 100;
  const execute = async (task: Task): Promise<Result> => {
    const started = performance.now();
    const logs: { log: string; createdTime: number; taskId: string }[] = [];
    const taskId = task.taskId ?? '';
    const finish = (result: Result): Result => {
      options.observer?.onEnd?.(contract.name, (result.status ?? 'COMPLETED') as 'COMPLETED', (performance.now() - started) / 1000);
      if (logs.length === 0) return result;
      // The SDK's TaskRunner (4.0.0) drops the `logs` of an IN_PROGRESS result and reports only
      // the logs of its task context, so under the SDK they go there.
      const sdkContext = result.status === 'IN_PROGRESS' ? getTaskContext() : undefined;
      if (sdkContext === undefined) return { ...result, logs };
      for (const line of logs) sdkContext.addLog(line.log);
      return result;
    };
    options.observer?.onStart?.(contract.name);
    const parsed = contract.input.safeParse(task.inputData ?? {});
    if (!parsed.success) {
      return finish({
        status: 'FAILED_WITH_TERMINAL_ERROR',
        reasonForIncompletion: `Invalid input for ${contract.name}: ${describeIssues(parsed.error)}. Fix the workflow's inputParameters for this task.`,
        outputData: { validationErrors: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) },
      });
    }
    const context: TaskContext = {
      taskId,
      workflowInstanceId: task.workflowInstanceId ?? '',
      referenceTaskName: task.referenceTaskName ?? '',
      retryCount: task.retryCount ?? 0,
      pollCount: task.pollCount ?? 0,
      log: (message) => {
        if (logs.length < maxLogLines) logs.push({ log: message, createdTime: Date.now(), taskId });
      },
      signal: options.signal ?? new AbortController().signal,
    };
    let returned: unknown;
    try {
      returned = await handler(parsed.data as TaskInput<C>, context);
    } catch (error) {
      const terminal = error instanceof NonRetryableException || (error as { name?: string })?.name === 'NonRetryableException';
      const message = error instanceof Error ? error.message : String(error);
      return finish({ status: terminal ? 'FAILED_WITH_TERMINAL_ERROR' : 'FAILED', reasonForIncompletion: message, outputData: {} });
    }
    if (isCallBackLater(returned)) {
      return finish({ status: 'IN_PROGRESS', callbackAfterSeconds: returned.afterSeconds, outputData: (returned.partialOutput ?? {}) as Record<string, unknown> });
    }
    const output = contract.output.safeParse(returned);
    if (!output.success) {
      return finish({
        status: 'FAILED_WITH_TERMINAL_ERROR',
        reasonForIncompletion: `The ${contract.name} handler returned output that breaks its contract: ${describeIssues(output.error)}. Fix the handler.`,
        outputData: {},
      });
    }
    return finish({ status: 'COMPLETED', outputData: output.data as Record<string, unknown> });
  };
  return {
    taskDefName: contract.name,
    execute,
    ...(options.concurrency !== undefined && { concurrency: options.concurrency }),
    ...(options.pollInterval !== undefined && { pollInterval: options.pollInterval }),
    ...(options.domain !== undefined && { domain: options.domain }),
  };
}
