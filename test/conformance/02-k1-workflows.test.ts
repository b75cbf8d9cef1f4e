/**
 * Part 2, the K1 workflows end to end: `k1-workflows register` puts generated/ on the real
 * server, then the rig (`npm run rig`) runs every K1 scenario there with the project's own
 * workers (`runWorkers` + `createK1Workers`), the fake `pio` and fake devices on 127.0.0.1, and
 * completes HUMAN tasks through the API as a person would. The same scenarios run on the dev
 * server too, so the table shows both times and any status on which the two servers differ.
 * Real retry delays are real on both: ota-retry waits deploy_firmware_ota's 60 s.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runRig, type ScenarioResult } from '../../rig/run-rig.ts';
import { SCENARIOS as ALL_SCENARIOS } from '../../rig/scenarios.ts';
import { readGenerated } from '../../src/gen/read-generated.ts';
import { startDevServer, type DevServer } from '../../src/server/index.ts';
import { judge, verdictProblems, type Disagreement } from './allowlist.ts';
import { printSummary, printTable } from './report.ts';
import { requeueWhileRunning } from './redelivery.ts';
import { conductorUrl, k1Workflows } from './support.ts';

/** The scenarios one server can run (`instance-kill` needs a cluster: part 10 runs it). */
const SCENARIOS = ALL_SCENARIOS.filter((s) => (s.needsInstances ?? 1) === 1);

let url: string;
let devServer: DevServer;
const disagreements: Disagreement[] = [];
let onServer: ScenarioResult[] = [];
let onDevServer: ScenarioResult[] = [];

/** The rig's report lines, indented under the test's output. */
const out = (where: string) => (line: string) => console.log(`  [${where}] ${line}`);

beforeAll(async () => {
  url = conductorUrl();
  devServer = await startDevServer({ generatedDir: 'generated' });
});

afterAll(async () => {
  await devServer?.close();
  const rows = SCENARIOS.map((scenario) => {
    const real = onServer.find((r) => r.name === scenario.name);
    const dev = onDevServer.find((r) => r.name === scenario.name);
    const verdict = real?.asExpected && dev?.asExpected && real.status === dev.status ? 'agree' : 'DISAGREE';
    return [verdict, scenario.name, scenario.workflow, scenario.expected, real?.status ?? '-', real ? `${real.seconds.toFixed(1)} s` : '-', dev?.status ?? '-', dev ? `${dev.seconds.toFixed(1)} s` : '-'];
  });
  printTable('Part 2: K1 workflows end to end (the rig)', ['verdict', 'scenario', 'workflow', 'expected', 'real server', 'time', 'dev server', 'time'], rows);
  const verdict = judge('k1-workflows', disagreements);
  const total = (results: readonly ScenarioResult[]) => results.reduce((s, r) => s + r.seconds, 0).toFixed(0);
  printSummary(
    'k1-workflows',
    `${SCENARIOS.length} scenarios: ${onServer.filter((r) => r.asExpected).length} as expected on the real server (${total(onServer)} s), ${onDevServer.filter((r) => r.asExpected).length} on the dev server (${total(onDevServer)} s); ${disagreements.length} disagreement(s), ${verdict.allowed.length} allowlisted, ${verdict.unlisted.length} unlisted`,
  );
});

describe('part 2: K1 workflows end to end', () => {
  it('k1-workflows register puts generated/ on the real server', async () => {
    const registered = await k1Workflows(['register', '--server', url]);
    // The K1 schedules come along; removed at once so that none fires on a shared server (part 8 fires one).
    for (const schedule of (await readGenerated('generated')).schedules) await fetch(new URL(`/api/scheduler/schedules/${schedule.name}`, url), { method: 'DELETE' });
    expect(registered.code, registered.stdout + registered.stderr).toBe(0);
  });

  it('every rig scenario ends as expected on the real server, with its checks holding', async () => {
    onServer = await runRig({ serverUrl: url, scenarios: SCENARIOS, out: out('real server') });
    for (const r of onServer.filter((x) => !x.asExpected)) {
      disagreements.push({ key: `real server: ${r.name}`, detail: `${r.status} (expected ${r.expected})${r.problems.length ? `: ${r.problems.join('; ')}` : ''}` });
    }
    expect(onServer.filter((r) => !r.asExpected).map((r) => `${r.name}: ${r.status}; ${r.problems.join('; ')}`)).toEqual([]);
  });

  it('the dev server ends every scenario as the real server does', async () => {
    onDevServer = await runRig({ serverUrl: devServer.url, scenarios: SCENARIOS, out: out('dev server') });
    for (const dev of onDevServer) {
      const real = onServer.find((r) => r.name === dev.name);
      if (!dev.asExpected || dev.status !== real?.status) {
        disagreements.push({ key: `dev server: ${dev.name}`, detail: `dev server ${dev.status}, real server ${real?.status ?? 'not run'}${dev.problems.length ? `: ${dev.problems.join('; ')}` : ''}` });
      }
    }
    expect(onDevServer.filter((r) => !r.asExpected).map((r) => `${r.name}: ${r.status}; ${r.problems.join('; ')}`)).toEqual([]);
  });

  // Issue 21: the cluster handed a task to the workers twice; the guard of runWorkers runs it once.
  it('runWorkers runs a task the server hands out twice once (requeued while its handler runs)', async () => {
    const seen = await requeueWhileRunning(url);
    console.log(`  [redelivery] requeue answered ${seen.requeued}; handler calls ${JSON.stringify(seen.calls)}; ${seen.duplicatesCounted} duplicate(s) counted; task ${seen.task.status}, pollCount ${seen.task.pollCount}; workflow ${seen.workflowStatus}`);
    expect(seen.requeued).toBe('1');
    expect(seen.calls).toHaveLength(1);
    expect(seen.task).toEqual({ status: 'COMPLETED', pollCount: 2 });
    expect(seen.workflowStatus).toBe('COMPLETED');
    expect(seen.workflowOutput).toEqual({ result: { by: seen.calls[0]?.worker, pollCount: 1 } });
    expect(seen.duplicatesCounted).toBe(1);
    expect(seen.warnings).toEqual([expect.stringMatching(/again, pollCount 2: no worker handed it back since delivery 1/)]);
  });

  it('has no disagreement outside the allowlist', () => {
    expect(verdictProblems('k1-workflows', judge('k1-workflows', disagreements))).toEqual([]);
  });
});
