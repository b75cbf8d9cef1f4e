/**
 * A long-running child process (a Conductor server, PostgreSQL, Redis) in its own process group,
 * its output appended to a log file, waited for until ready, and stopped (or killed) with all its
 * children. Shared by `startConductor`, `startPostgres`, `startRedis`.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';

/** What to start: an argument list, never a shell string. */
export interface ServiceCommand {
  /** A short name for messages, e.g. `Conductor 3.32.3 on :8080`. */
  readonly label: string;
  /** The executable (absolute path or a name on PATH). */
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string;
  /** Where its stdout and stderr are appended. */
  readonly logFile: string;
  /** Run as this user id (a root process starting PostgreSQL, which refuses root). */
  readonly uid?: number;
  readonly gid?: number;
  /** Environment. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
}

/** A started child process. */
export interface ChildService {
  readonly label: string;
  readonly pid: number;
  readonly logFile: string;
  /** How it ended (`exit code 1`, `SIGKILL`, an spawn error), or undefined while it runs. */
  exitReason(): string | undefined;
  /** Resolves when the process has exited. */
  readonly exited: Promise<void>;
  /** SIGTERM to its process group, SIGKILL after `graceMs`; resolves once it has exited. */
  stop(graceMs?: number): Promise<void>;
  /** SIGKILL to its process group at once (a crash, for failover tests); resolves once it has exited. */
  kill(): Promise<void>;
}

/** The last `count` lines of a log file, or `(no log)`. */
export function lastLogLines(file: string, count: number): string {
  if (!existsSync(file)) return '(no log)';
  return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-count).join('\n');
}

/**
 * Spawns `service` detached in its own process group. The group is killed if this process exits
 * without stopping it, so a dying test run leaves nothing behind.
 */
export function spawnService(service: ServiceCommand): ChildService {
  const log = openSync(service.logFile, 'a');
  const child = spawn(service.command, [...service.args], {
    cwd: service.cwd,
    stdio: ['ignore', log, log],
    detached: true,
    env: service.env ?? process.env,
    ...(service.uid !== undefined && { uid: service.uid }),
    ...(service.gid !== undefined && { gid: service.gid }),
  });
  closeSync(log);
  let reason: string | undefined;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      reason = signal ?? `exit code ${code}`;
      resolve();
    });
    child.once('error', (error) => {
      reason = error.message;
      resolve();
    });
  });
  const signalGroup = (signal: NodeJS.Signals): void => {
    try {
      process.kill(-(child.pid as number), signal);
    } catch {
      // already gone
    }
  };
  const killOnExit = (): void => signalGroup('SIGKILL');
  process.once('exit', killOnExit);
  void exited.then(() => process.removeListener('exit', killOnExit));

  let stopping: Promise<void> | undefined;
  return {
    label: service.label,
    pid: child.pid ?? -1,
    logFile: service.logFile,
    exitReason: () => reason,
    exited,
    stop: (graceMs = 15_000) =>
      (stopping ??= (async () => {
        if (reason !== undefined || child.pid === undefined) return;
        signalGroup('SIGTERM');
        const timer = setTimeout(killOnExit, graceMs);
        await exited;
        clearTimeout(timer);
      })()),
    async kill() {
      if (reason === undefined && child.pid !== undefined) signalGroup('SIGKILL');
      await exited;
    },
  };
}

/**
 * Polls `ready` every 250 ms until it answers true. Throws when the service exits first or
 * `timeoutMs` passes; either way the service is stopped and the message ends with its last log
 * lines and says what to do.
 */
export async function waitUntilReady(service: ChildService, ready: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const reason = service.exitReason();
    if (reason !== undefined) {
      throw new Error(`${service.label} exited while starting (${reason}). Its last log lines:\n${lastLogLines(service.logFile, 40)}`);
    }
    if (await ready()) return;
    if (Date.now() > deadline) {
      const tail = lastLogLines(service.logFile, 40);
      await service.stop();
      throw new Error(`${service.label} was not ${what} within ${timeoutMs} ms. Its last log lines:\n${tail}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
