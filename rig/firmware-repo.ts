/**
 * The rig's K1.node1 repository: a real git repository with a PlatformIO project (`firmware/`,
 * two board environments and their `-ota` twins) and the web app (`webapp/`). Its commits stand
 * for the situations the scenarios need; the fake `pio` (rig/bin/pio) reads `.fake-pio-mode` in
 * the project to know how a commit builds, as a real compiler would find warnings or errors in it.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The PlatformIO environments the rig's project has (each with an `-ota` twin). */
export const RIG_ENVIRONMENTS = ['esp32-s3-devkitc-1', 'k1-v2'] as const;

/** The commits of the rig's repository, full SHAs. */
export interface RigCommits {
  /** main: release 1.3, the firmware the devices run when a scenario starts. */
  readonly released: string;
  /** main: release 1.4, builds cleanly. */
  readonly release: string;
  /** main: hotfix 1.4.1 on top of the release, builds cleanly. */
  readonly hotfix: string;
  /** Branch `experiment`: builds, with three compiler warnings. */
  readonly warnings: string;
  /** Branch `experiment`: does not compile. */
  readonly broken: string;
}

/** The rig's repository. */
export interface RigRepo {
  /** The repository root. */
  readonly repoDir: string;
  /** The PlatformIO project inside it (`<repo>/firmware`). */
  readonly projectDir: string;
  readonly commits: RigCommits;
}

const IDENTITY = { GIT_AUTHOR_NAME: 'Ada Dev', GIT_AUTHOR_EMAIL: 'ada@k1.test', GIT_COMMITTER_NAME: 'Ada Dev', GIT_COMMITTER_EMAIL: 'ada@k1.test' };

/** Runs git in `dir` (an argument array, never a shell); returns trimmed stdout. */
export function git(dir: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd: dir, env: { ...process.env, ...IDENTITY }, encoding: 'utf8' }).trim();
}

const PLATFORMIO_INI = RIG_ENVIRONMENTS.map(
  (env) => `[env:${env}]\nplatform = espressif32\nboard = esp32-s3-devkitc-1\nframework = arduino\n\n[env:${env}-ota]\nextends = env:${env}\nupload_protocol = espota\n`,
).join('\n');

/** Commits a change of the firmware's source to main (the rig's checkout is on main); returns the new commit. */
export function commitToMain(repo: RigRepo, message: string): string {
  writeFileSync(join(repo.projectDir, 'src', 'main.cpp'), `#include <Arduino.h>\n// ${message}\nvoid setup() { Serial.begin(115200); }\nvoid loop() { delay(1); }\n`);
  git(repo.repoDir, 'commit', '--quiet', '--all', '-m', message);
  return git(repo.repoDir, 'rev-parse', 'HEAD');
}

/** Creates the repository in `dir` (an empty directory). */
export function makeRigRepo(dir: string): RigRepo {
  const projectDir = join(dir, 'firmware');
  const write = (path: string, text: string): void => {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  };
  const commit = (message: string): string => {
    git(dir, 'add', '--all');
    git(dir, 'commit', '--quiet', '-m', message);
    return git(dir, 'rev-parse', 'HEAD');
  };
  git(dir, 'init', '--quiet', '--initial-branch=main');
  write('.gitignore', '.pio/\nnode_modules/\ndist/\n');
  write('firmware/platformio.ini', PLATFORMIO_INI);
  write('firmware/src/main.cpp', '#include <Arduino.h>\n// K1.node1 1.3\nvoid setup() {}\nvoid loop() {}\n');
  write('webapp/package.json', '{"name":"k1-webapp","version":"1.3.0","scripts":{"build":"vite build"}}\n');
  const released = commit('K1.node1 1.3');
  write('firmware/src/main.cpp', '#include <Arduino.h>\n// K1.node1 1.4\nvoid setup() { Serial.begin(115200); }\nvoid loop() {}\n');
  const release = commit('K1.node1 1.4: serial logging');
  write('firmware/src/main.cpp', '#include <Arduino.h>\n// K1.node1 1.4.1\nvoid setup() { Serial.begin(115200); }\nvoid loop() { delay(1); }\n');
  const hotfix = commit('K1.node1 1.4.1: yield in loop');
  git(dir, 'checkout', '--quiet', '-b', 'experiment');
  write('firmware/.fake-pio-mode', 'warnings\n');
  const warnings = commit('Experiment: audio refactor (compiles with warnings)');
  write('firmware/.fake-pio-mode', 'error\n');
  const broken = commit('Experiment: spectrum bars (does not compile)');
  rmSync(join(projectDir, '.fake-pio-mode'));
  git(dir, 'checkout', '--quiet', 'main');
  return { repoDir: dir, projectDir, commits: { released, release, hotfix, warnings, broken } };
}
