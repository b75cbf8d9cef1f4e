import { describe, expect, it } from 'vitest';
import { firmwareBuildFailureHandler, workflows } from '../../definitions/index.ts';
import { isFresh, outline, readTaskDef, readWorkflow, retrySettings, task } from './helpers.ts';

const def = readWorkflow('firmware-build-failure-handler');

describe('firmware-build-failure-handler v1 (generated JSON)', () => {
  it('is what the definition compiles to (gen is up to date), and is listed with the workflows', () => {
    expect(isFresh(firmwareBuildFailureHandler)).toBe(true);
    expect(workflows).toContain(firmwareBuildFailureHandler);
  });

  it('collects the logs, posts the report, cleans up', () => {
    expect(outline(def.tasks)).toEqual(['collect_build_logs:SIMPLE', 'notify_failure:HTTP', 'clean_build_env:SIMPLE']);
    expect(task(def, 'collect_build_logs').inputParameters).toEqual({
      workflow_id: '${workflow.input.workflowId}',
      failed_task_id: '${workflow.input.failureTaskId}',
    });
  });

  it('posts to the webhook as an optional HTTP task, so a missing webhook does not fail the handler', () => {
    const post = task(def, 'notify_failure');
    expect(post.optional).toBe(true);
    expect(post.inputParameters).toEqual({
      http_request: {
        uri: '${workflow.input.notify_webhook_url}',
        method: 'POST',
        contentType: 'application/json',
        body: {
          text: 'Firmware pipeline ${workflow.input.workflowId} ${workflow.input.failureStatus} on ${workflow.input.repo}@${workflow.input.commit_sha}: ${workflow.input.reason}',
          failed_task: '${collect_build_logs.output.failed_task}',
          log_excerpt: '${collect_build_logs.output.log_excerpt}',
        },
      },
    });
  });

  it('takes the input Conductor gives a failure workflow (the failed run\'s input plus workflowId, reason, failureStatus, failureTaskId)', () => {
    expect(def.inputParameters).toEqual([
      'workflowId',
      'reason',
      'failureStatus',
      'failureTaskId',
      'repo',
      'branch',
      'commit_sha',
      'environment',
      'notify_webhook_url',
    ]);
    const pipeline = readWorkflow('firmware-ci-cd-pipeline');
    expect(pipeline.failureWorkflow).toBe(def.name);
    // Every input the handler reads from the failed run is an input of the pipeline.
    for (const key of ['repo', 'branch', 'commit_sha', 'environment', 'notify_webhook_url']) expect(pipeline.inputParameters).toContain(key);
  });

  it('has no failure workflow of its own, a 15 min timeout and the same defaults as the pipeline', () => {
    expect(def.failureWorkflow).toBeUndefined();
    expect(def.timeoutSeconds).toBe(900);
    expect(def.inputTemplate).toEqual({ environment: 'esp32-s3-devkitc-1', notify_webhook_url: '' });
    expect(def.outputParameters).toEqual({
      failed_workflow_id: '${workflow.input.workflowId}',
      failed_task: '${collect_build_logs.output.failed_task}',
      notified: '${notify_failure.output.response.statusCode}',
    });
  });

  it('uses the retry settings of its tasks', () => {
    expect(retrySettings(readTaskDef('collect_build_logs'))).toEqual({
      retryCount: 1,
      retryLogic: 'EXPONENTIAL_BACKOFF',
      retryDelaySeconds: 10,
      timeoutSeconds: 60,
      responseTimeoutSeconds: 60,
    });
    expect(retrySettings(readTaskDef('clean_build_env'))).toEqual({
      retryCount: 1,
      retryLogic: 'EXPONENTIAL_BACKOFF',
      retryDelaySeconds: 10,
      timeoutSeconds: 120,
      responseTimeoutSeconds: 120,
    });
  });
});
