/**
 * `gen`'s type check: the definitions module and the files of its folder that it imports, checked
 * with the TypeScript compiler API, so that a definition `tsc` refuses is never generated. It is
 * incremental: the compiler's build info (`.tsbuildinfo`) and a stamp of the files a clean check
 * read are kept outside the project's tracked files (`node_modules/.cache/k1-workflows/typecheck/`,
 * or `.tmp/typecheck/` without a node_modules folder). A run where none of those files changed
 * since the last clean check reads only their sizes and times; a run after an edit re-checks what
 * the edit affects; in one process (tests, watch loops) the last program is reused as well.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import type * as TS from 'typescript';

/** Where and how to check. */
export interface TypecheckOptions {
  /** The project root: paths in messages are relative to it, and the cache lives under it. */
  readonly root: string;
  /** The definitions module gen loads (`definitions/index.ts`). */
  readonly definitions: string;
  /** Where the build info and the stamp go. @default `<root>/node_modules/.cache/k1-workflows/typecheck`, or `<root>/.tmp/typecheck` */
  readonly cacheDir?: string;
}

/** What the check found. */
export interface TypecheckResult {
  /** Each error as `file:line:column error TSnnnn: message`, followed by the source line and a caret. */
  readonly errors: readonly string[];
  /** How the result was reached: nothing changed since the last clean check, or the compiler ran (re-checking what changed). */
  readonly mode: 'up to date' | 'checked';
  /** Source files the program holds (libraries included). */
  readonly files: number;
  /** Wall time, in ms. */
  readonly ms: number;
}

/** Options used when the project has no tsconfig.json: the library's own (Node ESM, strict). */
const DEFAULT_OPTIONS = {
  target: 'ES2022',
  module: 'NodeNext',
  moduleResolution: 'NodeNext',
  strict: true,
  skipLibCheck: true,
  allowImportingTsExtensions: true,
  verbatimModuleSyntax: true,
  resolveJsonModule: true,
};

/** The last program of each cache key, reused by the next check in this process. */
const lastPrograms = new Map<string, TS.EmitAndSemanticDiagnosticsBuilderProgram>();

interface Stamp {
  readonly key: string;
  /** The definitions module checked. */
  readonly definitions: string;
  readonly files: Readonly<Record<string, string>>;
}

async function loadTypescript(): Promise<typeof TS> {
  try {
    const mod = (await import('typescript')) as unknown as { default?: typeof TS };
    return mod.default ?? (mod as unknown as typeof TS);
  } catch {
    throw new Error('gen type-checks the definitions with the TypeScript compiler, which is not installed here. Install it (npm install --save-dev typescript), or pass --no-typecheck if you run tsc yourself.');
  }
}

/** The nearest tsconfig.json at or above `from` (as `tsc` looks for it), found without loading the compiler. */
function findConfig(from: string): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    const file = join(dir, 'tsconfig.json');
    if (existsSync(file)) return file;
    if (dirname(dir) === dir) return undefined;
  }
}

/** The compiler options of `configFile` (or the defaults), and the config files they were read from. */
function compilerOptions(ts: typeof TS, configFile: string | undefined, from: string): { options: TS.CompilerOptions; errors: readonly TS.Diagnostic[]; configFiles: readonly string[] } {
  if (configFile === undefined) {
    const { options, errors } = ts.convertCompilerOptionsFromJson(DEFAULT_OPTIONS, from);
    return { options, errors, configFiles: [] };
  }
  const read = ts.readJsonConfigFile(configFile, (file) => ts.sys.readFile(file));
  // Only the compiler options count: the files checked are the definitions, not the config's `include`.
  const parsed = ts.parseJsonSourceFileConfigFileContent(read, ts.sys, dirname(configFile), { noEmit: true }, configFile);
  const errors = parsed.errors.filter((e) => e.code !== 18002 && e.code !== 18003);
  return { options: parsed.options, errors, configFiles: [configFile, ...(read.extendedSourceFiles ?? [])] };
}

/** A file's size and modification time: what the up-to-date check compares. */
function fingerprint(file: string): string | undefined {
  try {
    const stat = statSync(file);
    return `${stat.size}:${stat.mtimeMs}`;
  } catch {
    return undefined;
  }
}

function readStamp(file: string): Stamp | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Stamp;
  } catch {
    return undefined;
  }
}

