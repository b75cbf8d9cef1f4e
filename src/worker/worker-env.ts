import { statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { RunWorkersOptions } from './run-workers.ts';
import { WorkerError, type WorkerProblem } from './worker-error.ts';
import { displayUrl } from './worker-logger.ts';

/**
 * What the K1 task handlers need to know about this machine: every setting of the K1 services
 * (`k1ConfigSchema` of definitions/workers/services.ts but `conductor`), one variable each.
 */
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
  /** HTTP port of device APIs whose address names none. @default 80 */
  readonly devicePort: number;
  /** Where workers put temporary files (downloaded samples, decoded audio, build worktrees). */
  readonly scratchDir: string;
  /** Each build in a fresh git worktree of its commit (true), or in the project as it is. @default true */
  readonly buildInWorktrees: boolean;
  /** Between two performance samples of validate_pattern_on_device, ms. @default 1000 */
  readonly sampleIntervalMs: number;
  /** The git repository's root, when the project is a sub-directory of it. @default projectDir */
  readonly repoDir?: string;
  /** The repository name tasks must give (e.g. K1.node1); unset: any. */
  readonly repoName?: string;
  /** Directories audio samples given as paths may come from. @default [<scratchDir>/samples] */
  readonly sampleDirs?: readonly string[];
  /** Longest build, ms. @default 280000 */
  readonly buildTimeoutMs?: number;
  /** Longest OTA upload, ms. @default 170000 */
  readonly uploadTimeoutMs?: number;
  /** The npm executable (web app builds). @default 'npm' */
  readonly npmBin?: string;
  /** The tar executable (web app bundles). @default 'tar' */
  readonly tarBin?: string;
  /** git remote fetched when a commit or branch is missing; unset: never fetch. */
  readonly fetchRemote?: string;
  /** git remote the generated pattern branches are pushed to; unset: they stay local. */
  readonly pushRemote?: string;
  /** Where generated patterns go, relative to the project. @default src/patterns/generated */
  readonly patternDir?: string;
  /** Web app build output, relative to the web app. @default dist */
  readonly webappOutputDir?: string;
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
  { name: 'SCRATCH_DIR', required: false, secret: false, description: 'Directory for temporary files and build worktrees', example: '/var/tmp/k1-workers', default: '<os tmpdir>/k1-workers' },
  { name: 'DEVICE_PORT', required: false, secret: false, description: 'HTTP port of device APIs whose address names none (an address may carry its own: 192.168.1.104:8080)', example: '80', default: '80' },
  { name: 'BUILD_IN_WORKTREES', required: false, secret: false, description: "true: each build works in a fresh git worktree of its commit under SCRATCH_DIR, never in PROJECT_DIR; false: build PROJECT_DIR as it is (a local try)", example: 'true', default: 'true' },
  { name: 'REPO_DIR', required: false, secret: false, description: 'Root of the git repository, when PROJECT_DIR is a sub-directory of it (an existing directory)', example: '/srv/K1.node1', default: 'PROJECT_DIR' },
  { name: 'REPO_NAME', required: false, secret: false, description: 'Repository name the tasks must give; a task naming another is refused', example: 'K1.node1', default: 'any name' },
  { name: 'GIT_FETCH_REMOTE', required: false, secret: false, description: 'git remote fetched when a commit or branch is missing', example: 'origin', default: 'never fetch' },
  { name: 'GIT_PUSH_REMOTE', required: false, secret: false, description: 'git remote the generated pattern branches (patterns/<name>) are pushed to', example: 'origin', default: 'not pushed' },
  { name: 'BUILD_TIMEOUT_MS', required: false, secret: false, description: 'Longest firmware build, in ms (inside platformio_compile\'s 300 s timeout)', example: '280000', default: '280000' },
  { name: 'UPLOAD_TIMEOUT_MS', required: false, secret: false, description: 'Longest OTA upload, in ms (inside deploy_firmware_ota\'s 180 s timeout)', example: '170000', default: '170000' },
  { name: 'NPM_BIN', required: false, secret: false, description: 'The npm executable that builds the web app (a name on PATH, or a path)', example: '/usr/bin/npm', default: 'npm' },
  { name: 'TAR_BIN', required: false, secret: false, description: 'The tar executable that packs the web app (a name on PATH, or a path)', example: '/usr/bin/tar', default: 'tar' },
  { name: 'WEBAPP_OUTPUT_DIR', required: false, secret: false, description: "The web app's build output, relative to the web app directory", example: 'dist', default: 'dist' },
  { name: 'PATTERN_DIR', required: false, secret: false, description: 'Where generated LED patterns go, relative to PROJECT_DIR', example: 'src/patterns/generated', default: 'src/patterns/generated' },
  { name: 'SAMPLE_DIRS', required: false, secret: false, description: `Directories audio samples given as paths may come from, separated by "${delimiter}"`, example: `/srv/k1-samples${delimiter}/var/tmp/k1-workers/samples`, default: '<SCRATCH_DIR>/samples' },
  { name: 'SAMPLE_INTERVAL_MS', required: false, secret: false, description: 'Time between two performance samples of a pattern on a device, in ms', example: '1000', default: '1000' },
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
  const devicePort = int('DEVICE_PORT', 1, 65_535, 80);
  const worktreesRaw = get('BUILD_IN_WORKTREES')?.toLowerCase();
  const buildInWorktrees = worktreesRaw === undefined || ['true', '1', 'yes'].includes(worktreesRaw);
  if (worktreesRaw !== undefined && !['true', '1', 'yes', 'false', '0', 'no'].includes(worktreesRaw)) bad('BUILD_IN_WORKTREES', `is ${shown(worktreesRaw)}: give true or false.`);
  const repoRaw = get('REPO_DIR');
  const repoDir = repoRaw === undefined ? undefined : resolve(cwd, repoRaw);
  if (repoDir !== undefined && fs.kind(repoDir) !== 'dir') bad('REPO_DIR', `is ${shown(repoRaw as string)}, but no directory is at ${repoDir}: give the root of the git repository holding PROJECT_DIR.`);
  const repoName = get('REPO_NAME');
  if (repoName !== undefined && !/^[A-Za-z0-9._-]{1,100}$/.test(repoName)) bad('REPO_NAME', `is ${shown(repoName)}: a repository name is letters, digits, ".", "_" and "-".`);
  const remote = (name: string): string | undefined => {
    const value = get(name);
    if (value !== undefined && !/^(?!-)[A-Za-z0-9._/-]{1,100}$/.test(value)) return bad(name, `is ${shown(value)}: give the name of a git remote (letters, digits, ".", "_", "/" and "-", not starting with "-").`);
    return value;
  };
  const fetchRemote = remote('GIT_FETCH_REMOTE');
  const pushRemote = remote('GIT_PUSH_REMOTE');
  const buildTimeoutMs = int('BUILD_TIMEOUT_MS', 1_000, 3_600_000);
  const uploadTimeoutMs = int('UPLOAD_TIMEOUT_MS', 1_000, 3_600_000);
  const npmBin = get('NPM_BIN') === undefined ? undefined : executable('NPM_BIN', 'npm');
  const tarBin = get('TAR_BIN') === undefined ? undefined : executable('TAR_BIN', 'tar');
  const relative = (name: string, what: string): string | undefined => {
    const value = get(name);
    if (value !== undefined && (isAbsolute(value) || value.split(/[/\\]/).includes('..'))) return bad(name, `is ${shown(value)}: give ${what} as a relative path that stays inside it.`);
    return value;
  };
  const webappOutputDir = relative('WEBAPP_OUTPUT_DIR', 'the build output of the web app directory');
  const patternDir = relative('PATTERN_DIR', 'a directory of PROJECT_DIR');
  const samplesRaw = get('SAMPLE_DIRS');
  const sampleDirs = samplesRaw?.split(delimiter).filter((d) => d.trim() !== '').map((d) => resolve(cwd, d.trim()));
  if (sampleDirs !== undefined && sampleDirs.length === 0) bad('SAMPLE_DIRS', `is ${shown(samplesRaw as string)}: give one or more directories separated by "${delimiter}".`);
  const sampleIntervalMs = int('SAMPLE_INTERVAL_MS', 1, 60_000, 1_000);

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
      devicePort: devicePort as number,
      scratchDir,
      buildInWorktrees,
      sampleIntervalMs: sampleIntervalMs as number,
      ...(repoDir !== undefined && { repoDir }),
      ...(repoName !== undefined && { repoName }),
      ...(sampleDirs !== undefined && { sampleDirs }),
      ...(buildTimeoutMs !== undefined && { buildTimeoutMs }),
      ...(uploadTimeoutMs !== undefined && { uploadTimeoutMs }),
      ...(npmBin !== undefined && { npmBin }),
      ...(tarBin !== undefined && { tarBin }),
      ...(fetchRemote !== undefined && { fetchRemote }),
      ...(pushRemote !== undefined && { pushRemote }),
      ...(patternDir !== undefined && { patternDir }),
      ...(webappOutputDir !== undefined && { webappOutputDir }),
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
