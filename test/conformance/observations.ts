import { fieldDiffs } from '../../src/sync/field-diff.ts';

/**
 * What one side (the real server or the dev server) answered in one scenario, step by step, with
 * ids and times normalised so that the two sides can be compared field by field.
 */
export class Observations {
  private readonly steps: [string, unknown][] = [];
  private readonly labels = new Map<string, string>();

  /** Records the answer of one step (any JSON: a status and body, a workflow, a list of tasks...). */
  see(step: string, value: unknown): void {
    this.steps.push([step, value]);
  }

  /**
   * Names an id (a workflow id, a task id) the scenario learned: it reads as `<name>` in every
   * answer, so that "the failed task is the one polled first" is still compared. Ids left unnamed
   * read as `<id>`.
   */
  label(id: unknown, name: string): void {
    if (typeof id === 'string' && id !== '' && !this.labels.has(id)) this.labels.set(id, `<${name}>`);
  }

  /** The steps, normalised: `{ step: answer }`. */
  normalised(): Record<string, unknown> {
    return Object.fromEntries(this.steps.map(([step, value]) => [step, this.normalise(value, '')]));
  }

  private normalise(value: unknown, key: string): unknown {
    if (Array.isArray(value)) {
      const items = value.map((item) => this.normalise(item, key));
      // The server collects constraint violations in a hash set: their order is not part of the answer.
      return key === 'validationErrors' ? items.sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))) : items;
    }
    if (typeof value === 'object' && value !== null) {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.normalise(v, k)]));
    }
    if (typeof value === 'number' && DURATION_KEYS.has(key)) return '<ms>';
    if (typeof value === 'number' && TIME_KEYS.has(key)) return value > 0 ? '<time>' : value;
    if (typeof value === 'string') {
      if (ISO_TIME.test(value)) return '<time>';
      let text = value;
      for (const [id, name] of this.labels) text = text.split(id).join(name);
      return text.replace(UUID, '<id>');
    }
    return value;
  }
}

/** Epoch-millisecond fields: `<time>` when set, 0 kept (a time the server leaves unset is a difference). */
const TIME_KEYS: ReadonlySet<string> = new Set(['createTime', 'updateTime', 'startTime', 'endTime', 'scheduledTime', 'lastRetriedTime', 'firstStartTime', 'createdTime', 'lastPollTime']);
/** Durations that depend on how fast the caller was, not on behaviour. */
const DURATION_KEYS: ReadonlySet<string> = new Set(['queueWaitTime', 'executionTime']);
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

/** One field where the dev server answered otherwise than the real server. */
export interface FieldDifference {
  /** `step path` with list positions kept, e.g. `workflow tasks[1].status`. */
  readonly path: string;
  /** The same with list positions dropped (`workflow tasks[].status`): one kind of difference. */
  readonly kind: string;
  readonly server: unknown;
  readonly dev: unknown;
}

/** The fields of two normalised observation sets that differ, and how many fields the server's has. */
export function compareObservations(server: Record<string, unknown>, dev: Record<string, unknown>): { fields: number; differences: FieldDifference[] } {
  const differences = fieldDiffs(dev, server).map((d) => ({ path: d.path, kind: d.path.replace(/\[\d+\]/g, '[]'), server: d.remote, dev: d.local }));
  return { fields: countLeaves(server), differences };
}

function countLeaves(value: unknown): number {
  if (Array.isArray(value)) return value.length === 0 ? 1 : value.reduce((n: number, v) => n + countLeaves(v), 0);
  if (typeof value === 'object' && value !== null) {
    const entries = Object.values(value);
    return entries.length === 0 ? 1 : entries.reduce((n: number, v) => n + countLeaves(v), 0);
  }
  return 1;
}

/** A value as a table cell shows it: short JSON, `(absent)` for a missing field. */
export function shown(value: unknown): string {
  if (value === undefined) return '(absent)';
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
