/**
 * The rig (`npm run rig`) on the dev server, without Java: a few of its scenarios end as expected,
 * and its command line lists the scenarios and refuses bad usage with exit code 2. The
 * conformance suite (part 2) runs every scenario on the real server.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runRig } from '../../rig/run-rig.ts';
import { SCENARIOS } from '../../rig/scenarios.ts';
import { startDevServer, type DevServer } from '../../src/server/index.ts';
import { clearConductorEnv } from '../worker/support.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const exec = promisify(execFile);
let server: DevServer;
let restoreEnv: () => void;

beforeAll(async () => {
  restoreEnv = clearConductorEnv();
  server = await startDevServer({ generatedDir: join(ROOT, 'generated') });
});

afterAll(async () => {
  await server?.close();
  restoreEnv();
});

/** Runs `npm run rig -- ...args` as a person would (the script through tsx); its exit code and output. */
async function rig(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec(process.execPath, ['--import', 'tsx', 'scripts/rig.ts', ...args], { cwd: ROOT, env: { ...process.env, CONDUCTOR_SERVER_URL: '' } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

describe('the rig', () => {
  it('runs scenarios on the dev server: a release approved through the API, a push delivered twice, a failed gate with its failure workflow', async () => {
    const lines: string[] = [];
    const names = ['release-approved', 'push-delivered-twice', 'quality-gate-failure'];
    const results = await runRig({ serverUrl: server.url, scenarios: SCENARIOS.filter((s) => names.includes(s.name)), out: (line) => lines.push(line) });
    expect(results.map((r) => [r.name, r.status, r.problems])).toEqual([
      ['quality-gate-failure', 'FAILED', []],
      ['release-approved', 'COMPLETED', []],
      ['push-delivered-twice', 'COMPLETED', []],
    ]);
    expect(lines.filter((l) => l.startsWith('scenario '))).toEqual([
      expect.stringMatching(/^scenario quality-gate-failure: FAILED \(expected FAILED\) in [\d.]+ s, /),
      expect.stringMatching(/^scenario release-approved: COMPLETED \(expected COMPLETED\) in /),
      expect.stringMatching(/^scenario push-delivered-twice: COMPLETED \(expected COMPLETED\) in /),
    ]);
    expect(lines.at(-1)).toBe('3 as expected, 0 not');
  }, 60_000);

  it('lists every scenario with its workflow and expected status, and refuses bad usage with exit code 2', async () => {
    const list = await rig('--list');
    expect(list.code).toBe(0);
    expect(list.stdout.trim().split('\n').map((l) => l.split(/\s+/)[0])).toEqual(SCENARIOS.map((s) => s.name));
    expect(SCENARIOS.map((s) => s.workflow)).toEqual(expect.arrayContaining(['firmware-ci-cd-pipeline', 'multi-stage-deployment', 'deployment-rollback-handler', 'pattern-generation-testing', 'audio-processing-pipeline']));
    const noServer = await rig('--all');
    expect(noServer).toMatchObject({ code: 2, stderr: expect.stringContaining('No server: give --server URL') });
    const unknown = await rig('--server', server.url, '--scenario', 'moon-landing');
    expect(unknown).toMatchObject({ code: 2, stderr: expect.stringContaining('Unknown scenario(s): moon-landing') });
    const both = await rig('--server', server.url, '--all', '--scenario', 'audio');
    expect(both).toMatchObject({ code: 2, stderr: expect.stringContaining('Give either --all or one or more --scenario NAME') });
  }, 60_000);
});
