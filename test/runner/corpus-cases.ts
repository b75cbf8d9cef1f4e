import type { TaskDef } from '../../src/conductor-types.ts';
import type { SubWorkflowMocks, TaskMock, TaskMocks } from '../../src/runner/types.ts';

/**
 * Acceptance cases for the local runner: workflow definitions from the conductor-oss server's own
 * integration-test resources (`/work/shared/corpus/conductor-oss/test-harness/*.json`, commit
 * b54f0d4ee546c1053367e1c14405c5396c17bfb1), each with the mocked worker results and the end state
 * that the server's integration tests assert (`test-harness/src/test/groovy/.../integration/*Spec.groovy`
 * and their JUnit ports `test-harness/src/test/java/.../integration/*Test.java`, which carry the same
 * feature names; where the two disagreed the newer JUnit port was followed, see "Sources" below).
 *
 * Data only: the runner test reads these cases, it holds no logic of its own.
 *
 * ─── How a case is to be run (the model the expectations assume) ────────────────────────────────
 * - Register `file` plus every file in `needs` (sub-workflows, failure workflows), register
 *   `taskDefs` (by TaskDef name), start `file` with `input`.
 * - Worker tasks are completed one at a time, in task-list order (Conductor's `seq`), with a decide
 *   after each completion, exactly as the specs poll and complete them. A task whose ref has no mock
 *   left is not completed: it stays SCHEDULED/IN_PROGRESS and is CANCELED if the workflow ends
 *   (e.g. `t3` in the fork failure case, the child's `t3` in the terminate-in-fork case).
 * - `mocks` are keyed by the exact task reference name, as the real server's test endpoint matches
 *   them (`integration_task_1__1` and `integration_task_1__2` inside a loop; a mock keyed by the bare
 *   `integration_task_1` serves no iteration there), and they serve the started workflow only: the
 *   tasks of a sub-workflow take theirs from `subWorkflowMocks[<SUB_WORKFLOW task ref>]`, as the
 *   server's `subWorkflowTestRequest` gives them (conductor-oss 3.32.3, observed).
 * - Besides SIMPLE tasks, WAIT tasks take mocks: the mock stands for the external task update
 *   (`workflowExecutor.updateTask(...)` / `POST /api/tasks`) the spec performs. Everything else
 *   (SWITCH, DECISION, FORK, JOIN, DO_WHILE, SET_VARIABLE, INLINE, LAMBDA, JSON_JQ_TRANSFORM,
 *   TERMINATE, SUB_WORKFLOW) runs for real.
 * - `expect.taskRefs` lists the started workflow's own tasks (not its children's), in `seq` order,
 *   one entry per attempt (a retried task appears again), with `__N` suffixes inside loops.
 *   `expect.taskStatuses` keys are those exact refs; the value is the status of the last attempt.
 * - `expect.output` is a subset of the workflow output (deep match on the listed keys).
 * - Virtual time is assumed: the harness TaskDefs keep TaskDef's default `retryDelaySeconds` of 60
 *   unless a spec sets it, and some tasks carry `timeoutSeconds`; mocks complete instantly.
 *
 * ─── Conductor behaviours these specs pin down (easy to get wrong) ───────────────────────────────
 * Scheduling order (`seq`, which is what `taskRefs` compares):
 *  1. FORK_JOIN is mapped in one go: the FORK task (type `FORK`, ref = the FORK_JOIN's ref,
 *     COMPLETED at once), then the first task of each branch in branch order, mapped recursively,
 *     then the JOIN. A nested FORK_JOIN as a branch's first task inserts its whole mapping there,
 *     its own JOIN included, so the inner JOIN comes before the outer one:
 *     `fork1, t11, fork2, t12, t13, join2, join1` (ForkJoinSpec nested; older Groovy versions of
 *     the spec had the joins the other way round, the JUnit port and the mapper code agree on this).
 *  2. SWITCH/DECISION are mapped together with the first task of the chosen case, inline:
 *     `forkTask, switchTask, t1, t10, joinTask` (t1 is in the switch's case, t10 is branch 2).
 *  3. Synchronous system tasks (LAMBDA, INLINE, JSON_JQ_TRANSFORM, SET_VARIABLE, TERMINATE) finish
 *     inside the decide that schedules them, but what follows them is scheduled in the next decide
 *     pass, i.e. after everything the current pass scheduled. So a fork whose branches start with
 *     LAMBDAs gives `forkx, lambdaTask1, lambdaTask2, thejoin, <next of branch 1>, <next of branch 2>`.
 *  4. DO_WHILE schedules its first body task when it executes, after the rest of the current pass:
 *     inside a fork, `fork, loopTask, integration_task_2, join, integration_task_0__1`; at top level
 *     `loopTask, integration_task_0__1`. Synchronous body tasks run on at once, so a loop of
 *     LAMBDA + JQ + SIMPLE shows `loopTask, lambda__1, jq__1, simple__1` right after start, and a
 *     loop made only of system tasks has fully completed (all iterations) when start returns.
 *  5. A task appended later (next task in a branch, the retry of a failed task, a DECISION reached
 *     after a completed task) goes to the end of the list, so list order follows completion order
 *     of the tasks that caused it.
 *  6. A retry is a new task with the same ref appended at the end; inside a loop it keeps the suffix
 *     (`integration_task_0__1` twice). Its input is re-resolved (`${CPEWF_TASK_ID}` = its own id).
 * Loops:
 *  7. Every body task is renamed `ref__<iteration>`, the first iteration included (`join__1`);
 *     tasks after the loop have no suffix and iteration 0.
 *  8. The DO_WHILE's output `iteration` is the current iteration, set when the iteration starts
 *     (a body INLINE reading `${LoopTask.output.iteration}` sees 1, then 2). The task context also
 *     exposes the task's own `iteration` field: `${loopTask['iteration']}` is the loop's iteration.
 *  9. `loopCondition` is JavaScript evaluated after every iteration with `$` = the loop's
 *     inputParameters re-resolved at that moment (so `${workflow.variables.x}` set by a SET_VARIABLE
 *     in the body is seen), plus `$.<loopRef>` = the DO_WHILE's own output and `$.<bodyRef>` = the
 *     latest output of each body task. `"0" > 0` is false (JS coercion; do_while_set_variable_fix
 *     stops after one iteration).
 * 10. A failed (non-retried) body task fails the workflow and the DO_WHILE ends CANCELED, not FAILED.
 * 11. A loop of 500 synchronous iterations must complete (issue #799: a recursive decide overflowed).
 * Terminal states of tasks:
 * 12. When a workflow ends (failure, TERMINATE of any status) every non-terminal task becomes
 *     CANCELED: JOINs, an IN_PROGRESS DO_WHILE, SUB_WORKFLOW tasks (their child workflow is
 *     TERMINATED with reason "Parent workflow has been terminated with reason: <reason>") and
 *     still-scheduled worker tasks. Tasks after the TERMINATE are never scheduled.
 * 13. A failed non-optional, non-permissive task inside a fork fails the workflow at once; the JOIN
 *     is CANCELED (not FAILED). A permissive task's failure lets the other branches run; when all
 *     joined tasks are terminal the JOIN itself is FAILED and so is the workflow. Outside a fork a
 *     permissive failure lets the workflow go on and it FAILS when it would have completed, with
 *     the permissive task's reason.
 * 14. An optional task that exhausts its retries ends COMPLETED_WITH_ERRORS (the workflow goes on);
 *     a JOIN over a COMPLETED_WITH_ERRORS task is COMPLETED_WITH_ERRORS; the workflow is COMPLETED.
 *     Optional + permissive behaves as optional.
 * Retries:
 * 15. `WorkflowTask.retryCount`, when present, overrides the TaskDef's (`workflow_with_sub_workflow_1`
 *     has `retryCount: 0` on its SUB_WORKFLOW; `permissive_task_wf` has 1 on an unregistered task).
 *     A `taskDefinition` embedded in a WorkflowTask is used as that task's TaskDef.
 * 16. FAILED_WITH_TERMINAL_ERROR is never retried, whatever retryCount says; the workflow reason
 *     still reads "Task <id> failed with status: FAILED and reason: '<reason>'" (the status in that
 *     sentence is the workflow's, FAILED, not the task's). TIMED_OUT → TIMED_OUT, CANCELED → TERMINATED.
 * 17. System tasks without a TaskDef (JSON_JQ_TRANSFORM, LAMBDA, SUB_WORKFLOW named `st1`...) get
 *     0 retries; control-flow tasks are never retried. A SUB_WORKFLOW task with a TaskDef IS retried:
 *     the retry starts a new child workflow (fork_join_sub_workflow: `st1` FAILED then `st1` COMPLETED).
 * Outputs:
 * 18. Workflow output: a successful TERMINATE's output wins (outputParameters are ignored, even when
 *     the definition has them); else outputParameters; else the output of the LAST task in the list
 *     (by seq, so after a DO_WHILE it is the last body task, not the loop). It is computed on
 *     failure too: outputParameters are resolved when a task fails the workflow, and without them
 *     the failing task's output is used.
 * 19. TERMINATE: output = `workflowOutput` when it is a map, `{output: value}` when it is not
 *     (`"${t1.output.op}"` → `{output: "task1 completed"}`). Reason = `terminationReason`, or
 *     "Workflow is <STATUS> by TERMINATE task: <taskId>"; set even when the status is COMPLETED.
 *     `terminationStatus` may be COMPLETED, FAILED or TERMINATED (TERMINATED ends the workflow
 *     TERMINATED since PR #764, before that it wrongly COMPLETED). The TERMINATE task is COMPLETED.
 * 20. DECISION output `{caseOutput: [value]}`, SWITCH output `{evaluationResult: [value]}`, value as
 *     a string; a missing/null value is the string "null" and goes to the default case. No match and
 *     no default case: nothing is scheduled and the flow continues after the switch.
 * 21. DECISION `caseExpression`, SWITCH `javascript`, `loopCondition` and INLINE `expression` are
 *     scripts whose completion value is the result (`if (c) { "true" } else { "false" }` and
 *     `function f(){...} f();` both work); LAMBDA `scriptExpression` is a function body (`return`).
 *     List inputs behave like Java Lists too: `$.list.get(i)` works (GraalJS host access) as well
 *     as `$.list.length` and `indexOf`. LAMBDA/INLINE output `{result: value}`.
 * 22. JSON_JQ_TRANSFORM output `{result: <first value>, resultList: [all values]}`; a jq error fails
 *     the task with jq's message as reason ("Cannot index string with string \"array\"" in the
 *     server's jackson-jq; jq 1.7+ words it "Cannot index string with \"array\"") and, with no
 *     retries, the workflow. `queryExpression` may itself be a `${...}` expression.
 * 23. JOIN output `{<joinedRef>: output}`, leaving out joined tasks whose output is empty (a JOIN
 *     over two tasks completed without output has output `{}`).
 * 24. SUB_WORKFLOW: child input = the task's resolved inputParameters; `subWorkflowParam.name` may be
 *     an expression (`${workflow.input.subwf}`); task output = child output (plus `subWorkflowId`);
 *     child FAILED → task FAILED (then retried per rule 17) → parent FAILED.
 * 25. FORK_JOIN_DYNAMIC with `dynamicForkTasksParam`/`dynamicForkTasksInputParamName`: the forked
 *     tasks keep the refs given in the list (`xdt1`, `xdt2`; a WorkflowTask without `type` is
 *     SIMPLE), each gets `dynamicTasksInput[ref]` as input, the FORK task has type FORK and the
 *     dynamic fork's ref, the following JOIN's joinOn becomes the forked refs. If a per-task input
 *     is not a map the workflow FAILS without scheduling the fork.
 * Failure workflows and inputs:
 * 26. `failureWorkflow` runs when the workflow FAILS, including a TERMINATE with FAILED and a failed
 *     SUB_WORKFLOW task; its input = the failed workflow's input + `workflowId`, `reason`,
 *     `failureStatus`, `failureTaskId` (the TERMINATE or SUB_WORKFLOW task), `failedWorkflow`; same
 *     correlationId; the failed workflow's output gets `conductor.failure_workflow` = its id.
 *     `"failureWorkflow": "$workflow.input.failureWfName"` is indirection: the name is read from the
 *     input key after `workflow.input.`; when that key is absent no failure workflow runs.
 * 27. `inputTemplate` supplies defaults under the caller's input (caller keys win).
 * 28. `${CPEWF_TASK_ID}` resolves to the task's own id.
 * 29. SET_VARIABLE merges into `workflow.variables`; over the payload limit it ends
 *     FAILED_WITH_TERMINAL_ERROR and the variables stay unchanged.
 *
 * ─── Sources ──────────────────────────────────────────────────────────────────────────────────
 * Feature names are the Spock spec's; the JUnit ports (DoWhileTest, ForkJoinTest, DynamicForkJoinTest,
 * LambdaAndTerminateTaskTest, WorkflowAndTaskConfigurationTest, WaitTaskTest, SwitchTaskTest,
 * SetVariableTaskTest) were read alongside and are the newer statement where they differ. The two
 * TERMINATED cases have no spec: PR #764 (fixing issue #750) added their definitions and states the
 * expected workflow status; the task statuses there follow rule 12.
 */

