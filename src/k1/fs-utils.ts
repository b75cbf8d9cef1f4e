import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';

/** True when `candidate` (resolved) is `root` itself or lies below it. */
export function isInside(root: string, candidate: string): boolean {
  const rel = relative(resolve(root), resolve(candidate));
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/** Thrown when a path would leave the directory it must stay in. */
export class PathEscapeError extends Error {
  readonly code = 'path_escape';
  constructor(readonly root: string, readonly path: string) {
    super(`${path} is outside ${root}; only paths inside it are allowed`);
    this.name = 'PathEscapeError';
  }
}

/** `join(root, ...parts)`, refused (PathEscapeError) when the result is not inside `root`. */
export function joinInside(root: string, ...parts: string[]): string {
  const path = resolve(root, ...parts);
  if (!isInside(root, path)) throw new PathEscapeError(root, join(...parts));
  return path;
}

/** Resolves `path` and checks it lies inside one of `roots`; throws PathEscapeError otherwise. */
export function requireInsideAny(roots: readonly string[], path: string): string {
  const resolved = resolve(path);
  if (!roots.some((root) => isInside(root, resolved))) throw new PathEscapeError(roots.join(', '), path);
  return resolved;
}

/** Writes a file atomically: a temp file beside it, then rename, so readers never see half a file. */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await writeFile(temp, data);
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/** JSON with two-space indent and a final newline, written atomically. */
export async function writeJsonAtomic(path: string, value: unknown): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`);
}
