/**
 * Part 3's mutations: a table of kinds of broken (or oddly written) WorkflowDefs, each applied to
 * every source definition wherever it fits. A task-level kind is applied once per kind of place a
 * fitting task sits in (top level, a switch case, a default case, a fork branch, a loop body, an
 * inline sub-workflow, and nestings of these), because the server checks those places
 * differently.
 */

import { WORKFLOW_DEF, WORKFLOW_TASK } from '../../src/validate/json-binding.ts';

/** A JSON object of a definition, mutated in place on a copy. */
type Obj = Record<string, unknown>;

/** A task of a definition and where it sits. */
export interface TaskSite {
  readonly task: Obj;
  /** The list that holds it (mutations may remove or insert siblings). */
  readonly list: unknown[];
  readonly index: number;
  /** Where it is, e.g. `tasks[2].loopOver[0]`. */
  readonly location: string;
  /** The kinds of list it is nested in, outermost first, e.g. `tasks>loopOver>decisionCases`. */
  readonly place: string;
  /** The task holding the list, when nested. */
  readonly owner: Obj | undefined;
}

/** One kind of mutation. */
export interface MutationKind {
  /** Stable name, used in tables and allowlist keys. */
  readonly kind: string;
  /** Whether it applies to the workflow as a whole or to each fitting task. */
  readonly scope: 'workflow' | 'task';
  /** For task kinds: does it fit this task (and this definition)? */
  readonly fits?: (site: TaskSite, def: Obj) => boolean;
  /** Changes the copy in place. `site` is the copy's own task for task kinds. */
  readonly apply: (def: Obj, site: TaskSite | undefined) => void;
  /** Kinds whose outcome cannot depend on the place: one mutant per source is enough. */
  readonly once?: boolean;
}

/** A mutated definition ready to be judged. */
export interface Mutant {
  readonly kind: string;
  /** `<source> @ <location>`, or just the source for workflow kinds. */
  readonly where: string;
  /** {@link TaskSite.place} of the mutated task, or `workflow`. */
  readonly place: string;
  /**
   * What the server may treat differently: the kind, and for task kinds the place and type of
   * the task (`input-dangling-ref tasks>loopOver SIMPLE`). Mutants with the same signature test
   * the same thing.
   */
  readonly signature: string;
  readonly def: Obj;
}

const BROKEN_SCRIPT = 'if ($.x > 1 {';
const JS_ONLY_SYNTAX = '(function () { return $.x > 1 ? "a" : "b"; })('; // unclosed call

const isObj = (value: unknown): value is Obj => typeof value === 'object' && value !== null && !Array.isArray(value);
const typeOf = (task: Obj): string => (typeof task.type === 'string' ? task.type : 'SIMPLE');
const inputs = (task: Obj): Obj => {
  if (!isObj(task.inputParameters)) task.inputParameters = {};
  return task.inputParameters as Obj;
};
const outputs = (def: Obj): Obj => {
  if (!isObj(def.outputParameters)) def.outputParameters = {};
  return def.outputParameters as Obj;
};
const ofType =
  (...types: string[]) =>
  (site: TaskSite): boolean =>
    types.includes(typeOf(site.task));

/** Every task of a definition, nested ones and those of inline sub-workflows included, each before what it holds. */
export function taskSites(def: Obj): TaskSite[] {
  const sites: TaskSite[] = [];
  const walk = (list: unknown, location: string, place: string, owner: Obj | undefined): void => {
    if (!Array.isArray(list)) return;
    list.forEach((task: unknown, index) => {
      if (!isObj(task)) return;
      const here = `${location}[${index}]`;
      sites.push({ task, list, index, location: here, place, owner });
      if (isObj(task.decisionCases)) for (const [key, tasks] of Object.entries(task.decisionCases)) walk(tasks, `${here}.decisionCases.${key}`, `${place}>decisionCases`, task);
      walk(task.defaultCase, `${here}.defaultCase`, `${place}>defaultCase`, task);
      if (Array.isArray(task.forkTasks)) task.forkTasks.forEach((branch: unknown, i) => walk(branch, `${here}.forkTasks[${i}]`, `${place}>forkTasks`, task));
      walk(task.loopOver, `${here}.loopOver`, `${place}>loopOver`, task);
      const inline = isObj(task.subWorkflowParam) ? task.subWorkflowParam.workflowDefinition : undefined;
      if (isObj(inline)) walk(inline.tasks, `${here}.subWorkflowParam.workflowDefinition.tasks`, `${place}>inline`, task);
    });
  };
  walk(def.tasks, 'tasks', 'tasks', undefined);
  return sites;
}