function upToDate(stamp: Stamp | undefined, key: string, definitions: string): boolean {
  if (stamp === undefined || stamp.key !== key || stamp.definitions !== definitions) return false;
  return Object.entries(stamp.files).every(([file, print]) => fingerprint(file) === print);
}

/** `file:line:col error TSnnnn: message`, the source line and a caret under the error. */
function format(ts: typeof TS, diagnostic: TS.Diagnostic, root: string): string {
  const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n  ');
  if (diagnostic.file === undefined || diagnostic.start === undefined) return `error TS${diagnostic.code}: ${message}`;
  const { line, character } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
  const lineStart = diagnostic.file.getPositionOfLineAndCharacter(line, 0);
  const source = diagnostic.file.text.slice(lineStart).split(/\r?\n/)[0] ?? '';
  const width = Math.max(1, Math.min(diagnostic.length ?? 1, source.length - character));
  const where = relative(root, diagnostic.file.fileName).split(sep).join('/');
  return `${where}:${line + 1}:${character + 1} error TS${diagnostic.code}: ${message}\n    ${source}\n    ${' '.repeat(character)}${'~'.repeat(width)}`;
}

/**
 * Type-checks a definitions module with the project's compiler options (its nearest
 * tsconfig.json, else strict Node ESM defaults) and returns the errors in the definitions' folder.
 * Throws when TypeScript is not installed, saying to install it or pass `--no-typecheck`.
 * @example const { errors } = await typecheckDefinitions({ root, definitions: join(root, 'definitions/index.ts') });
 */
export async function typecheckDefinitions(options: TypecheckOptions): Promise<TypecheckResult> {
  const started = performance.now();
  const root = resolve(options.root);
  const definitions = resolve(options.definitions);
  const folder = dirname(definitions);
  const cacheDir = options.cacheDir ?? (existsSync(join(root, 'node_modules')) ? join(root, 'node_modules', '.cache', 'k1-workflows', 'typecheck') : join(root, '.tmp', 'typecheck'));
  const configFile = findConfig(folder);
  // One build info per definitions folder and config. The stamp lists the config files and every
  // source file with their sizes and times: a TypeScript upgrade changes its lib files, an edit the
  // file edited. Checking it needs no compiler.
  const key = createHash('sha256').update(JSON.stringify([folder, configFile ?? DEFAULT_OPTIONS])).digest('hex').slice(0, 16);
  const stampFile = join(cacheDir, `${key}.stamp.json`);
  const stamp = readStamp(stampFile);
  if (upToDate(stamp, key, definitions)) return { errors: [], mode: 'up to date', files: Object.keys(stamp?.files ?? {}).length, ms: performance.now() - started };
  const ts = await loadTypescript();
  const config = compilerOptions(ts, configFile, folder);
  mkdirSync(cacheDir, { recursive: true });
  const compile: TS.CompilerOptions = { ...config.options, noEmit: true, incremental: true, composite: false, declaration: false, tsBuildInfoFile: join(cacheDir, `${key}.tsbuildinfo`) };
  const host = ts.createIncrementalCompilerHost(compile);
  const previous = lastPrograms.get(key) ?? ts.readBuilderProgram(compile, host);
  const program = ts.createEmitAndSemanticDiagnosticsBuilderProgram([definitions], compile, host, previous);
  lastPrograms.set(key, program);
  // TypeScript writes file names with forward slashes on every platform.
  const inFolder = program.getSourceFiles().filter((file) => resolve(file.fileName).startsWith(folder + sep) && !file.fileName.includes('/node_modules/'));
  const diagnostics = [
    ...config.errors,
    ...program.getOptionsDiagnostics(),
    ...program.getGlobalDiagnostics(),
    ...inFolder.flatMap((file) => [...program.getSyntacticDiagnostics(file), ...program.getSemanticDiagnostics(file)]),
  ].filter((d) => d.category === ts.DiagnosticCategory.Error);
  program.emit();
  const files = [...config.configFiles, ...program.getSourceFiles().map((file) => resolve(file.fileName))];
  if (diagnostics.length === 0) {
    const prints = Object.fromEntries(files.flatMap((file) => {
      const print = fingerprint(file);
      return print === undefined ? [] : [[file, print]];
    }));
    writeFileSync(stampFile, JSON.stringify({ key, definitions, files: prints } satisfies Stamp));
  }
  return { errors: diagnostics.map((d) => format(ts, d, root)), mode: 'checked', files: program.getSourceFiles().length, ms: performance.now() - started };
}
