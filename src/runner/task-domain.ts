/**
 * The domain a worker task is queued in, as conductor-oss 3.32.3 picks it
 * (`WorkflowExecutorOps.setTaskDomains`, `getActiveDomain`), for the runner, where a worker given
 * with a `domain` is always polling.
 */

/**
 * The domain of a worker task of `taskType` under `taskToDomain` (its own entry over `*`): of the
 * comma-separated domains, the first where a worker polls (`polled`), else the last;
 * `NO_DOMAIN` (any case) and no entry mean the default queue (undefined).
 */
export function queueDomain(taskType: string, taskToDomain: Readonly<Record<string, string>>, polled: (domain: string) => boolean): string | undefined {
  const mapped = taskToDomain[taskType] ?? (taskToDomain['*']?.trim() ? taskToDomain['*'] : undefined);
  if (mapped === undefined) return undefined;
  const domains = mapped.split(',').map((d) => d.trim());
  const chosen = domains.find((d) => d.toUpperCase() !== 'NO_DOMAIN' && polled(d)) ?? (domains[domains.length - 1] as string);
  return chosen.toUpperCase() === 'NO_DOMAIN' ? undefined : chosen;
}
