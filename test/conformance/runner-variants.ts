/**
 * Part 4's generated variants: small definitions, one kind of behaviour each (the kinds of issue
 * 13's runner section, `../shared/cases/` among them), run on the server's test endpoint and in
 * the runner with the same mocks. Names start with `k1c4_` so they never meet other definitions
 * on a shared server.
 */
import type { WorkflowDef, WorkflowTask } from '../../src/conductor-types.ts';
import type { RunnerScenario } from './runner-scenarios.ts';
import { DECIDE_VARIANTS } from './runner-variants-decide.ts';
import { done, F, inline, join, PREFIX, simple, task, taskDef, wf, type Variant } from './variant-builders.ts';

const child = wf('child', [simple('leaf', { v: '${workflow.input.v}' })], { outputParameters: { got: '${leaf.output.r}', input: '${workflow.input}' } });
const childV2 = { ...child, version: 2, outputParameters: { got: '${leaf.output.r}', version: 2 } } as WorkflowDef;

const VARIANTS: readonly Variant[] = [
  // ---- SWITCH / DECISION -------------------------------------------------------------------
  {
    // ../shared/cases/01: the default case's selectedCase is the evaluated value.
    name: 'switch-default-selected-case',
    def: wf('switch_default', [
      task('pick_route', 'SWITCH', {
        evaluatorType: 'value-param',
        expression: 'kind',
        inputParameters: { kind: '${workflow.input.kind}' },
        decisionCases: { express: [inline('fast_lane', "'fast'")] },
        defaultCase: [inline('slow_lane', "'slow'")],
      }),
    ]),
    input: { kind: 'bulk' },
  },
  {
    name: 'switch-javascript-and-empty-case',
    def: wf('switch_js', [
      task('js', 'SWITCH', { evaluatorType: 'javascript', expression: '$.n > 2 ? "big" : $.n', inputParameters: { n: '${workflow.input.n}' }, decisionCases: { big: [], '1': [inline('one', '1')] }, defaultCase: [inline('other', "'other'")] }),
      inline('after', "'after'"),
    ]),
    input: { n: 5 },
  },
  {
    name: 'decision-empty-case-takes-default',
    def: wf('decision_empty', [task('d', 'DECISION', { caseValueParam: 'c', inputParameters: { c: '${workflow.input.c}' }, decisionCases: { a: [] }, defaultCase: [inline('dflt', "'default'")] })]),
    input: { c: 'a' },
  },
  {
    name: 'switch-expression-error',
    def: wf('switch_error', [task('bad', 'SWITCH', { evaluatorType: 'javascript', expression: '$.missing.deeper', inputParameters: {}, decisionCases: { x: [inline('x', '1')] } })]),
  },
  // ---- INLINE --------------------------------------------------------------------------------
  {
    // ../shared/cases/03.
    name: 'inline-value-param',
    def: wf('inline_value_param', [inline('amount', 'total', { total: '${workflow.input.total}' }, 'value-param')]),
    input: { total: 42 },
  },
  { name: 'inline-blank-evaluator', def: wf('inline_blank', [inline('amount', 'total', { total: 1 }, '')]) },
  { name: 'inline-unknown-evaluator', def: wf('inline_lua', [inline('amount', 'return 1', {}, 'lua')]) },
  { name: 'inline-evaluator-absent', def: wf('inline_absent', [inline('amount', '$.a * 2', { a: 21 }, undefined)]) },
  { name: 'inline-script-error-line', def: wf('inline_throw', [inline('boom', "var a = 1;\nthrow new Error('bad ' + a)")]) },
  // ---- DO_WHILE ------------------------------------------------------------------------------
  {
    // ../shared/cases/02, and the same with an empty list.
    name: 'do-while-items',
    def: wf('do_while_items', [
      task('each_tag', 'DO_WHILE', {
        items: '${workflow.input.tags}',
        loopCondition: '',
        inputParameters: {},
        loopOver: [inline('label', "$.tag + '#' + $.index", { tag: '${each_tag.output.loopItem}', index: '${each_tag.output.loopIndex}' }, 'graaljs')],
      } as Partial<WorkflowTask>),
    ]),
    input: { tags: ['red', 'green', 'blue'] },
  },
  {
    name: 'do-while-items-empty',
    def: wf('do_while_items_empty', [task('each_tag', 'DO_WHILE', { items: '${workflow.input.tags}', loopCondition: '', inputParameters: {}, loopOver: [inline('label', "'x'")] } as Partial<WorkflowTask>), inline('after', "'after'")]),
    input: { tags: [] },
  },
  {
    // do_while_cleanup_demo without Math.random() and Date.now(): keepLastN drops old iterations' outputs and tasks.
    name: 'do-while-keep-last-n',
    def: wf('keep_last_n', [
      task('loop', 'DO_WHILE', {
        inputParameters: { keepLastN: 2, max: 4 },
        loopCondition: 'if ($.loop[\'iteration\'] < $.max) { true; } else { false; }',
        loopOver: [inline('gen', "({ iteration: $.it })", { it: '${loop.output.iteration}' }), simple('work', { n: '${gen.output.result.iteration}' })],
      }),
      inline('summary', '$.out', { out: '${loop.output}' }),
    ]),
    mocks: { work__1: [done({ w: 1 })], work__2: [done({ w: 2 })], work__3: [done({ w: 3 })], work__4: [done({ w: 4 })] },
  },
  {
    // A number above 0 is true, a string is false (ScriptEvaluator.toBoolean).
    name: 'do-while-condition-truthiness',
    def: wf('truthiness', [
      task('by_number', 'DO_WHILE', { inputParameters: {}, loopCondition: '$.by_number.iteration < 3 ? 1 : 0', loopOver: [inline('n', '1')] }),
      task('by_string', 'DO_WHILE', { inputParameters: {}, loopCondition: "'true'", loopOver: [inline('s', '1')] }),
    ]),
  },
  {
    // The inner loop's condition reads its own reference, which inside the outer loop is `inner__1`.
    name: 'do-while-nested-own-ref',
    def: wf('nested_loops', [
      task('outer', 'DO_WHILE', {
        inputParameters: {},
        loopCondition: '$.outer.iteration < 2',
        loopOver: [task('inner', 'DO_WHILE', { inputParameters: {}, loopCondition: "$.inner['iteration'] < 3", loopOver: [inline('body', '1')] })],
      }),
    ]),
  },
  // ---- dynamic forks --------------------------------------------------------------------------
  {
    // ../shared/cases/04: scalar items are wrapped as {input, __index}.
    name: 'dynamic-fork-scalar-items',
    def: wf('double_all', [task('fan', 'FORK_JOIN_DYNAMIC', { inputParameters: { forkTaskName: `${PREFIX}double_it`, forkTaskInputs: '${workflow.input.values}' } }), join('gather')]),
    input: { values: [3, 5] },
    mocks: { [`_${PREFIX}double_it_0`]: [done({ doubled: 6 })], [`_${PREFIX}double_it_1`]: [done({ doubled: 10 })] },
  },
  {
    // Without forkTaskName the forked task is named after the fork's reference.
    name: 'dynamic-fork-no-fork-task-name',
    def: wf('fan_unnamed', [task('fan', 'FORK_JOIN_DYNAMIC', { inputParameters: { forkTaskInputs: [{ n: 1 }, { n: 2 }] } }), join('gather')]),
    mocks: { _fan_0: [done({ r: 1 })], _fan_1: [done({ r: 2 })] },
  },
  {
    // The first dynamic fork names its tasks _<name>_<i>; later ones _<forkRef>_<name>_<i>, the same task name included.
    name: 'dynamic-fork-later-forks',
    def: wf('three_forks', [
      task('first', 'FORK_JOIN_DYNAMIC', { inputParameters: { forkTaskName: `${PREFIX}dev`, forkTaskInputs: [{ d: 'a' }] } }),
      join('first_join'),
      task('second', 'FORK_JOIN_DYNAMIC', { inputParameters: { forkTaskName: `${PREFIX}dev`, forkTaskInputs: [{ d: 'b' }, { d: 'c' }] } }),
      join('second_join'),
      task('third', 'FORK_JOIN_DYNAMIC', { inputParameters: { forkTaskName: `${PREFIX}check`, forkTaskInputs: ['x'] } }),
      join('third_join'),
    ]),
    mocks: {
      [`_${PREFIX}dev_0`]: [done({ ok: 'a' })],
      [`_second_${PREFIX}dev_0`]: [done({ ok: 'b' })],
      [`_second_${PREFIX}dev_1`]: [done({ ok: 'c' })],
      [`_third_${PREFIX}check_0`]: [done({ ok: 'x' })],
    },
  },
  {
    // A system task type without forkTaskName: the type is the name.
    name: 'dynamic-fork-system-type',
    def: wf('fan_inline', [
      task('fan', 'FORK_JOIN_DYNAMIC', { inputParameters: { forkTaskType: 'INLINE', forkTaskInputs: [{ evaluatorType: 'javascript', expression: '$.n * 10', n: 1 }, { evaluatorType: 'javascript', expression: '$.n * 10', n: 2 }] } }),
      join('gather'),
    ]),
  },
  {
    // forkTaskWorkflow forks sub-workflows.
    name: 'dynamic-fork-sub-workflows',
    def: wf('fan_children', [task('fan', 'FORK_JOIN_DYNAMIC', { inputParameters: { forkTaskWorkflow: child.name, forkTaskWorkflowVersion: '1', forkTaskInputs: [{ v: 1 }, { v: 2 }] } }), join('gather')]),
    needs: [child],
    mocks: {},
    subWorkflowMocks: { _fan_0: { taskRefToMockOutput: { leaf: [done({ r: 'one' })] } }, _fan_1: { taskRefToMockOutput: { leaf: [done({ r: 'two' })] } } },
  },
  {
    // A retried forked task keeps its input.
    name: 'dynamic-fork-retry-keeps-input',
    def: wf('fan_retry', [task('fan', 'FORK_JOIN_DYNAMIC', { inputParameters: { forkTaskName: `${PREFIX}flaky`, forkTaskInputs: [{ device: 'd1' }] } }), join('gather')]),
    taskDefs: [taskDef({ name: `${PREFIX}flaky`, retryCount: 1, retryDelaySeconds: 0 })],
    mocks: { [`_${PREFIX}flaky_0`]: [F, done({ flashed: true })] },
  },
  {
    // The listed tasks' own inputParameters merge with their entry in the input map.
    name: 'dynamic-fork-listed-tasks',
    def: wf('fan_listed', [
      simple('plan'),
      task('fan', 'FORK_JOIN_DYNAMIC', { dynamicForkTasksParam: 'tasks', dynamicForkTasksInputParamName: 'inputs', inputParameters: { tasks: '${plan.output.tasks}', inputs: '${plan.output.inputs}' } }),
      join('gather'),
    ]),
    mocks: {
      plan: [done({ tasks: [{ name: `${PREFIX}step`, taskReferenceName: 's1', type: 'SIMPLE', inputParameters: { own: 'yes', from: '${workflow.input.x}' } }], inputs: { s1: { given: 1 } } })],
      s1: [done({ done: 1 })],
    },
    input: { x: 'wf' },
  },
  {
    name: 'dynamic-fork-missing-input-map',
    def: wf('fan_no_inputs', [simple('plan'), task('fan', 'FORK_JOIN_DYNAMIC', { dynamicForkTasksParam: 'tasks', dynamicForkTasksInputParamName: 'inputs', inputParameters: { tasks: '${plan.output.tasks}' } }), join('gather')]),
    mocks: { plan: [done({ tasks: [{ name: `${PREFIX}step`, taskReferenceName: 's1' }] })] },
  },
  {
    name: 'dynamic-fork-task-without-ref',
    def: wf('fan_no_ref', [simple('plan'), task('fan', 'FORK_JOIN_DYNAMIC', { dynamicForkTasksParam: 'tasks', dynamicForkTasksInputParamName: 'inputs', inputParameters: { tasks: '${plan.output.tasks}', inputs: {} } }), join('gather')]),
    mocks: { plan: [done({ tasks: [{ name: `${PREFIX}step` }] })] },
  },
  // ---- retries, task definitions ----------------------------------------------------------------
  {
    // ../shared/cases/05: the TaskDef's inputTemplate fills keys left out and keys that resolve to null.
    name: 'taskdef-input-template',
    def: wf('send_notice', [simple('mailer', { priority: '${workflow.input.priority}', sender: '${workflow.input.sender}', to: '${workflow.input.to}' })]),
    taskDefs: [taskDef({ name: `${PREFIX}mailer`, retryCount: 0, retryDelaySeconds: 0, timeoutSeconds: 0, responseTimeoutSeconds: 60, inputTemplate: { priority: 'normal', sender: 'noreply@example.com', footer: 'sent by bot' } })],
    input: { sender: 'billing@example.com', to: 'ann@example.com' },
    mocks: { mailer: [done({ sent: true })] },
  },
  {
    // ../shared/cases/06: a TaskDef without retry fields retries 3 times (the test endpoint does not wait the 60 s).
    name: 'taskdef-defaults-retry-three-times',
    def: wf('sync_stock', [simple('push', { sku: '${workflow.input.sku}' })]),
    taskDefs: [taskDef({ name: `${PREFIX}push`, timeoutSeconds: 30, responseTimeoutSeconds: 30 })],
    input: { sku: 'A-1' },
    mocks: { push: [F, F, F, done({ pushed: true })] },
  },
  {
    name: 'workflow-task-retry-count-overrides',
    def: wf('retry_override', [simple('once', {}, { retryCount: 0 } as Partial<WorkflowTask>)]),
    taskDefs: [taskDef({ name: `${PREFIX}once`, retryCount: 3, retryDelaySeconds: 0 })],
    mocks: { once: [F, done({})] },
  },
  // ---- TERMINATE, failure workflows -------------------------------------------------------------
  {
    name: 'terminate-terminated-starts-failure-workflow',
    def: wf('terminated', [inline('before', "'x'"), task('stop', 'TERMINATE', { inputParameters: { terminationStatus: 'TERMINATED', workflowOutput: { why: 'stopped' } } })], { failureWorkflow: `${PREFIX}on_failure` }),
    needs: [wf('on_failure', [inline('note', '$.r', { r: '${workflow.input.reason}' })])],
  },
  // ---- SUB_WORKFLOW -----------------------------------------------------------------------------
  {
    name: 'sub-workflow-version-0-is-latest',
    def: wf('parent_v0', [task('sub', 'SUB_WORKFLOW', { subWorkflowParam: { name: child.name, version: 0 }, inputParameters: { v: 7 } })]),
    needs: [child, childV2],
    mocks: {},
    subWorkflowMocks: { sub: { taskRefToMockOutput: { leaf: [done({ r: 'latest' })] } } },
  },
  {
    name: 'sub-workflow-definition-expression',
    def: wf('parent_inline', [task('sub', 'SUB_WORKFLOW', { subWorkflowParam: { name: 'dynamic_child', workflowDefinition: '${workflow.input.def}' } as never, inputParameters: { v: 1 } })]),
    input: { def: { name: `${PREFIX}dynamic_child`, version: 1, schemaVersion: 2, tasks: [{ name: `${PREFIX}leaf`, taskReferenceName: 'leaf', type: 'SIMPLE' }], outputParameters: { got: '${leaf.output.r}' } } },
    mocks: {},
    subWorkflowMocks: { sub: { taskRefToMockOutput: { leaf: [done({ r: 'inline' })] } } },
  },
  {
    name: 'sub-workflow-no-input-parameters',
    def: wf('parent_no_input', [task('sub', 'SUB_WORKFLOW', { subWorkflowParam: { name: child.name, version: 1 } })]),
    needs: [child],
    mocks: {},
    subWorkflowMocks: { sub: { taskRefToMockOutput: { leaf: [done({ r: 'bare' })] } } },
  },
  { name: 'sub-workflow-not-registered', def: wf('parent_missing', [task('sub', 'SUB_WORKFLOW', { subWorkflowParam: { name: `${PREFIX}nobody` } })]) },
  {
    name: 'sub-workflow-version-not-registered',
    def: wf('parent_missing_version', [task('sub', 'SUB_WORKFLOW', { subWorkflowParam: { name: child.name, version: 9 } })]),
    needs: [child],
  },
  // ---- JOIN ----------------------------------------------------------------------------------
  {
    // A JOIN that completes at once does not end the workflow while a branch still runs.
    name: 'join-empty-join-on',
    def: wf('join_empty', [task('fork', 'FORK_JOIN', { forkTasks: [[simple('a')], [simple('b')]] }), join('join', []), inline('after', "'after'")]),
    mocks: { a: [done({ a: 1 })], b: [done({ b: 1 })] },
  },
  // ---- EVENT, START_WORKFLOW ------------------------------------------------------------
  { name: 'event-conductor-named-queue', def: wf('event_named', [task('emit', 'EVENT', { sink: 'conductor:k1c4_queue', inputParameters: { what: '${workflow.input.what}' } })]), input: { what: 'built' } },
  { name: 'start-workflow-unknown', def: wf('start_unknown', [task('st', 'START_WORKFLOW', { inputParameters: { startWorkflow: { name: `${PREFIX}nobody`, input: {} } } })]) },
  // ---- JsonPath --------------------------------------------------------------------------------
  {
    name: 'json-path-as-jayway',
    def: wf('json_path', [
      simple('src'),
      simple('read', {
        byFilter: "${src.output.items[?(@.kind == 'a')].name}",
        filterThenAt: "${src.output.items[?(@.kind == 'b')].@odd}",
        filterNumeric: '${src.output.items[?(@.n > 1)].n}',
        wildcard: '${src.output.items[*].n}',
        deep: '${src.output..name}',
        slice: '${src.output.items[0:2].name}',
        indexList: '${src.output.items[0,2].name}',
        length: '${src.output.items.length()}',
        negative: '${src.output.items[-1].name}',
        bracket: "${src.output['items'][1]['name']}",
        missing: '${src.output.nothing.here}',
        text: 'names: ${src.output.items[*].name}',
        nested: '${src.output.map.${src.output.key}}',
      }),
    ]),
    mocks: {
      src: [done({ items: [{ kind: 'a', name: 'x', n: 1 }, { kind: 'b', name: 'y', n: 2, '@odd': 'at-name' }, { kind: 'a', name: 'z', n: 3 }], map: { k: 'v' }, key: 'k' })],
      read: [done({})],
    },
  },
  // ---- definitions the server refuses -------------------------------------------------------------
  { name: 'schema-version-1', def: { ...wf('schema_v1', [inline('x', '1')]), schemaVersion: 1 } },
  // ---- what the server records of maps shared within a decide (runner-variants-decide.ts) -----------
  ...DECIDE_VARIANTS,
];

