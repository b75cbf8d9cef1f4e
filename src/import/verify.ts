/**
 * The round trip of `k1-workflows import --verify`: import into a scratch folder, type-check the
 * source with the project's compiler options (gen's type check), load it in this process and
 * compile it (gen's compiler), and compare each re-emitted definition with its input after the
 * normalisations of compare.ts.
 */
import { rmSync } from 'node:fs';
import { join, posix, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { compileWorkflow, visit } from '../compiler/compile-workflow.ts';
import { isTaskContract, type AnyTaskContract } from '../contract/define-task.ts';
import { toTaskDef } from '../contract/task-def.ts';
import { isWorkflow, type AnyWorkflow } from '../dsl/workflow.ts';
import { typecheckDefinitions } from '../gen/typecheck.ts';
import { comparableTaskDef, comparableWorkflow, firstDifference } from './compare.ts';
import { importDefinitions, type ImportedWorkflow, type ImportInput } from './import-definitions.ts';
import { writeImportedFiles } from './write-files.ts';

/** The verdict on one workflow. */
export interface VerifyLine {
  readonly name: string;
  readonly version: number;
  readonly equal: boolean;
  /** Where it first differs: a JSON path (`tasks[3].inputParameters.x`), `tasks/<name>.<path>` for a task definition, or the type error. */
  readonly difference?: string;
  /** Its tasks kept verbatim through `.raw()`. */
  readonly verbatim: number;
  readonly imported: ImportedWorkflow;
}

/** Every verdict, and the sums the command prints. */
export interface VerifyResult {
  readonly lines: readonly VerifyLine[];
  readonly equal: number;
  readonly differ: number;
  readonly verbatim: number;
  /** Wall time of the whole round trip, in ms. */
  readonly ms: number;
}

/** Where to work. */
export interface VerifyOptions {
  /**
   * Where this library lives: its `src/index.ts` is what the source imports, its tsconfig.json
   * the compiler options, its `.tmp/` the scratch folder. @default this package's root
   */
  readonly root?: string;
  /** Keep the scratch folder (for a look at the source). @default false */
  readonly keep?: boolean;
}

let runs = 0;

/** Builds the verdict lines from the first problem found per workflow. */
function verdicts(workflows: readonly ImportedWorkflow[], problem: (wf: ImportedWorkflow) => string | undefined): VerifyLine[] {
  return workflows.map((wf) => {
    const difference = problem(wf);
    return { name: wf.name, version: wf.version, equal: difference === undefined, ...(difference !== undefined && { difference }), verbatim: wf.notes.verbatim.length, imported: wf };
  });
}

/**
 * Round-trips definitions through the importer and the compiler. The scratch folder is
 * `<root>/.tmp/import-verify/<run>/` (inside the project, so the source resolves `zod`); each run
 * gets its own, since modules load once per process.
 */
export async function verifyImport(input: ImportInput, options: VerifyOptions = {}): Promise<VerifyResult> {
  const started = performance.now();
  const root = options.root ?? fileURLToPath(new URL('../../', import.meta.url));
  const scratch = join(root, '.tmp', 'import-verify', `${process.pid}-${++runs}-${Date.now()}`);
  const library = posix.relative(scratch.split(sep).join('/'), join(root, 'src', 'index.ts').split(sep).join('/'));
  const result = importDefinitions(input, { library });
  try {
    writeImportedFiles(scratch, result.files);
    const index = join(scratch, 'index.ts');
    const { errors } = await typecheckDefinitions({ root: scratch, definitions: index, cacheDir: join(scratch, '.typecheck') });
    const errorsOf = (file: string): string | undefined => errors.find((e) => e.startsWith(`${file}:`))?.split('\n')[0];
    const typeProblem = (wf: ImportedWorkflow): string | undefined => {
      for (const file of [wf.file, ...wf.imports]) {
        const error = errorsOf(file);
        if (error !== undefined) return `does not type-check: ${error}`;
      }
      return undefined;
    };
    let loaded: { workflows?: unknown; tasks?: unknown };
    try {
      loaded = (await import(pathToFileURL(index).href)) as typeof loaded;
    } catch (e) {
      const message = `does not load: ${(e as Error).message.split('\n')[0]}`;
      return finish(verdicts(result.workflows, (wf) => typeProblem(wf) ?? message), started);
    }
    const workflows = (Array.isArray(loaded.workflows) ? loaded.workflows : []).filter(isWorkflow) as AnyWorkflow[];
    const contracts = new Map<string, AnyTaskContract>();
    for (const c of (Array.isArray(loaded.tasks) ? loaded.tasks : []).filter(isTaskContract)) contracts.set(c.name, c);
    for (const wf of workflows) {
      visit(wf.nodes, (node) => {
        if (node.kind === 'Task' || node.kind === 'DynamicFork') contracts.set(node.contract.name, node.contract);
      });
    }
    return finish(
      verdicts(result.workflows, (wf) => {
        const typed = typeProblem(wf);
        if (typed !== undefined) return typed;
        // index.ts lists the workflows in the order they were imported.
        const dsl = workflows[result.workflows.indexOf(wf)];
        if (dsl === undefined || dsl.name !== wf.name) return 'missing from the imported index.ts';
        const found = firstDifference(wf.normalized, comparableWorkflow(wf.normalized, compileWorkflow(dsl)));
        if (found !== undefined) return found;
        for (const name of wf.taskDefs) {
          const given = result.taskDefs.get(name);
          const contract = contracts.get(name);
          if (given === undefined || contract === undefined) continue;
          const inTask = firstDifference(given, comparableTaskDef(given, toTaskDef(contract)));
          if (inTask !== undefined) return `tasks/${name}.${inTask}`;
        }
        return undefined;
      }),
      started,
    );
  } finally {
    if (options.keep !== true) rmSync(scratch, { recursive: true, force: true });
  }
}

function finish(lines: VerifyLine[], started: number): VerifyResult {
  return {
    lines,
    equal: lines.filter((l) => l.equal).length,
    differ: lines.filter((l) => !l.equal).length,
    verbatim: lines.reduce((sum, l) => sum + l.verbatim, 0),
    ms: performance.now() - started,
  };
}

/** The lines the command prints: `equal NAME` / `differs NAME: <path>`, then the sums. */
export function verifyReport(result: VerifyResult): string[] {
  return [
    ...result.lines.map((l) => (l.equal ? `equal ${l.name}` : `differs ${l.name}: ${l.difference}`)),
    `${result.equal} equal, ${result.differ} differ, ${result.verbatim} kept verbatim`,
  ];
}
