import { statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { RunWorkersOptions } from './run-workers.ts';
import { WorkerError, type WorkerProblem } from './worker-error.ts';
import { displayUrl } from './worker-logger.ts';

/** What the K1 task handlers need to know about this machine. */
export interface K1Settings {
  /** The K1.node1 PlatformIO project checkout (where `platformio.ini` is). */
  readonly projectDir: string;
  /** Root of the content-addressed artifact store. */
  readonly artifactDir: string;
  /** Base URL the artifact store is served under: ARTIFACT_BASE_URL, or the store's `file://` URL. */
  readonly artifactBaseUrl: string;
  /** Artifacts kept per category before the oldest are pruned. */
  readonly artifactKeep: number;
  /** The PlatformIO executable. */
  readonly pioBin: string;
  /** The git executable. */
  readonly gitBin: string;
  /** Time limit of one HTTP request to a device, in ms. */
  readonly deviceTimeoutMs: number;
  /** Where workers put temporary files (downloaded samples, decoded audio). */
  readonly scratchDir: string;
}

/** The worker process configuration, read from the environment by {@link parseWorkerEnv}. */
export interface WorkerEnv {
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
  readonly k1: K1Settings;
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

/** Every variable `npm run workers` reads, for `--help` and the docs. */
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
  { name: 'PROJECT_DIR', required: true, secret: false, description: 'The K1.node1 PlatformIO project checkout (an existing directory)', example: '/srv/K1.node1' },
  { name: 'ARTIFACT_DIR', required: true, secret: false, description: 'Root of the artifact store (created when missing)', example: '/var/lib/k1/artifacts' },
  { name: 'ARTIFACT_BASE_URL', required: false, secret: false, description: 'Public http(s) base URL the artifact store is served under', example: 'https://artifacts.k1.example/', default: 'the file:// URL of ARTIFACT_DIR' },
  { name: 'ARTIFACT_KEEP', required: false, secret: false, description: 'Artifacts kept per category and environment before the oldest are pruned', example: '10', default: '10' },
  { name: 'PIO_BIN', required: false, secret: false, description: 'The PlatformIO executable (a name on PATH, or a path)', example: '/usr/local/bin/pio', default: 'pio' },
  { name: 'GIT_BIN', required: false, secret: false, description: 'The git executable (a name on PATH, or a path)', example: '/usr/bin/git', default: 'git' },
  { name: 'DEVICE_TIMEOUT_MS', required: false, secret: false, description: 'Time limit of one HTTP request to a device, in ms', example: '5000', default: '5000' },
  { name: 'SCRATCH_DIR', required: false, secret: false, description: 'Directory for temporary files', example: '/var/tmp/k1-workers', default: '<os tmpdir>/k1-workers' },
];

/** What {@link parseWorkerEnv} asks of the file system (tests pass their own). */
export interface EnvFileSystem {
  /** 'dir', 'file', or undefined when nothing is at `path`. */
  kind(path: string): 'dir' | 'file' | undefined;
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

const example = (name: string): string => WORKER_ENV_VARIABLES.find((v) => v.name === name)?.example ?? '';

/**
 * Reads the worker process configuration from `env`. Every missing or malformed variable is
 * reported at once, each with what is wrong and an example, in one {@link WorkerError} (code
 * `INVALID_ENV`, one problem per variable); secret values never appear in a message. Relative
 * paths are resolved against `cwd`.
 *
 * @example
 * ```ts
 * const config = parseWorkerEnv(process.env);
 * await runWorkers({ ...runWorkersOptions(config), workers });
 * ```
 */
export function parseWorkerEnv(env: Readonly<Record<string, string | undefined>>, options: { readonly cwd?: string; readonly fs?: EnvFileSystem } = {}): WorkerEnv {
  const fs = options.fs ?? realFileSystem;
  const cwd = options.cwd ?? process.cwd();
  const problems: WorkerProblem[] = [];
  const bad = (name: string, message: string): undefined => void problems.push({ path: name, message: `${message} Example: ${name}=${example(name)}` });
  // `NAME=` in an env file means "not set".
  const get = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  };
  const shown = (value: string): string => JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value);
  const required = (name: string, what: string): string | undefined => get(name) ?? bad(name, `is not set: give ${what}.`);
  const int = (name: string, min: number, max: number, fallback?: number): number | undefined => {
    const raw = get(name);
    if (raw === undefined) return fallback;
    const value = /^\d+$/.test(raw) ? Number(raw) : NaN;
    if (!Number.isSafeInteger(value) || value < min || value > max) return bad(name, `is ${shown(raw)}, not a whole number from ${min} to ${max}.`);
    return value;
  };
  const httpUrl = (name: string, raw: string | undefined): string | undefined => {
    if (raw === undefined) return undefined;
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      return bad(name, `is ${shown(displayUrl(raw))}, not a URL: give an http(s) URL.`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return bad(name, `is ${shown(displayUrl(raw))}: the scheme must be http or https.`);
    return raw;
  };

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

  const projectRaw = required('PROJECT_DIR', 'the K1.node1 PlatformIO project checkout');
  const projectDir = projectRaw === undefined ? undefined : resolve(cwd, projectRaw);
  if (projectDir !== undefined) {
    const kind = fs.kind(projectDir);
    if (kind === undefined) bad('PROJECT_DIR', `is ${shown(projectRaw as string)}, but nothing is at ${projectDir}: give the directory of the K1.node1 checkout.`);
    else if (kind !== 'dir') bad('PROJECT_DIR', `is ${shown(projectRaw as string)}, a file, not a directory: give the directory of the K1.node1 checkout.`);
  }
  const artifactRaw = required('ARTIFACT_DIR', 'the directory of the artifact store');
  const artifactDir = artifactRaw === undefined ? undefined : resolve(cwd, artifactRaw);
  if (artifactDir !== undefined && fs.kind(artifactDir) === 'file') bad('ARTIFACT_DIR', `is ${shown(artifactRaw as string)}, a file: give a directory (it is created when missing).`);
  const artifactBaseUrl = httpUrl('ARTIFACT_BASE_URL', get('ARTIFACT_BASE_URL'));
  const artifactKeep = int('ARTIFACT_KEEP', 1, 100_000, 10);
  const executable = (name: string, fallback: string): string => {
    const value = get(name) ?? fallback;
    if (/[/\\]/.test(value)) {
      const kind = fs.kind(resolve(cwd, value));
      if (kind !== 'file') bad(name, `is ${shown(value)}, but ${kind === 'dir' ? 'that is a directory' : 'no file is there'}: give the ${fallback} executable (or just "${fallback}" to find it on PATH).`);
    }
    return value;
  };
  const pioBin = executable('PIO_BIN', 'pio');
  const gitBin = executable('GIT_BIN', 'git');
  const deviceTimeoutMs = int('DEVICE_TIMEOUT_MS', 1, 600_000, 5_000);
  const scratchDir = resolve(cwd, get('SCRATCH_DIR') ?? join(tmpdir(), 'k1-workers'));

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
    k1: {
      projectDir: projectDir as string,
      artifactDir: artifactDir as string,
      artifactBaseUrl: artifactBaseUrl ?? pathToFileURL(artifactDir as string).href,
      artifactKeep: artifactKeep as number,
      pioBin,
      gitBin,
      deviceTimeoutMs: deviceTimeoutMs as number,
      scratchDir,
    },
  };
}

/** The {@link RunWorkersOptions} (all but `workers` and `logger`) a parsed environment gives. */
export function runWorkersOptions(config: WorkerEnv): Omit<RunWorkersOptions, 'workers' | 'logger'> {
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
