/**
 * The rig's bench: everything the K1 workflows need on one machine, around a Conductor server
 * given by URL (the dev server or a real one): the rig's git repository, an artifact store, the
 * fake `pio` and `npm`, fake devices on 127.0.0.1, and the project's own workers
 * (`createK1Workers` under `runWorkers`) polling that server. Scenarios drive runs through the
 * server's REST API with the official SDK, as a person or CI would.
 */
import { createHmac } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { noopLogger, orkesConductorClient, WorkflowExecutor, type Client, type ConductorWorker, type Workflow } from '@io-orkes/conductor-javascript';
import { createK1Workers, k1ServicesFromConfig, type K1Services } from '../definitions/workers/index.ts';
import { inBuildTree } from '../definitions/workers/k1-worker.ts';
import { createGithubWebhookHandler } from '../definitions/webhook.ts';
import type { StoredArtifact } from '../definitions/services/artifact-store.ts';
import { runWorkers, silentLogger, type RunningWorkers, type WorkerLogger } from '../src/worker/index.ts';
import { startFakeDevice, type FakeDevice, type FakeDeviceState } from './fake-device.ts';
import { makeRigRepo, RIG_ENVIRONMENTS, type RigRepo } from './firmware-repo.ts';

/** The fake PlatformIO CLI the rig's workers run (rig/bin/pio). */
export const RIG_PIO = join(import.meta.dirname, 'bin', 'pio');
/** The fake npm the rig's workers build the web app with (rig/bin/npm). */
export const RIG_NPM = join(import.meta.dirname, 'bin', 'npm');

/** Options of {@link startBench}. */
export interface BenchOptions {
  /** The Conductor server, e.g. http://localhost:8080: scenarios start and read runs here. */
  readonly serverUrl: string;
  /**
   * The servers the workers poll, one worker group (its own TaskManager, as one worker process)
   * per URL: a cluster's instances. @default [serverUrl]
   */
  readonly workerServerUrls?: readonly string[];
  /** A cluster's controls, for scenarios that kill and restart an instance (`instance-kill`). */
  readonly cluster?: ClusterControl;
  /** Where the workers log. @default silentLogger */
  readonly logger?: WorkerLogger;
  /** Concurrent executions per task type: two pipelines at once need more than 1. @default 4 */
  readonly concurrency?: number;
  /** Keep the bench's temporary directory after close (to look at the store and the repository). @default false */
  readonly keepDir?: boolean;
}

/** What a scenario may do to the cluster the bench runs on. */
export interface ClusterControl {
  /** The instances' base URLs; the bench's `serverUrl` is the first. */
  readonly urls: readonly string[];
  /** SIGKILLs instance `index`. */
  kill(index: number): Promise<void>;
  /** Starts instance `index` again on its port; resolves once healthy. */
  restart(index: number): Promise<void>;
}

/** Terminal workflow statuses. */
const TERMINAL = new Set(['COMPLETED', 'FAILED', 'TERMINATED', 'TIMED_OUT']);

