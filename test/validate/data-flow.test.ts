/**
 * The data-flow rules on raw JSON: values against the JSON Schemas of task definitions and
 * workflows, and the `$` reads of scripts. With the task definitions given (contract mode, as
 * `gen` and `validate` with task definition files run) each finding is an error; without them the
 * findings the workflows' own schemas show are warnings.
 */
import { describe, expect, it } from 'vitest';
import type { DefinitionIssue } from '../../src/issues.ts';
import { readGenerated } from '../../src/gen/read-generated.ts';
import { validateWorkflowDefs } from '../../src/validate/index.ts';
import { expectOnly, forkJoin, simple, workflow, type RawTask } from './helpers.ts';

const schema = (properties: Record<string, unknown>, required: string[] = Object.keys(properties)) => ({ type: 'JSON', name: 'x', version: 1, data: { type: 'object', properties, required, additionalProperties: false } });
const taskDef = (name: string, input: Record<string, unknown>, output: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ name: `${name}_task`, inputSchema: schema(input), outputSchema: schema(output), ...extra });

const TASK_DEFS = [
  taskDef('compile', { environment: { type: 'string', pattern: '^[A-Za-z0-9_-]+$' } }, { bin: { type: 'string' }, size: { type: 'integer' }, verdict: { type: 'string', enum: ['pass', 'fail'] }, note: { type: 'string' } }),
  { ...taskDef('store', { path: { type: 'string' }, size: { type: 'number' } }, { id: { type: 'string' } }), inputSchema: schema({ path: { type: 'string' }, size: { type: 'number' } }, ['path']) },
  taskDef('notify', { message: { type: ['string', 'null'] } }, {}),
  taskDef('check', { path: { type: 'string' } }, { ok: { type: 'boolean' }, items: { type: 'array', items: { type: 'string' } } }),
];
// `note` is optional in compile's output.
(TASK_DEFS[0] as { outputSchema: { data: { required: string[] } } }).outputSchema.data.required = ['bin', 'size', 'verdict'];

const compile = simple('compile', { environment: '${workflow.input.env}' });
const inputSchema = schema({ env: { type: 'string' }, flag: { type: 'boolean' } }, ['env']);

/** Validates workflow `demo` v1 around `tasks` in contract mode (the task definitions above), or without them. */
function check(tasks: RawTask[], extra: Record<string, unknown> = {}, contracts = true, more: unknown[] = []): DefinitionIssue[] {
  return validateWorkflowDefs([workflow(tasks, { inputSchema, ...extra }), ...(more as never[])], contracts ? { taskDefs: TASK_DEFS } : {});
}

