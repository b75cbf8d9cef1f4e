import type { ConductorLogger } from '@io-orkes/conductor-javascript';
import { pino, type DestinationStream, type Logger as PinoLogger } from 'pino';
import { describeError } from './server-contact.ts';

/** Structured fields of a log line (task name, ids, status, reason, duration...). */
export type LogFields = Readonly<Record<string, string | number | boolean | null | undefined>>;

/** Where the worker process writes what it does: one line per call, with optional fields. */
export interface WorkerLogger {
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

/** Options of {@link createJsonLogger}. */
export interface JsonLoggerOptions {
  /** Lowest level written: 'info', 'warn' or 'error'. @default 'info' */
  readonly level?: 'info' | 'warn' | 'error';
  /** Where the JSON lines go. @default stdout */
  readonly destination?: DestinationStream;
}

/**
 * A {@link WorkerLogger} that writes one JSON object per line through pino (the structured logger
 * Node services commonly ship to Loki, Elasticsearch or CloudWatch): `level` as text, `time` (ISO),
 * `msg`, `name: "k1-workers"` and the fields given, e.g.
 * `{"level":"error","time":"...","name":"k1-workers","task":"deploy_firmware_ota","taskId":"...","status":"FAILED","reason":"...","msg":"task failed"}`.
 */
export function createJsonLogger(options: JsonLoggerOptions = {}): WorkerLogger {
  const logger: PinoLogger = pino(
    {
      name: 'k1-workers',
      level: options.level ?? 'info',
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    options.destination ?? pino.destination({ dest: 1, sync: true }),
  );
  return {
    info: (message, fields) => logger.info(fields ?? {}, message),
    warn: (message, fields) => logger.warn(fields ?? {}, message),
    error: (message, fields) => logger.error(fields ?? {}, message),
  };
}

/** JSON lines to stdout (pino), from level info: what `npm run workers` writes. */
export const jsonLogger: WorkerLogger = createJsonLogger();

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
