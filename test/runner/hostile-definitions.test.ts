/**
 * Hostile definitions (issue 15): each case ends with a clear task or workflow failure within its
 * bound, and the process still answers afterwards (a plain script still runs).
 */
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import type { WorkflowDef, WorkflowTask } from '../../src/conductor-types.ts';
import { StartRefused, run, type WorkflowRun } from '../../src/testing.ts';
import { RealClock } from '../../src/runner/virtual-clock.ts';
import { validateWorkflowDefs } from '../../src/validate/index.ts';

const wf = (tasks: WorkflowTask[], extra: Partial<WorkflowDef> = {}): WorkflowDef => ({ name: 'hostile', version: 1, schemaVersion: 2, timeoutSeconds: 0, tasks, ...extra });
const inline = (ref: string, expression: string, extra: Record<string, unknown> = {}): WorkflowTask => ({
  name: ref,
  taskReferenceName: ref,
  type: 'INLINE',
  inputParameters: { evaluatorType: 'javascript', expression, ...extra },
});
const jq = (ref: string, queryExpression: string): WorkflowTask => ({ name: ref, taskReferenceName: ref, type: 'JSON_JQ_TRANSFORM', inputParameters: { queryExpression } });
const nested = (levels: number, leaf: unknown = 1): unknown => {
  let value = leaf;
  for (let i = 0; i < levels; i++) value = [value];
  return value;
};

/** Runs `body` and returns what it gave with the wall time it took, ms. */
async function timed<T>(body: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const value = await body();
  return [value, performance.now() - started];
}

/** The process still answers: a plain script evaluates. */
async function stillAnswers(): Promise<void> {
  const after = await run(wf([inline('ok', '$.a * 2', { a: 21 })]), {});
  expect([after.status, after.output]).toEqual(['COMPLETED', { result: 42 }]);
}

const reasonOf = (result: WorkflowRun, ref: string): [string | undefined, string | undefined] => [result.task(ref)?.status, result.task(ref)?.reasonForIncompletion];

