/**
 * Issue 14's acceptance: mistaken definitions, one per kind, each written as a user would write
 * it in a project of their own (a temporary folder with its definitions module). `gen` exits 1
 * for each and names the field and the fix (the compiler's readable error where the types see
 * the mistake, and the validator's issue on the JSON in every case); the same mistakes as raw
 * JSON (what the definitions compile to, types erased) are refused by `k1-workflows validate`
 * with the task definitions given.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { genCommand, loadProject } from '../../src/cli/gen-command.ts';
import { validateCommand } from '../../src/cli/validate-command.ts';
import { compileWorkflow, visit } from '../../src/compiler/compile-workflow.ts';
import type { AnyTaskContract } from '../../src/contract/define-task.ts';
import { toTaskDef } from '../../src/contract/task-def.ts';

/** The contracts and the child workflow every mistaken definition uses. */
const PREAMBLE = `import { z } from 'zod';
import { projectDefaults } from '../../../src/index.ts';
const { defineTask, workflow } = projectDefaults({ ownerEmail: 'team@example.com' });

const build = defineTask({
  name: 'build',
  description: 'Builds the firmware.',
  input: z.object({ environment: z.string().regex(/^[A-Za-z0-9_-]+$/) }),
  output: z.object({ bin: z.string(), size: z.number(), verdict: z.enum(['pass', 'fail']), note: z.string().optional() }),
});
const store = defineTask({
  name: 'store',
  description: 'Stores a file.',
  input: z.object({ path: z.string(), size: z.number().optional() }),
  output: z.object({ id: z.string() }),
});
const check = defineTask({
  name: 'check',
  description: 'Checks the device.',
  input: z.object({ path: z.string() }),
  output: z.object({ temperature_ok: z.boolean() }),
});
export const child = workflow(
  { name: 'child', version: 1, description: 'Stores.', input: z.object({ path: z.string(), size: z.number() }), output: z.object({ stored: z.string() }) },
  (f) => f.task(store, (s) => ({ path: s.input.path, size: s.input.size })).output((s) => ({ stored: s.store.output.id })),
);
const meta = { name: 'main', version: 1, description: 'Builds and stores.', input: z.object({ env: z.string() }), output: z.object({ id: z.string() }) } as const;
`;

/** One mistake: the flow of workflow `main` as written, and what gen and validate must say. */
interface Mistake {
  readonly kind: string;
  /** The build function's body after \`(f) => f\`. */
  readonly flow: string;
  /** What tsc says (through gen), when the types see the mistake. */
  readonly tsc?: string;
  /** The validator's issue, in gen's output and in validate's: its code, its path, words naming the field, and the fix it ends with. */
  readonly code: string;
  readonly path: string;
  readonly says: string;
  readonly fix: string;
}

const compile = ".task('compile', build, (s) => ({ environment: s.input.env }))";
const end = '.output((s) => ({ id: s.store.output.id }))';

