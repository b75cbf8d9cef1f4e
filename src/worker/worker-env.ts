import { statSync } from 'node:fs';
import type { RunWorkersOptions } from './run-workers.ts';
import { WorkerError, type WorkerProblem } from './worker-error.ts';
import { displayUrl } from './worker-logger.ts';

/**
 * The worker process configuration, read from the environment by {@link parseWorkerEnv}:
 * Conductor's address and credentials, how the process polls, and `settings`, the application's
 * own settings read by the {@link WorkerSettings} it passed (`undefined` when it passed none).
 */
export interface WorkerEnv<S = undefined> {
  readonly conductor: {
    readonly serverUrl: string;
    /** Set together with keySecret (Orkes), or neither (Conductor OSS). */
    readonly keyId?: string;
    readonly keySecret?: string;
  };
  readonly worker: {
    readonly concurrency?: number;
    readonly pollIntervalMs?: number;
    readonly domain?: string;
    readonly workerId?: string;
    readonly healthPort: number;
    readonly healthHost: string;
    readonly shutdownTimeoutMs: number;
  };
  /** What the application's {@link WorkerSettings} read. */
  readonly settings: S;
}

/** One environment variable the worker process reads. */
export interface EnvVariable {
  readonly name: string;
  readonly required: boolean;
  /** Its value is a secret: never printed. */
  readonly secret: boolean;
  readonly description: string;
  readonly example: string;
  /** What is used when it is unset. */
  readonly default?: string;
}

/**
 * The variables every worker process reads (Conductor, polling, health, shutdown), for `--help`
 * and the docs. An application's own come with its {@link WorkerSettings} (`variables`).
 */
export const WORKER_ENV_VARIABLES: readonly EnvVariable[] = [
  { name: 'CONDUCTOR_SERVER_URL', required: true, secret: false, description: 'Conductor server base URL', example: 'http://localhost:8080' },
  { name: 'CONDUCTOR_AUTH_KEY', required: false, secret: true, description: 'Orkes application key id (with CONDUCTOR_AUTH_SECRET; neither for Conductor OSS)', example: 'a1b2c3d4-...' },
  { name: 'CONDUCTOR_AUTH_SECRET', required: false, secret: true, description: 'Orkes application key secret (with CONDUCTOR_AUTH_KEY)', example: '<the key secret>' },
  { name: 'WORKER_CONCURRENCY', required: false, secret: false, description: 'Concurrent executions per task type', example: '4', default: '1' },
  { name: 'WORKER_POLL_INTERVAL_MS', required: false, secret: false, description: 'Milliseconds between polls of an empty queue', example: '100', default: '100' },
  { name: 'WORKER_DOMAIN', required: false, secret: false, description: 'Task domain to poll', example: 'lab-bench-2' },
  { name: 'WORKER_ID', required: false, secret: false, description: 'Worker id reported to Conductor', example: 'k1-builder-1', default: 'the host name' },
  { name: 'HEALTH_PORT', required: false, secret: false, description: 'Port of /health, /status and /metrics (0 picks a free one)', example: '9464', default: '9464' },
  { name: 'HEALTH_HOST', required: false, secret: false, description: 'Address the health server listens on (0.0.0.0 in a container)', example: '0.0.0.0', default: '127.0.0.1' },
  { name: 'SHUTDOWN_TIMEOUT_MS', required: false, secret: false, description: 'How long running tasks may take to finish on SIGTERM before they are handed back', example: '30000', default: '30000' },
];

/** What {@link parseWorkerEnv} asks of the file system (tests pass their own). */
export interface EnvFileSystem {
  /** 'dir', 'file', or undefined when nothing is at `path`. */
  kind(path: string): 'dir' | 'file' | undefined;
}

/**
 * What a {@link WorkerSettings} reads the environment with. A problem is recorded with
 * {@link bad} (or by a helper), never thrown: {@link parseWorkerEnv} throws them all together,
 * after the worker variables' own.
 */
