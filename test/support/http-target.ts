/**
 * A small HTTP server both the real Conductor server and the runner call in part 4's HTTP
 * variants (both on 127.0.0.1): fixed answers, header names in mixed case, no Date header (times
 * differ), `Connection: close` on every answer (so neither client's keep-alive shows).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What each path answers: status, headers, body, and a delay in ms. */
const ROUTES: Readonly<Record<string, { status: number; headers: Record<string, string>; body: string; delayMs?: number }>> = {
  '/ok': { status: 200, headers: { 'Content-Type': 'application/json', 'X-Trace-Id': 'k1-trace' }, body: JSON.stringify({ ok: true, n: 1 }) },
  '/text': { status: 200, headers: { 'Content-Type': 'text/plain' }, body: 'plain words' },
  '/unavailable': { status: 503, headers: { 'Content-Type': 'text/plain' }, body: 'down for maintenance' },
  '/missing': { status: 404, headers: {}, body: '' },
  '/slow': { status: 200, headers: { 'Content-Type': 'application/json' }, body: '{"late":true}', delayMs: 4000 },
};

/** The running target: its base URL, a port nothing listens on, and how to stop it. */
export interface RunningTarget {
  readonly base: string;
  readonly closedPort: number;
  close(): Promise<void>;
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

/** Starts the target on a free port of 127.0.0.1. */
export async function startHttpTarget(): Promise<RunningTarget> {
  const server = createServer((request, response) => {
    const route = ROUTES[new URL(request.url ?? '/', 'http://x').pathname];
    const answer = (): void => {
      response.sendDate = false;
      response.statusCode = route?.status ?? 404;
      for (const [name, value] of Object.entries(route?.headers ?? {})) response.setHeader(name, value);
      const body = Buffer.from(route?.body ?? '');
      response.setHeader('Content-Length', String(body.length));
      response.setHeader('Connection', 'close');
      response.end(body);
    };
    if (route?.delayMs !== undefined) setTimeout(answer, route.delayMs).unref();
    else answer();
  });
  const port = await listen(server);
  const spare = createServer();
  const closedPort = await listen(spare);
  await new Promise<void>((resolve) => spare.close(() => resolve()));
  return {
    base: `http://127.0.0.1:${port}`,
    closedPort,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
