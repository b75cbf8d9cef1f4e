/**
 * `npm run bench -- pairs [--json] [--quick]`: every side-by-side figure, each pair measured in the
 * same run, alternated in rounds, so the machine's load hits both sides alike (this machine is
 * shared: the load average is recorded before and after).
 *
 * - `runner-vs-server-k1`: ms per completed run of a K1 workflow with the same mocks, the runner's
 *   `run()` vs the real server's `POST /api/workflow/test`.
 * - `devserver-vs-server-tasks` / `-cpu` / `-rss`: a chain of 10 SIMPLE tasks, 100 runs at once,
 *   the SDK's TaskManager in this process; tasks/s end to end, CPU ms per task (server process +
 *   this process, from /proc), and the server process's resident memory afterwards.
 * - `gen-vs-tsx-floor`: a whole `k1-workflows gen --check` process (type check warm) vs node + tsx
 *   importing an empty module.
 * - `loop-busy-vs-quiet`, `chain-busy-vs-quiet`, `fork-busy-vs-quiet`: the runner's transitions/s
 *   with one extra process spinning on a core, next to the same without it.
 *
 * The real server: `K1_CONDUCTOR_URL` when set (its process is found from the listening port for
 * the CPU figure), else one started here (`startConductor`); without Java the pairs that need it
 * are listed under `skipped` with the reason.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { MetadataClient, TaskManager, WorkflowExecutor, noopLogger, orkesConductorClient, type ConductorWorker } from '@io-orkes/conductor-javascript';
import { freePort, startConductor } from '../src/conductor/start-conductor.ts';
import type { WorkflowDef, WorkflowTask } from '../src/index.ts';
import { loadGenerated, run, type TaskMocks } from '../src/testing.ts';
import { pipelineInput, pipelineMocks } from '../test/runner/k1-fixtures.ts';
import { genProcessFigures } from './bench-typecheck.ts';

/**
 * One side-by-side figure. `ratio` says how many times better `left` is than `right`: `left /
 * right` for rates (unit ending in `/s`), `right / left` for costs (ms, MiB); above 1, left wins.
 */
export interface Pair {
  readonly name: string;
  /** What the left figure is of. */
  readonly leftIs: string;
  readonly left: number;
  /** What the right figure is of. */
  readonly rightIs: string;
  readonly right: number;
  readonly unit: string;
  readonly ratio: number;
}

/** A pair not measured, and why. */
export interface Skipped {
  readonly name: string;
  readonly reason: string;
}

/** How loaded the machine was: the 1-, 5- and 15-minute load averages and the number of cores. */
export interface MachineLoad {
  readonly loadAverage: readonly number[];
  readonly cores: number;
}

/** What `npm run bench -- --json` prints. */
export interface PairsReport {
  readonly quick: boolean;
  readonly loadBefore: MachineLoad;
  readonly loadAfter: MachineLoad;
  readonly pairs: readonly Pair[];
  readonly skipped: readonly Skipped[];
}

const median = (values: readonly number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
const load = (): MachineLoad => ({ loadAverage: loadavg().map((l) => Math.round(l * 100) / 100), cores: cpus().length });
const round3 = (n: number): number => Number(n.toPrecision(4));

/** A pair with its ratio (see {@link Pair}), figures rounded to 4 significant digits. */
export function pair(name: string, leftIs: string, left: number, rightIs: string, right: number, unit: string): Pair {
  const ratio = unit.endsWith('/s') ? left / right : right / left;
  return { name, leftIs, left: round3(left), rightIs, right: round3(right), unit, ratio: round3(ratio) };
}

// ---- the real server -----------------------------------------------------------------------------

/** The process listening on `port` of 127.0.0.1, from /proc (Linux); undefined when not found or not readable. */
function listenerPid(port: number): number | undefined {
  const hex = port.toString(16).toUpperCase().padStart(4, '0');
  const inodes = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      // local address, state 0A (LISTEN), inode
      if (f[1]?.endsWith(`:${hex}`) && f[3] === '0A' && f[9] !== undefined) inodes.add(`socket:[${f[9]}]`);
    }
  }
  if (inodes.size === 0) return undefined;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${entry}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        if (inodes.has(readlinkSync(`/proc/${entry}/fd/${fd}`))) return Number(entry);
      } catch {
        // gone meanwhile
      }
    }
  }
  return undefined;
}

