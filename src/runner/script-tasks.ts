/**
 * INLINE, LAMBDA and JSON_JQ_TRANSFORM as conductor-oss 3.32.3 runs them (`Inline`, `Lambda`,
 * `JsonJqTransform`), failures worded as the server words them.
 */
import { ScriptError } from './script-sandbox.ts';
import { plainCopy } from './plain-copy.ts';
import { message, type SystemTask } from './system-task.ts';

/** The evaluators an INLINE task may name (`value-param` reads an input; the others run JavaScript). */
const INLINE_EVALUATORS: ReadonlySet<string> = new Set(['value-param', 'javascript', 'graaljs']);

/**
 * INLINE: `evaluatorType` (javascript when absent) runs `expression` with `$` = the task's input;
 * output `{ result }`. A blank or unknown evaluator, a blank expression or a script error ends it
 * FAILED_WITH_TERMINAL_ERROR, a script that runs too long FAILED, with `{ error }` as output.
 */
export const INLINE: SystemTask = {
  start(ctx, run) {
    const input = run.inputData;
    const evaluator = input['evaluatorType'] === undefined || input['evaluatorType'] === null ? 'javascript' : String(input['evaluatorType']);
    const expression = typeof input['expression'] === 'string' ? input['expression'] : '';
    let problem: string | undefined;
    if (evaluator.trim() === '') problem = "Empty 'evaluatorType' in INLINE task's input parameters. A non-empty String value must be provided.";
    else if (!INLINE_EVALUATORS.has(evaluator)) problem = `Unknown evaluator '${evaluator}' in INLINE task.`;
    else if (expression.trim() === '') problem = "Empty 'expression' in Inline task's input parameters. A non-empty String value must be provided.";
    if (problem !== undefined) return ctx.finish(run, 'FAILED_WITH_TERMINAL_ERROR', { error: problem }, problem);
    try {
      const result = evaluator === 'value-param' ? valueParam(input[expression], run.outputData) : ctx.sandbox.evaluate(expression, input);
      ctx.finish(run, 'COMPLETED', { result });
    } catch (e) {
      const status = e instanceof ScriptError && e.timedOut ? 'FAILED' : 'FAILED_WITH_TERMINAL_ERROR';
      ctx.finish(run, status, { error: message(e) }, message(e));
    }
  },
};

/**
 * `value-param`'s result: the input value itself, as the server adds it to the output. One that
 * holds the task's own output (`${loop.output}` inside that loop, whose iteration entry holds this
 * task's output) would make a cycle, which conductor-oss 3.32.3 cannot store (the test endpoint
 * answers 500 `Unable to upload payload to external storage`): the runner takes a copy instead.
 */
function valueParam(value: unknown, ownOutput: object): unknown {
  if (value === undefined || value === null) return null;
  return typeof value === 'object' && reaches(value, ownOutput) ? plainCopy(value) : value;
}

/** Whether `target` is `value` or inside it. */
function reaches(value: object, target: object): boolean {
  const seen = new Set<object>();
  const pending: object[] = [value];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    if (next === target) return true;
    if (seen.has(next)) continue;
    seen.add(next);
    for (const item of Object.values(next)) if (typeof item === 'object' && item !== null) pending.push(item as object);
  }
  return false;
}

/** LAMBDA: `scriptExpression` is a function body (it ends with `return`); output `{ result }`; a failure is FAILED. */
export const LAMBDA: SystemTask = {
  start(ctx, run) {
    const source = run.inputData['scriptExpression'];
    if (typeof source !== 'string' || source.trim() === '') {
      return ctx.finish(run, 'FAILED', {}, "Empty 'scriptExpression' in Lambda task's input parameters. A non-empty String value must be provided.");
    }
    try {
      ctx.finish(run, 'COMPLETED', { result: ctx.sandbox.evaluate(`function scriptFun(){${source}} scriptFun();`, run.inputData) });
    } catch (e) {
      ctx.finish(run, 'FAILED', { error: message(e) }, message(e));
    }
  },
};

/** jq 1.7's wording, and jackson-jq's (what the server says). */
const JACKSON_JQ_WORDING: readonly (readonly [RegExp, string])[] = [
  [/^Cannot index (\w+) with (\w+) \((.*)\)$/, 'Cannot index $1 with $2 $3'],
  [/^Cannot index (\w+) with "(.*)"$/, 'Cannot index $1 with string "$2"'],
];

/**
 * JSON_JQ_TRANSFORM: jq over the task's input, on the script worker under the script time limit;
 * output `{ result: first, resultList: all }`. A failure (a jq error, a timeout) is FAILED.
 */
export const JSON_JQ_TRANSFORM: SystemTask = {
  start(ctx, run) {
    const query = run.inputData['queryExpression'];
    if (typeof query !== 'string') return ctx.finish(run, 'FAILED', {}, "Missing 'queryExpression' in input parameters");
    try {
      const results = ctx.sandbox.jq(query, run.inputData);
      ctx.finish(run, 'COMPLETED', { result: results[0] ?? null, resultList: results });
    } catch (e) {
      const text = JACKSON_JQ_WORDING.reduce((m, [pattern, replacement]) => m.replace(pattern, replacement), message(e).replace(/^jq: error \(at [^)]*\): /, ''));
      ctx.finish(run, 'FAILED', { error: text }, text);
    }
  },
};
