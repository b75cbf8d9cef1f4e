import { tmpdir } from 'node:os';
import { delimiter, isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { EnvReader, EnvVariable, WorkerSettings } from '../../src/worker/worker-env.ts';

/**
 * What the K1 task handlers need to know about this machine: every setting of the K1 services
 * (`k1ConfigSchema` of services.ts but `conductor`), one variable each.
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

/** The K1 settings' variables, after the worker ones (`npm run workers -- --help` lists both). */
export const K1_ENV_VARIABLES: readonly EnvVariable[] = [
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

/**
 * The K1 workers' settings as `parseWorkerEnv` reads them, one environment variable each
 * ({@link K1_ENV_VARIABLES}); a variable that is missing or malformed is a problem naming it.
 *
 * @example
 * ```ts
 * const config = parseWorkerEnv(process.env, { settings: k1WorkerSettings });
 * const services = k1ServicesFromConfig({ ...config.settings, conductor: config.conductor });
 * ```
 */
export const k1WorkerSettings: WorkerSettings<K1Settings> = { variables: K1_ENV_VARIABLES, parse: readK1Settings };

function readK1Settings(env: EnvReader): K1Settings {
  const { bad, cwd, fs, get, int, shown } = env;
  const projectRaw = env.required('PROJECT_DIR', 'the K1.node1 PlatformIO project checkout');
  const projectDir = projectRaw === undefined ? undefined : resolve(cwd, projectRaw);
  if (projectDir !== undefined) {
    const kind = fs.kind(projectDir);
    if (kind === undefined) bad('PROJECT_DIR', `is ${shown(projectRaw as string)}, but nothing is at ${projectDir}: give the directory of the K1.node1 checkout.`);
    else if (kind !== 'dir') bad('PROJECT_DIR', `is ${shown(projectRaw as string)}, a file, not a directory: give the directory of the K1.node1 checkout.`);
  }
  const artifactRaw = env.required('ARTIFACT_DIR', 'the directory of the artifact store');
  const artifactDir = artifactRaw === undefined ? undefined : resolve(cwd, artifactRaw);
  if (artifactDir !== undefined && fs.kind(artifactDir) === 'file') bad('ARTIFACT_DIR', `is ${shown(artifactRaw as string)}, a file: give a directory (it is created when missing).`);
  const artifactBaseUrl = env.httpUrl('ARTIFACT_BASE_URL', get('ARTIFACT_BASE_URL'));
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

  // With a problem recorded, parseWorkerEnv throws and never looks at these.
  return {
    projectDir: projectDir as string,
    artifactDir: artifactDir as string,
    artifactBaseUrl: artifactBaseUrl ?? (artifactDir === undefined ? '' : pathToFileURL(artifactDir).href),
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
  };
}
