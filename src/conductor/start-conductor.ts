import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

function lastLines(file: string, count: number): string {
  if (!existsSync(file)) return '(no log)';
  return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-count).join('\n');
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
  const log = openSync(logFile, 'a');
  const properties = { 'server.address': '127.0.0.1', 'server.port': String(port), ...options.properties };
  const args = [...(options.javaOptions ?? []), '-jar', jar, ...Object.entries(properties).map(([k, v]) => `--${k}=${v}`)];
  const started = performance.now();
  const child = spawn(java.java, args, { cwd: workDir, stdio: ['ignore', log, log], detached: true });
  closeSync(log);
  let exited: string | undefined;
  const exit = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exited = signal ?? `exit code ${code}`;
      resolve();
    });
    child.once('error', (error) => {
      exited = error.message;
      resolve();
    });
  });
  // A test run that dies must not leave a JVM behind.
  const killOnExit = (): void => {
    try {
      process.kill(-(child.pid as number), 'SIGKILL');
    } catch {
      // already gone
    }
  };
  process.once('exit', killOnExit);

  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopped ??= (async () => {
      if (exited === undefined && child.pid !== undefined) {
        try {
          process.kill(-child.pid, 'SIGTERM');
        } catch {
          // already gone
        }
        const timer = setTimeout(killOnExit, 15_000);
        await exit;
        clearTimeout(timer);
      }
      process.removeListener('exit', killOnExit);
      if (options.keepWorkDir !== true) rmSync(workDir, { recursive: true, force: true });
    })());

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (options.startTimeoutMs ?? 180_000);
  for (;;) {
    if (exited !== undefined) {
      const tail = lastLines(logFile, 40);
      await stop();
      throw new Error(`The Conductor server ${version} exited while starting (${exited}). Its last log lines:\n${tail}`);
    }
    if (await healthy(url)) break;
    if (Date.now() > deadline) {
      const tail = lastLines(logFile, 40);
      await stop();
      throw new Error(`The Conductor server ${version} was not healthy on ${url}/health within ${options.startTimeoutMs ?? 180_000} ms. Its last log lines:\n${tail}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return { url, port, version, pid: child.pid as number, workDir, logFile, startMs: Math.round(performance.now() - started), stop };
}
