import { z } from 'zod';
import { defineTask } from '../project.ts';
import { buildMetrics, commitSha, pioEnvironment } from './fields.ts';

/** Checks that the commit exists on the branch before any build work starts. */
export const validateCommit = defineTask({
  name: 'validate_commit',
  description: 'Checks that the commit exists on the branch of the repository and records its metadata.',
  input: z.object({
    repo: z.string().min(1).describe('Repository, e.g. K1.node1'),
    branch: z.string().min(1).describe('Branch the commit was pushed to'),
    commit_sha: commitSha,
  }),
  output: z.object({
    commit_sha: commitSha.describe('Full commit SHA'),
    author: z.string().describe('Commit author'),
    message: z.string().describe('First line of the commit message'),
  }),
  retryCount: 2,
  timeoutSeconds: 60,
  responseTimeoutSeconds: 60,
});

/** Removes what earlier builds of this worker left behind. */
export const cleanBuildEnv = defineTask({
  name: 'clean_build_env',
  description:
    "Removes what earlier builds left on this worker: build worktrees no running build holds (a crashed worker's) and kept firmware of the environment older than a day (stored artifacts are not touched). Every build works in a fresh git worktree of its commit, so nothing of a running build, and nothing of the user's checkout, is removed.",
  input: z.object({ environment: pioEnvironment }),
  output: z.object({
    cleaned: z.boolean().describe('True when build output was removed'),
    removed_paths: z.array(z.string()).describe('Directories removed'),
  }),
  retryCount: 1,
  timeoutSeconds: 120,
  responseTimeoutSeconds: 120,
});

/** Builds the firmware with PlatformIO (`pio run -e <environment>`). */
export const platformioCompile = defineTask({
  name: 'platformio_compile',
  description:
    "Builds the firmware of a commit with PlatformIO (pio run -e <environment>) in a fresh git worktree of that commit (never the user's checkout, never shared with another build), and reports where the binary is kept and the build log.",
  input: z.object({
    repo: z.string().min(1).describe('Repository, e.g. K1.node1'),
    branch: z.string().min(1).describe('Branch being built'),
    commit_sha: commitSha,
    environment: pioEnvironment,
  }),
  output: z.object({
    success: z.boolean().describe('True when the build produced firmware.bin'),
    firmware_bin_path: z.string().describe("Path of this build's firmware.bin (kept in the worker's scratch space); empty when the build failed"),
    build_log: z.string().describe('The build log, capped at 256 KiB'),
    error_message: z.string().describe('First compiler error; empty on success'),
    metrics: buildMetrics.partial().describe('Size figures when the build printed them'),
  }),
  retryCount: 1,
  retryLogic: 'FIXED',
  retryDelaySeconds: 30,
  timeoutSeconds: 300,
  responseTimeoutSeconds: 300,
});

/** Parses flash, RAM and warning figures from a build log. */
export const extractBuildMetrics = defineTask({
  name: 'extract_build_metrics',
  description: 'Parses the RAM and Flash summary lines and counts the warnings of a PlatformIO build log.',
  input: z.object({ build_log: z.string().describe('PlatformIO build log') }),
  output: buildMetrics,
  retryCount: 0,
  timeoutSeconds: 30,
  responseTimeoutSeconds: 30,
});

/** Applies the quality gates to the build metrics. */
export const validateBuild = defineTask({
  name: 'validate_build',
  description: 'Applies the quality gates (warnings, flash and RAM use) to the build metrics and gives a pass/fail verdict.',
  input: z.object({
    build_success: z.boolean().describe('Whether the build produced firmware'),
    metrics: buildMetrics,
    max_warnings: z.number().int().nonnegative().describe('Most warnings allowed'),
    max_flash_percent: z.number().positive().describe('Flash use must stay below this percentage'),
    max_ram_percent: z.number().positive().describe('RAM use must stay below this percentage'),
  }),
  output: z.object({
    verdict: z.enum(['pass', 'fail']).describe('pass when every gate holds'),
    failed_gates: z.array(z.string()).describe('The gates that failed, e.g. "flash 72.1% >= 70%"'),
    reason: z.string().describe('One line summary of the verdict'),
  }),
  retryCount: 0,
  timeoutSeconds: 30,
  responseTimeoutSeconds: 30,
});

/** Gathers the logs of a failed build for the failure report. */
export const collectBuildLogs = defineTask({
  name: 'collect_build_logs',
  description: 'Collects the build log and the failed task of a failed pipeline run for the failure report.',
  input: z.object({
    workflow_id: z.string().min(1).describe('The failed workflow run'),
    failed_task_id: z.string().nullish().describe('The task that failed, when Conductor names one'),
  }),
  output: z.object({
    log_excerpt: z.string().describe('The last lines of the build log (at most 4 KiB)'),
    failed_task: z.string().describe('Reference name of the failed task'),
  }),
  retryCount: 1,
  timeoutSeconds: 60,
  responseTimeoutSeconds: 60,
});
