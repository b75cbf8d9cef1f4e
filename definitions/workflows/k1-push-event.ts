import { z } from 'zod';
import { workflow } from '../project.ts';
import { firmwareCiCdPipeline } from './firmware-ci-cd-pipeline.ts';

/**
 * The GitHub push as a Conductor event: publishes the pipeline's input on the queue
 * `conductor:k1-push-event:publish_push`, where the handler `k1-push-starts-pipeline` (events.ts)
 * starts firmware-ci-cd-pipeline from it. The webhook starts this instead of the pipeline in
 * `K1_WEBHOOK_MODE=event`, so that what a push does is decided by the handlers registered on the
 * server, not by the webhook.
 */
export const k1PushEvent = workflow(
  {
    name: 'k1-push-event',
    version: 1,
    description:
      'Publishes a GitHub push of the K1.node1 firmware as a Conductor event (queue conductor:k1-push-event:publish_push): the pipeline input of the pushed commit. The event handler k1-push-starts-pipeline starts firmware-ci-cd-pipeline from it.',
    input: firmwareCiCdPipeline.input,
    output: z.object({ event: z.string().describe('The queue the push was published on') }),
    timeoutSeconds: 60,
    example: { repo: 'K1.node1', branch: 'main', commit_sha: 'a3f9c2e17b4d5e6f8091a2b3c4d5e6f708192a3b', device_ip: '192.168.1.104' },
  },
  (f) =>
    f
      .event('publish_push', {
        sink: 'conductor',
        description: 'The push, as the pipeline input, on conductor:k1-push-event:publish_push.',
        input: (s) => ({
          repo: s.input.repo,
          branch: s.input.branch,
          commit_sha: s.input.commit_sha,
          environment: s.input.environment,
          device_ip: s.input.device_ip,
          max_warnings: s.input.max_warnings,
          max_flash_percent: s.input.max_flash_percent,
          max_ram_percent: s.input.max_ram_percent,
          notify_webhook_url: s.input.notify_webhook_url,
        }),
      })
      .output((s) => ({ event: s.publish_push.output.event_produced })),
);
