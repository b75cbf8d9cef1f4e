/**
 * `npm run conductor`: the pinned conductor-oss server (its boot jar, fetched with Maven once and
 * cached) in the foreground, on SQLite in a temporary folder, for people to try things against;
 * with `--cluster N`, N instances on a shared PostgreSQL with a Redis lock.
 *
 * `npm run conductor -- [--port N | --cluster N]`
 */
import { parseArgs } from 'node:util';
import { startCluster } from '../src/conductor/start-cluster.ts';
import { startConductor } from '../src/conductor/start-conductor.ts';
import { CONDUCTOR_VERSION } from '../src/conductor/version.ts';

const USAGE = `Usage: npm run conductor -- [--port N | --cluster N]
Starts conductor-oss ${CONDUCTOR_VERSION} on 127.0.0.1 until Ctrl-C.
  --port N     one server (SQLite, as shipped) on port N (default: a free one)
  --cluster N  N servers on free ports sharing a throwaway PostgreSQL (persistence, queues,
               indexing) and, for N > 1, a Redis workflow-execution lock
Needs Java 21+ (JAVA_HOME, or a JDK beside the default java) and Maven for the first fetch;
--cluster needs PostgreSQL and redis-server (scripts/setup-cluster-deps.sh installs them).`;

function whole(name: string, text: string | undefined, min: number, max: number): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) throw new Error(`--${name} ${text} is not a whole number from ${min} to ${max}.\n${USAGE}`);
  return value;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { port: { type: 'string' }, cluster: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, strict: true });
  if (values.help === true) {
    console.log(USAGE);
    return;
  }
  const port = whole('port', values.port, 0, 65535) ?? 0;
  const instances = whole('cluster', values.cluster, 1, 16);
  if (instances !== undefined && values.port !== undefined) throw new Error(`Give --port or --cluster, not both (a cluster's instances take free ports).\n${USAGE}`);
  let stopAll: () => Promise<void>;
  if (instances === undefined) {
    console.log(`Starting conductor-oss ${CONDUCTOR_VERSION} (about 20 s)...`);
    const conductor = await startConductor({ port });
    stopAll = conductor.stop;
    console.log(`Conductor ${conductor.version} is up after ${(conductor.startMs / 1000).toFixed(1)} s.`);
    console.log(`  API:  ${conductor.url}/api  (CONDUCTOR_SERVER_URL=${conductor.url})`);
    console.log(`  UI:   ${conductor.url}/`);
    console.log(`  log:  ${conductor.logFile}`);
  } else {
    console.log(`Starting a conductor-oss ${CONDUCTOR_VERSION} cluster of ${instances} on PostgreSQL${instances > 1 ? ' with a Redis lock' : ''} (about 40 s)...`);
    const cluster = await startCluster({ instances });
    stopAll = cluster.stop;
    console.log(`Cluster up after ${(cluster.startMs / 1000).toFixed(1)} s.`);
    console.log(`  PostgreSQL: ${cluster.postgres.jdbcUrl} (user ${cluster.postgres.user})`);
    if (cluster.redis) console.log(`  Redis:      ${cluster.redis.address}`);
    cluster.urls.forEach((url, i) => console.log(`  instance ${i + 1}: ${url}/api  (log ${cluster.instance(i).logFile})`));
  }
  console.log('Ctrl-C stops it and removes its data.');
  const stop = (signal: NodeJS.Signals): void => {
    console.log(`\n${signal}: stopping.`);
    stopAll().then(() => process.exit(0), () => process.exit(1));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
