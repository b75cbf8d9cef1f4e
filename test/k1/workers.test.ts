/**
 * The K1 worker binding end to end: real services on temporary directories, the fake pio and npm
 * executables, a fake device, a fake Conductor and a webhook on 127.0.0.1. Workers run as the SDK
 * runs them (`worker.execute(task)`), so input validation, error policy and output checks are the
 * real ones.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ConductorWorker } from '@io-orkes/conductor-javascript';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isTaskContract, type AnyTaskContract } from '../../src/index.ts';
import { createDeviceApi } from '../../definitions/services/device-api.ts';
import { createPlatformIO } from '../../definitions/services/platformio.ts';
import { createWebappBuilder } from '../../definitions/services/webapp.ts';
import { encodeWav } from '../../definitions/services/wav.ts';
import { createConductorRuns, RunNotFoundError } from '../../definitions/services/conductor-runs.ts';
import { parseWorkerEnv, WORKER_ENV_VARIABLES, type WorkerEnv } from '../../src/worker/worker-env.ts';
import { taskContracts } from '../../definitions/tasks/index.ts';
import { createK1Workers, k1ConfigSchema, k1ServicesFromConfig, k1WorkerSettings, type K1Config, type K1Services, type K1Settings } from '../../definitions/workers/index.ts';
import { MIN_FREE_HEAP_BYTES } from '../../definitions/workflows/device-limits.ts';
import { closedPort, execute, FAKE_NPM, FAKE_PIO, git, makeFirmwareRepo, pioCalls, removeDir, startFakeDevice, startJsonServer, tempDir, workerOf, type Execution, type FakeDevice } from './support.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const ENV = 'esp32-s3-devkitc-1';

let dir: string;
let repoDir: string;
let repo: ReturnType<typeof makeFirmwareRepo> & { webapp: string };
let device: FakeDevice;
let conductor: Awaited<ReturnType<typeof startJsonServer>>;
let webhook: Awaited<ReturnType<typeof startJsonServer>>;
let base: K1Services;
let pioLog: string;
/** Runs the fake Conductor knows, by workflow id. */
const runs: Record<string, unknown> = {};
let webhookStatus = 200;

beforeAll(async () => {
  dir = tempDir('workers');
  repoDir = join(dir, 'repo');
  mkdirSync(repoDir);
  const made = makeFirmwareRepo(repoDir);
  mkdirSync(join(repoDir, 'webapp'));
  writeFileSync(join(repoDir, 'webapp', 'package.json'), '{"name":"k1-webapp","version":"1.4.0","scripts":{"build":"vite build"}}\n');
  git(repoDir, 'add', 'webapp');
  git(repoDir, 'commit', '--quiet', '-m', 'web app');
  repo = { ...made, webapp: git(repoDir, 'rev-parse', 'HEAD') };
  device = await startFakeDevice();
  conductor = await startJsonServer((method, url) => {
    const id = decodeURIComponent(/^\/api\/workflow\/([^/?]+)/.exec(url)?.[1] ?? '');
    return method === 'GET' && runs[id] ? { status: 200, body: runs[id] } : { status: 404, body: { message: `no workflow ${id}` } };
  });
  webhook = await startJsonServer(() => ({ status: webhookStatus, body: { ok: webhookStatus < 300 } }));
  mkdirSync(join(dir, 'samples'));
  base = k1ServicesFromConfig({
    projectDir: made.projectDir,
    repoDir,
    artifactDir: join(dir, 'artifacts'),
    artifactBaseUrl: 'http://ci.local/artifacts',
    artifactKeep: 5,
    pioBin: FAKE_PIO,
    deviceTimeoutMs: 500,
    devicePort: device.port,
    scratchDir: join(dir, 'work'),
    sampleDirs: [join(dir, 'samples')],
    repoName: 'K1.node1',
    conductor: { serverUrl: conductor.url },
    npmBin: FAKE_NPM,
    sampleIntervalMs: 1,
  });
});

afterAll(async () => {
  await device?.close();
  await conductor?.close();
  await webhook?.close();
  removeDir(dir);
});

let services: K1Services;
let workers: ConductorWorker[];
/** Workers whose pio (and npm) run in the given fake mode; pio calls are recorded afresh. */
function useMode(pioMode = 'success', npmMode = 'ok'): void {
  pioLog = join(dir, `pio-${Math.random().toString(36).slice(2)}.jsonl`);
  services = {
    ...base,
    platformio: createPlatformIO({ projectDir: repo.projectDir, pioPath: FAKE_PIO, deviceApiPort: device.port, env: { FAKE_PIO_MODE: pioMode, FAKE_PIO_LOG: pioLog } }),
    webapp: createWebappBuilder({ repoDir, workDir: base.workDir, npmPath: FAKE_NPM, env: { FAKE_NPM_MODE: npmMode } }),
  };
  workers = createK1Workers(services);
}
beforeEach(() => {
  useMode();
  Object.assign(device.state, { mode: 'online', build_signature: 'K1.node1 0000000 2025-01-01', free_heap: 120_000, uptime_seconds: 42 });
  webhookStatus = 200;
});

const run = (name: string, input: Record<string, unknown>): Promise<Execution> => execute(workerOf(workers, name), input);
const completed = async (name: string, input: Record<string, unknown>): Promise<Record<string, unknown>> => {
  const result = await run(name, input);
  if (result.status !== 'COMPLETED') throw new Error(`${name} ended ${result.status}: ${result.reasonForIncompletion}`);
  return result.outputData;
};

// ---- coverage and input validation ----------------------------------------------------------------

/** Every worker task name the generated workflows use: SIMPLE tasks and the tasks of dynamic forks. */
function workerTaskNames(): Set<string> {
  const names = new Set<string>();
  const walk = (tasks: unknown[]): void => {
    for (const t of tasks as Record<string, unknown>[]) {
      if (t['type'] === 'SIMPLE') names.add(String(t['name']));
      const forkName = (t['inputParameters'] as Record<string, unknown> | undefined)?.['forkTaskName'];
      if (t['type'] === 'FORK_JOIN_DYNAMIC' && typeof forkName === 'string' && !forkName.includes('${')) names.add(forkName);
      for (const branch of (t['forkTasks'] as unknown[][] | undefined) ?? []) walk(branch);
      for (const branch of Object.values((t['decisionCases'] as Record<string, unknown[]> | undefined) ?? {})) walk(branch);
      walk((t['defaultCase'] as unknown[] | undefined) ?? []);
      walk((t['loopOver'] as unknown[] | undefined) ?? []);
    }
  };
  const wfDir = join(ROOT, 'generated', 'workflows');
  for (const file of readdirSync(wfDir).filter((f) => f.endsWith('.json'))) walk((JSON.parse(readFileSync(join(wfDir, file), 'utf8')) as { tasks: unknown[] }).tasks);
  return names;
}

const byName = (a: AnyTaskContract, b: AnyTaskContract): number => a.name.localeCompare(b.name);

