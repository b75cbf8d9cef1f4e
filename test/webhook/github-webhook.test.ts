import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { noopLogger, orkesConductorClient } from '@io-orkes/conductor-javascript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGithubWebhookHandler } from '../../definitions/webhook.ts';
import { startDevServer, type DevServer } from '../../src/server/index.ts';
import { verifySignature } from '../../src/webhook/github-webhook.ts';

const SECRET = 'k1-webhook-secret';
const COMMIT = 'a3f9c2e17b4d5e6f8091a2b3c4d5e6f708192a3b';
const push = (over: Record<string, unknown> = {}) =>
  JSON.stringify({ ref: 'refs/heads/main', after: COMMIT, repository: { name: 'K1.node1', full_name: 'k1/K1.node1' }, head_commit: { id: COMMIT, message: 'LED tweak' }, ...over });
const sign = (body: string | Buffer, secret = SECRET) => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

let conductor: DevServer;
let webhook: Server;
let url: string;

beforeAll(async () => {
  for (const name of ['CONDUCTOR_SERVER_URL', 'CONDUCTOR_AUTH_KEY', 'CONDUCTOR_AUTH_SECRET']) delete process.env[name];
  conductor = await startDevServer({ generatedDir: 'generated' });
  const client = await orkesConductorClient({ serverUrl: conductor.url, logger: noopLogger, useEnvVars: false });
  const handler = createGithubWebhookHandler({ secret: SECRET, client, deviceIp: '192.168.1.104', maxBodyBytes: 64 * 1024 });
  webhook = createServer((req, res) => void handler(req, res));
  await new Promise<void>((r) => webhook.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(webhook.address() as AddressInfo).port}/`;
});

afterAll(async () => {
  await new Promise<void>((r) => webhook.close(() => r()));
  await conductor.close();
});

const started = () => [...conductor.engine.executions.values()].filter((e) => e.def.name === 'firmware-ci-cd-pipeline');

async function deliver(body: string, headers: Record<string, string>): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

describe('GitHub webhook', () => {
  // The dev server ignores idempotencyKey as conductor-oss 3.32.3 does: the webhook dedupes by itself.
  it('a signed push to main starts exactly one pipeline run (202 with its id); the same delivery again starts none', async () => {
    const body = push();
    const headers = { 'x-github-event': 'push', 'x-hub-signature-256': sign(body), 'x-github-delivery': 'd-1' };
    const first = await deliver(body, headers);
    expect(first.status).toBe(202);
    expect(started()).toHaveLength(1);
    const run = started()[0]!;
    expect(first.json).toEqual({ workflowId: run.id, commit: COMMIT, delivery: 'd-1' });
    expect(run.correlationId).toBe(COMMIT);
    expect(run.input).toMatchObject({ repo: 'K1.node1', branch: 'main', commit_sha: COMMIT, device_ip: '192.168.1.104', environment: 'esp32-s3-devkitc-1' });
    const again = await deliver(body, headers);
    expect(again).toEqual({ status: 202, json: { workflowId: run.id, commit: COMMIT, delivery: 'd-1', duplicate: true } });
    expect(started()).toHaveLength(1);
    // The run is what the server lists for the commit (GET /api/workflow/{name}/correlated/{sha}).
    const listed = (await (await fetch(`${conductor.url}/api/workflow/firmware-ci-cd-pipeline/correlated/${COMMIT}?includeClosed=true`)).json()) as { workflowId: string }[];
    expect(listed.map((w) => w.workflowId)).toEqual([run.id]);
  });

  it('two deliveries of one push at the same moment start one run, without idempotencyKey (conductor-oss ignores it)', async () => {
    const commit = '1'.repeat(40);
    const body = push({ after: commit });
    const runsOf = () => started().filter((e) => e.correlationId === commit);
    const answers = await Promise.all(['d-2', 'd-3'].map((id) => deliver(body, { 'x-github-event': 'push', 'x-hub-signature-256': sign(body), 'x-github-delivery': id })));
    expect(answers.map((a) => a.status)).toEqual([202, 202]);
    expect(runsOf()).toHaveLength(1);
    expect(answers.map((a) => a.json['workflowId'])).toEqual([runsOf()[0]!.id, runsOf()[0]!.id]);
    expect(answers.filter((a) => a.json['duplicate'] === true)).toHaveLength(1);
  });

  it('two webhook processes that start the same push at once agree on one run; the other start is terminated', async () => {
    const commit = '2'.repeat(40);
    const body = push({ after: commit });
    const client = await orkesConductorClient({ serverUrl: conductor.url, logger: noopLogger, useEnvVars: false });
    const handlers = [0, 1].map(() => createGithubWebhookHandler({ secret: SECRET, client, deviceIp: '192.168.1.104' }));
    const servers = await Promise.all(
      handlers.map(async (handler) => {
        const server = createServer((req, res) => void handler(req, res));
        await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
        return server;
      }),
    );
    try {
      const answers = await Promise.all(
        servers.map(async (server) => {
          const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`, {
            method: 'POST',
            body,
            headers: { 'content-type': 'application/json', 'x-github-event': 'push', 'x-hub-signature-256': sign(body), 'x-github-delivery': 'd-4' },
          });
          return (await response.json()) as Record<string, unknown>;
        }),
      );
      const runs = started().filter((e) => e.correlationId === commit);
      const alive = runs.filter((e) => e.status !== 'TERMINATED');
      expect(alive).toHaveLength(1);
      expect(answers.map((a) => a['workflowId'])).toEqual([alive[0]!.id, alive[0]!.id]);
      for (const dup of runs.filter((e) => e.status === 'TERMINATED')) expect(dup.reasonForIncompletion).toBe(`Duplicate start for ${commit}: run ${alive[0]!.id} builds it.`);
    } finally {
      await Promise.all(servers.map((server) => new Promise<void>((r) => server.close(() => r()))));
    }
  });

  it.each([
    ['a wrong signature', () => ({ body: push({ after: 'b'.repeat(40) }), headers: { 'x-github-event': 'push', 'x-hub-signature-256': sign(push({ after: 'b'.repeat(40) }), 'wrong-secret') } }), 401, 'does not match'],
    ['a signature of the wrong length', () => ({ body: push({ after: 'c'.repeat(40) }), headers: { 'x-github-event': 'push', 'x-hub-signature-256': 'sha256=abcd' } }), 401, 'does not match'],
    ['no signature header', () => ({ body: push({ after: 'd'.repeat(40) }), headers: { 'x-github-event': 'push' } }), 401, 'Missing X-Hub-Signature-256'],
    ['no event header', () => ({ body: push({ after: 'e'.repeat(40) }), headers: { 'x-hub-signature-256': sign(push({ after: 'e'.repeat(40) })) } }), 400, 'Missing X-GitHub-Event'],
    ['a push to another branch', () => ({ body: push({ ref: 'refs/heads/dev', after: 'f'.repeat(40) }), headers: { 'x-github-event': 'push', 'x-hub-signature-256': sign(push({ ref: 'refs/heads/dev', after: 'f'.repeat(40) })) } }), 422, 'only main start builds'],
    ['an event other than push', () => ({ body: push(), headers: { 'x-github-event': 'issues', 'x-hub-signature-256': sign(push()) } }), 422, 'only push events'],
    ['a malformed body', () => ({ body: '{"ref": ', headers: { 'x-github-event': 'push', 'x-hub-signature-256': sign('{"ref": ') } }), 400, 'not one JSON document'],
    ['a body without the push fields', () => ({ body: '{"zen":"x"}', headers: { 'x-github-event': 'push', 'x-hub-signature-256': sign('{"zen":"x"}') } }), 400, 'missing fields: ref, after, repository'],
    ['an oversized body', () => ({ body: 'x'.repeat(100 * 1024), headers: { 'x-github-event': 'push', 'x-hub-signature-256': sign('x'.repeat(100 * 1024)) } }), 413, 'larger than'],
  ])('%s gets %s and starts nothing', async (_what, make, status, message) => {
    const before = conductor.engine.executions.size;
    const { body, headers } = make();
    const result = await deliver(body, headers);
    expect(result.status).toBe(status);
    expect(String(result.json['error'])).toContain(message);
    expect(conductor.engine.executions.size).toBe(before);
  });

  it('the signature is checked over the raw bytes, not a re-serialised body', () => {
    const raw = Buffer.from('{"ref":"refs/heads/main",  "after":"x"}');
    expect(verifySignature(SECRET, raw, sign(raw))).toBe(true);
    expect(verifySignature(SECRET, Buffer.from(JSON.stringify(JSON.parse(raw.toString()))), sign(raw))).toBe(false);
    expect(verifySignature(SECRET, raw, 'sha1=abc')).toBe(false);
    expect(verifySignature(SECRET, raw, `sha256=${'zz'.repeat(32)}`)).toBe(false);
  });

  // Issue 15: Buffer.from(hex, 'hex') stops at the first non-hex character, so a valid digest
  // followed by junk decoded to the valid digest and passed.
  it('a valid signature followed by trailing junk is refused, in the header and in the body', async () => {
    const raw = Buffer.from(push());
    expect(verifySignature(SECRET, raw, `${sign(raw)}zz`)).toBe(false);
    expect(verifySignature(SECRET, raw, `${sign(raw)} `)).toBe(false);
    expect(verifySignature(SECRET, raw, sign(raw).toUpperCase().replace('SHA256=', 'sha256='))).toBe(true);
    const before = conductor.engine.executions.size;
    const header = await deliver(push(), { 'x-github-event': 'push', 'x-hub-signature-256': `${sign(push())}junk` });
    expect(header).toEqual({ status: 401, json: { error: 'X-Hub-Signature-256 does not match the body: check the webhook secret.' } });
    // Signed over everything, but not one JSON document: a second document, junk, bytes that are not UTF-8.
    for (const body of [Buffer.from(`${push()}\n${push()}`), Buffer.from(`${push()}junk`), Buffer.concat([Buffer.from(push()), Buffer.from([0xff, 0xfe])])]) {
      const response = await fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json', 'x-github-event': 'push', 'x-hub-signature-256': sign(body) } });
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: string }).error).toMatch(/^The body is not one JSON document \(/);
    }
    expect(conductor.engine.executions.size).toBe(before);
  });
});

