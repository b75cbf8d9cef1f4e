/**
 * Type-checks code blocks as virtual files with the TypeScript compiler API: one program over all
 * of them, with the project's tsconfig.json, so it costs one compiler start, not one per block.
 */
import { dirname, join, resolve, sep } from 'node:path';
import ts from 'typescript';
import type { CodeBlock } from './code-blocks.ts';

/** Where a block lives in the program: its `file=` path, else a made-up file beside its document. */
export function virtualPath(root: string, block: CodeBlock): string {
  if (block.file !== undefined) return resolve(root, block.file);
  return resolve(root, dirname(block.doc), `.${block.doc.replaceAll('/', '_')}.L${block.line}.ts`);
}

/** The last program, whose unchanged files (libraries, the sources) the next one reuses. */
let previous: ts.Program | undefined;

/** The compiler's errors in the blocks, as `doc:line: message` (a block's own line numbers mapped back to the document). */
export function compileBlocks(root: string, blocks: readonly CodeBlock[]): string[] {
  const configFile = join(root, 'tsconfig.json');
  const read = ts.readConfigFile(configFile, (file) => ts.sys.readFile(file));
  if (read.error !== undefined) throw new Error(ts.flattenDiagnosticMessageText(read.error.messageText, '\n'));
  const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, root, { noEmit: true, moduleDetection: ts.ModuleDetectionKind.Force }, configFile);
  const files = new Map(blocks.map((block) => [virtualPath(root, block), block]));
  const host = ts.createCompilerHost(parsed.options);
  const { fileExists, readFile, getSourceFile } = host;
  host.fileExists = (file) => files.has(resolve(file)) || fileExists.call(host, file);
  host.readFile = (file) => files.get(resolve(file))?.code ?? readFile.call(host, file);
  // Blocks of one page may import each other (`file=` paths): their folders exist only here.
  const folders = new Set([...files.keys()].flatMap((file) => file.split(sep).map((_, i, parts) => parts.slice(0, i).join(sep))));
  const { directoryExists } = host;
  host.directoryExists = (dir) => folders.has(resolve(dir)) || (directoryExists?.call(host, dir) ?? true);
  host.getSourceFile = (file, language, onError, create) => {
    const block = files.get(resolve(file));
    return block === undefined ? getSourceFile.call(host, file, language, onError, create) : ts.createSourceFile(file, block.code, language, true);
  };
  const program = ts.createProgram({ rootNames: [...files.keys()], options: parsed.options, host, oldProgram: previous });
  previous = program;
  const errors: string[] = [];
  for (const [file, block] of files) {
    const source = program.getSourceFile(file);
    if (source === undefined) throw new Error(`${block.doc}:${block.line}: the compiler did not read the block.`);
    for (const d of [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)]) {
      const { line } = source.getLineAndCharacterOfPosition(d.start ?? 0);
      errors.push(`${block.doc}:${block.line + 1 + line}: TS${d.code} ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
    }
  }
  return errors;
}
