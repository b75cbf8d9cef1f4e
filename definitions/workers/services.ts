import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { createArtifactStore, type ArtifactStore } from '../services/artifact-store.ts';
import { createAudioFiles, type AudioFiles } from '../services/audio-files.ts';
import { createBuildOutputs, type BuildOutputs } from '../services/build-outputs.ts';
import { createBuildWorktrees, type BuildWorktrees } from '../services/build-worktrees.ts';
import { createConductorRuns, type ConductorRuns } from '../services/conductor-runs.ts';
import { createDeviceApi, type DeviceApi } from '../services/device-api.ts';
import { createGit, type Git } from '../services/git.ts';
import { createNotifier, type Notifier } from '../services/notify.ts';
import { createPatternService, type PatternService } from '../services/pattern.ts';
import { createPlatformIO, type PlatformIO } from '../services/platformio.ts';
import { createWebappBuilder, type WebappBuilder } from '../services/webapp.ts';

/** Everything the K1 workers call. Production builds it with {@link k1ServicesFromConfig}; tests build it from parts. */
export interface K1Services {
  readonly platformio: PlatformIO;
  readonly device: DeviceApi;
  readonly artifacts: ArtifactStore;
  readonly git: Git;
  /** Gives each build a git worktree of the commit it builds; null: build the project directory as it is. */
  readonly worktrees: BuildWorktrees | null;
  /** Where builds keep their firmware once their worktree is gone. */
  readonly buildOutputs: BuildOutputs;
  /** The configured checkout's root (the repository holding the project). */
  readonly repoDir: string;
  readonly patterns: PatternService;
  readonly audio: AudioFiles;
  readonly notifier: Notifier;
  readonly conductor: ConductorRuns;
  readonly webapp: WebappBuilder;
  /** This worker's scratch space (test reports and other files tasks hand on). */
  readonly workDir: string;
  /** Directories a task may read files from (store_artifact sources, firmware to upload). */
  readonly readableDirs: readonly string[];
  /** The repository these workers build; a task naming another one fails. Undefined: any name. */
  readonly repoName?: string;
  /** Remote fetched when a commit or branch is missing. Undefined: never fetch. */
  readonly fetchRemote?: string;
  /** Between two performance samples of validate_pattern_on_device, ms (1000 in production). */
  readonly sampleIntervalMs: number;
  /** The clock. */
  readonly now: () => Date;
}

/**
 * The plain configuration {@link k1ServicesFromConfig} takes. Its keys are those of the worker
 * process settings (`K1Settings` of k1-settings.ts) plus `conductor`, so the workers script can
 * pass `{ ...env.settings, conductor: env.conductor }`; the rest are optional extras.
 */
export const k1ConfigSchema = z
  .object({
    /** The PlatformIO project (platformio.ini), inside the firmware repository checkout. */
    projectDir: z.string().min(1),
    /** The artifact store's directory. */
    artifactDir: z.string().min(1),
    /** URL the artifact directory is served at. */
    artifactBaseUrl: z.string().url(),
    /** Artifacts kept per category and environment. @default 10 */
    artifactKeep: z.number().int().min(1).default(10),
    /** The PlatformIO executable. @default 'pio' */
    pioBin: z.string().min(1).default('pio'),
    /** The git executable. @default 'git' */
    gitBin: z.string().min(1).default('git'),
    /** Device API timeout per request, ms. @default 5000 */
    deviceTimeoutMs: z.number().int().positive().default(5000),
    /** Device API port. @default 80 */
    devicePort: z.number().int().min(1).max(65535).default(80),
    /** Scratch space (fetched samples, decoded audio, reports, bundles). @default <tmpdir>/k1-workers */
    scratchDir: z.string().min(1).optional(),
    /** The Conductor server (read by collect_build_logs and get_last_good_artifact). @default http://localhost:8080 */
    conductor: z
      .object({ serverUrl: z.string().url(), keyId: z.string().min(1).optional(), keySecret: z.string().min(1).optional() })
      .refine((c) => (c.keyId === undefined) === (c.keySecret === undefined), 'keyId and keySecret go together (Orkes) or are both left out (Conductor OSS)')
      .default({ serverUrl: 'http://localhost:8080' }),
    /** The git checkout (the repository holding the project). @default projectDir */
    repoDir: z.string().min(1).optional(),
    /** Name tasks give for this repository (e.g. K1.node1); other names are refused. Left out: any name. */
    repoName: z.string().min(1).optional(),
    /** Directories audio samples given as paths may come from. @default [<scratchDir>/samples] */
    sampleDirs: z.array(z.string().min(1)).min(1).readonly().optional(),
    buildTimeoutMs: z.number().int().positive().optional(),
    uploadTimeoutMs: z.number().int().positive().optional(),
    /** @default 'npm' */
    npmBin: z.string().min(1).optional(),
    /** @default 'tar' */
    tarBin: z.string().min(1).optional(),
    /**
     * Build each requested commit in a git worktree of its own (under scratchDir), never in the
     * project checkout; false builds the project directory as it is (a local try). @default true
     */
    buildInWorktrees: z.boolean().default(true),
    /** Remote fetched when a commit or branch is missing. */
    fetchRemote: z.string().min(1).optional(),
    /** Remote the pattern branches are pushed to. */
    pushRemote: z.string().min(1).optional(),
    /** Where generated patterns go, relative to the project. @default src/patterns/generated */
    patternDir: z.string().min(1).optional(),
    /** Web app build output, relative to the web app. @default dist */
    webappOutputDir: z.string().min(1).optional(),
    /** Between performance samples, ms. @default 1000 */
    sampleIntervalMs: z.number().int().positive().default(1000),
  })
  .strict();

