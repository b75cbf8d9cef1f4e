/**
 * What part 4 runs on both sides: each corpus case of test/runner/corpus-cases.ts (a corpus
 * workflow with its input, mocks and task definitions), and the corpus files no case covers, each
 * with the reason it is left out.
 */
import type { TaskDef, WorkflowDef } from '../../src/conductor-types.ts';
import type { SubWorkflowMocks, TaskMocks } from '../../src/runner/types.ts';
import { CORPUS_CASES } from '../runner/corpus-cases.ts';

/** One run to make on the server and in the runner. */
export interface RunnerScenario {
  /** Row key: `corpus/<file>`, `corpus/<file>#2` for a file's second case, `variant/<name>`. */
  readonly key: string;
  /** The corpus file it runs, counted in the per-file agreement. */
  readonly corpusFile?: string;
  readonly def: WorkflowDef;
  /** Definitions it starts: sub-workflows, failure workflows. */
  readonly needs?: readonly WorkflowDef[];
  readonly taskDefs?: readonly TaskDef[];
  readonly input: Record<string, unknown>;
  readonly mocks: TaskMocks;
  readonly subWorkflowMocks?: Readonly<Record<string, SubWorkflowMocks>>;
  /** Why it is not run. */
  readonly leftOut?: string;
}

/** Corpus files part 4 does not run, and why. */
const LEFT_OUT: Readonly<Record<string, string>> = {
  'do_while_cleanup_demo.json': "its INLINE scripts return Math.random() and Date.now(), which no two runs share (variant/keep-last-n runs it with fixed values)",
  'terminate_task_parent_workflow.json':
    "a race on the server: its system-task worker starts the parallel SUB_WORKFLOW before or after the test endpoint's mock lets the TERMINATE end the workflow (mostly after, on an idle server: the SUB_WORKFLOW ends CANCELED without a child); the runner starts it at once. test/runner/corpus.test.ts checks the spec's outcome",
};

/**
 * One scenario per corpus case, and one left-out row (with its reason) per file in {@link LEFT_OUT}.
 * @throws Error for a corpus file with neither a case nor a reason.
 */
export function corpusScenarios(corpus: readonly { file: string; def: WorkflowDef }[]): RunnerScenario[] {
  const byFile = new Map(corpus.map((c) => [c.file, c.def]));
  const seen = new Map<string, number>();
  const scenarios: RunnerScenario[] = [];
  for (const c of CORPUS_CASES) {
    if (LEFT_OUT[c.file] !== undefined) continue;
    const def = byFile.get(c.file);
    if (def === undefined) throw new Error(`corpus case names ${c.file}, which is not in the corpus.`);
    const n = (seen.get(c.file) ?? 0) + 1;
    seen.set(c.file, n);
    scenarios.push({
      key: n === 1 ? `corpus/${c.file}` : `corpus/${c.file}#${n}`,
      corpusFile: c.file,
      def,
      needs: (c.needs ?? []).map((file) => byFile.get(file) as WorkflowDef),
      taskDefs: Object.entries(c.taskDefs ?? {}).map(([name, part]) => ({ name, ...part }) as TaskDef),
      input: c.input,
      mocks: c.mocks,
      ...(c.subWorkflowMocks !== undefined && { subWorkflowMocks: c.subWorkflowMocks }),
    });
  }
  for (const { file, def } of corpus) {
    if (seen.has(file)) continue;
    const leftOut = LEFT_OUT[file];
    if (leftOut === undefined) throw new Error(`${file} has no case in test/runner/corpus-cases.ts and is not left out of part 4 with a reason: add one of the two.`);
    scenarios.push({ key: `corpus/${file}`, def, input: {}, mocks: {}, leftOut });
  }
  return scenarios;
}
