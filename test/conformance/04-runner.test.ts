/**
 * Part 4, runner vs server: every corpus workflow (and generated variants) runs on the real server
 * through `POST /api/workflow/test` and in the local runner with the same mocks; the two runs must
 * agree on status, reason, output, variables, and every task's ref, type, status, retry count,
 * input, output and reason, sub-workflows included (ids and times aside).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { run, type WorkflowRun } from '../../src/runner/run.ts';
import { toTestRequest } from '../../src/runner/test-request.ts';
import { corpusPresent, readCorpus } from '../support/corpus.ts';
import { judge, verdictProblems, type Disagreement } from './allowlist.ts';
import { printSummary, printTable } from './report.ts';
import { corpusScenarios, type RunnerScenario } from './runner-scenarios.ts';
import { startHttpTarget } from '../support/http-target.ts';
import { maskFigures, TIMING_SCENARIOS, type TimingScenario } from './runner-timing.ts';
import { runWithWorkers } from './worker-runs.ts';
import { variantScenarios } from './runner-variants.ts';
import { firstDifference, viewOf, type ApiWorkflow, type RunView } from './runner-view.ts';
import { conductorUrl } from './support.ts';
import { deleteTaskDefs, putTaskDefs, putWorkflows, runTest, type TestAnswer } from './test-endpoint.ts';

const disagreements: Disagreement[] = [];
const rows: [string, string, string][] = [];
/** Per corpus file: whether every scenario of it agreed (a file left out has no entry). */
const fileAgrees = new Map<string, boolean>();
/** The same on status and the ordered list of task refs and statuses only (the measure issue 13 gave). */
const fileAgreesCoarse = new Map<string, boolean>();
/** Task definitions the previous scenarios put on the server: removed again unless the next one sets them. */
const registeredTaskDefs = new Set<string>();

afterAll(async () => {
  await target.close();
  printTable('Part 4: runner vs server (POST /api/workflow/test)', ['file', 'verdict', 'first difference'], rows);
  const verdict = judge('runner', disagreements);
  const files = corpusPresent ? readCorpus().length : 0;
  const agree = [...fileAgrees.values()].filter(Boolean).length;
  const coarse = [...fileAgreesCoarse.values()].filter(Boolean).length;
  printSummary(
    'runner',
    `${agree} of ${files} corpus files agree in full, ${coarse} on status and task list (${fileAgrees.size} run, ${files - fileAgrees.size} left out); ${rows.length} scenarios, ${disagreements.length} disagreement(s): ${verdict.allowed.length} allowlisted, ${verdict.unlisted.length} unlisted`,
  );
});

/** The children of a runner run's SUB_WORKFLOW tasks (every attempt's), by child id, in the API's shape. */
function runnerChildren(result: WorkflowRun, into = new Map<string, ApiWorkflow>()): Map<string, ApiWorkflow> {
  for (const task of result.tasks) {
    const child = result.subWorkflow(task);
    if (child === undefined) continue;
    into.set(child.workflowId, child.toJSON() as unknown as ApiWorkflow);
    runnerChildren(child, into);
  }
  return into;
}

/** Status and the ordered task refs with their statuses. */
const coarseOf = (view: RunView): unknown => ({ status: view.status, tasks: view.tasks.map((t) => `${t.ref} ${t.status}`) });

/** What the two sides did, compared: the first difference in full and on status and task list only (undefined: they agree). */
interface Comparison {
  readonly full: string | undefined;
  readonly coarse: string | undefined;
}

/** Seconds a retry may start later on the server than its delay says (polling, the sweep's granularity). */
const GAP_TOLERANCE_S = 1.5;

/** A run's view with the figures of its reasons masked (the server's sweep makes timeouts late). */
function timingView(workflow: ApiWorkflow): RunView {
  const view = viewOf(workflow, new Map());
  const mask = (reason: string | null): string | null => (reason === null ? null : maskFigures(reason));
  return { ...view, reason: mask(view.reason), tasks: view.tasks.map((t) => ({ ...t, reason: mask(t.reason) })) };
}

/** Where the starts of consecutive attempts differ from the TaskDef's delays by more than the tolerance on either side. */
function gapDifference(timing: TimingScenario, server: ApiWorkflow, runner: ApiWorkflow): string | undefined {
  if (timing.gaps === undefined) return undefined;
  const gaps = (w: ApiWorkflow): number[] => {
    const starts = w.tasks.filter((t) => t.referenceTaskName === timing.gaps?.ref).map((t) => t.startTime ?? 0);
    return starts.slice(1).map((start, i) => (start - (starts[i] as number)) / 1000);
  };
  const [onServer, inRunner] = [gaps(server), gaps(runner)];
  const off = (seen: number[]): boolean => seen.length !== timing.gaps!.seconds.length || seen.some((g, i) => Math.abs(g - (timing.gaps!.seconds[i] as number)) > GAP_TOLERANCE_S);
  if (!off(onServer) && !off(inRunner)) return undefined;
  return `seconds between attempts: TaskDef ${JSON.stringify(timing.gaps.seconds)}, server ${JSON.stringify(onServer.map((g) => Math.round(g * 10) / 10))}, runner ${JSON.stringify(inRunner)}`;
}

/** Server runs of a scenario the runner disagrees with before the difference counts: some outcomes on the server are races. */
const SERVER_TRIES = 10;

/**
 * Runs one scenario on both sides. Where the runner differs from the server's run, the server
 * runs it again (up to {@link SERVER_TRIES} times): conductor-oss 3.32.3 evaluates JOINs and starts
 * sub-workflows on its own workers, so a few outcomes vary from run to run. The runner agrees when
 * it matches one of them; `varies` tells how many distinct outcomes the server gave.
 */
