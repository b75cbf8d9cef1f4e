import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CONDUCTOR_VERSION, conductorArtifact } from './version.ts';

const run = promisify(execFile);

/** Options of {@link fetchConductorJar}. */
export interface FetchJarOptions {
  /** conductor-oss server version. @default CONDUCTOR_VERSION */
  readonly version?: string;
  /**
   * Where fetched jars are kept between runs (never in the repository: a jar is 458 MB).
   * @default `$K1_CONDUCTOR_CACHE`, else `$XDG_CACHE_HOME/k1-workflows/conductor`, else `~/.cache/k1-workflows/conductor`
   */
  readonly cacheDir?: string;
  /** The Maven executable. @default `mvn` (from PATH) */
  readonly mvn?: string;
  /** Gives up on Maven after this many milliseconds. @default 600000 */
  readonly timeoutMs?: number;
}

/** The folder fetched server jars are kept in (see {@link FetchJarOptions.cacheDir}). */
export function defaultJarCache(env: NodeJS.ProcessEnv = process.env): string {
  if (env.K1_CONDUCTOR_CACHE) return env.K1_CONDUCTOR_CACHE;
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'k1-workflows', 'conductor');
}

/** The file name Maven gives the boot jar. */
export function jarFileName(version: string): string {
  return `conductor-server-${version}-boot.jar`;
}

/**
 * Returns the path of the conductor-oss server's boot jar, fetching it with Maven
 * (`mvn dependency:copy`, so Maven's local repository caches it too) when the cache does not hold
 * it yet. `K1_CONDUCTOR_JAR` names a jar to use instead. Never downloads from a hand-written URL.
 * @throws Error when Maven is missing or cannot fetch the artifact, with Maven's last lines.
 */
export async function fetchConductorJar(options: FetchJarOptions = {}): Promise<string> {
  const override = process.env.K1_CONDUCTOR_JAR;
  if (override) {
    if (!existsSync(override)) throw new Error(`K1_CONDUCTOR_JAR=${override} does not exist; point it at a conductor-server boot jar or unset it.`);
    return override;
  }
  const version = options.version ?? CONDUCTOR_VERSION;
  const cacheDir = options.cacheDir ?? defaultJarCache();
  const target = join(cacheDir, jarFileName(version));
  if (existsSync(target)) return target;

  mkdirSync(cacheDir, { recursive: true });
  // Fetched into a private folder, then renamed: two processes fetching at once never see half a jar.
  const staging = mkdtempSync(join(cacheDir, '.fetch-'));
  const mvn = options.mvn ?? 'mvn';
  try {
    await run(mvn, ['-q', '-B', 'dependency:copy', `-Dartifact=${conductorArtifact(version)}`, `-DoutputDirectory=${staging}`], {
      timeout: options.timeoutMs ?? 600_000,
      maxBuffer: 16 * 1024 * 1024,
    });
    renameSync(join(staging, jarFileName(version)), target);
    return target;
  } catch (error) {
    const e = error as NodeJS.ErrnoException & { stdout?: string; stderr?: string };
    if (e.code === 'ENOENT' && e.path === mvn) {
      throw new Error(`Maven (${mvn}) is not installed or not on PATH; it fetches the Conductor server jar (${conductorArtifact(version)}). Install Maven, or set K1_CONDUCTOR_JAR to the jar's path.`);
    }
    const tail = `${e.stdout ?? ''}${e.stderr ?? ''}`.trim().split('\n').slice(-15).join('\n');
    throw new Error(`Maven could not fetch ${conductorArtifact(version)} (${e.message.split('\n')[0]}). Check that Maven Central is reachable and the version exists.${tail ? `\nMaven said:\n${tail}` : ''}`);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}
