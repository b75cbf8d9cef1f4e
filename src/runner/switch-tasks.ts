/**
 * SWITCH and the deprecated DECISION, as conductor-oss 3.32.3's `SwitchTaskMapper` and
 * `DecisionTaskMapper` lay them out: the task, its evaluated case, and the case's first task.
 */
import type { WorkflowTask } from '../conductor-types.ts';
import { javaToString } from './parameters-text.ts';
import { message, type SystemTask, type SystemTaskContext } from './system-task.ts';
import type { TaskRun } from './types.ts';

/** The evaluators a SWITCH may name (`value-param` reads an input; the others run JavaScript). */
const SWITCH_EVALUATORS: ReadonlySet<string> = new Set(['value-param', 'javascript', 'graaljs']);

/** Java's `"" + value` for what an evaluator returned: `null`, strings as they are, `{a=1}` for maps. */
function caseText(value: unknown): string {
  return javaToString(value);
}

/**
 * Marks the switch done with its bookkeeping and schedules the case's first task, or moves on
 * when the case has no task. `hasChildren: "true"` is written only when a task was scheduled.
 */
function choose(ctx: SystemTaskContext, run: TaskRun, input: Record<string, unknown>, output: Record<string, unknown>, list: readonly WorkflowTask[] | undefined): void {
  const first = list?.[0];
  run.inputData = { ...input, ...(first !== undefined && { hasChildren: 'true' }) };
  ctx.engine.markDone(ctx.execution, run, 'COMPLETED', output);
  if (first === undefined) ctx.engine.enqueue(() => ctx.engine.next(ctx.execution, run.workflowTask));
  else ctx.engine.schedule(ctx.execution, first);
}

/**
 * SWITCH: the evaluator's result as text picks a case; a case that is not there picks the
 * default (an explicitly empty case does not). The task's input is the resolved inputParameters
 * plus `case`; its output `{ evaluationResult: [case], selectedCase: case }` (the evaluated value,
 * also on the default path). An evaluator it does not know fails the workflow; an expression
 * that throws fails the task (never retried).
 */
export const SWITCH: SystemTask = {
  expands: true,
  start(ctx, run) {
    const wt = run.workflowTask;
    const evaluator = wt.evaluatorType ?? '';
    if (!SWITCH_EVALUATORS.has(evaluator)) {
      ctx.execution.unschedule(run);
      return ctx.engine.endWorkflow(ctx.execution, 'FAILED', `No evaluator registered for type: ${wt.evaluatorType ?? null}`);
    }
    let value: unknown;
    try {
      value = evaluator === 'value-param' ? run.inputData[wt.expression ?? ''] : ctx.sandbox.evaluate(wt.expression ?? '', run.inputData);
    } catch (e) {
      return ctx.finish(run, 'FAILED', {}, message(e));
    }
    const key = caseText(value);
    const cases = wt.decisionCases ?? {};
    const list = Object.hasOwn(cases, key) ? cases[key] : wt.defaultCase;
    choose(ctx, run, { ...run.inputData, case: key }, { evaluationResult: [key], selectedCase: key }, list);
  },
};

/**
 * DECISION: `caseValueParam` names an input, or `caseExpression` is JavaScript; a case that is
 * missing or empty picks the default. Its input holds only `case` (and `hasChildren`), its output
 * `{ caseOutput: [case] }`. A failing expression fails the workflow:
 * `Error while evaluating script: <expression>`.
 */
export const DECISION: SystemTask = {
  expands: true,
  start(ctx, run) {
    const wt = run.workflowTask;
    let key: string;
    if (wt.caseExpression !== undefined && wt.caseExpression.trim() !== '') {
      try {
        key = caseText(ctx.sandbox.evaluate(wt.caseExpression, run.inputData));
      } catch {
        ctx.execution.unschedule(run);
        return ctx.engine.endWorkflow(ctx.execution, 'FAILED', `Error while evaluating script: ${wt.caseExpression}`);
      }
    } else {
      key = caseText(run.inputData[wt.caseValueParam ?? '']);
    }
    const chosen = (wt.decisionCases ?? {})[key];
    const list = chosen === undefined || chosen.length === 0 ? wt.defaultCase : chosen;
    choose(ctx, run, { case: key }, { caseOutput: [key] }, list);
  },
};
