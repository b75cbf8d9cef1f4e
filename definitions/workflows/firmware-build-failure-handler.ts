import { z } from 'zod';
import { workflow } from '../project.ts';
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
    // What conductor-oss passes it: the failed run's input plus workflowId, reason, failureStatus,
    // failureTaskId (and failedWorkflow, the whole run, which the handler does not read).
    example: {
      workflowId: '5d1c7a52-8a43-4b0e-9f51-0b6f6f4c2e11',
      reason: 'Quality gates failed for a3f9c2e17b4d5e6f8091a2b3c4d5e6f708192a3b: 1 gate failed: warnings 3 > 0',
      failureStatus: 'FAILED',
      failureTaskId: 'c0ffee00-1111-4222-8333-944455556666',
      repo: 'K1.node1',
      branch: 'main',
      commit_sha: 'a3f9c2e17b4d5e6f8091a2b3c4d5e6f708192a3b',
      environment: 'esp32-s3-devkitc-1',
      notify_webhook_url: 'https://hooks.slack.com/services/T000/B000/XXXX',
    },
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
