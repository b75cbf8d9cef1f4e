/**
 * Part 4's variants on what conductor-oss 3.32.3 records of maps a decide shares by reference
 * (`src/runner/rounds.ts`): a loop's output read inside and after the loop, partial reads,
 * worker tasks in the body, `${workflow.variables}` read before a SET_VARIABLE, JSON_JQ_TRANSFORM
 * (which runs as it is scheduled), a fork and JOIN in the body, a failing body task. The runner's
 * tests (`test/runner/decide-sharing.test.ts`) assert the server's values for them.
 */
import type { WorkflowTask } from '../../src/conductor-types.ts';
import { done, F, inline, join, simple, task, wf, type Variant } from './variant-builders.ts';

const loop = (ref: string, condition: string, body: WorkflowTask[], inputParameters: Record<string, unknown> = {}): WorkflowTask =>
  task(ref, 'DO_WHILE', { inputParameters, loopCondition: condition, loopOver: body });
const jq = (ref: string, query: string, inputs: Record<string, unknown> = {}): WorkflowTask => task(ref, 'JSON_JQ_TRANSFORM', { inputParameters: { queryExpression: query, ...inputs } });
const peek = (ref = 'peek', read = '${loop.output}'): WorkflowTask => inline(ref, '$.seen', { seen: read });
const setVariable = (ref: string, inputParameters: Record<string, unknown>): WorkflowTask => task(ref, 'SET_VARIABLE', { inputParameters });
const works = (...outputs: Record<string, unknown>[]): Record<string, ReturnType<typeof done>[]> => Object.fromEntries(outputs.map((o, i) => [`work__${i + 1}`, [done(o)]]));

/** The variants, each named after what it shows. */
export const DECIDE_VARIANTS: readonly Variant[] = [
  // An INLINE that read ${loop.output} shows the next iteration's count, not its own iteration's entry.
  { name: 'do-while-output-read-inside', def: wf('loop_reader', [loop('loop', '$.loop.iteration < 3', [peek()])]) },
  // Three tasks in a row: the first is written once more in the round its successor ran.
  { name: 'do-while-output-read-chain', def: wf('loop_chain', [loop('loop', '$.loop.iteration < 2', [inline('p1', '1', { seen: '${loop.output}' }), inline('p2', '2'), inline('p3', '3')])]) },
  // A worker task after the reader: its entry shows empty in the reader's input; the worker's own input is its copy.
  {
    name: 'do-while-output-read-worker-after',
    def: wf('loop_worker_after', [loop('loop', '$.loop.iteration < 3', [peek(), simple('work', { seen: '${loop.output}' })])]),
    mocks: works({ w: 1 }, { w: 2 }, { w: 3 }),
  },
  {
    name: 'do-while-output-read-worker-first',
    def: wf('loop_worker_first', [loop('loop', '$.loop.iteration < 3', [simple('work', { seen: '${loop.output}' }), peek()])]),
    mocks: works({ w: 1 }, { w: 2 }, { w: 3 }),
  },
  // ${loop.output.1}: the map of that moment, which later rounds replace.
  { name: 'do-while-output-partial-reads', def: wf('loop_partial', [loop('loop', '$.loop.iteration < 3', [inline('a', '$.it', { it: '${loop.output.iteration}' }), inline('peek', '$.one', { one: '${loop.output.1}', a: '${loop.output.1.a}' })])]) },
  // After a worker, the decide reads the loop back as stored: the current iteration's entry is not there yet.
  {
    name: 'do-while-output-partial-read-after-worker',
    def: wf('loop_partial_worker', [loop('loop', '$.loop.iteration < 2', [simple('work', { one: '${loop.output.1}' }), inline('peek', '$.one', { one: '${loop.output.1}', cur: '${loop.output}' })])]),
    mocks: works({ w: 1 }, { w: 2 }),
  },
  { name: 'do-while-output-read-after-loop', def: wf('loop_after', [loop('loop', '$.loop.iteration < 2', [peek()]), inline('after', '$.all', { all: '${loop.output}' }), inline('after2', '1', { all: '${loop.output}' })]) },
  { name: 'do-while-output-keep-last-n-read', def: wf('loop_keep_read', [loop('loop', '$.loop.iteration < 4', [peek()], { keepLastN: 2 })]) },
  // A body task that fails: the loop's entry holds its error; a retried worker task leaves the entry unstored.
  { name: 'do-while-output-read-script-fails', def: wf('loop_script_fails', [loop('loop', '$.loop.iteration < 3', [peek(), inline('boom', 'throw new Error("x")')])]) },
  {
    name: 'do-while-output-read-worker-retried',
    def: wf('loop_worker_retried', [loop('loop', '$.loop.iteration < 3', [peek(), simple('work')])]),
    mocks: { work__1: [done({ w: 1 })], work__2: [{ ...F, output: { why: 'x' } }] },
  },
  // JSON_JQ_TRANSFORM runs as it is scheduled: first in the body it sees no entry of its own iteration.
  { name: 'do-while-jq-first-reads-output', def: wf('loop_jq_first', [loop('loop', '$.loop.iteration < 2', [jq('peek', '.seen', { seen: '${loop.output}' })])]) },
  { name: 'do-while-jq-second-reads-output', def: wf('loop_jq_second', [loop('loop', '$.loop.iteration < 2', [inline('a', '1'), jq('peek', '.seen', { seen: '${loop.output}' }), peek('b')])]) },
  // The JOIN is the server's asynchronous task: the decide that finished the branches never sees its output.
  {
    name: 'do-while-fork-reads-output',
    def: wf('loop_fork', [
      loop('loop', '$.loop.iteration < 2', [task('fork', 'FORK_JOIN', { forkTasks: [[peek('pa')], [inline('pb', '1')]] }), join('join', ['pa', 'pb']), peek('after')]),
    ]),
  },
  // SET_VARIABLE puts into the variables map itself: an earlier reader of ${workflow.variables} shows the new entries.
  {
    name: 'set-variable-read-before-set',
    def: wf('flat_setvar', [peek('peek', '${workflow.variables}'), setVariable('setv', { x: 1 }), peek('peek2', '${workflow.variables}'), setVariable('setv2', { y: 2 })]),
  },
  { name: 'set-variable-read-inside-loop', def: wf('loop_setvar', [loop('loop', '$.loop.iteration < 3', [peek('peek', '${workflow.variables}'), setVariable('setv', { count: '${loop.output.iteration}' })])]) },
  { name: 'set-variable-holds-loop-output', def: wf('setvar_loop_output', [loop('loop', '$.loop.iteration < 3', [inline('a', '1'), setVariable('setv', { out: '${loop.output}' })]), inline('after', '1', { v: '${workflow.variables}' })]) },
  {
    name: 'set-variable-jq-and-worker-reads',
    def: wf('setvar_readers', [
      simple('w0'),
      jq('a', '.v', { v: '${workflow.variables}' }),
      setVariable('setv', { x: 1 }),
      jq('b', '.v', { v: '${workflow.variables}' }),
      simple('w1', { v: '${workflow.variables}' }),
      peek('c', '${workflow.variables}'),
      setVariable('setv2', { y: 2 }),
    ]),
    mocks: { w0: [done({})], w1: [done({})] },
  },
];
