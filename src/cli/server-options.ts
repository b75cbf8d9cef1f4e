import type { ServerConnection } from '../sync/metadata-api.ts';

/** The flags every server command takes; values come from flags first, then the environment. */
export const SERVER_FLAGS = {
  server: { type: 'string' },
  'key-id': { type: 'string' },
  'key-secret': { type: 'string' },
  generated: { type: 'string' },
  json: { type: 'boolean' },
} as const;

/** A usage problem: the command prints it with its usage line and exits 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/**
 * The server connection from `--server`/`--key-id`/`--key-secret` or CONDUCTOR_SERVER_URL,
 * CONDUCTOR_AUTH_KEY and CONDUCTOR_AUTH_SECRET. Messages never contain the secret.
 */
export function serverConnection(values: { server?: string; 'key-id'?: string; 'key-secret'?: string }, env: NodeJS.ProcessEnv = process.env): ServerConnection {
  const serverUrl = values.server ?? env['CONDUCTOR_SERVER_URL'];
  if (serverUrl === undefined || serverUrl === '') throw new UsageError('no Conductor server: pass --server URL or set CONDUCTOR_SERVER_URL (e.g. http://localhost:8080).');
  let url: URL;
  try {
    url = new URL(serverUrl);
  } catch {
    throw new UsageError(`--server "${serverUrl}" is not a URL; use e.g. http://localhost:8080.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`--server must be an http(s) URL, not ${url.protocol}`);
  const keyId = values['key-id'] ?? env['CONDUCTOR_AUTH_KEY'];
  const keySecret = values['key-secret'] ?? env['CONDUCTOR_AUTH_SECRET'];
  if ((keyId === undefined) !== (keySecret === undefined)) {
    throw new UsageError('set both CONDUCTOR_AUTH_KEY and CONDUCTOR_AUTH_SECRET (Orkes), or neither (an OSS server without auth).');
  }
  // The SDK appends /api itself.
  const base = serverUrl.replace(/\/+$/, '').replace(/\/api$/, '');
  return { serverUrl: base, ...(keyId !== undefined && { keyId, keySecret }) };
}