const MISTAKES: readonly Mistake[] = [
  {
    kind: 'an output field that does not exist',
    flow: `${compile}.task(store, (s) => ({ path: s.compile.output.binary }))${end}`,
    tsc: "Property 'binary' does not exist on type 'RefOf<",
    code: 'REF_FIELD_UNKNOWN',
    path: 'main v1 → store → inputParameters.path',
    says: 'reads "binary" of the output of "compile" (task definition "build"), which has no field "binary"',
    fix: 'Read one of those fields, or add "binary" to the contract.',
  },
  {
    kind: 'a misspelt output field in a raw expression string',
    flow: `${compile}.task(store, () => ({ path: '\${compile.output.bim}' }))${end}`,
    code: 'REF_FIELD_UNKNOWN',
    path: 'main v1 → store → inputParameters.path',
    says: 'reads "bim" of the output of "compile"',
    fix: 'Read "bin" instead ("${compile.output.bin}"), or add "bim" to the contract.',
  },
  {
    kind: 'a workflow input that does not exist',
    flow: `${compile}.task(store, () => ({ path: '\${workflow.input.enviroment}' }))${end}`,
    code: 'REF_FIELD_UNKNOWN',
    path: 'main v1 → store → inputParameters.path',
    says: 'reads "enviroment" of this workflow\'s input, which has no field "enviroment" (it has "env")',
    fix: 'Read one of those fields, or add "enviroment" to the contract.',
  },
  {
    kind: 'a literal of the wrong type',
    flow: `${compile}.task(store, () => ({ path: 'fw.bin', size: 'big' }))${end}`,
    tsc: 'error: input \\"size\\" takes a number, not a string',
    code: 'VALUE_TYPE_MISMATCH',
    path: 'main v1 → store → inputParameters.size',
    says: 'inputParameters.size is "big" (a string), but task definition "store" takes a number there.',
    fix: 'Pass a number.',
  },
  {
    kind: 'a literal the input schema rules out',
    flow: `.task('compile', build, () => ({ environment: 'esp32 s3' })).task(store, (s) => ({ path: s.compile.output.bin }))${end}`,
    code: 'VALUE_TYPE_MISMATCH',
    path: 'main v1 → compile → inputParameters.environment',
    says: 'inputParameters.environment is "esp32 s3", but task definition "build" takes text matching ^[A-Za-z0-9_-]+$ there.',
    fix: 'Pass text matching ^[A-Za-z0-9_-]+$.',
  },
  {
    kind: 'a reference of the wrong type',
    flow: `${compile}.task(store, (s) => ({ path: s.compile.output.size }))${end}`,
    tsc: 'error: input \\"path\\" takes a string, but this reference reads a number',
    code: 'VALUE_TYPE_MISMATCH',
    path: 'main v1 → store → inputParameters.path',
    says: 'reads "${compile.output.size}", a number, but task definition "store" takes a string there.',
    fix: 'Reference a value that is a string, or convert it first (an INLINE or JSON_JQ_TRANSFORM task).',
  },
  {
    kind: 'text where a number is taken',
    flow: `${compile}.task(store, (s) => ({ path: s.compile.output.bin, size: \`\${s.compile.output.size} bytes\` }))${end}`,
    tsc: 'error: input \\"size\\" takes a number, not a string',
    code: 'VALUE_TYPE_MISMATCH',
    path: 'main v1 → store → inputParameters.size',
    says: 'inputParameters.size is text with expressions in it ("${compile.output.size} bytes")',
    fix: 'Pass a lone reference ("${...}" and nothing around it) to pass a value as it is.',
  },
  {
    kind: 'a required input left out',
    flow: `${compile}.task(store, (s) => ({ size: s.compile.output.size }))${end}`,
    tsc: "Property 'path' is missing",
    code: 'INPUT_REQUIRED_MISSING',
    path: 'main v1 → store → inputParameters',
    says: 'SIMPLE "store": inputParameters sets no "path" (a string), which task definition "store" requires',
    fix: 'Add inputParameters.path.',
  },
  {
    kind: 'an input the task does not have',
    flow: `${compile}.task(store, (s) => ({ path: s.compile.output.bin, sise: s.compile.output.size }))${end}`,
    tsc: 'error: \\"sise\\" is not a field here; remove it or check its name',
    code: 'INPUT_NOT_DECLARED',
    path: 'main v1 → store → inputParameters.sise',
    says: '"sise" is not a field of task definition "store" (it has "path", "size")',
    fix: 'Rename it to "size", or add it to the schema.',
  },
  {
    kind: 'a reference to a task that runs later',
    flow: `.task(store, (s) => ({ path: s.compile.output.bin }))${compile}${end}`,
    tsc: 'reference to a task that is not upstream',
    code: 'REF_READS_NULL',
    path: 'main v1 → store → inputParameters.path',
    says: 'references "compile", which runs after "store", so it reads null there, but task definition "store" takes a string',
    fix: 'Reference only tasks that run before this one, or move "compile" earlier.',
  },
  {
    kind: 'a reference into a parallel branch',
    flow: `.fork('both', [(b) => b.task('compile', build, (s) => ({ environment: s.input.env })), (b) => b.task(store, (s) => ({ path: s.compile.output.bin }))])${end}`,
    tsc: 'reference to a task that is not upstream',
    code: 'REF_READS_NULL',
    path: 'main v1 → store → inputParameters.path',
    says: 'which runs in a parallel branch of fork "both" and may not have finished',
    fix: 'Read it after the fork\'s JOIN, or move "compile" before the fork.',
  },
  {
    kind: 'a task of a switch case read where it may not have run',
    flow: `${compile}.switch('gate', (s) => s.compile.output.verdict, { pass: (b) => b.task('checked', check, (s) => ({ path: s.compile.output.bin })) }).task(store, (s) => ({ path: s.checked.output.temperature_ok ? 'ok' : s.compile.output.bin }))${end}`.replace("s.checked.output.temperature_ok ? 'ok' : s.compile.output.bin", "s.checked.output.temperature_ok"),
    tsc: 'error: input \\"path\\" takes a string, but this reference reads a boolean or null',
    code: 'VALUE_TYPE_MISMATCH',
    path: 'main v1 → store → inputParameters.path',
    says: 'reads "${checked.output.temperature_ok}", a boolean',
    fix: 'Reference a value that is a string, or convert it first (an INLINE or JSON_JQ_TRANSFORM task).',
  },
  {
    kind: 'an optional output field where a value is needed',
    flow: `${compile}.task(store, (s) => ({ path: s.compile.output.note }))${end}`,
    tsc: 'error: input \\"path\\" takes a string, but this reference reads a string or null (it may be left out)',
    code: 'VALUE_MAYBE_NULL',
    path: 'main v1 → store → inputParameters.path',
    says: 'reads "${compile.output.note}", which may be null ("note" is optional in the output of "compile" (task definition "build"))',
    fix: 'Read a value that is always set, or make the field nullable in the contract.',
  },
  {
    kind: 'a sub-workflow input of the wrong type',
    flow: `${compile}.subWorkflow('sub', child, (s) => ({ path: s.compile.output.bin, size: s.compile.output.verdict })).task(store, (s) => ({ path: s.sub.output.stored }))${end}`,
    tsc: 'error: sub-workflow input \\"size\\" takes a number, but this reference reads one of the values its contract lists',
    code: 'VALUE_TYPE_MISMATCH',
    path: 'main v1 → sub → inputParameters.size',
    says: 'but workflow "child" v1 takes a number there',
    fix: 'Reference a value that is a number, or convert it first (an INLINE or JSON_JQ_TRANSFORM task).',
  },
  {
    kind: 'a sub-workflow input left out',
    flow: `${compile}.subWorkflow('sub', child, (s) => ({ path: s.compile.output.bin })).task(store, (s) => ({ path: s.sub.output.stored }))${end}`,
    tsc: "Property 'size' is missing",
    code: 'INPUT_REQUIRED_MISSING',
    path: 'main v1 → sub → inputParameters',
    says: 'SUB_WORKFLOW "sub": inputParameters sets no "size" (a number), which workflow "child" v1 requires',
    fix: 'Add inputParameters.size.',
  },
  {
    kind: 'a sub-workflow output that does not exist',
    flow: `${compile}.subWorkflow('sub', child, (s) => ({ path: s.compile.output.bin, size: s.compile.output.size })).task(store, (s) => ({ path: s.sub.output.stord }))${end}`,
    tsc: "Property 'stord' does not exist",
    code: 'REF_FIELD_UNKNOWN',
    path: 'main v1 → store → inputParameters.path',
    says: 'reads "stord" of the output of "sub" (workflow "child" v1)',
    fix: 'Read "stored" instead ("${sub.output.stored}"), or add "stord" to the contract.',
  },
  {
    kind: 'a workflow output of the wrong type',
    flow: `${compile}.task(store, (s) => ({ path: s.compile.output.bin })).output((s) => ({ id: s.compile.output.size }))`,
    tsc: 'error: output \\"id\\" takes a string, but this reference reads a number',
    code: 'VALUE_TYPE_MISMATCH',
    path: 'main v1 → outputParameters.id',
    says: "outputParameters.id reads \"${compile.output.size}\", a number, but this workflow's outputSchema takes a string there.",
    fix: 'Reference a value that is a string, or convert it first (an INLINE or JSON_JQ_TRANSFORM task).',
  },
  {
    kind: 'a workflow output left out (its name misspelt)',
    flow: `${compile}.task(store, (s) => ({ path: s.compile.output.bin })).output((s) => ({ idd: s.store.output.id }))`,
    tsc: 'error: \\"idd\\" is not a field here; remove it or check its name',
    code: 'OUTPUT_REQUIRED_MISSING',
    path: 'main v1 → outputParameters',
    says: 'outputParameters has no "id" (a string), which this workflow\'s outputSchema requires',
    fix: 'Add outputParameters.id.',
  },
  {
    kind: 'a workflow output the schema does not have',
    flow: `${compile}.task(store, (s) => ({ path: s.compile.output.bin })).output((s) => ({ id: s.store.output.id, bin: s.compile.output.bin }))`,
    tsc: 'error: \\"bin\\" is not a field here; remove it or check its name',
    code: 'OUTPUT_NOT_DECLARED',
    path: 'main v1 → outputParameters.bin',
    says: '"bin" is not a field of this workflow\'s outputSchema (it has "id"), so it is not part of the declared output',
    fix: 'Remove it, or add it to the schema.',
  },
  {
    kind: 'a terminate output of the wrong type',
    flow: `${compile}.switch('gate', (s) => s.compile.output.verdict, { fail: (b) => b.terminate('FAILED', { output: (s) => ({ id: s.compile.output.size }) }) }).task(store, (s) => ({ path: s.compile.output.bin }))${end}`,
    tsc: 'error: output \\"id\\" takes a string, but this reference reads a number',
    code: 'VALUE_TYPE_MISMATCH',
    path: 'main v1 → terminate_1 → inputParameters.workflowOutput.id',
    says: "reads \"${compile.output.size}\", a number, but this workflow's outputSchema takes a string there.",
    fix: 'Reference a value that is a string, or convert it first (an INLINE or JSON_JQ_TRANSFORM task).',
  },
  {
    kind: 'a switch case its value never takes',
    flow: `${compile}.switch('gate', (s) => s.compile.output.verdict, { fial: (b) => b.terminate('FAILED') }).task(store, (s) => ({ path: s.compile.output.bin }))${end}`,
    tsc: "'fial' does not exist in type",
    code: 'SWITCH_CASE_UNREACHABLE',
    path: 'main v1 → gate → decisionCases.fial',
    says: 'case "fial" can never be chosen, since the switch value (inputParameters.switchCaseValue) is always "pass" or "fail"',
    fix: 'Rename the case to "fail", or remove it.',
  },
  {
    kind: 'a typo in a typed loop condition',
    flow: `${compile}.doWhile('retry', { body: (b) => b.task('checked', check, (s) => ({ path: s.compile.output.bin })), condition: (c) => \`\${c.chekd.temperature_ok} == false\` }).task(store, (s) => ({ path: s.compile.output.bin }))${end}`,
    tsc: 'not a name this script can read',
    code: 'SCRIPT_READ_UNKNOWN',
    path: 'main v1 → retry → loopCondition',
    says: 'loopCondition reads $.chekd.temperature_ok, but $ there holds',
    fix: "Read $.checked, or add it to the loop's inputParameters, or read a task of loopOver.",
  },
  {
    kind: 'a typo in a string loop condition',
    flow: `${compile}.doWhile('retry', { body: (b) => b.task('checked', check, (s) => ({ path: s.compile.output.bin })), condition: '$.checked.temperatur_ok == false' }).task(store, (s) => ({ path: s.compile.output.bin }))${end}`,
    code: 'SCRIPT_READ_FIELD_UNKNOWN',
    path: 'main v1 → retry → loopCondition',
    says: 'has no field "temperatur_ok" (it has "temperature_ok"), so it reads undefined',
    fix: 'Read "temperature_ok" instead ($.checked.temperature_ok), or add "temperatur_ok" to the contract.',
  },
  {
    kind: 'an INLINE script reading a field its input does not have',
    flow: `${compile}.inline('sum', { input: (s) => ({ build: s.compile.output }), script: '$.build.sise + 1' }).task(store, (s) => ({ path: s.compile.output.bin }))${end}`,
    code: 'SCRIPT_READ_FIELD_UNKNOWN',
    path: 'main v1 → sum → inputParameters.expression',
    says: 'reads $.build.sise, but input "build" of INLINE "sum" has no field "sise"',
    fix: 'Read "size" instead ($.build.size), or add "sise" to the contract.',
  },
  {
    kind: 'a switch script reading a name that is not an input',
    flow: `${compile}.switchScript('route', { input: (s) => ({ verdict: s.compile.output.verdict }), script: '$.verdcit == "pass" ? "store" : "skip"', cases: { store: (b) => b.task(store, (s) => ({ path: s.compile.output.bin })) } }).output(() => ({ id: 'x' }))`,
    code: 'SCRIPT_READ_UNKNOWN',
    path: 'main v1 → route → expression',
    says: 'expression reads $.verdcit, but $ there holds its inputParameters ("verdict")',
    fix: 'Read $.verdict, or add it to inputParameters.',
  },
  {
    kind: 'a syntax error in a switch script',
    flow: `${compile}.switchScript('route', { input: (s) => ({ verdict: s.compile.output.verdict }), script: '$.verdict == "pass" ? "store" :', cases: { store: (b) => b.task(store, (s) => ({ path: s.compile.output.bin })) } }).output(() => ({ id: 'x' }))`,
    code: 'SCRIPT_SYNTAX',
    path: 'main v1 → route → expression',
    says: 'SWITCH "route": expression is not valid JavaScript (Unexpected token at line 1, column 32), so the server refuses it (400 "Expression is not well formatted")',
    fix: "Fix the script's syntax.",
  },
  {
    kind: 'a task reference name used twice',
    flow: `${compile}.task('compile', build, (s) => ({ environment: s.input.env })).task(store, (s) => ({ path: s.compile.output.bin }))${end}`,
    tsc: 'error: the task reference \\"compile\\" is already used in this workflow; give this task another name',
    code: 'REF_DUPLICATE',
    path: 'main v1 → compile → taskReferenceName',
    says: 'Reference name "compile" is used at tasks[0] and again at tasks[1]',
    fix: 'Give the task at tasks[1] a unique taskReferenceName.',
  },
];