/** CPU seconds a process has used so far (user + system), from /proc/<pid>/stat. */
function cpuSecondsOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  // utime and stime are fields 14 and 15 of stat, in clock ticks (100 per second on Linux).
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Resident memory of a process, MiB, from /proc/<pid>/status. */
export function rssMiB(pid: number): number {
  const kib = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Number(kib) / 1024;
}

interface RealServer {
  readonly url: string;
  /** Its process, when known (needed for the CPU and memory figures). */
  readonly pid: number | undefined;
  /** Said next to figures that depend on whose server it is. */
  readonly note: string;
  stop(): Promise<void>;
}

/** `K1_CONDUCTOR_URL` when set, else a server started here; a string saying why not when neither can be had. */
async function realServer(): Promise<RealServer | string> {
  const given = process.env['K1_CONDUCTOR_URL'];
  if (given !== undefined && given !== '') {
    const url = given.replace(/\/+$/, '');
    try {
      const health = await fetch(`${url}/health`, { signal: AbortSignal.timeout(5_000) });
      if (!health.ok) return `K1_CONDUCTOR_URL=${url} answered /health with HTTP ${health.status}`;
    } catch (error) {
      return `K1_CONDUCTOR_URL=${url} did not answer /health (${(error as Error).message})`;
    }
    const { hostname, port } = new URL(url);
    const pid = hostname === '127.0.0.1' || hostname === 'localhost' ? listenerPid(Number(port)) : undefined;
    return { url, pid, note: `shared server at ${url}: other users' load counts in its CPU`, stop: async () => undefined };
  }
  try {
    const conductor = await startConductor();
    return { url: conductor.url, pid: conductor.pid, note: 'server started for this run', stop: () => conductor.stop() };
  } catch (error) {
    return `no real server: K1_CONDUCTOR_URL is not set and one could not be started (${(error as Error).message.split('\n')[0]})`;
  }
}

// ---- (a) runner vs server on a K1 workflow ------------------------------------------------------

const K1_WORKFLOW = 'firmware-ci-cd-pipeline';
const K1_MOCKS: TaskMocks = pipelineMocks();

