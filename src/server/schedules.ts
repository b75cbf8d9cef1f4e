import { randomUUID } from 'node:crypto';
import { nextFireTimes, parseCron } from '../schedule/cron.ts';
import { scheduledRunInput, validateScheduleDef, type WorkflowScheduleDef } from '../schedule/schedule-def.ts';
import { storedSchedule } from '../schedule/stored-schedule.ts';
import { HttpError, notFound } from './http.ts';
import type { DevRuntime } from './runtime.ts';
import { serverValidationError, validationFailed } from './validation-errors.ts';

/** One saved schedule: the stored form the API answers with, and which timer is its own. */
interface Entry {
  stored: Record<string, unknown>;
  def: WorkflowScheduleDef;
  /** Bumped on every save, pause, resume and delete: a timer armed for an older generation does nothing. */
  generation: number;
}

/**
 * The dev server's scheduler: the schedules saved through `/api/scheduler`, stored as
 * conductor-oss 3.32.3 stores them (learned-schedule-defaults.ts), each fired on real time at its
 * cron times with the five scheduler keys in the run's input (scheduledRunInput). Unlike the real
 * server, which saves a bad cron, zone or an unknown workflow and then never fires (or fails every
 * fire), it refuses them with 400 naming the field, as it refuses invalid definitions.
 */
export class DevScheduler {
  private readonly entries = new Map<string, Entry>();
  private closed = false;

  constructor(private readonly runtime: DevRuntime) {}

  /** POST /api/scheduler/schedules: checks, stores (replacing one of that name), arms the next fire; answers the stored form. */
  save(body: unknown): Record<string, unknown> {
    const known = this.runtime.store.registry.allWorkflows().map((w) => ({ name: w.name, version: w.version }));
    const issues = validateScheduleDef(body, { workflows: known });
    if (issues.length > 0) {
      throw validationFailed(issues.map((issue) => serverValidationError(issue, 'createOrUpdateSchedule.arg0', body)));
    }
    const def = body as WorkflowScheduleDef;
    const previous = this.entries.get(def.name);
    const stored = storedSchedule(def, Date.now(), previous?.stored);
    const entry: Entry = { stored, def, generation: (previous?.generation ?? 0) + 1 };
    this.entries.set(def.name, entry);
    this.arm(entry, Date.now());
    return stored;
  }

  /** GET /api/scheduler/schedules/{name}; 404 in the server's words. */
  get(name: string): Record<string, unknown> {
    return this.entry(name).stored;
  }

  /** GET /api/scheduler/schedules[?workflowName=]. */
  list(workflowName: string | undefined): Record<string, unknown>[] {
    return [...this.entries.values()].filter((e) => workflowName === undefined || e.def.startWorkflowRequest.name === workflowName).map((e) => e.stored);
  }

  /** DELETE /api/scheduler/schedules/{name}: 200 whether or not it exists, as on the server. */
  delete(name: string): void {
    const entry = this.entries.get(name);
    if (entry !== undefined) entry.generation++;
    this.entries.delete(name);
  }

  /** PUT .../{name}/pause and .../resume: 404 for an unknown schedule, as on the server. */
  setPaused(name: string, paused: boolean, reason?: string): void {
    const entry = this.entry(name);
    entry.def = { ...entry.def, paused };
    entry.stored = { ...entry.stored, paused, ...(paused && reason !== undefined ? { pausedReason: reason } : {}), updatedTime: Date.now() };
    if (!paused) delete entry.stored['pausedReason'];
    entry.generation++;
    this.arm(entry, Date.now());
  }

  /**
   * GET /api/scheduler/nextFewSchedules: at most 5 (and at most `limit`) times after now, read in
   * UTC as the server reads them (it ignores any zone here); 500 "Invalid cron expression" for a
   * cron Spring cannot parse, as the server answers.
   */
  preview(cronExpression: string, startTime: number | undefined, endTime: number | undefined, limit: number): number[] {
    const cron = parseCron(cronExpression);
    if ('problem' in cron) throw new HttpError(500, 'Invalid cron expression');
    return nextFireTimes(cron, Date.now(), Math.max(0, Math.min(5, limit)), { startTime, endTime });
  }

  /** Stops firing: the server is closing. */
  close(): void {
    this.closed = true;
  }

  private entry(name: string): Entry {
    const entry = this.entries.get(name);
    if (entry === undefined) throw notFound(`Schedule '${name}' not found`);
    return entry;
  }

  /** Arms the entry's next fire after `after`, unless it is paused or has none left. */
  private arm(entry: Entry, after: number): void {
    const cron = parseCron(entry.def.cronExpression);
    if ('problem' in cron || entry.def.paused === true || this.closed) return;
    const [at] = nextFireTimes(cron, after, 1, { zone: entry.def.zoneId, startTime: entry.def.scheduleStartTime, endTime: entry.def.scheduleEndTime });
    if (at === undefined) return;
    const generation = entry.generation;
    this.runtime.clock.schedule(at - Date.now(), () => {
      if (this.closed || entry.generation !== generation || this.entries.get(entry.def.name) !== entry) return;
      // Re-armed only if nothing re-armed it meanwhile (a resume during the fire arms it itself).
      void this.fire(entry, at).finally(() => {
        if (entry.generation === generation) this.arm(entry, at);
      });
    });
  }

  private async fire(entry: Entry, at: number): Promise<void> {
    const { def } = entry;
    try {
      const workflow = this.runtime.store.getWorkflow(def.startWorkflowRequest.name, def.startWorkflowRequest.version);
      await this.runtime.start(workflow, scheduledRunInput(def, at, Date.now(), randomUUID()));
    } catch (error) {
      // The server records such a fire as FAILED with the reason, and fires again at the next time.
      console.warn(`[k1 dev server] schedule ${def.name} could not start ${def.startWorkflowRequest.name} at ${new Date(at).toISOString()}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
