import type { Client } from '@io-orkes/conductor-javascript';
import { createPushWebhookHandler, type WebhookHandler } from '../src/webhook/github-webhook.ts';
import { firmwareCiCdPipeline } from './workflows/firmware-ci-cd-pipeline.ts';
import { k1PushEvent } from './workflows/k1-push-event.ts';

/**
 * What the webhook does with a push: `start` starts firmware-ci-cd-pipeline itself; `event`
 * starts k1-push-event, which publishes the push as a Conductor event, and the event handlers on
 * the server (k1-push-starts-pipeline) decide what runs.
 */
export type WebhookMode = 'start' | 'event';

/** Options of {@link createGithubWebhookHandler}. */
export interface K1WebhookOptions {
  /** The webhook secret configured on GitHub. */
  readonly secret: string;
  readonly client: Client;
  /** Branches whose pushes are built. @default ['main'] */
  readonly branches?: readonly string[];
  /** The device each build is deployed to. */
  readonly deviceIp: string;
  /** PlatformIO environment. @default the pipeline's default */
  readonly environment?: string;
  /** Where the pipeline reports failed gates and failures. */
  readonly notifyWebhookUrl?: string;
  /** @default 1 MiB */
  readonly maxBodyBytes?: number;
  /** @default 'start' */
  readonly mode?: WebhookMode;
}

/**
 * The K1 GitHub webhook: every push to the configured branches starts `firmware-ci-cd-pipeline`
 * for the pushed commit (mode `start`), or publishes it as a Conductor event by starting
 * `k1-push-event` (mode `event`, same input), with correlationId = the SHA, at most once per
 * commit on any server: a redelivery, or two deliveries at once, answer the run already started.
 */
export function createGithubWebhookHandler(options: K1WebhookOptions): WebhookHandler {
  return createPushWebhookHandler({
    secret: options.secret,
    client: options.client,
    workflow: options.mode === 'event' ? k1PushEvent : firmwareCiCdPipeline,
    ...(options.branches !== undefined && { branches: options.branches }),
    ...(options.maxBodyBytes !== undefined && { maxBodyBytes: options.maxBodyBytes }),
    toInput: (push, branch) => ({
      repo: push.repository.name,
      branch,
      commit_sha: push.after,
      device_ip: options.deviceIp,
      ...(options.environment !== undefined && { environment: options.environment }),
      ...(options.notifyWebhookUrl !== undefined && { notify_webhook_url: options.notifyWebhookUrl }),
    }),
  });
}