async function allContracts(): Promise<AnyTaskContract[]> {
  const tasksDir = join(ROOT, 'definitions', 'tasks');
  const found: AnyTaskContract[] = [];
  for (const file of readdirSync(tasksDir).filter((f) => f.endsWith('.ts') && f !== 'index.ts')) {
    const mod = (await import(join(tasksDir, file))) as Record<string, unknown>;
    for (const value of Object.values(mod)) if (isTaskContract(value) && !found.includes(value)) found.push(value);
  }
  return found;
}

describe('coverage', () => {
  it('has a worker for every SIMPLE task name in generated/workflows/*.json', () => {
    const names = [...workerTaskNames()].sort();
    expect(names.length).toBeGreaterThanOrEqual(20);
    const have = new Set(workers.map((w) => w.taskDefName));
    expect(names.filter((n) => !have.has(n))).toEqual([]);
  });

  it('has exactly one worker per task contract in definitions/tasks', async () => {
    const contracts = (await allContracts()).map((c) => c.name).sort();
    expect(workers.map((w) => w.taskDefName).sort()).toEqual(contracts);
  });

  it('lists every task contract of definitions/tasks in taskContracts, and @k1/workflows/k1 exports each, the object itself', async () => {
    const contracts = await allContracts();
    expect([...taskContracts].sort(byName)).toEqual([...contracts].sort(byName));
    const entry = (await import('../../definitions/k1.ts')) as Record<string, unknown>;
    const exported = Object.values(entry).filter(isTaskContract);
    expect(contracts.filter((c) => !exported.includes(c)).map((c) => c.name)).toEqual([]);
    expect(entry['taskContracts']).toBe(taskContracts);
  });

  it('every worker validates its input: a malformed field fails the task terminally, naming the field, before any service runs', async () => {
    const contracts = await allContracts();
    const deviceRequests = device.requests.length;
    for (const contract of contracts) {
      const field = Object.keys(contract.input.shape)[0]!;
      const result = await run(contract.name, { [field]: { __wrong: true } });
      expect(result.status, contract.name).toBe('FAILED_WITH_TERMINAL_ERROR');
      expect(result.reasonForIncompletion, contract.name).toMatch(new RegExp(`^Invalid input for ${contract.name}: .*${field}`));
      const paths = (result.outputData['validationErrors'] as { path: string }[]).map((e) => e.path);
      expect(paths.some((p) => p === field || p.startsWith(`${field}.`)), `${contract.name}: ${paths.join(', ')}`).toBe(true);
    }
    expect(pioCalls(pioLog)).toEqual([]);
    expect(device.requests.length).toBe(deviceRequests);
  });

  it('refuses a shell-like environment name in the contract before pio runs', async () => {
    const result = await run('platformio_compile', { repo: 'K1.node1', branch: 'main', commit_sha: repo.second, environment: 'x; rm -rf /' });
    expect(result.status).toBe('FAILED_WITH_TERMINAL_ERROR');
    expect(result.reasonForIncompletion).toContain('environment: a PlatformIO environment is letters, digits, "_" and "-"');
    expect(pioCalls(pioLog)).toEqual([]);
  });

  it('takes the worker process settings as they are: { ...env.settings, conductor: env.conductor }', () => {
    // Compiles only while the settings of definitions/workers/k1-settings.ts fit the config.
    const fromEnv = (env: WorkerEnv<K1Settings>): K1Config => ({ ...env.settings, conductor: env.conductor });
    const config = fromEnv({
      conductor: { serverUrl: 'http://localhost:8080' },
      worker: { healthPort: 0, healthHost: '127.0.0.1', shutdownTimeoutMs: 1000 },
      settings: {
        projectDir: dir,
        artifactDir: join(dir, 'a'),
        artifactBaseUrl: 'file:///srv/a/',
        artifactKeep: 3,
        pioBin: 'pio',
        gitBin: 'git',
        deviceTimeoutMs: 100,
        devicePort: 80,
        scratchDir: join(dir, 's'),
        buildInWorktrees: true,
        sampleIntervalMs: 1000,
      },
    });
    expect(createK1Workers(k1ServicesFromConfig(config)).length).toBe(workers.length);
  });

  it('every K1 service setting is an environment variable of the worker process (npm run workers -- --help lists them)', () => {
    const env = Object.fromEntries([...WORKER_ENV_VARIABLES, ...k1WorkerSettings.variables].map((v) => [v.name, v.example]));
    const parsed = parseWorkerEnv(env, { fs: { kind: (path) => (/\/(pio|git|npm|tar)$/.test(path) ? 'file' : 'dir') }, cwd: dir, settings: k1WorkerSettings });
    const settings = Object.keys(k1ConfigSchema.shape).filter((key) => key !== 'conductor');
    expect(settings.filter((key) => !(key in parsed.settings))).toEqual([]);
    // And they are the service settings, nothing else: the workers script passes them through.
    expect(Object.keys(parsed.settings).filter((key) => !settings.includes(key))).toEqual([]);
    expect(() => k1ServicesFromConfig({ ...parsed.settings, conductor: parsed.conductor })).not.toThrow();
  });

  it('builds services from a config, and lists every bad field of a bad one', () => {
    expect(() => k1ServicesFromConfig({ projectDir: '', artifactDir: '/a', artifactBaseUrl: 'not a url', artifactKeep: 0, conductor: { serverUrl: 'http://c', keyId: 'k' } })).toThrow(
      /^Invalid K1 worker config: projectDir: .*; artifactBaseUrl: Invalid url; artifactKeep: Number must be greater than or equal to 1; conductor: keyId and keySecret go together/,
    );
    expect(() => k1ServicesFromConfig({ projectDir: dir, artifactDir: dir, artifactBaseUrl: 'http://x', pioPath: 'pio' } as never)).toThrow("Unrecognized key(s) in object: 'pioPath'");
    expect(createK1Workers(k1ServicesFromConfig({ projectDir: dir, artifactDir: join(dir, 'a'), artifactBaseUrl: 'http://x/a' })).length).toBe(workers.length);
  });
});

// ---- the firmware pipeline --------------------------------------------------------------------------

describe('validate_commit', () => {
  it('answers the full SHA, author and subject of a commit on the branch', async () => {
    expect(await completed('validate_commit', { repo: 'K1.node1', branch: 'main', commit_sha: repo.second.slice(0, 7) })).toEqual({
      commit_sha: repo.second,
      author: 'Ada Dev',
      message: 'Serial logging',
    });
  });

  it('fails terminally for a commit that is missing or not on the branch, or another repository', async () => {
    git(repoDir, 'branch', 'side', repo.first);
    const missing = await run('validate_commit', { repo: 'K1.node1', branch: 'main', commit_sha: 'deadbeef' });
    expect(missing).toMatchObject({ status: 'FAILED_WITH_TERMINAL_ERROR', reasonForIncompletion: 'Commit deadbeef is not in K1.node1' });
    const branch = await run('validate_commit', { repo: 'K1.node1', branch: 'no-such-branch', commit_sha: repo.first });
    expect(branch.reasonForIncompletion).toBe('Branch no-such-branch does not exist in K1.node1');
    const other = await run('validate_commit', { repo: 'K2.node9', branch: 'main', commit_sha: repo.first });
    expect(other.reasonForIncompletion).toBe('This worker builds K1.node1, not K2.node9; route the task to a worker of that repository');
  });
});