describe('webhook environment', () => {
  it('lists every problem at once and never echoes the secrets', async () => {
    const { parseWebhookEnv } = await import('../../definitions/webhook-env.ts');
    const result = parseWebhookEnv({ CONDUCTOR_SERVER_URL: 'ftp://x', CONDUCTOR_AUTH_KEY: 'key', WEBHOOK_PORT: 'eighty' });
    expect(result.ok).toBe(false);
    const problems = (result as { problems: string[] }).problems;
    expect(problems).toEqual([
      'CONDUCTOR_SERVER_URL must be an http(s) URL; e.g. http://conductor:8080',
      'GITHUB_WEBHOOK_SECRET is not set; e.g. GITHUB_WEBHOOK_SECRET=<the secret set on the GitHub webhook>',
      'K1_DEVICE_IP is not set; e.g. K1_DEVICE_IP=192.168.1.104',
      'set both CONDUCTOR_AUTH_KEY and CONDUCTOR_AUTH_SECRET (Orkes), or neither (OSS without auth)',
      'WEBHOOK_PORT must be a port number (0-65535); e.g. WEBHOOK_PORT=3000',
    ]);
    const ok = parseWebhookEnv({ CONDUCTOR_SERVER_URL: 'http://c:8080', GITHUB_WEBHOOK_SECRET: 's3cr3t-value', K1_DEVICE_IP: '10.0.0.9', WEBHOOK_BRANCHES: 'main, release' });
    expect(ok).toMatchObject({ ok: true, config: { branches: ['main', 'release'], port: 3000, mode: 'start' } });
  });

  it('K1_WEBHOOK_MODE chooses between starting the pipeline and publishing the push as an event', async () => {
    const { parseWebhookEnv } = await import('../../definitions/webhook-env.ts');
    const base = { CONDUCTOR_SERVER_URL: 'http://c:8080', GITHUB_WEBHOOK_SECRET: 's', K1_DEVICE_IP: '10.0.0.9' };
    expect(parseWebhookEnv({ ...base, K1_WEBHOOK_MODE: 'event' })).toMatchObject({ ok: true, config: { mode: 'event' } });
    expect(parseWebhookEnv({ ...base, K1_WEBHOOK_MODE: 'publish' })).toEqual({
      ok: false,
      problems: ['K1_WEBHOOK_MODE must be "start" (the webhook starts the pipeline) or "event" (it publishes the push as a Conductor event); e.g. K1_WEBHOOK_MODE=event'],
    });
  });
});

