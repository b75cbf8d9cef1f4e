import { describe, expect, it } from 'vitest';
import { completeTaskAction, eventHandler, failTaskAction, startWorkflowAction } from '../../src/index.ts';
import { run } from '../../src/testing.ts';
import { eventScenario } from '../support/event-scenario.ts';

const { publisher: relay, target, waiter, onMain } = eventScenario('relay');
const registry = { workflows: [relay, waiter], eventHandlers: [onMain] };

describe('EVENT tasks and event handlers in the runner', () => {
  it('a message that passes the condition starts a workflow and completes a waiting task', async () => {
    const waiting = await run(waiter, {}, { registry });
    expect(waiting.status).toBe('RUNNING');
    const published = await waiting.startWorkflow('relay_publisher', { sha: 'abc123', branch: 'main', waiter_id: waiting.workflowId });
    expect(published.status).toBe('COMPLETED');

    expect(waiting.status).toBe('COMPLETED');
    expect(waiting.output).toEqual({ sha: 'abc123' });

    const [start, complete] = published.eventExecutions;
    // The message has an id of its own (conductor-oss 3.32.3: a fresh UUID, not the EVENT task's id).
    const messageId = start?.messageId;
    expect(messageId).toMatch(/^[0-9a-f-]{36}$/);
    expect(messageId).not.toBe(published.task('announce')?.taskId);
    expect([start?.action, start?.status, complete?.action, complete?.status]).toEqual(['start_workflow', 'COMPLETED', 'complete_task', 'COMPLETED']);
    expect(waiting.task('wait_for_push')?.outputData).toEqual({
      workflowId: waiting.workflowId,
      taskId: null,
      taskRefName: 'wait_for_push',
      reasonForIncompletion: null,
      sha: 'abc123',
      'conductor.event.messageId': messageId,
      'conductor.event.name': 'conductor:relay_publisher:announce',
    });
    const started = published.workflowRun(String(start?.output['workflowId']));
    // The started run's input has the message's id and event too, as on the server.
    expect(started?.toJSON()).toMatchObject({
      workflowName: 'relay_target',
      status: 'COMPLETED',
      input: { sha: 'abc123', by: 'relay_publisher', 'conductor.event.messageId': messageId, 'conductor.event.name': 'conductor:relay_publisher:announce' },
      correlationId: published.workflowId,
    });
  });

  it('a message that fails the condition runs no action', async () => {
    const waiting = await run(waiter, {}, { registry });
    const published = await waiting.startWorkflow('relay_publisher', { sha: 'def456', branch: 'feature', waiter_id: waiting.workflowId });
    expect(published.status).toBe('COMPLETED');
    expect(waiting.status).toBe('RUNNING');
    expect(published.eventExecutions).toEqual([
      { name: 'relay_on_main', event: 'conductor:relay_publisher:announce', messageId: expect.stringMatching(/^[0-9a-f-]{36}$/), status: 'SKIPPED', output: { msg: expect.stringContaining('"branch":"feature"'), condition: "$.branch == 'main'" } },
    ]);
  });

  it('an inactive handler, or one on another event, gets nothing; fail_task fails the waiting task with its reason', async () => {
    const off = eventHandler({ name: 'off', event: 'conductor:relay_publisher:announce', active: false, actions: [startWorkflowAction(target, { sha: 'x', by: 'x' })] });
    const failing = eventHandler({ name: 'refuse', event: 'conductor:relay_publisher:announce', actions: [failTaskAction({ workflowId: '${waiter_id}', taskRefName: 'wait_for_push', reason: 'push refused: ${sha}' })] });
    const waiting = await run(waiter, {}, { registry: { workflows: [relay, waiter, target], eventHandlers: [off, failing] } });
    const published = await waiting.startWorkflow('relay_publisher', { sha: 'bad', branch: 'main', waiter_id: waiting.workflowId });
    expect(published.eventExecutions.map((e) => [e.name, e.action, e.status])).toEqual([['refuse', 'fail_task', 'COMPLETED']]);
    expect(waiting.status).toBe('FAILED');
    expect(waiting.task('wait_for_push')).toMatchObject({ status: 'FAILED', reasonForIncompletion: 'push refused: bad' });
  });

  it('an action on a task or workflow that is not there records what went wrong and changes nothing', async () => {
    const lost = eventHandler({ name: 'lost', event: 'conductor:relay_publisher:announce', actions: [completeTaskAction({ workflowId: 'no-such-run', taskRefName: 'x' }), completeTaskAction({ taskId: 'no-such-task' })] });
    const published = await run(relay, { sha: 's', branch: 'main', waiter_id: 'w' }, { registry: { eventHandlers: [lost] } });
    expect(published.eventExecutions.map((e) => [e.status, e.output['exception'] ?? e.output['error']])).toEqual([
      ['FAILED', 'No such workflow found by id: no-such-run'],
      ['COMPLETED', 'No task found with taskId: no-such-task, reference name: null, workflowId: null'],
    ]);
  });
});
