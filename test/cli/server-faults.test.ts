/**
 * Issue 15, "the CLI talks to the right server, finishes, and tells the truth": `diff` and
 * `register` against servers that are not the one named, that ask for a token, that never answer,
 * that answer a login page, that echo secrets, that refuse connections or answer 429.
 */
import { execFile } from 'node:child_process';
import { createServer } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { startDevServer, type DevServer } from '../../src/server/index.ts';
import { FAKE_TOKEN, startFaultProxy } from '../support/fault-proxy.ts';

type Proxy = Awaited<ReturnType<typeof startFaultProxy>>;

const ENV = ['CONDUCTOR_SERVER_URL', 'CONDUCTOR_AUTH_KEY', 'CONDUCTOR_AUTH_SECRET'] as const;
const SECRET = 'k1-s3cret-"quoted"-9d8c7b6a5f4e3d2c1b';
const saved: Record<string, string | undefined> = {};
let out: string[];
let err: string[];
const io = { stdout: (l: string) => out.push(l), stderr: (l: string) => err.push(l) };
let closers: (() => Promise<void>)[] = [];

async function proxyTo(target: string): Promise<Proxy> {
  const proxy = await startFaultProxy(target);
  closers.push(proxy.close);
  return proxy;
}

/** A recording server that answers everything with one fault (the target is never contacted). */
async function fakeServer(kind: Parameters<Proxy['faults']['push']>[0]['kind'], retryAfter?: string): Promise<Proxy> {
  const proxy = await proxyTo(`http://127.0.0.1:${await closedPort()}`);
  proxy.faults.push({ when: () => true, times: Number.POSITIVE_INFINITY, kind, ...(retryAfter !== undefined && { retryAfter }) });
  return proxy;
}

async function devServer(): Promise<DevServer> {
  const server = await startDevServer();
  closers.push(() => server.close());
  return server;
}

/** A port on 127.0.0.1 that nothing listens on: connections to it are refused. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((r) => probe.close(() => r()));
  return port;
}

async function cli(...args: string[]): Promise<number> {
  out = [];
  err = [];
  return main(args, io);
}

/** Runs the installed bin in a child process (so an event loop kept alive shows), killed after `limitMs`. */
function bin(args: string[], env: Record<string, string>, limitMs: number): Promise<{ code: number | null; output: string; ms: number; killed: boolean }> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = execFile(process.execPath, ['scripts/k1-workflows.mjs', ...args], { env: { ...process.env, ...env }, timeout: limitMs, killSignal: 'SIGKILL' }, (error, stdout, stderr) => {
      resolve({ code: child.exitCode, output: `${stdout}${stderr}`, ms: Date.now() - started, killed: (error as { killed?: boolean } | null)?.killed === true });
    });
  });
}

beforeEach(() => {
  for (const name of ENV) {
    saved[name] = process.env[name];
    delete process.env[name];
  }
});

afterEach(async () => {
  for (const close of closers.reverse()) await close();
  closers = [];
  for (const name of ENV) {
    if (saved[name] === undefined) delete process.env[name];
    else process.env[name] = saved[name];
  }
});