describe('GitHub webhook in event mode', () => {
  let eventWebhook: Server;
  let eventUrl: string;
  beforeAll(async () => {
    const client = await orkesConductorClient({ serverUrl: conductor.url, logger: noopLogger, useEnvVars: false });
    const handler = createGithubWebhookHandler({ secret: SECRET, client, deviceIp: '192.168.1.105', mode: 'event' });
    eventWebhook = createServer((req, res) => void handler(req, res));
    await new Promise<void>((r) => eventWebhook.listen(0, '127.0.0.1', r));
    eventUrl = `http://127.0.0.1:${(eventWebhook.address() as AddressInfo).port}/`;
  });
  afterAll(async () => {
    await new Promise<void>((r) => eventWebhook.close(() => r()));
  });

  it('publishes the push (k1-push-event), and the generated handler k1-push-starts-pipeline starts the pipeline for that commit', async () => {
    const commit = 'e'.repeat(40);
    const body = push({ after: commit });
    const response = await fetch(eventUrl, { method: 'POST', body, headers: { 'content-type': 'application/json', 'x-github-event': 'push', 'x-hub-signature-256': sign(body), 'x-github-delivery': 'd-event' } });
    expect(response.status).toBe(202);
    const { workflowId } = (await response.json()) as { workflowId: string };
    const relay = conductor.engine.executions.get(workflowId);
    expect(relay?.def.name).toBe('k1-push-event');
    expect(relay?.correlationId).toBe(commit);
    const deadline = Date.now() + 5000;
    while (started().every((e) => e.correlationId !== commit) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(relay?.status).toBe('COMPLETED');
    expect(relay?.output).toEqual({ event: 'conductor:k1-push-event:publish_push' });
    const pipeline = started().filter((e) => e.correlationId === commit);
    expect(pipeline).toHaveLength(1);
    expect(pipeline[0]?.input).toMatchObject({ repo: 'K1.node1', branch: 'main', commit_sha: commit, device_ip: '192.168.1.105', environment: 'esp32-s3-devkitc-1', max_warnings: 0 });
    expect(conductor.engine.eventExecutions.filter((e) => e.event === 'conductor:k1-push-event:publish_push' && e.output['workflowId'] === pipeline[0]?.id).map((e) => [e.name, e.action, e.status, e.output['workflowId']])).toEqual([
      ['k1-push-starts-pipeline', 'start_workflow', 'COMPLETED', pipeline[0]?.id],
    ]);
  });
});
