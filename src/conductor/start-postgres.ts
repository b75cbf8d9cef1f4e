/**
 * A throwaway PostgreSQL for a Conductor cluster: Debian's `postgresql` package (or any install
 * whose `bin` folder holds `initdb`, `postgres` and `pg_isready`), data in a fresh temporary
 * folder, listening on 127.0.0.1 only, trust authentication for the user `conductor`.
 */
import { spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnService, waitUntilReady, type ChildService } from './child-service.ts';
import { freePort } from './start-conductor.ts';

/** A running PostgreSQL. */
export interface RunningPostgres {
  readonly port: number;
  /** The JDBC URL of its `postgres` database, e.g. `jdbc:postgresql://127.0.0.1:5433/postgres`. */
  readonly jdbcUrl: string;
  /** The user (trust authentication: any password). */
  readonly user: string;
  readonly workDir: string;
  readonly service: ChildService;
  /** Milliseconds from `initdb` to accepting connections. */
  readonly startMs: number;
  /** Stops the server (SIGTERM: a fast shutdown) and removes its data. */
  stop(): Promise<void>;
}

/** Options of {@link startPostgres}. */
export interface StartPostgresOptions {
  /** A `bin` folder holding `initdb` and `postgres`. @default K1_POSTGRES_BIN, else the newest /usr/lib/postgresql/<n>/bin */
  readonly binDir?: string;
  /** Gives up waiting after this many milliseconds. @default 60000 */
  readonly startTimeoutMs?: number;
}

const SETUP_HINT = 'run scripts/setup-cluster-deps.sh (it installs Debian\'s postgresql and redis-server), or set K1_POSTGRES_BIN to the bin folder of a PostgreSQL install';

/** The PostgreSQL `bin` folder to use; throws naming the fix when there is none. */
export function findPostgresBin(given = process.env['K1_POSTGRES_BIN']): string {
  const candidates: string[] = [];
  if (given !== undefined && given !== '') candidates.push(given);
  else if (existsSync('/usr/lib/postgresql')) {
    const versions = readdirSync('/usr/lib/postgresql').filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a));
    candidates.push(...versions.map((v) => join('/usr/lib/postgresql', v, 'bin')));
  }
  const found = candidates.find((dir) => existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'postgres')));
  if (found === undefined) throw new Error(`PostgreSQL was not found${given ? ` in K1_POSTGRES_BIN=${given}` : ' (no /usr/lib/postgresql/<version>/bin with initdb)'}: ${SETUP_HINT}.`);
  return found;
}

/** PostgreSQL refuses to run as root: a root process runs it as the `postgres` system user. */
function runAsUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const line = readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith('postgres:'));
  if (line === undefined) throw new Error(`This process runs as root and PostgreSQL refuses root, but there is no 'postgres' user to run it as: ${SETUP_HINT}.`);
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

async function accepting(binDir: string, port: number): Promise<boolean> {
  const probe = spawnSync(join(binDir, 'pg_isready'), ['-h', '127.0.0.1', '-p', String(port), '-U', 'conductor', '-t', '2'], { stdio: 'ignore' });
  return probe.status === 0;
}

/**
 * Initialises a database cluster in a temporary folder and starts PostgreSQL on a free port of
 * 127.0.0.1 (fsync off: the data is thrown away). About 1–3 s.
 * @throws Error when PostgreSQL is not installed (naming `scripts/setup-cluster-deps.sh`), when
 * `initdb` fails, or when the server exits or does not accept connections in time.
 */
export async function startPostgres(options: StartPostgresOptions = {}): Promise<RunningPostgres> {
  const binDir = options.binDir ?? findPostgresBin();
  const user = runAsUser();
  const workDir = mkdtempSync(join(tmpdir(), 'k1-postgres-'));
  if (user !== undefined) chownSync(workDir, user.uid, user.gid);
  const dataDir = join(workDir, 'data');
  const started = performance.now();
  const init = spawnSync(join(binDir, 'initdb'), ['-D', dataDir, '-U', 'conductor', '--auth=trust', '-E', 'UTF8', '--no-sync'], { cwd: workDir, encoding: 'utf8', ...user });
  if (init.status !== 0) {
    rmSync(workDir, { recursive: true, force: true });
    throw new Error(`initdb failed (${init.error?.message ?? `exit code ${init.status}`}):\n${`${init.stdout ?? ''}${init.stderr ?? ''}`.trim().split('\n').slice(-20).join('\n')}`);
  }
  const port = await freePort();
  const service = spawnService({
    label: `PostgreSQL on 127.0.0.1:${port}`,
    command: join(binDir, 'postgres'),
    args: ['-D', dataDir, '-p', String(port), '-k', workDir, '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'max_connections=300'],
    cwd: workDir,
    logFile: join(workDir, 'postgres.log'),
    ...user,
  });
  const removeWorkDir = (): void => rmSync(workDir, { recursive: true, force: true });
  try {
    await waitUntilReady(service, () => accepting(binDir, port), options.startTimeoutMs ?? 60_000, 'accepting connections');
  } catch (error) {
    await service.stop();
    removeWorkDir();
    throw error;
  }
  let stopped: Promise<void> | undefined;
  return {
    port,
    jdbcUrl: `jdbc:postgresql://127.0.0.1:${port}/postgres`,
    user: 'conductor',
    workDir,
    service,
    startMs: Math.round(performance.now() - started),
    stop: () => (stopped ??= service.stop().then(removeWorkDir)),
  };
}
