import { describe, expect, it } from 'vitest';
import type { WorkflowDef } from '../../src/conductor-types.ts';
import { validateEachWorkflowDef, validateWorkflowDefs } from '../../src/validate/index.ts';
import { check, expectOnly, forkJoin, raw, route, simple, workflow, type ExpectedIssue, type RawTask } from './helpers.ts';

/** A release pipeline that uses every construct the validator knows, correctly. */
function pipeline(): WorkflowDef {
  return workflow(
    [
      simple('checkout', { repo: '${workflow.input.repo}', taskId: '${CPEWF_TASK_ID}' }),
      {
        name: 'route',
        taskReferenceName: 'route',
        type: 'SWITCH',
        evaluatorType: 'value-param',
        expression: 'target',
        inputParameters: { target: '${checkout.output.target}' },
        decisionCases: {
          esp32: [simple('compile', { src: '${checkout.output.dir}', chosen: '${route.output.selectedCase}' })],
          skip: [{ name: 'stop', taskReferenceName: 'stop', type: 'TERMINATE', inputParameters: { terminationStatus: 'COMPLETED', workflowOutput: '${checkout.output}' } }],
        },
        defaultCase: [{ name: 'notify_default', taskReferenceName: 'notify_default', type: 'EVENT', sink: 'conductor' }],
      },
      ...forkJoin('tests', [
        [
          simple('test_unit', { bin: '${compile.output.bin}' }),
          { name: 'report', taskReferenceName: 'report', type: 'JSON_JQ_TRANSFORM', inputParameters: { queryExpression: '.x', x: '${test_unit.output}' } },
        ],
        [{ name: 'lint', taskReferenceName: 'lint', type: 'HTTP', inputParameters: { http_request: { uri: 'http://lint.local', method: 'POST', body: '${checkout.output.dir}' } } }],
      ]),
      {
        name: 'retry_loop',
        taskReferenceName: 'retry_loop',
        type: 'DO_WHILE',
        loopCondition: "$.retry_loop['iteration'] < $.max && !$.verify.ok",
        inputParameters: { max: 3, last: '${verify.output.ok}' },
        loopOver: [
          simple('flash', { attempt: '${retry_loop.output.iteration}', previous: '${verify.output.ok}', unit: '${tests_join.output.report}' }),
          simple('verify', { log: '${flash.output.log}' }),
          { name: 'pause', taskReferenceName: 'pause', type: 'WAIT', inputParameters: { duration: '10s' } },
        ],
      },
      { name: 'fan_out', taskReferenceName: 'fan_out', type: 'FORK_JOIN_DYNAMIC', inputParameters: { forkTaskName: 'sign', forkTaskInputs: '${verify.output.images}' } },
      { name: 'fan_out_join', taskReferenceName: 'fan_out_join', type: 'JOIN' },
      { name: 'release', taskReferenceName: 'release', type: 'SUB_WORKFLOW', subWorkflowParam: { name: 'publish-release', version: 2 }, inputParameters: { signed: '${fan_out_join.output}' } },
      { name: 'remember', taskReferenceName: 'remember', type: 'SET_VARIABLE', inputParameters: { released: '${release.output.url}' } },
      { name: 'summary', taskReferenceName: 'summary', type: 'INLINE', inputParameters: { evaluatorType: 'graaljs', expression: '$.note', note: '$${not.a.reference}' } },
    ],
    { name: 'firmware-ci-cd-pipeline', outputParameters: { url: '${release.output.url}', lastFlash: '${flash.output}' }, failureWorkflow: 'notify-failure' },
  );
}

const generation = (): WorkflowDef[] => [
  pipeline(),
  workflow([simple('publish')], { name: 'publish-release', version: 2 }),
  workflow([simple('notify', { why: '${workflow.input.reason}' })], { name: 'notify-failure' }),
];
const taskNames = new Set(['checkout_task', 'compile_task', 'test_unit_task', 'flash_task', 'verify_task', 'publish_task', 'notify_task']);


describe('a valid generation', () => {
  it('has no issues, with every check on', () => {
    expect(validateWorkflowDefs(generation(), { complete: true, taskNames })).toEqual([]);
  });

  it('has no issues in the minimal form the server accepts (no version, schemaVersion or type)', () => {
    expect(validateWorkflowDefs([raw<WorkflowDef>({ name: 'tiny', ownerEmail: 'a@b.c', tasks: [{ name: 't', taskReferenceName: 't' }] })])).toEqual([]);
  });
});

