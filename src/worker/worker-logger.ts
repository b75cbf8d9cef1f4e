import type { ConductorLogger } from '@io-orkes/conductor-javascript';
import { describeError } from './server-contact.ts';

/** Where the worker process writes what it does. */
export interface WorkerLogger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** Lines to stdout (info) and stderr (warnings, errors), prefixed with the time and `[workers]`. */
export const consoleLogger: WorkerLogger = {
  info: (message) => console.log(`${new Date().toISOString()} [workers] ${message}`),
  warn: (message) => console.error(`${new Date().toISOString()} [workers] WARN ${message}`),
  error: (message) => console.error(`${new Date().toISOString()} [workers] ERROR ${message}`),
};

/** Discards everything (tests, benchmarks). */
export const silentLogger: WorkerLogger = { info() {}, warn() {}, error() {} };

/** The same SDK message is written at most once per this many ms. */
const REPEAT_WINDOW_MS = 30_000;

/**
 * Adapts a {@link WorkerLogger} for the SDK. The SDK logs every failed poll (every poll
 * interval while the server is down), so a message repeated within 30 s is counted, not
 * written; its info lines (one per task type at start, ...) and debug lines are dropped, as
 * runWorkers logs what it does itself.
 */
export function sdkLogger(logger: WorkerLogger): ConductorLogger {
  const last = new Map<string, { at: number; suppressed: number }>();
  const write = (level: 'warn' | 'error', args: unknown[]): void => {
    const message = args.map((a) => (typeof a === 'string' ? a : describeError(a))).join(' ');
    const key = `${level}:${message}`;
    const now = Date.now();
    const seen = last.get(key);
    if (seen !== undefined && now - seen.at < REPEAT_WINDOW_MS) {
      seen.suppressed++;
      return;
    }
    const note = seen !== undefined && seen.suppressed > 0 ? ` (repeated ${seen.suppressed} more times in the last ${Math.round((now - seen.at) / 1000)} s)` : '';
    if (last.size > 1_000) last.clear();
    last.set(key, { at: now, suppressed: 0 });
    logger[level](`conductor sdk: ${message}${note}`);
  };
  return {
    info: () => {},
    warn: (...args) => write('warn', args),
    error: (...args) => write('error', args),
    debug: () => {},
  };
}

/** `url` without any `user:password@` part, for log lines and error messages. */
export function displayUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.username === '' && parsed.password === '') return url;
    parsed.username = '';
    parsed.password = '';
    return `${parsed.toString()} (credentials in the URL not shown)`;
  } catch {
    return url.replace(/\/\/[^\s]*@/, '//***@');
  }
}
