import { DefinitionError, issuePath, type DefinitionIssue } from '../issues.ts';
import type { AnyWorkflow, WorkflowInput } from '../dsl/workflow.ts';
import { validateScheduleDef, type WorkflowScheduleDef } from './schedule-def.ts';

/** What a schedule definition gives. */
export interface ScheduleSpec<W extends AnyWorkflow> {
  /** The schedule's name, unique on the server; letters, digits, `_`, `-`. */
  readonly name: string;
  /**
   * When it fires: Spring's 6-field cron, seconds first (`0 0 2 * * *` is 02:00 every day), or a
   * macro (`@daily`, `@hourly`, ...). 5-field (Unix) and 7-field (Quartz, with a year) crons are
   * refused, as the server cannot parse them.
   */
  readonly cron: string;
  /** The IANA zone the cron is read in, e.g. `Europe/Berlin` (summer time followed), or `UTC`. */
  readonly zone: string;
  /** The workflow each fire starts, at its version. */
  readonly workflow: W;
  /** Its input, typed and checked by the workflow's input schema (defaults applied). */
  readonly input: WorkflowInput<W>;
  /** What the schedule is for; reaches the JSON. */
  readonly description?: string;
  /** Saved without firing until resumed. @default false */
  readonly paused?: boolean;
  /** Nothing fires before this instant. */
  readonly startTime?: Date;
  /** Nothing fires after this instant. */
  readonly endTime?: Date;
}

/** A schedule made by {@link schedule}: a workflow started at the times of a cron. */
export interface Schedule<W extends AnyWorkflow = AnyWorkflow> {
  readonly kind: 'Schedule';
  readonly name: string;
  readonly cron: string;
  readonly zone: string;
  readonly workflow: W;
  /** The input after the workflow's schema (defaults applied): what each fire starts it with. */
  readonly input: Readonly<Record<string, unknown>>;
  readonly description: string | undefined;
  readonly paused: boolean;
  /** Epoch ms, when given. */
  readonly startTime: number | undefined;
  /** Epoch ms, when given. */
  readonly endTime: number | undefined;
}

/** Any schedule, whatever workflow it starts. */
export type AnySchedule = Schedule<AnyWorkflow>;

/**
 * Defines a schedule: `workflow` started with `input` at every time of `cron` in `zone`. Checked
 * here, as the server does not check (it saves a bad cron or an unknown workflow with 200 and
 * never fires them): the cron (Spring's syntax), the zone (IANA), the input against the
 * workflow's schema, the name, and the window.
 * @throws DefinitionError listing every problem, each naming the field and how to fix it.
 *
 * @example
 * ```ts
 * export const nightly = schedule({
 *   name: 'nightly-build', cron: '0 0 2 * * *', zone: 'Europe/Berlin',
 *   workflow: build, input: { branch: 'main' },
 * });
 * ```
 */
export function schedule<W extends AnyWorkflow>(spec: ScheduleSpec<W>): Schedule<W> {
  const issues: DefinitionIssue[] = [];
  const parsed = spec.workflow.input.safeParse(spec.input);
  if (!parsed.success) {
    for (const i of parsed.error.issues) {
      issues.push({
        code: 'SCHEDULE_INPUT_INVALID',
        severity: 'error',
        path: issuePath(`schedule ${spec.name}`, ['input', ...i.path].join('.')),
        message: `${i.message}: the input does not fit ${spec.workflow.name}'s input schema. Fix the value; every fire would start the workflow with it.`,
      });
    }
  }
  const made: Schedule<W> = Object.freeze({
    kind: 'Schedule',
    name: spec.name,
    cron: spec.cron,
    zone: spec.zone,
    workflow: spec.workflow,
    input: (parsed.success ? parsed.data : spec.input) as Readonly<Record<string, unknown>>,
    description: spec.description,
    paused: spec.paused ?? false,
    startTime: spec.startTime?.getTime(),
    endTime: spec.endTime?.getTime(),
  });
  for (const [field, time] of [['startTime', spec.startTime], ['endTime', spec.endTime]] as const) {
    if (time !== undefined && Number.isNaN(time.getTime())) issues.push({ code: 'SCHEDULE_FIELD_TYPE', severity: 'error', path: issuePath(`schedule ${spec.name}`, field), message: `${field} is an invalid Date. Give a real instant.` });
  }
  // An invalid Date is reported above, in the DSL's words; the JSON check sees the rest.
  const valid = (time: number | undefined): number | undefined => (time === undefined || Number.isNaN(time) ? undefined : time);
  const checked = compileSchedule({ ...made, startTime: valid(made.startTime), endTime: valid(made.endTime) });
  issues.push(...validateScheduleDef(checked).map((i) => ({ ...i, path: dslPath(i.path) })));
  if (issues.length > 0) throw new DefinitionError(issues, `schedule ${spec.name}`);
  return made;
}

/** Issue paths in the DSL's field names (`cron`, not `cronExpression`). */
function dslPath(path: string): string {
  return path
    .replace(/cronExpression$/, 'cron')
    .replace(/zoneId$/, 'zone')
    .replace(/scheduleStartTime$/, 'startTime')
    .replace(/scheduleEndTime$/, 'endTime')
    .replace(/startWorkflowRequest\.input$/, 'input')
    .replace(/startWorkflowRequest\.(name|version)$/, 'workflow');
}

/** True when `value` is a schedule made by {@link schedule}. */
export function isSchedule(value: unknown): value is AnySchedule {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'Schedule';
}

/** The JSON the server takes for a schedule (`POST /api/scheduler/schedules`), as gen writes it. */
export function compileSchedule(made: AnySchedule): WorkflowScheduleDef {
  return {
    name: made.name,
    ...(made.description !== undefined && { description: made.description }),
    cronExpression: made.cron,
    zoneId: made.zone,
    paused: made.paused,
    ...(made.startTime !== undefined && { scheduleStartTime: made.startTime }),
    ...(made.endTime !== undefined && { scheduleEndTime: made.endTime }),
    startWorkflowRequest: { name: made.workflow.name, version: made.workflow.version, input: made.input },
  };
}
