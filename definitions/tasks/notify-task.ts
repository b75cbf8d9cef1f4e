import { z } from 'zod';
import { defineTask } from '../project.ts';
import { severity } from './fields.ts';

/** Posts a notification as JSON to a webhook. */
export const notify = defineTask({
  name: 'notify',
  description: 'Posts a notification as JSON to a webhook URL (Slack-compatible "text" field included).',
  input: z.object({
    webhook_url: z.union([z.string().url(), z.literal('')]).describe('Where to post the notification; empty to skip it'),
    severity,
    title: z.string().min(1).describe('Short title'),
    message: z.string().describe('Notification body'),
  }),
  output: z.object({
    delivered: z.boolean().describe('True when the webhook answered 2xx; false when skipped'),
    status_code: z.number().int().describe('HTTP status of the webhook answer; 0 when skipped'),
  }),
  retryCount: 3,
  retryDelaySeconds: 5,
  timeoutSeconds: 30,
  responseTimeoutSeconds: 30,
});
