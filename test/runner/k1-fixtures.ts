/**
 * Fixtures for running the six K1 workflows through the local runner from their generated JSON:
 * inputs, one builder per task outcome (its output typed by the task's contract and checked at run
 * time against the output JSON Schema in `generated/tasks/<name>.json`), and a clock that can hold
 * virtual time while a test plays the approver.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TaskOutput } from '../../src/index.ts';
import type { TaskHandler, TaskMock, TaskMocks, WorkflowRun } from '../../src/testing.ts';
import type { storeArtifact } from '../../definitions/tasks/artifact-tasks.ts';
import type {
  aggregateFeatures,
  decodeAndResample,
  detectBeatTempo,
  detectOnsets,
  extractSpectralFeatures,
  fetchAudioSample,
} from '../../definitions/tasks/audio-tasks.ts';
import type {
  cleanBuildEnv,
  collectBuildLogs,
  extractBuildMetrics,
  platformioCompile,
  validateBuild,
  validateCommit,
} from '../../definitions/tasks/build-tasks.ts';
import type { deployFirmwareOta, deviceHealthCheck } from '../../definitions/tasks/device-tasks.ts';
import type { notify } from '../../definitions/tasks/notify-task.ts';
import type { comparePerformance, generatePattern, generateTestReport, validatePatternOnDevice } from '../../definitions/tasks/pattern-tasks.ts';
import type { aggregateArtifacts, buildWebapp } from '../../definitions/tasks/release-tasks.ts';
import type { getLastGoodArtifact } from '../../definitions/tasks/rollback-tasks.ts';

const GENERATED = join(import.meta.dirname, '..', '..', 'generated');

export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;

// ---- the output JSON Schemas of generated/tasks ----------------------------------------------------

/** The JSON Schema keywords the generated output schemas use; any other one fails the check. */
interface Schema {
  readonly $schema?: string;
  readonly description?: string;
  readonly type?: string | readonly string[];
  readonly properties?: Readonly<Record<string, Schema>>;
  readonly required?: readonly string[];
  readonly additionalProperties?: boolean | Schema;
  readonly items?: Schema;
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly enum?: readonly unknown[];
  readonly minimum?: number;
  readonly maximum?: number;
  readonly pattern?: string;
  readonly anyOf?: readonly Schema[];
}

const KEYWORDS = new Set(['$schema', 'description', 'type', 'properties', 'required', 'additionalProperties', 'items', 'minItems', 'maxItems', 'enum', 'minimum', 'maximum', 'pattern', 'anyOf']);

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

/** Where `value` breaks `schema` (draft-07, the subset zod-to-json-schema emits), as `path: problem` lines. */
export function schemaProblems(schema: Schema, value: unknown, path = 'output'): string[] {
  const unknown = Object.keys(schema).filter((k) => !KEYWORDS.has(k));
  if (unknown.length > 0) return [`${path}: the schema uses ${unknown.join(', ')}, which this check does not implement`];
  if (schema.anyOf !== undefined) {
    return schema.anyOf.some((s) => schemaProblems(s, value, path).length === 0) ? [] : [`${path}: matches none of anyOf`];
  }
  const problems: string[] = [];
  const actual = typeOf(value);
  if (schema.type !== undefined) {
    const allowed = typeof schema.type === 'string' ? [schema.type] : schema.type;
    if (!allowed.includes(actual) && !(actual === 'integer' && allowed.includes('number'))) return [`${path}: is ${actual}, expected ${allowed.join(' or ')}`];
  }
  if (schema.enum !== undefined && !schema.enum.includes(value)) problems.push(`${path}: ${JSON.stringify(value)} is not one of ${JSON.stringify(schema.enum)}`);
  if (typeof value === 'number') {
    if (schema.minimum !== undefined && value < schema.minimum) problems.push(`${path}: ${value} < minimum ${schema.minimum}`);
    if (schema.maximum !== undefined && value > schema.maximum) problems.push(`${path}: ${value} > maximum ${schema.maximum}`);
  }
  if (typeof value === 'string' && schema.pattern !== undefined && !new RegExp(schema.pattern, 'u').test(value)) {
    problems.push(`${path}: ${JSON.stringify(value)} does not match ${schema.pattern}`);
  }
  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems) problems.push(`${path}: ${value.length} items < minItems ${schema.minItems}`);
    if (schema.maxItems !== undefined && value.length > schema.maxItems) problems.push(`${path}: ${value.length} items > maxItems ${schema.maxItems}`);
    if (schema.items !== undefined) value.forEach((item, i) => problems.push(...schemaProblems(schema.items as Schema, item, `${path}[${i}]`)));
  }
  if (actual === 'object') {
    const record = value as Record<string, unknown>;
    for (const key of schema.required ?? []) if (!(key in record)) problems.push(`${path}.${key}: is required`);
    for (const [key, v] of Object.entries(record)) {
      const declared = schema.properties?.[key];
      if (declared !== undefined) problems.push(...schemaProblems(declared, v, `${path}.${key}`));
      else if (schema.additionalProperties === false) problems.push(`${path}.${key}: is not in the schema (additionalProperties: false)`);
      else if (typeof schema.additionalProperties === 'object') problems.push(...schemaProblems(schema.additionalProperties, v, `${path}.${key}`));
    }
  }
  return problems;
}

