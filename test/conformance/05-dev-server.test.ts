/**
 * Part 5, dev server vs server: the same SDK-driven scenarios (dev-server-scenarios.ts) against the
 * real server and against a dev server started here, with the server's rules as shipped
 * (`ownerEmailMandatory=false`, no task definition required). What each answered is compared field
 * by field, ids and times normalised (observations.ts); every field that differs is a
 * disagreement, keyed `<scenario>: <step> <path>` with list positions dropped.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevServer, type DevServer } from '../../src/server/index.ts';
import { judge, verdictProblems, type Disagreement } from './allowlist.ts';
import { SCENARIOS, namesFor } from './dev-server-scenarios.ts';
import { compareObservations, Observations, shown } from './observations.ts';
import { printSummary, printTable } from './report.ts';
import { sdkSide, type Side } from './sdk-side.ts';
import { conductorUrl } from './support.ts';

const names = namesFor(`k1c5_${randomBytes(3).toString('hex')}`);
const disagreements: Disagreement[] = [];
const rows: (string | number)[][] = [];
let fieldsCompared = 0;
let dev: DevServer;
let server: Side;
let local: Side;
const savedEnv: Record<string, string | undefined> = {};

beforeAll(async () => {
  // The SDK prefers these over its config: make it talk to the server each side names, without auth.
  for (const name of ['CONDUCTOR_SERVER_URL', 'CONDUCTOR_AUTH_KEY', 'CONDUCTOR_AUTH_SECRET']) {
    savedEnv[name] = process.env[name];
    delete process.env[name];
  }
  dev = await startDevServer({ requireOwnerEmail: false, requireTaskDefs: false });
  [server, local] = await Promise.all([sdkSide('server', conductorUrl()), sdkSide('dev', dev.url)]);
});

afterAll(async () => {
  await dev?.close();
  for (const [name, value] of Object.entries(savedEnv)) if (value !== undefined) process.env[name] = value;
  printTable('Part 5: dev server vs server (SDK-driven scenarios, ids and times normalised)', ['verdict', 'scenario', 'fields', 'differ', 'first differences (path: server | dev)'], rows);
  const verdict = judge('dev-server', disagreements);
  const agreeing = rows.filter((r) => r[0] === 'agree').length;
  printSummary(
    'dev-server',
    `${rows.length} scenarios, ${agreeing} agree; ${fieldsCompared} fields compared, ${disagreements.length} kinds of difference: ${verdict.allowed.length} allowlisted, ${verdict.unlisted.length} unlisted`,
  );
});

/** Runs a scenario on one side; an exception is recorded as the last observation, not thrown. */
async function observe(side: Side, run: (typeof SCENARIOS)[number]['run']): Promise<Record<string, unknown>> {
  const obs = new Observations();
  try {
    await run(side, obs, names);
  } catch (error) {
    obs.see('scenario stopped', error instanceof Error ? error.message : String(error));
  }
  return obs.normalised();
}

describe('part 5: dev server vs server', () => {
  for (const scenario of SCENARIOS) {
    it(scenario.name, async () => {
      const [onServer, onDev] = await Promise.all([observe(server, scenario.run), observe(local, scenario.run)]);
      const { fields, differences } = compareObservations(onServer, onDev);
      fieldsCompared += fields;
      const kinds = new Map<string, (typeof differences)[number]>();
      for (const d of differences) if (!kinds.has(d.kind)) kinds.set(d.kind, d);
      for (const [kind, d] of kinds) disagreements.push({ key: `${scenario.name}: ${kind}`, detail: `${d.path}: server ${shown(d.server)}, dev ${shown(d.dev)}` });
      const first = [...kinds.values()].slice(0, 3).map((d) => `${d.path}: ${shown(d.server)} | ${shown(d.dev)}`);
      rows.push([kinds.size === 0 ? 'agree' : 'DISAGREE', scenario.name, fields, kinds.size, first.join('; ')]);
    });
  }

  it('has no disagreement outside the allowlist', () => {
    const problems = verdictProblems('dev-server', judge('dev-server', disagreements));
    expect(problems).toEqual([]);
  });
});