/** Reference names of a definition's tasks (inline sub-workflows excluded), in order. */
function refsOf(def: Obj): string[] {
  return taskSites(def)
    .filter((s) => !s.place.includes('inline'))
    .flatMap((s) => (typeof s.task.taskReferenceName === 'string' ? [s.task.taskReferenceName] : []));
}

/** Renames a task reference everywhere it is used: `${old.…}`, `${old[…}`, `${old}` and joinOn. */
function renameRef(def: Obj, from: string, to: string): Obj {
  const escaped = from.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const text = JSON.stringify(def)
    .replace(new RegExp(`\\$\\{${escaped}(?=[.\\[}])`, 'g'), `\${${to}`)
    .replace(new RegExp(`"${escaped}"`, 'g'), JSON.stringify(to));
  return JSON.parse(text) as Obj;
}

const task = (kind: string, fits: (site: TaskSite, def: Obj) => boolean, apply: (site: TaskSite, def: Obj) => void): MutationKind => ({
  kind,
  scope: 'task',
  fits,
  apply: (def, site) => apply(site as TaskSite, def),
});
const workflow = (kind: string, apply: (def: Obj) => void): MutationKind => ({ kind, scope: 'workflow', apply: (def) => apply(def) });
const any = (): boolean => true;
/** Sets an input parameter of the task. */
const input = (key: string, value: unknown) => (site: TaskSite) => {
  inputs(site.task)[key] = value;
};

/** Values of every JSON type, for the fields that take another. */
const WRONG_TYPES: readonly [string, unknown][] = [
  ['object', { k: 1 }],
  ['array', ['x']],
  ['text', 'x'],
  ['numeric-text', '7'],
  ['fraction', 1.5],
  ['boolean', true],
  ['null', null],
];

/**
 * One kind per field of WorkflowDef and of WorkflowTask (on the first top-level task) and per
 * JSON type: what the server does with a value of each type in each field.
 */
function fieldTypeKinds(): MutationKind[] {
  const kinds: MutationKind[] = [];
  for (const [label, value] of WRONG_TYPES) {
    for (const field of Object.keys(WORKFLOW_DEF)) kinds.push({ ...workflow(`json-type workflow.${field}=${label}`, (def) => void (def[field] = structuredClone(value))), once: true });
    for (const field of Object.keys(WORKFLOW_TASK)) {
      kinds.push({ ...task(`json-type task.${field}=${label}`, (site) => site.location === 'tasks[0]', ({ task: t }) => void (t[field] = structuredClone(value))), once: true });
    }
  }
  return kinds;
}

/** Scripts whose syntax GraalJS and acorn might judge differently, each tried as a SWITCH javascript expression. */
const SCRIPT_SAMPLES: readonly [string, string][] = [
  ['top-level-return', 'return $.x > 1'],
  ['top-level-await', 'await $.x'],
  ['object-literal-as-block', '{a: 1, b: 2}'],
  ['optional-chaining', '$.a?.b ?? "none"'],
  ['redeclared-let', 'let x = 1; let x = 2; x'],
  ['new-target', 'new.target'],
  ['html-comment', '<!-- legacy\n$.x'],
  ['import-declaration', 'import x from "y"'],
  ['function-then-call', 'function pick() { return $.x > 1 ? "a" : "b"; } pick();'],
];

