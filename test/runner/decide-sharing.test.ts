/**
 * What conductor-oss 3.32.3 records of maps one decide shares by reference (`src/runner/rounds.ts`),
 * a server quirk the runner matches on purpose: a loop's output and `workflow.variables` read by a
 * task show what the same decide changed in them until the server wrote that task for the last
 * time. Each value below is what the server gave for the same definition and mocks through
 * `POST /api/workflow/test` (the definitions are part 4's variants, `runner-variants-decide.ts`,
 * which the conformance suite runs on the server).
 */
import { describe, expect, it } from 'vitest';
import type { WorkflowDef } from '../../src/conductor-types.ts';
import { run } from '../../src/testing.ts';
import { variant } from '../conformance/runner-variants.ts';

/** Runs a variant of part 4 with its input and mocks. */
async function runVariant(name: string): Promise<Awaited<ReturnType<typeof run>>> {
  const v = variant(name);
  return run(v.def, v.input ?? {}, { mocks: v.mocks ?? {} });
}

const input = (result: Awaited<ReturnType<typeof run>>, ref: string): Record<string, unknown> | undefined => result.task(ref)?.inputData;
const output = (result: Awaited<ReturnType<typeof run>>, ref: string): Record<string, unknown> | undefined => result.task(ref)?.outputData;

/** A loop entry holding an INLINE `peek` that read the loop's output in iteration 1 (a first task, so its own entry shows empty). */
const firstPeek = { peek: { result: { '1': { peek: {} }, iteration: 1 } } };

describe('a DO_WHILE output read inside the loop', () => {
  it('an INLINE first in the body: sees its own entry empty; recorded with the next iteration count and without that iteration', async () => {
    const result = await runVariant('do-while-output-read-inside');
    expect(output(result, 'peek__1')).toEqual({ result: { '1': { peek: {} }, iteration: 1 } });
    expect(input(result, 'peek__1')).toMatchObject({ seen: { '1': firstPeek, iteration: 2 } });
    expect(output(result, 'peek__2')).toEqual({ result: { '1': firstPeek, '2': { peek: {} }, iteration: 2 } });
    expect(Object.keys(input(result, 'peek__2')?.['seen'] as object)).toEqual(['1', '2', 'iteration']);
    expect((input(result, 'peek__3')?.['seen'] as Record<string, unknown>)['iteration']).toBe(3);
  });

  it('the first of three tasks is written once more in the round the second ran, not the third', async () => {
    const result = await runVariant('do-while-output-read-chain');
    expect(input(result, 'p1__1')?.['seen']).toEqual({ '1': { p1: { result: 1 }, p2: { result: 2 } }, iteration: 1 });
    expect(input(result, 'p1__2')?.['seen']).toEqual({ '1': { p1: { result: 1 }, p2: { result: 2 }, p3: { result: 3 } }, '2': { p1: { result: 1 }, p2: { result: 2 } }, iteration: 2 });
  });

  it('a worker task after the reader: its entry shows empty in the reader; its own input is what it was given', async () => {
    const result = await runVariant('do-while-output-read-worker-after');
    expect(input(result, 'peek__1')?.['seen']).toEqual({ '1': { work: {}, ...firstPeek }, iteration: 1 });
    expect(input(result, 'work__1')).toEqual({ seen: { '1': firstPeek, iteration: 1 } });
  });

  it('a worker task before the reader: the reader sees the worker output and itself empty', async () => {
    const result = await runVariant('do-while-output-read-worker-first');
    expect(input(result, 'work__1')).toEqual({ seen: { iteration: 1 } });
    expect(output(result, 'peek__1')).toEqual({ result: { '1': { work: { w: 1 }, peek: {} }, iteration: 1 } });
    expect((input(result, 'peek__1')?.['seen'] as Record<string, unknown>)['iteration']).toBe(2);
  });

  it('${loop.output.1} read right after a worker of iteration 1 is null: the decide reads the loop back as stored', async () => {
    const result = await runVariant('do-while-output-partial-read-after-worker');
    expect(input(result, 'work__1')).toEqual({ one: null });
    expect(input(result, 'peek__1')).toMatchObject({ one: null, cur: { '1': { work: { w: 1 }, peek: { result: null } }, iteration: 2 } });
    expect(input(result, 'work__2')).toEqual({ one: { work: { w: 1 }, peek: { result: null } } });
  });

  it('${loop.output.1} read inside iteration 1 holds the entry of that moment', async () => {
    const result = await runVariant('do-while-output-partial-reads');
    expect(input(result, 'peek__1')).toMatchObject({ one: { a: { result: 1 } }, a: { result: 1 } });
    expect(input(result, 'peek__2')).toMatchObject({ one: { a: { result: 1 }, peek: { result: { a: { result: 1 } } } } });
  });

  it('keepLastN: what the reader recorded has the kept entries only', async () => {
    const result = await runVariant('do-while-output-keep-last-n-read');
    const seen = input(result, 'peek__3')?.['seen'] as Record<string, unknown>;
    expect([Object.keys(seen), seen['iteration']]).toEqual([['2', '3', 'iteration'], 4]);
  });

  it('a script that fails in the body: the loop (CANCELED) and the reader hold its error', async () => {
    const result = await runVariant('do-while-output-read-script-fails');
    const entry = { '1': { boom: { error: 'Error evaluating the script `Error: x`' }, ...firstPeek }, iteration: 1 };
    expect([result.status, result.task('loop')?.status]).toEqual(['FAILED', 'CANCELED']);
    expect(output(result, 'loop')).toEqual(entry);
    expect(input(result, 'peek__1')?.['seen']).toEqual(entry);
  });

  it('a retried worker: the waiting run shows the loop as stored, without the current iteration', async () => {
    const result = await runVariant('do-while-output-read-worker-retried');
    expect(result.status).toBe('RUNNING');
    expect(output(result, 'loop')).toEqual({ '1': { work: { w: 1 }, ...firstPeek }, iteration: 2 });
    expect((input(result, 'peek__2')?.['seen'] as Record<string, unknown>)['2']).toEqual({
      work: {},
      peek: { result: { '1': { work: { w: 1 }, ...firstPeek }, '2': { peek: {} }, iteration: 2 } },
    });
  });

  it('JSON_JQ_TRANSFORM runs as it is scheduled: first in the body, it sees no entry of its own iteration', async () => {
    const result = await runVariant('do-while-jq-first-reads-output');
    expect(output(result, 'peek__1')).toEqual({ result: { iteration: 1 }, resultList: [{ iteration: 1 }] });
    expect(input(result, 'peek__1')?.['seen']).toEqual({ '1': { peek: { result: { iteration: 1 }, resultList: [{ iteration: 1 }] } }, iteration: 2 });
  });

  it('after an INLINE, JSON_JQ_TRANSFORM sees the INLINE but not itself; the INLINE after it sees both', async () => {
    const result = await runVariant('do-while-jq-second-reads-output');
    const jqResult = { '1': { a: { result: 1 } }, iteration: 1 };
    expect(output(result, 'peek__1')).toEqual({ result: jqResult, resultList: [jqResult] });
    expect(output(result, 'b__1')).toEqual({ result: { '1': { a: { result: 1 }, b: {}, peek: { result: jqResult, resultList: [jqResult] } }, iteration: 1 } });
  });

  it('a fork in the body: the branches are written before the (asynchronous) JOIN looked', async () => {
    const result = await runVariant('do-while-fork-reads-output');
    const first = { '1': { pa: {}, fork: {}, pb: {}, join: {} }, iteration: 1 };
    expect(output(result, 'pa__1')).toEqual({ result: first });
    expect(input(result, 'pa__1')?.['seen']).toEqual({ '1': { pa: { result: first }, fork: {}, pb: { result: 1 }, join: {} }, iteration: 1 });
    expect(output(result, 'join__1')).toEqual({ pa__1: { result: first }, pb__1: { result: 1 } });
  });
});

