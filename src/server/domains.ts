/**
 * Task domains as conductor-oss 3.32.3 assigns them (`WorkflowExecutorOps.setTaskDomains` and
 * `getActiveDomain`): a worker task is queued in the domain its workflow's `taskToDomain` maps its
 * type to (`*` maps every worker task; a type's own entry wins), and only a poll that names exactly
 * that domain gets it; a poll without a domain gets the tasks queued without one.
 */

import { queueDomain } from '../runner/task-domain.ts';

/** How long after its last poll a domain counts as having active workers: the server's `activeWorkerLastPollTimeout`. */
export const ACTIVE_WORKER_LAST_POLL_MS = 10_000;

/** One task type's last poll in one domain. */
export interface PollEntry {
  readonly domain: string | undefined;
  readonly workerId: string | undefined;
  /** Epoch ms. */
  readonly lastPollTime: number;
}

/** When each task type was last polled in each domain, and by whom (the server's poll data). */
export class PollRecord {
  private readonly last = new Map<string, Map<string, PollEntry>>();

  /** Notes a poll now. */
  polled(taskType: string, domain: string | undefined, workerId: string | undefined): void {
    const byDomain = this.last.get(taskType) ?? new Map<string, PollEntry>();
    byDomain.set(domain ?? '', { domain, workerId, lastPollTime: Date.now() });
    this.last.set(taskType, byDomain);
  }

  /** Epoch ms of the last poll, or undefined when none came. */
  lastPoll(taskType: string, domain: string | undefined): number | undefined {
    return this.last.get(taskType)?.get(domain ?? '')?.lastPollTime;
  }

  /** The last poll of a task type in each domain, in the order the domains were first polled. */
  of(taskType: string): PollEntry[] {
    return [...(this.last.get(taskType)?.values() ?? [])];
  }
}

/**
 * The domain a worker task of `taskType` is queued in: of the comma-separated domains mapped to it
 * (its own entry over `*`), the first one polled within {@link ACTIVE_WORKER_LAST_POLL_MS}, else the
 * last one; `NO_DOMAIN` means the default queue. Undefined: the default queue.
 */
export function domainOf(taskType: string, taskToDomain: Readonly<Record<string, string>>, polls: PollRecord): string | undefined {
  const now = Date.now();
  return queueDomain(taskType, taskToDomain, (domain) => now - (polls.lastPoll(taskType, domain) ?? -Infinity) <= ACTIVE_WORKER_LAST_POLL_MS);
}
