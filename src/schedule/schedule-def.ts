import type { DefinitionIssue } from '../issues.ts';
import { issuePath } from '../issues.ts';
import { describeJsonType, isJsonObject } from '../validate/json-value.ts';
import { closestName } from '../validate/closest-name.ts';
import { parseCron } from './cron.ts';
import { zoneProblem } from './zone.ts';

/**
 * A schedule as `POST /api/scheduler/schedules` takes it and gen writes it
 * (`generated/schedules/<name>.json`): conductor-oss 3.32.3's `WorkflowSchedule`, the fields this
 * library sets. The server adds `createTime`, `updatedTime`, `createdBy`, `updatedBy`,
 * `cronSchedules` and fills `runCatchupScheduleInstances`, `paused`, `zoneId` and the request's
 * `input`, `taskToDomain`, `priority` (see learned-schedule-defaults.ts).
 */
export interface WorkflowScheduleDef {
  readonly name: string;
  readonly description?: string;
  /** Spring's 6-field cron, seconds first, or a macro (`@daily`). */
  readonly cronExpression: string;
  /** The IANA zone the cron is read in. @default 'UTC' (the server's) */
  readonly zoneId?: string;
  /** A paused schedule is saved but does not fire. @default false */
  readonly paused?: boolean;
  /** Fire the times missed while the server was down or the schedule paused. @default false */
  readonly runCatchupScheduleInstances?: boolean;
  /** Epoch ms before which nothing fires. */
  readonly scheduleStartTime?: number;
  /** Epoch ms after which nothing fires. */
  readonly scheduleEndTime?: number;
  /** What each fire starts; the server adds the five scheduler keys to `input` (see SCHEDULER_INPUT_KEYS). */
  readonly startWorkflowRequest: { readonly name: string; readonly version?: number; readonly input?: Readonly<Record<string, unknown>> };
}

/**
 * The keys conductor-oss 3.32.3 adds to the input of every run a schedule starts
 * (SchedulerService.swrFrom), overwriting the schedule's own: `_startedByScheduler` (the
 * schedule's name), `_scheduledTime` (the fire time, epoch ms), `_executedTime` (when it was
 * started, epoch ms, which can be a little before the fire time), `_executionId` (a UUID per
 * fire), `_schedulerCron` (`"<cron> <zoneId>"`, e.g. `"0 0 2 * * * Europe/Berlin"`).
 */
export const SCHEDULER_INPUT_KEYS = ['_startedByScheduler', '_scheduledTime', '_executedTime', '_executionId', '_schedulerCron'] as const;

/** The names a schedule may have: they become file names, as task and workflow names do (gen's SAFE_NAME). */
const SCHEDULE_NAME = /^[A-Za-z0-9_-]+$/;

/** A workflow a schedule may start: a name and its versions. */
export interface KnownWorkflow {
  readonly name: string;
  readonly version?: number | undefined;
}

/** Options of {@link validateScheduleDef}. */
export interface ScheduleCheckOptions {
  /**
   * The workflows that exist (the generation, or the server's): a schedule of any other is
   * refused. Without it, the workflow is not looked up.
   */
  readonly workflows?: readonly KnownWorkflow[];
}

/** True when a JSON value has the shape of a schedule (a `cronExpression` or a `startWorkflowRequest`): how `validate` tells a schedule file. */
export function looksLikeSchedule(value: unknown): boolean {
  return isJsonObject(value) && (Object.hasOwn(value, 'cronExpression') || Object.hasOwn(value, 'startWorkflowRequest'));
}

/**
 * Checks a schedule as JSON: what conductor-oss 3.32.3 saves anyway but can never fire (a cron
 * Spring cannot parse, a schedule of a workflow that does not exist) or answers with a 500 (a
 * zone Java does not know, no name). Every issue names the field and says how to fix it.
 */
