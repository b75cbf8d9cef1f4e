/**
 * `npm run webhook`: the K1 GitHub webhook as a small HTTP service. Configuration comes from the
 * environment; every missing or malformed variable is reported at once, and secrets are never
 * printed.
 *
 *   CONDUCTOR_SERVER_URL      Conductor server, e.g. http://conductor:8080 (required)
 *   CONDUCTOR_AUTH_KEY/SECRET Orkes credentials (both or neither)
 *   GITHUB_WEBHOOK_SECRET     the secret configured on the GitHub webhook (required)
 *   K1_DEVICE_IP              device each build deploys to: host or host:port (required)
 *   WEBHOOK_BRANCHES          comma-separated branches to build (default: main)
 *   WEBHOOK_PORT / WEBHOOK_HOST  where to listen (default: 3000 / 0.0.0.0)
 *   NOTIFY_WEBHOOK_URL        where the pipeline reports failures (optional)
 *   K1_WEBHOOK_MODE           start (default): start firmware-ci-cd-pipeline; event: publish the
 *                             push as a Conductor event (k1-push-event), for the handlers to act on
 */
import { createServer } from 'node:http';
import { noopLogger, orkesConductorClient } from '@io-orkes/conductor-javascript';
import { createGithubWebhookHandler } from '../definitions/webhook.ts';
import { parseWebhookEnv } from '../definitions/webhook-env.ts';

const parsed = parseWebhookEnv(process.env);
if (!parsed.ok) {
  process.stderr.write(`webhook: cannot start:\n${parsed.problems.map((p) => `  - ${p}`).join('\n')}\n`);
  process.exit(2);
}
const config = parsed.config;
const client = await orkesConductorClient({ serverUrl: config.serverUrl, logger: noopLogger, useEnvVars: false, ...config.auth });
const handler = createGithubWebhookHandler({ client, secret: config.secret, deviceIp: config.deviceIp, branches: config.branches, mode: config.mode, ...(config.notifyWebhookUrl && { notifyWebhookUrl: config.notifyWebhookUrl }) });
const server = createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/health') {
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"UP"}');
    return;
  }
  void handler(req, res);
});
server.listen(config.port, config.host, () => process.stdout.write(`webhook: listening on http://${config.host}:${config.port}/ for pushes to ${config.branches.join(', ')} (mode ${config.mode})\n`));
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => server.close(() => process.exit(0)));