/** A running bench. */
export interface Bench {
  readonly serverUrl: string;
  readonly client: Client;
  readonly repo: RigRepo;
  readonly services: K1Services;
  /** The bench's temporary directory. */
  readonly dir: string;
  /** One worker group per server the workers poll (see `workerServerUrls`). */
  readonly workers: readonly RunningWorkers[];
  /** How many times the workers executed each task id (all groups together): more than 1 is a task done twice. */
  readonly executions: ReadonlyMap<string, number>;
  /** The cluster's controls when the bench runs on one. */
  readonly cluster?: ClusterControl;
  /** A client of another server (a cluster instance), to start or read runs there. */
  clientOf(serverUrl: string): Promise<Client>;
  /** The build signature of the firmware the devices run when a scenario starts (release 1.3). */
  readonly releasedSignature: string;
  /** The directory audio samples given as file names are read from (SAMPLE_DIRS of the workers). */
  readonly samplesDir: string;
  /** A webhook (Slack-like) on 127.0.0.1 that records what the workflows notify. */
  readonly notifyUrl: string;
  /** The bodies posted to {@link notifyUrl}, oldest first. */
  readonly notifications: readonly unknown[];
  /** A new fake device, running the released firmware unless `initial` says otherwise; closed with the bench. */
  device(initial?: Partial<FakeDeviceState>): Promise<FakeDevice>;
  /** Builds `commit` for every rig environment, stores each firmware and marks it good: a fleet that ran it healthily. */
  seedGoodFirmware(commit: string): Promise<StoredArtifact[]>;
  /** Starts a run of workflow `name` (version 1). */
  start(name: string, input: Record<string, unknown>, correlationId?: string): Promise<string>;
  /** The run with its tasks. */
  run(workflowId: string): Promise<Workflow>;
  /** Polls until the run ends (or `timeoutMs` passes: then the run as it is). */
  wait(workflowId: string, timeoutMs: number): Promise<Workflow>;
  /** Waits until task `ref` of the run is IN_PROGRESS (a HUMAN task waiting for a person); false when the run ended first. */
  waitForTask(workflowId: string, ref: string, timeoutMs: number): Promise<boolean>;
  /** Completes task `ref` of the run as a person does, through the API: `POST /api/tasks/{workflowId}/{ref}/COMPLETED`. */
  completeTask(workflowId: string, ref: string, output: Record<string, unknown>): Promise<void>;
  /**
   * Delivers a signed GitHub push of `commit` to main to the K1 webhook (createGithubWebhookHandler
   * on 127.0.0.1, deploying to `deviceAddress`), once per delivery id given, all at the same
   * moment; answers the webhook's JSON answers.
   */
  deliverPush(deviceAddress: string, commit: string, deliveries: readonly string[]): Promise<Record<string, unknown>[]>;
  /** The runs of workflow `name` the server lists for a commit (its correlation id), finished ones included. */
  runsOfCommit(name: string, commit: string): Promise<unknown[]>;
  /** Stops the workers, closes the devices and removes the directory. */
  close(): Promise<void>;
}

