import type { TaskResult } from '@io-orkes/conductor-javascript';

/** Where an in-flight task is: its handler is running, or its result is on its way to Conductor. */
export type InFlightPhase = 'executing' | 'reporting';

/** A task this process holds: polled (or handed over) and not yet confirmed by the server. */
export interface InFlightTask {
  readonly taskName: string;
  readonly taskId: string;
  readonly workflowInstanceId: string;
  /** `Date.now()` when the handler started. */
  readonly startedAt: number;
  readonly phase: InFlightPhase;
}

/** What {@link InFlightTracker.start} hands the executing wrapper; give it back to {@link InFlightTracker.executed}. */
export interface Execution {
  readonly task: InFlightTask;
  /**
   * Settles with the hand-back result if shutdown reaches its deadline before the handler
   * returns; the wrapper races the handler against it.
   */
  readonly handedBack: Promise<HandBackResult>;
}

/** The result that gives a task back to Conductor's queue without using up a retry. */
export type HandBackResult = Pick<TaskResult, 'status' | 'callbackAfterSeconds' | 'outputData' | 'logs'> & { status: 'IN_PROGRESS'; callbackAfterSeconds: number };

interface Entry {
  task: { -readonly [K in keyof InFlightTask]: InFlightTask[K] };
  handBack?: (result: HandBackResult) => void;
  handedBack: boolean;
}

/**
 * Tracks the tasks a worker process holds, from the start of their handler until the server
 * confirmed their result (the SDK's `onTaskUpdateCompleted`/`onTaskUpdateFailure` events), and
 * the batch polls in flight (a poll answered after `stopPolling()` still hands its tasks to the
 * SDK, which executes them). Shutdown waits for both to drain.
 */
export class InFlightTracker {
  // A list, not a map by task id: a task handed back (callback 0) can be polled again before
  // the update that handed it back is confirmed, so one id can be held twice for a moment.
  private readonly entries: Entry[] = [];
  private pollsInFlight = 0;
  private readonly waiters = new Set<() => void>();
  /** Results the server never confirmed (the SDK gave up after its retries). */
  readonly unreported: InFlightTask[] = [];
  /** Tasks given back to the queue at shutdown. */
  readonly handedBack: InFlightTask[] = [];
  /** Tasks that finished (not handed back) and whose result the server confirmed since {@link markShutdown}. */
  finishedDuringShutdown = 0;
  private shuttingDown = false;

  /** Registers a handler start; the returned execution is ended by {@link executed}. */
  start(taskName: string, taskId: string, workflowInstanceId: string): Execution {
    const entry: Entry = { task: { taskName, taskId, workflowInstanceId, startedAt: Date.now(), phase: 'executing' }, handedBack: false };
    const handedBack = new Promise<HandBackResult>((resolve) => (entry.handBack = resolve));
    this.entries.push(entry);
    return { task: entry.task, handedBack };
  }

  /** The handler returned (or threw): the SDK is reporting its result now. */
  executed(execution: Execution): void {
    const entry = this.entries.find((e) => e.task === execution.task);
    if (entry === undefined) return;
    entry.task.phase = 'reporting';
    delete entry.handBack;
  }

  /** A task the SDK never ran (handed back by us directly) is being reported. */
  reporting(taskName: string, taskId: string, workflowInstanceId: string): void {
    this.entries.push({ task: { taskName, taskId, workflowInstanceId, startedAt: Date.now(), phase: 'reporting' }, handedBack: true });
  }

  /** The server confirmed the result of `taskId` (`ok`), or the SDK gave up reporting it. */
  reported(taskId: string, ok: boolean): void {
    const index = this.entries.findIndex((e) => e.task.taskId === taskId && e.task.phase === 'reporting');
    if (index === -1) return;
    const [entry] = this.entries.splice(index, 1) as [Entry];
    if (!ok) this.unreported.push({ ...entry.task });
    else if (this.shuttingDown && !entry.handedBack) this.finishedDuringShutdown++;
    this.notify();
  }

  /** A batch poll went out. */
  pollStarted(): void {
    this.pollsInFlight++;
  }

  /** A batch poll came back (with or without tasks) or failed. */
  pollEnded(): void {
    this.pollsInFlight = Math.max(0, this.pollsInFlight - 1);
    this.notify();
  }

  /** From now on, count confirmations as work finished during shutdown. */
  markShutdown(): void {
    this.shuttingDown = true;
  }

  /**
   * Resolves every handler still running with `result` (their late results are ignored) and
   * returns those tasks.
   */
  handBackAll(result: HandBackResult): InFlightTask[] {
    const given: InFlightTask[] = [];
    for (const entry of this.entries) {
      if (entry.task.phase !== 'executing' || entry.handBack === undefined) continue;
      entry.handedBack = true;
      entry.handBack(result);
      delete entry.handBack;
      given.push({ ...entry.task });
    }
    this.handedBack.push(...given);
    return given;
  }

  /** Records a task handed back without being run (see {@link reporting}). */
  noteHandedBack(task: InFlightTask): void {
    this.handedBack.push(task);
  }

  /** Tasks held right now. */
  list(): InFlightTask[] {
    return this.entries.map((e) => ({ ...e.task }));
  }

  /** Number of tasks held right now. */
  get size(): number {
    return this.entries.length;
  }

  /** Tasks of `taskName` held right now. */
  countOf(taskName: string): number {
    let n = 0;
    for (const entry of this.entries) if (entry.task.taskName === taskName) n++;
    return n;
  }

  /**
   * Resolves once no task is held and (with `polls`) no poll is in flight, or when `signal`
   * aborts. Idleness is confirmed a macrotask later: between a poll's answer and the start of its
   * tasks' handlers the SDK only hops through microtasks, so a task cannot slip through the gap.
   */
  async idle(signal: AbortSignal, polls = true): Promise<void> {
    const isIdle = (): boolean => this.entries.length === 0 && (!polls || this.pollsInFlight === 0);
    while (!signal.aborted) {
      if (isIdle()) {
        await new Promise((resolve) => setTimeout(resolve, 0));
        if (isIdle()) return;
        continue;
      }
      await new Promise<void>((resolve) => {
        const done = (): void => {
          this.waiters.delete(done);
          signal.removeEventListener('abort', done);
          resolve();
        };
        this.waiters.add(done);
        signal.addEventListener('abort', done, { once: true });
      });
    }
  }

  private notify(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}
