/**
 * A production-shaped Conductor cluster on one machine, without Docker: PostgreSQL, Redis for the
 * workflow-execution lock (with more than one instance) and N instances of the pinned
 * conductor-oss server sharing them, each on its own port of 127.0.0.1.
 */
import { clusterProperties } from './cluster-properties.ts';
import { groupMemoryBytes } from './process-memory.ts';
import { startConductor, type RunningConductor } from './start-conductor.ts';
import { startPostgres, type RunningPostgres } from './start-postgres.ts';
import { startRedis, type RunningRedis } from './start-redis.ts';

/** Options of {@link startCluster}. */
export interface StartClusterOptions {
  /** Number of server instances (1 or more). @default 2 */
  readonly instances?: number;
  /** Gives up waiting for one instance's `/health` after this many milliseconds. @default 240000 */
  readonly startTimeoutMs?: number;
  /** Extra JVM options for every instance, e.g. `-Xmx512m`. */
  readonly javaOptions?: readonly string[];
  /**
   * More Spring properties for every instance, e.g. the metrics settings of
   * `deploy/conductor/config-k1.properties`; the database and lock addresses always win.
   */
  readonly properties?: Readonly<Record<string, string>>;
}

/** A running cluster. */
export interface RunningCluster {
  readonly postgres: RunningPostgres;
  /** Absent with one instance. */
  readonly redis?: RunningRedis;
  /** The instances' base URLs, in order (the REST API is under `/api`). */
  readonly urls: readonly string[];
  /** The instances as they run now (an instance restarted by {@link restart} is a new object). */
  instance(index: number): RunningConductor;
  /** Milliseconds from the call to every instance healthy. */
  readonly startMs: number;
  /** SIGKILLs instance `index` (a crash): its port stops answering, the others go on. */
  kill(index: number): Promise<void>;
  /** Starts instance `index` again on its port (after {@link kill}); resolves once healthy. */
  restart(index: number): Promise<void>;
  /** Stops every instance, then Redis and PostgreSQL, removing their data. */
  stop(): Promise<void>;
  /** Memory in use now (PSS, bytes) by each instance, PostgreSQL and Redis; undefined off Linux. */
  memory(): { readonly instances: readonly (number | undefined)[]; readonly postgres: number | undefined; readonly redis: number | undefined };
}

/**
 * Starts PostgreSQL, Redis when `instances > 1`, then the first instance (it creates the schema
 * with Flyway, so it starts alone) and then the others together. About 40 s for two on a quiet
 * machine here. Everything is stopped when a part fails to start.
 * @throws Error when PostgreSQL or Redis is not installed (the message names
 * `scripts/setup-cluster-deps.sh`), or an instance exits or stays unhealthy (its last log lines).
 */
export async function startCluster(options: StartClusterOptions = {}): Promise<RunningCluster> {
  const count = options.instances ?? 2;
  if (!Number.isInteger(count) || count < 1) throw new Error(`A cluster needs 1 or more instances, not ${count}.`);
  const began = performance.now();
  const started: { stop(): Promise<void> }[] = [];
  const stopAll = async (): Promise<void> => {
    for (const part of started.reverse()) await part.stop().catch(() => undefined);
  };
  try {
    const postgres = await startPostgres();
    started.push(postgres);
    const redis = count > 1 ? await startRedis() : undefined;
    if (redis) started.push(redis);
    const properties = { ...options.properties, ...clusterProperties({ jdbcUrl: postgres.jdbcUrl, dbUser: postgres.user, dbPassword: 'conductor', ...(redis && { redisAddress: redis.address }) }) };
    const launch = async (port?: number): Promise<RunningConductor> => {
      const instance = await startConductor({ properties, ...(port !== undefined && { port }), ...(options.startTimeoutMs !== undefined && { startTimeoutMs: options.startTimeoutMs }), ...(options.javaOptions && { javaOptions: options.javaOptions }) });
      return instance;
    };
    const instances: RunningConductor[] = [];
    const first = await launch();
    instances.push(first);
    started.push({ stop: () => Promise.all(instances.map((i) => i.stop())).then(() => undefined) });
    const others = await Promise.allSettled(Array.from({ length: count - 1 }, () => launch()));
    for (const other of others) if (other.status === 'fulfilled') instances.push(other.value);
    const failed = others.find((o) => o.status === 'rejected');
    if (failed !== undefined) throw failed.reason;
    return {
      postgres,
      ...(redis && { redis }),
      urls: instances.map((i) => i.url),
      instance: (index) => instances[index] as RunningConductor,
      startMs: Math.round(performance.now() - began),
      async kill(index) {
        await (instances[index] as RunningConductor).kill();
      },
      async restart(index) {
        const old = instances[index] as RunningConductor;
        await old.stop();
        instances[index] = await launch(old.port);
      },
      stop: stopAll,
      memory: () => ({
        instances: instances.map((i) => groupMemoryBytes(i.pid)),
        postgres: groupMemoryBytes(postgres.service.pid),
        redis: redis === undefined ? undefined : groupMemoryBytes(redis.service.pid),
      }),
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