describe('workflow fields', () => {
  // Severities and JSON types as conductor-oss 3.32.3 answered: 400/500 is an error, 200 a warning at most.
  const cases: [string, Record<string, unknown>, ExpectedIssue][] = [
    ['a missing name', { name: '' }, { code: 'WORKFLOW_NAME_MISSING', severity: 'error', path: 'workflow #1 → name', says: ['no name'], fix: 'Set "name" to a name made of letters, digits and _ or -.' }],
    ['a blank name, which the server registers', { name: '  ' }, { code: 'WORKFLOW_NAME_MISSING', severity: 'warning', path: 'workflow #1 → name', says: ['blank; the server registers it'], fix: 'Set "name" to a name made of letters, digits and _ or -.' }],
    ['a name outside the pattern, which the server as shipped registers', { name: 'ci.pipeline/v2' }, { code: 'WORKFLOW_NAME_PATTERN', severity: 'warning', path: 'ci.pipeline/v2 v1 → name', says: ['"ci.pipeline/v2" has characters', 'name-validation.enabled=true'], fix: 'Rename it, e.g. "ci_pipeline_v2".' }],
    ['an empty task list', { tasks: [] }, { code: 'WORKFLOW_TASKS_EMPTY', severity: 'error', path: 'demo v1 → tasks', says: ['an empty tasks list'], fix: 'Add at least one task to "tasks".' }],
    ['tasks that is not a list (500 JSON parse error)', { tasks: { a: 1 } }, { code: 'FIELD_TYPE', severity: 'error', path: 'demo v1 → tasks', says: ['tasks is an object', '500 "JSON parse error"'], fix: 'Write it as an array of task objects.' }],
    ['schemaVersion 1', { schemaVersion: 1 }, { code: 'SCHEMA_VERSION', severity: 'error', path: 'demo v1 → schemaVersion', says: ['schemaVersion is 1'], fix: 'Set "schemaVersion": 2.' }],
    ['a task timeout policy on a workflow (500 JSON parse error)', { timeoutPolicy: 'RETRY' }, { code: 'FIELD_TYPE', severity: 'error', path: 'demo v1 → timeoutPolicy', says: ['timeoutPolicy is "RETRY"'], fix: 'Write it as one of "TIME_OUT_WF", "ALERT_ONLY".' }],
    ['a version written as text, which the server reads as a number', { version: '1' }, { code: 'FIELD_COERCED', severity: 'warning', path: 'demo v1 → version', says: ['version is "1", which the server accepts but stores as 1'], fix: 'Write 1 to say what will be stored.' }],
    ['a version that is not a number (500 JSON parse error)', { version: 'latest' }, { code: 'FIELD_TYPE', severity: 'error', path: 'demo vlatest → version', says: ['version is "latest"'], fix: 'Write it as a whole number (32-bit).' }],
    ['a negative timeoutSeconds, which the server registers', { timeoutSeconds: -1 }, { code: 'WORKFLOW_TIMEOUT_NEGATIVE', severity: 'warning', path: 'demo v1 → timeoutSeconds', says: ['timeoutSeconds is -1'], fix: 'Set it to a whole number of seconds, 0 or more (0 means no limit).' }],
    ['workflow inputParameters that are not names (500 JSON parse error)', { inputParameters: { repo: 'x' } }, { code: 'FIELD_TYPE', severity: 'error', path: 'demo v1 → inputParameters', says: ['inputParameters is an object'], fix: 'Write it as an array of text values.' }],
    ['outputParameters that are a list (500 JSON parse error)', { outputParameters: ['x'] }, { code: 'FIELD_TYPE', severity: 'error', path: 'demo v1 → outputParameters', says: ['outputParameters is an array'], fix: 'Write it as an object (a map of names to values).' }],
    ['restartable given as text (500 JSON parse error)', { restartable: 'yes' }, { code: 'FIELD_TYPE', severity: 'error', path: 'demo v1 → restartable', says: ['restartable is "yes"'], fix: 'Write it as true or false.' }],
    ['a failureWorkflow that is a number, which the server stores as text', { failureWorkflow: 7 }, { code: 'FIELD_COERCED', severity: 'warning', path: 'demo v1 → failureWorkflow', says: ['stores as "7"'], fix: 'Write "7" to say what will be stored.' }],
    ['a failureWorkflow written as ${...}', { failureWorkflow: '${workflow.input.onFailure}' }, { code: 'FAILURE_WORKFLOW_EXPRESSION', severity: 'warning', path: 'demo v1 → failureWorkflow', says: ['only reads "$workflow.input.<name>"'], fix: 'Write it as "$workflow.input.<name>" or use a literal workflow name.' }],
  ];
  it.each(cases)('reports %s', (_what, changes, expected) => {
    expectOnly(check([simple('t1')], changes), expected);
  });

  it('accepts the $workflow.input.<name> failureWorkflow form the server resolves', () => {
    expect(check([simple('t1')], { failureWorkflow: '$workflow.input.failureWfName' })).toEqual([]);
  });

  // conductor-oss 3.32.3 as shipped (ownerEmailMandatory=false) registers a workflow without ownerEmail.
  it('requires ownerEmail only when told the server does (Orkes, ownerEmailMandatory=true)', () => {
    const def = workflow([simple('t1')], { ownerEmail: undefined });
    expect(validateWorkflowDefs([def])).toEqual([]);
    expectOnly(validateWorkflowDefs([def], { requireOwnerEmail: true }), {
      code: 'OWNER_EMAIL_MISSING',
      severity: 'error',
      path: 'demo v1 → ownerEmail',
      says: ['conductor.app.ownerEmailMandatory=true, and Orkes'],
      fix: 'Set "ownerEmail" to the owning team\'s address.',
    });
  });

  it('reports a definition that is not an object, naming it by position', () => {
    expectOnly(validateWorkflowDefs([raw<WorkflowDef>('demo')]), {
      code: 'WORKFLOW_NOT_OBJECT', severity: 'error',
      path: 'workflow #1',
      says: ['this is a string'],
      fix: 'Replace it with an object that has "name", "version", "schemaVersion": 2 and "tasks".',
    });
  });

  it('reports the same name and version defined twice, on the second one', () => {
    const issues = validateEachWorkflowDef([workflow([simple('a')]), workflow([simple('b')], { name: 'other' }), workflow([simple('c')])]);
    expect(issues[0]).toEqual([]);
    expect(issues[1]).toEqual([]);
    expectOnly(issues[2] ?? [], {
      code: 'WORKFLOW_DUPLICATE', severity: 'error',
      path: 'demo v1',
      says: ['"demo" version 1 is defined more than once (first as definition 1)'],
      fix: 'Give it a new version or remove the copy.',
    });
  });
});

