/**
 * runSchedule: fires a schedule on the virtual clock with the five scheduler keys the real server
 * adds (conformance part 08 checks their values there), in the schedule's zone and window.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { schedule, workflow } from '../../src/index.ts';
import { runSchedule } from '../../src/testing.ts';
import { build } from '../dsl/fixtures.ts';

const nightly = workflow(
  { name: 'nightly', version: 1, description: 'Builds.', input: z.object({ environment: z.string(), _scheduledTime: z.number().optional() }), output: z.object({ bin: z.string(), at: z.number().optional() }) },
  (f) => f.task(build, (s) => ({ environment: s.input.environment })).output((s) => ({ bin: s.build.output.bin, at: s.input._scheduledTime })),
);
const handlers = { build: () => ({ bin: 'fw.bin', size: 1, verdict: 'pass', ok: true, files: [] }) };

describe('runSchedule', () => {
  it('starts the workflow at each fire time with the input and the five scheduler keys', async () => {
    const made = schedule({ name: 'nightly-berlin', cron: '0 0 2 * * *', zone: 'Europe/Berlin', workflow: nightly, input: { environment: 'prod' } });
    const runs = await runSchedule(made, { handlers, fires: 2, from: Date.UTC(2026, 5, 1, 12), executionId: (i) => `fire-${i}` });
    expect(runs.map((r) => r.status)).toEqual(['COMPLETED', 'COMPLETED']);
    // 02:00 in Berlin in June is 00:00 UTC.
    expect(runs.map((r) => r.input)).toEqual([
      { environment: 'prod', _startedByScheduler: 'nightly-berlin', _scheduledTime: Date.UTC(2026, 5, 2), _executedTime: Date.UTC(2026, 5, 2), _executionId: 'fire-0', _schedulerCron: '0 0 2 * * * Europe/Berlin' },
      { environment: 'prod', _startedByScheduler: 'nightly-berlin', _scheduledTime: Date.UTC(2026, 5, 3), _executedTime: Date.UTC(2026, 5, 3), _executionId: 'fire-1', _schedulerCron: '0 0 2 * * * Europe/Berlin' },
    ]);
    expect(runs[1]?.output).toEqual({ bin: 'fw.bin', at: Date.UTC(2026, 5, 3) });
  });

  it('fires nothing for a paused schedule, and nothing after the end time', async () => {
    const paused = schedule({ name: 'p', cron: '@hourly', zone: 'UTC', workflow: nightly, input: { environment: 'x' }, paused: true });
    expect(await runSchedule(paused, { handlers, fires: 3 })).toEqual([]);
    const ending = schedule({ name: 'e', cron: '@hourly', zone: 'UTC', workflow: nightly, input: { environment: 'x' }, endTime: new Date(Date.UTC(2026, 0, 1, 2)) });
    const runs = await runSchedule(ending, { handlers, fires: 5, from: Date.UTC(2026, 0, 1) });
    expect(runs.map((r) => r.input['_scheduledTime'])).toEqual([Date.UTC(2026, 0, 1, 1), Date.UTC(2026, 0, 1, 2)]);
  });

  it('refuses a schedule JSON of a workflow the registry does not have, naming the field', async () => {
    const def = { name: 'orphan', cronExpression: '@daily', startWorkflowRequest: { name: 'missing', version: 1 } };
    await expect(runSchedule(def, { registry: { workflows: [nightly] } })).rejects.toThrow('SCHEDULE_WORKFLOW_UNKNOWN schedule orphan → startWorkflowRequest.name: the schedule starts workflow "missing", which does not exist');
  });
});
