/** Writes an import's files into the output folder, never outside it. */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { ImportedFile } from './import-definitions.ts';
import { insideOut } from './names.ts';

/**
 * Writes `files` under `outDir`. Every path is checked to stay inside `outDir` before anything is
 * written (names come from definitions). An existing file is replaced only with `overwrite`.
 * @returns the absolute paths written.
 * @throws Error naming the first path outside `outDir`, or the existing files when not `overwrite`.
 */
export function writeImportedFiles(outDir: string, files: readonly ImportedFile[], overwrite = false): string[] {
  const targets = files.map((file) => ({ target: insideOut(outDir, file.path), content: file.content }));
  const existing = targets.filter((t) => existsSync(t.target)).map((t) => t.target);
  if (!overwrite && existing.length > 0) {
    throw new Error(`${existing.length} file(s) exist already (${existing.slice(0, 3).join(', ')}${existing.length > 3 ? ', ...' : ''}); choose an empty --out folder or pass --force to replace them.`);
  }
  for (const { target, content } of targets) {
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, content);
  }
  return targets.map((t) => t.target);
}
