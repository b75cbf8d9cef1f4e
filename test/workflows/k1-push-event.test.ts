import { describe, expect, it } from 'vitest';
import { k1PushEvent, k1PushStartsPipeline } from '../../definitions/index.ts';
import { loadGenerated, run } from '../../src/testing.ts';
import { isFresh, outline, readWorkflow, task } from './helpers.ts';

const def = readWorkflow('k1-push-event');

describe('k1-push-event v1 and its handler k1-push-starts-pipeline (generated JSON)', () => {
  it('is what the definition compiles to (gen is up to date)', () => {
    expect(isFresh(k1PushEvent)).toBe(true);
  });

  it('publishes the pipeline input on conductor:k1-push-event:publish_push, the event its handler listens on', () => {
    expect(outline(def.tasks)).toEqual(['publish_push:EVENT']);
    expect(task(def, 'publish_push').sink).toBe('conductor');
    expect(k1PushStartsPipeline.json.event).toBe('conductor:k1-push-event:publish_push');
  });

  it('in the runner, with what gen wrote: a push starts firmware-ci-cd-pipeline for its commit; a message without a commit SHA starts nothing', async () => {
    const registry = await loadGenerated();
    const commit = 'a3f9c2e17b4d5e6f8091a2b3c4d5e6f708192a3b';
    const pushed = await run('k1-push-event', { repo: 'K1.node1', branch: 'main', commit_sha: commit, device_ip: '192.168.1.104' }, { registry, correlationId: commit });
    expect(pushed.output).toEqual({ event: 'conductor:k1-push-event:publish_push' });
    const [start] = pushed.eventExecutions;
    expect([start?.name, start?.action, start?.status]).toEqual(['k1-push-starts-pipeline', 'start_workflow', 'COMPLETED']);
    const pipeline = pushed.workflowRun(String(start?.output['workflowId']))?.toJSON();
    expect(pipeline).toMatchObject({
      workflowName: 'firmware-ci-cd-pipeline',
      correlationId: commit,
      input: { repo: 'K1.node1', branch: 'main', commit_sha: commit, device_ip: '192.168.1.104', environment: 'esp32-s3-devkitc-1', max_warnings: 0, max_flash_percent: 70, max_ram_percent: 80, notify_webhook_url: '' },
    });
    const odd = await run({ ...def, tasks: [{ ...task(def, 'publish_push'), inputParameters: { commit_sha: 'not-a-sha' } }] }, {}, { registry });
    expect(odd.eventExecutions.map((e) => e.status)).toEqual(['SKIPPED']);
  });
});
