/**
 * A throwaway Redis for Conductor's distributed workflow-execution lock
 * (`conductor.workflow-execution-lock.type=redis`): Debian's `redis-server`, on a free port of
 * 127.0.0.1, no persistence.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnService, waitUntilReady, type ChildService } from './child-service.ts';
import { freePort } from './start-conductor.ts';

/** A running Redis. */
export interface RunningRedis {
  readonly port: number;
  /** Its address as Conductor's `conductor.redis-lock.serverAddress` takes it: `redis://127.0.0.1:<port>`. */
  readonly address: string;
  readonly service: ChildService;
  readonly startMs: number;
  /** Stops it and removes its folder. */
  stop(): Promise<void>;
}

/** Answers true when Redis answers `PING` with `+PONG`. */
function pong(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    let answer = '';
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(2_000, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk: Buffer) => {
      answer += chunk.toString('latin1');
      if (answer.includes('\r\n')) done(answer.startsWith('+PONG'));
    });
  });
}

/**
 * Starts `redis-server` (from PATH, or `K1_REDIS_SERVER`) on a free port of 127.0.0.1 with no
 * persistence. Well under a second.
 * @throws Error when redis-server is not installed (naming `scripts/setup-cluster-deps.sh`), or
 * when it exits or does not answer PING within 30 s.
 */
export async function startRedis(command = process.env['K1_REDIS_SERVER'] || 'redis-server'): Promise<RunningRedis> {
  if (spawnSync(command, ['--version'], { stdio: 'ignore' }).status !== 0) {
    throw new Error(`${command} was not found: run scripts/setup-cluster-deps.sh (it installs Debian's redis-server), or set K1_REDIS_SERVER to a redis-server executable.`);
  }
  const workDir = mkdtempSync(join(tmpdir(), 'k1-redis-'));
  const port = await freePort();
  const started = performance.now();
  const service = spawnService({
    label: `Redis on 127.0.0.1:${port}`,
    command,
    args: ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', workDir, '--daemonize', 'no'],
    cwd: workDir,
    logFile: join(workDir, 'redis.log'),
  });
  const removeWorkDir = (): void => rmSync(workDir, { recursive: true, force: true });
  try {
    await waitUntilReady(service, () => pong(port), 30_000, 'answering PING');
  } catch (error) {
    await service.stop();
    removeWorkDir();
    throw error;
  }
  let stopped: Promise<void> | undefined;
  return { port, address: `redis://127.0.0.1:${port}`, service, startMs: Math.round(performance.now() - started), stop: () => (stopped ??= service.stop().then(removeWorkDir)) };
}