describe('references to output fields', () => {
  it('a field the producer output schema does not have is an error in contract mode, suggesting the nearest field', () => {
    expectOnly(check([compile, simple('store', { path: '${compile.output.binary}' })]), {
      code: 'REF_FIELD_UNKNOWN',
      severity: 'error',
      path: 'demo v1 → store → inputParameters.path',
      says: ['reads "binary" of the output of "compile" (task definition "compile_task")', 'has no field "binary" (it has "bin", "size", "verdict", "note")', 'so it reads null'],
      fix: 'Read one of those fields, or add "binary" to the contract.',
    });
    expectOnly(check([compile, simple('store', { path: 'p', size: '${compile.output.sise}' })]), { code: 'REF_FIELD_UNKNOWN', severity: 'error', path: 'demo v1 → store → inputParameters.size', fix: 'Read "size" instead ("${compile.output.size}"), or add "sise" to the contract.' });
    expectOnly(check([compile, simple('store', { path: '${compile.output.bin.name}' })]), { code: 'REF_FIELD_UNKNOWN', severity: 'error', path: 'demo v1 → store → inputParameters.path', says: ['which is a string, with no field "name"'], fix: 'Read the value itself (without "name"), or add "name" to the contract.' });
  });

  it('a workflow input its inputSchema does not have, anywhere a reference is resolved', () => {
    expectOnly(check([compile, simple('store', { path: 'p' }), { name: 'h', taskReferenceName: 'call', type: 'HTTP', inputParameters: { http_request: { uri: 'http://x/${workflow.input.flg}', method: 'GET' } } }]), {
      code: 'REF_FIELD_UNKNOWN',
      severity: 'error',
      path: 'demo v1 → call → inputParameters.http_request.uri',
      says: ["reads \"flg\" of this workflow's input"],
      fix: 'Read "flag" instead ("${workflow.input.flag}"), or add "flg" to the contract.',
    });
  });

  it('is a warning without the task definitions, where the workflow carries its own schemas', () => {
    expectOnly(check([compile, simple('store', { path: '${workflow.input.flg}' })], {}, false), { code: 'REF_FIELD_UNKNOWN', severity: 'warning', path: 'demo v1 → store → inputParameters.path', fix: 'Read "flag" instead ("${workflow.input.flag}"), or add "flg" to the contract.' });
  });

  it('reads through a JOIN (its joinOn tasks by name) and a loop (iteration)', () => {
    const fork = forkJoin('par', [[simple('left', { environment: 'x' }, { name: 'compile_task' })], [simple('right', { path: 'p' }, { name: 'store_task' })]]);
    expect(check([...fork, simple('store', { path: '${par_join.output.left.bin}' })])).toEqual([]);
    expectOnly(check([...fork, simple('store', { path: '${par_join.output.middle.bin}' })]), { code: 'REF_FIELD_UNKNOWN', severity: 'error', path: 'demo v1 → store → inputParameters.path', says: ['the output of JOIN "par_join", which has no field "middle" (it has "left", "right")'], fix: 'Read one of those fields, or add "middle" to the contract.' });
    const loop = { name: 'l', taskReferenceName: 'loop', type: 'DO_WHILE', loopCondition: '$.loop.iteration < 3', loopOver: [simple('check', { path: 'p' })] };
    expectOnly(check([loop, simple('store', { path: '${loop.output.iteration}' })]), { code: 'VALUE_TYPE_MISMATCH', severity: 'error', path: 'demo v1 → store → inputParameters.path', says: ['reads "${loop.output.iteration}", a whole number'], fix: 'Reference a value that is a string, or convert it first (an INLINE or JSON_JQ_TRANSFORM task).' });
  });
});

