import type { TaskDef } from '../conductor-types.ts';

/**
 * Seconds before retry number `attempt + 1`, as `DeciderService.retry` computes it: FIXED d,
 * LINEAR_BACKOFF d·backoffScaleFactor·(n+1), EXPONENTIAL_BACKOFF d·2ⁿ (an overflow of Java's int
 * reads as its largest value), each capped by `maxRetryDelaySeconds` when that is above 0.
 * `backoffJitterMs` (a random extra) is left out: the runner's clock stays deterministic.
 */
export function retryDelaySeconds(def: TaskDef | undefined, attempt: number): number {
  const delay = def?.retryDelaySeconds ?? 0;
  let seconds: number;
  switch (def?.retryLogic) {
    case 'LINEAR_BACKOFF':
      seconds = delay * (def.backoffScaleFactor ?? 1) * (attempt + 1);
      break;
    case 'EXPONENTIAL_BACKOFF':
      seconds = delay * 2 ** attempt;
      break;
    default:
      seconds = delay;
  }
  seconds = Math.min(seconds, 2 ** 31 - 1);
  const cap = (def as { maxRetryDelaySeconds?: number } | undefined)?.maxRetryDelaySeconds ?? 0;
  return cap > 0 ? Math.min(seconds, cap) : seconds;
}
