/**
 * The importer: Conductor workflow definitions (and task definitions) → DSL source files, laid
 * out like `definitions/`: one file per workflow under `workflows/`, one per task group under
 * `tasks/` (the tasks of one workflow, or `shared-tasks.ts` for those several use), and an
 * `index.ts` exporting `workflows` and `tasks` for `gen`. Written with ts-morph.
 */
import { posix } from 'node:path';
import { IndentationText, Project, QuoteKind, VariableDeclarationKind, type SourceFile } from 'ts-morph';
import type { TaskDef, WorkflowDef } from '../conductor-types.ts';
import { normalizeTaskDef, normalizeWorkflowDef } from '../sync/server-defaults.ts';
import { contractSource } from './contract-source.ts';
import { isJsonObject, type ContractInfo, type ImportNotes, type Json, type WorkflowInfo } from './model.ts';
import { fileStemFor, identifierFor } from './names.ts';
import { workflowSchemas, workflowSource } from './workflow-source.ts';

/** A definition read from somewhere, for messages: the file (or URL) and the JSON path in it. */
export interface SourcedDefinition {
  readonly source: string;
  readonly def: Json;
}

/** What the importer reads. */
export interface ImportInput {
  readonly workflows: readonly SourcedDefinition[];
  readonly taskDefs?: readonly SourcedDefinition[];
}

/** How the importer writes. */
export interface ImportOptions {
  /**
   * How the files import the library: a package name (`@k1/workflows`), or a path relative to the
   * output folder (`../src/index.ts`), made relative to each file. @default '@k1/workflows'
   */
  readonly library?: string;
}

/** One file of the import, its path relative to the output folder (forward slashes). */
export interface ImportedFile {
  readonly path: string;
  readonly content: string;
}

/** What became of one workflow definition. */
export interface ImportedWorkflow {
  readonly name: string;
  readonly version: number;
  readonly source: string;
  /** Its file, relative to the output folder. */
  readonly file: string;
  /** Its definition as compared: server defaults stripped (`normalizeWorkflowDef`). */
  readonly normalized: Json;
  /** The files its source imports from the import (task groups, other workflows). */
  readonly imports: readonly string[];
  /** Names of the task definitions it uses that were given. */
  readonly taskDefs: readonly string[];
  readonly notes: ImportNotes;
}

/** The files, and per workflow and task what was carried over. */
export interface ImportResult {
  readonly files: readonly ImportedFile[];
  readonly workflows: readonly ImportedWorkflow[];
  /** Given task definitions as compared, by name (server defaults stripped). */
  readonly taskDefs: ReadonlyMap<string, Json>;
  /** Per task name, what its contract could not express. */
  readonly taskNotes: ReadonlyMap<string, readonly string[]>;
}

interface TaskUse {
  readonly keys: Set<string>;
  readonly workflows: Set<string>;
}

function walkTasks(tasks: unknown, fn: (task: Json) => void): void {
  if (!Array.isArray(tasks)) return;
  for (const task of tasks) {
    if (!isJsonObject(task)) continue;
    fn(task);
    walkTasks(task.loopOver, fn);
    walkTasks(task.defaultCase, fn);
    if (Array.isArray(task.forkTasks)) for (const branch of task.forkTasks) walkTasks(branch, fn);
    if (isJsonObject(task.decisionCases)) for (const list of Object.values(task.decisionCases)) walkTasks(list, fn);
  }
}

/** Worker task names the workflows use (SIMPLE tasks, dynamic fork targets), with the input keys passed. */
function taskUses(workflows: readonly { key: string; def: Json }[]): Map<string, TaskUse> {
  const uses = new Map<string, TaskUse>();
  const use = (name: string, wf: string): TaskUse => {
    let entry = uses.get(name);
    if (entry === undefined) uses.set(name, (entry = { keys: new Set(), workflows: new Set() }));
    entry.workflows.add(wf);
    return entry;
  };
  for (const { key, def } of workflows) {
    walkTasks(def.tasks, (task) => {
      const input = isJsonObject(task.inputParameters) ? task.inputParameters : {};
      if ((task.type ?? 'SIMPLE') === 'SIMPLE' && typeof task.name === 'string') {
        const entry = use(task.name, key);
        for (const k of Object.keys(input)) entry.keys.add(k);
      }
      if (task.type === 'FORK_JOIN_DYNAMIC' && typeof input.forkTaskName === 'string') use(input.forkTaskName, key);
    });
  }
  return uses;
}

