/**
 * A JOIN's and an EXCLUSIVE_JOIN's verdict each time they look (conductor-oss 3.32.3's
 * `Join.execute` and `ExclusiveJoin.execute`); the engine looks once a decide ends.
 */
import { isTerminal, SUCCESSFUL, type Execution } from './execution.ts';
import type { TaskRun, TaskRunStatus } from './types.ts';

/** What a JOIN does now: undefined while it waits. */
export interface JoinVerdict {
  readonly status: TaskRunStatus;
  readonly output: Record<string, unknown>;
  readonly reason?: string;
}

/**
 * conductor-oss 3.32.3's `Join.execute`: inside a loop the joined refs get the iteration suffix
 * (so do the output keys); a failed task that is neither optional nor permissive fails the JOIN
 * at once, a permissive one once all are terminal (reason: their reasons joined by a space); an
 * optional one that failed makes it COMPLETED_WITH_ERRORS with `<taskDefName>/<taskId> ... completed
 * with errors`. Joined tasks without output are left out of its output. EXCLUSIVE_JOIN takes the
 * output of the first joined task that completed.
 */
export function joinVerdict(exec: Execution, join: TaskRun): JoinVerdict | undefined {
  const given = (join.inputData['joinOn'] as string[] | undefined) ?? [];
  const refs = join.iteration > 0 ? given.map((r) => `${r}__${join.iteration}`) : given;
  const runs = refs.map((ref) => exec.byRef.get(ref));
  if (join.taskType === 'EXCLUSIVE_JOIN') return exclusiveVerdict(exec, join, runs);
  const allTerminal = runs.every((r) => r !== undefined && isTerminal(r.status));
  // The server adds each joined output as it looks (every decide), so what it saw before stays.
  const output = join.outputData;
  const optionalFailures: string[] = [];
  for (const [i, run] of runs.entries()) {
    if (run === undefined) continue;
    if (Object.keys(run.outputData).length > 0) output[refs[i] as string] = run.outputData;
    const wt = run.workflowTask;
    if (failedRun(run) && wt.optional !== true && (wt.permissive !== true || allTerminal)) {
      exec.publish(join);
      const reasons = runs.filter((r): r is TaskRun => r !== undefined && failedRun(r) && r.reasonForIncompletion !== undefined);
      const realFailure = runs.some((r) => r !== undefined && failedRun(r) && r.workflowTask.optional !== true && r.status !== 'CANCELED');
      return { status: realFailure ? 'FAILED' : 'CANCELED', output, reason: reasons.map((r) => r.reasonForIncompletion).join(' ') };
    }
    if (wt.optional === true && run.status === 'COMPLETED_WITH_ERRORS') optionalFailures.push(`${run.taskDefName}/${run.taskId}`);
  }
  // Once per look, not once per joined task (a 100-branch fork would publish 10,000 times).
  exec.publish(join);
  if (!allTerminal) return undefined;
  if (optionalFailures.length > 0) return { status: 'COMPLETED_WITH_ERRORS', output, reason: `${optionalFailures.join(' ')} completed with errors` };
  return { status: 'COMPLETED', output };
}

const failedRun = (run: TaskRun): boolean => isTerminal(run.status) && !SUCCESSFUL.has(run.status);

/**
 * conductor-oss 3.32.3's `ExclusiveJoin.execute`: the first joinOn task that was scheduled
 * decides (else the first scheduled of `defaultExclusiveJoinTask`): once it is terminal the
 * EXCLUSIVE_JOIN takes its output, or fails with its reason.
 */
function exclusiveVerdict(exec: Execution, join: TaskRun, runs: readonly (TaskRun | undefined)[]): JoinVerdict | undefined {
  const scheduled = (r: TaskRun | undefined): r is TaskRun => r !== undefined && r.status !== 'SKIPPED';
  let chosen = runs.find(scheduled);
  let failure: string | undefined;
  if (chosen !== undefined && failedRun(chosen) && (chosen.workflowTask.permissive !== true || runs.every((r) => r !== undefined && isTerminal(r.status)))) {
    failure = runs.filter((r): r is TaskRun => r !== undefined && failedRun(r)).map((r) => r.reasonForIncompletion ?? 'null').join(' ');
  }
  if (chosen === undefined || !isTerminal(chosen.status)) {
    const defaults = ((join.inputData['defaultExclusiveJoinTask'] as string[] | undefined) ?? []).map((ref) => exec.byRef.get(ref));
    chosen = defaults.find(scheduled);
    if (chosen !== undefined && failedRun(chosen)) failure = `${chosen.reasonForIncompletion ?? 'null'} `;
  }
  if (failure !== undefined) return { status: 'FAILED', output: {}, reason: failure };
  if (chosen === undefined || !isTerminal(chosen.status)) return undefined;
  return { status: 'COMPLETED', output: { ...chosen.outputData } };
}
