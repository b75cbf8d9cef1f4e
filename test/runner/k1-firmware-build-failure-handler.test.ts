/**
 * firmware-build-failure-handler, started on its own (as Conductor starts it for a failed pipeline
 * run) from its generated JSON: the webhook HTTP task mocked, and against a real webhook server.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadGenerated, run, type Registry, type TaskMocks } from '../../src/testing.ts';
import { COMMIT, ENVIRONMENT, REPO, WEBHOOK, buildEnvCleaned, failureHandlerInput, logsCollected, webhookAnswered } from './k1-fixtures.ts';

let registry: Registry;
beforeAll(async () => {
  registry = await loadGenerated();
});

const mocks = (over: TaskMocks = {}): TaskMocks => ({
  collect_build_logs: [logsCollected('stop_on_failed_gate')],
  notify_failure: [webhookAnswered(200)],
  clean_build_env: [buildEnvCleaned()],
  ...over,
});

const input = failureHandlerInput();
const reportText = (wfInput: Record<string, unknown>) =>
  `Firmware pipeline ${String(wfInput['workflowId'])} FAILED on ${REPO}@${COMMIT}: ${String(wfInput['reason'])}`;

describe('firmware-build-failure-handler (generated JSON, local runner)', () => {
  it('collects the logs, posts the report to the webhook, cleans the build environment: COMPLETED', async () => {
    const result = await run('firmware-build-failure-handler', input, { registry, mocks: mocks() });

    expect(result.status).toBe('COMPLETED');
    expect(result.taskRefs).toEqual(['collect_build_logs', 'notify_failure', 'clean_build_env']);
    expect(result.tasks.map((t) => t.status)).toEqual(['COMPLETED', 'COMPLETED', 'COMPLETED']);
    expect(result.task('collect_build_logs')?.inputData).toEqual({ workflow_id: input['workflowId'], failed_task_id: input['failureTaskId'] });
    expect(result.task('notify_failure')?.inputData).toEqual({
      http_request: {
        uri: WEBHOOK,
        method: 'POST',
        contentType: 'application/json',
        body: { text: reportText(input), failed_task: 'stop_on_failed_gate', log_excerpt: logsCollected('x').output.log_excerpt },
      },
      // Written by conductor-oss 3.32.3's HTTPTaskMapper.
      asyncComplete: false,
    });
    expect(result.task('clean_build_env')?.inputData).toEqual({ environment: ENVIRONMENT });
    expect(result.output).toEqual({ failed_workflow_id: input['workflowId'], failed_task: 'stop_on_failed_gate', notified: 200 });
  });

  it('the webhook answers 503: the optional HTTP task ends COMPLETED_WITH_ERRORS (no retry) and the handler still COMPLETES', async () => {
    const result = await run('firmware-build-failure-handler', input, { registry, mocks: mocks({ notify_failure: [webhookAnswered(503)] }) });

    expect(result.status).toBe('COMPLETED');
    expect(result.taskRefs).toEqual(['collect_build_logs', 'notify_failure', 'clean_build_env']);
    expect(result.task('notify_failure')?.status).toBe('COMPLETED_WITH_ERRORS');
    expect(result.attempts('notify_failure')).toHaveLength(1);
    expect(result.task('clean_build_env')?.status).toBe('COMPLETED');
    expect(result.output).toEqual({ failed_workflow_id: input['workflowId'], failed_task: 'stop_on_failed_gate', notified: 503 });
  });

  it('the webhook cannot be reached (no response): notified is null, the handler COMPLETES', async () => {
    const result = await run('firmware-build-failure-handler', input, { registry, mocks: mocks({ notify_failure: [{ status: 'FAILED', output: {} }] }) });
    expect(result.status).toBe('COMPLETED');
    expect(result.task('notify_failure')?.status).toBe('COMPLETED_WITH_ERRORS');
    expect(result.output).toEqual({ failed_workflow_id: input['workflowId'], failed_task: 'stop_on_failed_gate', notified: null });
  });

  it('a failure without a failed task (a pipeline timeout) passes failureTaskId null to collect_build_logs', async () => {
    const timedOut = failureHandlerInput({ failureStatus: 'TIMED_OUT', failureTaskId: null, reason: 'Workflow timed out after 1800 seconds. Timeout configured as 1800 seconds. Timeout policy configured to TIME_OUT_WF' });
    const result = await run('firmware-build-failure-handler', timedOut, { registry, mocks: mocks() });
    expect(result.status).toBe('COMPLETED');
    expect(result.task('collect_build_logs')?.inputData).toEqual({ workflow_id: timedOut['workflowId'], failed_task_id: null });
    expect(result.task('notify_failure')?.inputData).toMatchObject({ http_request: { body: { text: expect.stringContaining(' TIMED_OUT on K1.node1@') } } });
  });

  describe('against a real webhook on 127.0.0.1 (notify_failure not mocked)', () => {
    let server: Server;
    let url = '';
    let answer = 200;
    const received: { method: string | undefined; contentType: string | undefined; body: unknown }[] = [];
    const readBody = async (req: IncomingMessage): Promise<string> => {
      let text = '';
      for await (const chunk of req) text += String(chunk);
      return text;
    };

    beforeAll(async () => {
      server = createServer((req, res) => {
        void readBody(req).then((text) => {
          received.push({ method: req.method, contentType: req.headers['content-type'], body: JSON.parse(text) as unknown });
          res.writeHead(answer, { 'content-type': 'text/plain' }).end(answer === 200 ? 'ok' : 'no_service');
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/build`;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it('POSTs the failure report as JSON and reports the status code', async () => {
      answer = 200;
      received.length = 0;
      const wfInput = failureHandlerInput({ notify_webhook_url: url });
      const result = await run('firmware-build-failure-handler', wfInput, { registry, mocks: mocks({ notify_failure: [] }) });

      expect(result.status).toBe('COMPLETED');
      expect(received).toEqual([
        {
          method: 'POST',
          contentType: 'application/json',
          body: { text: reportText(wfInput), failed_task: 'stop_on_failed_gate', log_excerpt: logsCollected('x').output.log_excerpt },
        },
      ]);
      expect(result.task('notify_failure')?.outputData).toMatchObject({ response: { statusCode: 200, body: 'ok' } });
      expect(result.output).toMatchObject({ notified: 200 });
    });

    it('a webhook answering 503 does not fail the handler', async () => {
      answer = 503;
      received.length = 0;
      const result = await run('firmware-build-failure-handler', failureHandlerInput({ notify_webhook_url: url }), { registry, mocks: mocks({ notify_failure: [] }) });

      expect(received).toHaveLength(1);
      expect(result.status).toBe('COMPLETED');
      expect(result.task('notify_failure')?.status).toBe('COMPLETED_WITH_ERRORS');
      // conductor-oss 3.32.3's wording (HttpTask, Spring's RestTemplate).
      expect(result.task('notify_failure')?.reasonForIncompletion).toMatch(/^Failed to invoke HTTP task due to: java\.lang\.Exception: 503 Service Unavailable on POST request for /);
      // conductor-oss 3.32.3 gives a failed HTTP task a text output (`response` is the error), so
      // `${notify_failure.output.response.statusCode}` reads null there: the runner does the same.
      expect(result.output).toMatchObject({ notified: null });
    });

    it('no webhook configured (the inputTemplate default ""): the request fails, the handler COMPLETES', async () => {
      const { notify_webhook_url: _unset, ...withoutWebhook } = failureHandlerInput();
      const result = await run('firmware-build-failure-handler', withoutWebhook, { registry, mocks: mocks({ notify_failure: [] }) });

      expect(result.input['notify_webhook_url']).toBe('');
      expect(result.status).toBe('COMPLETED');
      expect(result.task('notify_failure')?.status).toBe('COMPLETED_WITH_ERRORS');
      expect(result.output).toMatchObject({ notified: null });
    });
  });
});