describe('${workflow.variables} read before a SET_VARIABLE', () => {
  it('the reader computed with the old variables but records the new ones', async () => {
    const result = await runVariant('set-variable-read-before-set');
    expect([input(result, 'peek')?.['seen'], output(result, 'peek')]).toEqual([{ x: 1 }, { result: {} }]);
    expect([input(result, 'peek2')?.['seen'], output(result, 'peek2')]).toEqual([{ x: 1, y: 2 }, { result: { x: 1 } }]);
  });

  it('inside a loop, each iteration', async () => {
    const result = await runVariant('set-variable-read-inside-loop');
    expect([input(result, 'peek__1')?.['seen'], output(result, 'peek__1')]).toEqual([{ count: 1 }, { result: {} }]);
    expect([input(result, 'peek__2')?.['seen'], output(result, 'peek__2')]).toEqual([{ count: 2 }, { result: { count: 1 } }]);
  });

  it('a variable set to ${loop.output} holds the loop output itself, to its end', async () => {
    const result = await runVariant('set-variable-holds-loop-output');
    const entry = { a: { result: 1 }, setv: {} };
    expect(result.variables).toEqual({ out: { '1': entry, '2': entry, '3': entry, iteration: 3 } });
    expect(input(result, 'setv__1')).toEqual({ out: { '1': entry, iteration: 2 } });
  });

  it('JSON_JQ_TRANSFORM and a worker task: the jq tasks record later sets, the worker its copy', async () => {
    const result = await runVariant('set-variable-jq-and-worker-reads');
    expect([input(result, 'a')?.['v'], output(result, 'a')?.['result']]).toEqual([{ x: 1 }, {}]);
    expect([input(result, 'b')?.['v'], output(result, 'b')?.['result']]).toEqual([{ x: 1 }, { x: 1 }]);
    expect(input(result, 'w1')).toEqual({ v: { x: 1 } });
    expect([input(result, 'c')?.['seen'], output(result, 'c')]).toEqual([{ x: 1, y: 2 }, { result: { x: 1 } }]);
  });
});

describe('where the runner does not follow the server', () => {
  it('a value-param INLINE that returns its own loop output gets a copy (the server cannot store the cycle: 500)', async () => {
    const def = {
      name: 'value_param_cycle',
      version: 1,
      schemaVersion: 2,
      tasks: [{ name: 'loop', taskReferenceName: 'loop', type: 'DO_WHILE', inputParameters: {}, loopCondition: '$.loop.iteration < 2', loopOver: [{ name: 'peek', taskReferenceName: 'peek', type: 'INLINE', inputParameters: { evaluatorType: 'value-param', expression: 'seen', seen: '${loop.output}' } }] }],
    } as unknown as WorkflowDef;
    const result = await run(def);
    expect(result.status).toBe('COMPLETED');
    expect(output(result, 'peek__1')).toEqual({ result: { '1': { peek: {} }, iteration: 1 } });
    expect(() => JSON.stringify(result.toJSON())).not.toThrow();
  });
});