const schemas = new Map<string, Schema>();

/** The output JSON Schema that `generated/tasks/<taskName>.json` registers. */
export function outputSchemaOf(taskName: string): Schema {
  let schema = schemas.get(taskName);
  if (schema === undefined) {
    const def = JSON.parse(readFileSync(join(GENERATED, 'tasks', `${taskName}.json`), 'utf8')) as { outputSchema?: { data?: Schema } };
    if (def.outputSchema?.data === undefined) throw new Error(`generated/tasks/${taskName}.json has no outputSchema.data`);
    schema = def.outputSchema.data;
    schemas.set(taskName, schema);
  }
  return schema;
}

/** Throws when `output` does not satisfy the output schema registered for `taskName`. */
export function checkOutput(taskName: string, output: unknown): void {
  const problems = schemaProblems(outputSchemaOf(taskName), output);
  if (problems.length > 0) throw new Error(`mock output of ${taskName} breaks generated/tasks/${taskName}.json: ${problems.join('; ')}`);
}

// ---- mocks -------------------------------------------------------------------------------------

/** A COMPLETED mock whose output the test can read back, typed. */
export interface Completed<T extends Record<string, unknown>> extends TaskMock {
  readonly status: 'COMPLETED';
  readonly output: T;
}

/** A COMPLETED mock of a worker task, its output checked against the task's generated schema. */
export function completed<T extends Record<string, unknown>>(taskName: string, output: T, timing: Pick<TaskMock, 'executionTime' | 'queueWaitTime'> = {}): Completed<T> {
  checkOutput(taskName, output);
  return { status: 'COMPLETED', output, ...timing };
}

/** A failed attempt (retried per the TaskDef), as a worker that threw reports it: an empty output (the server's test endpoint refuses a mock without one). */
export const failedAttempt = (): TaskMock => ({ status: 'FAILED', output: {} });

/** `n` failed attempts. */
export const failedAttempts = (n: number): TaskMock[] => Array.from({ length: n }, failedAttempt);

/**
 * Handlers (workers, by task name) that answer with these mocks in order: for the tasks of a
 * failure workflow, which no mock reaches (conductor-oss 3.32.3's test endpoint mocks the started
 * workflow and the sub-workflows it is given mocks for, never a failure workflow).
 */
export function mocksAsHandlers(mocks: TaskMocks): Record<string, TaskHandler> {
  return Object.fromEntries(
    Object.entries(mocks).map(([name, list]) => {
      const queue = [...list];
      return [
        name,
        () => {
          const mock = queue.shift();
          if (mock === undefined) throw new Error(`no answer left for ${name}`);
          if (mock.status !== undefined && mock.status !== 'COMPLETED') throw new Error(`${name} ${mock.status}`);
          return mock.output;
        },
      ];
    }),
  );
}


// ---- the K1 firmware build -----------------------------------------------------------------------

export const REPO = 'K1.node1';
export const BRANCH = 'main';
export const COMMIT = 'a3f9c2e17b4d5e6f8091a2b3c4d5e6f708192a3b';
export const ENVIRONMENT = 'esp32-s3-devkitc-1';
export const DEVICE_IP = '192.168.1.104';
export const WEBHOOK = 'https://hooks.slack.example/services/T0K1/B0BUILD/xyz';
export const MIN_FREE_HEAP = 51_200;

/** PlatformIO's build output path of an environment at a commit. */
export const firmwareBin = (environment = ENVIRONMENT, commit = COMMIT): string => `/var/lib/k1/builds/${commit.slice(0, 12)}/.pio/build/${environment}/firmware.bin`;