/** A stand-in absolute path for the output folder, deep enough for `..` paths out of it to resolve. */
const OUT = `/${'o/'.repeat(64)}out`;

/** The import specifier from one file of the output folder to another (both relative to it). */
function importPath(fromFile: string, toFile: string): string {
  const rel = posix.relative(posix.join(OUT, posix.dirname(fromFile)), posix.join(OUT, toFile));
  return rel.startsWith('.') ? rel : `./${rel}`;
}

function libraryFor(file: string, library: string): string {
  if (library.startsWith('/')) return library;
  return library.startsWith('.') ? importPath(file, library) : library;
}

function docComment(text: string): string {
  return text.replaceAll('*/', '*\\/');
}

/**
 * Imports workflow definitions (and the task definitions they use) as DSL source. Definitions are
 * first normalised as the server stores them (its defaults stripped); each task becomes the DSL
 * method that compiles back to it, or a `.raw()` escape hatch, recorded in the notes with the
 * reason. Nothing is written: the caller writes `files` (see import-command.ts for the
 * containment check).
 */
export function importDefinitions(input: ImportInput, options: ImportOptions = {}): ImportResult {
  const library = options.library ?? '@k1/workflows';
  const taskDefs = new Map<string, Json>();
  for (const { def } of input.taskDefs ?? []) taskDefs.set(String(def.name), normalizeTaskDef(def as unknown as TaskDef));
  // Keyed by name@version; a second definition of the same name and version (two files of one
  // workflow) gets a key of its own, and references to name@version go to the first one.
  const keys = new Set<string>();
  const workflows = input.workflows.map(({ source, def }) => {
    const normalized = normalizeWorkflowDef(def as unknown as WorkflowDef);
    const base = `${String(normalized.name)}@${String(normalized.version ?? 1)}`;
    let key = base;
    for (let n = 2; keys.has(key); n++) key = `${base}#${n}`;
    keys.add(key);
    return { source, def: normalized, key };
  });

  const idents = new Set<string>();
  const stems = new Set<string>();
  const latest = new Map<string, { key: string; version: number }>();
  for (const wf of workflows) {
    const version = Number(wf.def.version ?? 1);
    const seen = latest.get(String(wf.def.name));
    if (wf.key.includes('#')) continue;
    if (seen === undefined || seen.version < version) latest.set(String(wf.def.name), { key: wf.key, version });
  }
  const multiVersion = (name: string): boolean => new Set(workflows.filter((w) => w.def.name === name).map((w) => w.def.version ?? 1)).size > 1;
  const workflowInfo = new Map<string, WorkflowInfo & { file: string }>();
  for (const wf of workflows) {
    const name = String(wf.def.name);
    const label = multiVersion(name) ? `${name} v${String(wf.def.version ?? 1)}` : name;
    const schemas = workflowSchemas(wf.def, []);
    const info = { ident: identifierFor(label, idents), input: schemas.input.shape, output: schemas.output.shape, file: `workflows/${fileStemFor(label, stems)}.ts` };
    workflowInfo.set(wf.key, info);
  }
  const context = new Map<string, WorkflowInfo & { file: string }>(workflowInfo);
  for (const [name, { key }] of latest) context.set(name, workflowInfo.get(key) as WorkflowInfo & { file: string });

  const uses = taskUses(workflows);
  for (const name of taskDefs.keys()) if (!uses.has(name)) uses.set(name, { keys: new Set(), workflows: new Set() });
  const contracts = new Map<string, ContractInfo & { code: string; file: string; description: string }>();
  const taskNotes = new Map<string, readonly string[]>();
  const taskStems = new Set<string>();
  const groupFiles = new Map<string, string>();
  for (const [name, use] of [...uses].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const def = taskDefs.get(name);
    const source = contractSource(name, def, [...use.keys]);
    taskNotes.set(name, source.lost);
    const group = use.workflows.size === 1 ? (workflowInfo.get([...use.workflows][0] as string) as { file: string }).file.slice('workflows/'.length, -'.ts'.length) : use.workflows.size === 0 ? 'other' : 'shared';
    let file = groupFiles.get(group);
    if (file === undefined) groupFiles.set(group, (file = `tasks/${fileStemFor(`${group}-tasks`, taskStems)}.ts`));
    const description = typeof def?.description === 'string' && def.description !== '' ? def.description : `The ${name} worker task.`;
    contracts.set(name, { ident: identifierFor(name, idents), input: source.input, output: source.output, taskDef: def, code: source.code, file, description });
  }

  const project = new Project({ useInMemoryFileSystem: true, manipulationSettings: { indentationText: IndentationText.TwoSpaces, quoteKind: QuoteKind.Single } });
  const files = new Map<string, SourceFile>();
  const fileFor = (path: string): SourceFile => {
    let file = files.get(path);
    if (file === undefined) files.set(path, (file = project.createSourceFile(`/out/${path}`, '')));
    return file;
  };
  for (const path of groupFiles.values()) {
    fileFor(path).addImportDeclarations([
      { namedImports: ['z'], moduleSpecifier: 'zod' },
      { namedImports: ['defineTask'], moduleSpecifier: libraryFor(path, library) },
    ]);
  }
  for (const c of contracts.values()) {
    fileFor(c.file).addVariableStatement({
      isExported: true,
      declarationKind: VariableDeclarationKind.Const,
      docs: [docComment(c.description)],
      declarations: [{ name: c.ident, initializer: `defineTask(${c.code})` }],
    });
  }

  const imported: ImportedWorkflow[] = [];
  for (const wf of workflows) {
    const info = workflowInfo.get(wf.key) as WorkflowInfo & { file: string };
    const source = workflowSource(wf.def, { contracts, workflows: context });
    const file = fileFor(info.file);
    file.addImportDeclarations([
      { namedImports: ['z'], moduleSpecifier: 'zod' },
      { namedImports: ['workflow', ...(source.usesUntypedRef ? ['untypedRef'] : [])], moduleSpecifier: libraryFor(info.file, library) },
    ]);
    const byFile = new Map<string, string[]>();
    for (const name of source.contracts) {
      const c = contracts.get(name) as { ident: string; file: string };
      byFile.set(c.file, [...(byFile.get(c.file) ?? []), c.ident]);
    }
    for (const key of source.workflows) {
      const w = context.get(key) as { ident: string; file: string };
      if (w.file !== info.file) byFile.set(w.file, [...(byFile.get(w.file) ?? []), w.ident]);
    }
    for (const [path, names] of [...byFile].sort()) {
      file.addImportDeclaration({ namedImports: [...new Set(names)].sort(), moduleSpecifier: importPath(info.file, path) });
    }
    const description = typeof wf.def.description === 'string' && wf.def.description !== '' ? wf.def.description : `The ${String(wf.def.name)} workflow.`;
    file.addVariableStatement({
      isExported: true,
      declarationKind: VariableDeclarationKind.Const,
      docs: [docComment(`${description}\n\nImported from ${wf.source}.`)],
      declarations: [{ name: info.ident, initializer: source.code }],
    });
    imported.push({
      name: String(wf.def.name),
      version: Number(wf.def.version ?? 1),
      source: wf.source,
      file: info.file,
      normalized: wf.def,
      imports: [...byFile.keys()],
      taskDefs: [...source.contracts].filter((n) => taskDefs.has(n)),
      notes: source.notes,
    });
  }

  const index = fileFor('index.ts');
  for (const info of workflowInfo.values()) index.addImportDeclaration({ namedImports: [info.ident], moduleSpecifier: importPath('index.ts', info.file) });
  const unused = [...contracts].filter(([name]) => uses.get(name)?.workflows.size === 0);
  for (const [, c] of unused) index.addImportDeclaration({ namedImports: [c.ident], moduleSpecifier: importPath('index.ts', c.file) });
  index.addImportDeclaration({ namedImports: ['AnyTaskContract', 'AnyWorkflow'], isTypeOnly: true, moduleSpecifier: libraryFor('index.ts', library) });
  index.addStatements([
    `/** Every imported workflow. */\nexport const workflows: readonly AnyWorkflow[] = [${[...workflowInfo.values()].map((i) => i.ident).join(', ')}];`,
    `/** Imported task contracts no workflow uses. */\nexport const tasks: readonly AnyTaskContract[] = [${unused.map(([, c]) => c.ident).join(', ')}];`,
  ]);

  const out: ImportedFile[] = [];
  for (const [path, file] of [...files].sort(([a], [b]) => (a < b ? -1 : 1))) {
    file.formatText({ indentSize: 2, convertTabsToSpaces: true, ensureNewLineAtEndOfFile: true });
    // One blank line between top-level statements (ts-morph adds variable statements without one).
    out.push({ path, content: file.getFullText().replace(/;\n(\/\*\*)/g, ';\n\n$1') });
  }
  return { files: out, workflows: imported, taskDefs, taskNotes };
}