describe('platformio_compile, extract_build_metrics, validate_build', () => {
  it("builds the commit in a worktree of its own, leaves the user's checkout alone, and reports RAM and Flash in their own fields", async () => {
    const headBefore = git(repoDir, 'rev-parse', 'HEAD');
    const out = await completed('platformio_compile', { repo: 'K1.node1', branch: 'main', commit_sha: repo.first.slice(0, 10), environment: ENV });
    // The checkout keeps its branch, HEAD and files: no detached HEAD, no .pio in the project.
    expect(git(repoDir, 'symbolic-ref', 'HEAD')).toBe('refs/heads/main');
    expect(git(repoDir, 'rev-parse', 'HEAD')).toBe(headBefore);
    expect(existsSync(join(repo.projectDir, '.pio'))).toBe(false);
    expect(git(repoDir, 'worktree', 'list', '--porcelain').match(/^worktree /gm)).toHaveLength(1);
    expect(pioCalls(pioLog)).toEqual([['run', '-e', ENV]]);
    expect(readFileSync(out['firmware_bin_path'] as string, 'utf8')).toContain(`K1BUILD:K1.node1 ${repo.first} `);
    expect(out).toMatchObject({
      success: true,
      firmware_bin_path: expect.stringMatching(new RegExp(`^${join(dir, 'work', 'firmware', ENV)}/${repo.first.slice(0, 12)}-[0-9a-f]{8}/firmware\\.bin$`)),
      error_message: '',
      metrics: { flash_bytes: 931261, flash_total_bytes: 3342336, flash_percent: 27.9, ram_bytes: 49812, ram_total_bytes: 327680, ram_percent: 15.2, warning_count: 0 },
    });
    const metrics = await completed('extract_build_metrics', { build_log: out['build_log'] });
    expect(metrics).toEqual({ flash_bytes: 931261, flash_total_bytes: 3342336, flash_percent: 27.9, ram_bytes: 49812, ram_total_bytes: 327680, ram_percent: 15.2, warning_count: 0 });
    const gates = { build_success: true, metrics, max_warnings: 0, max_flash_percent: 70, max_ram_percent: 80 };
    expect(await completed('validate_build', gates)).toMatchObject({ verdict: 'pass', failed_gates: [] });
    expect(await completed('validate_build', { ...gates, max_flash_percent: 25, metrics: { ...metrics, warning_count: 2 } })).toEqual({
      verdict: 'fail',
      failed_gates: ['warnings 2 > 0', 'flash 27.9% >= 25%'],
      reason: '2 gates failed: warnings 2 > 0; flash 27.9% >= 25%',
    });
  });

  it('counts warnings', async () => {
    useMode('warnings');
    const out = await completed('platformio_compile', { repo: 'K1.node1', branch: 'main', commit_sha: repo.second, environment: ENV });
    expect((out['metrics'] as { warning_count: number }).warning_count).toBe(3);
    expect((await completed('extract_build_metrics', { build_log: out['build_log'] }))['warning_count']).toBe(3);
  });

  it('a compile error completes the task with success false and the error line; the gates then fail on "build failed"', async () => {
    useMode('error');
    const out = await completed('platformio_compile', { repo: 'K1.node1', branch: 'main', commit_sha: repo.second, environment: ENV });
    expect(out).toMatchObject({ success: false, firmware_bin_path: '', error_message: "src/patterns/spectrum_bars.cpp:42:5: error: 'bandEnergy' was not declared in this scope", metrics: { warning_count: 0 } });
    const metrics = await completed('extract_build_metrics', { build_log: out['build_log'] });
    expect(metrics).toMatchObject({ flash_percent: 0, ram_percent: 0 });
    expect(await completed('validate_build', { build_success: false, metrics, max_warnings: 0, max_flash_percent: 70, max_ram_percent: 80 })).toMatchObject({ verdict: 'fail', failed_gates: ['build failed'] });
  });

  it('fails terminally for a commit the repository does not have, without running pio', async () => {
    const result = await run('platformio_compile', { repo: 'K1.node1', branch: 'main', commit_sha: 'abcdef1234', environment: ENV });
    expect(result).toMatchObject({ status: 'FAILED_WITH_TERMINAL_ERROR', reasonForIncompletion: 'Commit abcdef1234 is not in K1.node1' });
    expect(pioCalls(pioLog)).toEqual([]);
  });

  it('two builds of different commits at once each build their own commit', async () => {
    const [a, b] = await Promise.all(
      [repo.first, repo.second].map((commit) => completed('platformio_compile', { repo: 'K1.node1', branch: 'main', commit_sha: commit, environment: ENV })),
    );
    expect(readFileSync(a!['firmware_bin_path'] as string, 'utf8')).toContain(`K1BUILD:K1.node1 ${repo.first} `);
    expect(readFileSync(b!['firmware_bin_path'] as string, 'utf8')).toContain(`K1BUILD:K1.node1 ${repo.second} `);
    // Each in its own directory.
    const cwds = readFileSync(pioLog, 'utf8').trim().split('\n').map((line) => (JSON.parse(line) as { cwd: string }).cwd);
    expect(cwds).toHaveLength(2);
    expect(new Set(cwds).size).toBe(2);
  });

  it("clean_build_env removes a crashed build's worktree and day-old kept firmware, nothing of the checkout or of fresh builds", async () => {
    const fresh = await completed('platformio_compile', { repo: 'K1.node1', branch: 'main', commit_sha: repo.second, environment: ENV });
    const stale = join(dir, 'work', 'worktrees', 'crashed-build');
    git(repoDir, 'worktree', 'add', '--detach', '--quiet', stale, repo.first);
    const old = join(dir, 'work', 'firmware', ENV, 'deadbeef0000-00000000');
    mkdirSync(old, { recursive: true });
    writeFileSync(join(old, 'firmware.bin'), 'old');
    utimesSync(old, new Date(Date.now() - 2 * 24 * 3600 * 1000), new Date(Date.now() - 2 * 24 * 3600 * 1000));
    expect(await completed('clean_build_env', { environment: ENV })).toEqual({ cleaned: true, removed_paths: [stale, old] });
    expect(existsSync(fresh['firmware_bin_path'] as string)).toBe(true);
    expect(git(repoDir, 'worktree', 'list', '--porcelain').match(/^worktree /gm)).toHaveLength(1);
    expect(await completed('clean_build_env', { environment: ENV })).toEqual({ cleaned: false, removed_paths: [] });
  });
});

// ---- devices ----------------------------------------------------------------------------------------

