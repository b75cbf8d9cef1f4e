/**
 * The validator against what conductor-oss 3.32.3 answered to the same definitions (conformance
 * part 3 checks each kind on the real server): an error exactly where the server refuses, a
 * warning where it registers something that will not work as written.
 */
import { describe, expect, it } from 'vitest';
import { check, expectOnly, forkJoin, route, simple, type RawTask } from './helpers.ts';

const errors = (tasks: unknown[]) => check(tasks).filter((i) => i.severity === 'error');
const loop = (body: RawTask[]): RawTask => ({ name: 'l', taskReferenceName: 'loop', type: 'DO_WHILE', loopCondition: '$.loop.iteration < 2', loopOver: body });
const switchTask = (changes: RawTask): RawTask => route({ evaluatorType: 'javascript', expression: '$.kind == "a" ? "a" : "b"', ...changes });
const BROKEN = 'if ($.x > 1 {';

describe('what the server registers is no error', () => {
  // 200: forkTaskInputs is valid on its own, whatever else the task sets.
  it('a dynamic fork given only forkTaskName and forkTaskInputs', () => {
    expect(check([{ name: 'd', taskReferenceName: 'fan', type: 'FORK_JOIN_DYNAMIC', inputParameters: { forkTaskName: 'w', forkTaskInputs: '${workflow.input.items}' } }, { name: 'j', taskReferenceName: 'fan_join', type: 'JOIN' }])).toEqual([]);
    const legacyToo = { name: 'd', taskReferenceName: 'fan', type: 'FORK_JOIN_DYNAMIC', dynamicForkJoinTasksParam: 'dyn', dynamicForkTasksParam: 'x', inputParameters: { forkTaskInputs: [], dyn: [], x: [] } };
    expect(errors([legacyToo, { name: 'j', taskReferenceName: 'fan_join', type: 'JOIN' }])).toEqual([]);
  });

  // 200: JOIN with joinOn [] is registered (and completes at once when it runs).
  it('an empty joinOn is a warning', () => {
    const [fork, join] = forkJoin('fork', [[simple('a1')]]);
    expectOnly(check([fork, { ...join, joinOn: [] }]), { code: 'JOIN_ON_EMPTY', severity: 'warning', path: 'demo v1 → fork_join → joinOn', says: ['completes at once', 'the server registers it'], fix: 'List the last task of each branch in joinOn, e.g. ["a1"].' });
  });

  // 200: the server checks references only in top-level tasks' inputParameters.
  it('a dangling reference in a nested task or in outputParameters is a warning', () => {
    expectOnly(check([loop([simple('body', { x: '${ghost.output}' })])]), { code: 'REF_UNKNOWN', severity: 'warning', path: 'demo v1 → body → inputParameters.x', says: ['so it reads null'], fix: 'Reference "workflow" or the taskReferenceName of a task that runs before this one.' });
    expectOnly(check([simple('t1')], { outputParameters: { x: '${ghost.output}' } }), { code: 'REF_UNKNOWN', severity: 'warning', path: 'demo v1 → outputParameters.x', says: ['the server does not check outputParameters'], fix: 'Reference "workflow" or the taskReferenceName of one of its tasks.' });
  });

  // 200: a reference to a task that runs later is registered; it reads null.
  it('a reference to a later task is a warning', () => {
    expectOnly(check([simple('a', { x: '${b.output}' }), simple('b')]), { code: 'REF_NOT_UPSTREAM', severity: 'warning', path: 'demo v1 → a → inputParameters.x', says: ['the server does not check the order'], fix: 'Reference only tasks that run before this one, or move "b" earlier.' });
  });

  // 200: the tasks of a DO_WHILE's loopOver are not validated at registration.
  it("a task that breaks a type rule inside a loop body is a warning", () => {
    expectOnly(check([loop([switchTask({ evaluatorType: undefined })])]), {
      code: 'SWITCH_EVALUATOR_MISSING',
      severity: 'warning',
      path: 'demo v1 → route → evaluatorType',
      says: ["The server registers tasks inside a DO_WHILE's loopOver without checking them"],
      fix: 'Set evaluatorType to "value-param" (expression names an input parameter) or "graaljs" (expression is JavaScript).',
    });
    expectOnly(check([loop([{ name: 't', taskReferenceName: 'stop', type: 'TERMINATE', inputParameters: { terminationStatus: 'DONE' } }])]), {
      code: 'TERMINATE_STATUS',
      severity: 'warning',
      path: 'demo v1 → stop → inputParameters.terminationStatus',
      says: ['without checking them'],
      fix: 'Set inputParameters.terminationStatus to one of them.',
    });
  });

  // 200: an inline sub-workflow definition is read, not validated.
  it('a broken inline sub-workflow definition is a warning', () => {
    const inline = { name: 'child', tasks: [{ taskReferenceName: 'c1', type: 'SIMPLE' }] };
    expectOnly(check([{ name: 's', taskReferenceName: 'sub', type: 'SUB_WORKFLOW', subWorkflowParam: { workflowDefinition: inline } }]), {
      code: 'TASK_NAME_MISSING',
      severity: 'warning',
      path: 'demo v1 → sub → subWorkflowParam.workflowDefinition → c1 → name',
      says: ['The server registers inline sub-workflow definitions without checking them'],
      fix: 'Set "name" to the task definition name (for system tasks, any descriptive name).',
    });
  });

  // 200: "3" and 1.5 are read as whole numbers, 1 as true.
  it('values the server converts are warnings that say what it stores', () => {
    expectOnly(check([simple('t1', {}, { optional: 1 })]), { code: 'FIELD_COERCED', severity: 'warning', path: 'demo v1 → t1 → optional', says: ['stores as true'], fix: 'Write true to say what will be stored.' });
    expectOnly(check([simple('t1', {}, { startDelay: '3' })]), { code: 'FIELD_COERCED', severity: 'warning', path: 'demo v1 → t1 → startDelay', says: ['stores as 3'], fix: 'Write 3 to say what will be stored.' });
    expectOnly(check([simple('t1')], { timeoutPolicy: 0 }), { code: 'FIELD_COERCED', severity: 'warning', path: 'demo v1 → timeoutPolicy', says: ['stores as "TIME_OUT_WF"'], fix: 'Write "TIME_OUT_WF" to say what will be stored.' });
  });
});

