/**
 * `npm run bench`: speed figures measured side by side in one run (machines here are noisy, so
 * the ratios matter more than the absolute times).
 *
 * 1. gen: compile + validate + render for 100 and 1,000 synthetic workflows of 25 tasks, in process.
 * 2. tsc: `tsc --noEmit` time and instantiation count for synthetic 20- and 200-task workflows,
 *    against a 1-task baseline, so the per-task type-checking cost can be compared.
 * 3. runner: task transitions per second (every entry of the run's event log: scheduled, started,
 *    completed, retried ...) for a 1,000-task linear workflow, a 100-branch fork and a
 *    10,000-iteration loop, and the memory one waiting workflow holds.
 * 4. dev server: tasks per second end to end, with the SDK's own TaskManager polling it over HTTP.
 * 5. worker: the contract binding's overhead.
 * 5b. retention: the dev server's memory over 100,000 finished runs (bounded retention).
 * 5c. zod: zod 4 against zod 3 on the K1 contracts (bench-zod.ts, docs/decisions/zod-4.md).
 * 6. typecheck: the type check inside `gen`, cold, warm and after an edit, next to the tsx
 *    start-up floor (bench-typecheck.ts).
 * 7. pairs: every side-by-side figure (the runner and the dev server vs the real conductor-oss
 *    server, gen vs the tsx floor, the runner with a busy neighbour vs quiet), bench-pairs.ts.
 *
 *    With `--cluster`, one more pair: K1 pipelines on a 2-instance cluster next to one SQLite
 *    server, runs/s (and p50/p99 latency printed), bench-cluster.ts; it starts PostgreSQL, Redis
 *    and three servers, so it takes minutes and is skipped (with the reason) without the flag.
 *
 * `npm run bench -- gen|types|runner|server|worker|retention|zod|typecheck|pairs` runs one part;
 * `npm run bench -- --json` prints only the pairs, as one JSON object (`PairsReport`);
 * `--quick` makes the pairs' run tiny (its figures show the shape, not the speed).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { z } from 'zod';
import { generate, projectDefaults, type AnyWorkflow, type WorkflowDef, type WorkflowTask } from '../src/index.ts';
import { MetadataClient, TaskManager, WorkflowExecutor, noopLogger, orkesConductorClient, type ConductorWorker } from '@io-orkes/conductor-javascript';
import { startDevServer } from '../src/server/index.ts';
import { run } from '../src/testing.ts';

/** gen writes only definitions with an owner: the bench's project gives one. */
const { defineTask, workflow } = projectDefaults({ ownerEmail: 'bench@example.com' });

const step = defineTask({
  name: 'bench_step',
  description: 'A step.',
  input: z.object({ value: z.string(), n: z.number().optional() }),
  output: z.object({ value: z.string(), n: z.number(), verdict: z.enum(['pass', 'fail']) }),
});

/** A workflow of 25 Conductor tasks: a chain, a fork with a join, and a switch. */
function syntheticWorkflow(i: number): AnyWorkflow {
  return workflow(
    { name: `bench_${i}`, version: 1, description: 'Synthetic.', input: z.object({ seed: z.string() }), output: z.object({ value: z.string() }) },
    (f) => {
      let flow = f.task('t0', step, (s) => ({ value: s.input.seed })) as any;
      for (let t = 1; t < 21; t++) flow = flow.task(`t${t}`, step, (s: any) => ({ value: s[`t${t - 1}`].output.value, n: s[`t${t - 1}`].output.n }));
      return flow
        .fork('par', [
          (b: any) => b.task('left', step, (s: any) => ({ value: s.t20.output.value })),
          (b: any) => b.task('right', step, (s: any) => ({ value: `r-${s.t20.output.value}` })),
        ])
        .switch('gate', (s: any) => s.left.output.verdict, { fail: (b: any) => b.terminate('FAILED', { reason: (s: any) => s.left.output.value }) })
        .task('last', step, (s: any) => ({ value: s.right.output.value }))
        .output((s: any) => ({ value: s.last.output.value }));
    },
  );
}