/** One corpus workflow run with mocked workers and the end state the server's tests expect. */
export interface CorpusCase {
  /** Corpus file name, e.g. 'simple_workflow_1_integration_test.json'. */
  readonly file: string;
  /** Spock spec and feature method it comes from, e.g. 'SimpleWorkflowSpec: "Test simple workflow completion"'. */
  readonly source: string;
  /** Other corpus files this one needs registered (sub-workflows, failure workflows), by file name. */
  readonly needs?: readonly string[];
  /** Workflow input. */
  readonly input: Record<string, unknown>;
  /**
   * Mocked results by the exact task reference name, consumed in order (the real server's
   * `POST /api/workflow/test` shape, `taskRefToMockOutput`): retries scripted by listing several,
   * each loop iteration under its own `ref__N`. SIMPLE tasks, plus WAIT tasks (the mock stands for
   * the external task update the spec makes); system tasks (SWITCH, DECISION, FORK, JOIN, DO_WHILE,
   * SET_VARIABLE, INLINE, LAMBDA, JSON_JQ_TRANSFORM, TERMINATE, SUB_WORKFLOW) run for real.
   */
  readonly mocks: TaskMocks;
  /** Mocks for the children of SUB_WORKFLOW tasks, by the SUB_WORKFLOW task's reference (`subWorkflowTestRequest`). */
  readonly subWorkflowMocks?: Readonly<Record<string, SubWorkflowMocks>>;
  /** Task definitions the spec registers that matter (retryCount etc.), name → the fields it sets. Tasks not listed get the server's ad-hoc defaults. */
  readonly taskDefs?: Record<string, Partial<Omit<TaskDef, 'name'>>>;
  /** What the spec asserts at the end. */
  readonly expect: {
    readonly status: 'COMPLETED' | 'FAILED' | 'TERMINATED' | 'TIMED_OUT' | 'RUNNING';
    /** The reference names of the tasks of the run, in scheduling order (the spec's `tasks[i].referenceTaskName` assertions), with `__N` loop suffixes. */
    readonly taskRefs?: readonly string[];
    /** Status per task reference name (the last attempt of that ref). */
    readonly taskStatuses?: Record<string, string>;
    /** Exact workflow output, or a subset of it. */
    readonly output?: Record<string, unknown>;
    readonly reasonContains?: string;
    /** Variables at the end (SET_VARIABLE specs). */
    readonly variables?: Record<string, unknown>;
  };
}

type TaskDefPart = NonNullable<CorpusCase['taskDefs']>[string];

/** The server's test endpoint refuses a mock without `output` (500): every mock carries one. */
const done = (output: Record<string, unknown>): TaskMock => ({ status: 'COMPLETED', output });
const C: TaskMock = done({});
const F: TaskMock = { status: 'FAILED', output: {} };
/** Mocks of the child a SUB_WORKFLOW task starts. */
const child = (mocks: TaskMocks): SubWorkflowMocks => ({ taskRefToMockOutput: mocks });

/**
 * What `WorkflowTestUtil.taskDefinitions()` registers for `integration_task_0` … `integration_task_20`:
 * `new TaskDef(name, name, email, 1, 120, 120)` (retryCount 1, timeoutSeconds 120, responseTimeoutSeconds 120).
 */
const INTEGRATION_TASK: TaskDefPart = { retryCount: 1, timeoutSeconds: 120, responseTimeoutSeconds: 120 };
/** The harness's `task_optional`: retryCount 1, retryDelaySeconds 0, timeoutSeconds 5 (policy RETRY), responseTimeoutSeconds 5. */
const TASK_OPTIONAL: TaskDefPart = { retryCount: 1, retryDelaySeconds: 0, timeoutSeconds: 5, responseTimeoutSeconds: 5 };
/** The harness's `simple_task_in_sub_wf` (the one task of `sub_workflow`): no retries. */
const SIMPLE_TASK_IN_SUB_WF: TaskDefPart = { retryCount: 0 };
/** The harness's `sub_workflow_task`: one retry, no delay (its responseTimeoutSeconds 5 is left out: a SUB_WORKFLOW is a system task). */
const SUB_WORKFLOW_TASK: TaskDefPart = { retryCount: 1, retryDelaySeconds: 0 };

/** Harness TaskDefs for the named `integration_task_N` tasks. */
function harness(...names: string[]): Record<string, TaskDefPart> {
  return Object.fromEntries(names.map((name) => [name, INTEGRATION_TASK]));
}

/** `ref__1` … `ref__n`. */
function iterations(ref: string, n: number): string[] {
  return Array.from({ length: n }, (_, i) => `${ref}__${i + 1}`);
}

const DYNAMIC_TASKS = [
  { name: 'integration_task_2', taskReferenceName: 'xdt1', type: 'SIMPLE' },
  { name: 'integration_task_3', taskReferenceName: 'xdt2', type: 'SIMPLE' },
];

const SIMPLE_WF_INPUT = { param1: 'p1 value', param2: 'p2 value' };

/** The source of the cases no server spec asserts: what the real server answered with the case's mocks. */
const OBSERVED = 'observed: conductor-oss 3.32.3, POST /api/workflow/test with these mocks';

