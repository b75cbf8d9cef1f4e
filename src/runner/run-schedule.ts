import { randomUUID } from 'node:crypto';
import { DefinitionError } from '../issues.ts';
import { nextFireTimes, parseCron } from '../schedule/cron.ts';
import { compileSchedule, isSchedule, type AnySchedule } from '../schedule/schedule.ts';
import { scheduledRunInput, validateScheduleDef, type WorkflowScheduleDef } from '../schedule/schedule-def.ts';
import { addDslWorkflow, run, toRegistry, type RunOptions, type WorkflowRun } from './run.ts';
import { VirtualClock } from './virtual-clock.ts';

/** Options of {@link runSchedule}: those of `run()`, and how many fires. */
export interface ScheduleRunOptions extends Omit<RunOptions, 'clock'> {
  /** How many fires to run, from `from` on. @default 1 */
  readonly fires?: number;
  /** Virtual time the schedule is looked at from, epoch ms: the first fire is the first cron time after it. @default 2026-01-01T00:00:00Z */
  readonly from?: number;
  /** The fire's id (the server's `_executionId`, a UUID), by fire number from 0. @default a random UUID */
  readonly executionId?: (fire: number) => string;
}

/**
 * Fires a schedule on the virtual clock as conductor-oss 3.32.3 does: the next `fires` cron
 * times after `from` (in the schedule's zone, within its start and end times), each starting the
 * workflow with the schedule's input and the five scheduler keys (`_startedByScheduler`,
 * `_scheduledTime`, `_executedTime` = the fire time here, `_executionId`, `_schedulerCron` =
 * `"<cron> <zone>"`). Each run gets its own virtual clock starting at its fire time, and runs
 * until it ends or waits, as with `run()`. A paused schedule fires nothing.
 * @throws DefinitionError when the schedule is invalid (the same checks as `validate`), Error
 * when its workflow is not in the registry.
 *
 * @example
 * ```ts
 * const [first] = await runSchedule(nightly, { registry: await loadGenerated(), from: Date.UTC(2026, 0, 1) });
 * expect(first?.input['_scheduledTime']).toBe(Date.UTC(2026, 0, 1, 1));
 * ```
 */
export async function runSchedule(schedule: AnySchedule | WorkflowScheduleDef, options: ScheduleRunOptions = {}): Promise<WorkflowRun[]> {
  const def = isSchedule(schedule) ? compileSchedule(schedule) : schedule;
  const registry = toRegistry(options.registry);
  if (isSchedule(schedule)) addDslWorkflow(registry, schedule.workflow);
  const known = registry.allWorkflows().map((w) => ({ name: w.name, version: w.version }));
  const issues = validateScheduleDef(def, { workflows: known });
  if (issues.length > 0) throw new DefinitionError(issues, `schedule ${def.name}`);
  const cron = parseCron(def.cronExpression);
  if ('problem' in cron || def.paused === true) return [];
  const times = nextFireTimes(cron, options.from ?? new VirtualClock().now(), options.fires ?? 1, { zone: def.zoneId, startTime: def.scheduleStartTime, endTime: def.scheduleEndTime });
  const workflow = registry.workflow(def.startWorkflowRequest.name, def.startWorkflowRequest.version);
  if (workflow === undefined) throw new Error(`workflow "${def.startWorkflowRequest.name}" is not in the registry; pass it in options.registry (loadGenerated() reads generated/).`);
  const runs: WorkflowRun[] = [];
  for (const [i, at] of times.entries()) {
    const input = scheduledRunInput(def, at, at, options.executionId?.(i) ?? randomUUID());
    runs.push(await run(workflow, input, { ...options, registry, clock: new VirtualClock(at) }));
  }
  return runs;
}
