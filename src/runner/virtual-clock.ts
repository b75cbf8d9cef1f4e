/** The runner's time source: virtual in tests, real in the dev server. */
export interface Clock {
  /** Epoch milliseconds now. */
  now(): number;
  /** Calls `fire` once `delayMs` have passed. */
  schedule(delayMs: number, fire: () => void): void;
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
  private readonly timers: { at: number; seq: number; fire: () => void }[] = [];

  /** @param start epoch milliseconds the clock starts at. @default 2026-01-01T00:00:00Z */
  constructor(start = Date.UTC(2026, 0, 1)) {
    this.current = start;
  }

  /** The current virtual time, epoch milliseconds. */
  now(): number {
    return this.current;
  }

  /** Calls `fire` once `delayMs` of virtual time has passed. */
  schedule(delayMs: number, fire: () => void): void {
    const timer = { at: this.current + Math.max(0, delayMs), seq: ++this.seq, fire };
    // Keep the list sorted by due time, then by insertion: timers are few, inserts are rare.
    let i = this.timers.length;
    while (i > 0 && (this.timers[i - 1]!.at > timer.at || (this.timers[i - 1]!.at === timer.at && this.timers[i - 1]!.seq > timer.seq))) i--;
    this.timers.splice(i, 0, timer);
  }

  /** Moves time to the next due timer and fires every timer due then; false when none is left. */
  advance(): boolean {
    const next = this.timers[0];
    if (next === undefined) return false;
    this.current = Math.max(this.current, next.at);
    while (this.timers.length > 0 && this.timers[0]!.at <= this.current) this.timers.shift()!.fire();
    return true;
  }

  /** How many timers are pending. */
  get pending(): number {
    return this.timers.length;
  }
}

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

  schedule(delayMs: number, fire: () => void): void {
    setTimeout(() => {
      fire();
      this.onFire();
    }, Math.max(0, delayMs)).unref();
  }

  advance(): boolean {
    return false;
  }
}