function timeGen(count: number): number {
  const start = performance.now();
  const workflows = Array.from({ length: count }, (_, i) => syntheticWorkflow(i));
  generate({ workflows });
  return performance.now() - start;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

function benchGen(): void {
  timeGen(100);
  const small: number[] = [];
  const large: number[] = [];
  for (let r = 0; r < 5; r++) {
    small.push(timeGen(100));
    large.push(timeGen(1000));
  }
  const tasks = generate({ workflows: [syntheticWorkflow(0)] }).workflows[0]!.tasks.length;
  const s = median(small);
  const l = median(large);
  console.log(`gen (DSL build + compile + validate + render), ${tasks} Conductor tasks per workflow, median of 5:`);
  console.log(`  100 workflows:   ${s.toFixed(1)} ms`);
  console.log(`  1,000 workflows: ${l.toFixed(1)} ms   (target < 1000 ms: ${l < 1000 ? 'met' : 'NOT met'})`);
  console.log(`  10x the work took ${(l / s).toFixed(2)}x the time (target <= 11x: ${l / s <= 11 ? 'met' : 'NOT met'})`);
}

function typedWorkflowSource(tasks: number): string {
  const lines = [
    "import { z } from 'zod';",
    "import { defineTask, workflow } from '../../src/index.ts';",
    "const step = defineTask({ name: 'step', description: 's', input: z.object({ value: z.string(), n: z.number().optional() }), output: z.object({ value: z.string(), n: z.number() }) });",
    'export const wf = workflow(',
    "  { name: 'big', version: 1, description: 'd', input: z.object({ seed: z.string() }), output: z.object({ value: z.string() }) },",
    '  (f) => f',
    "    .task('t0', step, (s) => ({ value: s.input.seed }))",
  ];
  for (let t = 1; t < tasks; t++) lines.push(`    .task('t${t}', step, (s) => ({ value: s.t${t - 1}.output.value, n: s.t${Math.floor(t / 2)}.output.n }))`);
  lines.push(`    .output((s) => ({ value: s.t${tasks - 1}.output.value })),`, ');');
  return lines.join('\n');
}

interface TscFigures {
  readonly instantiations: number;
  readonly checkSeconds: number;
  readonly errors: string;
}

function tsc(dir: string, tasks: number): TscFigures {
  const file = join(dir, `wf${tasks}.ts`);
  writeFileSync(file, typedWorkflowSource(tasks));
  const config = join(dir, `tsconfig.${tasks}.json`);
  writeFileSync(config, JSON.stringify({ extends: '../../tsconfig.json', include: [`wf${tasks}.ts`] }));
  let out: string;
  try {
    out = execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', config, '--extendedDiagnostics'], { encoding: 'utf8' });
  } catch (e) {
    out = (e as { stdout: string }).stdout;
  }
  const figure = (label: string): number => Number(new RegExp(`${label}:\\s+([\\d.]+)`).exec(out)?.[1] ?? NaN);
  return { instantiations: figure('Instantiations'), checkSeconds: figure('Check time'), errors: out.split('\n').filter((l) => l.includes('error TS')).join('\n') };
}

function benchTypes(): void {
  const dir = join(process.cwd(), '.tmp', 'bench');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const [base, small, large] = [1, 20, 200].map((n) => tsc(dir, n)) as [TscFigures, TscFigures, TscFigures];
  rmSync(dir, { recursive: true, force: true });
  const perTask = (f: TscFigures, n: number) => (f.instantiations - base.instantiations) / (n - 1);
  const p20 = perTask(small, 20);
  const p200 = perTask(large, 200);
  console.log('tsc --noEmit on one synthetic typed workflow (each task reads two earlier tasks):');
  for (const [n, f] of [[1, base], [20, small], [200, large]] as const) {
    console.log(`  ${String(n).padStart(3)} tasks: ${f.instantiations} instantiations, check ${f.checkSeconds.toFixed(2)} s${f.errors ? `\n${f.errors}` : ''}`);
  }
  console.log(`  per task over the 1-task baseline: ${p20.toFixed(0)} (20 tasks) vs ${p200.toFixed(0)} (200 tasks) instantiations, ratio ${(p200 / p20).toFixed(2)}`);
  console.log(`  TS2589 (excessively deep): ${[small, large].some((f) => f.errors.includes('TS2589')) ? 'PRESENT' : 'none'}; errors: ${small.errors || large.errors ? 'PRESENT' : 'none'}`);
}

const simple = (ref: string, v: string): WorkflowTask => ({ name: 'step', taskReferenceName: ref, type: 'SIMPLE', inputParameters: { v } });
const handlers = { step: (task: { inputData: Record<string, unknown> }) => ({ v: task.inputData['v'] }) };

async function transitions(label: string, def: WorkflowDef, input: Record<string, unknown> = {}): Promise<void> {
  await run(def, input, { handlers });
  const rates: number[] = [];
  let tasks = 0;
  for (let r = 0; r < 5; r++) {
    const start = performance.now();
    const result = await run(def, input, { handlers });
    const seconds = (performance.now() - start) / 1000;
    if (result.status !== 'COMPLETED') throw new Error(`${label} ended ${result.status}: ${result.reasonForIncompletion}`);
    rates.push(result.events.length / seconds);
    tasks = result.tasks.length;
  }
  const rate = median(rates);
  console.log(`  ${label.padEnd(34)} ${String(tasks).padStart(6)} tasks, ${rate.toFixed(0).padStart(7)} transitions/s (target >= 50,000: ${rate >= 50_000 ? 'met' : 'NOT met'})`);
}

async function benchRunner(): Promise<void> {
  console.log('runner (in process, one core; handlers resolve inputs and return outputs), median of 5:');
  const linear = Array.from({ length: 1000 }, (_, i) => simple(`t${i}`, i === 0 ? '${workflow.input.v}' : `\${t${i - 1}.output.v}`));
  await transitions('1,000-task linear workflow', { name: 'linear', version: 1, timeoutSeconds: 0, tasks: linear }, { v: 1 });
  const branches = Array.from({ length: 100 }, (_, i) => [simple(`b${i}`, '${workflow.input.v}')]);
  await transitions('100-branch fork + join', {
    name: 'fork',
    version: 1,
    timeoutSeconds: 0,
    tasks: [
      { name: 'fork', taskReferenceName: 'fork', type: 'FORK_JOIN', forkTasks: branches },
      { name: 'join', taskReferenceName: 'join', type: 'JOIN', joinOn: branches.map((b) => b[0]!.taskReferenceName) },
    ],
  }, { v: 1 });
  await transitions('10,000-iteration loop', {
    name: 'loop',
    version: 1,
    timeoutSeconds: 0,
    tasks: [{ name: 'loop', taskReferenceName: 'loop', type: 'DO_WHILE', loopCondition: '$.loop.iteration < 10000', loopOver: [simple('body', '${loop.output.iteration}')] }],
  });
  const waiting: WorkflowDef = { name: 'waiting', version: 1, timeoutSeconds: 0, tasks: [simple('first', '${workflow.input.v}'), { name: 'approve', taskReferenceName: 'approve', type: 'HUMAN' }] };
  const count = 2000;
  globalThis.gc?.();
  const before = process.memoryUsage().heapUsed;
  const held = [];
  for (let i = 0; i < count; i++) held.push(await run(waiting, { v: i }, { handlers }));
  globalThis.gc?.();
  const perRun = (process.memoryUsage().heapUsed - before) / count;
  console.log(`  memory per waiting workflow (2 tasks, one engine each, ${count} held${globalThis.gc ? '' : ', no --expose-gc'}): ${(perRun / 1024).toFixed(1)} KiB`);
  if (held.some((r) => r.status !== 'RUNNING')) throw new Error('a waiting workflow did not wait');
}

async function benchServer(): Promise<void> {
  for (const name of ['CONDUCTOR_SERVER_URL', 'CONDUCTOR_AUTH_KEY', 'CONDUCTOR_AUTH_SECRET']) delete process.env[name];
  const server = await startDevServer();
  const client = await orkesConductorClient({ serverUrl: server.url, logger: noopLogger });
  const owner = 'bench@k1.reinvented';
  await new MetadataClient(client).registerTasks([{ name: 'bench_step', ownerEmail: owner, retryCount: 0, timeoutSeconds: 60, totalTimeoutSeconds: 0, responseTimeoutSeconds: 30 }]);
  const tasks = Array.from({ length: 5 }, (_, i) => ({ name: 'bench_step', taskReferenceName: `s${i}`, type: 'SIMPLE', inputParameters: { v: i } }));
  await new MetadataClient(client).registerWorkflowDef({ name: 'bench_chain', version: 1, schemaVersion: 2, ownerEmail: owner, timeoutSeconds: 600, tasks });
  const worker: ConductorWorker = { taskDefName: 'bench_step', execute: async (task) => ({ status: 'COMPLETED', outputData: { v: task.inputData?.['v'] } }) };
  const manager = new TaskManager(client, [worker], { logger: noopLogger, options: { pollInterval: 1, concurrency: 20, batchPollingTimeout: 100 } });
  manager.startPolling();
  const executor = new WorkflowExecutor(client);
  const workflows = 200;
  const start = performance.now();
  const ids = await Promise.all(Array.from({ length: workflows }, () => executor.startWorkflow({ name: 'bench_chain', version: 1, input: {} })));
  for (;;) {
    const statuses = await Promise.all(ids.map((id) => executor.getWorkflow(id, false)));
    if (statuses.every((w) => w.status === 'COMPLETED')) break;
    if (performance.now() - start > 120_000) throw new Error('dev server bench did not finish in 120 s');
    await new Promise((r) => setTimeout(r, 50));
  }
  const seconds = (performance.now() - start) / 1000;
  await manager.stopPolling();
  await server.close();
  console.log('dev server (HTTP on 127.0.0.1, SDK TaskManager, 20 pollers, one process for both sides):');
  console.log(`  ${workflows} workflows x 5 tasks: ${seconds.toFixed(2)} s, ${((workflows * 5) / seconds).toFixed(0)} tasks/s end to end`);
}

/**
 * Worker overhead: the same trivial handler as (a) a raw SDK ConductorWorker and (b) bound with
 * createWorker to a contract with a realistic input (8 fields, nested) and output (6 fields), both
 * through the dev server with the SDK's TaskManager, alternated; then the in-process validation
 * cost per task (execute() called directly in a loop, raw vs bound).
 */
async function benchWorker(): Promise<void> {
  const { createWorker } = await import('../src/worker/index.ts');
  for (const name of ['CONDUCTOR_SERVER_URL', 'CONDUCTOR_AUTH_KEY', 'CONDUCTOR_AUTH_SECRET']) delete process.env[name];
  const sha = z.string().regex(/^[0-9a-f]{7,40}$/);
  const contract = defineTask({
    name: 'bench_worker_bound',
    description: 'A build-like step.',
    input: z.object({
      repo: z.string().min(1),
      branch: z.string().min(1),
      commit_sha: sha,
      environment: z.string().regex(/^[A-Za-z0-9_-]+$/),
      build_number: z.number().int().nonnegative(),
      flags: z.array(z.string()).max(20),
      metrics: z.object({ flash_bytes: z.number().int().nonnegative(), ram_bytes: z.number().int().nonnegative() }),
      dry_run: z.boolean().default(false),
    }),
    output: z.object({
      success: z.boolean(),
      firmware_bin_path: z.string(),
      size_bytes: z.number().int().nonnegative(),
      checksum_sha256: z.string().regex(/^[0-9a-f]{64}$/),
      warnings: z.number().int().nonnegative(),
      summary: z.string(),
    }),
  });
  type In = z.output<typeof contract.input>;
  const answer = (i: In) => ({ success: true, firmware_bin_path: `.pio/build/${i.environment}/firmware.bin`, size_bytes: i.metrics.flash_bytes, checksum_sha256: 'a'.repeat(64), warnings: i.flags.length, summary: `${i.repo}@${i.commit_sha}` });
  const input = { repo: 'K1.node1', branch: 'main', commit_sha: 'abc1234def', environment: 'esp32-s3-devkitc-1', build_number: 42, flags: ['-DK1_DEBUG=0', '-O2'], metrics: { flash_bytes: 1_234_567, ram_bytes: 45_678 }, dry_run: false };
  const raw: ConductorWorker = { taskDefName: 'bench_worker_raw', execute: async (task) => ({ status: 'COMPLETED', outputData: answer(task.inputData as In) }) };
  const bound = createWorker(contract, async (i) => answer(i));

  const owner = 'bench@k1.reinvented';
  const params = Object.fromEntries(Object.keys(input).map((k) => [k, `\${workflow.input.${k}}`]));
  const workflows = 100;
  // Each round gets a fresh dev server: it keeps every finished workflow, and a growing store
  // slows later rounds more than anything measured here.
  const round = async (worker: ConductorWorker): Promise<{ rate: number; cpuUs: number }> => {
    globalThis.gc?.(); // no round pays for the garbage of the one before
    const server = await startDevServer();
    const client = await orkesConductorClient({ serverUrl: server.url, logger: noopLogger });
    const metadata = new MetadataClient(client);
    const name = worker.taskDefName;
    await metadata.registerTasks([{ name, ownerEmail: owner, retryCount: 0, timeoutSeconds: 60, totalTimeoutSeconds: 0, responseTimeoutSeconds: 30 }]);
    const tasks = Array.from({ length: 5 }, (_, i) => ({ name, taskReferenceName: `s${i}`, type: 'SIMPLE', inputParameters: params }));
    await metadata.registerWorkflowDef({ name: `chain_${name}`, version: 1, schemaVersion: 2, ownerEmail: owner, timeoutSeconds: 600, tasks });
    const executor = new WorkflowExecutor(client);
    const manager = new TaskManager(client, [worker], { logger: noopLogger, options: { pollInterval: 1, concurrency: 20, batchPollingTimeout: 100 } });
    manager.startPolling();
    const start = performance.now();
    const cpu = process.cpuUsage();
    const ids = await Promise.all(Array.from({ length: workflows }, () => executor.startWorkflow({ name: `chain_${name}`, version: 1, input })));
    for (;;) {
      const statuses = await Promise.all(ids.map((id) => executor.getWorkflow(id, false)));
      if (statuses.some((w) => w.status !== 'RUNNING' && w.status !== 'COMPLETED')) throw new Error(`a ${name} workflow ended ${statuses.find((w) => w.status !== 'COMPLETED')?.status}`);
      if (statuses.every((w) => w.status === 'COMPLETED')) break;
      if (performance.now() - start > 120_000) throw new Error('worker bench round did not finish in 120 s');
      await new Promise((r) => setTimeout(r, 20));
    }
    const rate = (workflows * 5) / ((performance.now() - start) / 1000);
    const used = process.cpuUsage(cpu);
    await manager.stopPolling();
    await server.close();
    // Both sides run in this process: CPU time per task is the cost, less disturbed than wall time by other load.
    return { rate, cpuUs: (used.user + used.system) / (workflows * 5) };
  };
  await round(raw); // warm-up: JIT, connections
  await round(bound);
  const rates = { raw: [] as number[], bound: [] as number[] };
  const cpu = { raw: [] as number[], bound: [] as number[] };
  const pairs = 10;
  for (let r = 0; r < pairs; r++) {
    for (const kind of r % 2 === 0 ? (['raw', 'bound'] as const) : (['bound', 'raw'] as const)) {
      const { rate, cpuUs } = await round(kind === 'raw' ? raw : bound);
      rates[kind].push(rate);
      cpu[kind].push(cpuUs);
    }
  }
  // Neighbouring rounds share the machine's mood: compare within each pair, then take the median.
  const rateRatios = Array.from({ length: pairs }, (_, i) => (1 - (rates.bound[i] as number) / (rates.raw[i] as number)) * 100);
  const cpuRatios = Array.from({ length: pairs }, (_, i) => ((cpu.bound[i] as number) / (cpu.raw[i] as number) - 1) * 100);
  const rateOverhead = median(rateRatios);
  const cpuOverhead = median(cpuRatios);
  const spread = (values: number[]) => `${Math.min(...values).toFixed(0)} to ${Math.max(...values).toFixed(0)} %`;
  console.log(`worker overhead (dev server, SDK TaskManager, 20 pollers, ${workflows} workflows x 5 tasks per round, ${pairs} alternating pairs, medians):`);
  console.log(`  (a) raw ConductorWorker:               ${median(rates.raw).toFixed(0)} tasks/s, ${median(cpu.raw).toFixed(0)} us CPU/task   [${rates.raw.map((x) => x.toFixed(0)).join(', ')}]`);
  console.log(`  (b) createWorker, 8-in/6-out contract: ${median(rates.bound).toFixed(0)} tasks/s, ${median(cpu.bound).toFixed(0)} us CPU/task   [${rates.bound.map((x) => x.toFixed(0)).join(', ')}]`);
  console.log(`  measured overhead (median of the pairs): ${rateOverhead.toFixed(1)} % tasks/s, ${cpuOverhead.toFixed(1)} % CPU per task   (target < 5 %: ${Math.max(rateOverhead, cpuOverhead) < 5 ? 'met' : 'NOT met'})`);
  console.log(`    single pairs ranged ${spread(rateRatios)} (tasks/s) and ${spread(cpuRatios)} (CPU): differences inside that band are this machine's noise`);

  const task = { taskId: 't', workflowInstanceId: 'w', taskType: contract.name, inputData: input };
  const loop = async (worker: ConductorWorker, n: number): Promise<number> => {
    const start = performance.now();
    for (let i = 0; i < n; i++) await worker.execute(task);
    return ((performance.now() - start) * 1000) / n;
  };
  await loop(raw, 20_000);
  await loop(bound, 20_000);
  const us = { raw: [] as number[], bound: [] as number[] };
  for (let r = 0; r < 5; r++) {
    us.raw.push(await loop(raw, 50_000));
    us.bound.push(await loop(bound, 50_000));
  }
  const ra = median(us.raw);
  const bo = median(us.bound);
  console.log('  in process, execute() in a loop, median of 5 x 50,000:');
  const share = ((bo - ra) / median(cpu.raw)) * 100;
  console.log(`    raw ${ra.toFixed(2)} us/task, bound ${bo.toFixed(2)} us/task: validation (input + output) costs ${(bo - ra).toFixed(2)} us per task,`);
  console.log(`    ${share.toFixed(2)} % of the ${median(cpu.raw).toFixed(0)} us of CPU a task costs end to end: the binding's own overhead (target < 5 %: ${share < 5 ? 'met' : 'NOT met'})`);
}

/**
 * The dev server's memory while 100,000 runs start and finish through its HTTP API (a workflow of
 * three system tasks, 20 starts in flight), the dev server in a process of its own: its resident
 * memory every 20,000 runs. With the default `retainFinishedRuns` (10,000) it must level off once
 * that many are kept.
 */
async function benchRetention(): Promise<void> {
  const { rssMiB, startDevServerProcess } = await import('./bench-pairs.ts');
  const server = await startDevServerProcess();
  try {
    const tasks = [
      { name: 'calc', taskReferenceName: 'calc', type: 'INLINE', inputParameters: { evaluatorType: 'javascript', expression: '$.a + 1', a: '${workflow.input.a}' } },
      { name: 'keep', taskReferenceName: 'keep', type: 'SET_VARIABLE', inputParameters: { last: '${calc.output.result}' } },
      { name: 'word', taskReferenceName: 'word', type: 'INLINE', inputParameters: { evaluatorType: 'javascript', expression: '$.n > 10 ? "big" : "small"', n: '${calc.output.result}' } },
    ];
    const put = await fetch(`${server.url}/api/metadata/workflow`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify([{ name: 'perf_retention', version: 1, schemaVersion: 2, timeoutSeconds: 0, tasks }]) });
    if (!put.ok) throw new Error(`registering the retention workflow answered ${put.status}: ${await put.text()}`);
    const sample = (runs: number): string => `  ${String(runs).padStart(7)} runs: RSS ${rssMiB(server.pid).toFixed(1).padStart(6)} MiB`;
    const total = 100_000;
    const lines = [sample(0)];
    const start = performance.now();
    let next = 0;
    const starter = async (): Promise<void> => {
      while (next < total) {
        const a = next++;
        const answer = await fetch(`${server.url}/api/workflow/perf_retention`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ a }) });
        if (!answer.ok) throw new Error(`start ${a} answered ${answer.status}`);
        await answer.text();
        if ((a + 1) % 20_000 === 0) lines.push(sample(a + 1));
      }
    };
    await Promise.all(Array.from({ length: 20 }, starter));
    const seconds = (performance.now() - start) / 1000;
    console.log(`dev server memory over ${total.toLocaleString('en')} finished runs (3 system tasks each, started over HTTP, ${(total / seconds).toFixed(0)} runs/s; retainFinishedRuns 10,000):`);
    console.log(lines.join('\n'));
  } finally {
    server.stop();
  }
}

const args = process.argv.slice(2);
const json = args.includes('--json');
const quick = args.includes('--quick');
const only = json ? 'pairs' : args.find((a) => !a.startsWith('--'));
if (only === undefined || only === 'gen') benchGen();
if (only === undefined || only === 'types') benchTypes();
if (only === undefined || only === 'runner') await benchRunner();
if (only === undefined || only === 'server') await benchServer();
if (only === undefined || only === 'worker') await benchWorker();
if (only === undefined || only === 'retention') await benchRetention();
if (only === undefined || only === 'zod') await (await import('./bench-zod.ts')).benchZod();
if (only === undefined || only === 'typecheck') (await import('./bench-typecheck.ts')).benchTypecheck();
if (only === undefined || only === 'pairs') {
  const { describePairs, measurePairs } = await import('./bench-pairs.ts');
  const report = await measurePairs(quick, { cluster: args.includes('--cluster') });
  console.log(json ? JSON.stringify(report, null, 2) : describePairs(report));
}
