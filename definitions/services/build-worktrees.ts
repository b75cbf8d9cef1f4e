import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Git } from './git.ts';
import { KeyedLock } from './keyed-lock.ts';

/** Options of {@link createBuildWorktrees}. */
export interface BuildWorktreesOptions {
  /** The firmware repository (any directory inside it: the PlatformIO project may be a sub-directory). */
  readonly git: Pick<Git, 'addWorktree' | 'removeWorktree' | 'pruneWorktrees' | 'prefix'>;
  /** Where the worktrees go (this worker's scratch space, never the user's checkout). */
  readonly root: string;
}

/** A build's own working tree of one commit. */
export interface BuildTree {
  /** The worktree's root. */
  readonly repoDir: string;
  /** The PlatformIO project inside it: the same sub-directory as in the configured checkout. */
  readonly projectDir: string;
}

/** Working trees for builds: each build gets a clean tree of the commit it builds. */
export interface BuildWorktrees {
  /**
   * Runs `fn` in a fresh worktree of `commit` (a full SHA), removed afterwards whatever `fn` did:
   * concurrent builds of different commits never share files, and the user's checkout keeps its
   * branch, HEAD and files.
   */
  withWorktree<T>(commit: string, fn: (tree: BuildTree) => Promise<T>): Promise<T>;
  /** Removes worktrees no running build holds (left by a crashed worker); returns their paths. */
  prune(): Promise<string[]>;
}

/**
 * Git worktrees under `root` for builds (`git worktree add --detach`). Adding and removing
 * worktrees is serialised (git locks its worktree list); the builds themselves run in parallel.
 */
export function createBuildWorktrees(options: BuildWorktreesOptions): BuildWorktrees {
  const lock = new KeyedLock();
  const held = new Set<string>();
  const remove = (dir: string): Promise<void> =>
    lock.run('worktrees', async () => {
      await options.git.removeWorktree(dir).catch(() => rm(dir, { recursive: true, force: true }));
      await options.git.pruneWorktrees();
    });
  return {
    async withWorktree(commit, fn) {
      await mkdir(options.root, { recursive: true });
      const dir = join(options.root, `${commit.slice(0, 12)}-${randomBytes(4).toString('hex')}`);
      held.add(dir);
      try {
        await lock.run('worktrees', () => options.git.addWorktree(dir, commit));
        const prefix = await options.git.prefix();
        return await fn({ repoDir: dir, projectDir: prefix === '' ? dir : join(dir, prefix) });
      } finally {
        held.delete(dir);
        await remove(dir);
      }
    },
    async prune() {
      const names = await readdir(options.root).catch(() => [] as string[]);
      const stale = names.map((n) => join(options.root, n)).filter((dir) => !held.has(dir));
      const removed: string[] = [];
      for (const dir of stale) {
        if (!(await stat(dir).then((s) => s.isDirectory(), () => false))) continue;
        await remove(dir);
        removed.push(dir);
      }
      return removed;
    },
  };
}
