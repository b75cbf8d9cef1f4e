/**
 * The runnable examples work as their READMEs say: each program runs as a process
 * (`node --conditions=k1-source --import tsx`, what `npx tsx --conditions=k1-source` does) against
 * a dev server on 127.0.0.1, never a real server. examples/local-test is a vitest file of its own.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevServer, type DevServer } from '../../src/server/index.ts';

const exec = promisify(execFile);
let server: DevServer;

/** Runs an example's main.ts as its README shows, with `args`, against the dev server. */
async function example(name: string, args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const readme = readFileSync(`examples/${name}/README.md`, 'utf8');
  expect(readme).toContain(`npx tsx --conditions=k1-source examples/${name}/main.ts`);
  const env: NodeJS.ProcessEnv = { ...process.env, CONDUCTOR_SERVER_URL: server.url };
  delete env.CONDUCTOR_AUTH_KEY;
  delete env.CONDUCTOR_AUTH_SECRET;
  // The SDK's TaskRunner (@io-orkes/conductor-javascript 4.0.0, updateTaskWithRetry) writes
  // "[TaskRunner] Submitting task result ..." lines to stdout whenever CI is set, whatever logger it
  // was given; the examples' own output is what is asserted here, so the child runs without it.
  delete env.CI;
  try {
    const { stdout, stderr } = await exec(process.execPath, ['--conditions=k1-source', '--import', 'tsx', `examples/${name}/main.ts`, ...args], { env, timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

describe('examples/', () => {
  beforeAll(async () => {
    server = await startDevServer({ host: '127.0.0.1' });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('start-and-wait: registers a workflow, starts it and prints its typed output', async () => {
    const { code, stdout, stderr } = await example('start-and-wait', ['a workflow is just code']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^\S+: 5 words, the longest "workflow"\n$/);
  }, 60_000);

  it('workers: runs the workers against the server and gets each run through them', async () => {
    const ok = await example('workers', ['attic', 'cellar']);
    expect(ok.stderr).toBe('');
    expect([ok.code, ok.stdout]).toEqual([0, 'attic: 31.5 °C, hot\ncellar: 9 °C, cold\n']);
    const failed = await example('workers', ['garage']);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toMatch(/^garage: Workflow \S+ ended FAILED: .*unknown sensor "garage"; known: attic, cellar, kitchen/);
  }, 60_000);

  it('local-test: is a test file that npm test runs', () => {
    expect(existsSync('examples/local-test/sensor-report.test.ts')).toBe(true);
    expect(readFileSync('vitest.config.ts', 'utf8')).toContain("'examples/**/*.test.ts'");
  });
});