/** A variant, by name (the runner's own tests assert the server's answers for some of them). */
export function variant(name: string): Variant {
  const found = VARIANTS.find((v) => v.name === name);
  if (found === undefined) throw new Error(`no variant ${name} in runner-variants.ts`);
  return found;
}

/** The definition of a variant, by name. */
export function variantDefinition(name: string): WorkflowDef {
  return variant(name).def;
}

/** Where the HTTP variants call: a target the part starts, and a port nothing listens on. */
export interface HttpTarget {
  readonly base: string;
  readonly closedPort: number;
}

/**
 * HTTP tasks run for real on both sides (the server's own system-task worker runs an unmocked
 * HTTP task even under the test endpoint), against {@link HttpTarget}: its answers, header names
 * as the target wrote them, its failures and a read timeout.
 */
function httpVariants(target: HttpTarget): Variant[] {
  const get = (path: string, extra: Record<string, unknown> = {}): WorkflowTask =>
    task('call', 'HTTP', { inputParameters: { http_request: { uri: `\${workflow.input.base}${path}`, method: 'GET', ...extra } } });
  const variant = (name: string, path: string, base = target.base, extra: Record<string, unknown> = {}): Variant => ({
    name,
    def: wf(name.replaceAll('-', '_'), [get(path, extra), inline('after', '$.r', { r: '${call.output.response}' })]),
    input: { base },
  });
  return [
    variant('http-200-json', '/ok'),
    variant('http-200-text', '/text'),
    variant('http-503', '/unavailable'),
    variant('http-404-empty', '/missing'),
    variant('http-unreachable', '/ok', `http://127.0.0.1:${target.closedPort}`),
    variant('http-read-timeout', '/slow', target.base, { readTimeOut: 1000 }),
  ];
}

/** The variants as part 4 scenarios; HTTP ones call `target`. */
export function variantScenarios(target: HttpTarget): RunnerScenario[] {
  return [...VARIANTS, ...httpVariants(target)].map((v) => ({
    key: `variant/${v.name}`,
    def: v.def,
    input: v.input ?? {},
    mocks: v.mocks ?? {},
    ...(v.needs !== undefined && { needs: v.needs }),
    ...(v.taskDefs !== undefined && { taskDefs: v.taskDefs }),
    ...(v.subWorkflowMocks !== undefined && { subWorkflowMocks: v.subWorkflowMocks }),
  }));
}
