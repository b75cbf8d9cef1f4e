/**
 * `@k1/workflows/k1`: the K1.node1 workflows, their task contracts bound to the K1 services, and
 * the GitHub webhook that starts the firmware pipeline.
 * @packageDocumentation
 */
export * from './index.ts';
export { createK1Workers, k1ServicesFromConfig } from './workers/index.ts';
export type { K1Config, K1Services } from './workers/index.ts';
export { createGithubWebhookHandler } from './webhook.ts';
export type { K1WebhookOptions } from './webhook.ts';
