import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runProcess, type RunProcessResult } from './run-process.ts';

/** A git command that failed. */
export class GitError extends Error {
  readonly code = 'git_failed';
  constructor(readonly args: readonly string[], readonly result: RunProcessResult) {
    const detail = (result.stderr.trim() || result.stdout.trim()).split('\n').slice(-3).join(' / ');
    super(`git ${args.join(' ')} failed${result.timedOut ? ' (timed out)' : ` with code ${result.exitCode}`}${detail ? `: ${detail}` : ''}`);
    this.name = 'GitError';
  }
}

/** A branch or ref name git would not accept, or one that could be read as an option. */
export class InvalidRefNameError extends Error {
  readonly code = 'invalid_ref_name';
  constructor(readonly ref: string) {
    super(`Invalid branch name ${JSON.stringify(ref)}: letters, digits, "/", ".", "_" and "-", not starting with "-" (e.g. main or patterns/spectrum_bars)`);
    this.name = 'InvalidRefNameError';
  }
}

const BRANCH = /^(?!-)(?!.*\.\.)(?!.*\/\/)(?!.*\.lock$)(?!.*\/$)(?!\/)[A-Za-z0-9._/-]{1,200}$/;
const SHA = /^[0-9a-f]{7,64}$/i;

/** Throws {@link InvalidRefNameError} unless `name` is a plain branch name. */
export function assertBranchName(name: string): void {
  if (typeof name !== 'string' || !BRANCH.test(name)) throw new InvalidRefNameError(String(name));
}

/** Commit metadata. */
export interface CommitInfo {
  readonly sha: string;
  readonly author: string;
  readonly subject: string;
}

/** One file of a commit made without a working tree. */
export interface CommitFile {
  /** Path in the repository, `/`-separated. */
  readonly path: string;
  readonly content: string;
}

/** Options of {@link createGit}. */
export interface GitOptions {
  /** A directory inside the repository (the PlatformIO project may be a sub-directory). */
  readonly repoDir: string;
  /** The git executable. @default 'git' */
  readonly gitPath?: string;
  /** Per command, ms. @default 60000 */
  readonly timeoutMs?: number;
  /** Who commits generated code. @default K1 workflows <build-system@k1.reinvented> */
  readonly identity?: { readonly name: string; readonly email: string };
}

/** The git operations the K1 workers need; every one runs git with an argument array. */
export interface Git {
  readonly repoDir: string;
  /** Full SHA of `rev` as a commit, or undefined when there is none. */
  resolveCommit(rev: string): Promise<string | undefined>;
  /** Full SHA of a branch tip: `refs/heads/<b>`, else `refs/remotes/origin/<b>`; undefined when neither exists. */
  resolveBranch(branch: string): Promise<string | undefined>;
  /** True when `commit` is `ref` or one of its ancestors. */
  isAncestor(commit: string, ref: string): Promise<boolean>;
  commitInfo(commit: string): Promise<CommitInfo>;
  /**
   * `git worktree add --detach <dir> <sha>`: a new working tree of the commit in `dir` (which
   * must not exist), sharing this repository's objects; the user's checkout is not touched.
   */
  addWorktree(dir: string, sha: string): Promise<void>;
  /** `git worktree remove --force <dir>`: deletes a worktree made by {@link addWorktree}. */
  removeWorktree(dir: string): Promise<void>;
  /** `git worktree prune`: forgets worktrees whose directories are gone. */
  pruneWorktrees(): Promise<void>;
  /** Path of `repoDir` relative to the repository root, `/`-terminated, or '' at the root. */
  prefix(): Promise<string>;
  /** The tree of a commit. */
  treeOf(commit: string): Promise<string>;
  /** The parents of a commit. */
  parentsOf(commit: string): Promise<string[]>;
  /**
   * Commits `files` on top of `parent` without touching the working tree or the index (a
   * temporary index), and returns the new commit's SHA.
   */
  commitFiles(parent: string, files: readonly CommitFile[], message: string): Promise<{ commit: string; tree: string }>;
  /** Points `refs/heads/<branch>` at `sha` (creating or moving it). */
  setBranch(branch: string, sha: string): Promise<void>;
  /** `git fetch <remote>`. */
  fetch(remote: string): Promise<void>;
  /** `git push --force <remote> <sha>:refs/heads/<branch>`. */
  push(remote: string, sha: string, branch: string): Promise<void>;
}

/**
 * git, run with argument arrays (never a shell) in the repository directory. Revisions from
 * task input are checked (hex SHAs, plain branch names) and passed after `--end-of-options`, so a
 * value can never be read as an option.
 */