export interface EnvReader {
  /** The directory relative paths are resolved against. */
  readonly cwd: string;
  /** The file system to check paths on. */
  readonly fs: EnvFileSystem;
  /** The variable's value, trimmed; undefined when unset or empty (`NAME=` in an env file means "not set"). */
  get(name: string): string | undefined;
  /** Records a problem with variable `name`; the variable's example is appended. Returns undefined. */
  bad(name: string, message: string): undefined;
  /** `value` quoted for a message, cut to 80 characters. */
  shown(value: string): string;
  /** The value, or a problem saying it is not set and to give `what`. */
  required(name: string, what: string): string | undefined;
  /** A whole number from `min` to `max`; `fallback` when unset; a problem when it is anything else. */
  int(name: string, min: number, max: number, fallback?: number): number | undefined;
  /** `raw` when it is an http(s) URL (undefined stays undefined); a problem otherwise, credentials never shown. */
  httpUrl(name: string, raw: string | undefined): string | undefined;
}

/**
 * An application's own settings of its worker process (paths, executables, ...), read from the
 * environment by {@link parseWorkerEnv} beside the worker variables.
 *
 * @example
 * ```ts
 * const settings: WorkerSettings<{ dataDir: string }> = {
 *   variables: [{ name: 'DATA_DIR', required: true, secret: false, description: 'Where data goes', example: '/var/lib/app' }],
 *   parse: (env) => ({ dataDir: env.required('DATA_DIR', 'a directory') ?? '' }),
 * };
 * const config = parseWorkerEnv(process.env, { settings }); // config.settings.dataDir
 * ```
 */
export interface WorkerSettings<S> {
  /** Every variable `parse` reads: for `--help`, the docs, and the example each problem ends with. */
  readonly variables: readonly EnvVariable[];
  /** Reads the settings; what it returns is only used when no problem was recorded. */
  parse(env: EnvReader): S;
}

/** Options of {@link parseWorkerEnv}. */
export interface ParseWorkerEnvOptions {
  /** Relative paths are resolved against it. @default process.cwd() */
  readonly cwd?: string;
  /** @default the real file system */
  readonly fs?: EnvFileSystem;
}

const realFileSystem: EnvFileSystem = {
  kind(path) {
    try {
      const stat = statSync(path);
      return stat.isDirectory() ? 'dir' : 'file';
    } catch {
      return undefined;
    }
  },
};

/**
 * Reads the worker process configuration from `env`: the {@link WORKER_ENV_VARIABLES}, then the
 * application's own `settings`, if given. Every missing or malformed variable is reported at once,
 * each with what is wrong and an example, in one {@link WorkerError} (code `INVALID_ENV`, one
 * problem per variable); secret values never appear in a message. Relative paths are resolved
 * against `cwd`.
 *
 * @example
 * ```ts
 * const config = parseWorkerEnv(process.env);
 * await runWorkers({ ...runWorkersOptions(config), workers });
 * ```
 */
