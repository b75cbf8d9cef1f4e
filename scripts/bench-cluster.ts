/**
 * The K1 system's load figure on a Conductor cluster next to one SQLite server, measured in one
 * run (`npm run bench -- cluster`; it starts PostgreSQL, Redis and the servers itself, so it takes
 * minutes): N instances × M worker groups, R firmware pipelines at once with the fake `pio` and
 * one fake device each; completed runs/s and the p50/p99 latency of a run, on the cluster and on
 * one server as shipped (SQLite) with the same M worker groups, and their ratio.
 *
 * `npm run bench -- cluster [--instances N] [--workers M] [--runs R]`
 */
import { parseArgs } from 'node:util';
import { measureLoad, type LoadFigures } from '../rig/load.ts';
import { startCluster } from '../src/conductor/start-cluster.ts';
import { startConductor } from '../src/conductor/start-conductor.ts';

/** A side-by-side figure: `left` (the cluster) against `right` (one SQLite server). */
export interface ClusterPair {
  readonly name: 'cluster-vs-sqlite-runs';
  readonly left: number;
  readonly right: number;
  readonly unit: 'runs/s';
  readonly ratio: number;
}

function line(label: string, f: LoadFigures): string {
  return `  ${label.padEnd(28)} ${f.completed}/${f.runs} completed, ${f.runsPerSecond.toFixed(2)} runs/s, latency p50 ${f.p50Seconds.toFixed(1)} s, p99 ${f.p99Seconds.toFixed(1)} s`;
}

/** Measures the cluster, then one SQLite server, and prints both and the ratio. */
export async function benchCluster(options: { instances?: number; workers?: number; runs?: number } = {}): Promise<ClusterPair> {
  const instances = options.instances ?? 2;
  const workers = options.workers ?? 2;
  const runs = options.runs ?? 24;
  console.log(`cluster load: ${runs} firmware pipelines at once (fake pio, one fake device each), ${workers} worker group(s) per instance:`);
  const cluster = await startCluster({ instances });
  let onCluster: LoadFigures;
  try {
    console.log(`  cluster of ${instances} healthy after ${(cluster.startMs / 1000).toFixed(1)} s`);
    onCluster = await measureLoad({ urls: cluster.urls, workersPerInstance: workers, runs });
  } finally {
    await cluster.stop();
  }
  const single = await startConductor();
  let onSingle: LoadFigures;
  try {
    onSingle = await measureLoad({ urls: [single.url], workersPerInstance: workers, runs });
  } finally {
    await single.stop();
  }
  console.log(line(`${instances} instances (PostgreSQL):`, onCluster));
  console.log(line('1 server (SQLite):', onSingle));
  const pair: ClusterPair = { name: 'cluster-vs-sqlite-runs', left: onCluster.runsPerSecond, right: onSingle.runsPerSecond, unit: 'runs/s', ratio: onCluster.runsPerSecond / onSingle.runsPerSecond };
  console.log(`  cluster-vs-sqlite-runs: ${pair.ratio.toFixed(2)}x the runs/s of one SQLite server (same machine, measured one after the other)`);
  return pair;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { instances: { type: 'string' }, workers: { type: 'string' }, runs: { type: 'string' } }, strict: true });
  const number = (v: string | undefined): number | undefined => (v === undefined ? undefined : Number(v));
  await benchCluster({ instances: number(values.instances), workers: number(values.workers), runs: number(values.runs) } as { instances?: number; workers?: number; runs?: number });
}