describe('task fields', () => {
  const cases: [string, unknown[], ExpectedIssue][] = [
    ['an entry that is not a task', [simple('t1'), 'compile'], { code: 'TASK_NOT_OBJECT', severity: 'error', path: 'demo v1 → tasks[1]', says: ['tasks[1] is a string'], fix: 'Replace it with a task object that has "name", "taskReferenceName" and "type".' }],
    ['a task without a name', [{ taskReferenceName: 't1', type: 'SIMPLE' }], { code: 'TASK_NAME_MISSING', severity: 'error', path: 'demo v1 → t1 → name', says: ['SIMPLE "t1" has no name'], fix: 'Set "name" to the task definition name (for system tasks, any descriptive name).' }],
    ['a task without a reference name', [{ name: 'compile', type: 'SIMPLE' }], { code: 'REF_MISSING', severity: 'error', path: 'demo v1 → tasks[0] → taskReferenceName', says: ['tasks[0] has no taskReferenceName'], fix: 'Set "taskReferenceName" to a name unique in this workflow.' }],
    ['a reference name with a double underscore', [simple('flash__fw')], { code: 'REF_DOUBLE_UNDERSCORE', severity: 'warning', path: 'demo v1 → flash__fw → taskReferenceName', says: ['ref__1, ref__2'], fix: 'Rename it without a double underscore, e.g. "flash_fw".' }],
    ['a type that is a number, which the server stores as text', [simple('t1', {}, { type: 3 })], { code: 'FIELD_COERCED', severity: 'warning', path: 'demo v1 → t1 → type', says: ['type is 3, which the server accepts but stores as "3"'], fix: 'Write "3" to say what will be stored.' }],
    ['inputParameters that are a list (500 JSON parse error)', [{ ...simple('t1'), inputParameters: ['x'] }], { code: 'FIELD_TYPE', severity: 'error', path: 'demo v1 → t1 → inputParameters', says: ['inputParameters is an array'], fix: 'Write it as an object (a map of names to values).' }],
    ['optional given as text (500 JSON parse error)', [simple('t1', {}, { optional: 'yes' })], { code: 'FIELD_TYPE', severity: 'error', path: 'demo v1 → t1 → optional', says: ['optional is "yes"'], fix: 'Write it as true or false.' }],
    ['retryCount given as text (500 JSON parse error)', [simple('t1', {}, { retryCount: 'three' })], { code: 'FIELD_TYPE', severity: 'error', path: 'demo v1 → t1 → retryCount', says: ['retryCount is "three"'], fix: 'Write it as a whole number (32-bit).' }],
    ['a negative startDelay', [simple('t1', {}, { startDelay: -5 })], { code: 'TASK_START_DELAY', severity: 'error', path: 'demo v1 → t1 → startDelay', says: ['startDelay -5'], fix: 'Set startDelay to 0 or more.' }],
    ['decisionCases that are a list (500 JSON parse error)', [route({ decisionCases: [[simple('a1')]] })], { code: 'FIELD_TYPE', severity: 'error', path: 'demo v1 → route → decisionCases', says: ['decisionCases is an array'], fix: 'Write it as an object whose values are arrays of task objects.' }],
    ['a case that is not a list (500 JSON parse error)', [route({ decisionCases: { a: simple('a1') } })], { code: 'FIELD_TYPE', severity: 'error', path: 'demo v1 → route → decisionCases.a', says: ['decisionCases.a is an object'], fix: 'Write it as an array of task objects.' }],
    ['a loop body that is not a list (500 JSON parse error)', [{ name: 'l', taskReferenceName: 'loop', type: 'DO_WHILE', loopCondition: 'false', loopOver: { a: simple('a1') } }], { code: 'FIELD_TYPE', severity: 'error', path: 'demo v1 → loop → loopOver', says: ['loopOver is an object'], fix: 'Write it as an array of task objects.' }],
    ['fork branches that are not lists (500 JSON parse error)', [{ name: 'f', taskReferenceName: 'fork', type: 'FORK_JOIN', forkTasks: [simple('a1')] }, { name: 'j', taskReferenceName: 'join', type: 'JOIN', joinOn: ['a1'] }], { code: 'FIELD_TYPE', severity: 'error', path: 'demo v1 → fork → forkTasks[0]', says: ['forkTasks[0] is an object'], fix: 'Write it as an array of task objects.' }],
    ['DO_WHILE items given as a JSON array (500 JSON parse error)', [{ name: 'l', taskReferenceName: 'loop', type: 'DO_WHILE', loopCondition: 'false', items: [1, 2, 3], loopOver: [simple('a1')] }], { code: 'FIELD_TYPE', severity: 'error', path: 'demo v1 → loop → items', says: ['items is an array'], fix: 'Write it as text.' }],
    ['a sub-workflow version that is not a number (500 JSON parse error)', [{ name: 's', taskReferenceName: 'child', type: 'SUB_WORKFLOW', subWorkflowParam: { name: 'c', version: 'latest' } }], { code: 'FIELD_TYPE', severity: 'error', path: 'demo v1 → child → subWorkflowParam.version', says: ['subWorkflowParam.version is "latest"'], fix: 'Write it as a whole number (32-bit).' }],
    ['a sub-workflow version with a fraction, which the server truncates', [{ name: 's', taskReferenceName: 'child', type: 'SUB_WORKFLOW', subWorkflowParam: { name: 'c', version: 1.5 } }], { code: 'FIELD_COERCED', severity: 'warning', path: 'demo v1 → child → subWorkflowParam.version', says: ['stores as 1'], fix: 'Write 1 to say what will be stored.' }],
    ['an embedded taskDefinition given as text, which the server reads as a TaskDef name', [simple('t1', {}, { taskDefinition: 'x' })], { code: 'FIELD_COERCED', severity: 'warning', path: 'demo v1 → t1 → taskDefinition', says: ['stores as a TaskDef named "x"'], fix: 'Write a TaskDef named "x" to say what will be stored.' }],
  ];
  it.each(cases)('reports %s', (_what, tasks, expected) => {
    expectOnly(check(tasks), expected);
  });

  it('reports a duplicate reference between a switch case and a loop body, naming both places', () => {
    const issues = check([
      route({ decisionCases: { a: [simple('step')] } }),
      { name: 'l', taskReferenceName: 'loop', type: 'DO_WHILE', loopCondition: 'false', loopOver: [simple('step')] },
    ]);
    expectOnly(issues, {
      code: 'REF_DUPLICATE', severity: 'error',
      path: 'demo v1 → step → taskReferenceName',
      says: ['"step" is used at tasks[0].decisionCases.a[0] and again at tasks[1].loopOver[0]', 'nested tasks included'],
      fix: 'Give the task at tasks[1].loopOver[0] a unique taskReferenceName.',
    });
  });

  it('reports a duplicate reference at the top level too', () => {
    expectOnly(check([simple('t1'), simple('t1')]), {
      code: 'REF_DUPLICATE', severity: 'error',
      path: 'demo v1 → t1 → taskReferenceName',
      says: ['used at tasks[0] and again at tasks[1]'],
      fix: 'Give the task at tasks[1] a unique taskReferenceName.',
    });
  });
});

