import { z } from 'zod';
import { workflow } from '../../src/index.ts';
import { collectBuildLogs, cleanBuildEnv } from '../tasks/build-tasks.ts';
import { commitSha, pioEnvironment } from '../tasks/fields.ts';

/** The firmware pipeline's failureWorkflow: collect logs, tell the team, clean up. */
export const firmwareBuildFailureHandler = workflow(
  {
    name: 'firmware-build-failure-handler',
    version: 1,
    description:
      'Failure workflow of firmware-ci-cd-pipeline. Conductor starts it with the failed run\'s input plus workflowId, reason, failureStatus and failureTaskId. It collects the build logs, posts a report to the webhook the pipeline was given (optional: a missing or failing webhook does not fail the handler) and cleans the build environment.',
    input: z.object({
      workflowId: z.string().describe('The failed pipeline run'),
      reason: z.string().describe('Why it failed (reasonForIncompletion)'),
      failureStatus: z.string().describe('FAILED or TIMED_OUT'),
      failureTaskId: z.string().optional().describe('The task that failed, when there is one'),
      repo: z.string().describe('Repository of the failed run'),
      branch: z.string().describe('Branch of the failed run'),
      commit_sha: commitSha,
      environment: pioEnvironment.default('esp32-s3-devkitc-1'),
      notify_webhook_url: z.string().default('').describe('Webhook (e.g. Slack) for the failure report'),
    }),
    output: z.object({
      failed_workflow_id: z.string().describe('The failed pipeline run'),
      failed_task: z.string().describe('Reference name of the failed task'),
      notified: z.number().nullable().describe('HTTP status of the webhook answer, null when not sent'),
    }),
    timeoutSeconds: 900,
  },
  (f) =>
    f
      .task(collectBuildLogs, (s) => ({ workflow_id: s.input.workflowId, failed_task_id: s.input.failureTaskId }))
      .http(
        'notify_failure',
        (s) => ({
          uri: s.input.notify_webhook_url,
          method: 'POST',
          contentType: 'application/json',
          body: {
            text: `Firmware pipeline ${s.input.workflowId} ${s.input.failureStatus} on ${s.input.repo}@${s.input.commit_sha}: ${s.input.reason}`,
            failed_task: s.collect_build_logs.output.failed_task,
            log_excerpt: s.collect_build_logs.output.log_excerpt,
          },
        }),
        { optional: true, description: 'Posts the failure report; optional so that a missing webhook does not fail the handler.' },
      )
      .task(cleanBuildEnv, (s) => ({ environment: s.input.environment }))
      .output((s) => ({
        failed_workflow_id: s.input.workflowId,
        failed_task: s.collect_build_logs.output.failed_task,
        notified: s.notify_failure.output.response.statusCode,
      })),
);
