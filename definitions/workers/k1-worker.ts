import type { ConductorWorker } from '@io-orkes/conductor-javascript';
import type { AnyTaskContract } from '../../src/index.ts';
import { createWorker, TerminalError, type TaskHandler, type WorkerOptions } from '../../src/worker/create-worker.ts';
import type { BuildTree } from '../services/build-worktrees.ts';
import { PathEscapeError, requireInsideAny } from '../../src/path-containment.ts';
import type { K1Services } from './services.ts';

/**
 * Error codes of the services that no retry can fix (bad input, something missing for good): the
 * task fails with FAILED_WITH_TERMINAL_ERROR instead of burning its retries.
 */
const TERMINAL_CODES = new Set([
  'invalid_environment',
  'invalid_device_address',
  'invalid_artifact_input',
  'artifact_not_found',
  'path_escape',
  'audio_input',
  'invalid_analysis_settings',
  'invalid_ref_name',
  'base_branch_not_found',
  'commit_not_found',
  'firmware_mismatch',
  'run_not_found',
  'command_not_started',
]);

/** The error to throw for `error`: a TerminalError when its code says no retry can help. */
export function classify(error: unknown): unknown {
  if (error instanceof TerminalError) return error;
  const code = (error as { code?: unknown })?.code;
  if (typeof code === 'string' && TERMINAL_CODES.has(code)) return new TerminalError((error as Error).message);
  return error;
}

/** `createWorker` with the K1 error policy: input and configuration errors are terminal. */
export function k1Worker<C extends AnyTaskContract>(contract: C, handler: TaskHandler<C>, options?: WorkerOptions): ConductorWorker {
  return createWorker(
    contract,
    async (input, context) => {
      try {
        return await handler(input, context);
      } catch (error) {
        throw classify(error);
      }
    },
    options,
  );
}

/**
 * Checks that a file a task names lies in a directory the workers may read, symbolic links
 * resolved; returns its real path. Terminal otherwise.
 */
export async function readablePath(services: K1Services, path: string, what: string): Promise<string> {
  try {
    return await requireInsideAny(services.readableDirs, path);
  } catch (error) {
    if (error instanceof PathEscapeError) throw new TerminalError(`${what} ${path} is outside the directories this worker reads (${services.readableDirs.join(', ')})`);
    throw error;
  }
}

/** Refuses a task for another repository than the one these workers build. */
export function checkRepo(services: K1Services, repo: string): void {
  if (services.repoName !== undefined && repo !== services.repoName) {
    throw new TerminalError(`This worker builds ${services.repoName}, not ${repo}; route the task to a worker of that repository`);
  }
}

/** Full SHA of a commit, fetching once from the configured remote when it is missing; terminal when still missing. */
export async function resolveCommitOrFetch(services: K1Services, commit: string, repo: string): Promise<string> {
  let full = await services.git.resolveCommit(commit);
  if (full === undefined && services.fetchRemote !== undefined) {
    await services.git.fetch(services.fetchRemote);
    full = await services.git.resolveCommit(commit);
  }
  if (full === undefined) throw new TerminalError(`Commit ${commit} is not in ${repo}${services.fetchRemote ? ` (fetched ${services.fetchRemote})` : ''}`);
  return full;
}

/** Runs `fn` in a fresh worktree of `commit`, or in the configured checkout as it is when worktrees are off. */
export function inBuildTree<T>(services: K1Services, commit: string, fn: (tree: BuildTree) => Promise<T>): Promise<T> {
  return services.worktrees === null ? fn({ repoDir: services.repoDir, projectDir: services.platformio.projectDir }) : services.worktrees.withWorktree(commit, fn);
}