export const CORPUS_CASES: readonly CorpusCase[] = [
  // ───────────────────────────── simple workflows, retries, optional, permissive ─────────────────────────────
  {
    // Final `with`: status COMPLETED, tasks.size()==2, tasks[1] integration_task_2 COMPLETED, output.containsKey('o3');
    // t2 polled with input tp2 == 'task1.done' (so o3 = ${t1.output.op} = 'task1.done').
    file: 'simple_workflow_1_integration_test.json',
    source: 'SimpleWorkflowSpec: "Test simple workflow completion"',
    input: SIMPLE_WF_INPUT,
    mocks: { t1: [done({ op: 'task1.done' })], t2: [C] },
    taskDefs: harness('integration_task_1', 'integration_task_2'),
    expect: {
      status: 'COMPLETED',
      taskRefs: ['t1', 't2'],
      taskStatuses: { t1: 'COMPLETED', t2: 'COMPLETED' },
      output: { o1: 'p1 value', o3: 'task1.done' },
    },
  },
  {
    // integration_task_1 retryCount 1, t1 updated FAILED_WITH_TERMINAL_ERROR with output {TERMINAL_ERROR, ErrorMessage}.
    // Asserts: status FAILED; reason == "Task <t1> failed with status: FAILED and reason: '...'"; output['o1'] == 'p1 value';
    // t1.retryCount == 0 (no retry despite retryCount 1); failedReferenceTaskNames == [t1].
    // The spec also adds outputParameters.validationErrors to the definition first; the corpus file is used unchanged here.
    file: 'simple_workflow_1_integration_test.json',
    source: 'SimpleWorkflowSpec: "Test simple workflow terminal error condition"',
    input: SIMPLE_WF_INPUT,
    mocks: {
      t1: [{ status: 'FAILED_WITH_TERMINAL_ERROR', output: { TERMINAL_ERROR: 'Integration endpoint down: FOOBAR', ErrorMessage: 'There was a terminal error' } }],
    },
    taskDefs: { ...harness('integration_task_2'), integration_task_1: { ...INTEGRATION_TASK, retryCount: 1 } },
    expect: {
      status: 'FAILED',
      taskRefs: ['t1'],
      taskStatuses: { t1: 'FAILED_WITH_TERMINAL_ERROR' },
      output: { o1: 'p1 value' },
      reasonContains: 'failed with status: FAILED',
    },
  },
  {
    // integration_task_2 retryCount 3, retryDelaySeconds 2; t2 failed twice then completed.
    // Final: COMPLETED, tasks.size()==4: t1 COMPLETED, t2 FAILED, t2 FAILED, t2 COMPLETED; each retry's retriedTaskId = previous.
    file: 'simple_workflow_1_integration_test.json',
    source: 'SimpleWorkflowSpec: "Test simple workflow with task retries"',
    input: SIMPLE_WF_INPUT,
    mocks: { t1: [done({ op: 'task1.output -> p1 value.p2 value' })], t2: [F, F, C] },
    taskDefs: { ...harness('integration_task_1'), integration_task_2: { ...INTEGRATION_TASK, retryCount: 3, retryDelaySeconds: 2 } },
    expect: {
      status: 'COMPLETED',
      taskRefs: ['t1', 't2', 't2', 't2'],
      taskStatuses: { t1: 'COMPLETED', t2: 'COMPLETED' },
      output: { o1: 'p1 value', o3: 'task1.output -> p1 value.p2 value' },
    },
  },
  {
    // integration_task_1 retryCount 1, retryDelaySeconds 0; t1 failed twice.
    // State before the spec calls the retry API: status FAILED, tasks.size()==2, tasks[0] FAILED, tasks[1] FAILED.
    file: 'simple_workflow_1_integration_test.json',
    source: 'SimpleWorkflowSpec: "Test simple workflow with retry at workflow level" (state before workflowExecutor.retry)',
    input: SIMPLE_WF_INPUT,
    mocks: { t1: [F, F] },
    taskDefs: { ...harness('integration_task_2'), integration_task_1: { ...INTEGRATION_TASK, retryCount: 1, retryDelaySeconds: 0 } },
    expect: {
      status: 'FAILED',
      taskRefs: ['t1', 't1'],
      taskStatuses: { t1: 'FAILED' },
      output: { o1: 'p1 value' },
      reasonContains: 'failed with status: FAILED',
    },
  },
  {
    // task_optional (retryCount 1): attempt 1 FAILED → retried; attempt 2 (the spec lets it time out; a FAILED mock takes
    // the same path) → COMPLETED_WITH_ERRORS and integration_task_2 is scheduled. Final: COMPLETED, tasks.size()==3,
    // tasks[1] task_optional COMPLETED_WITH_ERRORS, tasks[2] integration_task_2 COMPLETED.
    file: 'simple_workflow_with_optional_task_integration_test.json',
    source: 'WorkflowAndTaskConfigurationSpec: "Test simple workflow which has an optional task" (2nd attempt FAILED instead of timed out)',
    input: SIMPLE_WF_INPUT,
    mocks: { t1: [F, F], t2: [C] },
    taskDefs: { task_optional: TASK_OPTIONAL, ...harness('integration_task_2') },
    expect: {
      status: 'COMPLETED',
      taskRefs: ['t1', 't1', 't2'],
      taskStatuses: { t1: 'COMPLETED_WITH_ERRORS', t2: 'COMPLETED' },
    },
  },
  {
    // task_permissive is not registered; its WorkflowTask has retryCount 1 and an embedded taskDefinition (retryCount 1,
    // retryDelaySeconds 0). Failed twice → stays FAILED, t2 still scheduled and completed, then the workflow FAILS:
    // reason == "Task <tasks[1].taskId> failed with status: FAILED and reason: 'NETWORK ERROR'", tasks.size()==3,
    // tasks[1] FAILED, tasks[2] integration_task_2 COMPLETED.
    file: 'simple_workflow_with_permissive_task_integration_test.json',
    source: 'WorkflowAndTaskConfigurationSpec: "Test simple workflow which has a permissive task"',
    input: SIMPLE_WF_INPUT,
    mocks: { t1: [F, F], t2: [C] },
    taskDefs: harness('integration_task_2'),
    expect: {
      status: 'FAILED',
      taskRefs: ['t1', 't1', 't2'],
      taskStatuses: { t1: 'FAILED', t2: 'COMPLETED' },
      reasonContains: 'failed with status: FAILED',
    },
  },
  {
    // Optional + permissive task_optional: like the optional case, tasks[1] COMPLETED_WITH_ERRORS, tasks[2]
    // integration_task_2 COMPLETED, workflow COMPLETED (optional wins: the workflow does not fail at the end).
    file: 'simple_workflow_with_permissive_optional_task_integration_test.json',
    source: 'WorkflowAndTaskConfigurationSpec: "Test simple workflow which has a permissive optional task" (2nd attempt FAILED instead of timed out)',
    input: SIMPLE_WF_INPUT,
    mocks: { t1: [F, F], t2: [C] },
    taskDefs: { task_optional: TASK_OPTIONAL, ...harness('integration_task_2') },
    expect: {
      status: 'COMPLETED',
      taskRefs: ['t1', 't1', 't2'],
      taskStatuses: { t1: 'COMPLETED_WITH_ERRORS', t2: 'COMPLETED' },
    },
  },
  {
    // Only param3 given; inputTemplate supplies param1/param2. Asserts: COMPLETED, output.output == 'task1.done',
    // output.param3 == 'external string', output.param2 == ['list','of','strings'], output.param1.nested_object.nested_key == 'nested_value'.
    file: 'simple_workflow_1_input_template_integration_test.json',
    source: 'WorkflowAndTaskConfigurationSpec: "test workflow with input template parsing"',
    input: { param3: 'external string' },
    mocks: { t1: [done({ op: 'task1.done' })] },
    taskDefs: harness('integration_task_1'),
    expect: {
      status: 'COMPLETED',
      taskRefs: ['t1'],
      taskStatuses: { t1: 'COMPLETED' },
      output: {
        output: 'task1.done',
        param1: { nested_object: { nested_key: 'nested_value' } },
        param2: ['list', 'of', 'strings'],
        param3: 'external string',
      },
    },
  },

  // ───────────────────────────── DECISION ─────────────────────────────
  {
    // tasks: DECISION COMPLETED, integration_task_1, integration_task_2, integration_task_20; final COMPLETED, size 4.
    file: 'simple_decision_task_integration_test.json',
    source: 'DecisionTaskSpec: "Test simple decision workflow"',
    input: { param1: 'p1', param2: 'p2', case: 'c' },
    mocks: { t1: [C], t2: [C], t20: [C] },
    taskDefs: harness('integration_task_1', 'integration_task_2', 'integration_task_20'),
    expect: {
      status: 'COMPLETED',
      taskRefs: ['decisionTask', 't1', 't2', 't20'],
      taskStatuses: { decisionTask: 'COMPLETED', t1: 'COMPLETED', t2: 'COMPLETED', t20: 'COMPLETED' },
    },
  },
  {
    // Start: FORK, DECISION, integration_task_1, integration_task_10, JOIN (IN_PROGRESS). After t1/t10: [5] integration_task_2;
    // after t2: [6] integration_task_20; final COMPLETED, size 7, JOIN joinOn ['t20','t10'] COMPLETED.
    file: 'decision_and_fork_join_integration_test.json',
    source: 'DecisionTaskSpec: "Test a workflow that has a decision task that leads to a fork join"',
    input: { param1: 'p1', param2: 'p2', case: 'c' },
    mocks: { t1: [C], t10: [C], t2: [C], t20: [C] },
    taskDefs: harness('integration_task_1', 'integration_task_2', 'integration_task_10', 'integration_task_20'),
    expect: {
      status: 'COMPLETED',
      taskRefs: ['forkTask', 'decisionTask', 't1', 't10', 'joinTask', 't2', 't20'],
      taskStatuses: { forkTask: 'COMPLETED', decisionTask: 'COMPLETED', joinTask: 'COMPLETED', t2: 'COMPLETED', t20: 'COMPLETED' },
    },
  },
  {
    // param1 'xxx' → default case: tasks[0] DECISION caseOutput ['xxx'], tasks[1] integration_task_10; final COMPLETED, size 3,
    // tasks[2] DECISION (finalCase, no finalCase input) caseOutput ['null'] — that last task's output is the workflow output.
    file: 'conditional_task_workflow_integration_test.json',
    source: 'DecisionTaskSpec: "Test default case condition execution of a conditional workflow"',
    input: { param1: 'xxx', param2: 'two' },
    mocks: { t10: [C] },
    taskDefs: harness('integration_task_10'),
    expect: {
      status: 'COMPLETED',
      taskRefs: ['conditional', 't10', 'finalCase'],
      taskStatuses: { conditional: 'COMPLETED', t10: 'COMPLETED', finalCase: 'COMPLETED' },
      output: { caseOutput: ['null'] },
    },
  },
  {
    // 'nested'/'two': DECISION caseOutput ['nested'], DECISION caseOutput ['two'], integration_task_2; final COMPLETED, size 4,
    // tasks[3] DECISION caseOutput ['null'] (finalCase with no input: no case, no default, nothing scheduled).
    file: 'conditional_task_workflow_integration_test.json',
    source: 'DecisionTaskSpec: "Test case \'nested\' and \'#caseValue\' condition execution of a conditional workflow" (caseValue two)',
    input: { param1: 'nested', param2: 'two' },
    mocks: { t2: [C] },
    taskDefs: harness('integration_task_2'),
    expect: {
      status: 'COMPLETED',
      taskRefs: ['conditional', 'nestedCondition', 't2', 'finalCase'],
      taskStatuses: { conditional: 'COMPLETED', nestedCondition: 'COMPLETED', t2: 'COMPLETED', finalCase: 'COMPLETED' },
      output: { caseOutput: ['null'] },
    },
  },

  // ───────────────────────────── SWITCH (value-param) ─────────────────────────────
  {
    // SWITCH COMPLETED, integration_task_1, integration_task_2, integration_task_20; final COMPLETED, size 4.
    file: 'simple_switch_task_integration_test.json',
    source: 'SwitchTaskSpec: "Test simple switch workflow"',
    input: { param1: 'p1', param2: 'p2', case: 'c' },
    mocks: { t1: [C], t2: [C], t20: [C] },
    taskDefs: harness('integration_task_1', 'integration_task_2', 'integration_task_20'),
    expect: {
      status: 'COMPLETED',
      taskRefs: ['switchTask', 't1', 't2', 't20'],
      taskStatuses: { switchTask: 'COMPLETED', t1: 'COMPLETED', t2: 'COMPLETED', t20: 'COMPLETED' },
    },
  },
  {
    // Start: FORK, SWITCH, integration_task_1, integration_task_10, JOIN; then [5] integration_task_2, [6] integration_task_20;
    // final COMPLETED, size 7, JOIN (joinOn ['t20','t10']) COMPLETED.
    file: 'switch_and_fork_join_integration_test.json',
    source: 'SwitchTaskSpec: "Test a workflow that has a switch task that leads to a fork join"',
    input: { param1: 'p1', param2: 'p2', case: 'c' },
    mocks: { t1: [C], t10: [C], t2: [C], t20: [C] },
    taskDefs: harness('integration_task_1', 'integration_task_2', 'integration_task_10', 'integration_task_20'),
    expect: {
      status: 'COMPLETED',
      taskRefs: ['forkTask', 'switchTask', 't1', 't10', 'joinTask', 't2', 't20'],
      taskStatuses: { forkTask: 'COMPLETED', switchTask: 'COMPLETED', joinTask: 'COMPLETED', t20: 'COMPLETED', t10: 'COMPLETED' },
    },
  },
  {
    // 'nested'/'one': SWITCH evaluationResult ['nested'], SWITCH evaluationResult ['one'], integration_task_1; final COMPLETED,
    // size 4, tasks[3] SWITCH evaluationResult ['null'].
    file: 'conditional_switch_task_workflow_integration_test.json',
    source: 'SwitchTaskSpec: "Test case \'nested\' and \'#caseValue\' condition execution of a conditional workflow" (caseValue one)',
    input: { param1: 'nested', param2: 'one' },
    mocks: { t1: [C] },
    taskDefs: harness('integration_task_1'),
    expect: {
      status: 'COMPLETED',
      taskRefs: ['conditional', 'nestedCondition', 't1', 'finalCase'],
      taskStatuses: { conditional: 'COMPLETED', nestedCondition: 'COMPLETED', t1: 'COMPLETED', finalCase: 'COMPLETED' },
      output: { evaluationResult: ['null'] },
    },
  },
  {
    // 'three' + finalCase 'notify': SWITCH ['three'], integration_task_3, SWITCH ['notify'], integration_task_4; COMPLETED, size 4.
    file: 'conditional_switch_task_workflow_integration_test.json',
    source: 'SwitchTaskSpec: "Test \'three\' case condition execution of a conditional workflow"',
    input: { param1: 'three', param2: 'two', finalCase: 'notify' },
    mocks: { t3: [C], integration_task_4: [C] },
    taskDefs: harness('integration_task_3', 'integration_task_4'),
    expect: {
      status: 'COMPLETED',
      taskRefs: ['conditional', 't3', 'finalCase', 'integration_task_4'],
      taskStatuses: { conditional: 'COMPLETED', t3: 'COMPLETED', finalCase: 'COMPLETED', integration_task_4: 'COMPLETED' },
    },
  },
  {
    // No 'case' input and no default case: SWITCH COMPLETED then integration_task_2 directly; COMPLETED, size 2.
    file: 'switch_with_no_default_case_integration_test.json',
    source: 'SwitchTaskSpec: "Test switch with no default case workflow" (JUnit port SwitchTaskTest)',
    input: { param1: 'p1', param2: 'p2' },
    mocks: { t2: [C] },
    taskDefs: harness('integration_task_1', 'integration_task_2'),
    expect: {
      status: 'COMPLETED',
      taskRefs: ['switchTask', 't2'],
      taskStatuses: { switchTask: 'COMPLETED', t2: 'COMPLETED' },
    },
  },

  // ───────────────────────────── FORK_JOIN ─────────────────────────────
  {
    // Start: FORK, integration_task_1, integration_task_2, JOIN. t1 done → [4] integration_task_3; t3, t2 done → JOIN COMPLETED,
    // [5] integration_task_4; final COMPLETED, size 6.
    file: 'fork_join_integration_test.json',
    source: 'ForkJoinSpec: "Test a simple workflow with fork join success flow"',
    input: {},
    mocks: { t1: [C], t2: [C], t3: [C], t4: [C] },
    taskDefs: harness('integration_task_1', 'integration_task_2', 'integration_task_3', 'integration_task_4'),
    expect: {
      status: 'COMPLETED',
      taskRefs: ['fanouttask', 't1', 't2', 'fanouttask_join', 't3', 't4'],
      taskStatuses: { fanouttask: 'COMPLETED', t1: 'COMPLETED', t2: 'COMPLETED', fanouttask_join: 'COMPLETED', t3: 'COMPLETED', t4: 'COMPLETED' },
    },
  },
  {
    // integration_task_2 retryCount 0. t1 done (t3 scheduled), t2 FAILED → FAILED, size 5: t1 COMPLETED, t2 FAILED,
    // JOIN CANCELED, t3 CANCELED (never completed).
    file: 'fork_join_integration_test.json',
    source: 'ForkJoinSpec: "Test a simple workflow with fork join failure flow"',
    input: {},
    mocks: { t1: [C], t2: [F] },
    taskDefs: { ...harness('integration_task_1', 'integration_task_3', 'integration_task_4'), integration_task_2: { retryCount: 0, timeoutSeconds: 0, responseTimeoutSeconds: 120 } },
    expect: {
      status: 'FAILED',
      taskRefs: ['fanouttask', 't1', 't2', 'fanouttask_join', 't3'],
      taskStatuses: { fanouttask: 'COMPLETED', t1: 'COMPLETED', t2: 'FAILED', fanouttask_join: 'CANCELED', t3: 'CANCELED' },
    },
  },
  {
    // Both branches permissive; integration_task_1 retryCount 0. t1 FAILED → still RUNNING (size 4); t2 COMPLETED; JOIN
    // executes → FAILED, workflow FAILED, size 4 (t3 never scheduled).
    file: 'fork_join_permissive_integration_test.json',
    source: 'ForkJoinSpec: "Test a simple workflow with fork join permissive failure flow" (JUnit port ForkJoinTest)',
    input: {},
    mocks: { t1: [F], t2: [C] },
    taskDefs: { ...harness('integration_task_2', 'integration_task_3'), integration_task_1: { retryCount: 0, timeoutSeconds: 0, responseTimeoutSeconds: 120 } },
    expect: {
      status: 'FAILED',
      taskRefs: ['fanouttask', 't1', 't2', 'fanouttask_join'],
      taskStatuses: { fanouttask: 'COMPLETED', t1: 'FAILED', t2: 'COMPLETED', fanouttask_join: 'FAILED' },
    },
  },
  {
    // Start (size 7): FORK, integration_task_11, FORK, integration_task_12, integration_task_13, JOIN joinOn ['t14','t20'],
    // JOIN joinOn ['t11','join2']. After t11,t12,t13: [7] integration_task_14, [8] DECISION, [9] integration_task_16;
    // then [10] integration_task_19, [11] integration_task_20, both JOINs COMPLETED, [12] integration_task_15; COMPLETED, size 13.
    file: 'nested_fork_join_integration_test.json',
    source: 'ForkJoinSpec: "Test nested fork join workflow success flow" (JUnit port ForkJoinTest: inner JOIN before outer JOIN)',
    input: { case: 'a' },
    mocks: { t11: [C], t12: [C], t13: [C], t14: [C], t16: [C], t19: [C], t20: [C], t15: [C] },
    taskDefs: harness('integration_task_11', 'integration_task_12', 'integration_task_13', 'integration_task_14', 'integration_task_15', 'integration_task_16', 'integration_task_19', 'integration_task_20'),
    expect: {
      status: 'COMPLETED',
      taskRefs: ['fork1', 't11', 'fork2', 't12', 't13', 'join2', 'join1', 't14', 'd1', 't16', 't19', 't20', 't15'],
      taskStatuses: { join1: 'COMPLETED', join2: 'COMPLETED', d1: 'COMPLETED', t15: 'COMPLETED' },
    },
  },
  {
    // Start (size 8): FORK, t11, FORK, t12, t13, JOIN ['t14','t20'], SUB_WORKFLOW sw1, JOIN ['t11','join2','sw1'].
    // Then t14, DECISION, t16 (8..10), t19 (11), t20 (12), both JOINs COMPLETED, t15 (13); sub workflow integration_test_wf
    // ran integration_task_1 and integration_task_2 and COMPLETED; final COMPLETED, size 14.
    file: 'nested_fork_join_with_sub_workflow_integration_test.json',
    source: 'ForkJoinSpec: "Test nested workflow which contains a sub workflow task" (JUnit port ForkJoinTest)',
    needs: ['simple_workflow_1_integration_test.json'],
    input: { case: 'a' },
    mocks: { t11: [C], t12: [C], t13: [C], t14: [C], t16: [C], t19: [C], t20: [C], t15: [C] },
    subWorkflowMocks: { sw1: child({ t1: [C], t2: [C] }) },
    taskDefs: harness(
      'integration_task_1',
      'integration_task_2',
      'integration_task_11',
      'integration_task_12',
      'integration_task_13',
      'integration_task_14',
      'integration_task_15',
      'integration_task_16',
      'integration_task_19',
      'integration_task_20',
    ),
    expect: {
      status: 'COMPLETED',
      taskRefs: ['fork1', 't11', 'fork2', 't12', 't13', 'join2', 'sw1', 'join1', 't14', 'd1', 't16', 't19', 't20', 't15'],
      taskStatuses: { sw1: 'COMPLETED', join1: 'COMPLETED', join2: 'COMPLETED', t15: 'COMPLETED' },
    },
  },
  {
    // Two optional SUB_WORKFLOW branches (sub_workflow, simple_task_in_sub_wf retryCount 0); both children's task FAILED →
    // children FAILED. Final: COMPLETED, size 4: FORK COMPLETED, both SUB_WORKFLOW COMPLETED_WITH_ERRORS, JOIN COMPLETED_WITH_ERRORS.
    file: 'fork_join_with_optional_sub_workflow_forks_integration_test.json',
    source: 'ForkJoinSpec: "Test fork join with sub workflows containing optional tasks" (state before the rerun)',
    needs: ['simple_one_task_sub_workflow_integration_test.json'],
    input: SIMPLE_WF_INPUT,
    mocks: {},
    subWorkflowMocks: { st1: child({ t1: [F] }), st2: child({ t1: [F] }) },
    taskDefs: { simple_task_in_sub_wf: SIMPLE_TASK_IN_SUB_WF },
    expect: {
      status: 'COMPLETED',
      taskRefs: ['fanouttask', 'st1', 'st2', 'fanouttask_join'],
      taskStatuses: { fanouttask: 'COMPLETED', st1: 'COMPLETED_WITH_ERRORS', st2: 'COMPLETED_WITH_ERRORS', fanouttask_join: 'COMPLETED_WITH_ERRORS' },
    },
  },
  {
    // st1 is sub_workflow_task (TaskDef retryCount 1). Child's task FAILED → child FAILED → st1 FAILED and a new st1 is
    // appended ([4], retryCount 1) starting a new child, whose task COMPLETES. Final: COMPLETED, size 5: FORK, SUB_WORKFLOW
    // FAILED, integration_task_2 COMPLETED, JOIN (joinOn ['st1','t2']) COMPLETED, SUB_WORKFLOW COMPLETED.
    file: 'fork_join_sub_workflow.json',
    source: 'ForkJoinSpec: "Test fork join with sub workflow task using task definition"',
    needs: ['simple_one_task_sub_workflow_integration_test.json'],
    input: SIMPLE_WF_INPUT,
    mocks: { t2: [C] },
    subWorkflowMocks: { st1: child({ t1: [F, C] }) },
    taskDefs: { sub_workflow_task: SUB_WORKFLOW_TASK, simple_task_in_sub_wf: SIMPLE_TASK_IN_SUB_WF, ...harness('integration_task_2') },
    expect: {
      status: 'COMPLETED',
      taskRefs: ['fanouttask', 'st1', 't2', 'fanouttask_join', 'st1'],
      taskStatuses: { fanouttask: 'COMPLETED', st1: 'COMPLETED', t2: 'COMPLETED', fanouttask_join: 'COMPLETED' },
    },
  },

  // ───────────────────────────── FORK_JOIN_DYNAMIC ─────────────────────────────
  {
    // dt1 outputs dynamicTasks [xdt1: integration_task_2, xdt2: integration_task_3] and dynamicTasksInput; forked tasks polled
    // with inputs {k1:'v1'} / {k2:'v2'}. Then: FORK COMPLETED, xdt1, xdt2, JOIN ref 'dynamicfanouttask_join' joinOn ['xdt1','xdt2'],
    // JOIN output xdt1.ok1 == xdt2.ok1 == 'ov1', [5] integration_task_4; final COMPLETED, size 6.
    file: 'dynamic_fork_join_integration_test.json',
    source: 'DynamicForkJoinSpec: "Test dynamic fork join success flow"',
    input: {},
    mocks: {
      dt1: [done({ dynamicTasks: DYNAMIC_TASKS, dynamicTasksInput: { xdt1: { k1: 'v1' }, xdt2: { k2: 'v2' } } })],
      xdt1: [done({ ok1: 'ov1' })],
      xdt2: [done({ ok1: 'ov1' })],
      task4: [C],
    },
    taskDefs: harness('integration_task_1', 'integration_task_2', 'integration_task_3', 'integration_task_4'),
    expect: {
      status: 'COMPLETED',
      taskRefs: ['dt1', 'dynamicfanouttask', 'xdt1', 'xdt2', 'dynamicfanouttask_join', 'task4'],
      taskStatuses: { dynamicfanouttask: 'COMPLETED', xdt1: 'COMPLETED', xdt2: 'COMPLETED', dynamicfanouttask_join: 'COMPLETED', task4: 'COMPLETED' },
    },
  },
  {
    // integration_task_2 retryCount 0; xdt1 FAILED → FAILED, size 5: xdt1 FAILED, xdt2 CANCELED, JOIN (joinOn ['xdt1','xdt2']) CANCELED.
    file: 'dynamic_fork_join_integration_test.json',
    source: 'DynamicForkJoinSpec: "Test dynamic fork join failure of dynamic forked task flow"',
    input: {},
    mocks: {
      dt1: [done({ dynamicTasks: DYNAMIC_TASKS, dynamicTasksInput: { xdt1: { k1: 'v1' }, xdt2: { k2: 'v2' } } })],
      xdt1: [F],
      // The server's test endpoint stops before it applies any mock while one running task has
      // none: xdt2 needs one for xdt1's to be used (it is never applied: the workflow has failed).
      xdt2: [done({ ok2: 'ov2' })],
    },
    taskDefs: { ...harness('integration_task_1', 'integration_task_3', 'integration_task_4'), integration_task_2: { ...INTEGRATION_TASK, retryCount: 0 } },
    expect: {
      status: 'FAILED',
      taskRefs: ['dt1', 'dynamicfanouttask', 'xdt1', 'xdt2', 'dynamicfanouttask_join'],
      taskStatuses: { dt1: 'COMPLETED', xdt1: 'FAILED', xdt2: 'CANCELED', dynamicfanouttask_join: 'CANCELED' },
    },
  },
  {
    // dynamicTasksInput values are strings, not maps → workflow FAILED with only integration_task_1 (COMPLETED); no FORK scheduled.
    file: 'dynamic_fork_join_integration_test.json',
    source: 'DynamicForkJoinSpec: "Test dynamic fork join fail when task input is invalid"',
    input: {},
    mocks: { dt1: [done({ dynamicTasks: DYNAMIC_TASKS, dynamicTasksInput: { xdt1: 'v1', xdt2: 'v2' } })] },
    taskDefs: harness('integration_task_1', 'integration_task_2', 'integration_task_3', 'integration_task_4'),
    expect: {
      status: 'FAILED',
      taskRefs: ['dt1'],
      taskStatuses: { dt1: 'COMPLETED' },
    },
  },

  // ───────────────────────────── DO_WHILE ─────────────────────────────
  {
    // loop 2. Start (size 4): DO_WHILE IN_PROGRESS, LAMBDA, JSON_JQ_TRANSFORM (iteration 1), integration_task_1 SCHEDULED.
    // Then JQ, integration_task_2; iteration 2 the same; [11] integration_task_3 (iteration 0); final COMPLETED, size 12.
    file: 'do_while_five_loop_over_integration_test.json',
    source: 'DoWhileSpec: "Test workflow with 2 iterations of five tasks"',
    input: { loop: 2 },
    mocks: { integration_task_1__1: [C], integration_task_2__1: [C], integration_task_1__2: [C], integration_task_2__2: [C], integration_task_3: [C] },
    taskDefs: harness('integration_task_1', 'integration_task_2', 'integration_task_3'),
    expect: {
      status: 'COMPLETED',
      taskRefs: [
        'loopTask',
        'lambda_locs__1',
        'jq_add_location__1',
        'integration_task_1__1',
        'jq_create_hydrus_input__1',
        'integration_task_2__1',
        'lambda_locs__2',
        'jq_add_location__2',
        'integration_task_1__2',
        'jq_create_hydrus_input__2',
        'integration_task_2__2',
        'integration_task_3',
      ],
      taskStatuses: { loopTask: 'COMPLETED', integration_task_2__2: 'COMPLETED', integration_task_3: 'COMPLETED' },
    },
  },
  {
    // loop 2, body only LAMBDA + 2 JQ: right after start DO_WHILE is already COMPLETED, 6 body tasks COMPLETED
    // (iterations 1,1,1,2,2,2), [7] integration_task_1 SCHEDULED (iteration 0); final COMPLETED, size 8.
    file: 'do_while_system_tasks.json',
    source: 'DoWhileSpec: "Test workflow with 2 iterations of 3 system tasks"',
    input: { loop: 2 },
    mocks: { integration_task_1: [C] },
    taskDefs: harness('integration_task_1'),
    expect: {
      status: 'COMPLETED',
      taskRefs: [
        'loopTask',
        'lambda_locs__1',
        'jq_add_location__1',
        'jq_create_hydrus_input__1',
        'lambda_locs__2',
        'jq_add_location__2',
        'jq_create_hydrus_input__2',
        'integration_task_1',
      ],
      taskStatuses: { loopTask: 'COMPLETED', jq_create_hydrus_input__2: 'COMPLETED', integration_task_1: 'COMPLETED' },
    },
  },
  {
    // loop 1: DO_WHILE, integration_task_0, FORK, integration_task_1, integration_task_2, JOIN ('join__1'); final COMPLETED, size 6.
    file: 'do_while_integration_test.json',
    source: 'DoWhileSpec: "Test workflow with a single iteration Do While task"',
    input: { loop: 1 },
    mocks: { integration_task_0__1: [C], integration_task_1__1: [C], integration_task_2__1: [C] },
    taskDefs: harness('integration_task_0', 'integration_task_1', 'integration_task_2'),
    expect: {
      status: 'COMPLETED',
      taskRefs: ['loopTask', 'integration_task_0__1', 'fork__1', 'integration_task_1__1', 'integration_task_2__1', 'join__1'],
      taskStatuses: { loopTask: 'COMPLETED', fork__1: 'COMPLETED', join__1: 'COMPLETED' },
    },
  },
  {
    // loop 2, loop2 1: two iterations of the first loop (join__1, join__2), then [11] DO_WHILE loopTask2, [12] integration_task_3
    // (iteration 1); final COMPLETED, size 13.
    file: 'do_while_multiple_integration_test.json',
    source: 'DoWhileSpec: "Test workflow with multiple Do While tasks with multiple iterations"',
    input: { loop: 2, loop2: 1 },
    mocks: {
      integration_task_0__1: [C],
      integration_task_1__1: [C],
      integration_task_2__1: [C],
      integration_task_0__2: [C],
      integration_task_1__2: [C],
      integration_task_2__2: [C],
      integration_task_3__1: [C],
    },
    taskDefs: harness('integration_task_0', 'integration_task_1', 'integration_task_2', 'integration_task_3'),
    expect: {
      status: 'COMPLETED',
      taskRefs: [
        'loopTask',
        'integration_task_0__1',
        'fork__1',
        'integration_task_1__1',
        'integration_task_2__1',
        'join__1',
        'integration_task_0__2',
        'fork__2',
        'integration_task_1__2',
        'integration_task_2__2',
        'join__2',
        'loopTask2',
        'integration_task_3__1',
      ],
      taskStatuses: { loopTask: 'COMPLETED', join__2: 'COMPLETED', loopTask2: 'COMPLETED', integration_task_3__1: 'COMPLETED' },
    },
  },
  {
    // loop 1 with a SUB_WORKFLOW (sub_workflow) as the body's last task: ..., JOIN, [6] SUB_WORKFLOW 'st1__1'; the child's
    // simple_task_in_sub_wf completes; final COMPLETED, size 7.
    file: 'do_while_sub_workflow_integration_test.json',
    source: 'DoWhileSpec: "Test workflow with a single iteration Do While task with Sub workflow"',
    needs: ['simple_one_task_sub_workflow_integration_test.json'],
    input: { loop: 1 },
    mocks: { integration_task_0__1: [C], integration_task_1__1: [C], integration_task_2__1: [C] },
    subWorkflowMocks: { st1__1: child({ t1: [C] }) },
    taskDefs: {
      ...harness('integration_task_0', 'integration_task_1', 'integration_task_2'),
      sub_workflow_task: SUB_WORKFLOW_TASK,
      simple_task_in_sub_wf: SIMPLE_TASK_IN_SUB_WF,
    },
    expect: {
      status: 'COMPLETED',
      taskRefs: ['loopTask', 'integration_task_0__1', 'fork__1', 'integration_task_1__1', 'integration_task_2__1', 'join__1', 'st1__1'],
      taskStatuses: { loopTask: 'COMPLETED', join__1: 'COMPLETED', st1__1: 'COMPLETED' },
    },
  },
  {
    // integration_task_0 retryCount 0, loop 1, first body task FAILED → FAILED, size 2: DO_WHILE CANCELED, integration_task_0 FAILED.
    file: 'do_while_integration_test.json',
    source: 'DoWhileSpec: "Test retrying a failed do while workflow" (state before workflowExecutor.retry)',
    input: { loop: 1 },
    mocks: { integration_task_0__1: [F] },
    taskDefs: { ...harness('integration_task_1', 'integration_task_2'), integration_task_0: { ...INTEGRATION_TASK, retryCount: 0 } },
    expect: {
      status: 'FAILED',
      taskRefs: ['loopTask', 'integration_task_0__1'],
      taskStatuses: { loopTask: 'CANCELED', integration_task_0__1: 'FAILED' },
    },
  },
  {
    // integration_task_0 retryCount 1, retryDelaySeconds 0: FAILED (retried), retry (retryCount 1, same ref) COMPLETED, then
    // FORK, integration_task_1, integration_task_2, JOIN; final COMPLETED, size 7, tasks[1] FAILED, tasks[2] COMPLETED.
    file: 'do_while_integration_test.json',
    source: 'DoWhileSpec: "Test auto retrying a failed do while workflow"',
    input: { loop: 1 },
    mocks: { integration_task_0__1: [F, C], integration_task_1__1: [C], integration_task_2__1: [C] },
    taskDefs: { ...harness('integration_task_1', 'integration_task_2'), integration_task_0: { ...INTEGRATION_TASK, retryCount: 1, retryDelaySeconds: 0 } },
    expect: {
      status: 'COMPLETED',
      taskRefs: ['loopTask', 'integration_task_0__1', 'integration_task_0__1', 'fork__1', 'integration_task_1__1', 'integration_task_2__1', 'join__1'],
      taskStatuses: { loopTask: 'COMPLETED', integration_task_0__1: 'COMPLETED', join__1: 'COMPLETED' },
    },
  },
  {
    // DO_WHILE as a fork branch: start (size 5) FORK, DO_WHILE IN_PROGRESS, integration_task_2, JOIN, integration_task_0 —
    // the loop's first task comes after the JOIN. Then [5] integration_task_1; final COMPLETED, size 6.
    file: 'do_while_as_subtask_integration_test.json',
    source: 'DoWhileSpec: "Test workflow with a iteration Do While task as subtask of a forkjoin task"',
    input: { loop: 1 },
    mocks: { integration_task_0__1: [C], integration_task_1__1: [C], integration_task_2: [C] },
    taskDefs: harness('integration_task_0', 'integration_task_1', 'integration_task_2'),
    expect: {
      status: 'COMPLETED',
      taskRefs: ['fork', 'loopTask', 'integration_task_2', 'join', 'integration_task_0__1', 'integration_task_1__1'],
      taskStatuses: { fork: 'COMPLETED', loopTask: 'COMPLETED', integration_task_2: 'COMPLETED', join: 'COMPLETED' },
    },
  },
  {
    // LAMBDA reads ${loopTask['iteration']}: completed at start, size 3, LAMBDA results 0 then 1. The workflow has no
    // outputParameters, so its output is the last task's (form_uri__2).
    file: 'do_while_iteration_fix_test.json',
    source: 'DoWhileSpec: "Test workflow with Do While task contains loop over task that use iteration in script expression"',
    input: { loop: 2 },
    mocks: {},
    expect: {
      status: 'COMPLETED',
      taskRefs: ['loopTask', 'form_uri__1', 'form_uri__2'],
      taskStatuses: { loopTask: 'COMPLETED', form_uri__1: 'COMPLETED', form_uri__2: 'COMPLETED' },
      output: { result: 1 },
    },
  },
  {
    // loopCondition reads ${workflow.variables.value}; the body sets it to "0" → one iteration; COMPLETED, size 2,
    // SET_VARIABLE input value == "0".
    file: 'do_while_set_variable_fix.json',
    source: 'DoWhileSpec: "Test workflow with Do While task contains set variable task"',
    input: { value: 2 },
    mocks: {},
    expect: {
      status: 'COMPLETED',
      taskRefs: ['loopTask', 'set_variable__1'],
      taskStatuses: { loopTask: 'COMPLETED', set_variable__1: 'COMPLETED' },
      variables: { value: '0' },
    },
  },
  {
    // list [1,2]; INLINE uses $.list.get($.iterator - 1); SWITCH javascript '$.param > 0' → 'true' case: WAIT, INLINE.
    // Start: DO_WHILE, INLINE, SWITCH, WAIT IN_PROGRESS; WAIT completed → size 8 (iteration 2 at WAIT, DO_WHILE.iteration == 2);
    // WAIT completed → COMPLETED, size 9, DO_WHILE iteration 2.
    file: 'do_while_with_decision_task.json',
    source: 'DoWhileSpec: "Test workflow with Do While task contains decision task"',
    input: { list: [1, 2] },
    mocks: { WaitTask__1: [C], WaitTask__2: [C] },
    expect: {
      status: 'COMPLETED',
      taskRefs: [
        'LoopTask',
        'GetNumberAtIndex__1',
        'SwitchTask__1',
        'WaitTask__1',
        'ComputeNumber__1',
        'GetNumberAtIndex__2',
        'SwitchTask__2',
        'WaitTask__2',
        'ComputeNumber__2',
      ],
      taskStatuses: { LoopTask: 'COMPLETED', SwitchTask__1: 'COMPLETED', WaitTask__2: 'COMPLETED', ComputeNumber__2: 'COMPLETED' },
    },
  },
  {
    // Issue #799 regression: 500 synchronous LAMBDA iterations; COMPLETED, size 501, DO_WHILE iteration 500.
    file: 'do_while_high_iteration_test.json',
    source: 'DoWhileSpec: "Test DO_WHILE with 500 LAMBDA iterations completes without StackOverflowError" (JUnit port DoWhileTest)',
    input: { loop: 500 },
    mocks: {},
    expect: {
      status: 'COMPLETED',
      taskRefs: ['loopTask', ...iterations('lambda_task', 500)],
      taskStatuses: { loopTask: 'COMPLETED', lambda_task__1: 'COMPLETED', lambda_task__500: 'COMPLETED' },
    },
  },
  {
    // Issue #799 regression: 500 iterations of the iteration-reading LAMBDA; size 501, first result 0, last (tasks[500]) 499.
    file: 'do_while_iteration_fix_test.json',
    source: 'DoWhileSpec: "Test DO_WHILE iteration counter is correct at 500 iterations (issue #799)" (JUnit port DoWhileTest)',
    input: { loop: 500 },
    mocks: {},
    expect: {
      status: 'COMPLETED',
      taskRefs: ['loopTask', ...iterations('form_uri', 500)],
      taskStatuses: { loopTask: 'COMPLETED', form_uri__500: 'COMPLETED' },
      output: { result: 499 },
    },
  },

  // ───────────────────────────── SUB_WORKFLOW ─────────────────────────────
  {
    // Success path of the child 'sub_workflow' (the spec gets there after a workflow timeout and a retry of the child):
    // final COMPLETED, size 2, t1 COMPLETED, SUB_WORKFLOW COMPLETED, output['op'] == 'simple_task_in_sub_wf.done'
    // (parent has no outputParameters → last task's output = the child's output).
    // Parent t1 and the child's t1 share a ref; the parent's always runs first.
    file: 'workflow_with_sub_workflow_1_integration_test.json',
    source: 'SubWorkflowSpec: "Test retrying a subworkflow where parent workflow timed out due to workflowTimeout" (final state, reached without the timeout)',
    needs: ['simple_one_task_sub_workflow_integration_test.json'],
    input: { ...SIMPLE_WF_INPUT, subwf: 'sub_workflow' },
    mocks: { t1: [done({ op: 'task1.done' })] },
    subWorkflowMocks: { t2: child({ t1: [done({ op: 'simple_task_in_sub_wf.done' })] }) },
    taskDefs: { ...harness('integration_task_1'), simple_task_in_sub_wf: SIMPLE_TASK_IN_SUB_WF, sub_workflow_task: SUB_WORKFLOW_TASK },
    expect: {
      status: 'COMPLETED',
      taskRefs: ['t1', 't2'],
      taskStatuses: { t1: 'COMPLETED', t2: 'COMPLETED' },
      output: { op: 'simple_task_in_sub_wf.done' },
    },
  },
  {
    // subwf integration_test_wf; integration_task_2 retryCount 0. Child: t1 COMPLETED, t2 FAILED → child FAILED;
    // parent FAILED, size 2, SUB_WORKFLOW FAILED (its WorkflowTask retryCount 0 overrides sub_workflow_task's 1).
    file: 'workflow_with_sub_workflow_1_integration_test.json',
    source: 'SubWorkflowSpec: "Test retrying a workflow with subworkflow resume" (state before workflowExecutor.retry)',
    needs: ['simple_workflow_1_integration_test.json'],
    input: { ...SIMPLE_WF_INPUT, subwf: 'integration_test_wf' },
    mocks: { t1: [done({ op: 'task1.done' })] },
    subWorkflowMocks: { t2: child({ t1: [done({ op: 'task1.done' })], t2: [F] }) },
    taskDefs: { ...harness('integration_task_1'), integration_task_2: { ...INTEGRATION_TASK, retryCount: 0 }, sub_workflow_task: SUB_WORKFLOW_TASK },
    expect: {
      status: 'FAILED',
      taskRefs: ['t1', 't2'],
      taskStatuses: { t1: 'COMPLETED', t2: 'FAILED' },
    },
  },

  // ───────────────────────────── TERMINATE, LAMBDA, failure workflows ─────────────────────────────
  {
    // COMPLETED, size 2 (LAMBDA, TERMINATE; t2 never scheduled), reason contains "Workflow is COMPLETED by TERMINATE task",
    // output == {result: {testvalue: true}} exactly (size 1: outputParameters o1/o2 ignored).
    file: 'terminate_task_completed_workflow_integration_test.json',
    source: 'LambdaAndTerminateTaskSpec: "Test workflow with a terminate task when the status is completed"',
    needs: ['failure_workflow_for_terminate_task_workflow.json'],
    input: { a: 1 },
    mocks: {},
    expect: {
      status: 'COMPLETED',
      taskRefs: ['lambda0', 'terminate0'],
      taskStatuses: { lambda0: 'COMPLETED', terminate0: 'COMPLETED' },
      output: { result: { testvalue: true } },
      reasonContains: 'Workflow is COMPLETED by TERMINATE task',
    },
  },
  {
    // FAILED, size 2, reason == "Early exit in terminate", LAMBDA and TERMINATE COMPLETED; output['conductor.failure_workflow']
    // is the id of failure_workflow, which COMPLETED with input.workflowId == this id, input.failureTaskId == the TERMINATE's id,
    // same correlationId, one LAMBDA task.
    file: 'terminate_task_failed_workflow_integration.json',
    source: 'FailureWorkflowSpec: "Test workflow with a task that failed"; LambdaAndTerminateTaskSpec: "Test workflow with a terminate task when the status is failed"',
    needs: ['failure_workflow_for_terminate_task_workflow.json'],
    input: { a: 1 },
    mocks: {},
    expect: {
      status: 'FAILED',
      taskRefs: ['lambda0', 'terminate0'],
      taskStatuses: { lambda0: 'COMPLETED', terminate0: 'COMPLETED' },
      output: { result: { testvalue: true } },
      reasonContains: 'Early exit in terminate',
    },
  },
  {
    // Start (size 6): FORK, LAMBDA lambdaTask1, LAMBDA lambdaTask2, JOIN IN_PROGRESS, SUB_WORKFLOW IN_PROGRESS, WAIT IN_PROGRESS;
    // the child's integration_task_3 stays SCHEDULED (no mock). WAIT completed → TERMINATE → COMPLETED, size 7: JOIN CANCELED,
    // SUB_WORKFLOW CANCELED, WAIT COMPLETED, TERMINATE COMPLETED; reason contains "Workflow is COMPLETED by TERMINATE task";
    // child TERMINATED with "Parent workflow has been terminated with reason: Workflow is COMPLETED by TERMINATE task",
    // its task CANCELED. workflowOutput "some output" is not a map → output {output: 'some output'}.
    file: 'terminate_task_parent_workflow.json',
    source: 'LambdaAndTerminateTaskSpec: "Test workflow with a terminate task when the workflow has a subworkflow"',
    needs: ['terminate_task_sub_workflow.json'],
    input: { a: 1 },
    mocks: { basicJavaA: [C] },
    taskDefs: harness('integration_task_3'),
    expect: {
      status: 'COMPLETED',
      taskRefs: ['forkx', 'lambdaTask1', 'lambdaTask2', 'thejoin', 'test_terminate_subworkflow', 'basicJavaA', 'terminate0'],
      taskStatuses: {
        forkx: 'COMPLETED',
        lambdaTask1: 'COMPLETED',
        lambdaTask2: 'COMPLETED',
        thejoin: 'CANCELED',
        test_terminate_subworkflow: 'CANCELED',
        basicJavaA: 'COMPLETED',
        terminate0: 'COMPLETED',
      },
      output: { output: 'some output' },
      reasonContains: 'Workflow is COMPLETED by TERMINATE task',
    },
  },
  {
    // case 'two': t1 completed with op 'task1 completed' → DECISION → TERMINATE FAILED; FAILED, size 3, output ==
    // {output: 'task1 completed'} exactly, reason contains "Workflow is FAILED by TERMINATE task"; t3 never scheduled.
    file: 'decision_and_terminate_integration_test.json',
    source: 'LambdaAndTerminateTaskSpec: "Test workflow with a terminate task within a decision branch"',
    input: { param1: 'p1', param2: 'p2', case: 'two' },
    mocks: { t1: [done({ op: 'task1 completed' })] },
    taskDefs: harness('integration_task_1', 'integration_task_2', 'integration_task_3'),
    expect: {
      status: 'FAILED',
      taskRefs: ['t1', 'decision', 'terminate0'],
      taskStatuses: { t1: 'COMPLETED', decision: 'COMPLETED', terminate0: 'COMPLETED' },
      output: { output: 'task1 completed' },
      reasonContains: 'Workflow is FAILED by TERMINATE task',
    },
  },
  {
    // COMPLETED, size 1, LAMBDA output == {result: {testvalue: true}} (also the workflow output: last task).
    file: 'simple_lambda_workflow_integration_test.json',
    source: 'LambdaAndTerminateTaskSpec: "Test workflow with lambda task"',
    input: { a: 1 },
    mocks: {},
    expect: {
      status: 'COMPLETED',
      taskRefs: ['lambda0'],
      taskStatuses: { lambda0: 'COMPLETED' },
      output: { result: { testvalue: true } },
    },
  },
  {
    // Child test_task_failed_sub_wf ends FAILED by its TERMINATE (reason contains "Workflow is FAILED by TERMINATE task").
    // Parent FAILED, size 2: LAMBDA lambdaTask1 COMPLETED, SUB_WORKFLOW FAILED (lambdaTask2 never scheduled); failure_workflow
    // COMPLETED with input.workflowId == parent id and input.failureTaskId == the SUB_WORKFLOW task's id.
    file: 'test_task_failed_parent_workflow.json',
    source: 'FailureWorkflowSpec: "Test workflow with a task failed in subworkflow"',
    needs: ['test_task_failed_sub_workflow.json', 'failure_workflow_for_terminate_task_workflow.json'],
    input: { a: 1 },
    mocks: {},
    expect: {
      status: 'FAILED',
      taskRefs: ['lambdaTask1', 'test_task_failed_sub_wf'],
      taskStatuses: { lambdaTask1: 'COMPLETED', test_task_failed_sub_wf: 'FAILED' },
    },
  },
  {
    // No spec: definition added by PR #764 (fixes #750), which states the workflow must end TERMINATED (it used to COMPLETE).
    // LAMBDA and TERMINATE COMPLETED; lambda1 after the TERMINATE is never scheduled; reason = terminationReason.
    file: 'terminate_task_terminated_status_test.json',
    source: 'conductor-oss PR #764 "Fix TERMINATE task with terminationStatus=TERMINATED (#750)": simple TERMINATE scenario (no spec)',
    input: {},
    mocks: {},
    expect: {
      status: 'TERMINATED',
      taskRefs: ['lambda0', 'terminate0'],
      taskStatuses: { lambda0: 'COMPLETED', terminate0: 'COMPLETED' },
      reasonContains: 'Early exit with TERMINATED status',
    },
  },
  {
    // No spec: PR #764's DO_WHILE scenario (issue #750's exact definition) must end TERMINATED. The TERMINATE runs in
    // iteration 1, so the loop never evaluates its (empty) condition; the IN_PROGRESS DO_WHILE is CANCELED like every
    // non-terminal task of an ended workflow (WorkflowExecutorOps.cancelNonTerminalTasks; cf. DoWhileSpec's failed loop).
    file: 'terminate_task_terminated_status_in_do_while_test.json',
    source: 'conductor-oss PR #764 "Fix TERMINATE task with terminationStatus=TERMINATED (#750)": TERMINATE inside DO_WHILE (no spec)',
    input: {},
    mocks: {},
    expect: {
      status: 'TERMINATED',
      taskRefs: ['do_while_ref', 'lambda_ref__1', 'terminate_ref__1'],
      taskStatuses: { do_while_ref: 'CANCELED', lambda_ref__1: 'COMPLETED', terminate_ref__1: 'COMPLETED' },
      reasonContains: 'Workflow terminated by TERMINATE task in DO_WHILE loop',
    },
  },

  // ───────────────────────────── SET_VARIABLE, WAIT ─────────────────────────────
  {
    // COMPLETED, size 1, SET_VARIABLE COMPLETED, variables == [var: var_test_value], output == [variables: [var: var_test_value]].
    file: 'simple_set_variable_workflow_integration_test.json',
    source: 'SetVariableTaskSpec: "Test workflow with set variable task"',
    input: { var: 'var_test_value' },
    mocks: {},
    expect: {
      status: 'COMPLETED',
      taskRefs: ['set_variable_1'],
      taskStatuses: { set_variable_1: 'COMPLETED' },
      variables: { var: 'var_test_value' },
      output: { variables: { var: 'var_test_value' } },
    },
  },
  {
    // 'simple' (unregistered) completed with {ok1:'ov1'} → SET_VARIABLE COMPLETED, WAIT IN_PROGRESS, variables set; WAIT
    // completed → COMPLETED, size 3, variables {var}, output == {variables: {var: 'var_test_value'}}.
    file: 'set_variable_workflow_integration_test.json',
    source: 'WaitTaskSpec: "Test workflow with set variable task" (JUnit port WaitTaskTest)',
    input: { var: 'var_test_value' },
    mocks: { simple: [done({ ok1: 'ov1' })], wait0: [C] },
    expect: {
      status: 'COMPLETED',
      taskRefs: ['simple', 'set_variable_1', 'wait0'],
      taskStatuses: { simple: 'COMPLETED', set_variable_1: 'COMPLETED', wait0: 'COMPLETED' },
      variables: { var: 'var_test_value' },
      output: { variables: { var: 'var_test_value' } },
    },
  },
  {
    // WAIT IN_PROGRESS until updated COMPLETED, then integration_task_1; COMPLETED, size 2.
    file: 'wait_workflow_integration_test.json',
    source: 'WaitTaskSpec: "Verify that a wait based simple workflow is executed"',
    input: {},
    mocks: { wait0: [C], t1: [C] },
    taskDefs: harness('integration_task_1'),
    expect: {
      status: 'COMPLETED',
      taskRefs: ['wait0', 't1'],
      taskStatuses: { wait0: 'COMPLETED', t1: 'COMPLETED' },
    },
  },

  // ───────────────────────────── JSON_JQ_TRANSFORM ─────────────────────────────
  {
    // COMPLETED, size 1, JQ output has 'result' and 'resultList'; the spec's comment gives result {out: [a, b, c, d]}.
    file: 'simple_json_jq_transform_integration_test.json',
    source: 'JsonJQTransformSpec: "Test workflow with json jq transform task succeeds"',
    input: { in1: { array: ['a', 'b'] }, in2: { array: ['c', 'd'] } },
    mocks: {},
    expect: {
      status: 'COMPLETED',
      taskRefs: ['jq_1'],
      taskStatuses: { jq_1: 'COMPLETED' },
      output: { result: { out: ['a', 'b', 'c', 'd'] } },
    },
  },
  {
    // in1/in2 are strings: FAILED, size 1, JQ FAILED with reason 'Cannot index string with string "array"' (jackson-jq's
    // wording; real jq 1.7+ says 'Cannot index string with "array"', hence the shorter match).
    file: 'simple_json_jq_transform_integration_test.json',
    source: 'JsonJQTransformSpec: "Test workflow with json jq transform task fails"',
    input: { in1: 'a', in2: 'b' },
    mocks: {},
    expect: {
      status: 'FAILED',
      taskRefs: ['jq_1'],
      taskStatuses: { jq_1: 'FAILED' },
      reasonContains: 'Cannot index string with',
    },
  },
  {
    // The second JQ's queryExpression is ${default_variables.output.result.requestTransform}. COMPLETED, size 2; first result
    // carries method/requestTransform/responseTransform from the input; second result.name == "Beary Beariston you are the Brown Bear".
    file: 'sequential_json_jq_transform_integration_test.json',
    source: 'JsonJQTransformSpec: "Test json jq transform task with nested json object succeeds"',
    input: {
      method: 'POST',
      body: { name: 'Beary Beariston', title: 'the Brown Bear' },
      requestTransform: '{name: (.body.name + " you are " + .body.title) }',
      responseTransform: '{result: "reply: " + .response.body.message}',
    },
    mocks: {},
    expect: {
      status: 'COMPLETED',
      taskRefs: ['default_variables', 'request_transform'],
      taskStatuses: { default_variables: 'COMPLETED', request_transform: 'COMPLETED' },
      output: { result: { name: 'Beary Beariston you are the Brown Bear' } },
    },
  },
  {
    // JQ result "CREATE" → DECISION (input case "CREATE") → JQ list of 3 names incl. "redeliver" → DECISION with a javascript
    // caseExpression (input case "true": no 'true' case, no default, so the HTTP task in 'false' never runs).
    // COMPLETED, size 4. The last task is that DECISION, so the workflow output is its {caseOutput: ['true']}.
    file: 'json_jq_transform_result_integration_test.json',
    source: 'JsonJQTransformSpec: "Test json jq transform task with different json object results succeeds"',
    input: { requestedAction: 'redeliver' },
    mocks: {},
    expect: {
      status: 'COMPLETED',
      taskRefs: ['json_jq_1', 'decide_1', 'json_jq_2', 'decide_2'],
      taskStatuses: { json_jq_1: 'COMPLETED', decide_1: 'COMPLETED', json_jq_2: 'COMPLETED', decide_2: 'COMPLETED' },
      output: { caseOutput: ['true'] },
    },
  },

  // ───────────────────── the rest of the corpus: no spec asserts them; the expectations are what ─────────────────────
  // ───────────────────── conductor-oss 3.32.3 answered POST /api/workflow/test with these mocks  ─────────────────────
  {
    // A task type the server does not know is a worker task like SIMPLE; its taskType is the type, not the name.
    file: 'blocking_system_task_workflow_integration_test.json',
    source: OBSERVED,
    input: {},
    mocks: { blocking_system_task: [done({ unblocked: true })] },
    expect: { status: 'COMPLETED', taskRefs: ['blocking_system_task'], taskStatuses: { blocking_system_task: 'COMPLETED' }, output: { unblocked: true } },
  },
  {
    file: 'concurrency_limited_task_workflow_integration_test.json',
    source: OBSERVED,
    input: {},
    mocks: { test_task_with_concurrency_limit: [done({ n: 1 })] },
    taskDefs: { test_task_with_concurrency_limit: { concurrentExecLimit: 1 } },
    expect: { status: 'COMPLETED', taskRefs: ['test_task_with_concurrency_limit'], output: { n: 1 } },
  },
  {
    file: 'conditional_system_task_workflow_integration_test.json',
    source: OBSERVED,
    input: SIMPLE_WF_INPUT,
    mocks: { t1: [done({ case: 'two', op: 'user input' })], user_task: [done({ uuid: 'u-1' })], t3: [done({ op: 't3 done' })] },
    expect: { status: 'COMPLETED', taskRefs: ['t1', 'decision', 'user_task', 't3'], output: { o2: 'user input' } },
  },
  {
    // The INLINE in the default case reads $.do_while_switch_ref['iteration'], which its own inputs do not hold: it fails.
    file: 'do_while_timeline_ui_demo.json',
    source: OBSERVED,
    input: {},
    mocks: {},
    expect: {
      status: 'FAILED',
      taskRefs: ['do_while_switch_ref', 'switch_ref__1', 'default_case_ref__1'],
      taskStatuses: { do_while_switch_ref: 'CANCELED', switch_ref__1: 'COMPLETED', default_case_ref__1: 'FAILED_WITH_TERMINAL_ERROR' },
      reasonContains: "TypeError: Cannot read property 'iteration' of undefined",
    },
  },
  {
    file: 'event_workflow_integration_test.json',
    source: OBSERVED,
    input: {},
    mocks: { t1: [done({ after: 'event' })] },
    expect: { status: 'COMPLETED', taskRefs: ['wait0', 't1'], taskStatuses: { wait0: 'COMPLETED', t1: 'COMPLETED' }, output: { after: 'event' } },
  },
  {
    file: 'exclusive_join_integration_test.json',
    source: OBSERVED,
    input: { payload: 'p0', decision_1: 'true', decision_2: 'true' },
    mocks: { task1: [done({ payload: 'p1' })], task2: [done({ payload: 'p2' })], task3: [done({ payload: 'p3' })] },
    expect: {
      status: 'COMPLETED',
      taskRefs: ['task1', 'decision1', 'task2', 'decision2', 'task3', 'exclusiveJoin'],
      taskStatuses: { exclusiveJoin: 'COMPLETED' },
      output: { payload: 'p3' },
    },
  },
  {
    file: 'failure_workflow_for_terminate_task_workflow.json',
    source: OBSERVED,
    input: { a: 1 },
    mocks: {},
    expect: { status: 'COMPLETED', taskRefs: ['lambda0'], output: { result: { testvalue: true } } },
  },
  {
    file: 'fork_join_sync_mode_integration_test.json',
    source: OBSERVED,
    input: { param1: 'v1' },
    mocks: { branch_a: [done({ r: 'a' })], branch_b: [done({ r: 'b' })], branch_c: [done({ r: 'c' })], postJoinTask: [done({ r: 'post' })] },
    expect: {
      status: 'COMPLETED',
      taskRefs: ['forkTask', 'branch_a', 'branch_b', 'branch_c', 'joinTask', 'postJoinTask'],
      output: { branchAOutput: { r: 'a' }, branchBOutput: { r: 'b' }, branchCOutput: { r: 'c' } },
    },
  },
  {
    file: 'fork_join_sync_nested_integration_test.json',
    source: OBSERVED,
    input: {},
    mocks: { inner_a: [done({ r: 'a' })], inner_b: [done({ r: 'b' })], outer_c: [done({ r: 'c' })], postJoinTask: [done({ r: 'post' })] },
    expect: {
      status: 'COMPLETED',
      taskRefs: ['outer_fork', 'inner_fork', 'inner_a', 'inner_b', 'inner_join', 'outer_c', 'outer_join', 'postJoinTask'],
      output: { r: 'post' },
    },
  },
  {
    // A JOIN over an optional task that failed: COMPLETED_WITH_ERRORS, reason `<taskDefName>/<taskId> completed with errors`.
    file: 'fork_join_sync_optional_fail_integration_test.json',
    source: OBSERVED,
    input: {},
    mocks: { branch_required: [done({ r: 'req' })], branch_optional: [F], postJoinTask: [done({ r: 'post' })] },
    taskDefs: { integration_task_2: { retryCount: 0 } },
    expect: {
      status: 'COMPLETED',
      taskRefs: ['forkTask', 'branch_required', 'branch_optional', 'joinTask', 'postJoinTask'],
      taskStatuses: { branch_optional: 'COMPLETED_WITH_ERRORS', joinTask: 'COMPLETED_WITH_ERRORS' },
      output: { r: 'post' },
    },
  },
  {
    // t1 is permissive and not joined on: the branch goes on to t3, the JOIN completes, t4 runs, then the workflow fails with t1's reason.
    file: 'fork_join_with_no_permissive_task_retry_integration_test.json',
    source: OBSERVED,
    input: SIMPLE_WF_INPUT,
    mocks: { t1: [F], t3: [done({ r: 3 })], t2: [done({ r: 2 })], t4: [done({ r: 4 })] },
    expect: {
      status: 'FAILED',
      taskRefs: ['fanouttask', 't1', 't2', 'fanouttask_join', 't3', 't4'],
      taskStatuses: { t1: 'FAILED', fanouttask_join: 'COMPLETED', t4: 'COMPLETED' },
      output: { r: 4 },
      reasonContains: "failed with status: FAILED and reason: 'null'",
    },
  },
  {
    // Unregistered tasks: the ad-hoc TaskDef retries t2 (the test endpoint completes the retry at once, whatever the delay).
    file: 'fork_join_with_no_task_retry_integration_test.json',
    source: OBSERVED,
    input: SIMPLE_WF_INPUT,
    mocks: { t1: [done({ r: 1 })], t3: [done({ r: 3 })], t2: [F, done({ r: 2 })], t4: [done({ r: 4 })] },
    expect: { status: 'COMPLETED', taskRefs: ['fanouttask', 't1', 't2', 'fanouttask_join', 't3', 't2', 't4'], output: { r: 4 } },
  },
  {
    file: 'fork_join_with_permissive_sub_workflow_forks_integration_test.json',
    source: OBSERVED,
    needs: ['simple_one_task_sub_workflow_integration_test.json'],
    input: SIMPLE_WF_INPUT,
    mocks: {},
    subWorkflowMocks: { st1: child({ t1: [F] }), st2: child({ t1: [done({ r: 'st2' })] }) },
    taskDefs: { simple_task_in_sub_wf: SIMPLE_TASK_IN_SUB_WF },
    expect: { status: 'FAILED', taskStatuses: { st1: 'FAILED', st2: 'COMPLETED' } },
  },
  {
    file: 'hierarchical_fork_join_swf.json',
    source: OBSERVED,
    needs: ['simple_one_task_sub_workflow_integration_test.json'],
    input: { ...SIMPLE_WF_INPUT, subwf: 'sub_workflow' },
    mocks: { t2: [done({ r: 't2' })] },
    subWorkflowMocks: { st1: child({ t1: [done({ r: 'leaf' })] }) },
    expect: { status: 'COMPLETED', taskRefs: ['fanouttask', 'st1', 't2', 'fanouttask_join'], output: { t2: { r: 't2' } } },
  },
  {
    file: 'nested_fork_join_swf.json',
    source: OBSERVED,
    needs: ['simple_one_task_sub_workflow_integration_test.json'],
    input: { ...SIMPLE_WF_INPUT, subwf: 'sub_workflow' },
    mocks: { t2: [done({ r: 't2' })], t3: [done({ r: 't3' })] },
    subWorkflowMocks: { st1: child({ t1: [done({ r: 'leaf' })] }) },
    expect: { status: 'COMPLETED', taskRefs: ['outer_fork', 'inner_fork', 'st1', 't2', 'inner_join', 't3', 'outer_join'], output: { t3: { r: 't3' } } },
  },
  {
    file: 'rate_limited_simple_task_workflow_integration_test.json',
    source: OBSERVED,
    input: {},
    mocks: { test_simple_task_with_rateLimits: [done({ n: 1 })] },
    expect: { status: 'COMPLETED', taskRefs: ['test_simple_task_with_rateLimits'], output: { n: 1 } },
  },
  {
    file: 'rate_limited_system_task_workflow_integration_test.json',
    source: OBSERVED,
    input: {},
    mocks: { test_task_with_rateLimits: [done({ n: 1 })] },
    expect: { status: 'COMPLETED', taskRefs: ['test_task_with_rateLimits'], output: { n: 1 } },
  },
  {
    file: 'signal_sub_wf_child_integration_test.json',
    source: OBSERVED,
    input: {},
    mocks: { wait_in_sub_ref: [done({ signal: 'go' })] },
    expect: { status: 'COMPLETED', taskRefs: ['wait_in_sub_ref'], output: { signal: 'go' } },
  },
  {
    file: 'signal_sub_wf_parent_integration_test.json',
    source: OBSERVED,
    needs: ['signal_sub_wf_child_integration_test.json'],
    input: {},
    mocks: {},
    subWorkflowMocks: { sub_wf_ref: child({ wait_in_sub_ref: [done({ signal: 'go' })] }) },
    expect: { status: 'COMPLETED', taskRefs: ['sub_wf_ref'], output: { signal: 'go' } },
  },
  {
    file: 'simple_one_task_sub_workflow_integration_test.json',
    source: OBSERVED,
    input: {},
    mocks: { t1: [done({ op: 'one task' })] },
    expect: { status: 'COMPLETED', taskRefs: ['t1'], output: { op: 'one task' } },
  },
  {
    file: 'simple_wait_task_workflow_integration_test.json',
    source: OBSERVED,
    input: {},
    mocks: { wait0: [done({ waited: true })], t1: [done({ op: 'after wait' })] },
    expect: { status: 'COMPLETED', taskRefs: ['wait0', 't1'], output: { op: 'after wait' } },
  },
  {
    file: 'simple_workflow_3_integration_test.json',
    source: OBSERVED,
    input: SIMPLE_WF_INPUT,
    mocks: { t1: [done({ op: 'o1' })], t2: [done({ op: 'o2' })], t3: [done({ op: 'o3' })] },
    expect: { status: 'COMPLETED', taskRefs: ['t1', 't2', 't3'], output: { op: 'o3' } },
  },
  {
    file: 'simple_workflow_with_async_complete_system_task_integration_test.json',
    source: OBSERVED,
    input: SIMPLE_WF_INPUT,
    mocks: { t1: [done({ op: 'o1' })], user_task: [done({ uuid: 'u-1' })] },
    expect: { status: 'COMPLETED', taskRefs: ['t1', 'user_task'], output: { o1: 'p1 value', o2: 'u-1', o3: 'o1' } },
  },
  {
    file: 'simple_workflow_with_resp_time_out_integration_test.json',
    source: OBSERVED,
    input: SIMPLE_WF_INPUT,
    mocks: { t1: [done({ op: 'o1' })], t2: [done({ uuid: 'u-2' })] },
    expect: { status: 'COMPLETED', taskRefs: ['t1', 't2'], output: { o1: 'p1 value', o2: 'u-2', o3: 'o1' } },
  },
  {
    file: 'simple_workflow_with_sub_workflow_inline_def_integration_test.json',
    source: OBSERVED,
    input: SIMPLE_WF_INPUT,
    mocks: { t1: [done({ op: 'o1', imageType: 'png' })], t2: [done({ op: 'o2' })] },
    subWorkflowMocks: { swt: child({ t3: [done({ op: 'inline child' })] }) },
    expect: { status: 'COMPLETED', taskRefs: ['t1', 'swt', 't2'], output: { o3: 'o1' } },
  },
  {
    // conductor-oss 3.32.3 has no sqs event queue: the EVENT task fails, and with it the workflow.
    file: 'sqs-test-workflow.json',
    source: OBSERVED,
    input: {},
    mocks: {},
    expect: {
      status: 'FAILED',
      taskRefs: ['send_sqs_event_ref'],
      taskStatuses: { send_sqs_event_ref: 'FAILED' },
      reasonContains: 'Error loading queue:sqs:conductor-test-sqs-COMPLETED, for task:',
    },
  },
  {
    file: 'switch_and_terminate_integration_test.json',
    source: OBSERVED,
    input: { ...SIMPLE_WF_INPUT, case: 'two' },
    mocks: { t1: [done({ op: 'stop here' })] },
    expect: { status: 'FAILED', taskRefs: ['t1', 'switch', 'terminate0'], output: { output: 'stop here' }, reasonContains: 'Workflow is FAILED by TERMINATE task' },
  },
  {
    file: 'terminate_task_sub_workflow.json',
    source: OBSERVED,
    input: {},
    mocks: { t3: [done({ op: 't3' })] },
    expect: { status: 'COMPLETED', taskRefs: ['t3'], output: { op: 't3' } },
  },
  {
    file: 'test_task_failed_sub_workflow.json',
    source: OBSERVED,
    input: { a: 1 },
    mocks: {},
    expect: { status: 'FAILED', taskRefs: ['lambda0', 'terminate0'], output: { result: { testvalue: true } }, reasonContains: 'Workflow is FAILED by TERMINATE task' },
  },
  {
    // START_WORKFLOW runs on the server's system-task worker even under the test endpoint: it completes with the new id.
    file: 'workflow_that_starts_another_workflow.json',
    source: OBSERVED,
    needs: ['simple_one_task_sub_workflow_integration_test.json'],
    input: { startWorkflow: { name: 'sub_workflow', input: { from: 'parent' } } },
    mocks: {},
    expect: { status: 'COMPLETED', taskRefs: ['st'], taskStatuses: { st: 'COMPLETED' } },
  },
  {
    file: 'workflow_with_synchronous_system_task.json',
    source: OBSERVED,
    input: { param1: 'p1' },
    mocks: { t1: [done({ op: { TEST_SAMPLE: [1, 2, 3] } })] },
    expect: { status: 'COMPLETED', taskRefs: ['t1', 'jsonjq'], output: { data: null } },
  },
];