export function validateScheduleDef(value: unknown, options: ScheduleCheckOptions = {}): DefinitionIssue[] {
  if (!isJsonObject(value)) return [issue('SCHEDULE_NOT_OBJECT', '', `This is ${describeJsonType(value)}, not a schedule. Give a WorkflowSchedule object.`)];
  const name = typeof value.name === 'string' ? value.name : undefined;
  const at = (field: string): string => issuePath(`schedule ${name ?? '(unnamed)'}`, field);
  const issues: DefinitionIssue[] = [];
  if (name === undefined || !SCHEDULE_NAME.test(name)) {
    issues.push(issue('SCHEDULE_NAME_INVALID', at('name'), `${name === undefined ? 'the schedule has no name (the server answers 500)' : `the name ${JSON.stringify(name)} is not a safe name`}. Use letters, digits, "_" and "-" only; gen writes a file named after it.`));
  }
  if (typeof value.cronExpression !== 'string') {
    issues.push(issue('SCHEDULE_CRON_INVALID', at('cronExpression'), 'the schedule has no cronExpression; the server saves it and never fires it. Give six fields, seconds first, e.g. "0 0 2 * * *".'));
  } else {
    const cron = parseCron(value.cronExpression);
    if ('problem' in cron) issues.push(issue('SCHEDULE_CRON_INVALID', at('cronExpression'), `${cron.problem} The server would save it and never fire it.`));
  }
  if (value.zoneId !== undefined) {
    const problem = typeof value.zoneId === 'string' ? zoneProblem(value.zoneId) : `zoneId is ${describeJsonType(value.zoneId)}, not a zone name. Use a name such as "Europe/Berlin".`;
    if (problem !== undefined) issues.push(issue('SCHEDULE_ZONE_UNKNOWN', at('zoneId'), `${problem} The server answers 500 to a zone Java does not know.`));
  }
  for (const field of ['paused', 'runCatchupScheduleInstances'] as const) {
    if (value[field] !== undefined && typeof value[field] !== 'boolean') issues.push(issue('SCHEDULE_FIELD_TYPE', at(field), `${field} is ${describeJsonType(value[field])}; make it true or false.`));
  }
  for (const field of ['scheduleStartTime', 'scheduleEndTime'] as const) {
    const time = value[field];
    if (time !== undefined && !(typeof time === 'number' && Number.isSafeInteger(time) && time >= 0)) issues.push(issue('SCHEDULE_FIELD_TYPE', at(field), `${field} is ${describeJsonType(time)}; make it epoch milliseconds (a whole number).`));
  }
  if (typeof value.scheduleStartTime === 'number' && typeof value.scheduleEndTime === 'number' && value.scheduleEndTime <= value.scheduleStartTime) {
    issues.push(issue('SCHEDULE_WINDOW_EMPTY', at('scheduleEndTime'), `scheduleEndTime (${new Date(value.scheduleEndTime).toISOString()}) is not after scheduleStartTime (${new Date(value.scheduleStartTime).toISOString()}), so the schedule never fires. Move the end after the start.`));
  }
  issues.push(...requestIssues(value.startWorkflowRequest, at, options));
  return issues;
}

function requestIssues(request: unknown, at: (field: string) => string, options: ScheduleCheckOptions): DefinitionIssue[] {
  if (!isJsonObject(request) || typeof request.name !== 'string' || request.name === '') {
    return [issue('SCHEDULE_WORKFLOW_MISSING', at('startWorkflowRequest.name'), 'the schedule does not name the workflow it starts. Set startWorkflowRequest: { name, version, input }.')];
  }
  const issues: DefinitionIssue[] = [];
  const { name, version, input } = request;
  if (version !== undefined && !(typeof version === 'number' && Number.isInteger(version) && version > 0)) {
    issues.push(issue('SCHEDULE_FIELD_TYPE', at('startWorkflowRequest.version'), `startWorkflowRequest.version is ${JSON.stringify(version)}; make it a version number (1 or more), or leave it out for the latest.`));
  }
  if (input !== undefined && !isJsonObject(input)) {
    issues.push(issue('SCHEDULE_FIELD_TYPE', at('startWorkflowRequest.input'), `startWorkflowRequest.input is ${describeJsonType(input)}; make it an object.`));
  } else if (input !== undefined) {
    const reserved = SCHEDULER_INPUT_KEYS.filter((key) => Object.hasOwn(input, key));
    if (reserved.length > 0) {
      issues.push(issue('SCHEDULE_INPUT_RESERVED', at('startWorkflowRequest.input'), `the input sets ${reserved.join(', ')}, which the server overwrites on every fire. Rename ${reserved.length === 1 ? 'that field' : 'those fields'}.`));
    }
  }
  if (options.workflows !== undefined) {
    const sameName = options.workflows.filter((w) => w.name === name);
    if (sameName.length === 0) {
      const near = closestName(name, [...new Set(options.workflows.map((w) => w.name))]);
      issues.push(
        issue(
          'SCHEDULE_WORKFLOW_UNKNOWN',
          at('startWorkflowRequest.name'),
          `the schedule starts workflow "${name}", which does not exist${near === undefined ? '' : ` (did you mean "${near}"?)`}; the server would save it and fail every fire. Register that workflow, or name one that exists.`,
        ),
      );
    } else if (typeof version === 'number' && !sameName.some((w) => (w.version ?? 1) === version)) {
      issues.push(
        issue(
          'SCHEDULE_WORKFLOW_UNKNOWN',
          at('startWorkflowRequest.version'),
          `workflow "${name}" has no version ${version} (it has ${sameName.map((w) => w.version ?? 1).join(', ')}); every fire would fail. Name a version that exists, or leave version out for the latest.`,
        ),
      );
    }
  }
  return issues;
}

function issue(code: string, path: string, message: string): DefinitionIssue {
  return { code, severity: 'error', path, message };
}

/**
 * The input of the run a schedule starts at `scheduledTime`, as conductor-oss 3.32.3 builds it
 * (SchedulerService.swrFrom): the schedule's input, then the five scheduler keys over it.
 * @param scheduledTime the fire time, epoch ms.
 * @param executedTime when the run was started, epoch ms: on the server within a second or so of
 *   the fire time, either side (it starts a fire that is due within a second).
 * @param executionId the fire's id (a UUID on the server).
 */
export function scheduledRunInput(def: WorkflowScheduleDef, scheduledTime: number, executedTime: number, executionId: string): Record<string, unknown> {
  return {
    ...def.startWorkflowRequest.input,
    _startedByScheduler: def.name,
    _scheduledTime: scheduledTime,
    _executedTime: executedTime,
    _executionId: executionId,
    _schedulerCron: `${def.cronExpression} ${def.zoneId ?? 'UTC'}`,
  };
}