/** ESP32-S3 app partition (8 MB flash, default_8MB.csv) and internal SRAM, as PlatformIO reports them. */
const FLASH_TOTAL = 3_342_336;
const RAM_TOTAL = 327_680;

/** The input of firmware-ci-cd-pipeline; overrides win. */
export const pipelineInput = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  repo: REPO,
  branch: BRANCH,
  commit_sha: COMMIT,
  device_ip: DEVICE_IP,
  notify_webhook_url: WEBHOOK,
  ...over,
});

export const commitValidated = (commit = COMMIT): Completed<TaskOutput<typeof validateCommit>> =>
  completed('validate_commit', { commit_sha: commit, author: 'Ada Lovelace <ada@k1.reinvented>', message: 'Audio: smooth the beat envelope over 4 frames' });

export const buildEnvCleaned = (environment = ENVIRONMENT): Completed<TaskOutput<typeof cleanBuildEnv>> =>
  completed('clean_build_env', { cleaned: true, removed_paths: [`/var/lib/k1/builds/.pio/build/${environment}`] });

/** The figures PlatformIO prints for a build using these percentages of flash and RAM. */
export function metricsOf(figures: { flash_percent?: number; ram_percent?: number; warning_count?: number } = {}): TaskOutput<typeof extractBuildMetrics> {
  const flash = figures.flash_percent ?? 45.2;
  const ram = figures.ram_percent ?? 18.5;
  return {
    flash_bytes: Math.round((FLASH_TOTAL * flash) / 100),
    flash_total_bytes: FLASH_TOTAL,
    flash_percent: flash,
    ram_bytes: Math.round((RAM_TOTAL * ram) / 100),
    ram_total_bytes: RAM_TOTAL,
    ram_percent: ram,
    warning_count: figures.warning_count ?? 0,
  };
}

/** A build log with PlatformIO's size summary lines. */
const buildLog = (m: TaskOutput<typeof extractBuildMetrics>, environment: string): string =>
  [
    `Processing ${environment} (platform: espressif32; board: esp32-s3-devkitc-1; framework: arduino)`,
    ...Array.from({ length: m.warning_count }, (_, i) => `src/audio/beat.cpp:${40 + i}:12: warning: unused variable 'prev' [-Wunused-variable]`),
    `RAM:   [==        ]  ${m.ram_percent}% (used ${m.ram_bytes} bytes from ${m.ram_total_bytes} bytes)`,
    `Flash: [=====     ]  ${m.flash_percent}% (used ${m.flash_bytes} bytes from ${m.flash_total_bytes} bytes)`,
    '========================= [SUCCESS] Took 94.31 seconds =========================',
  ].join('\n');

/** platformio_compile succeeded. */
export function compiled(options: { environment?: string; commit?: string; flash_percent?: number; ram_percent?: number; warning_count?: number } = {}): Completed<TaskOutput<typeof platformioCompile>> {
  const environment = options.environment ?? ENVIRONMENT;
  const metrics = metricsOf(options);
  return completed('platformio_compile', { success: true, firmware_bin_path: firmwareBin(environment, options.commit), build_log: buildLog(metrics, environment), error_message: '', metrics });
}

/** platformio_compile ran and the build broke (the task itself COMPLETES with success: false). */
export const compileFailed = (error = "src/main.cpp:88:5: error: 'led_driver_init' was not declared in this scope"): Completed<TaskOutput<typeof platformioCompile>> =>
  completed('platformio_compile', { success: false, firmware_bin_path: '', build_log: `${error}\n*** [.pio/build/esp32-s3-devkitc-1/src/main.cpp.o] Error 1`, error_message: error, metrics: {} });

export const metricsExtracted = (figures: Parameters<typeof metricsOf>[0] = {}): Completed<TaskOutput<typeof extractBuildMetrics>> => completed('extract_build_metrics', metricsOf(figures));

export const gatesPassed = (): Completed<TaskOutput<typeof validateBuild>> => completed('validate_build', { verdict: 'pass', failed_gates: [], reason: 'all quality gates passed' });

/** validate_build found these gates failed, e.g. `flash 72% >= 70%`. */
export const gatesFailed = (...gates: string[]): Completed<TaskOutput<typeof validateBuild>> =>
  completed('validate_build', { verdict: 'fail', failed_gates: gates, reason: `${gates.length} quality gate(s) failed: ${gates.join('; ')}` });

