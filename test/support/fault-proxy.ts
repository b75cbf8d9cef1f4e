import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the proxy saw. */
export interface SeenRequest {
  readonly method: string;
  readonly path: string;
  readonly body: string;
  readonly authorization: string | undefined;
}

/** A fault to inject on requests that match `when`. */
export interface Fault {
  readonly when: (req: SeenRequest) => boolean;
  /** How many matching requests get the fault before they pass. */
  times: number;
  /**
   * 503, 401 or 429 (JSON error bodies), `drop` (the connection is closed), `hang` (never
   * answered), `html` (200 text/html, a login page), `echo` (400 whose message repeats the request
   * body and headers, as some servers do), `token` (200 `{"token": TOKEN}`), or a redirect to
   * `redirect` (302).
   */
  readonly kind: 503 | 401 | 429 | 'drop' | 'hang' | 'html' | 'echo' | 'token' | { readonly redirect: string };
  /** Sent as `Retry-After` with a 429 or 503. */
  readonly retryAfter?: string;
}

/** The token the `token` fault hands out. */
export const FAKE_TOKEN = 'tok-3f9a1c7e5b2d4680aa';

function answerFault(fault: Fault, entry: SeenRequest, req: IncomingMessage, res: ServerResponse): void {
  const { kind } = fault;
  if (kind === 'drop') return void req.socket.destroy();
  if (kind === 'hang') return;
  if (kind === 'html') {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    return void res.end('<!DOCTYPE html><html><head><title>Sign in</title></head><body><form>Login</form></body></html>');
  }
  if (kind === 'token') {
    res.writeHead(200, { 'content-type': 'application/json' });
    return void res.end(JSON.stringify({ token: FAKE_TOKEN }));
  }
  if (kind === 'echo') {
    res.writeHead(400, { 'content-type': 'application/json' });
    return void res.end(JSON.stringify({ status: 400, message: `cannot read ${entry.body} (headers: ${JSON.stringify(req.headers)})` }));
  }
  if (typeof kind === 'object') {
    res.writeHead(302, { location: `${kind.redirect}${entry.path}` });
    return void res.end();
  }
  res.writeHead(kind, { 'content-type': 'application/json', ...(fault.retryAfter !== undefined && { 'retry-after': fault.retryAfter }) });
  res.end(JSON.stringify({ status: kind, message: kind === 401 ? 'Unauthorized' : kind === 429 ? 'Too Many Requests' : 'Service Unavailable' }));
}

/**
 * An HTTP proxy on 127.0.0.1 in front of a server, recording every request and injecting faults
 * (see {@link Fault}) a set number of times. With every request faulted, the target is never
 * contacted: a proxy in front of a closed port is a plain recording fake server.
 */
export async function startFaultProxy(target: string): Promise<{ url: string; seen: SeenRequest[]; faults: Fault[]; close: () => Promise<void> }> {
  const seen: SeenRequest[] = [];
  const faults: Fault[] = [];
  const upstream = new URL(target);
  const server: Server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const entry = { method: req.method ?? 'GET', path: req.url ?? '/', body: body.toString('utf8'), authorization: req.headers.authorization ?? req.headers['x-authorization']?.toString() };
      seen.push(entry);
      const fault = faults.find((f) => f.times > 0 && f.when(entry));
      if (fault !== undefined) {
        fault.times--;
        return answerFault(fault, entry, req, res);
      }
      const forward = request(
        { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: { ...req.headers, host: upstream.host } },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      forward.on('error', () => res.destroy());
      forward.end(body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    faults,
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  };
}
