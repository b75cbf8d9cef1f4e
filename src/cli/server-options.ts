import { DEFAULT_TIMEOUT_SECONDS, type ServerConnection } from '../client/server-client.ts';

/** The flags every server command takes; values come from flags first, then the environment. */
export const SERVER_FLAGS = {
  server: { type: 'string' },
  'key-id': { type: 'string' },
  'key-secret': { type: 'string' },
  timeout: { type: 'string' },
  generated: { type: 'string' },
  json: { type: 'boolean' },
} as const;

/** The usage lines' text on the server flags, shared by `diff` and `register`. */
export const SERVER_FLAGS_HELP = `--server URL or CONDUCTOR_SERVER_URL (not both, unless equal); credentials: CONDUCTOR_AUTH_KEY and CONDUCTOR_AUTH_SECRET.
--timeout SECONDS: time limit of each request, the token request included (default ${DEFAULT_TIMEOUT_SECONDS}); a request that does not answer in time ends the command (exit 1).`;

/** A usage problem: the command prints it with its usage line and exits 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** The server's base URL, compared and used without trailing slashes or `/api` (the SDK appends it). */
function baseUrl(text: string): string {
  return text.replace(/\/+$/, '').replace(/\/api$/, '');
}

/**
 * One value from its flag or its environment variable; both set and different is refused (naming
 * both, unless `secret`): the command never picks one silently and talks to a server, or with
 * credentials, the user did not mean.
 */
function oneOf(flag: string, fromFlag: string | undefined, variable: string, fromEnv: string | undefined, same: (a: string, b: string) => boolean, secret = false): string | undefined {
  const env = fromEnv === '' ? undefined : fromEnv;
  if (fromFlag !== undefined && env !== undefined && !same(fromFlag, env)) {
    throw new UsageError(
      secret
        ? `${flag} and ${variable} are both set and differ; unset ${variable} or pass the same value.`
        : `${flag} ${fromFlag} and ${variable}=${env} differ; unset ${variable} or pass the same value.`,
    );
  }
  return fromFlag ?? env;
}

/**
 * The server connection from `--server`/`--key-id`/`--key-secret`/`--timeout` or
 * CONDUCTOR_SERVER_URL, CONDUCTOR_AUTH_KEY and CONDUCTOR_AUTH_SECRET. A flag and its variable both
 * set to different values is a {@link UsageError} (naming both, never the secret).
 */
export function serverConnection(values: { server?: string; 'key-id'?: string; 'key-secret'?: string; timeout?: string }, env: NodeJS.ProcessEnv = process.env): ServerConnection {
  const exact = (a: string, b: string) => a === b;
  const serverUrl = oneOf('--server', values.server, 'CONDUCTOR_SERVER_URL', env['CONDUCTOR_SERVER_URL'], (a, b) => baseUrl(a) === baseUrl(b));
  if (serverUrl === undefined || serverUrl === '') throw new UsageError('no Conductor server: pass --server URL or set CONDUCTOR_SERVER_URL (e.g. http://localhost:8080).');
  let url: URL;
  try {
    url = new URL(serverUrl);
  } catch {
    throw new UsageError(`--server "${serverUrl}" is not a URL; use e.g. http://localhost:8080.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`--server must be an http(s) URL, not ${url.protocol}`);
  const keyId = oneOf('--key-id', values['key-id'], 'CONDUCTOR_AUTH_KEY', env['CONDUCTOR_AUTH_KEY'], exact);
  const keySecret = oneOf('--key-secret', values['key-secret'], 'CONDUCTOR_AUTH_SECRET', env['CONDUCTOR_AUTH_SECRET'], exact, true);
  if ((keyId === undefined) !== (keySecret === undefined)) {
    throw new UsageError('set both CONDUCTOR_AUTH_KEY and CONDUCTOR_AUTH_SECRET (Orkes), or neither (an OSS server without auth).');
  }
  const timeoutSeconds = values.timeout === undefined ? DEFAULT_TIMEOUT_SECONDS : Number(values.timeout);
  if (!Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0 || timeoutSeconds > 3600) {
    throw new UsageError(`--timeout "${values.timeout}" is not a number of seconds between 0 and 3600; use e.g. --timeout 10.`);
  }
  return { serverUrl: baseUrl(serverUrl), timeoutSeconds, ...(keyId !== undefined && { keyId, keySecret }) };
}