export const notified = (status_code = 200): Completed<TaskOutput<typeof notify>> => completed('notify', { delivered: status_code >= 200 && status_code < 300, status_code });

export const stored = (over: Partial<TaskOutput<typeof storeArtifact>> = {}): Completed<TaskOutput<typeof storeArtifact>> => {
  // As the store gives it: the 64 hex digits of the file's sha256.
  const artifact_id = over.artifact_id ?? '9b1e4f7c2a0d83e5b6c7d8e9f0a1b2c3d4e5f60718293a4b5c6d7e8f9a0b1c2d';
  return completed('store_artifact', {
    artifact_id,
    artifact_url: `https://artifacts.k1.reinvented/firmware/${artifact_id}`,
    checksum_sha256: artifact_id,
    size_bytes: 1_510_432,
    ...over,
  });
};

export const otaDeployed = (device_ip = DEVICE_IP, status: 'deployed' | 'already_deployed' = 'deployed'): Completed<TaskOutput<typeof deployFirmwareOta>> =>
  completed('deploy_firmware_ota', { status, device_ip, duration_ms: status === 'deployed' ? 41_870 : 0 });

export const healthy = (signature = COMMIT, over: Partial<TaskOutput<typeof deviceHealthCheck>> = {}): Completed<TaskOutput<typeof deviceHealthCheck>> =>
  completed('device_health_check', {
    healthy: true,
    build_signature: signature,
    free_heap_bytes: 142_336,
    uptime_seconds: 41,
    fps: 60.2,
    summary: `running ${signature.slice(0, 7)}, free heap 142336 B, 60.2 fps`,
    ...over,
  });

export const unhealthy = (summary: string, signature = COMMIT, over: Partial<TaskOutput<typeof deviceHealthCheck>> = {}): Completed<TaskOutput<typeof deviceHealthCheck>> =>
  completed('device_health_check', { healthy: false, build_signature: signature, free_heap_bytes: 38_912, uptime_seconds: 12, fps: 23.5, summary, ...over });

// ---- firmware-build-failure-handler -----------------------------------------------------------------

export const logsCollected = (failed_task: string): Completed<TaskOutput<typeof collectBuildLogs>> =>
  completed('collect_build_logs', { failed_task, log_excerpt: 'Flash: [=======   ]  72.0% (used 2406482 bytes from 3342336 bytes)' });

/** The HTTP task once the webhook answered: COMPLETED on 2xx, FAILED otherwise, as the HTTP task does (no TaskDef, hence no schema). */
export const webhookAnswered = (statusCode = 200): TaskMock => ({
  status: statusCode >= 200 && statusCode < 300 ? 'COMPLETED' : 'FAILED',
  output: { response: { statusCode, reasonPhrase: statusCode === 200 ? 'OK' : 'Service Unavailable', headers: { 'content-type': ['text/plain'] }, body: statusCode === 200 ? 'ok' : 'no_service' } },
});

/** The input Conductor gives the failure handler, when a test starts it by hand. */
export const failureHandlerInput = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  ...pipelineInput(),
  environment: ENVIRONMENT,
  workflowId: '5d1c7a52-8a43-4b0e-9f51-0b6f6f4c2e11',
  reason: `Quality gates failed for ${COMMIT}: 1 quality gate(s) failed: flash 72% >= 70%`,
  failureStatus: 'FAILED',
  failureTaskId: 'c0ffee00-1111-4222-8333-944455556666',
  ...over,
});

// ---- deployment-rollback-handler --------------------------------------------------------------------

export const LAST_GOOD = '77e0b1d2c3a4958676a5b4c3d2e1f00918273645';

export const lastGoodFound = (version = LAST_GOOD, environment = ENVIRONMENT, selected_by: 'target_version' | 'last_good' = 'last_good'): Completed<TaskOutput<typeof getLastGoodArtifact>> =>
  completed('get_last_good_artifact', {
    artifact_id: `${version}${'0'.repeat(24)}`,
    artifact_url: `https://artifacts.k1.reinvented/firmware/${version}`,
    firmware_bin_path: `/var/lib/k1/artifacts/firmware/${environment}/${version}/firmware.bin`,
    version,
    stored_at: '2025-12-29T17:42:10Z',
    selected_by,
  });

// ---- multi-stage-deployment ----------------------------------------------------------------------

