/**
 * startCluster's orchestration with stand-ins (a Node `java`, `initdb`, `postgres`, `pg_isready`
 * and `redis-server`): what each part is started with, the order, kill and restart on the same
 * port, and that stop leaves nothing running. The real PostgreSQL, Redis and conductor-oss run in
 * the conformance suite's part 10.
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster } from '../../src/conductor/start-cluster.ts';
import { findPostgresBin, startPostgres } from '../../src/conductor/start-postgres.ts';
import { startRedis } from '../../src/conductor/start-redis.ts';
import { fakeJdk, SERVES_HEALTH } from './fake-jdk.ts';

const root = mkdtempSync(join(tmpdir(), 'k1-cluster-'));
// PostgreSQL runs as the `postgres` user when the tests run as root: it must reach the stand-ins.
chmodSync(root, 0o755);
const saved = { JAVA_HOME: process.env.JAVA_HOME, K1_CONDUCTOR_JAR: process.env.K1_CONDUCTOR_JAR, K1_POSTGRES_BIN: process.env.K1_POSTGRES_BIN, K1_REDIS_SERVER: process.env.K1_REDIS_SERVER };

/** An executable Node program `name` in `dir` with `body` (it sees `args`). */
function program(dir: string, name: string, body: string): string {
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  const file = join(dir, name);
  writeFileSync(file, `#!${process.execPath}\nconst args = process.argv.slice(2);\nconst arg = (flag) => args[args.indexOf(flag) + 1];\n${body}\n`);
  chmodSync(file, 0o755);
  return file;
}

/** Serves TCP on the port after `flag`, answering PING with +PONG (enough for pg_isready's stand-in and Redis). */
const listens = (flag: string) => `
console.log('started with ' + args.join(' '));
require('node:net').createServer((s) => s.on('data', () => s.write('+PONG\\r\\n'))).listen(Number(arg('${flag}')), '127.0.0.1');
process.on('SIGTERM', () => process.exit(0));
`;

beforeAll(() => {
  const jar = join(root, 'conductor.jar');
  writeFileSync(jar, '');
  process.env.K1_CONDUCTOR_JAR = jar;
  process.env.JAVA_HOME = fakeJdk(root, 'jdk', '21.0.1', SERVES_HEALTH);
  const pg = join(root, 'pg', 'bin');
  program(pg, 'initdb', `require('node:fs').mkdirSync(arg('-D'), { recursive: true }); console.log('initdb ' + args.join(' '));`);
  program(pg, 'postgres', listens('-p'));
  program(pg, 'pg_isready', `const s = require('node:net').connect(Number(arg('-p')), '127.0.0.1'); s.on('connect', () => process.exit(0)); s.on('error', () => process.exit(2));`);
  process.env.K1_POSTGRES_BIN = pg;
  process.env.K1_REDIS_SERVER = program(join(root, 'redis'), 'redis-server', `if (args[0] === '--version') { console.log('Redis server v=7.0.15'); process.exit(0); }\n${listens('--port')}`);
});

afterAll(() => {
  for (const [key, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  rmSync(root, { recursive: true, force: true });
});

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('startCluster', () => {
  it('starts PostgreSQL, Redis and N instances configured for them; kills and restarts one on its port; stops everything', async () => {
    const cluster = await startCluster({ instances: 2, properties: { 'management.metrics.distribution.percentiles-histogram.workflow_execution': 'true', 'spring.datasource.url': 'ignored' } });
    const pids = [cluster.instance(0).pid, cluster.instance(1).pid, cluster.postgres.service.pid, cluster.redis?.service.pid ?? -1];
    try {
      expect(cluster.urls).toHaveLength(2);
      expect(new Set(cluster.urls).size).toBe(2);
      const started = readFileSync(cluster.instance(1).logFile, 'utf8');
      for (const property of [
        '--conductor.db.type=postgres',
        '--conductor.queue.type=postgres',
        '--conductor.indexing.type=postgres',
        '--conductor.elasticsearch.version=0',
        `--spring.datasource.url=${cluster.postgres.jdbcUrl}`,
        '--conductor.workflow-execution-lock.type=redis',
        `--conductor.redis-lock.serverAddress=${cluster.redis?.address}`,
        '--management.metrics.distribution.percentiles-histogram.workflow_execution=true',
      ]) {
        expect(started).toContain(property);
      }
      expect(started).not.toContain('spring.datasource.url=ignored');
      expect(cluster.postgres.jdbcUrl).toBe(`jdbc:postgresql://127.0.0.1:${cluster.postgres.port}/postgres`);
      expect(readFileSync(join(cluster.postgres.workDir, 'postgres.log'), 'utf8')).toContain(`-p ${cluster.postgres.port} -k ${cluster.postgres.workDir} -c listen_addresses=127.0.0.1`);

      const { port } = cluster.instance(1);
      await cluster.kill(1);
      expect(alive(pids[1] as number)).toBe(false);
      await expect(fetch(`${cluster.urls[1]}/health`)).rejects.toThrow();
      await cluster.restart(1);
      expect(cluster.instance(1).port).toBe(port);
      expect(await (await fetch(`${cluster.urls[1]}/health`)).json()).toMatchObject({ healthy: true });
      pids.push(cluster.instance(1).pid);
      const memory = cluster.memory();
      if (process.platform === 'linux') expect(memory.instances.every((m) => (m ?? 0) > 0)).toBe(true);
    } finally {
      await cluster.stop();
    }
    for (const pid of pids) expect(alive(pid), `process ${pid}`).toBe(false);
    expect(existsSync(cluster.postgres.workDir)).toBe(false);
  });

  it('uses the local lock and no Redis for one instance', async () => {
    const cluster = await startCluster({ instances: 1 });
    try {
      expect(cluster.redis).toBeUndefined();
      expect(readFileSync(cluster.instance(0).logFile, 'utf8')).toContain('--conductor.workflow-execution-lock.type=local_only');
    } finally {
      await cluster.stop();
    }
  });

  it('refuses a cluster of no instances', async () => {
    await expect(startCluster({ instances: 0 })).rejects.toThrow('A cluster needs 1 or more instances, not 0.');
  });
});

describe('the shared services, when missing or broken', () => {
  it('names the setup script when PostgreSQL is not installed', () => {
    expect(() => findPostgresBin(join(root, 'nowhere'))).toThrow(/PostgreSQL was not found in K1_POSTGRES_BIN=.*nowhere: run scripts\/setup-cluster-deps\.sh/);
  });

  it('names the setup script when redis-server is not installed', async () => {
    await expect(startRedis(join(root, 'no-redis-server'))).rejects.toThrow(/no-redis-server was not found: run scripts\/setup-cluster-deps\.sh/);
  });

  it('reports an initdb that fails with its output, and leaves no folder behind', async () => {
    const bin = join(root, 'pg-broken');
    program(bin, 'initdb', `console.error('initdb: error: could not create directory: Permission denied'); process.exit(1);`);
    program(bin, 'postgres', 'process.exit(1);');
    await expect(startPostgres({ binDir: bin })).rejects.toThrow(/^initdb failed \(exit code 1\):\ninitdb: error: could not create directory: Permission denied$/);
  });

  it('stops what it started when an instance fails to start', async () => {
    const saved = process.env.JAVA_HOME;
    process.env.JAVA_HOME = fakeJdk(root, 'jdk-crash', '21', `console.log('APPLICATION FAILED TO START'); process.exit(1);`);
    try {
      await expect(startCluster({ instances: 2 })).rejects.toThrow(/exited while starting \(exit code 1\)/);
    } finally {
      process.env.JAVA_HOME = saved;
    }
  });
});