describe('the server named is the only one talked to', () => {
  it('--server B with CONDUCTOR_SERVER_URL=A is refused, naming both; neither server hears a thing', async () => {
    const a = await proxyTo((await devServer()).url);
    const b = await proxyTo((await devServer()).url);
    process.env['CONDUCTOR_SERVER_URL'] = a.url;
    for (const command of ['diff', 'register']) {
      expect(await cli(command, '--server', b.url)).toBe(2);
      expect(err[0]?.split('\n')[0]).toBe(`--server ${b.url} and CONDUCTOR_SERVER_URL=${a.url} differ; unset CONDUCTOR_SERVER_URL or pass the same value.`);
    }
    expect(a.seen).toEqual([]);
    expect(b.seen).toEqual([]);
  });

  it('the same server in both (a trailing slash or /api aside) is no conflict: only that server hears the requests', async () => {
    const a = await proxyTo((await devServer()).url);
    const b = await proxyTo((await devServer()).url);
    process.env['CONDUCTOR_SERVER_URL'] = `${b.url}/api/`;
    expect(await cli('register', '--server', b.url)).toBe(0);
    expect(out.at(-1)).toBe('register: 33 registered.');
    expect(await cli('diff', '--server', b.url)).toBe(0);
    expect(out.at(-1)).toBe('diff: 0 new, 0 changed, 33 unchanged.');
    expect(a.seen).toEqual([]);
    expect(b.seen.length).toBeGreaterThan(33);
  });

  it('credentials for one server are not sent with another: --key-id and CONDUCTOR_AUTH_KEY that differ are refused', async () => {
    const b = await fakeServer('token');
    process.env['CONDUCTOR_AUTH_KEY'] = 'key-of-a';
    process.env['CONDUCTOR_AUTH_SECRET'] = SECRET;
    expect(await cli('diff', '--server', b.url, '--key-id', 'key-of-b', '--key-secret', 'other')).toBe(2);
    expect(err[0]?.split('\n')[0]).toBe('--key-id key-of-b and CONDUCTOR_AUTH_KEY=key-of-a differ; unset CONDUCTOR_AUTH_KEY or pass the same value.');
    expect(await cli('diff', '--server', b.url, '--key-secret', 'other')).toBe(2);
    expect(err[0]?.split('\n')[0]).toBe('--key-secret and CONDUCTOR_AUTH_SECRET are both set and differ; unset CONDUCTOR_AUTH_SECRET or pass the same value.');
    expect(b.seen).toEqual([]);
  });

  it('a redirect to another server is not followed: the other server hears nothing, the command says what came back', async () => {
    const other = await proxyTo((await devServer()).url);
    const named = await fakeServer({ redirect: other.url });
    expect(await cli('register', '--server', named.url)).toBe(1);
    expect(err.join('\n')).toMatch(/HTTP 302 \(no content type\), an empty body/);
    expect(other.seen).toEqual([]);
  });
});

describe('with CONDUCTOR_AUTH_KEY/SECRET the commands finish, in bounded time', () => {
  it('register and diff exit once the report is printed (no token-refresh timer keeps them alive), sending the token', async () => {
    const upstream = await devServer();
    const server = await proxyTo(upstream.url);
    server.faults.push({ when: (r) => r.path === '/api/token', times: Number.POSITIVE_INFINITY, kind: 'token' });
    const env = { CONDUCTOR_AUTH_KEY: 'key-id-1', CONDUCTOR_AUTH_SECRET: SECRET };
    const register = await bin(['register', '--server', server.url], env, 20_000);
    expect(register.killed, register.output).toBe(false);
    expect(register.code).toBe(0);
    expect(register.output.trim().split('\n').at(-1)).toBe('register: 33 registered.');
    const diff = await bin(['diff', '--server', server.url], env, 20_000);
    expect(diff.killed, diff.output).toBe(false);
    expect(diff.output.trim().split('\n').at(-1)).toBe('diff: 0 new, 0 changed, 33 unchanged.');
    const api = server.seen.filter((r) => r.path.startsWith('/api/metadata'));
    expect(api.length).toBeGreaterThan(33);
    expect(api.every((r) => r.authorization === FAKE_TOKEN)).toBe(true);
    expect(register.output + diff.output).not.toContain(SECRET);
  }, 60_000);

  it('a token endpoint that never answers: exit 1 after --timeout seconds, with a message saying so', async () => {
    const server = await fakeServer('hang');
    const run = await bin(['diff', '--server', server.url, '--timeout', '1'], { CONDUCTOR_AUTH_KEY: 'key-id-1', CONDUCTOR_AUTH_SECRET: SECRET }, 20_000);
    expect(run.killed, run.output).toBe(false);
    expect(run.code).toBe(1);
    expect(run.output.trim()).toBe(`diff: POST /api/token: ${server.url} did not answer within 1 s (--timeout); check the server, or raise --timeout.`);
    expect(server.seen.map((r) => r.path)).toEqual(['/api/token']);
  }, 30_000);

  it('the help text states the time limit, in seconds', async () => {
    expect(await cli('diff', '--no-such-flag')).toBe(2);
    expect(err.join('\n')).toContain('--timeout SECONDS: time limit of each request, the token request included (default 10)');
    expect(await cli('help')).toBe(0);
    expect(out.join('\n')).toMatch(/register .*--timeout SECONDS per request, default 10/);
  });
});

