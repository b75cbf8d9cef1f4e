/**
 * A load figure for the K1 system on a Conductor server or cluster: many firmware pipelines at
 * once (the fake `pio`, one fake device each), started round robin across the instances, with
 * M worker groups (each its own TaskManager, as one worker process) per instance. Reports
 * completed runs per second and the latency of a run (start call to COMPLETED seen).
 */
import { WorkflowExecutor } from '@io-orkes/conductor-javascript';
import { registerDefinitions, registeredCleanly } from '../src/sync/register.ts';
import { planSync } from '../src/sync/sync-plan.ts';
import { connectMetadataApi } from '../src/sync/metadata-api.ts';
import { readGenerated } from '../src/gen/read-generated.ts';
import { startBench } from './bench.ts';

/** Options of {@link measureLoad}. */
export interface LoadOptions {
  /** The instances' base URLs (one for a single server). */
  readonly urls: readonly string[];
  /** Worker groups per instance. @default 2 */
  readonly workersPerInstance?: number;
  /** Pipelines started at once. @default 24 */
  readonly runs?: number;
  /** Gives up on runs still going after this many milliseconds. @default 600000 */
  readonly timeoutMs?: number;
}

/** What {@link measureLoad} measured. */
export interface LoadFigures {
  readonly instances: number;
  readonly workerGroups: number;
  readonly runs: number;
  readonly completed: number;
  /** Completed runs per second, first start to last completion. */
  readonly runsPerSecond: number;
  /** Latency of a run, seconds: median and 99th percentile (nearest rank). */
  readonly p50Seconds: number;
  readonly p99Seconds: number;
}

/** The nearest-rank percentile `p` (0–100) of `values`. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
}

/**
 * Registers generated/ on the first instance, starts the bench with `workersPerInstance` worker
 * groups per instance, then `runs` firmware pipelines of the release commit at once, round robin
 * over the instances, and waits for them all.
 * @throws Error when the definitions cannot be registered or the bench cannot start.
 */
export async function measureLoad(options: LoadOptions): Promise<LoadFigures> {
  const [first] = options.urls;
  if (first === undefined) throw new Error('measureLoad needs at least one server URL');
  const api = await connectMetadataApi({ serverUrl: first });
  const outcomes = await registerDefinitions(api, await planSync(api, await readGenerated(new URL('../generated', import.meta.url).pathname)), { allowOverwrite: false });
  if (!registeredCleanly(outcomes)) throw new Error(`The K1 definitions could not all be registered on ${first}`);
  const perInstance = options.workersPerInstance ?? 2;
  const runs = options.runs ?? 24;
  const bench = await startBench({ serverUrl: first, workerServerUrls: options.urls.flatMap((url) => Array.from({ length: perInstance }, () => url)) });
  try {
    const executors = await Promise.all(options.urls.map(async (url) => new WorkflowExecutor(await bench.clientOf(url))));
    const commit = bench.repo.commits.release;
    const devices = await Promise.all(Array.from({ length: runs }, () => bench.device()));
    const began = performance.now();
    const latencies = await Promise.all(
      devices.map(async (device, i) => {
        const started = performance.now();
        const executor = executors[i % executors.length] as WorkflowExecutor;
        const id = await executor.startWorkflow({ name: 'firmware-ci-cd-pipeline', version: 1, input: { repo: 'K1.node1', branch: 'main', commit_sha: commit, device_ip: device.address } });
        const run = await bench.wait(id, options.timeoutMs ?? 600_000);
        return run.status === 'COMPLETED' ? { seconds: (performance.now() - started) / 1000, at: performance.now() } : undefined;
      }),
    );
    const done = latencies.filter((l): l is { seconds: number; at: number } => l !== undefined);
    const span = (Math.max(...done.map((d) => d.at)) - began) / 1000;
    return {
      instances: options.urls.length,
      workerGroups: options.urls.length * perInstance,
      runs,
      completed: done.length,
      runsPerSecond: done.length / span,
      p50Seconds: percentile(done.map((d) => d.seconds), 50),
      p99Seconds: percentile(done.map((d) => d.seconds), 99),
    };
  } finally {
    await bench.close();
  }
}