describe('what the server refuses is an error', () => {
  // 400 "Expression is not well formatted: SyntaxError: inline:1:12 Expected ) but found {".
  it('a SWITCH javascript expression with a syntax error', () => {
    expectOnly(check([switchTask({ expression: BROKEN })]), {
      code: 'SCRIPT_SYNTAX',
      severity: 'error',
      path: 'demo v1 → route → expression',
      says: ['not valid JavaScript (Unexpected token at line 1, column 13)', '400 "Expression is not well formatted"'],
      fix: "Fix the script's syntax.",
    });
  });

  // 400 for a DECISION's caseExpression too.
  it('a DECISION caseExpression with a syntax error', () => {
    const decision = { name: 'd', taskReferenceName: 'decide', type: 'DECISION', caseExpression: BROKEN, decisionCases: { a: [simple('a1')] } };
    expectOnly(check([decision]), { code: 'SCRIPT_SYNTAX', severity: 'error', path: 'demo v1 → decide → caseExpression', says: ['the server refuses it'], fix: "Fix the script's syntax." });
  });

  // 400 "key: x input parameter value: workflow.input.ids[0 is not valid".
  it('a ${...} path Jayway cannot compile in a top-level task; a warning elsewhere', () => {
    expectOnly(check([simple('t1', { x: '${workflow.input.ids[0}' })]), {
      code: 'JSONPATH_INVALID',
      severity: 'error',
      path: 'demo v1 → t1 → inputParameters.x',
      says: ['Could not parse token starting at position 20', 'the server refuses the workflow'],
      fix: "Fix the path, e.g. close its brackets, use ['my key'] for names with spaces, and do not end it with a dot.",
    });
    expectOnly(check([loop([simple('body', { x: '${workflow.input.my value}' })])]), {
      code: 'JSONPATH_INVALID',
      severity: 'warning',
      path: 'demo v1 → body → inputParameters.x',
      says: ['reads null at run time'],
      fix: "Fix the path, e.g. close its brackets, use ['my key'] for names with spaces, and do not end it with a dot.",
    });
  });

  // 400 "taskReferenceName: first[0] for given task: ... is not defined in workflow definition.":
  // the server takes everything before the first dot as the reference name.
  it.each([['${first[0]}'], ["${workflow['input'].x}"], ['${$.workflow.input}']])('a top-level reference whose first part is not a name: %s', (expression) => {
    const issues = check([simple('first'), simple('t1', { x: expression })]);
    expect(issues.map((i) => [i.code, i.severity, i.path])).toEqual([['REF_UNKNOWN', 'error', 'demo v1 → t1 → inputParameters.x']]);
  });

  // 500 "JSON parse error: Cannot deserialize value of type `java.lang.String` from Array value".
  it('DO_WHILE items given as a JSON array', () => {
    expect(errors([{ ...loop([simple('a1')]), items: ['a', 'b'] }]).map((i) => [i.code, i.path])).toEqual([['FIELD_TYPE', 'demo v1 → loop → items']]);
    expect(check([{ ...loop([simple('a1')]), items: '${workflow.input.list}' }])).toEqual([]);
  });
});

