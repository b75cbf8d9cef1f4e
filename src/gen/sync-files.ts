import { mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { joinInside } from '../path-containment.ts';
import type { GeneratedFile } from './generate.ts';

/** What happened, or would happen, to one file. */
export interface FileChange {
  readonly path: string;
  readonly change: 'added' | 'updated' | 'removed';
}

async function listFiles(root: string, dir: string): Promise<string[]> {
  const entries = await readdir(join(root, dir), { withFileTypes: true, recursive: true }).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return [];
    throw e;
  });
  return entries.filter((e) => e.isFile()).map((e) => relative(root, join(e.parentPath, e.name)).split(sep).join('/'));
}

async function readText(path: string): Promise<string | undefined> {
  return readFile(path, 'utf8').catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return undefined;
    throw e;
  });
}

/**
 * Compares `files` with what is on disk under `root`: files that differ or are missing, and files
 * in `ownedDirs` that are no longer produced. Unless `check`, makes the disk match (each write
 * atomic: a temp file renamed into place).
 * @throws PathEscapeError before anything is written when a file's path leaves `root` (symbolic
 * links resolved).
 */
export async function syncFiles(
  root: string,
  files: readonly GeneratedFile[],
  ownedDirs: readonly string[],
  options: { readonly check: boolean },
): Promise<FileChange[]> {
  for (const file of files) await joinInside(root, file.path);
  const changes: FileChange[] = [];
  for (const file of files) {
    const current = await readText(join(root, file.path));
    if (current !== file.content) changes.push({ path: file.path, change: current === undefined ? 'added' : 'updated' });
  }
  const produced = new Set(files.map((f) => f.path));
  for (const dir of ownedDirs) {
    for (const path of await listFiles(root, dir)) {
      if (!produced.has(path)) changes.push({ path, change: 'removed' });
    }
  }
  if (options.check) return changes;
  const content = new Map(files.map((f) => [f.path, f.content]));
  for (const { path, change } of changes) {
    const target = join(root, path);
    if (change === 'removed') {
      await rm(target);
      continue;
    }
    await mkdir(dirname(target), { recursive: true });
    const temp = `${target}.${process.pid}.tmp`;
    await writeFile(temp, content.get(path) as string);
    await rename(temp, target);
  }
  return changes;
}
