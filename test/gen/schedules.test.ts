/**
 * gen and schedules: `generated/schedules/<name>.json`, the next five fire times in the report,
 * and the refusals (a bad cron, a workflow gen does not write) with nothing written.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { genCommand } from '../../src/cli/gen-command.ts';

const TMP = join(process.cwd(), '.tmp');

const source = (cron: string, listed: string) => `
import { z } from 'zod';
import { projectDefaults, schedule } from '../../../src/index.ts';
const { defineTask, workflow } = projectDefaults({ ownerEmail: 'team@example.com' });
const step = defineTask({ name: 'step', description: 'A step.', input: z.object({ v: z.string() }), output: z.object({ v: z.string() }) });
export const main = workflow(
  { name: 'main', version: 2, description: 'm', input: z.object({ v: z.string().default('x') }), output: z.object({ v: z.string() }) },
  (f) => f.task(step, (s) => ({ v: s.input.v })).output((s) => ({ v: s.step.output.v })),
);
export const workflows = [${listed}];
export const schedules = [schedule({ name: 'nightly', cron: '${cron}', zone: 'Europe/Berlin', workflow: main, input: {}, startTime: new Date('2030-01-01T00:00:00Z') })];
`;

let root: string;
let out: string[];
let err: string[];

async function gen(definitions: string): Promise<number> {
  mkdirSync(join(root, 'definitions'), { recursive: true });
  writeFileSync(join(root, 'definitions', 'index.ts'), definitions);
  out = [];
  err = [];
  return genCommand(['--root', root, '--no-typecheck'], { stdout: (l) => out.push(l), stderr: (l) => err.push(l) });
}

beforeEach(() => {
  mkdirSync(TMP, { recursive: true });
  root = mkdtempSync(join(TMP, 'gen-schedules-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

it('writes generated/schedules/<name>.json, lists it in the manifest and prints the next five fire times', async () => {
  expect(await gen(source('0 0 2 * * *', 'main'))).toBe(0);
  expect(JSON.parse(readFileSync(join(root, 'generated/schedules/nightly.json'), 'utf8'))).toEqual({
    name: 'nightly',
    cronExpression: '0 0 2 * * *',
    paused: false,
    scheduleStartTime: Date.UTC(2030, 0, 1),
    startWorkflowRequest: { name: 'main', input: { v: 'x' }, version: 2 },
    zoneId: 'Europe/Berlin',
  });
  expect(out).toContain('added   generated/schedules/nightly.json');
  // 02:00 in Berlin is 01:00 UTC in winter.
  expect(out).toContain('schedule nightly (0 0 2 * * * Europe/Berlin) next fires: 2030-01-01T01:00:00Z, 2030-01-02T01:00:00Z, 2030-01-03T01:00:00Z, 2030-01-04T01:00:00Z, 2030-01-05T01:00:00Z');
  const manifest = JSON.parse(readFileSync(join(root, 'generated/manifest.json'), 'utf8'));
  expect(manifest.schedules[0]).toMatchObject({ name: 'nightly', file: 'generated/schedules/nightly.json' });
});

it('refuses a 5-field cron naming the field, and writes nothing', async () => {
  expect(await gen(source('0 2 * * *', 'main'))).toBe(1);
  expect(err.join('\n')).toContain('SCHEDULE_CRON_INVALID schedule nightly → cron: "0 2 * * *" has 5 fields');
  expect(existsSync(join(root, 'generated'))).toBe(false);
});

it('refuses a schedule of a workflow gen does not write, and writes nothing', async () => {
  expect(await gen(source('0 0 2 * * *', ''))).toBe(1);
  expect(err).toEqual([
    'gen: 1 problem in the definitions; nothing was written.\n  SCHEDULE_WORKFLOW_UNKNOWN schedule nightly → startWorkflowRequest.name: the schedule starts workflow main v2, which is not among the workflows gen writes, so the server would fail every fire. Add it to the `workflows` the definitions export.',
  ]);
  expect(existsSync(join(root, 'generated'))).toBe(false);
});