export function createGit(options: GitOptions): Git {
  const gitPath = options.gitPath ?? 'git';
  const timeoutMs = options.timeoutMs ?? 60_000;
  const identity = options.identity ?? { name: 'K1 workflows', email: 'build-system@k1.reinvented' };
  const identityEnv = {
    GIT_AUTHOR_NAME: identity.name,
    GIT_AUTHOR_EMAIL: identity.email,
    GIT_COMMITTER_NAME: identity.name,
    GIT_COMMITTER_EMAIL: identity.email,
    GIT_TERMINAL_PROMPT: '0',
  };

  async function git(args: readonly string[], extra: { env?: Record<string, string>; input?: string; allowFailure?: boolean } = {}): Promise<RunProcessResult> {
    const result = await runProcess(gitPath, args, {
      cwd: options.repoDir,
      timeoutMs,
      env: { ...identityEnv, ...extra.env },
      maxOutputBytes: 1024 * 1024,
      ...(extra.input !== undefined && { input: extra.input }),
    });
    if (result.exitCode !== 0 && !extra.allowFailure) throw new GitError(args, result);
    return result;
  }
  const out = async (args: readonly string[], extra?: { env?: Record<string, string>; input?: string }): Promise<string> => (await git(args, extra)).stdout.trim();
  const assertSha = (sha: string): void => {
    if (!SHA.test(sha)) throw new GitError([sha], { exitCode: 1, exitSignal: null, timedOut: false, aborted: false, output: '', stdout: '', stderr: `${JSON.stringify(sha)} is not a commit SHA`, durationMs: 0 });
  };

  async function resolveCommit(rev: string): Promise<string | undefined> {
    const r = await git(['rev-parse', '--verify', '--quiet', '--end-of-options', `${rev}^{commit}`], { allowFailure: true });
    return r.exitCode === 0 ? r.stdout.trim() : undefined;
  }

  return {
    repoDir: options.repoDir,
    async resolveCommit(rev) {
      if (!SHA.test(rev)) assertBranchName(rev);
      return resolveCommit(rev);
    },
    async resolveBranch(branch) {
      assertBranchName(branch);
      return (await resolveCommit(`refs/heads/${branch}`)) ?? (await resolveCommit(`refs/remotes/origin/${branch}`));
    },
    async isAncestor(commit, ref) {
      assertSha(commit);
      assertSha(ref);
      const r = await git(['merge-base', '--is-ancestor', '--end-of-options', commit, ref], { allowFailure: true });
      if (r.exitCode === 0) return true;
      if (r.exitCode === 1) return false;
      throw new GitError(['merge-base', '--is-ancestor', commit, ref], r);
    },
    async commitInfo(commit) {
      assertSha(commit);
      const text = await out(['log', '-1', '--format=%H%x00%an%x00%s', '--end-of-options', commit]);
      const [sha = '', author = '', subject = ''] = text.split('\0');
      return { sha, author, subject };
    },
    async addWorktree(dir, sha) {
      assertSha(sha);
      await git(['worktree', 'add', '--detach', '--quiet', '--end-of-options', dir, sha]);
    },
    async removeWorktree(dir) {
      await git(['worktree', 'remove', '--force', '--end-of-options', dir]);
    },
    async pruneWorktrees() {
      await git(['worktree', 'prune']);
    },
    prefix: () => out(['rev-parse', '--show-prefix']),
    async treeOf(commit) {
      assertSha(commit);
      return out(['rev-parse', '--verify', '--end-of-options', `${commit}^{tree}`]);
    },
    async parentsOf(commit) {
      assertSha(commit);
      const line = await out(['rev-list', '--parents', '-n', '1', '--end-of-options', commit]);
      return line.split(' ').slice(1).filter((s) => s !== '');
    },
    async commitFiles(parent, files, message) {
      assertSha(parent);
      const dir = await mkdtemp(join(tmpdir(), 'k1-git-index-'));
      const env = { GIT_INDEX_FILE: join(dir, 'index') };
      try {
        await git(['read-tree', '--end-of-options', parent], { env });
        for (const file of files) {
          if (file.path.startsWith('/') || file.path.split('/').some((p) => p === '..' || p === '.' || p === '' || p === '.git')) {
            throw new Error(`Refusing to commit ${JSON.stringify(file.path)}: not a plain path inside the repository`);
          }
          const blob = await out(['hash-object', '-w', '--stdin'], { input: file.content });
          await git(['update-index', '--add', '--cacheinfo', `100644,${blob},${file.path}`], { env });
        }
        const tree = await out(['write-tree'], { env });
        const commit = await out(['commit-tree', tree, '-p', parent, '-F', '-'], { input: message });
        return { commit, tree };
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
    async setBranch(branch, sha) {
      assertBranchName(branch);
      assertSha(sha);
      await git(['update-ref', '-m', 'k1-workflows: generated pattern', `refs/heads/${branch}`, sha]);
    },
    async fetch(remote) {
      assertBranchName(remote);
      await git(['fetch', '--quiet', '--end-of-options', remote]);
    },
    async push(remote, sha, branch) {
      assertBranchName(remote);
      assertBranchName(branch);
      assertSha(sha);
      await git(['push', '--quiet', '--force', '--end-of-options', remote, `${sha}:refs/heads/${branch}`]);
    },
  };
}
