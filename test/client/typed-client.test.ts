import { MetadataClient, TaskManager, WorkflowExecutor, noopLogger, orkesConductorClient, type Client, type ConductorWorker } from '@io-orkes/conductor-javascript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { firmwareCiCdPipeline } from '../../definitions/index.ts';
import { readGenerated } from '../../src/gen/read-generated.ts';
import { startWorkflow, waitForWorkflow, WorkflowInputError, WorkflowRunError } from '../../src/index.ts';
import { startDevServer, type DevServer } from '../../src/server/index.ts';
import { buildEnvCleaned, COMMIT, commitValidated, compiled, DEVICE_IP, gatesPassed, healthy, metricsExtracted, otaDeployed, stored } from '../runner/k1-fixtures.ts';

const outputs: Record<string, { output: Record<string, unknown> }> = {
  validate_commit: commitValidated(),
  clean_build_env: buildEnvCleaned(),
  platformio_compile: compiled(),
  extract_build_metrics: metricsExtracted(),
  validate_build: gatesPassed(),
  store_artifact: stored(),
  deploy_firmware_ota: otaDeployed(),
};

describe('the typed client on the dev server', () => {
  let server: DevServer;
  let client: Client;
  let manager: TaskManager;
  let healthyDevice = true;
  const saved: Record<string, string | undefined> = {};

  beforeAll(async () => {
    for (const name of ['CONDUCTOR_SERVER_URL', 'CONDUCTOR_AUTH_KEY', 'CONDUCTOR_AUTH_SECRET']) {
      saved[name] = process.env[name];
      delete process.env[name];
    }
    server = await startDevServer();
    client = await orkesConductorClient({ serverUrl: server.url, logger: noopLogger, useEnvVars: false });
    const { workflows, tasks } = await readGenerated();
    const metadata = new MetadataClient(client);
    await metadata.registerTasks(tasks);
    for (const def of workflows) await metadata.registerWorkflowDef(def);
    const workers: ConductorWorker[] = [...Object.entries(outputs), ['device_health_check', healthy()] as const].map(([name]) => ({
      taskDefName: name,
      execute: async () => ({
        status: 'COMPLETED' as const,
        outputData: name === 'device_health_check' ? (healthyDevice ? healthy() : { ...healthy(), output: { ...healthy().output, healthy: false, summary: 'heap 20 KB' } }).output : (outputs[name] as { output: Record<string, unknown> }).output,
      }),
    }));
    manager = new TaskManager(client, workers, { logger: noopLogger, options: { pollInterval: 5, concurrency: 1 } });
    manager.startPolling();
  });

  afterAll(async () => {
    await manager?.stopPolling();
    await server?.close();
    for (const [name, value] of Object.entries(saved)) if (value !== undefined) process.env[name] = value;
  });

  it('starts a K1 workflow with checked input and reads its typed output', async () => {
    const id = await startWorkflow(client, firmwareCiCdPipeline, { repo: 'K1.node1', branch: 'main', commit_sha: COMMIT, device_ip: DEVICE_IP }, { correlationId: COMMIT });
    const done = await waitForWorkflow(client, id, { timeoutMs: 10_000, pollMs: 20 });
    expect(done.status).toBe('COMPLETED');
    expect(done.output.deployment_status).toBe('deployed');
    expect(done.output.health.healthy).toBe(true);
    expect(done.output.artifact_id).toBe(stored().output.artifact_id);
    expect(done.execution.correlationId).toBe(COMMIT);
    expect(done.execution.input).toMatchObject({ environment: 'esp32-s3-devkitc-1', max_flash_percent: 70 });
  });

  it('sends taskToDomain: the worker tasks wait in that domain, where no worker polls', async () => {
    const id = await startWorkflow(client, firmwareCiCdPipeline, { repo: 'K1.node1', branch: 'main', commit_sha: COMMIT, device_ip: DEVICE_IP }, { taskToDomain: { '*': 'typed_client_nowhere' } });
    const run = await new WorkflowExecutor(client).getWorkflow(id, true);
    expect(run.taskToDomain).toEqual({ '*': 'typed_client_nowhere' });
    const first = run.tasks?.[0];
    expect([first?.status, first?.domain]).toEqual(['SCHEDULED', 'typed_client_nowhere']);
    await new WorkflowExecutor(client).terminate(id, 'test done');
  });

  it('rejects input that breaks the schema before anything is sent, naming the fields', async () => {
    const before = (await (await fetch(`${server.url}/api/tasks/queue/all`)).text());
    const error = await startWorkflow(client, firmwareCiCdPipeline, { repo: 'K1.node1', branch: 'main', commit_sha: 'not-hex!', device_ip: 'bad host!' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkflowInputError);
    expect((error as WorkflowInputError).issues.map((i) => i.path)).toEqual(['commit_sha', 'device_ip']);
    expect((error as Error).message).toContain('nothing was sent');
    expect(await (await fetch(`${server.url}/api/tasks/queue/all`)).text()).toBe(before);
  });

  it('throws a typed error with the status and reason when the run fails', async () => {
    healthyDevice = false;
    const id = await startWorkflow(client, firmwareCiCdPipeline, { repo: 'K1.node1', branch: 'main', commit_sha: COMMIT, device_ip: DEVICE_IP });
    const error = await waitForWorkflow(client, id, { timeoutMs: 10_000, pollMs: 20 }).catch((e: unknown) => e);
    healthyDevice = true;
    expect(error).toBeInstanceOf(WorkflowRunError);
    expect((error as WorkflowRunError).status).toBe('FAILED');
    expect((error as WorkflowRunError).reasonForIncompletion).toContain(`Device ${DEVICE_IP} is unhealthy`);
  });
});

describe('idempotency keys on the dev server', () => {
  let server: DevServer;
  let client: Client;
  beforeAll(async () => {
    server = await startDevServer({ generatedDir: 'generated' });
    client = await orkesConductorClient({ serverUrl: server.url, logger: noopLogger, useEnvVars: false });
  });
  afterAll(async () => server?.close());

  it('the same idempotency key starts a second run, as conductor-oss 3.32.3 does (Orkes gives back the first)', async () => {
    const input = { repo: 'K1.node1', branch: 'main', commit_sha: COMMIT, device_ip: DEVICE_IP };
    const first = await startWorkflow(client, firmwareCiCdPipeline, input, { idempotencyKey: `push-${COMMIT}` });
    const again = await startWorkflow(client, firmwareCiCdPipeline, input, { idempotencyKey: `push-${COMMIT}` });
    expect(again).not.toBe(first);
  });
});
