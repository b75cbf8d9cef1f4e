/**
 * schedule(): the JSON it compiles to, and every refusal (cron, zone, input, name, window), each
 * naming the field; the cron parser against Spring's rules; fire times in a zone.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { compileSchedule, DefinitionError, nextFireTimes, parseCron, schedule, workflow } from '../../src/index.ts';
import { validateScheduleDef } from '../../src/validate/index.ts';
import { build } from '../dsl/fixtures.ts';

const nightly = workflow(
  { name: 'nightly', version: 3, description: 'Builds every night.', input: z.object({ environment: z.string(), clean: z.boolean().default(true) }), output: z.object({ bin: z.string() }) },
  (f) => f.task(build, (s) => ({ environment: s.input.environment, clean: s.input.clean })).output((s) => ({ bin: s.build.output.bin })),
);

function refusal(make: () => unknown): { code: string; path: string; message: string }[] {
  try {
    make();
  } catch (error) {
    expect(error).toBeInstanceOf(DefinitionError);
    return (error as DefinitionError).issues.map(({ code, path, message }) => ({ code, path, message }));
  }
  throw new Error('expected a DefinitionError');
}

describe('schedule()', () => {
  it('compiles to the WorkflowSchedule the server takes, the input after the workflow schema (defaults applied)', () => {
    const made = schedule({ name: 'nightly-build', cron: '0 0 2 * * *', zone: 'Europe/Berlin', workflow: nightly, input: { environment: 'prod' }, startTime: new Date('2027-01-01T00:00:00Z') });
    expect(compileSchedule(made)).toEqual({
      name: 'nightly-build',
      cronExpression: '0 0 2 * * *',
      zoneId: 'Europe/Berlin',
      paused: false,
      scheduleStartTime: Date.UTC(2027, 0, 1),
      startWorkflowRequest: { name: 'nightly', version: 3, input: { environment: 'prod', clean: true } },
    });
  });

  it('refuses a 5-field cron, naming the field and showing the 6-field form', () => {
    const issues = refusal(() => schedule({ name: 's', cron: '0 2 * * *', zone: 'UTC', workflow: nightly, input: { environment: 'x' } }));
    expect(issues).toEqual([
      {
        code: 'SCHEDULE_CRON_INVALID',
        path: 'schedule s → cron',
        message: expect.stringContaining('"0 2 * * *" has 5 fields; the server\'s cron (Spring\'s CronExpression) takes exactly 6') as string,
      },
    ]);
    expect(issues[0]?.message).toContain('put the seconds first, e.g. "0 0 2 * * *"');
  });

  it('refuses a 7-field (Quartz) cron, an unknown macro, a bad value and "?" outside the day fields', () => {
    const cronIssue = (cron: string) => refusal(() => schedule({ name: 's', cron, zone: 'UTC', workflow: nightly, input: { environment: 'x' } }))[0]?.message;
    expect(cronIssue('0 0 2 * * * 2027')).toContain('has 7 fields');
    expect(cronIssue('0 0 2 * * * 2027')).toContain('drop the last field');
    expect(cronIssue('@nightly')).toContain('"@nightly" is not a cron macro the server knows');
    expect(cronIssue('0 60 * * * *')).toContain('Invalid value for minute: 60');
    expect(cronIssue('0 0 0 * ? *')).toContain('"?" is allowed only in day-of-month and day-of-week, not in the month field');
  });

  it('refuses a zone that is not an IANA name, suggesting the nearest', () => {
    expect(refusal(() => schedule({ name: 's', cron: '@daily', zone: 'Europe/Berln', workflow: nightly, input: { environment: 'x' } }))).toEqual([
      {
        code: 'SCHEDULE_ZONE_UNKNOWN',
        path: 'schedule s → zone',
        message: '"Europe/Berln" is not an IANA time zone name this checker knows; did you mean "Europe/Berlin"? Use a name such as "Europe/Berlin" or "UTC". The server answers 500 to a zone Java does not know.',
      },
    ]);
  });

  it('takes every IANA name the server saved, old and new, links included, and refuses offsets with the IANA form to use', () => {
    // Each of these was saved with 200 by conductor-oss 3.32.3 (Java's ZoneId.of); Node 20's ICU
    // lists Asia/Calcutta as canonical and not Asia/Kolkata, yet knows both.
    for (const zone of ['Asia/Kolkata', 'Asia/Calcutta', 'Europe/Kyiv', 'Europe/Kiev', 'US/Pacific', 'GMT', 'CET', 'EST5EDT', 'Etc/GMT+1', 'UTC']) {
      expect(schedule({ name: 's', cron: '@daily', zone, workflow: nightly, input: { environment: 'x' } }).zone, zone).toBe(zone);
    }
    expect(refusal(() => schedule({ name: 's', cron: '@daily', zone: '+01:00', workflow: nightly, input: { environment: 'x' } }))[0]?.message).toContain(
      'An offset is not taken here: use a region, or Etc/GMT-1 for +01:00 (IANA inverts the sign).',
    );
  });

  it('refuses input that does not fit the workflow schema, and the scheduler keys the server overwrites', () => {
    // @ts-expect-error environment must be a string: the input is typed by the workflow's schema
    const wrong = () => schedule({ name: 's', cron: '@daily', zone: 'UTC', workflow: nightly, input: { environment: 7 } });
    expect(refusal(wrong)).toEqual([{ code: 'SCHEDULE_INPUT_INVALID', path: 'schedule s → input.environment', message: "Expected string, received number: the input does not fit nightly's input schema. Fix the value; every fire would start the workflow with it." }]);
    const open = workflow({ name: 'open', version: 1, description: 'Takes anything.', input: z.object({}).passthrough(), output: z.object({}) }, (f) => f.output(() => ({})));
    expect(refusal(() => schedule({ name: 's', cron: '@daily', zone: 'UTC', workflow: open, input: { _scheduledTime: 1 } }))).toEqual([
      { code: 'SCHEDULE_INPUT_RESERVED', path: 'schedule s → input', message: 'the input sets _scheduledTime, which the server overwrites on every fire. Rename that field.' },
    ]);
  });

  it('reports every problem at once: a bad input and a bad cron; an invalid Date once, in the DSL\'s words', () => {
    // @ts-expect-error environment must be a string
    const both = () => schedule({ name: 's', cron: '0 2 * * *', zone: 'UTC', workflow: nightly, input: { environment: 7 } });
    expect(refusal(both).map((i) => [i.code, i.path])).toEqual([
      ['SCHEDULE_INPUT_INVALID', 'schedule s → input.environment'],
      ['SCHEDULE_CRON_INVALID', 'schedule s → cron'],
    ]);
    expect(refusal(() => schedule({ name: 's', cron: '@daily', zone: 'UTC', workflow: nightly, input: { environment: 'x' }, startTime: new Date('not a date') }))).toEqual([
      { code: 'SCHEDULE_FIELD_TYPE', path: 'schedule s → startTime', message: 'startTime is an invalid Date. Give a real instant.' },
    ]);
  });

  it('refuses an unsafe name and an empty window', () => {
    const issues = refusal(() => schedule({ name: 'a/b', cron: '@daily', zone: 'UTC', workflow: nightly, input: { environment: 'x' }, startTime: new Date('2027-02-01'), endTime: new Date('2027-01-01') }));
    expect(issues.map((i) => [i.code, i.path])).toEqual([
      ['SCHEDULE_NAME_INVALID', 'schedule a/b → name'],
      ['SCHEDULE_WINDOW_EMPTY', 'schedule a/b → endTime'],
    ]);
  });
});

describe('validateScheduleDef', () => {
  const good = { name: 'n', cronExpression: '0 0 2 * * *', zoneId: 'UTC', startWorkflowRequest: { name: 'nightly', version: 3, input: {} } };

  it('accepts a good schedule of a known workflow', () => {
    expect(validateScheduleDef(good, { workflows: [{ name: 'nightly', version: 3 }] })).toEqual([]);
  });

  it('refuses a schedule of an unknown workflow or version, and one without cron or name', () => {
    expect(validateScheduleDef({ ...good, startWorkflowRequest: { name: 'nighty' } }, { workflows: [{ name: 'nightly', version: 3 }] })).toEqual([
      {
        code: 'SCHEDULE_WORKFLOW_UNKNOWN',
        severity: 'error',
        path: 'schedule n → startWorkflowRequest.name',
        message: 'the schedule starts workflow "nighty", which does not exist (did you mean "nightly"?); the server would save it and fail every fire. Register that workflow, or name one that exists.',
      },
    ]);
    expect(validateScheduleDef(good, { workflows: [{ name: 'nightly', version: 2 }] }).map((i) => [i.code, i.path])).toEqual([['SCHEDULE_WORKFLOW_UNKNOWN', 'schedule n → startWorkflowRequest.version']]);
    const { name: _n, cronExpression: _c, ...bare } = good;
    expect(validateScheduleDef(bare).map((i) => [i.code, i.path])).toEqual([
      ['SCHEDULE_NAME_INVALID', 'schedule (unnamed) → name'],
      ['SCHEDULE_CRON_INVALID', 'schedule (unnamed) → cronExpression'],
    ]);
  });
});

describe('parseCron and nextFireTimes', () => {
  const fires = (cron: string, after: string, count: number, window = {}) => {
    const parsed = parseCron(cron);
    if ('problem' in parsed) throw new Error(parsed.problem);
    return nextFireTimes(parsed, Date.parse(after), count, window).map((t) => new Date(t).toISOString());
  };

  it('reads the cron in the zone, summer time included', () => {
    // 28 March 2027 has no 02:00 in Berlin: croner fires at the first time after the gap (03:00
    // CEST). The server's preview reads crons in UTC only, so this day is not checked against it.
    expect(fires('0 0 2 * * *', '2027-03-26T12:00:00Z', 2, { zone: 'Europe/Berlin' })).toEqual(['2027-03-27T01:00:00.000Z', '2027-03-28T01:00:00.000Z']);
    expect(fires('0 0 2 * * *', '2027-06-01T12:00:00Z', 1, { zone: 'Europe/Berlin' })).toEqual(['2027-06-02T00:00:00.000Z']);
  });

  it('expands the macros, ANDs day-of-month with day-of-week as Spring does, and takes n/step', () => {
    expect(fires('@daily', '2027-01-01T00:00:00Z', 2)).toEqual(['2027-01-02T00:00:00.000Z', '2027-01-03T00:00:00.000Z']);
    expect(fires('@hourly', '2027-01-01T00:30:00Z', 1)).toEqual(['2027-01-01T01:00:00.000Z']);
    // 1 February and 1 March 2027 are Mondays; a Vixie cron would also fire every other Monday.
    expect(fires('0 0 0 1 * MON', '2027-01-01T00:00:00Z', 2)).toEqual(['2027-02-01T00:00:00.000Z', '2027-03-01T00:00:00.000Z']);
    expect(fires('5/20 * * * * *', '2027-01-01T00:00:00Z', 3)).toEqual(['2027-01-01T00:00:05.000Z', '2027-01-01T00:00:25.000Z', '2027-01-01T00:00:45.000Z']);
  });

  it('starts at the start time (a fire time exactly there included) and stops at the end time', () => {
    expect(fires('0 0 * * * *', '2027-01-01T00:00:00Z', 5, { startTime: Date.UTC(2027, 0, 1, 5), endTime: Date.UTC(2027, 0, 1, 7) })).toEqual([
      '2027-01-01T05:00:00.000Z',
      '2027-01-01T06:00:00.000Z',
      '2027-01-01T07:00:00.000Z',
    ]);
  });
});
