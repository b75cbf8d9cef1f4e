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
import { firstDifference, viewOf, type ApiWorkflow, type RunView } from './runner-view.ts';
import { conductorUrl } from './support.ts';
import { deleteTaskDefs, putTaskDefs, putWorkflows, runTest } from './test-endpoint.ts';

const disagreements: Disagreement[] = [];
const rows: [string, string, string][] = [];
/** Per corpus file: whether every scenario of it agreed (a file left out has no entry). */
const fileAgrees = new Map<string, boolean>();
/** The same on status and the ordered list of task refs and statuses only (the measure issue 13 gave). */
const fileAgreesCoarse = new Map<string, boolean>();
/** Task definitions the previous scenarios put on the server: removed again unless the next one sets them. */
const registeredTaskDefs = new Set<string>();

afterAll(() => {
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

/** The children of a runner run's SUB_WORKFLOW tasks (their latest attempts), by child id, in the API's shape. */
function runnerChildren(result: WorkflowRun, into = new Map<string, ApiWorkflow>()): Map<string, ApiWorkflow> {
  for (const ref of new Set(result.taskRefs)) {
    const child = result.subWorkflow(ref);
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

/** Runs one scenario on both sides. */
async function compare(scenario: RunnerScenario): Promise<Comparison> {
  const url = conductorUrl();
  const taskDefs = scenario.taskDefs ?? [];
  await deleteTaskDefs(url, [...registeredTaskDefs].filter((name) => !taskDefs.some((d) => d.name === name)));
  registeredTaskDefs.clear();
  await putTaskDefs(url, taskDefs);
  for (const def of taskDefs) registeredTaskDefs.add(def.name);
  await putWorkflows(url, [...(scenario.needs ?? []), scenario.def]);

  const options = { mocks: scenario.mocks, subWorkflowMocks: scenario.subWorkflowMocks };
  const server = await runTest(url, toTestRequest(scenario.def, scenario.input, options));
  let local: WorkflowRun | Error;
  try {
    local = await run(scenario.def, scenario.input, { ...options, registry: { workflows: scenario.needs ?? [], tasks: taskDefs } });
  } catch (error) {
    local = error as Error;
  }
  const both = (difference: string | undefined): Comparison => ({ full: difference, coarse: difference });
  if (!server.ok) {
    if (local instanceof Error) return both(undefined);
    return both(`server answered ${server.status} (${server.body.slice(0, 80)}), runner ran it ${local.status}`);
  }
  if (local instanceof Error) return both(`server ran it ${server.workflow.status}, runner threw: ${local.message.slice(0, 90)}`);
  const serverView = viewOf(server.workflow, server.children);
  const runnerView = viewOf(local.toJSON() as unknown as ApiWorkflow, runnerChildren(local));
  return { full: firstDifference(serverView, runnerView), coarse: firstDifference(coarseOf(serverView), coarseOf(runnerView)) };
}

describe.skipIf(!corpusPresent)('part 4: runner vs server', () => {
  const scenarios = corpusPresent ? corpusScenarios(readCorpus()) : [];

  it.each(scenarios.map((s) => [s.key, s] as const))('%s', async (_key, scenario) => {
    if (scenario.leftOut !== undefined) {
      rows.push([scenario.key, 'left out', scenario.leftOut]);
      return;
    }
    const { full: difference, coarse } = await compare(scenario);
    if (scenario.corpusFile !== undefined) {
      fileAgrees.set(scenario.corpusFile, (fileAgrees.get(scenario.corpusFile) ?? true) && difference === undefined);
      fileAgreesCoarse.set(scenario.corpusFile, (fileAgreesCoarse.get(scenario.corpusFile) ?? true) && coarse === undefined);
    }
    if (difference === undefined) {
      rows.push([scenario.key, 'agree', '']);
      return;
    }
    disagreements.push({ key: scenario.key, detail: difference });
    rows.push([scenario.key, 'DISAGREE', difference]);
  });

  it('has no disagreement outside the allowlist', () => {
    expect(verdictProblems('runner', judge('runner', disagreements))).toEqual([]);
  });
});