async function compare(scenario: RunnerScenario): Promise<Comparison & { readonly varies: number }> {
  const url = conductorUrl();
  const taskDefs = scenario.taskDefs ?? [];
  await deleteTaskDefs(url, [...registeredTaskDefs].filter((name) => !taskDefs.some((d) => d.name === name)));
  registeredTaskDefs.clear();
  await putTaskDefs(url, taskDefs);
  for (const def of taskDefs) registeredTaskDefs.add(def.name);
  let refused: TestAnswer | undefined;
  try {
    await putWorkflows(url, [...(scenario.needs ?? []), scenario.def]);
  } catch (error) {
    refused = { ok: false, status: 400, body: (error as Error).message };
  }

  const options = { mocks: scenario.mocks, subWorkflowMocks: scenario.subWorkflowMocks };
  let local: WorkflowRun | Error;
  try {
    local = await run(scenario.def, scenario.input, { ...options, registry: { workflows: scenario.needs ?? [], tasks: taskDefs } });
  } catch (error) {
    local = error as Error;
  }
  const outcomes = new Set<string>();
  let first: Comparison | undefined;
  for (let attempt = 0; attempt < SERVER_TRIES; attempt++) {
    const server = refused ?? (await runTest(url, toTestRequest(scenario.def, scenario.input, options)));
    const comparison = compareRuns(server, local);
    outcomes.add(comparison.serverView);
    first ??= comparison;
    if (comparison.full === undefined) return { ...comparison, varies: outcomes.size };
  }
  return { ...(first as Comparison), varies: outcomes.size };
}

function compareRuns(server: TestAnswer, local: WorkflowRun | Error): Comparison & { readonly serverView: string } {
  const both = (difference: string | undefined, serverView: string): Comparison & { serverView: string } => ({ full: difference, coarse: difference, serverView });
  if (!server.ok) {
    if (local instanceof Error) return both(undefined, `${server.status}`);
    return both(`server answered ${server.status} (${server.body.slice(0, 80)}), runner ran it ${local.status}`, `${server.status}`);
  }
  const serverView = viewOf(server.workflow, server.children);
  if (local instanceof Error) return both(`server ran it ${server.workflow.status}, runner threw: ${local.message.slice(0, 90)}`, JSON.stringify(serverView));
  const runnerView = viewOf(local.toJSON() as unknown as ApiWorkflow, runnerChildren(local));
  // A status that differs is told with both reasons: that is where to look.
  const full = serverView.status !== runnerView.status ? `status: server ${serverView.status} (${serverView.reason}) ≠ runner ${runnerView.status} (${runnerView.reason})` : firstDifference(serverView, runnerView);
  return { full, coarse: firstDifference(coarseOf(serverView), coarseOf(runnerView)), serverView: JSON.stringify(serverView) };
}

const target = await startHttpTarget();

describe('part 4: runner vs server', () => {
  const scenarios = [...(corpusPresent ? corpusScenarios(readCorpus()) : []), ...variantScenarios(target)];

  it.each(scenarios.map((s) => [s.key, s] as const))('%s', async (_key, scenario) => {
    if (scenario.leftOut !== undefined) {
      rows.push([scenario.key, 'left out', scenario.leftOut]);
      return;
    }
    const { full: difference, coarse, varies } = await compare(scenario);
    if (scenario.corpusFile !== undefined) {
      fileAgrees.set(scenario.corpusFile, (fileAgrees.get(scenario.corpusFile) ?? true) && difference === undefined);
      fileAgreesCoarse.set(scenario.corpusFile, (fileAgreesCoarse.get(scenario.corpusFile) ?? true) && coarse === undefined);
    }
    const variation = varies > 1 ? ` (the server gave ${varies} different outcomes in ${SERVER_TRIES} runs)` : '';
    if (difference === undefined) {
      rows.push([scenario.key, 'agree', variation.trim()]);
      return;
    }
    disagreements.push({ key: scenario.key, detail: `${difference}${variation}` });
    rows.push([scenario.key, 'DISAGREE', `${difference}${variation}`]);
  });

  it('agrees on retry delays and timeouts with real polling workers on the server', async () => {
    const url = conductorUrl();
    await putTaskDefs(url, TIMING_SCENARIOS.map((t) => t.taskDef));
    await putWorkflows(url, TIMING_SCENARIOS.map((t) => t.def));
    // Side by side: the timeouts wait for the server's sweep (about 30 s) once, not once each.
    const served = await Promise.all(TIMING_SCENARIOS.map((t) => runWithWorkers(url, t.def, { n: 1 }, t.mocks, t.maxMs)));
    for (const [i, timing] of TIMING_SCENARIOS.entries()) {
      const local = await run(timing.def, { n: 1 }, { mocks: timing.mocks, registry: { tasks: [timing.taskDef] } });
      await local.advance(timing.maxMs);
      const runnerJson = local.toJSON() as unknown as ApiWorkflow;
      const server = served[i] as ApiWorkflow;
      const difference = firstDifference(timingView(server), timingView(runnerJson)) ?? gapDifference(timing, server, runnerJson);
      const key = `timing/${timing.name}`;
      rows.push([key, difference === undefined ? 'agree' : 'DISAGREE', difference ?? `attempts ${server.tasks.length}, ${server.status}`]);
      if (difference !== undefined) disagreements.push({ key, detail: difference });
    }
  }, 180_000);

  it('has no disagreement outside the allowlist', () => {
    expect(verdictProblems('runner', judge('runner', disagreements))).toEqual([]);
  });
});