async function runnerVsServer(url: string, rounds: number, warmUpMs: number): Promise<Pair> {
  const registry = await loadGenerated();
  const def = registry.workflow(K1_WORKFLOW);
  const input = pipelineInput();
  const body = JSON.stringify({ name: K1_WORKFLOW, version: 1, workflowDef: def, input, taskRefToMockOutput: K1_MOCKS });
  const viaServer = async (): Promise<number> => {
    const start = performance.now();
    const response = await fetch(`${url}/api/workflow/test`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    const result = (await response.json()) as { status?: string };
    if (result.status !== 'COMPLETED') throw new Error(`the server's test run ended ${result.status ?? `with HTTP ${response.status}`}`);
    return performance.now() - start;
  };
  const viaRunner = async (runs: number): Promise<number> => {
    const start = performance.now();
    for (let i = 0; i < runs; i++) {
      const result = await run(K1_WORKFLOW, input, { registry, mocks: K1_MOCKS });
      if (result.status !== 'COMPLETED') throw new Error(`the runner's run ended ${result.status}`);
    }
    return (performance.now() - start) / runs;
  };
  // Warm-up: the same wall time on each side (V8 tiers `run()` up to optimised code only after a
  // few thousand runs, and the JVM's JIT wants its calls too); a shorter runner warm-up measured
  // 0.25 ms per run where the steady state is 0.12 ms (1 December 2026, quiet machine).
  const warmUntil = (ms: number) => performance.now() + ms;
  for (const until = warmUntil(warmUpMs); performance.now() < until; ) await viaServer();
  for (const until = warmUntil(warmUpMs); performance.now() < until; ) await viaRunner(50);
  const server: number[] = [];
  const runner: number[] = [];
  for (let r = 0; r < rounds; r++) {
    // Alternate which side goes first; each round's runner figure is the mean of 50 runs.
    if (r % 2 === 0) server.push(await viaServer());
    runner.push(await viaRunner(50));
    if (r % 2 === 1) server.push(await viaServer());
  }
  return pair('runner-vs-server-k1', `runner run(), ${K1_WORKFLOW} with mocks`, median(runner), 'server POST /api/workflow/test, same definition and mocks', median(server), 'ms per run');
}

// ---- (b) dev server vs server under the SDK's TaskManager -----------------------------------------

interface Throughput {
  readonly tasksPerSecond: number;
  readonly cpuMsPerTask: number | undefined;
}

/** `runs` runs of a 10-task chain at once against `url`, with the SDK's TaskManager in this process. */
async function chainThroughput(url: string, serverPid: number | undefined, prefix: string, runs: number): Promise<Throughput> {
  const client = await orkesConductorClient({ serverUrl: url, logger: noopLogger, useEnvVars: false });
  const metadata = new MetadataClient(client);
  const task = `${prefix}_step`;
  await metadata.registerTasks([{ name: task, ownerEmail: 'bench@k1.reinvented', retryCount: 0, timeoutSeconds: 60, totalTimeoutSeconds: 0, responseTimeoutSeconds: 30 }]);
  const tasks = Array.from({ length: 10 }, (_, i) => ({ name: task, taskReferenceName: `s${i}`, type: 'SIMPLE', inputParameters: { v: i } }));
  await metadata.registerWorkflowDef({ name: `${prefix}_chain`, version: 1, schemaVersion: 2, ownerEmail: 'bench@k1.reinvented', timeoutSeconds: 600, tasks }, true);
  const worker: ConductorWorker = { taskDefName: task, execute: async (t) => ({ status: 'COMPLETED', outputData: { v: t.inputData?.['v'] } }) };
  const manager = new TaskManager(client, [worker], { logger: noopLogger, options: { pollInterval: 1, concurrency: 20, batchPollingTimeout: 100 } });
  const executor = new WorkflowExecutor(client);
  manager.startPolling();
  try {
    const cpuServer = serverPid === undefined ? 0 : cpuSecondsOf(serverPid);
    const cpuSelf = process.cpuUsage();
    const start = performance.now();
    const ids = await Promise.all(Array.from({ length: runs }, () => executor.startWorkflow({ name: `${prefix}_chain`, version: 1, input: {} })));
    for (;;) {
      const statuses = await Promise.all(ids.map((id) => executor.getWorkflow(id, false)));
      if (statuses.every((w) => w.status === 'COMPLETED')) break;
      const ended = statuses.find((w) => w.status !== 'RUNNING' && w.status !== 'COMPLETED');
      if (ended !== undefined) throw new Error(`a ${prefix} chain ended ${ended.status}: ${ended.reasonForIncompletion ?? 'no reason given'}`);
      if (performance.now() - start > 300_000) throw new Error(`${prefix} chains did not finish in 300 s`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const seconds = (performance.now() - start) / 1000;
    const self = process.cpuUsage(cpuSelf);
    const cpu = serverPid === undefined ? undefined : cpuSecondsOf(serverPid) - cpuServer + (self.user + self.system) / 1e6;
    return { tasksPerSecond: (runs * 10) / seconds, cpuMsPerTask: cpu === undefined ? undefined : (cpu * 1000) / (runs * 10) };
  } finally {
    await manager.stopPolling();
  }
}

/** The dev server (`npm run dev`) in a process of its own, so its CPU and memory are counted as the real server's are. */
export async function startDevServerProcess(): Promise<{ url: string; pid: number; stop: () => void }> {
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

async function devServerVsServer(server: RealServer, rounds: number, runs: number): Promise<{ pairs: Pair[]; skipped: Skipped[] }> {
  const dev = await startDevServerProcess();
  // Names start with the branch's: the real server may be shared, and re-registering them each run keeps it tidy.
  const tag = 'perf_bench';
  try {
    const figures: Record<'dev' | 'server', Throughput[]> = { dev: [], server: [] };
    for (let r = 0; r < rounds; r++) {
      figures.dev.push(await chainThroughput(dev.url, dev.pid, `${tag}_dev`, runs));
      figures.server.push(await chainThroughput(server.url, server.pid, `${tag}_real`, runs));
    }
    const rate = (side: 'dev' | 'server') => median(figures[side].map((f) => f.tasksPerSecond));
    const cpu = (side: 'dev' | 'server') => median(figures[side].map((f) => f.cpuMsPerTask as number));
    const what = `10-task chain, ${runs} runs at once, SDK TaskManager (20 pollers)`;
    const pairs = [pair('devserver-vs-server-tasks', `dev server, ${what}`, rate('dev'), `real server (${server.note}), same`, rate('server'), 'tasks/s')];
    if (server.pid === undefined) {
      return { pairs, skipped: ['devserver-vs-server-cpu', 'devserver-vs-server-rss'].map((name) => ({ name, reason: `the real server's process at ${server.url} was not found on this machine` })) };
    }
    pairs.push(pair('devserver-vs-server-cpu', 'dev server process + worker process', cpu('dev'), `real server process + worker process (${server.note})`, cpu('server'), 'CPU ms per task'));
    pairs.push(pair('devserver-vs-server-rss', 'dev server process, after the rounds', rssMiB(dev.pid), 'real server process, after the rounds', rssMiB(server.pid), 'MiB'));
    return { pairs, skipped: [] };
  } finally {
    dev.stop();
  }
}

// ---- (d) the runner with one busy neighbour ---------------------------------------------------------

const simple = (ref: string, v: string): WorkflowTask => ({ name: 'step', taskReferenceName: ref, type: 'SIMPLE', inputParameters: { v } });
const handlers = { step: (task: { inputData: Record<string, unknown> }) => ({ v: task.inputData['v'] }) };

/** The runner's three throughput workflows, sized by `n` (the loop's iterations). */
function throughputWorkflows(n: number): Record<'loop' | 'chain' | 'fork', WorkflowDef> {
  const chainLength = Math.max(10, n / 10);
  const branches = Array.from({ length: Math.max(5, n / 100) }, (_, i) => [simple(`b${i}`, '${workflow.input.v}')]);
  return {
    loop: {
      name: 'loop',
      version: 1,
      timeoutSeconds: 0,
      tasks: [{ name: 'loop', taskReferenceName: 'loop', type: 'DO_WHILE', loopCondition: `$.loop.iteration < ${n}`, loopOver: [simple('body', '${loop.output.iteration}')] }],
    },
    chain: { name: 'chain', version: 1, timeoutSeconds: 0, tasks: Array.from({ length: chainLength }, (_, i) => simple(`t${i}`, i === 0 ? '${workflow.input.v}' : `\${t${i - 1}.output.v}`)) },
    fork: {
      name: 'fork',
      version: 1,
      timeoutSeconds: 0,
      tasks: [
        { name: 'fork', taskReferenceName: 'fork', type: 'FORK_JOIN', forkTasks: branches },
        { name: 'join', taskReferenceName: 'join', type: 'JOIN', joinOn: branches.map((b) => b[0]!.taskReferenceName) },
      ],
    },
  };
}

/** Transitions per second (entries of the run's event log) of one run of `def`. */
async function transitionsPerSecond(def: WorkflowDef): Promise<number> {
  const start = performance.now();
  const result = await run(def, { v: 1 }, { handlers });
  const seconds = (performance.now() - start) / 1000;
  if (result.status !== 'COMPLETED') throw new Error(`${def.name} ended ${result.status}: ${result.reasonForIncompletion}`);
  return result.events.length / seconds;
}

/** A process that keeps one core busy, stopped (SIGSTOP) until a busy round continues it. */
function busyNeighbour(): ChildProcess {
  const child = spawn(process.execPath, ['-e', 'for (;;);'], { stdio: 'ignore' });
  child.kill('SIGSTOP');
  return child;
}

async function busyVsQuiet(n: number, rounds: number): Promise<Pair[]> {
  const workflows = throughputWorkflows(n);
  const busy = busyNeighbour();
  try {
    const figures = { loop: { quiet: [] as number[], busy: [] as number[] }, chain: { quiet: [] as number[], busy: [] as number[] }, fork: { quiet: [] as number[], busy: [] as number[] } };
    for (const def of Object.values(workflows)) await transitionsPerSecond(def); // warm-up
    for (let r = 0; r < rounds; r++) {
      for (const mode of r % 2 === 0 ? (['quiet', 'busy'] as const) : (['busy', 'quiet'] as const)) {
        busy.kill(mode === 'busy' ? 'SIGCONT' : 'SIGSTOP');
        if (mode === 'busy') await new Promise((resolve) => setTimeout(resolve, 20)); // let it get going
        for (const kind of ['loop', 'chain', 'fork'] as const) figures[kind][mode].push(await transitionsPerSecond(workflows[kind]));
      }
    }
    const label = { loop: `${n}-iteration DO_WHILE loop`, chain: `${workflows.chain.tasks.length}-task chain`, fork: `${workflows.fork.tasks[0]!.forkTasks!.length}-branch fork + join` };
    return (['loop', 'chain', 'fork'] as const).map((kind) =>
      pair(`${kind}-busy-vs-quiet`, `runner, ${label[kind]}, one busy neighbour process`, median(figures[kind].busy), 'same, no neighbour', median(figures[kind].quiet), 'transitions/s'),
    );
  } finally {
    busy.kill('SIGKILL');
  }
}

// ---- all of them ------------------------------------------------------------------------------------

/**
 * Measures every pair; `quick` is a tiny run (seconds) that only shows the report's shape. The
 * cluster pair (`cluster-vs-sqlite-runs`) only with `options.cluster`: it starts PostgreSQL,
 * Redis and three servers (minutes).
 */
export async function measurePairs(quick: boolean, options: { readonly cluster?: boolean } = {}): Promise<PairsReport> {
  const loadBefore = load();
  const pairs: Pair[] = [];
  const skipped: Skipped[] = [];
  pairs.push(...(await busyVsQuiet(quick ? 200 : 10_000, quick ? 1 : 5)));
  const gen = genProcessFigures(quick ? 1 : 5);
  pairs.push(pair('gen-vs-tsx-floor', 'k1-workflows gen --check on the K1 definitions, type check warm, whole process', gen.gen, 'node + tsx importing an empty module', gen.floor, 'ms'));
  const server = await realServer();
  if (typeof server === 'string') {
    for (const name of ['runner-vs-server-k1', 'devserver-vs-server-tasks', 'devserver-vs-server-cpu', 'devserver-vs-server-rss']) skipped.push({ name, reason: server });
  } else {
    try {
      pairs.push(await runnerVsServer(server.url, quick ? 2 : 20, quick ? 100 : 3000));
      try {
        const dev = await devServerVsServer(server, quick ? 1 : 3, quick ? 10 : 100);
        pairs.push(...dev.pairs);
        skipped.push(...dev.skipped);
      } catch (error) {
        // The real server as shipped runs on SQLite and can fail a run under 100 concurrent starts
        // (`Error scheduling tasks`, SQLITE_BUSY in its log, seen on 3.32.3): report it, keep the rest.
        const reason = `the round failed: ${error instanceof Error ? error.message : String(error)}`;
        for (const name of ['devserver-vs-server-tasks', 'devserver-vs-server-cpu', 'devserver-vs-server-rss']) skipped.push({ name, reason });
      }
    } finally {
      await server.stop();
    }
  }
  if (options.cluster === true) pairs.push(await (await import('./bench-cluster.ts')).measureClusterPair({ runs: quick ? 4 : 24 }));
  else skipped.push({ name: 'cluster-vs-sqlite-runs', reason: 'measured with --cluster only: it starts PostgreSQL, Redis and three conductor-oss servers (minutes)' });
  return { quick, loadBefore, loadAfter: load(), pairs, skipped };
}

/** The report as lines for a person. */
export function describePairs(report: PairsReport): string {
  const fmt = (n: number): string => (n >= 100 ? n.toFixed(0) : n >= 1 ? n.toFixed(2) : n.toPrecision(3));
  const lines = [`side by side, one run${report.quick ? ' (--quick: sizes too small to mean anything)' : ''}; load average ${report.loadBefore.loadAverage.join(' ')} before, ${report.loadAfter.loadAverage.join(' ')} after, ${report.loadBefore.cores} cores:`];
  for (const p of report.pairs) {
    lines.push(`  ${p.name} (${p.unit}): ${fmt(p.left)} vs ${fmt(p.right)}, ratio ${fmt(p.ratio)} (above 1: the left side is better)`);
    lines.push(`    left:  ${p.leftIs}`, `    right: ${p.rightIs}`);
  }
  for (const s of report.skipped) lines.push(`  ${s.name}: skipped (${s.reason})`);
  return lines.join('\n');
}
