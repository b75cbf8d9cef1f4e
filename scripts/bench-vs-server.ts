/**
 * Side-by-side figures against the real conductor-oss server, measured in one run (`npm run bench
 * -- vs-server`; part of `npm run bench`, skipped with the reason when Java or Maven is missing):
 *
 * (a) the local runner vs the server's `POST /api/workflow/test` on the same K1 workflow with the
 *     same mocks: milliseconds per completed run, alternated in rounds, and the ratio;
 * (b) the dev server vs the server, each in its own process, under the SDK's TaskManager in this
 *     process: a chain of 10 tasks, 100 runs at once; tasks/s end to end and CPU milliseconds per
 *     task (server process + worker process, from /proc).
 */
import { readFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { MetadataClient, TaskManager, WorkflowExecutor, noopLogger, orkesConductorClient, type ConductorWorker } from '@io-orkes/conductor-javascript';
import { freePort, startConductor } from '../src/conductor/start-conductor.ts';
import { loadGenerated, run, type TaskMocks } from '../src/testing.ts';
import { buildEnvCleaned, commitValidated, compiled, gatesPassed, healthy, metricsExtracted, otaDeployed, pipelineInput, stored } from '../test/runner/k1-fixtures.ts';

const WORKFLOW = 'firmware-ci-cd-pipeline';
const MOCKS: TaskMocks = {
  validate_commit: [commitValidated()],
  clean_build_env: [buildEnvCleaned()],
  platformio_compile: [compiled()],
  extract_build_metrics: [metricsExtracted()],
  validate_build: [gatesPassed()],
  store_artifact: [stored()],
  deploy_firmware_ota: [otaDeployed()],
  device_health_check: [healthy()],
};

const median = (values: readonly number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

/** CPU seconds a process has used so far (user + system), from /proc/<pid>/stat. */
function cpuSecondsOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  // utime and stime are fields 14 and 15 of stat, in clock ticks (100 per second on Linux).
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function runnerVsServer(url: string): Promise<void> {
  const registry = await loadGenerated();
  const def = registry.workflow(WORKFLOW);
  const input = pipelineInput();
  const viaServer = async (): Promise<number> => {
    const start = performance.now();
    const response = await fetch(`${url}/api/workflow/test`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: WORKFLOW, version: 1, workflowDef: def, input, taskRefToMockOutput: MOCKS }),
    });
    const result = (await response.json()) as { status?: string };
    if (result.status !== 'COMPLETED') throw new Error(`the server's test run ended ${result.status ?? `with HTTP ${response.status}`}`);
    return performance.now() - start;
  };
  const viaRunner = async (): Promise<number> => {
    const start = performance.now();
    const result = await run(WORKFLOW, input, { registry, mocks: MOCKS });
    if (result.status !== 'COMPLETED') throw new Error(`the runner's run ended ${result.status}`);
    return performance.now() - start;
  };
  for (let i = 0; i < 5; i++) await Promise.all([viaServer(), viaRunner()]); // warm-up: JIT on both sides
  const server: number[] = [];
  const runner: number[] = [];
  for (let round = 0; round < 20; round++) {
    // Alternate which side goes first; each round's runner figure is the mean of 20 runs.
    const order = round % 2 === 0 ? ['server', 'runner'] : ['runner', 'server'];
    for (const side of order) {
      if (side === 'server') server.push(await viaServer());
      else {
        let total = 0;
        for (let i = 0; i < 20; i++) total += await viaRunner();
        runner.push(total / 20);
      }
    }
  }
  const s = median(server);
  const r = median(runner);
  console.log(`runner vs server, ${WORKFLOW} with the same mocks, median of 20 rounds:`);
  console.log(`  runner run():                   ${r.toFixed(2)} ms per run`);
  console.log(`  server POST /api/workflow/test: ${s.toFixed(1)} ms per run`);
  console.log(`  ratio: the runner is ${(s / r).toFixed(0)}x faster`);
}

interface Throughput {
  readonly tasksPerSecond: number;
  readonly cpuMsPerTask: number;
}