describe('values against the input they feed', () => {
  it('a literal of the wrong type, or one its schema rules out', () => {
    expectOnly(check([compile, simple('store', { path: 'p', size: 'big' })]), { code: 'VALUE_TYPE_MISMATCH', severity: 'error', path: 'demo v1 → store → inputParameters.size', says: ['inputParameters.size is "big" (a string), but task definition "store_task" takes a number there.'], fix: 'Pass a number.' });
    expectOnly(check([simple('compile', { environment: 'esp 32' })]), { code: 'VALUE_TYPE_MISMATCH', severity: 'error', path: 'demo v1 → compile → inputParameters.environment', says: ['is "esp 32"'], fix: 'Pass text matching ^[A-Za-z0-9_-]+$.' });
  });

  it('a lone reference whose type cannot fit, and text with expressions where a non-string is taken', () => {
    expectOnly(check([compile, simple('store', { path: '${compile.output.size}' })]), { code: 'VALUE_TYPE_MISMATCH', severity: 'error', path: 'demo v1 → store → inputParameters.path', says: ['reads "${compile.output.size}", a whole number, but task definition "store_task" takes a string there'], fix: 'Reference a value that is a string, or convert it first (an INLINE or JSON_JQ_TRANSFORM task).' });
    expectOnly(check([compile, simple('store', { path: 'p', size: 'n-${compile.output.size}' })]), { code: 'VALUE_TYPE_MISMATCH', severity: 'error', path: 'demo v1 → store → inputParameters.size', says: ['is text with expressions in it'], fix: 'Pass a lone reference ("${...}" and nothing around it) to pass a value as it is.' });
    // Any value fits a string once interpolated; a whole number is a number.
    expect(check([compile, simple('store', { path: 'fw-${compile.output.size}', size: '${compile.output.size}' })])).toEqual([]);
  });

  it('a required input left out, unless the task definition inputTemplate supplies it', () => {
    expectOnly(check([simple('store', { size: 1 })]), { code: 'INPUT_REQUIRED_MISSING', severity: 'error', path: 'demo v1 → store → inputParameters', says: ['SIMPLE "store": inputParameters sets no "path" (a string), which task definition "store_task" requires'], fix: 'Add inputParameters.path.' });
    const withTemplate = TASK_DEFS.map((d) => (d.name === 'store_task' ? { ...d, inputTemplate: { path: '/tmp' } } : d));
    expect(validateWorkflowDefs([workflow([simple('store', { size: 1 })], { inputSchema })], { taskDefs: withTemplate })).toEqual([]);
  });

  it('an input the task definition does not have, with the name it probably means', () => {
    expectOnly(check([simple('store', { path: 'p', sise: 1 })]), { code: 'INPUT_NOT_DECLARED', severity: 'error', path: 'demo v1 → store → inputParameters.sise', says: ['"sise" is not a field of task definition "store_task" (it has "path", "size")'], fix: 'Rename it to "size", or add it to the schema.' });
  });

  it('a reference to a later task or a parallel branch reads null where a value is needed (one issue, not a warning too)', () => {
    expectOnly(check([simple('store', { path: '${compile.output.bin}' }), compile]), { code: 'REF_READS_NULL', severity: 'error', path: 'demo v1 → store → inputParameters.path', says: ['which runs after "store", so it reads null there, but task definition "store_task" takes a string'], fix: 'Reference only tasks that run before this one, or move "compile" earlier.' });
    const fork = forkJoin('par', [[compile], [simple('store', { path: '${compile.output.bin}' })]]);
    expectOnly(check(fork), { code: 'REF_READS_NULL', severity: 'error', path: 'demo v1 → store → inputParameters.path', says: ['which runs in a parallel branch of fork "par"'], fix: "Read it after the fork's JOIN, or move \"compile\" before the fork." });
    // Where null fits, the reference rules' warning stays.
    expectOnly(check([simple('notify', { message: '${compile.output.bin}' }), compile]), { code: 'REF_NOT_UPSTREAM', severity: 'warning', path: 'demo v1 → notify → inputParameters.message', fix: 'Reference only tasks that run before this one, or move "compile" earlier.' });
  });

  it('a value that may be null where null does not fit: an optional field, a task of a switch case', () => {
    expectOnly(check([compile, simple('store', { path: '${compile.output.note}' })]), { code: 'VALUE_MAYBE_NULL', severity: 'error', path: 'demo v1 → store → inputParameters.path', says: ['which may be null ("note" is optional in the output of "compile"'], fix: 'Read a value that is always set, or make the field nullable in the contract.' });
    const gate = { name: 'g', taskReferenceName: 'gate', type: 'SWITCH', evaluatorType: 'value-param', expression: 'v', inputParameters: { v: '${compile.output.verdict}' }, decisionCases: { pass: [simple('check', { path: 'p' })] } };
    expectOnly(check([compile, gate, simple('store', { path: '${check.output.items[0]}' })]), { code: 'VALUE_MAYBE_NULL', severity: 'error', path: 'demo v1 → store → inputParameters.path', says: ['it runs in a case of SWITCH "gate", which may not be chosen'], fix: 'Read a value that is always set, or make the field nullable in the contract.' });
    expect(check([compile, gate, simple('notify', { message: '${check.output.items[0]}' })])).toEqual([]);
  });

  it('a switch case its value can never take; a literal switch value is taken as meant', () => {
    const gate = (value: string): RawTask => ({ name: 'g', taskReferenceName: 'gate', type: 'SWITCH', evaluatorType: 'value-param', expression: 'v', inputParameters: { v: value }, decisionCases: { fial: [simple('store', { path: 'p' })] } });
    expectOnly(check([compile, gate('${compile.output.verdict}')]), { code: 'SWITCH_CASE_UNREACHABLE', severity: 'error', path: 'demo v1 → gate → decisionCases.fial', says: ['case "fial" can never be chosen, since the switch value (inputParameters.v) is always "pass" or "fail"'], fix: 'Rename the case to "fail", or remove it.' });
    expect(check([compile, gate('pass')])).toEqual([]);
  });

  it('a dynamic fork whose items cannot be the forked task input', () => {
    const fan = { name: 'f', taskReferenceName: 'fan', type: 'FORK_JOIN_DYNAMIC', inputParameters: { forkTaskName: 'store_task', forkTaskInputs: [{ path: 'a' }, { size: 2 }] } };
    expectOnly(check([fan, { name: 'j', taskReferenceName: 'fan_join', type: 'JOIN' }]), { code: 'INPUT_REQUIRED_MISSING', severity: 'error', path: 'demo v1 → fan → inputParameters.forkTaskInputs[1]', fix: 'Add inputParameters.forkTaskInputs[1].path.' });
  });
});

