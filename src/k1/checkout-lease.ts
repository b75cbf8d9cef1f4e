import type { Git } from './git.ts';

/** The commit a build asked for is not in the repository. */
export class CommitNotFoundError extends Error {
  readonly code = 'commit_not_found';
  constructor(readonly commit: string) {
    super(`Commit ${commit} is not in the repository; push it, or fetch it into the build checkout`);
    this.name = 'CommitNotFoundError';
  }
}

/** The build checkout has local changes, so switching commits would mix them into the build. */
export class DirtyCheckoutError extends Error {
  readonly code = 'dirty_checkout';
  constructor(readonly dir: string) {
    super(`The build checkout ${dir} has local changes to tracked files; commit or discard them before builds can switch commits`);
    this.name = 'DirtyCheckoutError';
  }
}

/**
 * Shares one checkout among concurrent builds: builds of the same commit run together (e.g. the
 * firmware environments and the web app of a release); a build of another commit waits until they
 * are done, then the checkout moves to its commit.
 */
export class CheckoutLease {
  #current: string | undefined;
  #holders = 0;
  #waiters: (() => void)[] = [];
  #acquiring: Promise<void> = Promise.resolve();

  constructor(private readonly git: Pick<Git, 'resolveCommit' | 'head' | 'isClean' | 'checkout' | 'repoDir'>) {}

  /** Runs `fn` while the checkout is at `commit` (a full or abbreviated SHA); returns what it returns. */
  async withCommit<T>(commit: string, fn: (fullSha: string) => Promise<T>): Promise<T> {
    const full = await this.#acquire(commit);
    try {
      return await fn(full);
    } finally {
      this.#holders -= 1;
      if (this.#holders === 0) this.#waiters.splice(0).forEach((wake) => wake());
    }
  }

  async #acquire(commit: string): Promise<string> {
    // One acquisition at a time: checking the state and moving the checkout must not interleave.
    const turn = this.#acquiring.then(async () => {
      const full = await this.git.resolveCommit(commit);
      if (full === undefined) throw new CommitNotFoundError(commit);
      for (;;) {
        if (this.#holders > 0 && this.#current === full) break;
        if (this.#holders === 0) {
          if ((await this.git.head()) !== full) {
            if (!(await this.git.isClean())) throw new DirtyCheckoutError(this.git.repoDir);
            await this.git.checkout(full);
          }
          this.#current = full;
          break;
        }
        await new Promise<void>((wake) => this.#waiters.push(wake));
      }
      this.#holders += 1;
      return full;
    });
    this.#acquiring = turn.then(
      () => undefined,
      () => undefined,
    );
    return turn;
  }
}
