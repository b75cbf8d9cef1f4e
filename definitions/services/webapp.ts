import { mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { joinInside } from '../../src/path-containment.ts';
import { runProcess, type RunProcessResult } from './run-process.ts';

/** Options of {@link createWebappBuilder}. */
export interface WebappBuilderOptions {
  /** The repository checkout the web app lives in. */
  readonly repoDir: string;
  /** Scratch space; bundles go to `<workDir>/webapp`. */
  readonly workDir: string;
  /** @default 'npm' */
  readonly npmPath?: string;
  /** @default 'tar' */
  readonly tarPath?: string;
  /** Build output directory, relative to the web app. @default 'dist' */
  readonly outputDir?: string;
  /** Per command, ms. @default 280000 */
  readonly timeoutMs?: number;
  /** Extra environment variables for npm and tar. */
  readonly env?: Readonly<Record<string, string>>;
}

/** One web app build. */
export interface WebappBuild {
  readonly success: boolean;
  readonly bundlePath: string;
  readonly sizeBytes: number;
  readonly errorMessage: string;
  readonly log: string;
}

/** Builds the web app and packs it. */
export interface WebappBuilder {
  /**
   * `npm ci`, `npm run build` in `<repo>/<webappDir>`, then `tar -czf` of its output; a failed
   * build is a result. `repoDir` is the tree to build (a build's own worktree). @default options.repoDir
   */
  build(webappDir: string, label: string, signal?: AbortSignal, repoDir?: string): Promise<WebappBuild>;
}

const firstError = (output: string): string =>
  output
    .split('\n')
    .map((l) => l.trim())
    .find((l) => /^npm (ERR!|error)|\berror\b[:\s]/i.test(l)) ?? '';

/** The web app builder: npm and tar run with argument arrays, the web app directory must stay inside the repository. */
export function createWebappBuilder(options: WebappBuilderOptions): WebappBuilder {
  const npm = options.npmPath ?? 'npm';
  const tar = options.tarPath ?? 'tar';
  const timeoutMs = options.timeoutMs ?? 280_000;
  const outputDir = options.outputDir ?? 'dist';
  return {
    async build(webappDir, label, signal, repoDir = options.repoDir) {
      // Symbolic links resolved: a web app directory linked out of the checkout is refused (PathEscapeError) before npm runs.
      const dir = await joinInside(repoDir, webappDir);
      if (!(await stat(dir).then((s) => s.isDirectory(), () => false))) {
        return { success: false, bundlePath: '', sizeBytes: 0, errorMessage: `Web app directory ${webappDir} does not exist in the repository`, log: '' };
      }
      if (!/^[A-Za-z0-9._-]+$/.test(label)) throw new Error(`Invalid bundle label ${JSON.stringify(label)}`);
      let log = '';
      const step = async (file: string, args: string[], cwd: string): Promise<RunProcessResult> => {
        const r = await runProcess(file, args, { cwd, timeoutMs, env: { CI: 'true', ...options.env }, ...(signal && { signal }) });
        log += `$ ${[file, ...args].join(' ')}\n${r.output}`;
        return r;
      };
      for (const args of [['ci', '--no-audit', '--no-fund'], ['run', 'build']]) {
        const r = await step(npm, args, dir);
        if (r.exitCode !== 0) {
          const why = r.timedOut ? `npm ${args[0]} timed out after ${Math.round(timeoutMs / 1000)} s` : firstError(r.output) || `npm ${args.join(' ')} exited with code ${r.exitCode}`;
          return { success: false, bundlePath: '', sizeBytes: 0, errorMessage: why, log };
        }
      }
      const out = await joinInside(dir, outputDir);
      if (!(await stat(out).then((s) => s.isDirectory(), () => false))) {
        return { success: false, bundlePath: '', sizeBytes: 0, errorMessage: `npm run build left no ${outputDir}/ directory in ${webappDir}`, log };
      }
      const bundleDir = join(options.workDir, 'webapp');
      await mkdir(bundleDir, { recursive: true });
      const bundlePath = join(bundleDir, `webapp-${label}.tar.gz`);
      const packed = await step(tar, ['-czf', bundlePath, '-C', out, '.'], dir);
      if (packed.exitCode !== 0) return { success: false, bundlePath: '', sizeBytes: 0, errorMessage: `tar failed: ${packed.stderr.trim() || packed.exitCode}`, log };
      return { success: true, bundlePath, sizeBytes: (await stat(bundlePath)).size, errorMessage: '', log };
    },
  };
}
