import { LEARNED_SCHEDULE_DEFAULTS } from './learned-schedule-defaults.ts';
import type { WorkflowScheduleDef } from './schedule-def.ts';

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

function filled(defaults: Readonly<Json>, given: Json, skip: ReadonlySet<string>): Json {
  const out = structuredClone(defaults) as Json;
  for (const [key, value] of Object.entries(given)) {
    if (value === undefined || value === null || skip.has(key)) continue;
    out[key] = key === 'startWorkflowRequest' && isObject(value) ? filled(LEARNED_SCHEDULE_DEFAULTS.startWorkflowRequest, value, new Set()) : value;
  }
  return out;
}

const BOOKKEEPING: ReadonlySet<string> = new Set(LEARNED_SCHEDULE_DEFAULTS.bookkeeping);

/**
 * A schedule as the diff compares it: no bookkeeping (`createTime`, `updatedTime`), and every
 * field conductor-oss 3.32.3 fills in at its default unless set (learned-schedule-defaults.ts),
 * its `startWorkflowRequest` included, so a field left out equals the server's default.
 */
export function comparableSchedule(def: WorkflowScheduleDef | Json): Json {
  return filled(LEARNED_SCHEDULE_DEFAULTS.schedule, def as Json, BOOKKEEPING);
}

/**
 * A schedule as conductor-oss 3.32.3 stores and answers it (the dev server's read-back): the
 * defaults filled, `createTime` kept from the schedule it replaces, `updatedTime` now.
 */
export function storedSchedule(def: WorkflowScheduleDef, now: number, replaces?: Json): Json {
  const createTime = typeof replaces?.['createTime'] === 'number' ? replaces['createTime'] : now;
  return { ...comparableSchedule(def), createTime, updatedTime: now };
}
