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
import { startHttpTarget } from './http-target.ts';
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

/** Server runs of a scenario the runner disagrees with before the difference counts: some outcomes on the server are races. */
const SERVER_TRIES = 3;

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
  return { full: firstDifference(serverView, runnerView), coarse: firstDifference(coarseOf(serverView), coarseOf(runnerView)), serverView: JSON.stringify(serverView) };
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

  it('has no disagreement outside the allowlist', () => {
    expect(verdictProblems('runner', judge('runner', disagreements))).toEqual([]);
  });
});