export const ENV_C3 = 'esp32-c3-devkitm-1';
export const STAGING_IP = '192.168.1.50';
export const PRODUCTION = [
  { device_ip: '192.168.1.101', environment: ENVIRONMENT },
  { device_ip: '192.168.1.102', environment: ENV_C3 },
  { device_ip: '192.168.1.103', environment: ENVIRONMENT },
] as const;

/** The input of multi-stage-deployment: two environments, three production devices. */
export const releaseInput = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  repo: REPO,
  branch: 'release/1.4',
  commit_sha: COMMIT,
  environments: [ENVIRONMENT, ENV_C3],
  staging_device_ip: STAGING_IP,
  production_devices: PRODUCTION,
  notify_webhook_url: WEBHOOK,
  ...over,
});

export const webappBuilt = (): Completed<TaskOutput<typeof buildWebapp>> =>
  completed('build_webapp', { success: true, bundle_path: `/var/lib/k1/builds/${COMMIT.slice(0, 12)}/webapp/dist.tar.gz`, size_bytes: 412_004, error_message: '' });

/** The stored firmware of an environment in the release. */
export const storedFirmware = (environment: string) => ({
  artifact_id: (environment === ENVIRONMENT ? 'ab' : 'ef').repeat(32),
  artifact_url: `https://artifacts.k1.reinvented/firmware/${COMMIT}/${environment}`,
  firmware_bin_path: `/var/lib/k1/artifacts/firmware/${environment}/${COMMIT}/firmware.bin`,
  size_bytes: 1_510_432,
});

export const releaseAggregated = (environments: readonly string[] = [ENVIRONMENT, ENV_C3]): Completed<TaskOutput<typeof aggregateArtifacts>> =>
  completed('aggregate_artifacts', {
    release_version: COMMIT,
    firmware: Object.fromEntries(environments.map((env) => [env, storedFirmware(env)])),
    webapp: { artifact_id: 'cd'.repeat(32), artifact_url: `https://artifacts.k1.reinvented/webapp/${COMMIT}`, size_bytes: 412_004 },
    manifest_path: `/var/lib/k1/artifacts/releases/${COMMIT}/manifest.json`,
  });

// ---- pattern-generation-testing ------------------------------------------------------------------

export const PATTERN = 'spectrum_bars';
export const PATTERN_COMMIT = '5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f7081';

export const patternInput = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  pattern_name: PATTERN,
  // A pattern spec is JSON (docs/workflows/pattern-generation-testing.md), as generate_pattern parses it.
  pattern_source: JSON.stringify({ effect: 'spectrum_bars', palette: ['#001f3f', '#0074d9', '#7fdbff'], speed: 1.5, audio_reactive: true }),
  device_ip: DEVICE_IP,
  ...over,
});

export const patternGenerated = (name = PATTERN, commit = PATTERN_COMMIT): Completed<TaskOutput<typeof generatePattern>> =>
  completed('generate_pattern', {
    valid: true,
    validation_errors: [],
    validation_message: '',
    cpp_path: `src/patterns/generated/${name}.cpp`,
    branch: `patterns/${name}`,
    commit_sha: commit,
  });

export const patternInvalid = (...errors: string[]): Completed<TaskOutput<typeof generatePattern>> =>
  completed('generate_pattern', { valid: false, validation_errors: errors, validation_message: errors.join('; '), cpp_path: '', branch: '', commit_sha: '' });

export const performance = (over: Partial<TaskOutput<typeof validatePatternOnDevice>['metrics']> = {}): TaskOutput<typeof validatePatternOnDevice>['metrics'] => ({
  fps: 58.2,
  avg_render_time_ms: 4.1,
  max_render_time_ms: 9.8,
  audio_latency_ms: 12.4,
  free_heap_bytes: 131_072,
  ...over,
});

export const patternMeasured = (metrics = performance(), signature = PATTERN_COMMIT): Completed<TaskOutput<typeof validatePatternOnDevice>> =>
  completed('validate_pattern_on_device', { activated: true, build_signature: signature, sample_count: 30, metrics });

export const BASELINE_ID = '0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0';

/** compare_performance against a baseline: regressions listed when thresholds were crossed. */
export function compared(fps_change_percent: number, avg_render_time_change_percent: number, regressions: string[] = []): Completed<TaskOutput<typeof comparePerformance>> {
  return completed('compare_performance', {
    baseline_found: true,
    baseline_id: BASELINE_ID,
    baseline: performance({ fps: 60.1, avg_render_time_ms: 4.0 }),
    fps_change_percent,
    avg_render_time_change_percent,
    regression: regressions.length > 0,
    regressions,
    summary: regressions.length > 0 ? `regression: ${regressions.join(', ')}` : `fps ${fps_change_percent}%, avg render ${avg_render_time_change_percent}%: no regression`,
  });
}