/** Paths tried in a top-level task's inputParameters, where the server compiles them with Jayway. */
const JSONPATH_SAMPLES: readonly string[] = [
  'workflow.input.ids[0]x',
  'workflow.input.ids[',
  'workflow.input[*].id',
  'workflow.input..id',
  "workflow.input['a b']",
  'workflow.input.ids[1:]',
  'workflow.input.ids[,1]',
  'workflow.input.ids.length()',
  'workflow.input.sum(@.a',
  'workflow.input.items[?(@.a =~ /x.*/i)]',
  'workflow.input.items[?(@.a nope 1)]',
  'workflow.input.items[?(1)]',
  '$.workflow.input',
  'workflow.input.items[?]',
];

/**
 * The mutation kinds. Each names what it does; none depends on the order they run in.
 * Sites: the first fitting task of each place.
 */
export const MUTATION_KINDS: readonly MutationKind[] = [
  ...fieldTypeKinds(),
  ...SCRIPT_SAMPLES.map(([label, script]) => task(`switch-javascript-${label}`, ofType('SWITCH'), ({ task: t }) => void Object.assign(t, { evaluatorType: 'javascript', expression: script }))),
  ...JSONPATH_SAMPLES.map((path): MutationKind => ({ ...task(`input-jsonpath ${path}`, (site) => site.place === 'tasks', input('k1_path', `\${${path}}`)), once: true })),
  // Workflow fields.
  workflow('workflow-drop-name', (def) => void delete def.name),
  workflow('workflow-blank-name', (def) => void (def.name = '  ')),
  workflow('workflow-name-outside-pattern', (def) => void (def.name = `${String(def.name)}.v2@beta`)),
  workflow('workflow-name-number', (def) => void (def.name = 42)),
  workflow('workflow-drop-tasks', (def) => void delete def.tasks),
  workflow('workflow-empty-tasks', (def) => void (def.tasks = [])),
  workflow('workflow-tasks-object', (def) => void (def.tasks = { first: (def.tasks as unknown[])[0] })),
  workflow('workflow-task-not-object', (def) => void (def.tasks as unknown[]).push('compile')),
  workflow('workflow-schema-version-1', (def) => void (def.schemaVersion = 1)),
  workflow('workflow-schema-version-text', (def) => void (def.schemaVersion = 'two')),
  workflow('workflow-version-text', (def) => void (def.version = 'latest')),
  workflow('workflow-version-numeric-text', (def) => void (def.version = '3')),
  workflow('workflow-version-fraction', (def) => void (def.version = 1.5)),
  workflow('workflow-version-negative', (def) => void (def.version = -1)),
  workflow('workflow-timeout-policy-of-a-task', (def) => void (def.timeoutPolicy = 'RETRY')),
  workflow('workflow-timeout-seconds-text', (def) => void (def.timeoutSeconds = 'an hour')),
  workflow('workflow-timeout-seconds-negative', (def) => void (def.timeoutSeconds = -1)),
  workflow('workflow-drop-owner-email', (def) => void delete def.ownerEmail),
  workflow('workflow-owner-email-not-an-address', (def) => void (def.ownerEmail = 'build team')),
  workflow('workflow-input-parameters-object', (def) => void (def.inputParameters = { repo: 'x' })),
  workflow('workflow-output-parameters-array', (def) => void (def.outputParameters = ['x'])),
  workflow('workflow-failure-workflow-number', (def) => void (def.failureWorkflow = 7)),
  workflow('workflow-failure-workflow-braces', (def) => void (def.failureWorkflow = '${workflow.input.onFailure}')),
  workflow('workflow-restartable-text', (def) => void (def.restartable = 'yes')),
  workflow('output-dangling-ref', (def) => void (outputs(def).k1_dangling = '${no_such_task.output.x}')),
  workflow('output-bad-jsonpath', (def) => void (outputs(def).k1_bad = '${workflow.input.ids[0}')),

  // Any task.
  task('task-drop-name', any, ({ task: t }) => void delete t.name),
  task('task-drop-ref', any, ({ task: t }) => void delete t.taskReferenceName),
  task(
    'task-duplicate-ref',
    ({ task: t }, def) => refsOf(def).some((r) => r !== t.taskReferenceName),
    ({ task: t }, def) => void (t.taskReferenceName = refsOf(def).find((r) => r !== t.taskReferenceName)),
  ),
  task(
    'task-ref-double-underscore',
    ({ task: t }) => typeof t.taskReferenceName === 'string',
    ({ task: t }, def) => void Object.assign(def, renameRef(def, String(t.taskReferenceName), `${String(t.taskReferenceName)}__x`)),
  ),
  task('input-dangling-ref', any, input('k1_dangling', '${no_such_task.output.x}')),
  task('input-dangling-ref-in-list', any, input('k1_dangling_list', ['fixed', { deeper: '${no_such_task.output}' }])),
  task(
    'input-forward-ref',
    (site) => isObj(site.list[site.index + 1]) && typeof (site.list[site.index + 1] as Obj).taskReferenceName === 'string',
    (site) => void (inputs(site.task).k1_forward = `\${${String((site.list[site.index + 1] as Obj).taskReferenceName)}.output.x}`),
  ),
  task('input-self-ref', ({ task: t }) => typeof t.taskReferenceName === 'string', (site) => void (inputs(site.task).k1_self = `\${${String(site.task.taskReferenceName)}.output.x}`)),
  task('input-jsonpath-unclosed-bracket', any, input('k1_bad', '${workflow.input.ids[0}')),
  task('input-jsonpath-space-in-name', any, input('k1_bad', '${workflow.input.my value}')),
  task('input-jsonpath-trailing-dot', any, input('k1_bad', '${workflow.input.}')),
  task('input-jsonpath-bad-filter', any, input('k1_bad', '${workflow.input.items[?(@.id ==)]}')),
  task('input-jsonpath-bracket-on-root', any, input('k1_root', "${workflow['input'].x}")),
  task('input-jsonpath-index-on-ref', ({ task: t }, def) => refsOf(def)[0] !== undefined && refsOf(def)[0] !== t.taskReferenceName, (site, def) => void (inputs(site.task).k1_index = `\${${String(refsOf(def)[0])}[0]}`)),
  task('input-jsonpath-filter-ok', any, input('k1_filter', '${workflow.input.items[?(@.id == 1)].name}')),
  task('input-system-parameter', any, input('k1_system', '${CPEWF_TASK_ID}')),
  task('input-unclosed-expression', any, input('k1_unclosed', '${workflow.input.x')),
  task('input-escaped-expression', any, input('k1_escaped', '$${no_such_task.output}')),
  task('task-input-parameters-array', any, ({ task: t }) => void (t.inputParameters = ['x'])),
  task('task-input-parameters-text', any, ({ task: t }) => void (t.inputParameters = 'x')),
  task('task-input-parameters-null', any, ({ task: t }) => void (t.inputParameters = null)),
  task('task-type-null', any, ({ task: t }) => void (t.type = null)),
  task('task-list-null-item', any, (site) => void site.list.push(null)),
  task('task-nested-lists-null', (site) => ['SWITCH', 'DECISION', 'FORK_JOIN', 'DO_WHILE'].includes(typeOf(site.task)), ({ task: t }) => {
    for (const field of ['decisionCases', 'defaultCase', 'forkTasks', 'loopOver']) if (field in t) t[field] = null;
  }),
  task('task-optional-text', any, ({ task: t }) => void (t.optional = 'yes')),
  task('task-start-delay-negative', any, ({ task: t }) => void (t.startDelay = -1)),
  task('task-start-delay-text', any, ({ task: t }) => void (t.startDelay = 'soon')),
  task('task-type-number', any, ({ task: t }) => void (t.type = 5)),
  task('task-unknown-type', any, ({ task: t }) => void (t.type = 'NO_SUCH_TYPE')),
  task('task-retry-count-text', any, ({ task: t }) => void (t.retryCount = 'three')),

  // SWITCH and DECISION.
  task('switch-drop-evaluator', ofType('SWITCH'), ({ task: t }) => void delete t.evaluatorType),
  task('switch-unknown-evaluator', ofType('SWITCH'), ({ task: t }) => void (t.evaluatorType = 'lua')),
  task('switch-drop-expression', ofType('SWITCH'), ({ task: t }) => void delete t.expression),
  task('switch-empty-cases', ofType('SWITCH', 'DECISION'), ({ task: t }) => void (t.decisionCases = {})),
  task('switch-drop-cases', ofType('SWITCH', 'DECISION'), ({ task: t }) => void delete t.decisionCases),
  task('switch-cases-array', ofType('SWITCH', 'DECISION'), ({ task: t }) => void (t.decisionCases = [])),
  task('switch-case-not-list', ofType('SWITCH', 'DECISION'), ({ task: t }) => void ((t.decisionCases as Obj).k1_case = { name: 'x' })),
  task('switch-javascript-syntax', ofType('SWITCH'), ({ task: t }) => void Object.assign(t, { evaluatorType: 'javascript', expression: BROKEN_SCRIPT })),
  task('switch-javascript-unclosed-call', ofType('SWITCH'), ({ task: t }) => void Object.assign(t, { evaluatorType: 'javascript', expression: JS_ONLY_SYNTAX })),
  task('switch-javascript-ok', ofType('SWITCH'), ({ task: t }) => void Object.assign(t, { evaluatorType: 'javascript', expression: '$.x > 1 ? "a" : "b"' })),
  task('switch-graaljs-syntax', ofType('SWITCH'), ({ task: t }) => void Object.assign(t, { evaluatorType: 'graaljs', expression: BROKEN_SCRIPT })),
  task('switch-value-param-not-input', ofType('SWITCH'), ({ task: t }) => void Object.assign(t, { evaluatorType: 'value-param', expression: 'k1_no_such_input' })),
  task('decision-drop-case-param', ofType('DECISION'), ({ task: t }) => void (delete t.caseValueParam, delete t.caseExpression)),
  task('decision-case-expression-syntax', ofType('DECISION'), ({ task: t }) => void (delete t.caseValueParam, (t.caseExpression = BROKEN_SCRIPT))),
  task('decision-case-param-not-input', ofType('DECISION'), ({ task: t }) => void (delete t.caseExpression, (t.caseValueParam = 'k1_no_such_input'))),

  // DO_WHILE.
  task('do-while-drop-condition', ofType('DO_WHILE'), ({ task: t }) => void delete t.loopCondition),
  task('do-while-empty-condition', ofType('DO_WHILE'), ({ task: t }) => void (t.loopCondition = '')),
  task('do-while-condition-syntax', ofType('DO_WHILE'), ({ task: t }) => void (t.loopCondition = BROKEN_SCRIPT)),
  task('do-while-empty-body', ofType('DO_WHILE'), ({ task: t }) => void (t.loopOver = [])),
  task('do-while-body-object', ofType('DO_WHILE'), ({ task: t }) => void (t.loopOver = { first: (t.loopOver as unknown[])[0] })),
  task('do-while-items-array', ofType('DO_WHILE'), ({ task: t }) => void (t.items = [1, 2, 3])),
  task('do-while-items-expression', ofType('DO_WHILE'), ({ task: t }) => void (t.items = '${workflow.input.list}')),
  task('do-while-keep-last-n-text', ofType('DO_WHILE'), ({ task: t }) => void (t.keepLastN = 'two')),

  // INLINE and LAMBDA scripts.
  task('inline-script-syntax', ofType('INLINE'), ({ task: t }) => void Object.assign(inputs(t), { evaluatorType: 'graaljs', expression: BROKEN_SCRIPT })),
  task('inline-javascript-syntax', ofType('INLINE'), ({ task: t }) => void Object.assign(inputs(t), { evaluatorType: 'javascript', expression: BROKEN_SCRIPT })),
  task('inline-drop-expression', ofType('INLINE'), ({ task: t }) => void delete inputs(t).expression),
  task('lambda-script-syntax', ofType('LAMBDA'), ({ task: t }) => void (inputs(t).scriptExpression = BROKEN_SCRIPT)),

  // TERMINATE.
  task('terminate-status-unknown', ofType('TERMINATE'), input('terminationStatus', 'DONE')),
  task('terminate-status-lowercase', ofType('TERMINATE'), input('terminationStatus', 'completed')),
  task('terminate-status-expression', ofType('TERMINATE'), input('terminationStatus', '${workflow.input.status}')),
  task('terminate-drop-status', ofType('TERMINATE'), ({ task: t }) => void delete inputs(t).terminationStatus),
  task('terminate-optional', ofType('TERMINATE'), ({ task: t }) => void (t.optional = true)),

  // FORK_JOIN and JOIN.
  task('fork-empty', ofType('FORK_JOIN'), ({ task: t }) => void (t.forkTasks = [])),
  task('fork-empty-branch', ofType('FORK_JOIN'), ({ task: t }) => void (t.forkTasks as unknown[]).push([])),
  task('fork-branch-not-list', ofType('FORK_JOIN'), ({ task: t }) => void (t.forkTasks as unknown[]).push({ name: 'x' })),
  task(
    'fork-drop-join',
    (site) => ['FORK_JOIN', 'FORK_JOIN_DYNAMIC'].includes(typeOf(site.task)) && isObj(site.list[site.index + 1]) && typeOf(site.list[site.index + 1] as Obj) === 'JOIN',
    (site) => void site.list.splice(site.index + 1, 1),
  ),
  task('join-on-empty', ofType('JOIN'), ({ task: t }) => void (t.joinOn = [])),
  task('join-drop-join-on', ofType('JOIN'), ({ task: t }) => void delete t.joinOn),
  task('join-on-text', ofType('JOIN'), ({ task: t }) => void (t.joinOn = 'all')),
  task(
    'join-on-foreign',
    (site, def) => typeOf(site.task) === 'JOIN' && refsOf(def).length > 0,
    ({ task: t }, def) => void (t.joinOn = [...(Array.isArray(t.joinOn) ? t.joinOn : []), refsOf(def)[0]]),
  ),
  task('join-on-unknown', ofType('JOIN'), ({ task: t }) => void (t.joinOn = [...(Array.isArray(t.joinOn) ? t.joinOn : []), 'no_such_task'])),
  task('join-without-fork', (site) => site.index === 0 || typeOf(site.task) !== 'JOIN', (site) => void site.list.splice(site.index, 0, { name: 'k1_join', taskReferenceName: 'k1_stray_join', type: 'JOIN', joinOn: [] })),

  // FORK_JOIN_DYNAMIC.
  task('dynamic-fork-task-inputs-only', ofType('FORK_JOIN_DYNAMIC'), ({ task: t }) => {
    delete t.dynamicForkTasksParam;
    delete t.dynamicForkTasksInputParamName;
    delete t.dynamicForkJoinTasksParam;
    Object.assign(inputs(t), { forkTaskName: 'k1_fork_worker', forkTaskInputs: '${workflow.input.items}' });
  }),
  task('dynamic-fork-drop-params', ofType('FORK_JOIN_DYNAMIC'), ({ task: t }) => {
    delete t.dynamicForkTasksParam;
    delete t.dynamicForkTasksInputParamName;
    delete t.dynamicForkJoinTasksParam;
    delete inputs(t).forkTaskInputs;
  }),
  task('dynamic-fork-drop-input-param-name', ofType('FORK_JOIN_DYNAMIC'), ({ task: t }) => void (delete t.dynamicForkTasksInputParamName, delete inputs(t).forkTaskInputs)),
  task('dynamic-fork-legacy-mix', ofType('FORK_JOIN_DYNAMIC'), ({ task: t }) => void (t.dynamicForkJoinTasksParam = 'dynamicTasks')),
  task('dynamic-fork-param-not-input', ofType('FORK_JOIN_DYNAMIC'), ({ task: t }) => void (delete inputs(t).forkTaskInputs, (t.dynamicForkTasksParam = 'k1_no_such_input'), (t.dynamicForkTasksInputParamName ??= 'k1_no_such_inputs'))),

  // SUB_WORKFLOW.
  task('sub-workflow-version-text', ofType('SUB_WORKFLOW'), ({ task: t }) => void ((t.subWorkflowParam as Obj).version = 'latest')),
  task('sub-workflow-version-numeric-text', ofType('SUB_WORKFLOW'), ({ task: t }) => void ((t.subWorkflowParam as Obj).version = '2')),
  task('sub-workflow-version-fraction', ofType('SUB_WORKFLOW'), ({ task: t }) => void ((t.subWorkflowParam as Obj).version = 1.5)),
  task('sub-workflow-drop-param', ofType('SUB_WORKFLOW'), ({ task: t }) => void delete t.subWorkflowParam),
  task('sub-workflow-param-text', ofType('SUB_WORKFLOW'), ({ task: t }) => void (t.subWorkflowParam = 'child')),
  task('sub-workflow-drop-name', ofType('SUB_WORKFLOW'), ({ task: t }) => void (delete (t.subWorkflowParam as Obj).name, delete (t.subWorkflowParam as Obj).workflowDefinition)),
  task('sub-workflow-name-expression', ofType('SUB_WORKFLOW'), ({ task: t }) => void ((t.subWorkflowParam as Obj).name = '${workflow.input.child}')),

  // Other system tasks.
  task('http-drop-request', ofType('HTTP'), ({ task: t }) => void (delete inputs(t).http_request, delete inputs(t).uri, delete inputs(t).method)),
  task('jq-drop-query', ofType('JSON_JQ_TRANSFORM'), ({ task: t }) => void delete inputs(t).queryExpression),
  task('event-drop-sink', ofType('EVENT'), ({ task: t }) => void delete t.sink),
  task('wait-both', ofType('WAIT'), ({ task: t }) => void Object.assign(inputs(t), { duration: '10s', until: '2030-01-31 18:30 UTC' })),
  task('wait-bad-duration', ofType('WAIT'), ({ task: t }) => void (delete inputs(t).until, (inputs(t).duration = 'soon'))),
  task('wait-bad-until', ofType('WAIT'), ({ task: t }) => void (delete inputs(t).duration, (inputs(t).until = 'tomorrow at noon'))),
  task('wait-duration-expression', ofType('WAIT'), ({ task: t }) => void (delete inputs(t).until, (inputs(t).duration = '${workflow.input.wait}'))),
];

/**
 * Every mutant of one source definition: each workflow kind once, each task kind at the first
 * fitting task of each place. Callers keep one mutant per {@link Mutant.signature} where the
 * sources are many.
 */
export function mutantsOf(source: string, original: Obj): Mutant[] {
  const mutants: Mutant[] = [];
  const copy = (): Obj => structuredClone(original);
  for (const kind of MUTATION_KINDS) {
    if (kind.scope === 'workflow') {
      const def = copy();
      kind.apply(def, undefined);
      mutants.push({ kind: kind.kind, where: source, place: 'workflow', signature: kind.kind, def });
      continue;
    }
    const seen = new Set<string>();
    taskSites(original).forEach((site, i) => {
      if (seen.has(site.place) || !(kind.fits?.(site, original) ?? true)) return;
      seen.add(site.place);
      const def = copy();
      kind.apply(def, taskSites(def)[i]);
      mutants.push({ kind: kind.kind, where: `${source} @ ${site.location}`, place: site.place, signature: kind.once === true ? kind.kind : `${kind.kind} ${site.place} ${typeOf(site.task)}`, def });
    });
  }
  return mutants;
}
