import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the health server serves; each is read per request. */
export interface HealthEndpoints {
  /** `GET /health`: the body and whether the process is healthy (200) or not (503). */
  readonly health: () => { readonly healthy: boolean; readonly body: unknown };
  /** `GET /status`: a JSON body. */
  readonly status: () => unknown;
  /** `GET /metrics`: Prometheus text and its content type. */
  readonly metrics: () => Promise<{ readonly contentType: string; readonly text: string }>;
}

/** A listening health server. */
export interface HealthServer {
  /** e.g. `http://127.0.0.1:9464`. */
  readonly url: string;
  readonly port: number;
  /** Stops listening and closes open connections. */
  close(): Promise<void>;
}

/**
 * Serves `/health`, `/status` and `/metrics` on `host:port` (0 picks a free port). Fails with
 * an actionable error when the port is taken.
 */
export async function startHealthServer(host: string, port: number, endpoints: HealthEndpoints): Promise<HealthServer> {
  const server: Server = createServer((req, res) => {
    const send = (status: number, contentType: string, body: string): void => {
      res.writeHead(status, { 'Content-Type': contentType, 'Cache-Control': 'no-store' }).end(req.method === 'HEAD' ? undefined : body);
    };
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'application/json', JSON.stringify({ error: `${req.method} is not served here; use GET.` }));
    try {
      if (path === '/health') {
        const { healthy, body } = endpoints.health();
        return send(healthy ? 200 : 503, 'application/json', JSON.stringify(body));
      }
      if (path === '/status') return send(200, 'application/json', JSON.stringify(endpoints.status()));
      if (path === '/metrics') {
        endpoints.metrics().then(
          ({ contentType, text }) => send(200, contentType, text),
          (error: unknown) => send(500, 'text/plain', `metrics failed: ${error instanceof Error ? error.message : String(error)}`),
        );
        return;
      }
      send(404, 'application/json', JSON.stringify({ error: `No ${path} here; try /health, /status or /metrics.` }));
    } catch (error) {
      send(500, 'application/json', JSON.stringify({ error: error instanceof Error ? error.message : String(error) }));
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'EADDRINUSE'
          ? new Error(`Port ${port} on ${host} is already in use, so the health server cannot start: stop what holds it, or set another port (HEALTH_PORT; 0 picks a free one).`, { cause: error })
          : error.code === 'EADDRNOTAVAIL'
            ? new Error(`${host} is not an address of this machine, so the health server cannot listen on it: use 127.0.0.1, 0.0.0.0 or one of this machine's addresses (HEALTH_HOST).`, { cause: error })
            : error,
      );
    });
    server.listen(port, host, () => resolve());
  });
  const bound = (server.address() as AddressInfo).port;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${bound}`,
    port: bound,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
