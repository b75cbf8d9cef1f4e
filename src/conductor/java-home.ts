import { existsSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';

/** The conductor-oss 3.32 boot jar's manifest says `Build-Jdk-Spec: 21`. */
export const MINIMUM_JAVA = 21;

/** A JDK found on this machine. */
export interface JavaInstall {
  /** The JDK's home folder. */
  readonly home: string;
  /** Its `java` executable. */
  readonly java: string;
  /** Its feature version (17, 21, 25...). */
  readonly major: number;
}

/** The major version a JDK home declares in its `release` file (`JAVA_VERSION="25.0.1"`), or undefined. */
export function javaMajorOf(home: string): number | undefined {
  const release = join(home, 'release');
  if (!existsSync(release)) return undefined;
  const match = /^JAVA_VERSION="(\d+)(?:\.(\d+))?/m.exec(readFileSync(release, 'utf8'));
  if (match === null) return undefined;
  const first = Number(match[1]);
  return first === 1 ? Number(match[2]) : first; // "1.8.0" is Java 8
}

function installAt(home: string): JavaInstall | undefined {
  const java = join(home, 'bin', 'java');
  const major = javaMajorOf(home);
  return existsSync(java) && major !== undefined ? { home, java, major } : undefined;
}

/** The JDK home of the `java` on PATH: `<home>/bin/java`, symlinks resolved. */
function defaultJavaHome(path: string): string | undefined {
  for (const dir of path.split(delimiter)) {
    const java = join(dir, 'java');
    if (dir !== '' && existsSync(java)) return dirname(dirname(realpathSync(java)));
  }
  return undefined;
}

/**
 * Finds a JDK that can run the Conductor server (Java {@link MINIMUM_JAVA} or later): `JAVA_HOME`
 * when it is new enough, else the newest JDK in the folder that holds the default `java`'s JDK
 * (on Debian, `/usr/lib/jvm`, where a second JDK sits beside the system one).
 * @throws Error naming what was found and what is missing when there is none.
 */
export function findJava(env: NodeJS.ProcessEnv = process.env): JavaInstall {
  const seen: string[] = [];
  const fromEnv = env.JAVA_HOME ? installAt(env.JAVA_HOME) : undefined;
  if (fromEnv !== undefined) {
    if (fromEnv.major >= MINIMUM_JAVA) return fromEnv;
    seen.push(`JAVA_HOME=${fromEnv.home} (Java ${fromEnv.major})`);
  }
  const home = defaultJavaHome(env.PATH ?? '');
  if (home !== undefined) {
    const folder = dirname(home);
    const candidates = readdirSync(folder, { withFileTypes: true })
      .filter((entry) => entry.isDirectory() || entry.isSymbolicLink())
      .flatMap((entry) => {
        const install = installAt(join(folder, entry.name));
        return install === undefined ? [] : [install];
      })
      .sort((a, b) => b.major - a.major || a.home.localeCompare(b.home));
    const best = candidates[0];
    if (best !== undefined && best.major >= MINIMUM_JAVA) return best;
    seen.push(...candidates.map((c) => `${c.home} (Java ${c.major})`));
  }
  const found = seen.length > 0 ? `found only ${[...new Set(seen)].join(', ')}` : 'found no JDK (no JAVA_HOME, no java on PATH)';
  throw new Error(
    `The Conductor server needs Java ${MINIMUM_JAVA} or later; ${found}. Install a JDK ${MINIMUM_JAVA}+ (e.g. Temurin) and set JAVA_HOME to it.`,
  );
}