describe('deploy_firmware_ota', () => {
  /** Stores firmware with these bytes and returns its artifact id. */
  const storedFirmware = async (bytes: string): Promise<string> => {
    const path = join(services.workDir, 'deploy', `${Math.random().toString(36).slice(2)}.bin`);
    mkdirSync(join(services.workDir, 'deploy'), { recursive: true });
    writeFileSync(path, bytes);
    return (await services.artifacts.put(path, { category: 'firmware', version: 'a1b2c3d', environment: ENV })).id;
  };

  it('is idempotent: a device already running the build signature is not flashed (pio not called)', async () => {
    device.state.build_signature = 'K1.node1 a1b2c3d4e5f60718 2025-01-10T12:00:00Z';
    const out = await completed('deploy_firmware_ota', { device_ip: '127.0.0.1', environment: ENV, artifact_id: await storedFirmware('firmware to deploy'), build_signature: 'a1b2c3d' });
    expect(out).toEqual({ status: 'already_deployed', device_ip: '127.0.0.1', duration_ms: 0 });
    expect(pioCalls(pioLog)).toEqual([]);
  });

  it('flashes exactly the stored artifact, whatever another build left in the project since', async () => {
    const id = await storedFirmware('K1BUILD:K1.node1 a1b2c3d 2026-01-01\nthe stored build');
    // Another workflow's build during the retry delay: the project's build output changes.
    mkdirSync(join(repo.projectDir, '.pio', 'build', ENV), { recursive: true });
    writeFileSync(join(repo.projectDir, '.pio', 'build', ENV, 'firmware.bin'), 'K1BUILD:K1.node1 bbbbbbb 2026-01-02\nanother build');
    const out = await completed('deploy_firmware_ota', { device_ip: '127.0.0.1', environment: ENV, artifact_id: id, build_signature: 'a1b2c3d' });
    expect(out).toMatchObject({ status: 'deployed', device_ip: '127.0.0.1' });
    expect(pioCalls(pioLog)).toEqual([['run', '-e', `${ENV}-ota`, '-t', 'nobuild', '-t', 'upload', '--upload-port', '127.0.0.1']]);
    expect(device.state.firmware_sha256).toBe(id);
    expect(device.state.build_signature).toBe('K1.node1 a1b2c3d 2026-01-01');
    // The upload staged the firmware in a build directory of its own, not in the project.
    expect(existsSync(join(repo.projectDir, '.pio', 'build', `${ENV}-ota`))).toBe(false);
    rmSync(join(repo.projectDir, '.pio'), { recursive: true, force: true });
  });

  it('refuses a stored artifact whose bytes no longer match its content address, and flashes nothing', async () => {
    const id = await storedFirmware('K1BUILD:K1.node1 a1b2c3d x\nstored');
    writeFileSync(services.artifacts.path(id), 'K1BUILD:K1.node1 bbbbbbb y\nreplaced on disk');
    const uploads = device.uploads.length;
    const result = await run('deploy_firmware_ota', { device_ip: '127.0.0.1', environment: ENV, artifact_id: id, build_signature: 'a1b2c3d' });
    expect(result.status).toBe('FAILED_WITH_TERMINAL_ERROR');
    expect(result.reasonForIncompletion).toMatch(new RegExp(`^Firmware ${services.artifacts.path(id)} has sha256 [0-9a-f]{64}, not ${id}: the stored artifact changed or is damaged, so nothing was flashed`));
    expect(pioCalls(pioLog)).toEqual([]);
    expect(device.uploads.length).toBe(uploads);
  });

  it('an upload that fails is retryable (FAILED) with the uploader error', async () => {
    useMode('upload-fail');
    const result = await run('deploy_firmware_ota', { device_ip: '127.0.0.1', environment: ENV, artifact_id: await storedFirmware('fw'), build_signature: 'a1b2c3d' });
    expect(result.status).toBe('FAILED');
    expect(result.reasonForIncompletion).toBe(`OTA upload of ${ENV} firmware to 127.0.0.1 failed: 12:00:01 [ERROR]: No response from the ESP`);
  });

  it('refuses an artifact the store does not have, or one that is not firmware of the environment', async () => {
    const missing = await run('deploy_firmware_ota', { device_ip: '127.0.0.1', environment: ENV, artifact_id: 'f'.repeat(64), build_signature: 'a1b2c3d' });
    expect(missing).toMatchObject({ status: 'FAILED_WITH_TERMINAL_ERROR', reasonForIncompletion: expect.stringMatching(/^No artifact f{64} in the artifact store/) });
    const other = await run('deploy_firmware_ota', { device_ip: '127.0.0.1', environment: 'esp32-other', artifact_id: await storedFirmware('fw for another env'), build_signature: 'a1b2c3d' });
    expect(other.reasonForIncompletion).toMatch(/is firmware for esp32-s3-devkitc-1, not firmware for esp32-other; nothing was flashed$/);
    expect(pioCalls(pioLog)).toEqual([]);
  });
});

