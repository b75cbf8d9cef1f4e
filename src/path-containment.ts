/**
 * Path containment with symbolic links resolved: the one check every file a task, a checkout or a
 * definition names goes through before it is read, written or run in (K1 services, `gen`).
 */
import { lstat, readlink, realpath } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';

/** Symbolic links followed while resolving one path before giving up, as Linux's ELOOP limit. */
const MAX_LINKS = 40;

/**
 * The real path of `path`: absolute, every symbolic link resolved (`fs.realpath`). A path that
 * does not exist yet resolves through its deepest existing ancestor, and a dangling link through
 * its target, so the answer is where a write to `path` would land.
 * @throws Error when more than 40 links are chained (a loop).
 */
export async function realPath(path: string): Promise<string> {
  let current = resolve(path);
  const rest: string[] = [];
  for (let links = 0; links <= MAX_LINKS; ) {
    try {
      const real = await realpath(current);
      return rest.length === 0 ? real : join(real, ...[...rest].reverse());
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw error;
    }
    const info = await lstat(current).catch(() => undefined);
    if (info?.isSymbolicLink()) {
      // A dangling link: where it points is where a write would go.
      current = resolve(dirname(current), await readlink(current));
      links++;
      continue;
    }
    const parent = dirname(current);
    if (parent === current) return join(current, ...[...rest].reverse());
    rest.push(basename(current));
    current = parent;
  }
  throw new Error(`${path}: more than ${MAX_LINKS} symbolic links in a chain (a loop?)`);
}

const below = (root: string, candidate: string): boolean => {
  const rel = relative(root, candidate);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
};

/** Thrown when a path would leave the directory it must stay in. */
export class PathEscapeError extends Error {
  readonly code = 'path_escape';
  constructor(readonly root: string, readonly path: string) {
    super(`${path} is outside ${root} (symbolic links resolved); only paths inside it are allowed`);
    this.name = 'PathEscapeError';
  }
}

/**
 * The one containment check: resolves `path` and every root to real paths ({@link realPath}: a
 * symbolic link counts where it points, not where it sits) and returns the real path of `path`
 * when it is one of the roots or lies below one. Use the returned path, not the one given.
 * @throws PathEscapeError when it lies outside every root.
 */
export async function requireInsideAny(roots: readonly string[], path: string): Promise<string> {
  const real = await realPath(path);
  for (const root of roots) if (below(await realPath(root), real)) return real;
  throw new PathEscapeError(roots.join(', '), path);
}

/** `resolve(root, ...parts)` checked by {@link requireInsideAny} against `root`; returns the real path. */
export async function joinInside(root: string, ...parts: string[]): Promise<string> {
  return requireInsideAny([root], resolve(root, ...parts)).catch((error: unknown) => {
    throw error instanceof PathEscapeError ? new PathEscapeError(root, parts.join('/')) : error;
  });
}
