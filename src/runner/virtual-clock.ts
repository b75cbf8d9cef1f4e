/**
 * What a timer is for. `progress` timers are work that will happen (a retry delay, a WAIT, a
 * mocked execution time); `deadline` timers only cut waiting short (timeouts). Virtual time moves
 * on by itself only towards progress: a run waiting on a person stays waiting until the test lets
 * time pass.
 */
export type TimerKind = 'progress' | 'deadline';

/** The runner's time source: virtual in tests, real in the dev server. */
export interface Clock {
  /** Epoch milliseconds now. */
  now(): number;
  /** Calls `fire` once `delayMs` have passed. */
  schedule(delayMs: number, fire: () => void, kind?: TimerKind): void;
  /** Moves time on to the next timer and fires it; false when time cannot be moved by hand. */
  advance(): boolean;
}

/**
 * Virtual time for the runner: waits, retry delays and timeouts pass instantly, in the order they
 * are due. Time only moves when the runner has nothing else to do.
 */
export class VirtualClock implements Clock {
  private current: number;
  private seq = 0;
  private readonly timers: { at: number; seq: number; fire: () => void; kind: TimerKind }[] = [];

  /** @param start epoch milliseconds the clock starts at. @default 2026-01-01T00:00:00Z */
  constructor(start = Date.UTC(2026, 0, 1)) {
    this.current = start;
  }

  /** The current virtual time, epoch milliseconds. */
  now(): number {
    return this.current;
  }

  /** Calls `fire` once `delayMs` of virtual time has passed. */
  schedule(delayMs: number, fire: () => void, kind: TimerKind = 'progress'): void {
    const timer = { at: this.current + Math.max(0, delayMs), seq: ++this.seq, fire, kind };
    // Keep the list sorted by due time, then by insertion: timers are few, inserts are rare.
    let i = this.timers.length;
    while (i > 0 && (this.timers[i - 1]!.at > timer.at || (this.timers[i - 1]!.at === timer.at && this.timers[i - 1]!.seq > timer.seq))) i--;
    this.timers.splice(i, 0, timer);
  }

  /**
   * Moves time to the next progress timer, firing every timer due until then (deadlines
   * included, in order); false when no progress timer is left.
   */
  advance(): boolean {
    const next = this.timers.find((t) => t.kind === 'progress');
    if (next === undefined) return false;
    this.fireUntil(next.at);
    return true;
  }

  /** Lets `ms` of virtual time pass, firing every timer due in it; deadlines too. */
  advanceBy(ms: number): void {
    this.fireUntil(this.current + Math.max(0, ms));
  }

  private fireUntil(time: number): void {
    while (this.timers.length > 0 && this.timers[0]!.at <= time) {
      const timer = this.timers.shift()!;
      this.current = Math.max(this.current, timer.at);
      timer.fire();
    }
    this.current = Math.max(this.current, time);
  }

  /** How many timers are pending. */
  get pending(): number {
    return this.timers.length;
  }
}

/** The longest delay `setTimeout` keeps (2^31-1 ms); a longer one fires at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Wall-clock time, for the dev server: timers really wait, then call `onFire` so that the engine
 * runs what they released.
 */
export class RealClock implements Clock {
  private onFire: () => void = () => undefined;

  /** Sets what runs after any timer fired (the engine's settle). */
  setOnFire(onFire: () => void): void {
    this.onFire = onFire;
  }

  now(): number {
    return Date.now();
  }

  /**
   * Calls `fire` once `delayMs` have passed. A delay past `setTimeout`'s limit (2^31-1 ms, 24.8
   * days), which Node would fire at once, is waited out in steps (a `WAIT 30d`, a month's timeoutSeconds).
   */
  schedule(delayMs: number, fire: () => void): void {
    const due = Date.now() + Math.max(0, delayMs);
    const wait = (): void => {
      const left = due - Date.now();
      if (left > MAX_TIMER_MS) {
        setTimeout(wait, MAX_TIMER_MS).unref();
        return;
      }
      setTimeout(() => {
        fire();
        this.onFire();
      }, Math.max(0, left)).unref();
    };
    wait();
  }

  advance(): boolean {
    return false;
  }
}