let root: string;
let jsonDir: string;

beforeAll(() => {
  mkdirSync(join(process.cwd(), '.tmp'), { recursive: true });
  root = mkdtempSync(join(process.cwd(), '.tmp', 'mistakes-'));
  jsonDir = join(root, 'json');
  mkdirSync(join(root, 'definitions'), { recursive: true });
  mkdirSync(jsonDir);
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Writes mistake `i` as the project's definitions module (one file each: modules are cached by path). */
function writeMistake(i: number, mistake: Mistake): string {
  const file = `definitions/mistake-${String(i).padStart(2, '0')}.ts`;
  writeFileSync(join(root, file), `${PREAMBLE}\n// ${mistake.kind}\nexport const main = workflow(meta, (f) =>\n  f${mistake.flow},\n);\nexport const workflows = [main, child];\n`);
  return file;
}

/** The JSON the definitions compile to (types erased, as tsx runs them): each workflow and task definition in its own file. */
async function writeJson(i: number, file: string): Promise<string[]> {
  const project = await loadProject(join(root, file));
  const contracts = new Map<string, AnyTaskContract>();
  const files: string[] = [];
  for (const wf of project.workflows) {
    visit(wf.nodes, (node) => {
      if (node.kind === 'Task') contracts.set(node.contract.name, node.contract);
    });
    const path = join(jsonDir, `${i}-${wf.name}.json`);
    writeFileSync(path, JSON.stringify(compileWorkflow(wf)));
    files.push(path);
  }
  for (const contract of contracts.values()) {
    const path = join(jsonDir, `${i}-task-${contract.name}.json`);
    writeFileSync(path, JSON.stringify(toTaskDef(contract)));
    files.push(path);
  }
  return files;
}

describe(`${MISTAKES.length} mistaken definitions, one per kind`, () => {
  it('has at least 20 kinds, and the definitions they start from are fine', async () => {
    expect(MISTAKES.length).toBeGreaterThanOrEqual(20);
    expect(new Set(MISTAKES.map((m) => m.kind)).size).toBe(MISTAKES.length);
    const file = writeMistake(0, { kind: 'none', flow: `${compile}.task(store, (s) => ({ path: s.compile.output.bin }))${end}`, code: '', path: '', says: '', fix: '' });
    const err: string[] = [];
    expect(await genCommand(['--root', root, '--definitions', file, '--check'], { stdout: () => undefined, stderr: (l) => err.push(l) })).toBe(1);
    // Nothing is wrong but generated/ is not there yet.
    expect(err.join('\n')).toMatch(/^gen --check: \d+ generated files are out of date/);
  }, 120_000);

  MISTAKES.forEach((mistake, index) => {
    const i = index + 1;
    it(`${mistake.kind}: gen exits 1 naming the field and the fix; validate refuses the JSON`, async () => {
      const file = writeMistake(i, mistake);
      const err: string[] = [];
      const io = { stdout: () => undefined, stderr: (l: string) => err.push(l) };
      expect(await genCommand(['--root', root, '--definitions', file], io)).toBe(1);
      const said = err.join('\n');
      if (mistake.tsc !== undefined) expect(said).toContain(mistake.tsc);
      else expect(said).not.toContain('type error');
      const issue = said.split('\n').find((line) => line.startsWith(`  ${mistake.code} ${mistake.path}: `));
      expect(issue, said).toBeDefined();
      expect(issue).toContain(mistake.says);
      expect(issue?.endsWith(mistake.fix), issue).toBe(true);

      const files = await writeJson(i, file);
      const validateErr: string[] = [];
      expect(await validateCommand(files, { stdout: () => undefined, stderr: (l) => validateErr.push(l) })).toBe(1);
      const refused = validateErr.find((line) => line.includes(`: ${mistake.code} ${mistake.path}: `));
      expect(refused, validateErr.join('\n')).toBeDefined();
      expect(refused).toContain(mistake.says);
      expect(refused?.endsWith(mistake.fix), refused).toBe(true);
    }, 60_000);
  });
});
