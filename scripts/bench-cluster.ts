/**
 * The K1 system's load figure on a Conductor cluster next to one SQLite server, measured in one
 * run (`npm run bench -- pairs --cluster`; it starts PostgreSQL, Redis and the servers itself, so
 * it takes minutes): N instances × M worker groups, R firmware pipelines at once with the fake `pio` and
 * one fake device each; completed runs/s and the p50/p99 latency of a run, on the cluster and on
 * one server as shipped (SQLite) with the same M worker groups, and their ratio.
 *
 * Alone: `npx tsx scripts/bench-cluster.ts [--instances N] [--workers M] [--runs R]`.
 */
import { parseArgs } from 'node:util';
import { measureLoad, type LoadFigures } from '../rig/load.ts';
import { startCluster } from '../src/conductor/start-cluster.ts';
import { startConductor } from '../src/conductor/start-conductor.ts';
import { pair, type Pair } from './bench-pairs.ts';

function line(label: string, f: LoadFigures): string {
  return `  ${label.padEnd(28)} ${f.completed}/${f.runs} completed, ${f.runsPerSecond.toFixed(2)} runs/s, latency p50 ${f.p50Seconds.toFixed(1)} s, p99 ${f.p99Seconds.toFixed(1)} s`;
}

/** Measures the cluster, then one SQLite server, prints both, and answers the pair `cluster-vs-sqlite-runs`. */
export async function measureClusterPair(options: { instances?: number; workers?: number; runs?: number } = {}): Promise<Pair> {
  const instances = options.instances ?? 2;
  const workers = options.workers ?? 2;
  const runs = options.runs ?? 24;
  console.error(`cluster load: ${runs} firmware pipelines at once (fake pio, one fake device each), ${workers} worker group(s) per instance:`);
  const cluster = await startCluster({ instances });
  let onCluster: LoadFigures;
  try {
    console.error(`  cluster of ${instances} healthy after ${(cluster.startMs / 1000).toFixed(1)} s`);
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
  console.error(line(`${instances} instances (PostgreSQL):`, onCluster));
  console.error(line('1 server (SQLite):', onSingle));
  const what = (f: LoadFigures): string => `${f.instances} instance(s) x ${f.workerGroups / f.instances} worker group(s), ${f.completed}/${f.runs} K1 pipelines at once, p50 ${f.p50Seconds.toFixed(1)} s, p99 ${f.p99Seconds.toFixed(1)} s`;
  return pair('cluster-vs-sqlite-runs', `cluster on PostgreSQL + Redis lock: ${what(onCluster)}`, onCluster.runsPerSecond, `one server on SQLite: ${what(onSingle)}`, onSingle.runsPerSecond, 'runs/s');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { instances: { type: 'string' }, workers: { type: 'string' }, runs: { type: 'string' } }, strict: true });
  const number = (v: string | undefined): number | undefined => (v === undefined ? undefined : Number(v));
  console.log(await measureClusterPair({ instances: number(values.instances), workers: number(values.workers), runs: number(values.runs) } as { instances?: number; workers?: number; runs?: number }));
}
