/**
 * The in-process expression walker (script-expression.ts) answers exactly what the script worker
 * answers for what it takes, and leaves everything that could run code, reach outside `$` or fail
 * to the worker.
 */
import { describe, expect, it } from 'vitest';
import type { WorkflowDef, WorkflowTask } from '../../src/conductor-types.ts';
import { evaluateInProcess, NOT_IN_PROCESS } from '../../src/runner/script-expression.ts';
import { ScriptSandbox } from '../../src/runner/script-sandbox.ts';
import { ScriptWorker } from '../../src/runner/script-worker.ts';
import { run } from '../../src/testing.ts';

const worker = new ScriptWorker();

/** The worker's answer as JSON text (what the sandbox parses). */
function viaWorker(source: string, input: unknown): string {
  const answer = worker.evaluate({ kind: 'javascript', scope: 'expression-test', source, input: JSON.stringify(input) }, 4000);
  if (answer.ok !== true) throw new Error(`the worker did not answer ${source}: ${JSON.stringify(answer)}`);
  return answer.json;
}

const input = {
  loop: { iteration: 3, loopIndex: 2 },
  body: { v: 'x', n: 0, list: [1, 'two', null, { k: true }], nested: { deep: { er: [5] } } },
  approved: true,
  count: '7',
  empty: '',
  nothing: null,
  'odd key': 1,
  __proto__x: 2,
};

const EXPRESSIONS = [
  '$.loop.iteration < 10',
  '$.loop.iteration < 3',
  '$.approved === true ? "approved" : "not_approved"',
  "$['odd key'] + $.count",
  '$.count == 7 && $.count !== 7',
  '$.body.list.length > 3 || false',
  '$.body.list[1]',
  '$.body.list[9]',
  '$.body.list["3"].k',
  '$.body.v.length',
  '$.body.v[0]',
  '$.missing',
  '$.missing === undefined',
  '$.nothing ?? "fallback"',
  '$.empty || "empty was falsy"',
  '$.body.nested?.deep?.er[0]',
  '$.missing?.deep.er[0]',
  '$.nothing?.x',
  'typeof $.body.list',
  '!$.body.n',
  '-$.count + +$.count * 2 ** 3 % 5',
  '~$.loop.iteration | 1 ^ 2 & 3 << 1 >> 1 >>> 0',
  '$.body.list + ""',
  '$.body.nested + 1',
  '`iteration ${$.loop.iteration} of ${$.body.list}`',
  '({ a: $.loop.iteration, b: [$.body.v, $.missing, $.body.n / 0], "c d": { e: NaN } })',
  '[1, 2, Infinity]',
  '$.loop.iteration >= 3 ? $.body.nested.deep : null',
  '$.missing',
  '$.body.list[1.5]',
  '$.body.list.foo',
  '$.body.list[-1]',
  '$.body.v - 1',
  '$.__proto__x',
  '1; ',
];

describe('the in-process expression walker', () => {
  it.each(EXPRESSIONS)('%s: answers in process, as the worker does', (source) => {
    const value = evaluateInProcess(source, JSON.parse(JSON.stringify(input)));
    expect(value).not.toBe(NOT_IN_PROCESS);
    expect(JSON.stringify(value === undefined ? null : value)).toBe(viaWorker(source, input));
  });

  it.each([
    ['a call', '$.body.v.toUpperCase()'],
    ['a call of a global', 'Math.max($.loop.iteration, 4)'],
    ['a name other than $', 'x'],
    ['globalThis', 'globalThis'],
    ['this', 'this.constructor.constructor("return process")()'],
    ['an assignment', '$.loop.iteration = 100'],
    ['an update', '$.loop.iteration++'],
    ['a function', '(() => 1)'],
    ['new', 'new Array(5)'],
    ['a regular expression', '/a+/'],
    ['two statements', 'var x = 1; x'],
    ['a sequence', '($.a, $.b)'],
    ['an inherited property of an object', '$.body.constructor'],
    ['__proto__', '$.body.__proto__'],
    ['an inherited method of a list (the Java List size())', '$.body.list.size'],
    ['a method of a list', '$.body.list.map'],
    ['a property of a number', '$.loop.iteration.toFixed'],
    ['a property of null (a TypeError, worded by the worker)', '$.nothing.x'],
    ['a property of undefined', '$.missing.x'],
    ['a __proto__ key in an object literal', '({ __proto__: $.body })'],
    ['a computed key in an object literal', '({ [$.body.v]: 1 })'],
    ['a spread', '[...$.body.list]'],
    ['in', '"v" in $.body'],
    ['a syntax error', '$.loop.iteration <'],
    ['a BigInt', '10n'],
    ['delete', 'delete $.body'],
    ['void', 'void 0'],
    ['nesting deeper than 64', `${'!'.repeat(100)}1`],
  ])('leaves %s to the worker', (_what, source) => {
    expect(evaluateInProcess(source, JSON.parse(JSON.stringify(input)))).toBe(NOT_IN_PROCESS);
  });

  it("a run whose scripts used the worker context keeps using it: that context's changes show, as on the worker", () => {
    const sandbox = new ScriptSandbox();
    expect(sandbox.evaluate('$.polluted', {})).toBeNull();
    expect(sandbox.evaluate('Object.prototype.polluted = "yes"; 1', {})).toBe(1);
    // Read in process it would be undefined (null); the run's context says "yes".
    expect(sandbox.evaluate('$.polluted', {})).toBe('yes');
    expect(new ScriptSandbox().evaluate('$.polluted', {})).toBeNull();
  });

  it('a loop condition read in process ends the loop where the worker would, and a condition error still has the server wording', async () => {
    const body: WorkflowTask = { name: 'sv', taskReferenceName: 'sv', type: 'SET_VARIABLE', inputParameters: { i: '${loop.output.iteration}' } };
    const loop = (loopCondition: string): WorkflowDef => ({
      name: 'expression-loop',
      version: 1,
      timeoutSeconds: 0,
      tasks: [{ name: 'loop', taskReferenceName: 'loop', type: 'DO_WHILE', loopCondition, loopOver: [body] }],
    });
    const counted = await run(loop('$.loop.iteration < 5'), {});
    expect([counted.status, counted.task('loop')?.outputData['iteration']]).toEqual(['COMPLETED', 5]);
    const failed = await run(loop('$.nothing.iteration < 5'), {});
    expect([failed.status, failed.task('loop')?.reasonForIncompletion]).toEqual([
      'FAILED',
      "Unable to evaluate condition $.nothing.iteration < 5, exception Error evaluating the script `TypeError: Cannot read property 'iteration' of undefined` at line 1",
    ]);
  });
});