/** What {@link k1ServicesFromConfig} takes (defaults may be left out). */
export type K1Config = z.input<typeof k1ConfigSchema>;

/**
 * Builds the real services from a plain config object (read from the environment or a file by the
 * workers script). A bad config throws one error listing every bad field.
 *
 * @example
 * ```ts
 * // in scripts/workers.ts, with env = parseWorkerEnv(process.env, { settings: k1WorkerSettings }):
 * workers: ({ signal }) => createK1Workers(k1ServicesFromConfig({ ...env.settings, conductor: env.conductor }), { signal })
 * ```
 */
export function k1ServicesFromConfig(config: K1Config): K1Services {
  const parsed = k1ConfigSchema.safeParse(config);
  if (!parsed.success) {
    throw new Error(`Invalid K1 worker config: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
  }
  const c = parsed.data;
  const projectDir = resolve(c.projectDir);
  const repoDir = resolve(c.repoDir ?? projectDir);
  const workDir = resolve(c.scratchDir ?? join(tmpdir(), 'k1-workers'));
  const artifactDir = resolve(c.artifactDir);
  const git = createGit({ repoDir: projectDir, gitPath: c.gitBin });
  const artifacts = createArtifactStore({ root: artifactDir, baseUrl: c.artifactBaseUrl, keep: c.artifactKeep });
  return {
    platformio: createPlatformIO({
      projectDir,
      pioPath: c.pioBin,
      deviceApiPort: c.devicePort,
      scratchDir: workDir,
      ...(c.buildTimeoutMs && { buildTimeoutMs: c.buildTimeoutMs }),
      ...(c.uploadTimeoutMs && { uploadTimeoutMs: c.uploadTimeoutMs }),
    }),
    device: createDeviceApi({ port: c.devicePort, timeoutMs: c.deviceTimeoutMs }),
    artifacts,
    git,
    worktrees: c.buildInWorktrees ? createBuildWorktrees({ git, root: join(workDir, 'worktrees') }) : null,
    buildOutputs: createBuildOutputs(join(workDir, 'firmware')),
    repoDir,
    patterns: createPatternService({ git, ...(c.patternDir && { patternDir: c.patternDir }), ...(c.pushRemote && { pushRemote: c.pushRemote }) }),
    audio: createAudioFiles({ workDir, sampleDirs: (c.sampleDirs ?? [join(workDir, 'samples')]).map((d) => resolve(d)), artifacts }),
    notifier: createNotifier(),
    conductor: createConductorRuns(c.conductor),
    webapp: createWebappBuilder({
      repoDir,
      workDir,
      ...(c.npmBin && { npmPath: c.npmBin }),
      ...(c.tarBin && { tarPath: c.tarBin }),
      ...(c.webappOutputDir && { outputDir: c.webappOutputDir }),
    }),
    workDir,
    readableDirs: [projectDir, repoDir, workDir, artifactDir],
    ...(c.repoName && { repoName: c.repoName }),
    ...(c.fetchRemote && { fetchRemote: c.fetchRemote }),
    sampleIntervalMs: c.sampleIntervalMs,
    now: () => new Date(),
  };
}