describe('sub-workflows and the workflow outputs', () => {
  const child = workflow([simple('store', { path: '${workflow.input.path}' })], {
    name: 'child',
    inputSchema: schema({ path: { type: 'string' }, count: { type: 'integer' } }, ['path', 'count']),
    inputTemplate: { count: 1 },
    outputSchema: schema({ stored: { type: 'string' } }),
    outputParameters: { stored: '${store.output.id}' },
  });
  const sub = (inputParameters: Record<string, unknown>): RawTask => ({ name: 'child', taskReferenceName: 'sub', type: 'SUB_WORKFLOW', subWorkflowParam: { name: 'child', version: 1 }, inputParameters });

  it('a sub-workflow input that does not fit the child inputSchema (its inputTemplate supplies defaults)', () => {
    expect(check([compile, sub({ path: '${compile.output.bin}' })], {}, true, [child])).toEqual([]);
    expectOnly(check([compile, sub({ path: '${compile.output.size}' })], {}, true, [child]), { code: 'VALUE_TYPE_MISMATCH', severity: 'error', path: 'demo v1 → sub → inputParameters.path', says: ['but workflow "child" v1 takes a string there'], fix: 'Reference a value that is a string, or convert it first (an INLINE or JSON_JQ_TRANSFORM task).' });
    expectOnly(check([sub({})], {}, true, [child]), { code: 'INPUT_REQUIRED_MISSING', severity: 'error', path: 'demo v1 → sub → inputParameters', says: ['sets no "path" (a string), which workflow "child" v1 requires'], fix: 'Add inputParameters.path.' });
  });

  it("a sub-workflow output read against the child's outputSchema", () => {
    expectOnly(check([sub({ path: 'p' }), simple('store', { path: '${sub.output.stord}' })], {}, true, [child]), { code: 'REF_FIELD_UNKNOWN', severity: 'error', path: 'demo v1 → store → inputParameters.path', says: ['the output of "sub" (workflow "child" v1)'], fix: 'Read "stored" instead ("${sub.output.stored}"), or add "stord" to the contract.' });
  });

  it('the workflow outputs against its outputSchema; a TERMINATE may set part of them', () => {
    const outputSchema = schema({ id: { type: 'string' }, verdict: { type: 'string', enum: ['pass', 'fail'] } });
    const tasks = [compile, simple('store', { path: 'p' })];
    expect(check(tasks, { outputSchema, outputParameters: { id: '${store.output.id}', verdict: '${compile.output.verdict}' } })).toEqual([]);
    expectOnly(check(tasks, { outputSchema, outputParameters: { id: '${compile.output.size}', verdict: 'pass' } }), { code: 'VALUE_TYPE_MISMATCH', severity: 'error', path: 'demo v1 → outputParameters.id', says: ["but this workflow's outputSchema takes a string there"], fix: 'Reference a value that is a string, or convert it first (an INLINE or JSON_JQ_TRANSFORM task).' });
    expectOnly(check(tasks, { outputSchema, outputParameters: { id: '${store.output.id}' } }), { code: 'OUTPUT_REQUIRED_MISSING', severity: 'error', path: 'demo v1 → outputParameters', says: ['outputParameters has no "verdict"'], fix: 'Add outputParameters.verdict.' });
    expectOnly(check(tasks, { outputSchema, outputParameters: { id: '${store.output.id}', verdict: 'pass', extra: 1 } }), { code: 'OUTPUT_NOT_DECLARED', severity: 'error', path: 'demo v1 → outputParameters.extra', fix: 'Remove it, or add it to the schema.' });
    // No outputParameters: the workflow outputs its last task's output.
    expect(check(tasks, { outputSchema })).toEqual([]);
    const stop = { name: 't', taskReferenceName: 'stop', type: 'TERMINATE', inputParameters: { terminationStatus: 'FAILED', workflowOutput: { verdict: 'maybe' } } };
    expectOnly(check([compile, stop], { outputSchema, outputParameters: { id: 'x', verdict: 'pass' } }), { code: 'VALUE_TYPE_MISMATCH', severity: 'error', path: 'demo v1 → stop → inputParameters.workflowOutput.verdict', fix: 'Pass one of "pass", "fail".' });
  });
});