/** compare_performance for a new pattern: no baseline, so nothing can regress. */
export const noBaseline = (): Completed<TaskOutput<typeof comparePerformance>> =>
  completed('compare_performance', {
    baseline_found: false,
    baseline_id: null,
    baseline: null,
    fps_change_percent: null,
    avg_render_time_change_percent: null,
    regression: false,
    regressions: [],
    summary: 'no baseline: first report of this pattern',
  });

export const reportWritten = (name = PATTERN, commit = PATTERN_COMMIT): Completed<TaskOutput<typeof generateTestReport>> =>
  completed('generate_test_report', { report_path: `/var/lib/k1/reports/${name}-${commit.slice(0, 12)}.json`, summary: `${name}: 58.2 fps (-3.2%), no regression` });

// ---- audio-processing-pipeline -------------------------------------------------------------------

export const SAMPLE_LOCATION = 'artifacts://samples/house-124bpm.wav';
export const SAMPLE_SHA = '8c1f2e3d4c5b6a79887766554433221100ffeeddccbbaa998877665544332211';

export const sampleFetched = (): Completed<TaskOutput<typeof fetchAudioSample>> =>
  completed('fetch_audio_sample', { local_path: '/tmp/k1-audio/house-124bpm.wav', format: 'wav', size_bytes: 5_292_044, sha256: SAMPLE_SHA });

export const decoded = (sample_rate = 16_000): Completed<TaskOutput<typeof decodeAndResample>> =>
  completed('decode_and_resample', { pcm_path: `/tmp/k1-audio/house-124bpm.sr${sample_rate}.f32`, sample_rate, source_sample_rate: 44_100, duration_seconds: 30, sample_count: 30 * sample_rate });

export const spectralExtracted = (): Completed<TaskOutput<typeof extractSpectralFeatures>> =>
  completed('extract_spectral_features', {
    features_path: '/tmp/k1-audio/spectral.json',
    frame_count: 936,
    spectral_centroid_mean_hz: 1894.5,
    spectral_rolloff_mean_hz: 4210,
    spectral_flux_mean: 0.042,
    band_energy_means: [0.31, 0.22, 0.14, 0.11, 0.09, 0.06, 0.04, 0.03],
  });

export const beatTracked = (): Completed<TaskOutput<typeof detectBeatTempo>> =>
  completed('detect_beat_tempo', { tempo_bpm: 124, tempo_confidence: 0.91, beat_times_seconds: [0.48, 0.97, 1.45, 1.94] });

export const onsetsDetected = (): Completed<TaskOutput<typeof detectOnsets>> =>
  completed('detect_onsets', { onset_count: 312, onset_times_seconds: [0.05, 0.48, 0.73], onset_rate_per_second: 10.4 });

export const featuresAggregated = (): Completed<TaskOutput<typeof aggregateFeatures>> =>
  completed('aggregate_features', { features_path: '/tmp/k1-audio/features.json', summary: '124.0 bpm, 312 onsets, centroid 1.9 kHz' });

// ---- virtual time ----------------------------------------------------------------------------------

/**
 * Milliseconds of virtual time from the start of the first attempt of `ref` to each attempt's
 * start (retry spacing: conductor-oss 3.32.3 schedules a retry at once and starts it after the delay).
 */
export function attemptOffsets(result: WorkflowRun, ref: string): number[] {
  const attempts = result.attempts(ref);
  const first = attempts[0]?.startTime ?? 0;
  return attempts.map((a) => a.startTime - first);
}

/** Every worker of a good firmware-ci-cd-pipeline run (build, deploy, health check); `over` replaces the mocks of some refs. */
export const pipelineMocks = (over: TaskMocks = {}): TaskMocks => ({
  validate_commit: [commitValidated()],
  clean_build_env: [buildEnvCleaned()],
  platformio_compile: [compiled()],
  extract_build_metrics: [metricsExtracted()],
  validate_build: [gatesPassed()],
  store_artifact: [stored()],
  deploy_firmware_ota: [otaDeployed()],
  device_health_check: [healthy()],
  ...over,
});