/** 100 runs of a 10-task chain at once against `url`, with the SDK's TaskManager in this process. */
async function chainThroughput(url: string, serverPid: number, prefix: string): Promise<Throughput> {
  const client = await orkesConductorClient({ serverUrl: url, logger: noopLogger, useEnvVars: false });
  const metadata = new MetadataClient(client);
  const task = `${prefix}_step`;
  await metadata.registerTasks([{ name: task, ownerEmail: 'bench@k1.reinvented', retryCount: 0, timeoutSeconds: 60, totalTimeoutSeconds: 0, responseTimeoutSeconds: 30 }]);
  const tasks = Array.from({ length: 10 }, (_, i) => ({ name: task, taskReferenceName: `s${i}`, type: 'SIMPLE', inputParameters: { v: i } }));
  await metadata.registerWorkflowDef({ name: `${prefix}_chain`, version: 1, schemaVersion: 2, ownerEmail: 'bench@k1.reinvented', timeoutSeconds: 600, tasks }, true);
  const worker: ConductorWorker = { taskDefName: task, execute: async (t) => ({ status: 'COMPLETED', outputData: { v: t.inputData?.['v'] } }) };
  const manager = new TaskManager(client, [worker], { logger: noopLogger, options: { pollInterval: 1, concurrency: 20, batchPollingTimeout: 100 } });
  const executor = new WorkflowExecutor(client);
  const runs = 100;
  manager.startPolling();
  const cpuServer = cpuSecondsOf(serverPid);
  const cpuSelf = process.cpuUsage();
  const start = performance.now();
  const ids = await Promise.all(Array.from({ length: runs }, () => executor.startWorkflow({ name: `${prefix}_chain`, version: 1, input: {} })));
  for (;;) {
    const statuses = await Promise.all(ids.map((id) => executor.getWorkflow(id, false)));
    if (statuses.every((w) => w.status === 'COMPLETED')) break;
    const ended = statuses.find((w) => w.status !== 'RUNNING' && w.status !== 'COMPLETED');
    if (ended !== undefined) throw new Error(`a ${prefix} chain ended ${ended.status}`);
    if (performance.now() - start > 300_000) throw new Error(`${prefix} chains did not finish in 300 s`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const seconds = (performance.now() - start) / 1000;
  const self = process.cpuUsage(cpuSelf);
  const cpu = cpuSecondsOf(serverPid) - cpuServer + (self.user + self.system) / 1e6;
  await manager.stopPolling();
  return { tasksPerSecond: (runs * 10) / seconds, cpuMsPerTask: (cpu * 1000) / (runs * 10) };
}

/** The dev server in a process of its own, so its CPU is counted as the real server's is. */
async function startDevServerProcess(): Promise<{ url: string; pid: number; stop: () => void }> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/dev-server.ts', '--port', String(port)], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the dev server exited with ${code}`)));
    child.stdout.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('listening on')) resolve();
    });
  });
  return { url: `http://127.0.0.1:${port}`, pid: child.pid as number, stop: () => child.kill('SIGTERM') };
}

async function devServerVsServer(url: string, pid: number): Promise<void> {
  const dev = await startDevServerProcess();
  try {
    const figures: Record<'dev' | 'server', Throughput[]> = { dev: [], server: [] };
    for (let round = 0; round < 3; round++) {
      figures.dev.push(await chainThroughput(dev.url, dev.pid, `bench_dev_${round}`));
      figures.server.push(await chainThroughput(url, pid, `bench_real_${round}`));
    }
    const rate = (side: 'dev' | 'server') => median(figures[side].map((f) => f.tasksPerSecond));
    const cpu = (side: 'dev' | 'server') => median(figures[side].map((f) => f.cpuMsPerTask));
    console.log('dev server vs server, SDK TaskManager (20 pollers), 100 runs of a 10-task chain at once, median of 3 alternating rounds:');
    console.log(`  dev server: ${rate('dev').toFixed(0)} tasks/s, ${cpu('dev').toFixed(2)} ms CPU per task (both processes)`);
    console.log(`  server:     ${rate('server').toFixed(0)} tasks/s, ${cpu('server').toFixed(2)} ms CPU per task (both processes)`);
    console.log(`  ratio: ${(rate('dev') / rate('server')).toFixed(1)}x the tasks/s at ${(cpu('dev') / cpu('server')).toFixed(2)}x the CPU per task`);
  } finally {
    dev.stop();
  }
}

/** Runs both comparisons against a freshly started pinned server; says why when it cannot start one. */
export async function benchVsServer(): Promise<void> {
  for (const name of ['CONDUCTOR_SERVER_URL', 'CONDUCTOR_AUTH_KEY', 'CONDUCTOR_AUTH_SECRET']) delete process.env[name];
  let conductor;
  try {
    conductor = await startConductor();
  } catch (error) {
    console.log(`vs the real server: skipped (${(error as Error).message.split('\n')[0]})`);
    return;
  }
  try {
    await runnerVsServer(conductor.url);
    await devServerVsServer(conductor.url, conductor.pid);
  } finally {
    await conductor.stop();
  }
}
