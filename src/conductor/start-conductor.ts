import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnService, waitUntilReady } from './child-service.ts';
import { findJava } from './java-home.ts';
import { fetchConductorJar } from './server-jar.ts';
import { CONDUCTOR_VERSION } from './version.ts';

/** Options of {@link startConductor}. */
export interface StartConductorOptions {
  /** conductor-oss server version. @default CONDUCTOR_VERSION */
  readonly version?: string;
  /** Port on 127.0.0.1; 0 or absent picks a free one. */
  readonly port?: number;
  /** Extra Spring properties (`--key=value` on the command line), e.g. a database. */
  readonly properties?: Readonly<Record<string, string>>;
  /** Extra JVM options, e.g. `-Xmx512m`. */
  readonly javaOptions?: readonly string[];
  /** Gives up waiting for `/health` after this many milliseconds. @default 180000 */
  readonly startTimeoutMs?: number;
  /** Keep the working folder (SQLite database, log) after stop. @default false */
  readonly keepWorkDir?: boolean;
}

/** A running conductor-oss server. */
export interface RunningConductor {
  /** Its base URL, e.g. `http://127.0.0.1:41234` (the REST API is under `/api`). */
  readonly url: string;
  readonly port: number;
  readonly version: string;
  /** The JVM's process id. */
  readonly pid: number;
  /** Its working folder: the SQLite database lives here. */
  readonly workDir: string;
  /** Everything the server printed. */
  readonly logFile: string;
  /** Milliseconds from launch to a healthy `/health`. */
  readonly startMs: number;
  /** Stops the server (SIGTERM, then SIGKILL after 15 s) and removes its working folder. */
  stop(): Promise<void>;
  /**
   * Kills the server at once (SIGKILL, as a crash would) and keeps its working folder (its log);
   * `stop()` afterwards removes it. For failover tests.
   */
  kill(): Promise<void>;
}

/** A free TCP port on 127.0.0.1, as the kernel hands one out. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port assigned'))));
    });
  });
}

async function healthy(url: string): Promise<boolean> {
  try {
    const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(2_000) });
    return response.ok && ((await response.json()) as { healthy?: boolean }).healthy === true;
  } catch {
    return false;
  }
}

/**
 * Starts the conductor-oss server from its boot jar, as shipped (SQLite in a fresh temporary
 * working folder, scheduler on, `ownerEmailMandatory=false`), on 127.0.0.1, and resolves once
 * `/health` says healthy (about 20 s here). Fetches the jar with Maven the first time
 * (`fetchConductorJar` in `src/conductor/server-jar.ts`) and needs Java 21+ (`findJava` in `src/conductor/java-home.ts`). The server is killed if this
 * process exits without stopping it.
 * @throws Error when Java or the jar is missing, or the server exits or stays unhealthy; the
 * message ends with the last lines of its log.
 * @example
 * const conductor = await startConductor();
 * try { await fetch(`${conductor.url}/api/metadata/workflow`); } finally { await conductor.stop(); }
 */
export async function startConductor(options: StartConductorOptions = {}): Promise<RunningConductor> {
  const version = options.version ?? CONDUCTOR_VERSION;
  const java = findJava();
  const jar = await fetchConductorJar({ version });
  const port = options.port || (await freePort());
  const workDir = mkdtempSync(join(tmpdir(), 'k1-conductor-'));
  const logFile = join(workDir, 'conductor.log');
  const properties = { 'server.address': '127.0.0.1', 'server.port': String(port), ...options.properties };
  const args = [...(options.javaOptions ?? []), '-jar', jar, ...Object.entries(properties).map(([k, v]) => `--${k}=${v}`)];
  const started = performance.now();
  const service = spawnService({ label: `The Conductor server ${version}`, command: java.java, args, cwd: workDir, logFile });
  const removeWorkDir = (): void => {
    if (options.keepWorkDir !== true) rmSync(workDir, { recursive: true, force: true });
  };
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitUntilReady(service, () => healthy(url), options.startTimeoutMs ?? 180_000, `healthy on ${url}/health`);
  } catch (error) {
    await service.stop();
    removeWorkDir();
    throw error;
  }
  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => (stopped ??= service.stop().then(removeWorkDir));
  const kill = (): Promise<void> => service.kill();
  return { url, port, version, pid: service.pid, workDir, logFile, startMs: Math.round(performance.now() - started), stop, kill };
}
