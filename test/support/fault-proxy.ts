import { createServer, request, type IncomingMessage, type Server } from 'node:http';
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
  readonly kind: 503 | 401 | 'drop';
}

/**
 * An HTTP proxy on 127.0.0.1 in front of a server, recording every request and injecting faults:
 * 503 answers, 401 answers, or dropped connections, a set number of times.
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
        if (fault.kind === 'drop') return req.socket.destroy();
        res.writeHead(fault.kind, { 'content-type': 'application/json' });
        return res.end(JSON.stringify({ status: fault.kind, message: fault.kind === 401 ? 'Unauthorized' : 'Service Unavailable' }));
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
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