describe('task type rules', () => {
  const wait = (inputParameters: RawTask): RawTask => ({ name: 'w', taskReferenceName: 'pause', type: 'WAIT', inputParameters });
  const terminate = (changes: RawTask): RawTask => ({ name: 't', taskReferenceName: 'stop', type: 'TERMINATE', inputParameters: { terminationStatus: 'FAILED' }, ...changes });
  const dynamicFork = (changes: RawTask): RawTask[] => [
    { name: 'd', taskReferenceName: 'fan', type: 'FORK_JOIN_DYNAMIC', ...changes },
    { name: 'j', taskReferenceName: 'fan_join', type: 'JOIN' },
  ];
  const cases: [string, unknown[], ExpectedIssue][] = [
    ['SWITCH without evaluatorType', [route({ evaluatorType: undefined })], { code: 'SWITCH_EVALUATOR_MISSING', severity: 'error', path: 'demo v1 → route → evaluatorType', says: ['SWITCH "route" has no evaluatorType'], fix: 'Set evaluatorType to "value-param" (expression names an input parameter) or "graaljs" (expression is JavaScript).' }],
    ['SWITCH with an unknown evaluator', [route({ evaluatorType: 'python' })], { code: 'SWITCH_EVALUATOR_UNKNOWN', severity: 'warning', path: 'demo v1 → route → evaluatorType', says: ['"python"'], fix: 'Use "value-param", "javascript" or "graaljs".' }],
    ['SWITCH without expression', [route({ expression: undefined })], { code: 'SWITCH_EXPRESSION_MISSING', severity: 'error', path: 'demo v1 → route → expression', says: ['SWITCH "route" has no expression'], fix: 'Set expression to the input parameter name (value-param) or a JavaScript expression.' }],
    ['SWITCH without cases', [route({ decisionCases: {} })], { code: 'SWITCH_CASES_EMPTY', severity: 'error', path: 'demo v1 → route → decisionCases', says: ['no decisionCases'], fix: 'Add at least one case, e.g. { "true": [ ...tasks ] }.' }],
    ['value-param SWITCH reading a missing input', [route({ expression: 'knd' })], { code: 'VALUE_PARAM_NOT_INPUT', severity: 'warning', path: 'demo v1 → route → expression', says: ['reads input parameter "knd"', 'only have "kind"', 'always reads null'], fix: 'Add "knd" to inputParameters, or set expression to one of its keys.' }],
    ['DECISION reading a missing input', [{ name: 'd', taskReferenceName: 'decide', type: 'DECISION', caseValueParam: 'c', decisionCases: { a: [simple('a1')] } }], { code: 'VALUE_PARAM_NOT_INPUT', severity: 'warning', path: 'demo v1 → decide → caseValueParam', says: ['inputParameters are empty'], fix: 'Add "c" to inputParameters, or set caseValueParam to one of its keys.' }],
    ['DECISION without case parameter', [{ name: 'd', taskReferenceName: 'decide', type: 'DECISION', decisionCases: { a: [simple('a1')] } }], { code: 'DECISION_CASE_PARAM_MISSING', severity: 'error', path: 'demo v1 → decide → caseValueParam', says: ['neither caseValueParam nor caseExpression'], fix: 'Set caseValueParam to an input parameter name, or better, change the task to a SWITCH.' }],
    ['DECISION without cases', [{ name: 'd', taskReferenceName: 'decide', type: 'DECISION', caseExpression: '"a"' }], { code: 'DECISION_CASES_EMPTY', severity: 'error', path: 'demo v1 → decide → decisionCases', says: ['no decisionCases'], fix: 'Add at least one case, e.g. { "true": [ ...tasks ] }.' }],
    ['FORK_JOIN without branches', [{ name: 'f', taskReferenceName: 'fork', type: 'FORK_JOIN', forkTasks: [] }, { name: 'j', taskReferenceName: 'join', type: 'JOIN', joinOn: [] }], { code: 'FORK_EMPTY', severity: 'error', path: 'demo v1 → fork → forkTasks', says: ['FORK_JOIN "fork" has no branches'], fix: 'Add at least one branch to forkTasks, or remove the fork.' }],
    ['FORK_JOIN with an empty branch', forkJoin('fork', [[simple('a1')], []]).map((t) => (t.type === 'JOIN' ? { ...t, joinOn: ['a1'] } : t)), { code: 'FORK_BRANCH_EMPTY', severity: 'warning', path: 'demo v1 → fork → forkTasks[1]', says: ['Branch 1 of FORK_JOIN "fork" has no tasks'], fix: 'Add a task to the branch, or remove it.' }],
    ['FORK_JOIN_DYNAMIC mixing old and new parameters', dynamicFork({ dynamicForkJoinTasksParam: 'x', dynamicForkTasksParam: 'y', inputParameters: { x: [], y: [] } }), { code: 'DYNAMIC_FORK_PARAMS_CONFLICT', severity: 'error', path: 'demo v1 → fan → dynamicForkJoinTasksParam', says: ['deprecated dynamicForkJoinTasksParam'], fix: 'Remove dynamicForkJoinTasksParam.' }],
    ['FORK_JOIN_DYNAMIC with half its parameters', dynamicFork({ dynamicForkTasksParam: 'tasks', inputParameters: { tasks: '${workflow.input.tasks}' } }), { code: 'DYNAMIC_FORK_PARAMS_MISSING', severity: 'error', path: 'demo v1 → fan → dynamicForkTasksInputParamName', says: ['dynamicForkTasksInputParamName is missing'], fix: 'Set inputParameters.forkTaskName and inputParameters.forkTaskInputs (one fork per item), or set both dynamicForkTasksParam and dynamicForkTasksInputParamName.' }],
    ['FORK_JOIN_DYNAMIC naming a missing input', dynamicFork({ dynamicForkTasksParam: 'tasks', dynamicForkTasksInputParamName: 'inputs', inputParameters: { tasks: [] } }), { code: 'DYNAMIC_FORK_PARAM_NOT_INPUT', severity: 'warning', path: 'demo v1 → fan → dynamicForkTasksInputParamName', says: ['reads input parameter "inputs"'], fix: 'Add "inputs" to inputParameters, or set dynamicForkTasksInputParamName to one of its keys.' }],
    ['DO_WHILE without loopCondition', [{ name: 'l', taskReferenceName: 'loop', type: 'DO_WHILE', loopOver: [simple('a1')] }], { code: 'DO_WHILE_CONDITION_MISSING', severity: 'error', path: 'demo v1 → loop → loopCondition', says: ['DO_WHILE "loop" has no loopCondition'], fix: 'Set loopCondition to JavaScript that returns true while the loop should go on, e.g. "$.loop[\'iteration\'] < 3".' }],
    ['DO_WHILE with an empty body', [{ name: 'l', taskReferenceName: 'loop', type: 'DO_WHILE', loopCondition: 'false', loopOver: [] }], { code: 'DO_WHILE_BODY_EMPTY', severity: 'error', path: 'demo v1 → loop → loopOver', says: ['no tasks in loopOver'], fix: 'Add the tasks to repeat to loopOver.' }],
    ['SUB_WORKFLOW without subWorkflowParam', [{ name: 's', taskReferenceName: 'child', type: 'SUB_WORKFLOW' }], { code: 'SUB_WORKFLOW_PARAM_MISSING', severity: 'error', path: 'demo v1 → child → subWorkflowParam', says: ['no subWorkflowParam'], fix: 'Set subWorkflowParam to { "name": "<workflow>", "version": <n> }.' }],
    ['SUB_WORKFLOW without a workflow name', [{ name: 's', taskReferenceName: 'child', type: 'SUB_WORKFLOW', subWorkflowParam: { version: 1 } }], { code: 'SUB_WORKFLOW_NAME_MISSING', severity: 'warning', path: 'demo v1 → child → subWorkflowParam.name', says: ['no subWorkflowParam.name'], fix: 'Set subWorkflowParam.name to the workflow to start (or give an inline workflowDefinition).' }],
    ['DYNAMIC without dynamicTaskNameParam', [{ name: 'd', taskReferenceName: 'dyn', type: 'DYNAMIC', inputParameters: { taskToRun: 'x' } }], { code: 'DYNAMIC_NAME_PARAM_MISSING', severity: 'error', path: 'demo v1 → dyn → dynamicTaskNameParam', says: ['DYNAMIC "dyn" has no dynamicTaskNameParam'], fix: 'Set dynamicTaskNameParam to the input parameter that holds the task name to run.' }],
    ['DYNAMIC naming a missing input', [{ name: 'd', taskReferenceName: 'dyn', type: 'DYNAMIC', dynamicTaskNameParam: 'taskToRun' }], { code: 'DYNAMIC_PARAM_NOT_INPUT', severity: 'warning', path: 'demo v1 → dyn → dynamicTaskNameParam', says: ['reads input parameter "taskToRun"'], fix: 'Add "taskToRun" to inputParameters, or set dynamicTaskNameParam to one of its keys.' }],
    ['HTTP without a request', [{ name: 'h', taskReferenceName: 'call', type: 'HTTP', inputParameters: { body: {} } }], { code: 'HTTP_REQUEST_MISSING', severity: 'error', path: 'demo v1 → call → inputParameters.http_request', says: ['HTTP "call" has no inputParameters.http_request'], fix: 'Add inputParameters.http_request with at least "uri" and "method".' }],
    ['KAFKA_PUBLISH without a request', [{ name: 'k', taskReferenceName: 'publish', type: 'KAFKA_PUBLISH' }], { code: 'KAFKA_REQUEST_MISSING', severity: 'error', path: 'demo v1 → publish → inputParameters.kafka_request', says: ['no inputParameters.kafka_request'], fix: 'Add inputParameters.kafka_request with "bootStrapServers", "topic" and "value".' }],
    ['JSON_JQ_TRANSFORM without a query', [{ name: 'j', taskReferenceName: 'jq', type: 'JSON_JQ_TRANSFORM', inputParameters: { data: [] } }], { code: 'JQ_QUERY_MISSING', severity: 'error', path: 'demo v1 → jq → inputParameters.queryExpression', says: ['no inputParameters.queryExpression'], fix: 'Add inputParameters.queryExpression with the jq program to run.' }],
    ['TERMINATE with a computed status', [terminate({ inputParameters: { terminationStatus: '${workflow.input.status}' } })], { code: 'TERMINATE_STATUS', severity: 'error', path: 'demo v1 → stop → inputParameters.terminationStatus', says: ['"${workflow.input.status}"', 'literal text'], fix: 'Set inputParameters.terminationStatus to one of them.' }],
    ['TERMINATE without a status', [terminate({ inputParameters: {} })], { code: 'TERMINATE_STATUS', severity: 'error', path: 'demo v1 → stop → inputParameters.terminationStatus', says: ['terminationStatus missing'], fix: 'Set inputParameters.terminationStatus to one of them.' }],
    ['an optional TERMINATE', [terminate({ optional: true })], { code: 'TERMINATE_OPTIONAL', severity: 'error', path: 'demo v1 → stop → optional', says: ['TERMINATE "stop" is optional'], fix: 'Remove "optional": true.' }],
    ['WAIT with both duration and until', [wait({ duration: '5m', until: '2030-01-31 18:30 UTC' })], { code: 'WAIT_BOTH', severity: 'error', path: 'demo v1 → pause → inputParameters', says: ['both duration and until'], fix: 'Keep only one of inputParameters.duration and inputParameters.until.' }],
    ['WAIT with an unparseable duration', [wait({ duration: '10m 2h' })], { code: 'WAIT_DURATION_FORMAT', severity: 'error', path: 'demo v1 → pause → inputParameters.duration', says: ['"10m 2h"'], fix: 'Write it as days, hours, minutes, seconds in that order, e.g. "2d 3h 10m 5s" or "30s".' }],
    ['WAIT with a bare number as duration', [wait({ duration: 30 })], { code: 'WAIT_DURATION_FORMAT', severity: 'error', path: 'demo v1 → pause → inputParameters.duration', says: ['duration 30'], fix: 'Write it as days, hours, minutes, seconds in that order, e.g. "2d 3h 10m 5s" or "30s".' }],
    ['WAIT with an unparseable until', [wait({ until: '31/01/2030 18:30' })], { code: 'WAIT_UNTIL_FORMAT', severity: 'error', path: 'demo v1 → pause → inputParameters.until', says: ['"31/01/2030 18:30"'], fix: 'Write it as "yyyy-MM-dd HH:mm z", e.g. "2030-01-31 18:30 UTC".' }],
    ['EVENT without a sink', [{ name: 'e', taskReferenceName: 'emit', type: 'EVENT' }], { code: 'EVENT_SINK_MISSING', severity: 'error', path: 'demo v1 → emit → sink', says: ['EVENT "emit" has no sink'], fix: 'Set sink to where the event goes: "conductor" or "conductor:<name>".' }],
    ['EVENT to a queue type the server lacks', [{ name: 'e', taskReferenceName: 'emit', type: 'EVENT', sink: 'sqs:orders' }], { code: 'EVENT_SINK_UNSUPPORTED', severity: 'warning', path: 'demo v1 → emit → sink', says: ['EVENT "emit" publishes to "sqs:orders"', 'Unknown queue type'], fix: 'Use "conductor" or "conductor:<name>".' }],
  ];
  it.each(cases)('reports %s', (_what, tasks, expected) => {
    expectOnly(check(tasks), expected);
  });

  it('applies type rules to tasks nested in cases, branches and loop bodies', () => {
    const badWait = wait({ duration: 'soon' });
    const issues = check([
      route({ decisionCases: { a: [badWait] } }),
      ...forkJoin('fork', [[{ ...badWait, taskReferenceName: 'w2' }]]),
      { name: 'l', taskReferenceName: 'loop', type: 'DO_WHILE', loopCondition: 'false', loopOver: [{ ...badWait, taskReferenceName: 'w3' }] },
    ]);
    expect(issues.map((i) => [i.code, i.path])).toEqual([
      ['WAIT_DURATION_FORMAT', 'demo v1 → pause → inputParameters.duration'],
      ['WAIT_DURATION_FORMAT', 'demo v1 → w2 → inputParameters.duration'],
      ['WAIT_DURATION_FORMAT', 'demo v1 → w3 → inputParameters.duration'],
    ]);
  });

  it('accepts the forms the server accepts', () => {
    const ok = check([
      { name: 'h', taskReferenceName: 'h1', type: 'HTTP', inputParameters: { uri: 'http://x', method: 'GET' } },
      { name: 'h', taskReferenceName: 'h2', type: 'HTTP', taskDefinition: { name: 'h', inputTemplate: { http_request: { uri: 'http://x' } } } },
      { name: 'j', taskReferenceName: 'j1', type: 'JSON_JQ_TRANSFORM', taskDefinition: { name: 'j', inputTemplate: { queryExpression: '.' } } },
      wait({ duration: '${workflow.input.delay}' }),
      { ...wait({ duration: '2 days 3 hrs 10 mins 5 secs' }), taskReferenceName: 'w2' },
      { ...wait({ until: '2030-01-31' }), taskReferenceName: 'w3' },
      { ...wait({ until: '2030-01-31 18:30' }), taskReferenceName: 'w4' },
      { ...wait({ until: '2030-01-31 18:30 GMT+05:30' }), taskReferenceName: 'w5' },
      { ...wait({}), taskReferenceName: 'w6' },
      { name: 'l', taskReferenceName: 'loop', type: 'DO_WHILE', loopCondition: '', loopOver: [simple('a1')] },
      { name: 'd', taskReferenceName: 'decide', type: 'DECISION', inputParameters: { x: '${workflow.input.x}' }, caseExpression: '$.x > 1 ? "a" : "b"', decisionCases: { a: [simple('a2')] } },
      ...dynamicFork({ dynamicForkJoinTasksParam: 'dyn', inputParameters: { dyn: '${workflow.input.dyn}' } }),
      terminate({ inputParameters: { terminationStatus: 'TERMINATED' } }),
    ]);
    expect(ok).toEqual([]);
  });
});