describe('scripts', () => {
  const loop = (condition: string, inputParameters: Record<string, unknown> = {}): RawTask => ({ name: 'l', taskReferenceName: 'loop', type: 'DO_WHILE', loopCondition: condition, inputParameters, loopOver: [simple('check', { path: 'p' })] });

  it('a loop condition reads its inputs, the loop and its body tasks, checked against their schemas', () => {
    expect(check([loop("$.loop['iteration'] < $.max && !$.check.ok && $.check.items.length > 0", { max: 3 })])).toEqual([]);
    expectOnly(check([loop('$.chek.ok == false')]), {
      code: 'SCRIPT_READ_UNKNOWN',
      severity: 'error',
      path: 'demo v1 → loop → loopCondition',
      says: ["reads $.chek.ok, but $ there holds the loop's inputParameters", '("loop", "check")', 'so $.chek is undefined, and reading from it fails the task with a TypeError when the script runs'],
      fix: "Read $.check, or add it to the loop's inputParameters, or read a task of loopOver.",
    });
    expectOnly(check([loop('$.check.okk == false')]), { code: 'SCRIPT_READ_FIELD_UNKNOWN', severity: 'error', path: 'demo v1 → loop → loopCondition', says: ['but the output of "check" (task definition "check_task") has no field "okk" (it has "ok", "items"), so it reads undefined.'], fix: 'Read "ok" instead ($.check.ok), or add "okk" to the contract.' });
  });

  it('an inner loop whose condition reads its own reference is flagged: inside an outer loop the server binds it as inner__1 (a warning without contracts)', () => {
    const inner = { name: 'i', taskReferenceName: 'inner', type: 'DO_WHILE', loopCondition: "$.inner['iteration'] < 3", loopOver: [simple('check', { path: 'p' })] };
    const outer = { name: 'o', taskReferenceName: 'outer', type: 'DO_WHILE', loopCondition: '$.outer.iteration < 2', loopOver: [inner] };
    expectOnly(check([outer], {}, false), {
      code: 'DO_WHILE_NESTED_SELF_READ',
      severity: 'warning',
      path: 'demo v1 → inner → loopCondition',
      says: ["loopCondition reads $.inner['iteration'], but this loop is inside another DO_WHILE", '"inner__1"', 'fails with "Unable to evaluate condition"'],
      fix: 'Count iterations another way: read a task of loopOver, e.g. a counter that an INLINE task of loopOver returns.',
    });
    // The same loop on its own, and an inner loop that reads its body, are fine.
    expect(check([inner], {}, false)).toEqual([]);
    expect(check([{ ...outer, loopOver: [{ ...inner, loopCondition: '!$.check.ok' }] }], {}, false)).toEqual([]);
  });

  it('an INLINE sees only its inputs: a task read as $.<ref> is undefined, and the fix passes it in (a warning without contracts)', () => {
    const inline = { name: 'i', taskReferenceName: 'sum', type: 'INLINE', inputParameters: { evaluatorType: 'graaljs', expression: '$.compile.size + 1' } };
    expectOnly(check([compile, inline], {}, false), { code: 'SCRIPT_READ_UNKNOWN', severity: 'warning', path: 'demo v1 → sum → inputParameters.expression', says: ['$ there holds its inputParameters ("evaluatorType", "expression")'], fix: 'A script sees only its inputs: pass the task\'s output in with inputParameters {"compile":"${compile.output}"}.' });
    const passed = { ...inline, inputParameters: { ...inline.inputParameters, compile: '${compile.output}' } };
    expect(check([compile, passed])).toEqual([]);
    expectOnly(check([compile, { ...passed, inputParameters: { ...passed.inputParameters, expression: '$.compile.sise + 1' } }]), { code: 'SCRIPT_READ_FIELD_UNKNOWN', severity: 'error', path: 'demo v1 → sum → inputParameters.expression', fix: 'Read "size" instead ($.compile.size), or add "sise" to the contract.' });
  });

  it('a SWITCH script reads its inputs; optional chaining reads undefined without a TypeError', () => {
    const route = (expression: string): RawTask => ({ name: 'r', taskReferenceName: 'route', type: 'SWITCH', evaluatorType: 'graaljs', expression, inputParameters: { v: '${compile.output.verdict}' }, decisionCases: { a: [simple('store', { path: 'p' })] } });
    expect(check([compile, route('$.v == "pass" ? "a" : "b"')])).toEqual([]);
    const [issue] = check([compile, route('$.w?.x ? "a" : "b"')]);
    expect(issue?.code).toBe('SCRIPT_READ_UNKNOWN');
    expect(issue?.message).toContain('so $.w is undefined. Read $.v');
  });
});

