import type { WebhookMode } from './webhook.ts';

/** The K1 webhook service's configuration (the device it deploys to, the branches it builds), from the environment. */
export interface WebhookConfig {
  readonly serverUrl: string;
  readonly auth: { keyId?: string; keySecret?: string };
  readonly secret: string;
  readonly deviceIp: string;
  readonly branches: string[];
  readonly port: number;
  readonly host: string;
  readonly notifyWebhookUrl: string | undefined;
  /** `K1_WEBHOOK_MODE`: start the pipeline (`start`, the default) or publish the push as an event (`event`). */
  readonly mode: WebhookMode;
}

/**
 * Reads the webhook service's environment. Every problem is listed at once, each saying what to
 * set; values of secrets never appear in a message.
 */
export function parseWebhookEnv(env: NodeJS.ProcessEnv): { ok: true; config: WebhookConfig } | { ok: false; problems: string[] } {
  const problems: string[] = [];
  const required = (name: string, example: string): string => {
    const value = env[name];
    if (value === undefined || value.trim() === '') problems.push(`${name} is not set; e.g. ${name}=${example}`);
    return value?.trim() ?? '';
  };
  const serverUrl = required('CONDUCTOR_SERVER_URL', 'http://conductor:8080');
  if (serverUrl !== '' && !/^https?:\/\/[^\s/]+/.test(serverUrl)) problems.push(`CONDUCTOR_SERVER_URL must be an http(s) URL; e.g. http://conductor:8080`);
  const secret = required('GITHUB_WEBHOOK_SECRET', '<the secret set on the GitHub webhook>');
  const deviceIp = required('K1_DEVICE_IP', '192.168.1.104');
  const keyId = env['CONDUCTOR_AUTH_KEY'];
  const keySecret = env['CONDUCTOR_AUTH_SECRET'];
  if ((keyId === undefined) !== (keySecret === undefined)) problems.push('set both CONDUCTOR_AUTH_KEY and CONDUCTOR_AUTH_SECRET (Orkes), or neither (OSS without auth)');
  const port = Number(env['WEBHOOK_PORT'] ?? '3000');
  if (!Number.isInteger(port) || port < 0 || port > 65535) problems.push(`WEBHOOK_PORT must be a port number (0-65535); e.g. WEBHOOK_PORT=3000`);
  const branches = (env['WEBHOOK_BRANCHES'] ?? 'main').split(',').map((b) => b.trim()).filter((b) => b !== '');
  if (branches.length === 0) problems.push('WEBHOOK_BRANCHES is empty; e.g. WEBHOOK_BRANCHES=main,release');
  const mode = (env['K1_WEBHOOK_MODE'] ?? 'start').trim();
  if (mode !== 'start' && mode !== 'event') problems.push(`K1_WEBHOOK_MODE must be "start" (the webhook starts the pipeline) or "event" (it publishes the push as a Conductor event); e.g. K1_WEBHOOK_MODE=event`);
  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    config: {
      serverUrl,
      auth: keyId !== undefined ? { keyId, keySecret: keySecret as string } : {},
      secret,
      deviceIp,
      branches,
      port,
      host: env['WEBHOOK_HOST'] ?? '0.0.0.0',
      notifyWebhookUrl: env['NOTIFY_WEBHOOK_URL'],
      mode: mode as WebhookMode,
    },
  };
}