describe('forks and joins', () => {
  it('reports a fork that is not followed by a JOIN', () => {
    expectOnly(check([{ name: 'f', taskReferenceName: 'fork', type: 'FORK_JOIN', forkTasks: [[simple('a1')]] }, simple('after')]), {
      code: 'FORK_WITHOUT_JOIN', severity: 'error',
      path: 'demo v1 → fork',
      says: ['FORK_JOIN "fork" is not followed by a JOIN (the next task is SIMPLE "after")'],
      fix: 'Add a JOIN task right after it whose joinOn lists the last task of each branch.',
    });
  });

  it('reports a dynamic fork at the end of a loop body without its JOIN', () => {
    const loop = { name: 'l', taskReferenceName: 'loop', type: 'DO_WHILE', loopCondition: 'false', loopOver: [{ name: 'd', taskReferenceName: 'fan', type: 'FORK_JOIN_DYNAMIC', inputParameters: { forkTaskName: 'x', forkTaskInputs: [] } }] };
    expectOnly(check([loop]), {
      code: 'FORK_WITHOUT_JOIN', severity: 'error',
      path: 'demo v1 → fan',
      says: ['it is the last task of its list'],
      fix: 'Add a JOIN task right after it.',
    });
  });

  it('reports a JOIN that does not follow a fork', () => {
    expectOnly(check([simple('a1'), { name: 'j', taskReferenceName: 'join', type: 'JOIN', joinOn: ['a1'] }]), {
      code: 'JOIN_WITHOUT_FORK', severity: 'warning',
      path: 'demo v1 → join',
      says: ['JOIN "join" does not come right after a FORK_JOIN'],
      fix: 'Move it right after its fork, or remove it.',
    });
  });

  it('reports a JOIN that waits for nothing', () => {
    const [fork, join] = forkJoin('fork', [[simple('a1')], [simple('b1')]]);
    expectOnly(check([fork, { ...join, joinOn: [] }]), {
      code: 'JOIN_ON_EMPTY', severity: 'warning',
      path: 'demo v1 → fork_join → joinOn',
      says: ['completes at once'],
      fix: 'List the last task of each branch in joinOn, e.g. ["a1","b1"].',
    });
  });

  it('reports a JOIN waiting for a task outside its fork', () => {
    const [fork, join] = forkJoin('fork', [[simple('a1')], [simple('b1')]]);
    expectOnly(check([simple('before'), fork, { ...join, joinOn: ['a1', 'before'] }]), {
      code: 'JOIN_ON_FOREIGN', severity: 'warning',
      path: 'demo v1 → fork_join → joinOn',
      says: ['waits for "before", which is not a task in the branches of fork "fork"'],
      fix: 'Name only tasks inside the fork\'s branches in joinOn, e.g. ["a1","b1"].',
    });
  });

  it('refuses a joinOn that is not a list of names (500 JSON parse error)', () => {
    const [fork, join] = forkJoin('fork', [[simple('a1')]]);
    expectOnly(check([fork, { ...join, joinOn: 'a1' }]), {
      code: 'FIELD_TYPE', severity: 'error',
      path: 'demo v1 → fork_join → joinOn',
      says: ['joinOn is "a1"'],
      fix: 'Write it as an array of text values.',
    });
  });

  it('accepts joins on tasks nested deep in the branches, and nested forks', () => {
    const inner = forkJoin('inner', [[simple('i1')], [route({ decisionCases: { a: [simple('deep')] } })]]);
    const [outer, outerJoin] = forkJoin('outer', [inner, [simple('o2')]]);
    expect(check([outer, { ...outerJoin, joinOn: ['inner_join', 'o2', 'deep'] }])).toEqual([]);
  });
});

