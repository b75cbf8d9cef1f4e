/**
 * The Spring properties that turn the pinned conductor-oss boot jar from its shipped SQLite setup
 * into one instance of a cluster: PostgreSQL for persistence, queues and indexing (the jar's
 * postgres modules, as conductor-oss's own `docker/server/config/config-postgres.properties`),
 * Elasticsearch off, and, with more than one instance, the Redis workflow-execution lock
 * (`conductor.workflow-execution-lock.type=redis`, `RedisLockProperties`). The same keys are in
 * `deploy/conductor/config.properties`, which a test keeps equal to these.
 */

/** Where the cluster's shared services are. */
export interface ClusterServices {
  /** JDBC URL of the shared database, e.g. `jdbc:postgresql://127.0.0.1:5432/postgres`. */
  readonly jdbcUrl: string;
  readonly dbUser: string;
  readonly dbPassword: string;
  /** `redis://host:port` of the lock; absent for a single instance (the local lock is enough). */
  readonly redisAddress?: string;
}

/** The properties of one instance, as `--key=value` pairs for `startConductor({ properties })`. */
export function clusterProperties(services: ClusterServices): Record<string, string> {
  return {
    'conductor.db.type': 'postgres',
    'conductor.queue.type': 'postgres',
    'conductor.indexing.enabled': 'true',
    'conductor.indexing.type': 'postgres',
    // Required to keep the server from connecting to Elasticsearch (config-postgres.properties).
    'conductor.elasticsearch.version': '0',
    'spring.datasource.url': services.jdbcUrl,
    'spring.datasource.username': services.dbUser,
    'spring.datasource.password': services.dbPassword,
    ...(services.redisAddress === undefined
      ? { 'conductor.workflow-execution-lock.type': 'local_only' }
      : {
          'conductor.workflow-execution-lock.type': 'redis',
          'conductor.redis-lock.serverAddress': services.redisAddress,
          // How long a decide waits for a workflow's lock (default 500 ms). Seen on 3.32.3 with two
          // instances on a loaded machine: a task update whose decide could not get the lock in
          // 500 ms (the other instance was sweeping the workflow) left the run RUNNING with its
          // next task never scheduled, and the sweeper, failing the lock too, never came back to
          // it. Waiting longer for the lock avoids the lost decide.
          'conductor.app.lockTimeToTry': '10s',
        }),
  };
}