export function parseWorkerEnv(env: Readonly<Record<string, string | undefined>>, options?: ParseWorkerEnvOptions): WorkerEnv;
export function parseWorkerEnv<S>(env: Readonly<Record<string, string | undefined>>, options: ParseWorkerEnvOptions & { readonly settings: WorkerSettings<S> }): WorkerEnv<S>;
export function parseWorkerEnv<S>(
  env: Readonly<Record<string, string | undefined>>,
  options: ParseWorkerEnvOptions & { readonly settings?: WorkerSettings<S> } = {},
): WorkerEnv<S | undefined> {
  const variables = [...WORKER_ENV_VARIABLES, ...(options.settings?.variables ?? [])];
  const problems: WorkerProblem[] = [];
  const reader = envReader(env, options.cwd ?? process.cwd(), options.fs ?? realFileSystem, variables, problems);
  const { bad, get, shown, int, httpUrl, required } = reader;

  const serverUrl = httpUrl('CONDUCTOR_SERVER_URL', required('CONDUCTOR_SERVER_URL', "the Conductor server's base URL"));
  const keyId = get('CONDUCTOR_AUTH_KEY');
  const keySecret = get('CONDUCTOR_AUTH_SECRET');
  if (keyId !== undefined && keySecret === undefined) bad('CONDUCTOR_AUTH_SECRET', 'is not set but CONDUCTOR_AUTH_KEY is: Orkes needs both halves of the application key (for Conductor OSS, unset CONDUCTOR_AUTH_KEY).');
  if (keyId === undefined && keySecret !== undefined) bad('CONDUCTOR_AUTH_KEY', 'is not set but CONDUCTOR_AUTH_SECRET is: Orkes needs both halves of the application key (for Conductor OSS, unset CONDUCTOR_AUTH_SECRET).');

  const concurrency = int('WORKER_CONCURRENCY', 1, 1_000);
  const pollIntervalMs = int('WORKER_POLL_INTERVAL_MS', 1, 3_600_000);
  const domain = get('WORKER_DOMAIN');
  if (domain !== undefined && !/^[A-Za-z0-9_.-]+$/.test(domain)) bad('WORKER_DOMAIN', `is ${shown(domain)}: a task domain is letters, digits, "_", "." and "-".`);
  const workerId = get('WORKER_ID');
  const healthPort = int('HEALTH_PORT', 0, 65_535, 9464);
  const healthHost = get('HEALTH_HOST') ?? '127.0.0.1';
  if (/[\s/]/.test(healthHost)) bad('HEALTH_HOST', `is ${shown(healthHost)}: give an address or host name to listen on, without a scheme or path.`);
  const shutdownTimeoutMs = int('SHUTDOWN_TIMEOUT_MS', 0, 3_600_000, 30_000);

  const settings = options.settings?.parse(reader);

  if (problems.length > 0) {
    throw new WorkerError('INVALID_ENV', `The worker environment has ${problems.length} problem(s); set these variables and start again:`, problems);
  }
  return {
    conductor: { serverUrl: serverUrl as string, ...(keyId !== undefined && { keyId, keySecret: keySecret as string }) },
    worker: {
      ...(concurrency !== undefined && { concurrency }),
      ...(pollIntervalMs !== undefined && { pollIntervalMs }),
      ...(domain !== undefined && { domain }),
      ...(workerId !== undefined && { workerId }),
      healthPort: healthPort as number,
      healthHost,
      shutdownTimeoutMs: shutdownTimeoutMs as number,
    },
    settings,
  };
}

/** The {@link EnvReader} over `env`, recording problems into `problems`. */
function envReader(env: Readonly<Record<string, string | undefined>>, cwd: string, fs: EnvFileSystem, variables: readonly EnvVariable[], problems: WorkerProblem[]): EnvReader {
  const example = (name: string): string => variables.find((v) => v.name === name)?.example ?? '';
  const bad = (name: string, message: string): undefined => void problems.push({ path: name, message: `${message} Example: ${name}=${example(name)}` });
  const get = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  };
  const shown = (value: string): string => JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value);
  return {
    cwd,
    fs,
    get,
    bad,
    shown,
    required: (name, what) => get(name) ?? bad(name, `is not set: give ${what}.`),
    int(name, min, max, fallback) {
      const raw = get(name);
      if (raw === undefined) return fallback;
      const value = /^\d+$/.test(raw) ? Number(raw) : NaN;
      if (!Number.isSafeInteger(value) || value < min || value > max) return bad(name, `is ${shown(raw)}, not a whole number from ${min} to ${max}.`);
      return value;
    },
    httpUrl(name, raw) {
      if (raw === undefined) return undefined;
      let url: URL;
      try {
        url = new URL(raw);
      } catch {
        return bad(name, `is ${shown(displayUrl(raw))}, not a URL: give an http(s) URL.`);
      }
      if (url.protocol !== 'http:' && url.protocol !== 'https:') return bad(name, `is ${shown(displayUrl(raw))}: the scheme must be http or https.`);
      return raw;
    },
  };
}

/** The {@link RunWorkersOptions} (all but `workers`, `logger` and `metrics`) a parsed environment gives. */
export function runWorkersOptions(config: WorkerEnv<unknown>): Omit<RunWorkersOptions, 'workers' | 'logger' | 'metrics'> {
  const { conductor, worker } = config;
  return {
    serverUrl: conductor.serverUrl,
    ...(conductor.keyId !== undefined && { keyId: conductor.keyId, keySecret: conductor.keySecret }),
    ...(worker.concurrency !== undefined && { concurrency: worker.concurrency }),
    ...(worker.pollIntervalMs !== undefined && { pollInterval: worker.pollIntervalMs }),
    ...(worker.domain !== undefined && { domain: worker.domain }),
    ...(worker.workerId !== undefined && { workerId: worker.workerId }),
    healthPort: worker.healthPort,
    healthHost: worker.healthHost,
    shutdownTimeoutMs: worker.shutdownTimeoutMs,
  };
}