describe('hostile definitions: the runner fails them within their bound and keeps answering', () => {
  afterEach(stillAnswers);

  it('a script result too large for the worker fails its task; it is never run again in this process', async () => {
    // The old worker's 4 MB buffer sent a 5 MB result back to be evaluated again in this process.
    const counted = await run(wf([inline('big', '"x".repeat(5 * 1024 * 1024)')]), {});
    expect(counted.status).toBe('COMPLETED');
    expect((counted.output['result'] as string).length).toBe(5 * 1024 * 1024);
    const [huge, ms] = await timed(() => run(wf([inline('huge', '"x".repeat(20 * 1024 * 1024)')]), {}));
    expect(reasonOf(huge, 'huge')).toEqual(['FAILED_WITH_TERMINAL_ERROR', `Script result is ${20 * 1024 * 1024 + 2} characters of JSON, over the ${16 * 1024 * 1024} the runner takes; return less.`]);
    expect(ms).toBeLessThan(5_000);
  });

  it('a jq query that never ends fails its task at the time limit', async () => {
    const [result, ms] = await timed(() => run(wf([jq('spin', 'def f: f; f')]), {}, { scriptTimeoutMs: 300 }));
    expect(reasonOf(result, 'spin')).toEqual(['FAILED', 'jq query not evaluated within 0.3 seconds, interrupted.']);
    expect(result.status).toBe('FAILED');
    expect(ms).toBeLessThan(3_000);
  });

  it('a script that needs more than the worker heap (256 MB) fails its task; the process lives on', async () => {
    // About 480 MB of numbers: the worker runs out of memory and is replaced (unheard, its
    // ERR_WORKER_OUT_OF_MEMORY would end this process); the task fails at the time limit.
    const hog = 'const a = []; for (let i = 0; i < 60; i++) a.push(new Array(1e6).fill(i + 0.5)); a.length';
    const [result, ms] = await timed(() => run(wf([inline('hog', hog)]), {}, { scriptTimeoutMs: 2_000 }));
    expect(reasonOf(result, 'hog')).toEqual(['FAILED', 'Script not evaluated within 2 seconds, interrupted.']);
    expect(ms).toBeLessThan(8_000);
  });

  it("one run's changes to its script globals never reach another run", async () => {
    const hijack = await run(wf([inline('h', 'JSON.stringify = () => "\\"hijacked\\""; Object.prototype.polluted = 1; JSON.parse = () => 7; 1')]), {});
    expect(hijack.status).toBe('COMPLETED');
    const other = await run(wf([inline('o', '({ a: $.a, polluted: ({}).polluted === undefined ? "no" : "yes" })', { a: 1 })]), {});
    expect(other.output).toEqual({ result: { a: 1, polluted: 'no' } });
  });

  it('a sub-workflow cycle A → B → A fails at 100 levels, naming the cycle', async () => {
    const a = wf([{ name: 'cycle_b', taskReferenceName: 'b', type: 'SUB_WORKFLOW', subWorkflowParam: { name: 'cycle_b', version: 1 } }], { name: 'cycle_a' });
    const b = wf([{ name: 'cycle_a', taskReferenceName: 'a', type: 'SUB_WORKFLOW', subWorkflowParam: { name: 'cycle_a', version: 1 } }], { name: 'cycle_b' });
    const [result, ms] = await timed(() => run('cycle_a', {}, { registry: { workflows: [a, b] } }));
    expect(result.status).toBe('FAILED');
    let deepest: WorkflowRun = result;
    for (let child = result.subWorkflow('b') ?? result.subWorkflow('a'); child !== undefined; child = child.subWorkflow('b') ?? child.subWorkflow('a')) deepest = child;
    const last = deepest.tasks[0];
    expect(last?.reasonForIncompletion).toBe(
      'Sub-workflow cycle_a not started: workflows are nested 100 deep (cycle_a → cycle_b → cycle_a → cycle_b → ... → cycle_a → cycle_b → cycle_a), the most the runner starts; a cycle of sub-workflows? Break it, or end the recursion sooner.',
    );
    expect(ms).toBeLessThan(10_000);
    expect(validateWorkflowDefs([a, b]).filter((issue) => issue.code === 'SUB_WORKFLOW_CYCLE').map((issue) => [issue.severity, issue.message])).toEqual([
      ['warning', expect.stringContaining('(cycle_a → cycle_b → cycle_a)')],
      ['warning', expect.stringContaining('(cycle_b → cycle_a → cycle_b)')],
    ]);
  });

  it('a WAIT duration built to backtrack is refused at once by the validator and the runner', async () => {
    const wait: WorkflowTask = { name: 'w', taskReferenceName: 'w', type: 'WAIT', inputParameters: { duration: `${' '.repeat(300)}x` } };
    const started = performance.now();
    const issues = validateWorkflowDefs([wf([wait])]).filter((issue) => issue.code === 'WAIT_DURATION_FORMAT');
    expect(issues).toHaveLength(1);
    expect(performance.now() - started).toBeLessThan(500);
    const [result, ms] = await timed(() => run(wf([wait]), {}));
    expect(result.status).toBe('FAILED');
    expect(ms).toBeLessThan(1_000);
  });

  it('a DO_WHILE on true ends at the task bound, which names itself', async () => {
    const loop: WorkflowTask = {
      name: 'forever',
      taskReferenceName: 'forever',
      type: 'DO_WHILE',
      loopCondition: 'true',
      loopOver: [{ name: 'sv', taskReferenceName: 'sv', type: 'SET_VARIABLE', inputParameters: { i: '${forever.output.iteration}' } }],
    };
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 5);
    const [result, ms] = await timed(() => run(wf([loop]), {}, { maxTasks: 3_000 }));
    clearInterval(ticker);
    expect([result.status, result.reasonForIncompletion]).toEqual([
      'FAILED',
      "The workflow scheduled 3000 tasks and was stopped: a loop whose condition never turns false? Fix the loop, or raise the runner's maxTasks.",
    ]);
    // The event loop ran meanwhile: timers fired while the loop went round.
    if (ms > 200) expect(ticks).toBeGreaterThan(0);
  });

  it('a mock executionTime that is not a number is refused at run() start, saying how to fix it', async () => {
    const def = wf([{ name: 's', taskReferenceName: 's', type: 'SIMPLE' }]);
    const [outcome, ms] = await timed(() => run(def, {}, { mocks: { s: [{ status: 'COMPLETED', output: {}, executionTime: 'soon' as unknown as number }] } }).then(String, String));
    expect(outcome).toBe(
      'Error: run() refuses mocks the real server would not take:\n  - mocks["s"][0].executionTime: the server answers 500 to it (JSON parse error: Cannot deserialize value of type `long` from String "soon": not a valid `long` value) and runs nothing; write a number of milliseconds, e.g. executionTime: 1000.',
    );
    expect(ms).toBeLessThan(1_000);
    const numeric = await run(def, {}, { mocks: { s: [{ status: 'COMPLETED', output: {}, executionTime: '1000' as unknown as number }] } });
    expect(numeric.task('s')!.endTime - numeric.task('s')!.startTime).toBe(1000);
  });

  it('a JSON path filter that calls a function reads null and runs nothing (the safe-eval escape of jsonpath-plus 10.4.0)', async () => {
    // jsonpath-plus 10.4.0 runs this filter's Function constructor in this process (fixed upstream in 11.x).
    const probe = globalThis as { k1FilterProbe?: string };
    probe.k1FilterProbe = 'untouched';
    const escape = "[?(@.constructor[( @.getPrototypeOf(@).constructor('globalThis.k1FilterProbe = String(1); 0')() )])]";
    const outputs = { escaped: '${workflow.input..' + escape + '}', plain: "${workflow.input.items[?(@.kind == 'a')].n}" };
    const result = await run(wf([inline('i', '1')], { outputParameters: outputs }), { a: {}, items: [{ kind: 'a', n: 1 }, { kind: 'b', n: 2 }] });
    expect(probe.k1FilterProbe).toBe('untouched');
    expect(result.output).toEqual({ escaped: null, plain: [1] });
  });

  it('an input, a definition or a script result nested thousands of levels deep gives one clear line, never a stack trace', async () => {
    const words = 'Document nesting depth (1001) exceeds the maximum allowed (1000, from `StreamReadConstraints.getMaxNestingDepth()`)';
    const deepInput = await run(wf([inline('i', '1')]), { d: nested(5000) }).then(String, String);
    expect(deepInput).toBe(`StartRefused: hostile cannot start: conductor-oss 3.32.3 refuses its input: ${words}. Nest it less deeply.`);
    const deepDef = wf([inline('i', '1', { d: nested(5000) })]);
    const refused = await run(deepDef, {}).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(StartRefused);
    expect((refused as Error).message).toBe(`hostile cannot start: conductor-oss 3.32.3 refuses its definition: ${words}. Nest it less deeply.`);
    expect(validateWorkflowDefs([deepDef])).toEqual([
      { code: 'WORKFLOW_TOO_DEEP', severity: 'error', path: 'hostile v1', message: `The definition is nested over 1000 levels deep; conductor-oss 3.32.3 refuses it (${words}). Nest it less deeply.` },
    ]);
    const deepResult = await run(wf([inline('i', 'let v = 1; for (let i = 0; i < 5000; i++) v = [v]; v')]), {});
    expect(reasonOf(deepResult, 'i')).toEqual(['FAILED_WITH_TERMINAL_ERROR', `Script result refused: ${words}. Return a flatter value.`]);
    const deepOutput = await run(wf([{ name: 'w', taskReferenceName: 'w', type: 'SIMPLE' }]), {}, { handlers: { w: () => ({ d: nested(5000) }) } });
    expect(reasonOf(deepOutput, 'w')).toEqual(['FAILED', `The worker's output was refused: ${words}. Return a flatter output.`]);
  });
});

describe('timers of the dev server (real time)', () => {
  afterAll(() => vi.useRealTimers());

  it('a timer beyond 2^31-1 ms waits it out instead of firing at once', () => {
    vi.useFakeTimers();
    const clock = new RealClock();
    const fired: string[] = [];
    const thirtyDays = 30 * 86_400_000;
    clock.schedule(thirtyDays, () => fired.push('30d'));
    clock.schedule(1_000, () => fired.push('1s'));
    vi.advanceTimersByTime(1_000);
    expect(fired).toEqual(['1s']);
    vi.advanceTimersByTime(thirtyDays - 2_000);
    expect(fired).toEqual(['1s']);
    vi.advanceTimersByTime(1_000);
    expect(fired).toEqual(['1s', '30d']);
  });
});
