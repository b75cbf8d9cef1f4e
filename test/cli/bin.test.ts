import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = async (...args: string[]) => {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['scripts/k1-workflows.mjs', ...args]);
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
};

describe('the k1-workflows command', () => {
  it('validates generated JSON files through the installed bin', async () => {
    const files = ['workflows', 'tasks'].flatMap((dir) => readdirSync(`generated/${dir}`).map((f) => `generated/${dir}/${f}`));
    const result = await run('validate', '--complete', ...files);
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/no issues|0 issues|valid/i);
    expect(result.code).toBe(0);
  }, 20_000);

  it('answers an unknown command with usage and exit code 2', async () => {
    const result = await run('deploy-everything');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('unknown command "deploy-everything"');
    expect(result.stderr).toContain('gen ');
  }, 20_000);

  it.each(['diff', 'register', 'gen'])('%s --help prints its usage line and exits 0, contacting nothing', async (name) => {
    const result = await run(name, '--help');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`usage: k1-workflows ${name} [options]`);
    expect(result.stderr).toBe('');
  }, 20_000);

  it('import --help prints its own usage, server flags included, and exits 0', async () => {
    const result = await run('import', '--help');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('usage: k1-workflows import FILE... [--tasks DIR] --out DIR');
    expect(result.stdout).toContain('--timeout SECONDS');
  }, 20_000);
});