describe('references', () => {
  it('reports a reference to a task that runs later', () => {
    const def = workflow([simple('compile', { repo: '${deploy.output.url}' }), simple('deploy')], { name: 'firmware-ci-cd-pipeline' });
    expectOnly(validateWorkflowDefs([def]), {
      code: 'REF_NOT_UPSTREAM', severity: 'warning',
      path: 'firmware-ci-cd-pipeline v1 → compile → inputParameters.repo',
      says: ['"${deploy.output.url}" references "deploy", which runs after "compile"'],
      fix: 'Reference only tasks that run before this one, or move "deploy" earlier.',
    });
  });

  it('reports a task reading its own output', () => {
    expectOnly(check([simple('t1', { x: 'v=${t1.output.v}' })]), {
      code: 'REF_NOT_UPSTREAM', severity: 'warning',
      path: 'demo v1 → t1 → inputParameters.x',
      says: ['which is this task itself'],
      fix: 'Reference only tasks that run before this one.',
    });
  });

  it('reports a reference to a task in a sibling fork branch', () => {
    const tasks = forkJoin('fork', [[simple('a1', { peer: '${b1.output}' })], [simple('b1')]]);
    expectOnly(check(tasks), {
      code: 'REF_NOT_UPSTREAM', severity: 'warning',
      path: 'demo v1 → a1 → inputParameters.peer',
      says: ['which runs in a parallel branch of fork "fork"'],
      fix: 'Read it after the fork\'s JOIN, or move "b1" before the fork.',
    });
  });

  it('reports a reference to a task in another switch case', () => {
    expectOnly(check([route({ decisionCases: { a: [simple('a1')], b: [simple('b1', { x: '${a1.output}' })] } })]), {
      code: 'REF_NOT_UPSTREAM', severity: 'warning',
      path: 'demo v1 → b1 → inputParameters.x',
      says: ['which is in another case of "route"'],
      fix: 'Reference only tasks that run before this one, or move "a1" before "route".',
    });
  });

  it('reports a switch input reading a task of its own cases', () => {
    expectOnly(check([route({ inputParameters: { kind: '${a1.output.kind}' } })]), {
      code: 'REF_NOT_UPSTREAM', severity: 'warning',
      path: 'demo v1 → route → inputParameters.kind',
      says: ['which runs inside SWITCH "route", after its input is resolved'],
      fix: 'Reference only tasks that run before this one.',
    });
  });

  it('reports a loop-body task reading a task after the loop', () => {
    const loop = { name: 'l', taskReferenceName: 'loop', type: 'DO_WHILE', loopCondition: 'false', loopOver: [simple('body', { x: '${after.output}' })] };
    expectOnly(check([loop, simple('after')]), {
      code: 'REF_NOT_UPSTREAM', severity: 'warning',
      path: 'demo v1 → body → inputParameters.x',
      says: ['which runs after "body"'],
      fix: 'Reference only tasks that run before this one, or move "after" earlier.',
    });
  });

  // conductor-oss 3.32.3 answers 400 "taskReferenceName: nope for given task: ... is not defined in workflow definition."
  it('refuses, as the server does, a top-level task reading a task that does not exist', () => {
    expectOnly(check([simple('t1', { x: { deep: ['${nope.output.x}'] } })]), {
      code: 'REF_UNKNOWN', severity: 'error',
      path: 'demo v1 → t1 → inputParameters.x.deep[0]',
      says: ['"${nope.output.x}" starts with "nope", which is not "workflow" nor the taskReferenceName of a task in this workflow; the server refuses the workflow'],
      fix: 'Reference "workflow" or a task\'s taskReferenceName, followed by a dot (write "${ref.output[0]}", not "${ref[0]}").',
    });
  });

  it('warns about a dangling reference inside a fork branch, which the server does not check', () => {
    expectOnly(check(forkJoin('fork', [[simple('a1'), simple('a2', { bin: '${compile.output.bin}' })], [simple('b1')]])), {
      code: 'REF_UNKNOWN', severity: 'warning',
      path: 'demo v1 → a2 → inputParameters.bin',
      says: ['references "compile", which is not a task in this workflow'],
      fix: 'Reference "workflow" or the taskReferenceName of a task that runs before this one.',
    });
  });

  it('warns about outputParameters referencing an unknown task (the server does not check them), but allows any task of the workflow', () => {
    const issues = check([route({ decisionCases: { a: [simple('a1')] } })], { outputParameters: { a: '${a1.output}', gone: '${ghost.output.x}' } });
    expectOnly(issues, {
      code: 'REF_UNKNOWN', severity: 'warning',
      path: 'demo v1 → outputParameters.gone',
      says: ['"${ghost.output.x}" references "ghost"'],
      fix: 'Reference "workflow" or the taskReferenceName of one of its tasks.',
    });
  });

  it('reports an expression that is never closed', () => {
    expectOnly(check([simple('t1', { x: 'tag-${workflow.input.tag' })]), {
      code: 'EXPRESSION_UNCLOSED', severity: 'warning',
      path: 'demo v1 → t1 → inputParameters.x',
      says: ['"tag-${workflow.input.tag" opens "${" without a closing "}"'],
      fix: 'Close the expression with "}", or write "$${" for a literal "${".',
    });
  });

  it('checks references in switch expressions and subWorkflowParam', () => {
    const issues = check([
      route({ evaluatorType: 'javascript', expression: '"${later.output.n}" > 1' }),
      { name: 's', taskReferenceName: 'child', type: 'SUB_WORKFLOW', subWorkflowParam: { name: '${later.output.name}' } },
      simple('later'),
    ]);
    expect(issues.map((i) => [i.code, i.path])).toEqual([
      ['REF_NOT_UPSTREAM', 'demo v1 → route → expression'],
      ['REF_NOT_UPSTREAM', 'demo v1 → child → subWorkflowParam.name'],
    ]);
  });

  it('checks the inner references of nested expressions, as the server does', () => {
    expectOnly(check([simple('t1', { x: '${workflow.input.map.${ghost.output.key}}' })]), {
      code: 'REF_UNKNOWN', severity: 'error',
      path: 'demo v1 → t1 → inputParameters.x',
      says: ['"${ghost.output.key}" starts with "ghost"'],
      fix: 'Reference "workflow" or a task\'s taskReferenceName, followed by a dot (write "${ref.output[0]}", not "${ref[0]}").',
    });
  });

  it('allows what runs before: enclosing tasks, earlier siblings and everything nested in them', () => {
    const issues = check([
      simple('first'),
      route({ decisionCases: { a: [simple('in_case', { x: '${first.output}', sw: '${route.output.selectedCase}' })] } }),
      ...forkJoin('fork', [[simple('in_branch', { x: '${in_case.output}', f: '${fork.output}' })], [simple('other')]]),
      simple('after', { c: '${in_case.output}', b: '${in_branch.output}', j: '${fork_join.output.in_branch}', id: '${CPEWF_TASK_ID}', esc: '$${later.output}' }),
    ]);
    expect(issues).toEqual([]);
  });

  it('allows a loop body to read its loop and any body task (the later ones from the previous iteration)', () => {
    const loop = {
      name: 'l',
      taskReferenceName: 'loop',
      type: 'DO_WHILE',
      loopCondition: '$.loop.iteration < 3',
      inputParameters: { lastCheck: '${check.output.ok}', n: '${loop.output.iteration}' },
      loopOver: [
        simple('build', { iteration: "${loop['iteration']}", previous: '${check.output.ok}', nested: '${in_branch.output}' }),
        ...forkJoin('fork', [[simple('in_branch', { peer: '${other.output}' })], [simple('other')]]),
        simple('check', { bin: '${build.output.bin}' }),
      ],
    };
    expect(check([loop])).toEqual([]);
  });

  it('checks an inline sub-workflow as its own workflow: its own refs, no ownerEmail needed', () => {
    const inline = { name: 'inline_child', version: 1, schemaVersion: 2, tasks: [simple('c1', { x: '${workflow.input.x}' }), simple('c2', { y: '${c1.output}', z: '${parent_task.output}' })] };
    const issues = check([simple('parent_task'), { name: 's', taskReferenceName: 'child', type: 'SUB_WORKFLOW', subWorkflowParam: { name: 'inline_child', workflowDefinition: inline }, inputParameters: { x: '${parent_task.output}' } }]);
    expectOnly(issues, {
      code: 'REF_UNKNOWN', severity: 'warning',
      path: 'demo v1 → child → subWorkflowParam.workflowDefinition → c2 → inputParameters.z',
      says: ['references "parent_task", which is not a task in this workflow'],
      fix: 'Reference "workflow" or the taskReferenceName of a task that runs before this one.',
    });
  });
});

