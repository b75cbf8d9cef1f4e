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

/** A handler that passed its deadline: its attempt was failed, but its promise has not settled yet. */
export interface OverdueHandler {
  readonly taskName: string;
  readonly taskId: string;
  readonly workflowInstanceId: string;
  /** The deadline it passed, seconds. */
  readonly deadlineSeconds: number;
  /** `Date.now()` when the deadline passed. */
  readonly overdueSince: number;
  /** Settles (never rejects) when the handler's promise finally settles. */
  readonly settled: Promise<void>;
}

const overdue = new WeakMap<object, OverdueHandler>();

/**
 * The handler still running behind a result {@link createWorker} answered because the handler
 * passed its deadline; undefined for every other result. runWorkers reports these on /health.
 */
export function overdueHandler(result: unknown): OverdueHandler | undefined {
  return typeof result === 'object' && result !== null ? overdue.get(result) : undefined;
}

/**
 * How long a handler may run: the polled task's `responseTimeoutSeconds` (conductor-oss copies it
 * from the TaskDef onto every Task it hands out, and times the attempt out once it passes without
 * an update), else the contract's, else its `timeoutSeconds`; undefined when none is positive.
 * The deadline is 10 % (at most 5 s) short of it, so the failure and its reason reach the server
 * before the server times the attempt out with a generic reason.
 */
function handlerDeadline(task: Task, contract: AnyTaskContract): { seconds: number; limitSeconds: number } | undefined {
  const options = contract.options as { responseTimeoutSeconds?: number; timeoutSeconds?: number };
  const limit = [task.responseTimeoutSeconds, options.responseTimeoutSeconds, options.timeoutSeconds].find((s): s is number => typeof s === 'number' && s > 0);
  return limit === undefined ? undefined : { seconds: Math.round((limit - Math.min(5, limit / 10)) * 10) / 10, limitSeconds: limit };
}

/**
 * A readable reason for whatever a handler threw: an Error's message, a string, an object's
 * string `message`; anything else (`Object.create(null)`, undefined, a symbol) described in JSON
 * or by `String`, without ever throwing itself.
 */
function describeThrown(taskName: string, thrown: unknown): string {
  if (thrown instanceof Error) return thrown.message !== '' ? thrown.message : `The ${taskName} handler threw ${thrown.name} with no message`;
  if (typeof thrown === 'string' && thrown !== '') return thrown;
  try {
    const message = (thrown as { message?: unknown } | null | undefined)?.message;
    if (typeof message === 'string' && message !== '') return message;
  } catch {
    // A getter or a proxy that throws: describe the value below.
  }
  let text: string;
  try {
    text = typeof thrown === 'symbol' || thrown === undefined ? String(thrown) : (JSON.stringify(thrown) ?? Object.prototype.toString.call(thrown));
  } catch {
    text = Object.prototype.toString.call(thrown);
  }
  return `The ${taskName} handler threw a value that is not an Error: ${text.slice(0, 500)}`;
}

const isTerminal = (thrown: unknown): boolean => {
  try {
    return thrown instanceof NonRetryableException || (thrown as { name?: unknown } | null | undefined)?.name === 'NonRetryableException';
  } catch {
    return false;
  }
};

/**
 * Binds a handler to a task contract as an SDK `ConductorWorker`. Input that fails the contract's
 * schema fails the task with FAILED_WITH_TERMINAL_ERROR naming every bad field (no retry can fix
 * it); so does output that fails it. A thrown error fails the attempt (retried per the TaskDef)
 * unless it is a {@link TerminalError}; a thrown value that is not an Error fails it with a
 * reason describing the value. A handler that does not settle by its deadline (10 %, at most
 * 5 s, short of the task's `responseTimeoutSeconds`, else the contract's, else its
 * `timeoutSeconds`) fails the attempt
 * (FAILED, retried), its `ctx.signal` is aborted, and {@link overdueHandler} names it until it
 * settles. Nothing a handler does escapes: the worker keeps polling.
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
    const deadline = handlerDeadline(task, contract);
    const expired = new AbortController();
    const context: TaskContext = {
      taskId,
      workflowInstanceId: task.workflowInstanceId ?? '',
      referenceTaskName: task.referenceTaskName ?? '',
      retryCount: task.retryCount ?? 0,
      pollCount: task.pollCount ?? 0,
      log: (message) => {
        if (logs.length < maxLogLines) logs.push({ log: message, createdTime: Date.now(), taskId });
      },
      signal: options.signal ? AbortSignal.any([options.signal, expired.signal]) : expired.signal,
    };
    // Called inside a promise chain, so a handler that throws before returning a promise is a rejection too.
    const running = Promise.resolve().then(() => handler(parsed.data as TaskInput<C>, context));
    const TIMED_OUT = Symbol('timed out');
    let timer: NodeJS.Timeout | undefined;
    let returned: unknown;
    try {
      returned = await (deadline === undefined
        ? running
        : Promise.race([running, new Promise<typeof TIMED_OUT>((resolve) => (timer = setTimeout(() => resolve(TIMED_OUT), deadline.seconds * 1000)))]));
    } catch (error) {
      return finish({ status: isTerminal(error) ? 'FAILED_WITH_TERMINAL_ERROR' : 'FAILED', reasonForIncompletion: describeThrown(contract.name, error), outputData: {} });
    } finally {
      clearTimeout(timer);
    }
    if (returned === TIMED_OUT) {
      const reason = `The ${contract.name} handler did not settle within ${deadline!.seconds} s (its deadline, just short of the task's responseTimeoutSeconds of ${deadline!.limitSeconds} s); the attempt fails and is retried per the task definition.`;
      expired.abort(new Error(reason));
      const result = finish({ status: 'FAILED', reasonForIncompletion: reason, outputData: {} });
      overdue.set(result, {
        taskName: contract.name,
        taskId,
        workflowInstanceId: context.workflowInstanceId,
        deadlineSeconds: deadline!.seconds,
        overdueSince: Date.now(),
        settled: running.then(
          () => undefined,
          () => undefined,
        ),
      });
      return result;
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
