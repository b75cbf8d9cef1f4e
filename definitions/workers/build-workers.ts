import type { ConductorWorker } from '@io-orkes/conductor-javascript';
import { TerminalError, type WorkerOptions } from '../../src/worker/create-worker.ts';
import { scanBuildLog, type BuildLogFacts } from '../services/build-log.ts';
import { evaluateGates } from '../services/quality-gates.ts';
import { TailBuffer } from '../services/tail-buffer.ts';
import type { ConductorRunTask } from '../services/conductor-runs.ts';
import { recordFirmwareBuild } from './k1-metrics.ts';
import { cleanBuildEnv, collectBuildLogs, extractBuildMetrics, platformioCompile, validateBuild, validateCommit } from '../tasks/build-tasks.ts';
import { checkRepo, inBuildTree, k1Worker, resolveCommitOrFetch } from './k1-worker.ts';
import type { K1Services } from './services.ts';

/** The contract's size figures from what the log said; only the figures the log printed. */
function partialMetrics(facts: BuildLogFacts) {
  return {
    ...(facts.flash && { flash_bytes: facts.flash.usedBytes, flash_total_bytes: facts.flash.totalBytes, flash_percent: facts.flash.percent }),
    ...(facts.ram && { ram_bytes: facts.ram.usedBytes, ram_total_bytes: facts.ram.totalBytes, ram_percent: facts.ram.percent }),
    warning_count: facts.warningCount,
  };
}

/** How long a build's kept firmware outlives it before clean_build_env removes it: a day (store_artifact copies it within minutes). */
const KEEP_FIRMWARE_MS = 24 * 3600 * 1000;

const FAILED_STATUSES = new Set(['FAILED', 'FAILED_WITH_TERMINAL_ERROR', 'TIMED_OUT', 'CANCELED']);
const EXCERPT_BYTES = 4 * 1024;

/** The last 4 KiB of a text, starting on a whole line. */
function excerpt(text: string): string {
  const tail = new TailBuffer(EXCERPT_BYTES);
  tail.push(text);
  return tail.toString();
}

/** The workers of the firmware build tasks. */
export function buildWorkers(services: K1Services, options?: WorkerOptions): ConductorWorker[] {
  return [
    k1Worker(
      validateCommit,
      async (input, ctx) => {
        checkRepo(services, input.repo);
        const full = await resolveCommitOrFetch(services, input.commit_sha, input.repo);
        const tip = await services.git.resolveBranch(input.branch);
        if (tip === undefined) throw new TerminalError(`Branch ${input.branch} does not exist in ${input.repo}`);
        if (!(await services.git.isAncestor(full, tip))) throw new TerminalError(`Commit ${input.commit_sha} is not on branch ${input.branch} of ${input.repo}`);
        const info = await services.git.commitInfo(full);
        ctx.log(`${full} by ${info.author}: ${info.subject}`);
        return { commit_sha: full, author: info.author, message: info.subject };
      },
      options,
    ),

    k1Worker(
      cleanBuildEnv,
      async (input, ctx) => {
        const removedPaths =
          services.worktrees === null
            ? (await services.platformio.clean(input.environment)).removedPaths
            : [...(await services.worktrees.prune()), ...(await services.buildOutputs.prune(input.environment, KEEP_FIRMWARE_MS))];
        ctx.log(removedPaths.length > 0 ? `removed ${removedPaths.join(', ')}` : `nothing to clean for ${input.environment}`);
        return { cleaned: removedPaths.length > 0, removed_paths: removedPaths };
      },
      options,
    ),

    k1Worker(
      platformioCompile,
      async (input, ctx) => {
        checkRepo(services, input.repo);
        const full = services.worktrees === null ? input.commit_sha : await resolveCommitOrFetch(services, input.commit_sha, input.repo);
        ctx.log(`pio run -e ${input.environment} at ${full} (${input.branch})`);
        const result = await inBuildTree(services, full, async (tree) => {
          const built = await services.platformio.build(input.environment, { signal: ctx.signal, projectDir: tree.projectDir });
          // Kept outside the worktree, which goes when the build is done.
          return built.success ? { ...built, firmwareBinPath: await services.buildOutputs.keep(input.environment, full, built.firmwareBinPath) } : built;
        });
        ctx.log(result.success ? `built ${result.firmwareBinPath} in ${result.durationMs} ms` : `build failed: ${result.errorMessage}`);
        recordFirmwareBuild(result.success ? 'success' : 'failure', input.environment);
        return {
          success: result.success,
          firmware_bin_path: result.firmwareBinPath,
          build_log: result.log,
          error_message: result.errorMessage,
          metrics: partialMetrics(result.facts),
        };
      },
      options,
    ),

    k1Worker(
      extractBuildMetrics,
      async (input, ctx) => {
        const facts = scanBuildLog(input.build_log);
        // A failed build prints no size summary; zeros let validate_build report "build failed" rather than this task failing.
        if (!facts.flash || !facts.ram) ctx.log(`the log has no ${!facts.flash ? 'Flash' : 'RAM'} summary line (failed build?): reporting 0`);
        return {
          flash_bytes: facts.flash?.usedBytes ?? 0,
          flash_total_bytes: facts.flash?.totalBytes ?? 0,
          flash_percent: facts.flash?.percent ?? 0,
          ram_bytes: facts.ram?.usedBytes ?? 0,
          ram_total_bytes: facts.ram?.totalBytes ?? 0,
          ram_percent: facts.ram?.percent ?? 0,
          warning_count: facts.warningCount,
        };
      },
      options,
    ),

    k1Worker(
      validateBuild,
      async (input) => {
        const v = evaluateGates(input.build_success, input.metrics, {
          maxWarnings: input.max_warnings,
          maxFlashPercent: input.max_flash_percent,
          maxRamPercent: input.max_ram_percent,
        });
        return { verdict: v.verdict, failed_gates: v.failedGates, reason: v.reason };
      },
      options,
    ),

    k1Worker(
      collectBuildLogs,
      async (input, ctx) => {
        const run = await services.conductor.get(input.workflow_id, ctx.signal);
        const tasks: ConductorRunTask[] = run.tasks;
        const failed =
          (input.failed_task_id ? tasks.find((t) => t.taskId === input.failed_task_id) : undefined) ??
          [...tasks].reverse().find((t) => t.status !== undefined && FAILED_STATUSES.has(t.status)) ??
          tasks[tasks.length - 1];
        const compile = [...tasks].reverse().find((t) => (t.taskDefName ?? t.taskType) === platformioCompile.name && typeof t.outputData?.['build_log'] === 'string');
        const log = compile?.outputData?.['build_log'];
        const text = typeof log === 'string' && log !== '' ? log : (failed?.reasonForIncompletion ?? run.reasonForIncompletion ?? '');
        return { log_excerpt: excerpt(text), failed_task: failed?.referenceTaskName ?? input.failed_task_id ?? 'unknown' };
      },
      options,
    ),
  ];
}