describe('device_health_check', () => {
  const check = (expected = 'a1b2c3d') => run('device_health_check', { device_ip: '127.0.0.1', expected_build_signature: expected, min_free_heap_bytes: MIN_FREE_HEAP_BYTES });

  it('is healthy when the signature contains the commit and the heap is above the minimum', async () => {
    device.state.build_signature = 'K1.node1 a1b2c3d 2025-01-10';
    const result = await check();
    expect(result.status).toBe('COMPLETED');
    expect(result.outputData).toEqual({
      healthy: true,
      build_signature: 'K1.node1 a1b2c3d 2025-01-10',
      free_heap_bytes: 120_000,
      uptime_seconds: 42,
      fps: 59,
      summary: 'healthy: runs K1.node1 a1b2c3d 2025-01-10, free heap 120000 B (min 51200 B), 59 fps, up 42 s',
    });
  });

  it('is unhealthy with a wrong signature or a low heap, and says which', async () => {
    device.state.build_signature = 'K1.node1 ffffff0 2025-01-10';
    device.state.free_heap = 30_000;
    const result = await check();
    expect(result.outputData['healthy']).toBe(false);
    expect(result.outputData['summary']).toMatch(/^unhealthy: build signature "K1.node1 ffffff0 2025-01-10" does not contain a1b2c3d; free heap 30000 B < 51200 B \(/);
  });

  it('an offline, slow or malformed device fails the attempt (retried) with a clear reason', async () => {
    device.state.mode = 'malformed';
    const malformed = await check();
    expect(malformed.status).toBe('FAILED');
    expect(malformed.reasonForIncompletion).toMatch(new RegExp(`^Device 127\\.0\\.0\\.1:${device.port} GET /api/device/info: answer is not JSON`));
    device.state.mode = 'slow';
    device.state.slowMs = 1500;
    const slow = await check();
    expect(slow.reasonForIncompletion).toBe(`Device 127.0.0.1:${device.port} GET /api/device/info: no answer within 500 ms (device busy, rebooting or off the network)`);
    const port = await closedPort();
    const offline = await execute(workerOf(createK1Workers({ ...services, device: createDeviceApi({ port, timeoutMs: 500 }) }), 'device_health_check'), {
      device_ip: '127.0.0.1',
      expected_build_signature: 'a1b2c3d',
      min_free_heap_bytes: 1,
    });
    expect(offline.status).toBe('FAILED');
    expect(offline.reasonForIncompletion).toBe(`Device 127.0.0.1:${port} GET /api/device/info: cannot connect (ECONNREFUSED); is the device powered and on the network?`);
  });
});

// ---- artifacts and rollback ---------------------------------------------------------------------------

describe('store_artifact, device_health_check marking good, get_last_good_artifact', () => {
  const store = async (content: string, version: string): Promise<Record<string, unknown>> => {
    const path = join(services.workDir, `fw-${version}.bin`);
    mkdirSync(services.workDir, { recursive: true });
    writeFileSync(path, content);
    return completed('store_artifact', { source_path: path, category: 'firmware', version, environment: ENV });
  };

  it('picks the newest firmware marked good that is not the failed run version; target_version picks that version', async () => {
    const v1 = await store('release one', 'a1a1a1a');
    await store('release two', 'b2b2b2b');
    expect(v1['artifact_url']).toBe(`http://ci.local/artifacts/${v1['artifact_id'] as string}`);
    expect(v1['checksum_sha256']).toBe(v1['artifact_id']);
    // Both ran healthily on a device once: each is marked good.
    for (const version of ['a1a1a1a', 'b2b2b2b']) {
      device.state.build_signature = `K1.node1 ${version}`;
      expect((await completed('device_health_check', { device_ip: '127.0.0.1', expected_build_signature: version, min_free_heap_bytes: 1 }))['healthy']).toBe(true);
    }
    // A newer build that never passed a health check.
    await store('release three', 'c3c3c3c');
    runs['wf-failed'] = { workflowId: 'wf-failed', status: 'FAILED', input: { commit_sha: 'b2b2b2b' }, tasks: [] };
    const chosen = await completed('get_last_good_artifact', { failed_workflow_id: 'wf-failed', environment: ENV });
    expect(chosen).toMatchObject({ artifact_id: v1['artifact_id'], version: 'a1a1a1a', selected_by: 'last_good', firmware_bin_path: join(dir, 'artifacts', v1['artifact_id'] as string) });
    const target = await completed('get_last_good_artifact', { failed_workflow_id: 'wf-failed', environment: ENV, target_version: 'c3c3c3c' });
    expect(target).toMatchObject({ version: 'c3c3c3c', selected_by: 'target_version' });
  });

  it('fails terminally when nothing qualifies, or the failed run is unknown', async () => {
    runs['wf-other-env'] = { workflowId: 'wf-other-env', input: { commit_sha: 'a1a1a1a' }, tasks: [] };
    const none = await run('get_last_good_artifact', { failed_workflow_id: 'wf-other-env', environment: 'esp32-other' });
    expect(none.status).toBe('FAILED_WITH_TERMINAL_ERROR');
    expect(none.reasonForIncompletion).toMatch(/^No esp32-other firmware marked good other than a1a1a1a in the store/);
    const unknown = await run('get_last_good_artifact', { failed_workflow_id: 'wf-nobody-knows', environment: ENV });
    expect(unknown).toMatchObject({ status: 'FAILED_WITH_TERMINAL_ERROR', reasonForIncompletion: 'Conductor has no workflow run wf-nobody-knows' });
    const target = await run('get_last_good_artifact', { failed_workflow_id: 'x', environment: ENV, target_version: 'fffffff' });
    expect(target.reasonForIncompletion).toMatch(/^No stored esp32-s3-devkitc-1 firmware of version fffffff/);
  });

  it('store_artifact refuses files outside the readable directories', async () => {
    const result = await run('store_artifact', { source_path: '/etc/hostname', category: 'reports', version: 'v1' });
    expect(result.status).toBe('FAILED_WITH_TERMINAL_ERROR');
  });
});

describe('build_webapp and aggregate_artifacts', () => {
  it('builds the web app at the commit and stores a complete release with its manifest', async () => {
    const webapp = await completed('build_webapp', { repo: 'K1.node1', branch: 'main', commit_sha: repo.webapp, webapp_dir: 'webapp' });
    expect(webapp).toMatchObject({ success: true, error_message: '' });
    expect(existsSync(webapp['bundle_path'] as string)).toBe(true);
    const build = await completed('platformio_compile', { repo: 'K1.node1', branch: 'main', commit_sha: repo.webapp, environment: ENV });
    const out = await completed('aggregate_artifacts', {
      release_version: repo.webapp,
      environments: [ENV],
      firmware_builds: [{ input: { environment: ENV }, output: build }],
      webapp_build: webapp,
    });
    const fw = (out['firmware'] as Record<string, { artifact_id: string; firmware_bin_path: string }>)[ENV]!;
    expect(fw.firmware_bin_path).toBe(join(dir, 'artifacts', fw.artifact_id));
    const manifest = JSON.parse(readFileSync(out['manifest_path'] as string, 'utf8'));
    expect(manifest).toMatchObject({ release_version: repo.webapp, firmware: { [ENV]: { sha256: fw.artifact_id } }, webapp: { artifact_id: (out['webapp'] as { artifact_id: string }).artifact_id } });
  });

  it('a failed web app build is a result with the first error', async () => {
    useMode('success', 'fail');
    const out = await completed('build_webapp', { repo: 'K1.node1', branch: 'main', commit_sha: repo.webapp, webapp_dir: 'webapp' });
    expect(out).toEqual({ success: false, bundle_path: '', size_bytes: 0, error_message: "src/App.tsx(12,7): error TS2322: Type 'string' is not assignable to type 'number'." });
    const escape = await completed('build_webapp', { repo: 'K1.node1', branch: 'main', commit_sha: repo.webapp, webapp_dir: '../../etc' }).catch((e: Error) => e.message);
    expect(escape).toMatch(/FAILED_WITH_TERMINAL_ERROR: .*is outside/);
  });

  it('refuses a partial release terminally, naming every failed build, and stores nothing', async () => {
    const before = readdirSync(join(dir, 'artifacts')).length;
    const result = await run('aggregate_artifacts', {
      release_version: 'abcdef0',
      environments: [ENV, 'esp32-s3-psram'],
      // Found by the environment each build was asked for, in any order; a build that left no output counts as missing.
      firmware_builds: [
        { input: { environment: 'esp32-s3-psram' }, output: null },
        { input: { environment: ENV }, output: { success: false, firmware_bin_path: '', error_message: 'src/a.cpp:1:1: error: boom' } },
      ],
      webapp_build: { success: true, bundle_path: '/nowhere.tar.gz', size_bytes: 1, error_message: '' },
    });
    expect(result.status).toBe('FAILED_WITH_TERMINAL_ERROR');
    expect(result.reasonForIncompletion).toBe(
      'Release abcdef0 is incomplete, nothing was stored: esp32-s3-devkitc-1: src/a.cpp:1:1: error: boom; esp32-s3-psram: no build result',
    );
    expect(readdirSync(join(dir, 'artifacts')).length).toBe(before);
  });
});

describe('reading runs from Conductor', () => {
  it('exchanges an Orkes application key for a token and sends it; a 404 is RunNotFoundError', async () => {
    const orkes = await startJsonServer((method, url, _body, headers) => {
      if (method === 'POST' && url === '/api/token') return { status: 200, body: { token: 'tok-1' } };
      if (headers['x-authorization'] !== 'tok-1') return { status: 401, body: {} };
      return url.startsWith('/api/workflow/wf-1') ? { status: 200, body: { workflowId: 'wf-1', input: { commit_sha: 'a1b2c3d' }, tasks: [] } } : { status: 404, body: {} };
    });
    try {
      const runsApi = createConductorRuns({ serverUrl: `${orkes.url}/api/`, keyId: 'key', keySecret: 'secret' });
      expect((await runsApi.get('wf-1')).input).toEqual({ commit_sha: 'a1b2c3d' });
      await expect(runsApi.get('wf-2')).rejects.toBeInstanceOf(RunNotFoundError);
      expect(orkes.requests.filter((r) => r.url === '/api/token')).toHaveLength(1);
      expect(JSON.parse(orkes.requests[0]!.body)).toEqual({ keyId: 'key', keySecret: 'secret' });
      expect(orkes.requests[1]!.url).toBe('/api/workflow/wf-1?includeTasks=true');
    } finally {
      await orkes.close();
    }
  });

  it('never follows a redirect: the token goes only to the server given', async () => {
    const elsewhere = await startJsonServer(() => ({ status: 200, body: { workflowId: 'wf-1', input: {}, tasks: [] } }));
    const orkes = await startJsonServer((method, url) => {
      if (method === 'POST' && url === '/api/token') return { status: 200, body: { token: 'tok-1' } };
      return { status: 307, body: {}, headers: { location: `${elsewhere.url}${url}` } };
    });
    try {
      const runsApi = createConductorRuns({ serverUrl: orkes.url, keyId: 'key', keySecret: 'secret' });
      await expect(runsApi.get('wf-1')).rejects.toThrow(`Conductor at ${orkes.url}/api answered HTTP 307 redirecting to "${elsewhere.url}/api/workflow/wf-1?includeTasks=true"; redirects are not followed: use the final address`);
      expect(elsewhere.requests).toEqual([]);
    } finally {
      await orkes.close();
      await elsewhere.close();
    }
  });
});

describe('collect_build_logs', () => {
  it('takes the tail of the failed run build log and names the failed task', async () => {
    const longLog = `${'Compiling .pio/build/x/src/file.cpp.o\n'.repeat(400)}src/main.cpp:3:1: error: boom\n`;
    runs['wf-build-failed'] = {
      workflowId: 'wf-build-failed',
      status: 'FAILED',
      input: { commit_sha: 'a1b2c3d' },
      tasks: [
        { taskId: 't1', referenceTaskName: 'validate_commit', taskDefName: 'validate_commit', taskType: 'validate_commit', status: 'COMPLETED', outputData: {} },
        { taskId: 't2', referenceTaskName: 'platformio_compile', taskDefName: 'platformio_compile', taskType: 'platformio_compile', status: 'COMPLETED', outputData: { build_log: longLog } },
        { taskId: 't3', referenceTaskName: 'stop_on_failed_build', taskType: 'TERMINATE', status: 'FAILED', reasonForIncompletion: 'build failed' },
      ],
    };
    const out = await completed('collect_build_logs', { workflow_id: 'wf-build-failed', failed_task_id: 't3' });
    expect(out['failed_task']).toBe('stop_on_failed_build');
    expect(Buffer.byteLength(out['log_excerpt'] as string)).toBeLessThanOrEqual(4096);
    expect(out['log_excerpt']).toMatch(/src\/main\.cpp:3:1: error: boom\n$/);
    const noId = await completed('collect_build_logs', { workflow_id: 'wf-build-failed', failed_task_id: null });
    expect(noId['failed_task']).toBe('stop_on_failed_build');
  });
});

// ---- patterns -------------------------------------------------------------------------------------------

describe('the pattern tasks', () => {
  const SPEC = JSON.stringify({ effect: 'pulse', palette: ['#ff0000', '#0000ff'], speed: 2, audio_reactive: true });

  it('generate, measure, compare with no baseline, report, store; then the report is the next baseline', async () => {
    const generated = await completed('generate_pattern', { pattern_name: 'red_pulse', pattern_source: SPEC, optimization_level: 'O2', repo: 'K1.node1', base_branch: 'main' });
    expect(generated).toMatchObject({ valid: true, branch: 'patterns/red_pulse', cpp_path: 'firmware/src/patterns/generated/red_pulse.cpp' });
    const commit = generated['commit_sha'] as string;
    const build = await completed('platformio_compile', { repo: 'K1.node1', branch: 'patterns/red_pulse', commit_sha: commit, environment: ENV });
    expect(build['success']).toBe(true);
    expect(readFileSync(build['firmware_bin_path'] as string, 'utf8')).toContain(`K1BUILD:K1.node1 ${commit} `);

    device.state.build_signature = `K1.node1 ${commit.slice(0, 12)} 2025-01-10`;
    device.state.fps = 60;
    device.state.avg_render_time_ms = 8;
    const measured = await completed('validate_pattern_on_device', { device_ip: '127.0.0.1', pattern_name: 'red_pulse', expected_build_signature: commit, sample_seconds: 6 });
    expect(measured).toMatchObject({ activated: true, sample_count: 6, metrics: { fps: 60, avg_render_time_ms: 8, max_render_time_ms: expect.any(Number), audio_latency_ms: 12 } });
    expect(device.requests).toContain('POST /api/pattern/activate {"pattern":"red_pulse"}');

    const compareInput = { pattern_name: 'red_pulse', baseline_ref: 'latest', environment: ENV, measured: measured['metrics'], max_fps_drop_percent: 10, max_render_time_rise_percent: 15 };
    const first = await completed('compare_performance', compareInput);
    expect(first).toMatchObject({ baseline_found: false, baseline_id: null, baseline: null, regression: false, regressions: [] });

    const reportInput = {
      pattern_name: 'red_pulse',
      commit_sha: commit,
      optimization_level: 'O2',
      environment: ENV,
      device_ip: '127.0.0.1',
      build_metrics: build['metrics'],
      measured: measured['metrics'],
      sample_count: 6,
      comparison: first,
    };
    const report = await completed('generate_test_report', reportInput);
    expect(report['summary']).toBe('red_pulse: 60.0 fps, no baseline');
    expect(JSON.parse(readFileSync(report['report_path'] as string, 'utf8'))).toMatchObject({ kind: 'k1-pattern-test-report', pattern_name: 'red_pulse', regression: false, summary: expect.stringContaining('| fps | 60 |') });
    const stored = await completed('store_artifact', { source_path: report['report_path'], category: 'reports', version: `red_pulse-${commit}`, environment: ENV });

    // The next run: 20 % slower is a regression against the stored baseline.
    const slower = { ...(measured['metrics'] as Record<string, number>), fps: 48, avg_render_time_ms: 8.4 };
    const second = await completed('compare_performance', { ...compareInput, measured: slower });
    expect(second).toMatchObject({
      baseline_found: true,
      baseline_id: stored['artifact_id'],
      fps_change_percent: -20,
      avg_render_time_change_percent: 5,
      regression: true,
      regressions: ['fps -20.0% (limit -10%)'],
    });
    const byId = await completed('compare_performance', { ...compareInput, baseline_ref: stored['artifact_id'] });
    expect(byId).toMatchObject({ baseline_found: true, regression: false, fps_change_percent: 0 });
    const wrong = await run('compare_performance', { ...compareInput, pattern_name: 'other_pattern', baseline_ref: stored['artifact_id'] });
    expect(wrong).toMatchObject({ status: 'FAILED_WITH_TERMINAL_ERROR', reasonForIncompletion: `Baseline ${stored['artifact_id'] as string} is a report of red_pulse, not other_pattern` });
    const traversal = await run('compare_performance', { ...compareInput, baseline_ref: '../../etc/passwd' });
    expect(traversal.status).toBe('FAILED_WITH_TERMINAL_ERROR');
    expect(traversal.reasonForIncompletion).toMatch(/^Invalid artifact id "\.\.\/\.\.\/etc\/passwd"/);
  });

  it('an invalid spec completes with valid=false; a device on another build fails the attempt', async () => {
    const invalid = await completed('generate_pattern', { pattern_name: 'bad', pattern_source: '{"effect":"plasma"}', optimization_level: 'O2', repo: 'K1.node1', base_branch: 'main' });
    expect(invalid).toMatchObject({ valid: false, commit_sha: '', branch: '' });
    expect(invalid['validation_errors']).toContain('effect: effect is one of solid, gradient, pulse, wave, sparkle, spectrum_bars');
    device.state.build_signature = 'K1.node1 0000000';
    const wrong = await run('validate_pattern_on_device', { device_ip: '127.0.0.1', pattern_name: 'red_pulse', expected_build_signature: 'a1b2c3d', sample_seconds: 5 });
    expect(wrong).toMatchObject({ status: 'FAILED', reasonForIncompletion: 'Device 127.0.0.1 runs build "K1.node1 0000000", not a1b2c3d; the pattern firmware is not running (yet)' });
  });
});

// ---- notify -------------------------------------------------------------------------------------------

describe('notify', () => {
  const input = { severity: 'error', title: 'Firmware a1b2c3d failed the quality gates', message: 'flash 72.1% >= 70%' };

  it('skips an empty webhook URL', async () => {
    expect(await completed('notify', { ...input, webhook_url: '' })).toEqual({ delivered: false, status_code: 0 });
  });

  it('posts Slack-compatible JSON', async () => {
    const before = webhook.requests.length;
    expect(await completed('notify', { ...input, webhook_url: `${webhook.url}/hook` })).toEqual({ delivered: true, status_code: 200 });
    const body = JSON.parse(webhook.requests[before]!.body);
    expect(body).toEqual({ text: ':rotating_light: *Firmware a1b2c3d failed the quality gates*\nflash 72.1% >= 70%', title: input.title, message: input.message, severity: 'error' });
  });

  it('a 4xx is an answer (not delivered); a 5xx fails the attempt so it is retried', async () => {
    webhookStatus = 404;
    expect(await completed('notify', { ...input, webhook_url: `${webhook.url}/hook` })).toEqual({ delivered: false, status_code: 404 });
    webhookStatus = 503;
    const result = await run('notify', { ...input, webhook_url: `${webhook.url}/hook` });
    expect(result).toMatchObject({ status: 'FAILED', reasonForIncompletion: `Webhook ${new URL(webhook.url).host} answered HTTP 503; will retry` });
  });

  it('never follows a redirect: a 3xx is an answer, and the other host gets nothing', async () => {
    const elsewhere = await startJsonServer(() => ({ status: 200, body: { ok: true } }));
    const redirecting = await startJsonServer(() => ({ status: 308, body: {}, headers: { location: `${elsewhere.url}/hook` } }));
    try {
      expect(await completed('notify', { ...input, webhook_url: `${redirecting.url}/hook` })).toEqual({ delivered: false, status_code: 308 });
      expect(redirecting.requests).toHaveLength(1);
      expect(elsewhere.requests).toEqual([]);
    } finally {
      await redirecting.close();
      await elsewhere.close();
    }
  });
});

// ---- audio -------------------------------------------------------------------------------------------

describe('the audio tasks', () => {
  it('fetch, decode, analyse in three tasks, aggregate and store a 120 bpm click track', async () => {
    const rate = 44100;
    const seconds = 6;
    const stereo = new Float32Array(rate * seconds * 2);
    for (let t = 0.25; t < seconds - 0.1; t += 0.5) {
      const start = Math.round(t * rate);
      for (let i = 0; i < rate * 0.01; i++) {
        const v = 0.8 * Math.sin(i * 1.7) * Math.exp(-i / (rate * 0.002));
        stereo[(start + i) * 2] = v;
        stereo[(start + i) * 2 + 1] = v;
      }
    }
    writeFileSync(join(dir, 'samples', 'clicks.wav'), encodeWav(stereo, rate, { channels: 2 }));

    const fetched = await completed('fetch_audio_sample', { sample_location: 'clicks.wav' });
    expect(fetched).toMatchObject({ format: 'wav', size_bytes: 44 + rate * seconds * 4, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    const decoded = await completed('decode_and_resample', { local_path: fetched['local_path'], sample_rate: 16000 });
    expect(decoded).toMatchObject({ sample_rate: 16000, source_sample_rate: 44100, duration_seconds: 6, sample_count: 96000 });
    const analysis = { pcm_path: decoded['pcm_path'], sample_rate: 16000, window_size: 1024, hop_size: 512 };
    const spectral = await completed('extract_spectral_features', analysis);
    expect(spectral).toMatchObject({ frame_count: Math.floor((96000 - 1024) / 512) + 1, band_energy_means: expect.any(Array) });
    expect(JSON.parse(readFileSync(spectral['features_path'] as string, 'utf8')).frames).toHaveLength(spectral['frame_count'] as number);
    const beat = await completed('detect_beat_tempo', analysis);
    expect(Math.abs((beat['tempo_bpm'] as number) - 120)).toBeLessThan(1);
    const onsets = await completed('detect_onsets', analysis);
    expect(onsets['onset_count']).toBe(12);
    expect(onsets['onset_rate_per_second']).toBe(2);
    const aggregate = await completed('aggregate_features', {
      sample_sha256: fetched['sha256'],
      sample_location: 'clicks.wav',
      duration_seconds: decoded['duration_seconds'],
      sample_rate: 16000,
      window_size: 1024,
      hop_size: 512,
      spectral,
      beat,
      onsets,
    });
    expect(aggregate['summary']).toMatch(/^1[12]\d\.\d bpm, 12 onsets, centroid \d/);
    const stored = await completed('store_artifact', { source_path: aggregate['features_path'], category: 'features', version: `${fetched['sha256'] as string}-sr16000-w1024-h512` });
    // The same analysis again is the same file, so the same artifact.
    const again = await completed('aggregate_features', { sample_sha256: fetched['sha256'], sample_location: 'clicks.wav', duration_seconds: 6, sample_rate: 16000, window_size: 1024, hop_size: 512, spectral, beat, onsets });
    expect((await completed('store_artifact', { source_path: again['features_path'], category: 'features', version: 'v' }))['artifact_id']).toBe(stored['artifact_id']);
    // The sample can come back from the store as artifact:<id>.
    const wavStored = await completed('store_artifact', { source_path: fetched['local_path'], category: 'features', version: 'sample' });
    expect((await completed('fetch_audio_sample', { sample_location: `artifact:${wavStored['artifact_id'] as string}` }))['sha256']).toBe(fetched['sha256']);
  });

  it('refuses samples outside the sample directories, non-audio files, FLAC and MP3 (which it cannot decode) and hop > window', async () => {
    const outside = await run('fetch_audio_sample', { sample_location: '../../etc/passwd' });
    expect(outside.status).toBe('FAILED_WITH_TERMINAL_ERROR');
    expect(outside.reasonForIncompletion).toMatch(/is outside the sample directories/);
    writeFileSync(join(dir, 'samples', 'notes.txt'), 'not audio');
    expect((await run('fetch_audio_sample', { sample_location: 'notes.txt' })).reasonForIncompletion).toBe('notes.txt is not a WAV file (its first bytes are not "RIFF....WAVE")');
    // Issue 15: these were accepted, then refused by the decoder.
    writeFileSync(join(dir, 'samples', 'song.flac'), Buffer.concat([Buffer.from('fLaC'), Buffer.alloc(60)]));
    writeFileSync(join(dir, 'samples', 'song.mp3'), Buffer.concat([Buffer.from('ID3'), Buffer.alloc(60)]));
    expect(await run('fetch_audio_sample', { sample_location: 'song.flac' })).toMatchObject({
      status: 'FAILED_WITH_TERMINAL_ERROR',
      reasonForIncompletion: 'song.flac is FLAC; the audio tasks decode WAV only: convert it first, e.g. ffmpeg -i in.flac out.wav',
    });
    expect((await run('fetch_audio_sample', { sample_location: 'song.mp3' })).reasonForIncompletion).toBe('song.mp3 is MP3; the audio tasks decode WAV only: convert it first, e.g. ffmpeg -i in.mp3 out.wav');
    const hop = await run('detect_onsets', { pcm_path: join(services.workDir, 'audio', 'x.f32'), sample_rate: 16000, window_size: 256, hop_size: 512 });
    expect(hop).toMatchObject({ status: 'FAILED_WITH_TERMINAL_ERROR', reasonForIncompletion: 'hop_size 512 must be a whole number from 32 to 256 (window_size / 8 to window_size 256)' });
  });
});

describe('symbolic links out of the checkout (issue 15)', () => {
  let outside: string;
  beforeAll(() => {
    outside = join(dir, 'outside');
    mkdirSync(join(outside, 'webapp'), { recursive: true });
    writeFileSync(join(outside, 'secret.txt'), 'not for the artifact store\n');
    writeFileSync(join(outside, 'secret.wav'), encodeWav(new Float32Array(800), 8000));
    writeFileSync(join(outside, 'webapp', 'package.json'), '{"name":"elsewhere","scripts":{"build":"true"}}\n');
  });

  it('store_artifact refuses a link inside a readable directory that points outside them, and stores nothing', async () => {
    const link = join(repoDir, 'leak.txt');
    symlinkSync(join(outside, 'secret.txt'), link);
    try {
      const stored = (): number => (existsSync(join(dir, 'artifacts')) ? readdirSync(join(dir, 'artifacts')).length : 0);
      const before = stored();
      const result = await run('store_artifact', { source_path: link, category: 'reports', version: 'v-leak' });
      expect(result.status).toBe('FAILED_WITH_TERMINAL_ERROR');
      expect(result.reasonForIncompletion).toBe(`Artifact source ${link} is outside the directories this worker reads (${base.readableDirs.join(', ')})`);
      expect(stored()).toBe(before);
    } finally {
      rmSync(link);
    }
  });

  it('build_webapp refuses a committed web app directory that links outside the repository, and runs no npm', async () => {
    symlinkSync(join(outside, 'webapp'), join(repoDir, 'linked-webapp'));
    git(repoDir, 'add', 'linked-webapp');
    git(repoDir, 'commit', '--quiet', '-m', 'a link out');
    const commit = git(repoDir, 'rev-parse', 'HEAD');
    const npmLog = join(dir, 'npm-calls.jsonl');
    services = { ...services, webapp: createWebappBuilder({ repoDir, workDir: base.workDir, npmPath: FAKE_NPM, env: { FAKE_NPM_LOG: npmLog } }) };
    workers = createK1Workers(services);
    try {
      const result = await run('build_webapp', { repo: 'K1.node1', branch: 'main', commit_sha: commit, webapp_dir: 'linked-webapp' });
      expect(result.status).toBe('FAILED_WITH_TERMINAL_ERROR');
      expect(result.reasonForIncompletion).toMatch(/^linked-webapp is outside .* \(symbolic links resolved\)/);
      expect(existsSync(npmLog)).toBe(false);
      expect(existsSync(join(outside, 'webapp', 'node_modules'))).toBe(false);
    } finally {
      git(repoDir, 'reset', '--quiet', '--hard', 'HEAD~1');
    }
  });

  it('platformio_compile does not take a firmware.bin that links outside the project as its output', async () => {
    services = { ...services, platformio: createPlatformIO({ projectDir: repo.projectDir, pioPath: FAKE_PIO, env: { FAKE_PIO_MODE: 'link-out', FAKE_PIO_LINK_TARGET: join(outside, 'secret.txt') } }) };
    workers = createK1Workers(services);
    const out = await completed('platformio_compile', { repo: 'K1.node1', branch: 'main', commit_sha: repo.webapp, environment: ENV });
    expect(out).toMatchObject({ success: false, firmware_bin_path: '' });
    expect(out['error_message']).toMatch(new RegExp(`^pio run -e ${ENV}: \\.pio/build/${ENV}/firmware\\.bin leads outside the project \\S+ \\(symbolic links resolved\\); refused$`));
  });

  it('fetch_audio_sample refuses a link in a sample directory that points outside them', async () => {
    const link = join(dir, 'samples', 'leak.wav');
    symlinkSync(join(outside, 'secret.wav'), link);
    try {
      const result = await run('fetch_audio_sample', { sample_location: 'leak.wav' });
      expect(result.status).toBe('FAILED_WITH_TERMINAL_ERROR');
      expect(result.reasonForIncompletion).toMatch(/^Sample leak.wav is outside the sample directories/);
    } finally {
      rmSync(link);
    }
  });
});