// 500 "HV000028: Unexpected exception during isValid call": the server walks every task by its
// type's lists without null checks, loop bodies included.
describe('a null where the server does not expect one is an error', () => {
  it.each([
    ['a null type', [simple('t1', {}, { type: null })], 'demo v1 → t1 → type'],
    ['a null task in a list', [simple('t1'), null], 'demo v1 → tasks[1]'],
    ["a SWITCH's null decisionCases, even in a loop body", [loop([route({ decisionCases: null })])], 'demo v1 → route → decisionCases'],
    ["a DO_WHILE's null loopOver", [{ ...loop([]), loopOver: null }], 'demo v1 → loop → loopOver'],
    ["a WAIT's null inputParameters", [{ name: 'w', taskReferenceName: 'pause', type: 'WAIT', inputParameters: null }], 'demo v1 → pause → inputParameters'],
  ])('%s', (_what, tasks, path) => {
    expect(errors(tasks).map((i) => [i.code, i.path])).toEqual([['FIELD_NULL', path]]);
  });

  // 400 "workflowDef schemaVersion: 2 is only supported": a null int is read as 0.
  it('a null schemaVersion', () => {
    expect(check([simple('t1')], { schemaVersion: null }).map((i) => [i.code, i.severity])).toEqual([['SCHEMA_VERSION', 'error']]);
  });
});

describe('scripts the server parses only when they run are warnings', () => {
  it.each([
    ['a SWITCH graaljs expression', [switchTask({ evaluatorType: 'graaljs', expression: BROKEN })], 'demo v1 → route → expression'],
    ['a DO_WHILE loopCondition', [{ ...loop([simple('a1')]), loopCondition: BROKEN }], 'demo v1 → loop → loopCondition'],
    ['an INLINE expression', [{ name: 'i', taskReferenceName: 'calc', type: 'INLINE', inputParameters: { evaluatorType: 'graaljs', expression: BROKEN } }], 'demo v1 → calc → inputParameters.expression'],
  ])('%s with a syntax error', (_what, tasks, path) => {
    expectOnly(check(tasks), { code: 'SCRIPT_SYNTAX', severity: 'warning', path, says: ['the server registers it, but the task fails when the script runs'], fix: "Fix the script's syntax." });
  });

  it('an INLINE script is checked with its ${...} expressions resolved', () => {
    const inline = { name: 'i', taskReferenceName: 'calc', type: 'INLINE', inputParameters: { evaluatorType: 'javascript', expression: '(function () { return ${workflow.input.items}.length; })()' } };
    expect(check([inline])).toEqual([]);
  });
});
