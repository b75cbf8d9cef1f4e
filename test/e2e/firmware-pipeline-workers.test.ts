/**
 * The firmware CI/CD pipeline end to end: the generated definitions on the dev server, the K1
 * handlers under runWorkers polling it with the SDK's TaskManager, a fake `pio` executable, a fake
 * device on 127.0.0.1 and a real git repository and artifact store in a temporary directory.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { noopLogger, orkesConductorClient, WorkflowExecutor, type Client } from '@io-orkes/conductor-javascript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { firmwareCiCdPipeline } from '../../definitions/index.ts';
import { createK1Workers, K1_METRICS, k1ServicesFromConfig, type K1Services } from '../../definitions/workers/index.ts';
import { startWorkflow, waitForWorkflow } from '../../src/index.ts';
import { createPlatformIO } from '../../definitions/services/platformio.ts';
import { startDevServer, type DevServer } from '../../src/server/index.ts';
import { runWorkers, silentLogger } from '../../src/worker/index.ts';
import { FAKE_PIO, makeFirmwareRepo, removeDir, startFakeDevice, tempDir, type FakeDevice } from '../k1/support.ts';
import { clearConductorEnv } from '../worker/support.ts';

const ENV = 'esp32-s3-devkitc-1';
let dir: string;
let repo: ReturnType<typeof makeFirmwareRepo>;
let device: FakeDevice;
let server: DevServer;
let client: Client;
let base: K1Services;
let restoreEnv: () => void;

/** Services whose pio runs in `mode` and records its calls in `log`. */
function services(mode: string, log: string, extraEnv: Record<string, string> = {}): K1Services {
  return { ...base, platformio: createPlatformIO({ projectDir: repo.projectDir, pioPath: FAKE_PIO, deviceApiPort: device.port, env: { FAKE_PIO_MODE: mode, FAKE_PIO_LOG: log, ...extraEnv } }) };
}

const pioCalls = (log: string): string[][] =>
  existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { argv: string[] }).argv) : [];

beforeAll(async () => {
  restoreEnv = clearConductorEnv();
  dir = tempDir('e2e');
  mkdirSync(join(dir, 'repo'));
  repo = makeFirmwareRepo(join(dir, 'repo'));
  device = await startFakeDevice({ build_signature: 'K1.node1 0000000 2026-01-01' });
  server = await startDevServer({ generatedDir: 'generated' });
  client = await orkesConductorClient({ serverUrl: server.url, logger: noopLogger, useEnvVars: false });
  base = k1ServicesFromConfig({
    projectDir: repo.projectDir,
    repoDir: join(dir, 'repo'),
    artifactDir: join(dir, 'artifacts'),
    artifactBaseUrl: 'http://ci.local/artifacts',
    artifactKeep: 5,
    pioBin: FAKE_PIO,
    deviceTimeoutMs: 1000,
    devicePort: device.port,
    scratchDir: join(dir, 'work'),
    repoName: 'K1.node1',
    conductor: { serverUrl: server.url },
  });
}, 30_000);

afterAll(async () => {
  await device?.close();
  await server?.close();
  removeDir(dir);
  restoreEnv();
});

describe('firmware-ci-cd-pipeline with the K1 workers on the dev server', () => {
  it('runs to COMPLETED: built by pio, gated, stored, flashed over the air, and the device checked', async () => {
    const log = join(dir, 'pio-happy.jsonl');
    const workers = await runWorkers({ serverUrl: server.url, workers: ({ signal }) => createK1Workers(services('success', log), { signal }), metrics: K1_METRICS, healthPort: 0, pollInterval: 2, logger: silentLogger });
    try {
      const id = await startWorkflow(client, firmwareCiCdPipeline, { repo: 'K1.node1', branch: 'main', commit_sha: repo.second, device_ip: '127.0.0.1' });
      const done = await waitForWorkflow(client, id, { timeoutMs: 20_000, pollMs: 20 });
      expect(done.output.deployment_status).toBe('deployed');
      expect(done.output.health).toMatchObject({ healthy: true, free_heap_bytes: 120_000 });
      expect(done.output.metrics.flash_percent).toBeGreaterThan(0);
      expect(done.output.metrics.ram_percent).toBeLessThan(done.output.metrics.flash_percent);
      expect(done.output.artifact_id).toMatch(/^[0-9a-f]{64}$/);
      expect(done.output.artifact_url).toBe(`http://ci.local/artifacts/${done.output.artifact_id}`);
      expect(pioCalls(log).map((argv) => argv.slice(0, 3))).toEqual([
        ['run', '-e', ENV],
        ['run', '-e', `${ENV}-ota`],
      ]);
      expect(pioCalls(log)[1]).toContain('--upload-port');
      const withTasks = await new WorkflowExecutor(client).getWorkflow(id, true);
      expect(withTasks.tasks?.map((t) => `${t.referenceTaskName}:${t.status}`)).toEqual([
        'validate_commit:COMPLETED',
        'clean_build_env:COMPLETED',
        'platformio_compile:COMPLETED',
        'extract_build_metrics:COMPLETED',
        'validate_build:COMPLETED',
        'quality_gate:COMPLETED',
        'store_artifact:COMPLETED',
        'deploy_firmware_ota:COMPLETED',
        'device_health_check:COMPLETED',
        'device_health_gate:COMPLETED',
      ]);
      const metrics = await (await fetch(`${workers.url}/metrics`)).text();
      expect(metrics).toContain(`k1_firmware_builds_total{status="success",environment="${ENV}"} 1`);
      expect(metrics).toContain('k1_device_up{device="127.0.0.1"} 1');
      expect(metrics).toContain('k1_device_free_heap_bytes{device="127.0.0.1"} 120000');
      // The fake device runs what was flashed: the build of that commit.
      expect(device.state.build_signature).toContain(`K1.node1 ${repo.second} `);
    } finally {
      await workers.stop();
    }
  }, 30_000);

  it('a SIGTERM during the build lets it finish and report before the workers exit', async () => {
    const log = join(dir, 'pio-slow.jsonl');
    const workers = await runWorkers({
      serverUrl: server.url,
      workers: ({ signal }) => createK1Workers(services('slow', log, { FAKE_PIO_SLEEP_MS: '1500' }), { signal }),
      healthPort: 0,
      pollInterval: 2,
      logger: silentLogger,
    });
    const id = await startWorkflow(client, firmwareCiCdPipeline, { repo: 'K1.node1', branch: 'main', commit_sha: repo.second, device_ip: '127.0.0.1' });
    const compileTask = async () => {
      const run = (await (await fetch(`${server.url}/api/workflow/${id}?includeTasks=true`)).json()) as { tasks: { referenceTaskName: string; status: string; outputData?: Record<string, unknown> }[] };
      return run.tasks.find((t) => t.referenceTaskName === 'platformio_compile');
    };
    const deadline = Date.now() + 10_000;
    while ((await compileTask())?.status !== 'IN_PROGRESS' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect((await compileTask())?.status).toBe('IN_PROGRESS');

    process.emit('SIGTERM', 'SIGTERM');
    const report = await workers.stopped;
    expect(report).toMatchObject({ trigger: 'SIGTERM', handedBack: [], unreported: [], clean: true });
    const compile = await compileTask();
    expect(compile?.status).toBe('COMPLETED');
    expect(compile?.outputData).toMatchObject({ success: true, firmware_bin_path: expect.stringContaining(`/work/firmware/${ENV}/`) });
  }, 30_000);
});
