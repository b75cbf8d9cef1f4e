import type { MetadataApi } from '../sync/metadata-api.ts';

/**
 * What a Conductor server adds to the schedules it stores, learned by saving minimal schedules
 * and reading them back (see {@link learnScheduleDefaults}): a field holding the value it has
 * here is the same as the field left out.
 */
export interface ScheduleDefaults {
  /** Which server this was learned from, e.g. `conductor-oss 3.32.3`. */
  readonly server: string;
  /** Fields the server sets on every save (times): never part of a schedule's content. */
  readonly bookkeeping: readonly string[];
  /** WorkflowSchedule fields the server fills in (`POST /api/scheduler/schedules`). */
  readonly schedule: Readonly<Record<string, unknown>>;
  /** Fields of its `startWorkflowRequest` the server fills in. */
  readonly startWorkflowRequest: Readonly<Record<string, unknown>>;
}

function must<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`the server did not return schedule ${what} right after saving it; is it a Conductor server with the scheduler?`);
  return value;
}

const sortKeys = (record: Record<string, unknown>): Record<string, unknown> => Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));

/**
 * Learns a server's {@link ScheduleDefaults}: saves two minimal schedules a moment apart (named
 * `k1_probe_schedule_*`, of a workflow that does not exist, firing once a year; deleted again at
 * the end, even when learning fails), reads them back, and records what the server added; what
 * differs between the two reads is bookkeeping.
 */
export async function learnScheduleDefaults(api: MetadataApi, server: string): Promise<ScheduleDefaults> {
  const suffix = Date.now().toString(36);
  const names = [`k1_probe_schedule_${suffix}`, `k1_probe_schedule2_${suffix}`] as const;
  const sent = (name: string) => ({ name, cronExpression: '0 0 0 1 1 *', startWorkflowRequest: { name: `k1_probe_none_${suffix}` } });
  try {
    await api.saveSchedule(sent(names[0]));
    const first = must(await api.getSchedule(names[0]), names[0]);
    await new Promise((resolve) => setTimeout(resolve, 20));
    await api.saveSchedule(sent(names[1]));
    const second = must(await api.getSchedule(names[1]), names[1]);
    const bookkeeping = Object.keys({ ...first, ...second }).filter((k) => k !== 'name' && JSON.stringify(first[k]) !== JSON.stringify(second[k]));
    const schedule: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(first)) if (!(key in sent(names[0])) && !bookkeeping.includes(key)) schedule[key] = value;
    const request: Record<string, unknown> = {};
    for (const [key, value] of Object.entries((first['startWorkflowRequest'] ?? {}) as Record<string, unknown>)) if (key !== 'name') request[key] = value;
    return { server, bookkeeping: bookkeeping.sort(), schedule: sortKeys(schedule), startWorkflowRequest: sortKeys(request) };
  } finally {
    for (const name of names) await api.deleteSchedule(name).catch(() => undefined);
  }
}

/** The TypeScript source of `learned-schedule-defaults.ts` for what {@link learnScheduleDefaults} learned. */
export function learnedScheduleDefaultsSource(learned: ScheduleDefaults): string {
  return `// Written by \`npm run learn-defaults\` from what ${learned.server} answered; do not edit by hand.
// The conformance suite checks it against the real server.
import type { ScheduleDefaults } from './learn-schedule-defaults.ts';

/** What ${learned.server} adds to stored schedules: a field at this value equals its absence. */
export const LEARNED_SCHEDULE_DEFAULTS: ScheduleDefaults = ${JSON.stringify(learned, null, 2)};
`;
}