describe('every answer is checked for its shape', () => {
  it('a login page answering 200 text/html: register --allow-overwrite refuses, saying what came back and what was expected', async () => {
    const server = await fakeServer('html');
    expect(await cli('register', '--server', server.url, '--allow-overwrite')).toBe(1);
    expect(out).toEqual([]);
    expect(err).toEqual([
      'register: reading task definition aggregate_artifacts: expected JSON task definition aggregate_artifacts, got HTTP 200 text/html; charset=utf-8, starting "<!DOCTYPE html><html><head><title>Sign in</title></head><body><form>Login</form></body></html>". Is --server the Conductor server itself (not a login page or a proxy)?',
    ]);
    expect(server.seen.filter((r) => r.method !== 'GET')).toEqual([]);
  });

  it('writes answered by a login page are failures, not "updated"', async () => {
    const server = await proxyTo((await devServer()).url);
    server.faults.push({ when: (r) => r.method !== 'GET', times: Number.POSITIVE_INFINITY, kind: 'html' });
    expect(await cli('register', '--server', server.url)).toBe(1);
    expect(out.at(-1)).toBe('register: 9 blocked, 24 failed.');
    expect(err[0]).toMatch(/^failed +task +\w+: registering 23 task definition\(s\): expected an empty answer or JSON, got HTTP 200 text\/html; charset=utf-8, starting "<!DOCTYPE html>/);
  });
});

describe('secrets never reach the output', () => {
  it('a token endpoint that echoes the request body in its error: the secret is redacted', async () => {
    const server = await fakeServer('echo');
    process.env['CONDUCTOR_AUTH_KEY'] = 'key-id-1';
    process.env['CONDUCTOR_AUTH_SECRET'] = SECRET;
    expect(await cli('diff', '--server', server.url)).toBe(1);
    const text = [...out, ...err].join('\n');
    expect(text).toMatch(/^diff: asking http:\/\/127\.0\.0\.1:\d+\/api\/token for a token: HTTP 400 application\/json, starting ".*\[redacted\]/);
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain(JSON.stringify(SECRET).slice(1, -1));
    expect(server.seen[0]?.body).toContain(JSON.stringify(SECRET).slice(1, -1));
  });

  it('an API that echoes the token and the secret in its errors: both redacted, in text and --json', async () => {
    const server = await fakeServer('echo');
    server.faults.unshift({ when: (r) => r.path === '/api/token', times: 1, kind: 'token' });
    process.env['CONDUCTOR_AUTH_KEY'] = 'key-id-1';
    process.env['CONDUCTOR_AUTH_SECRET'] = SECRET;
    expect(await cli('register', '--server', server.url, '--json')).toBe(1);
    const text = [...out, ...err].join('\n');
    expect(text).toContain('[redacted]');
    expect(text).not.toContain(FAKE_TOKEN);
    expect(text).not.toContain(SECRET);
  });
});

describe('one retry policy: 3 attempts, then a clear failure', () => {
  it('a refused connection is reported in well under 5 s (it took 28 s with stacked retries)', async () => {
    const port = await closedPort();
    const started = Date.now();
    expect(await cli('diff', '--server', `http://127.0.0.1:${port}`)).toBe(1);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(err).toEqual([
      `diff: GET /api/metadata/taskdefs/aggregate_artifacts: cannot reach http://127.0.0.1:${port} (ECONNREFUSED; 3 attempts made); check that the server is up and reachable, then run again.`,
    ]);
  });

  it('a server answering 429 receives 3 requests, not dozens, and the report comes in under 5 s', async () => {
    const server = await fakeServer(429);
    const started = Date.now();
    expect(await cli('register', '--server', server.url)).toBe(1);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(server.seen).toHaveLength(3);
    expect(err.at(-1)).toBe(
      `register: GET /api/metadata/taskdefs/aggregate_artifacts: ${server.url} answered HTTP 429 (3 attempts made); it is overloaded, rate-limiting or restarting: run again later.`,
    );
  });

  it('a Retry-After beyond the 5 s cap ends the request at once, saying what the server asked', async () => {
    const server = await fakeServer(429, '120');
    expect(await cli('diff', '--server', server.url)).toBe(1);
    expect(server.seen).toHaveLength(1);
    expect(err[0]).toContain('answered HTTP 429 (the server asked to wait 120 s (Retry-After), longer than the 5 s this command waits; run it again later)');
  });
});