/** Starts a bench against `options.serverUrl`: the repository, the store, the workers. */
export async function startBench(options: BenchOptions): Promise<Bench> {
  const dir = mkdtempSync(join(tmpdir(), 'k1-rig-'));
  const repoDir = join(dir, 'K1.node1');
  mkdirSync(repoDir);
  const repo = makeRigRepo(repoDir);
  const samples = join(dir, 'samples');
  mkdirSync(samples);
  const services = k1ServicesFromConfig({
    projectDir: repo.projectDir,
    repoDir,
    artifactDir: join(dir, 'artifacts'),
    artifactBaseUrl: pathToFileURL(join(dir, 'artifacts')).href,
    pioBin: RIG_PIO,
    npmBin: RIG_NPM,
    deviceTimeoutMs: 3000,
    scratchDir: join(dir, 'work'),
    sampleDirs: [samples],
    repoName: 'K1.node1',
    sampleIntervalMs: 20,
    conductor: { serverUrl: options.serverUrl },
  });
  const client = await orkesConductorClient({ serverUrl: options.serverUrl, logger: noopLogger, useEnvVars: false });
  const executor = new WorkflowExecutor(client);
  const executions = new Map<string, number>();
  const counted = (worker: ConductorWorker): ConductorWorker => ({
    ...worker,
    execute: (task) => {
      executions.set(task.taskId ?? '', (executions.get(task.taskId ?? '') ?? 0) + 1);
      return worker.execute(task);
    },
  });
  const workers: RunningWorkers[] = [];
  const clients: Awaited<ReturnType<typeof orkesConductorClient>>[] = [client];
  try {
    for (const [index, serverUrl] of (options.workerServerUrls ?? [options.serverUrl]).entries()) {
      workers.push(
        await runWorkers({
          serverUrl,
          workers: ({ signal }) => createK1Workers(services, { signal }).map(counted),
          healthPort: 0,
          concurrency: options.concurrency ?? 4,
          pollInterval: 50,
          logger: options.logger ?? silentLogger,
          signals: [],
          workerId: `rig-${index + 1}`,
          // Rides out a cluster instance's restart (about 40 s; minutes on a loaded machine).
          reportAttempts: 6,
        }),
      );
    }
  } catch (error) {
    await Promise.all(workers.map((w) => w.stop()));
    throw error;
  }
  const notifications: unknown[] = [];
  const notifyServer = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      try {
        notifications.push(JSON.parse(body));
      } catch {
        notifications.push(body);
      }
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  await new Promise<void>((resolve) => notifyServer.listen(0, '127.0.0.1', resolve));
  const devices: FakeDevice[] = [];
  const releasedSignature = `K1.node1 ${repo.commits.released} 2026-01-05T09:00:00Z`;
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  const bench: Bench = {
    serverUrl: options.serverUrl,
    client,
    repo,
    services,
    dir,
    workers,
    executions,
    ...(options.cluster && { cluster: options.cluster }),
    async clientOf(serverUrl) {
      const other = await orkesConductorClient({ serverUrl, logger: noopLogger, useEnvVars: false });
      clients.push(other);
      return other;
    },
    releasedSignature,
    samplesDir: samples,
    notifyUrl: `http://127.0.0.1:${(notifyServer.address() as AddressInfo).port}/notify`,
    notifications,
    async device(initial = {}) {
      const device = await startFakeDevice({ build_signature: releasedSignature, ...initial });
      devices.push(device);
      return device;
    },
    async seedGoodFirmware(commit) {
      const stored: StoredArtifact[] = [];
      for (const environment of RIG_ENVIRONMENTS) {
        const artifact = await inBuildTree(services, commit, async (tree) => {
          const build = await services.platformio.build(environment, { projectDir: tree.projectDir });
          if (!build.success) throw new Error(`The rig could not build ${commit} for ${environment}: ${build.errorMessage}`);
          return services.artifacts.put(build.firmwareBinPath, { category: 'firmware', version: commit, environment });
        });
        stored.push(await services.artifacts.markGood(artifact.id));
      }
      return stored;
    },
    start: (name, input, correlationId) => executor.startWorkflow({ name, version: 1, input, ...(correlationId !== undefined && { correlationId }) }),
    run: (workflowId) => executor.getWorkflow(workflowId, true),
    async wait(workflowId, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const run = await executor.getWorkflow(workflowId, true);
        if (TERMINAL.has(run.status ?? '') || Date.now() >= deadline) return run;
        await sleep(250);
      }
    },
    async waitForTask(workflowId, ref, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const run = await executor.getWorkflow(workflowId, true);
        if (run.tasks?.some((t) => t.referenceTaskName === ref && t.status === 'IN_PROGRESS')) return true;
        if (TERMINAL.has(run.status ?? '') || Date.now() >= deadline) return false;
        await sleep(250);
      }
    },
    async completeTask(workflowId, ref, output) {
      await executor.updateTaskByRefName(ref, workflowId, 'COMPLETED', output);
    },
    async deliverPush(deviceAddress, commit, deliveries) {
      const secret = 'rig-webhook-secret';
      const handler = createGithubWebhookHandler({ secret, client, deviceIp: deviceAddress, notifyWebhookUrl: `http://127.0.0.1:${(notifyServer.address() as AddressInfo).port}/notify` });
      const server = createServer((req, res) => void handler(req, res));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      try {
        const body = JSON.stringify({ ref: 'refs/heads/main', after: commit, repository: { name: 'K1.node1', full_name: 'k1/K1.node1' }, head_commit: { id: commit, message: 'push' } });
        const signature = `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
        const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
        return await Promise.all(
          deliveries.map(async (delivery) => {
            const response = await fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json', 'x-github-event': 'push', 'x-github-delivery': delivery, 'x-hub-signature-256': signature } });
            return (await response.json()) as Record<string, unknown>;
          }),
        );
      } finally {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
    },
    async runsOfCommit(name, commit) {
      const { data } = await client.get({ url: '/api/workflow/{name}/correlated/{correlationId}', path: { name, correlationId: commit }, query: { includeClosed: true }, throwOnError: true });
      return (data ?? []) as unknown[];
    },
    async close() {
      await Promise.all(workers.map((w) => w.stop()));
      await Promise.all(devices.map((d) => d.close()));
      notifyServer.closeAllConnections();
      await new Promise<void>((resolve) => notifyServer.close(() => resolve()));
      for (const c of clients) c.stopBackgroundRefresh?.();
      if (options.keepDir !== true) rmSync(dir, { recursive: true, force: true });
    },
  };
  return bench;
}
