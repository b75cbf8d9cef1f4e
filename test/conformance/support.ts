import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { inject } from 'vitest';

const exec = promisify(execFile);

/** The real server's base URL, from global-setup.ts. */
export const conductorUrl = (): string => inject('conductorUrl');

/** What a `k1-workflows` run printed and its exit code. */
export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the `k1-workflows` command as CI does (a child process), without Conductor variables from this environment. */
export async function k1Workflows(args: readonly string[]): Promise<CliRun> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('CONDUCTOR_')));
  try {
    const { stdout, stderr } = await exec(process.execPath, ['scripts/k1-workflows.mjs', ...args], { env: { ...env, NO_COLOR: '1' }, maxBuffer: 32 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}
