import { Cron } from 'croner';

/**
 * Spring's cron macros (`org.springframework.scheduling.support.CronExpression.MACROS`), which
 * conductor-oss 3.32.3's scheduler parses with `CronExpression.parse`, each as its 6-field form.
 */
export const CRON_MACROS: Readonly<Record<string, string>> = {
  '@yearly': '0 0 0 1 1 *',
  '@annually': '0 0 0 1 1 *',
  '@monthly': '0 0 0 1 * *',
  '@weekly': '0 0 0 * * 0',
  '@daily': '0 0 0 * * *',
  '@midnight': '0 0 0 * * *',
  '@hourly': '0 0 * * * *',
};

const FIELD_NAMES = ['second', 'minute', 'hour', 'day-of-month', 'month', 'day-of-week'] as const;

/** A cron expression that parsed: what fires it, in Spring's sense. */
export interface ParsedCron {
  /** The expression as written (a macro stays a macro). */
  readonly expression: string;
  /** The 6-field form croner evaluates. */
  readonly fields: string;
  readonly pattern: Cron;
}

/**
 * Parses a cron expression as conductor-oss 3.32.3's scheduler does (Spring's `CronExpression`:
 * six fields, seconds first, or a macro such as `@daily`), evaluated with croner (Spring's
 * AND of day-of-month and day-of-week, `n/step` ranges). The server saves a bad cron with 200 and
 * then never fires it, so this is the only check there is.
 * @returns the parsed cron, or a sentence saying what is wrong and how to fix it.
 */
export function parseCron(expression: string): ParsedCron | { readonly problem: string } {
  const trimmed = expression.trim();
  if (trimmed === '') return { problem: 'the cron expression is empty. Give six fields, seconds first (e.g. "0 0 2 * * *" for 02:00 every day), or a macro such as "@daily".' };
  const macro = CRON_MACROS[trimmed.toLowerCase()];
  if (trimmed.startsWith('@') && macro === undefined) {
    return { problem: `"${trimmed}" is not a cron macro the server knows. Use one of ${Object.keys(CRON_MACROS).join(', ')}, or six fields.` };
  }
  // Spring splits on spaces only (StringUtils.tokenizeToStringArray(expression, " ")).
  const fields = (macro ?? trimmed).split(' ').filter((f) => f !== '');
  if (fields.length !== 6) {
    const hint =
      fields.length === 5
        ? ' A 5-field (Unix) cron has no seconds: put the seconds first, e.g. "0 ' + fields.join(' ') + '".'
        : fields.length === 7
          ? ' A 7-field (Quartz) cron has a year, which Spring does not allow: drop the last field.'
          : '';
    return { problem: `"${trimmed}" has ${fields.length} field${fields.length === 1 ? '' : 's'}; the server's cron (Spring's CronExpression) takes exactly 6: second minute hour day-of-month month day-of-week.${hint}` };
  }
  // Spring allows "?" only in the day fields (QuartzCronField); croner would take it anywhere.
  const misplaced = fields.findIndex((f, i) => f.includes('?') && i !== 3 && i !== 5);
  if (misplaced !== -1) return { problem: `"?" is allowed only in day-of-month and day-of-week, not in the ${FIELD_NAMES[misplaced]} field ("${fields[misplaced]}"). Use "*" there.` };
  const joined = fields.join(' ');
  try {
    const pattern = new Cron(joined, { paused: true, mode: '6-part', domAndDow: true, sloppyRanges: true, timezone: 'UTC' });
    return { expression: trimmed, fields: joined, pattern };
  } catch (error) {
    const reason = (error as Error).message.replace(/^CronPattern: /, '');
    return { problem: `"${trimmed}" is not a valid cron expression: ${reason}. Fields: second minute hour day-of-month month day-of-week (Spring's CronExpression).` };
  }
}

/** When a schedule may fire: its zone and optional window, as the server's WorkflowSchedule holds them. */
export interface FireWindow {
  /** IANA zone the cron is read in (the schedule's `zoneId`). @default 'UTC' */
  readonly zone?: string;
  /** `scheduleStartTime`, epoch ms: nothing fires before it. */
  readonly startTime?: number | undefined;
  /** `scheduleEndTime`, epoch ms: nothing fires after it. */
  readonly endTime?: number | undefined;
}

/**
 * The next `count` fire times (epoch ms) after `after`, as conductor-oss 3.32.3's
 * SchedulerService.computeNextScheduleForSingleCron picks them: each strictly after the one
 * before; before the start time, the first time after `startTime - 500 ms` (the server's own
 * half-second allowance, so a start time that is a fire time fires); none after the end time.
 */
export function nextFireTimes(cron: ParsedCron, after: number, count: number, window: FireWindow = {}): number[] {
  const zoned = new Cron(cron.fields, { paused: true, mode: '6-part', domAndDow: true, sloppyRanges: true, timezone: window.zone ?? 'UTC' });
  const times: number[] = [];
  let from = window.startTime !== undefined && after < window.startTime - 500 ? window.startTime - 500 : after;
  while (times.length < count) {
    const next = zoned.nextRun(new Date(from));
    if (next === null) break;
    const at = next.getTime();
    if (window.endTime !== undefined && at > window.endTime) break;
    times.push(at);
    from = at;
  }
  return times;
}
