/** The K1 event handlers `npm run gen` writes to generated/events/. */
import { eventHandler, startWorkflowAction, type EventHandler } from '../src/index.ts';
import { firmwareCiCdPipeline } from './workflows/firmware-ci-cd-pipeline.ts';

/**
 * Starts firmware-ci-cd-pipeline from each push k1-push-event publishes, with the pushed commit
 * as its correlationId (as the webhook does when it starts the pipeline itself). A message
 * without a commit (an EVENT task someone else added to the relay) starts nothing.
 */
export const k1PushStartsPipeline = eventHandler({
  name: 'k1-push-starts-pipeline',
  event: 'conductor:k1-push-event:publish_push',
  condition: "typeof $.commit_sha == 'string' && /^[0-9a-f]{7,40}$/i.test($.commit_sha)",
  actions: [
    startWorkflowAction(
      firmwareCiCdPipeline,
      {
        repo: '${repo}',
        branch: '${branch}',
        commit_sha: '${commit_sha}',
        environment: '${environment}',
        device_ip: '${device_ip}',
        max_warnings: '${max_warnings}',
        max_flash_percent: '${max_flash_percent}',
        max_ram_percent: '${max_ram_percent}',
        notify_webhook_url: '${notify_webhook_url}',
      },
      { correlationId: '${commit_sha}' },
    ),
  ],
});

/** Every K1 event handler. */
export const eventHandlers: readonly EventHandler[] = [k1PushStartsPipeline];