describe('with a validation context', () => {
  it('reports SIMPLE tasks without a task definition when taskNames is given', () => {
    const def = workflow([simple('compile'), route({ decisionCases: { a: [simple('flash')] } })]);
    expect(validateWorkflowDefs([def])).toEqual([]);
    expectOnly(validateWorkflowDefs([def], { taskNames: new Set(['compile_task']) }), {
      code: 'TASK_NO_CONTRACT', severity: 'error',
      path: 'demo v1 → flash → name',
      says: ['SIMPLE "flash" runs task "flash_task", which has no task definition here', 'ad-hoc defaults'],
      fix: 'Define a task contract named "flash_task", or fix the task name.',
    });
  });

  it('reports a sub-workflow missing from a complete generation', () => {
    const parent = workflow([{ name: 's', taskReferenceName: 'child', type: 'SUB_WORKFLOW', subWorkflowParam: { name: 'flash-board' } }]);
    expect(validateWorkflowDefs([parent])).toEqual([]);
    expectOnly(validateWorkflowDefs([parent], { complete: true }), {
      code: 'SUB_WORKFLOW_UNKNOWN', severity: 'error',
      path: 'demo v1 → child → subWorkflowParam',
      says: ['SUB_WORKFLOW "child" starts workflow "flash-board", which is not among the definitions'],
      fix: 'Add that workflow to the definitions, or fix subWorkflowParam.name.',
    });
  });

  it('reports a sub-workflow version missing from a complete generation', () => {
    const parent = workflow([{ name: 's', taskReferenceName: 'child', type: 'SUB_WORKFLOW', subWorkflowParam: { name: 'flash-board', version: 3 } }]);
    const child = workflow([simple('t')], { name: 'flash-board', version: 2 });
    expectOnly(validateWorkflowDefs([parent, child], { complete: true }), {
      code: 'SUB_WORKFLOW_UNKNOWN', severity: 'error',
      path: 'demo v1 → child → subWorkflowParam',
      says: ['"flash-board" version 3, but the definitions only have version 2'],
      fix: 'Add that workflow to the definitions, or fix subWorkflowParam.name/version.',
    });
  });

  it('refuses a loop-body task without taskReferenceName when the server would crash looking past it (500 HV000028)', () => {
    const loop = (body: Record<string, unknown>[]) => ({ name: 'l', taskReferenceName: 'loop', type: 'DO_WHILE', loopCondition: 'false', loopOver: body });
    const unnamed = { name: 'child_wf', type: 'SUB_WORKFLOW', subWorkflowParam: { name: 'c', version: 1 } };
    // A top-level task reads a loop task found after the unnamed one: the server's lookup crashes.
    const crashes = workflow([loop([unnamed, simple('next')]), { ...simple('after'), inputParameters: { n: '${next.output.n}' } }]);
    expectOnly(validateWorkflowDefs([crashes]), {
      code: 'REF_MISSING', severity: 'error',
      path: 'demo v1 → tasks[0].loopOver[0] → taskReferenceName',
      says: ['looking up "next" (read by a top-level task), fails on it with 500 "HV000028'],
      fix: 'Set "taskReferenceName" to a name unique in this workflow.',
    });
    // Found before the unnamed task, or nothing looked up: registered unchecked, a warning.
    const registered = workflow([loop([simple('next'), unnamed]), { ...simple('after'), inputParameters: { n: '${next.output.n}' } }]);
    expect(validateWorkflowDefs([registered]).map((i) => [i.code, i.severity])).toEqual([['REF_MISSING', 'warning']]);
  });

  it('reports a START_WORKFLOW target missing from a complete generation, and not one named at run time', () => {
    const starter = workflow([
      { name: 'start_report', taskReferenceName: 'kick', type: 'START_WORKFLOW', inputParameters: { startWorkflow: { name: 'nightly-report', version: 1, input: {} } } },
      { name: 'start_any', taskReferenceName: 'kick_any', type: 'START_WORKFLOW', inputParameters: { startWorkflow: { name: '${workflow.input.target}', input: {} } } },
    ]);
    expect(validateWorkflowDefs([starter])).toEqual([]);
    expectOnly(validateWorkflowDefs([starter], { complete: true }), {
      code: 'START_WORKFLOW_UNKNOWN', severity: 'error',
      path: 'demo v1 → kick → inputParameters.startWorkflow',
      says: ['START_WORKFLOW "kick" starts workflow "nightly-report", which is not among the definitions, so the task would fail when it runs'],
      fix: 'Add that workflow to the definitions (for gen: list it in workflows), or fix startWorkflow.name/version.',
    });
    expect(validateWorkflowDefs([starter, workflow([simple('t')], { name: 'nightly-report', version: 1 })], { complete: true })).toEqual([]);
  });

  it('does not look up sub-workflows named at run time or defined inline', () => {
    const parent = workflow([
      { name: 's', taskReferenceName: 'dynamic', type: 'SUB_WORKFLOW', subWorkflowParam: { name: '${workflow.input.child}', version: 1 } },
      { name: 's', taskReferenceName: 'inline', type: 'SUB_WORKFLOW', subWorkflowParam: { name: 'x', workflowDefinition: { name: 'x', tasks: [simple('t')] } } },
    ]);
    expect(validateWorkflowDefs([parent], { complete: true })).toEqual([]);
  });

  it('reports a failureWorkflow missing from a complete generation', () => {
    const def = workflow([simple('t')], { failureWorkflow: 'notify-failure', failureWorkflowVersion: 2 });
    expect(validateWorkflowDefs([def])).toEqual([]);
    expectOnly(validateWorkflowDefs([def, workflow([simple('n')], { name: 'notify-failure' })], { complete: true }), {
      code: 'FAILURE_WORKFLOW_UNKNOWN', severity: 'error',
      path: 'demo v1 → failureWorkflow',
      says: ['failureWorkflow names "notify-failure" version 2, but the definitions only have version 1'],
      fix: 'Add that workflow to the definitions, or fix failureWorkflow/failureWorkflowVersion.',
    });
  });
});