describe('no false positives', () => {
  it("a SWITCH's selectedCase and evaluationResult are always set (the default path too, as the runner and conductor-oss 3.32.3 write them)", () => {
    const gate = { name: 'g', taskReferenceName: 'gate', type: 'SWITCH', evaluatorType: 'value-param', expression: 'v', inputParameters: { v: '${compile.output.verdict}' }, decisionCases: { pass: [simple('check', { path: 'p' })] } };
    expect(check([compile, gate, simple('store', { path: '${gate.output.selectedCase}' })])).toEqual([]);
    expect(check([compile, gate, simple('store', { path: '${gate.output.evaluationResult[0]}' })])).toEqual([]);
    const decision = { name: 'd', taskReferenceName: 'decide', type: 'DECISION', caseValueParam: 'v', inputParameters: { v: '${compile.output.verdict}' }, decisionCases: { pass: [simple('check', { path: 'p' })] } };
    expect(check([compile, decision, simple('store', { path: '${decide.output.caseOutput[0]}' })])).toEqual([]);
  });

  it('the generated K1 definitions have no data-flow finding in contract mode', async () => {
    const { workflows, tasks } = await readGenerated('generated');
    const issues = validateWorkflowDefs(workflows, { taskDefs: tasks, taskNames: new Set(tasks.map((t) => t.name)), complete: true, requireOwnerEmail: true });
    expect(issues.map((i) => `${i.severity} ${i.code} ${i.path}: ${i.message}`)).toEqual([]);
  });
});
