import { orkesConductorClient } from '@io-orkes/conductor-javascript';
import { z } from 'zod';
import type { Redactor } from './redactor.ts';
import { describeAnswer, parseAnswer, type ServerAnswer } from './server-answer.ts';
import { ServerError } from './server-error.ts';
import { createServerFetch } from './server-fetch.ts';

/** Where and how to reach a Conductor server. Secrets stay in here: nothing prints them. */
export interface ServerConnection {
  /** The server's base URL, without `/api` (e.g. `http://localhost:8080`). */
  readonly serverUrl: string;
  /** Orkes application key id (with keySecret); leave both out for an OSS server without auth. */
  readonly keyId?: string | undefined;
  readonly keySecret?: string | undefined;
  /** Time limit of each request, in seconds (the token request included). @default 10 */
  readonly timeoutSeconds?: number;
}

/** The time limit of each request when none is given, in seconds. */
export const DEFAULT_TIMEOUT_SECONDS = 10;

/** The SDK client `orkesConductorClient()` resolves to. */
export type SdkClient = Awaited<ReturnType<typeof orkesConductorClient>>;

/** What {@link connectServerClient} gives: the SDK client, and the `security` to pass on raw calls. */
export interface ServerClient {
  readonly client: SdkClient;
  /** Pass as `security` on `client.get/post/put` calls so the token (if any) is sent. */
  readonly security: readonly { readonly name: string; readonly type: 'apiKey' }[];
}

/**
 * Answers the SDK's token request while it is being built: 404 is how the SDK recognises an OSS
 * server without auth, so it starts no token-refresh timer (that timer is what kept `register`
 * running forever) and sends nothing anywhere.
 */
const inertFetch: typeof fetch = () => Promise.resolve(new Response('{"status":404}', { status: 404, headers: { 'content-type': 'application/json' } }));

const TokenAnswer = z.object({ token: z.string().min(1) }).passthrough();

/**
 * The official SDK client, talking only to `connection.serverUrl`. SDK 4.0.0 reads
 * CONDUCTOR_SERVER_URL, CONDUCTOR_AUTH_KEY/SECRET (and its timeouts, proxy, TLS settings) from the
 * environment even with `useEnvVars: false`, over what it is given, and wraps every request in its
 * own retries (3 for connection faults, 5 for 429, not configurable). So it is built with an inert
 * fetch, then pointed at the named server with the CLI's transport ({@link createServerFetch}: one
 * retry policy, a time limit, no redirects, no other origin), and the token is asked for here,
 * once, within the time limit: the SDK never sees the keys, so no refresh timer keeps the
 * process alive. The token is added to `redactor`.
 * @throws ServerError when the credentials are refused, the token endpoint does not answer in
 * time, or answers something that is not a token.
 */
export async function connectServerClient(connection: ServerConnection, redactor: Redactor): Promise<ServerClient> {
  const origin = new URL(connection.serverUrl).origin;
  const timeoutMs = (connection.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS) * 1000;
  const client = await orkesConductorClient({ serverUrl: connection.serverUrl, useEnvVars: false }, inertFetch);
  const transport = createServerFetch({ origin, timeoutMs });
  client.setConfig({ baseUrl: connection.serverUrl, fetch: transport as typeof fetch, throwOnError: false });
  const security = [{ name: 'X-Authorization', type: 'apiKey' as const }];
  if (connection.keyId === undefined || connection.keySecret === undefined) return { client, security: [] };

  redactor.add(connection.keySecret);
  const result = await client.post({ url: '/api/token', body: { keyId: connection.keyId, keySecret: connection.keySecret }, parseAs: 'text', throwOnError: false });
  const answer = answerOf(result);
  // conductor-oss 3.32.3 has no token endpoint: 404 "No static resource api/token.", no auth needed.
  if (answer.status === 404) return { client, security: [] };
  if (answer.status === 401 || answer.status === 403) {
    throw new ServerError(`the server refused the credentials (HTTP ${answer.status}). Check CONDUCTOR_AUTH_KEY and CONDUCTOR_AUTH_SECRET.`, answer.status);
  }
  if (answer.status !== 200) throw new ServerError(`asking ${origin}/api/token for a token: ${describeAnswer(answer, redactor)}.`, answer.status);
  const { token } = parseAnswer(answer, TokenAnswer, 'asking for a token', 'JSON {"token": "..."}', redactor);
  redactor.add(token);
  client.setConfig({ auth: token });
  return { client, security };
}

/**
 * The answer of an SDK client call made with `parseAs: 'text'` and `throwOnError: false`: the
 * body text is `data` on success; on an error the client has parsed it as JSON when it could.
 */
export function answerOf(result: { data?: unknown; error?: unknown; response: Response }): ServerAnswer {
  const body = result.response.ok ? result.data : result.error;
  const contentType = result.response.headers.get('content-type') ?? '';
  // The client turns an empty error body into `{}`; an untyped `{}` is that empty body.
  const empty = body === undefined || (contentType === '' && typeof body === 'object' && body !== null && Object.keys(body).length === 0);
  const text = typeof body === 'string' ? body : empty ? '' : JSON.stringify(body);
  return { status: result.response.status, contentType, text };
}