describe('garbage in', () => {
  it('reports problems instead of throwing, whatever the definitions hold', () => {
    const garbage: unknown[] = [
      null,
      [],
      { name: '', tasks: 'all of them' },
      { name: 5 },
      { name: 'x', tasks: [null, 7, { type: 'SWITCH', decisionCases: 'none', inputParameters: 'x', taskReferenceName: ['r'] }, { name: 'no_ref' }] },
      { name: 'y', tasks: [{ name: 'f', taskReferenceName: 'f', type: 'FORK_JOIN', forkTasks: [null, 'x', [3]] }, { name: 'j', taskReferenceName: 'j', type: 'JOIN', joinOn: [1, null] }] },
      { name: 'z', tasks: [{ name: 'l', taskReferenceName: 'l', type: 'DO_WHILE', loopOver: 'x', subWorkflowParam: 3 }], outputParameters: { a: '${' } },
    ];
    const issues = validateWorkflowDefs(raw<WorkflowDef[]>(garbage), { complete: true, taskNames: new Set() });
    const codes = new Set(issues.map((i) => i.code));
    for (const code of ['WORKFLOW_NOT_OBJECT', 'WORKFLOW_NAME_MISSING', 'WORKFLOW_TASKS_EMPTY', 'TASK_NOT_OBJECT', 'REF_MISSING', 'FIELD_TYPE', 'EXPRESSION_UNCLOSED']) {
      expect(codes, code).toContain(code);
    }
    for (const issue of issues) {
      expect(issue.path).not.toBe('');
      expect(issue.message).toMatch(/\.$/);
    }
  });
});
