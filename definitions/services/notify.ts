/** What a notification carries. */
export interface Notification {
  /** Where to post; empty: skip. */
  readonly webhookUrl: string;
  readonly severity: 'info' | 'warning' | 'error';
  readonly title: string;
  readonly message: string;
}

/** What a notification did. */
export interface NotifyResult {
  /** True when the webhook answered 2xx; false when skipped or refused (4xx). */
  readonly delivered: boolean;
  /** HTTP status; 0 when skipped. */
  readonly statusCode: number;
}

/** A webhook failure worth retrying (network error, timeout, 5xx or 429). */
export class NotifyError extends Error {
  readonly code = 'notify_failed';
  constructor(message: string, readonly statusCode: number) {
    super(message);
    this.name = 'NotifyError';
  }
}

/** Options of {@link createNotifier}. */
export interface NotifierOptions {
  /** Per request, ms. @default 10000 */
  readonly timeoutMs?: number;
  /** @default globalThis.fetch */
  readonly fetch?: typeof fetch;
}

/** Posts notifications to webhooks. */
export interface Notifier {
  send(notification: Notification, signal?: AbortSignal): Promise<NotifyResult>;
}

const ICONS = { info: ':information_source:', warning: ':warning:', error: ':rotating_light:' } as const;

/**
 * Posts a notification as JSON: a Slack-compatible `text` (mrkdwn: bold title, then the message)
 * plus `title`, `message` and `severity` for other receivers. An empty URL skips it
 * (delivered false, status 0). A 4xx is an answer (delivered false with the status: a retry would
 * get the same); a network error, timeout, 429 or 5xx throws {@link NotifyError} so the task retries.
 * A redirect is never followed (the notification goes to the host it names, nowhere else): a 3xx
 * is an answer like a 4xx (delivered false with its status).
 */
export function createNotifier(options: NotifierOptions = {}): Notifier {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const doFetch = options.fetch ?? globalThis.fetch;
  return {
    async send(n, signal) {
      if (n.webhookUrl === '') return { delivered: false, statusCode: 0 };
      let url: URL;
      try {
        url = new URL(n.webhookUrl);
      } catch {
        throw new NotifyError(`Webhook URL ${JSON.stringify(n.webhookUrl)} is not a URL`, 0);
      }
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new NotifyError(`Webhook URL must be http(s), got ${url.protocol}`, 0);
      const body = { text: `${ICONS[n.severity]} *${n.title}*\n${n.message}`, title: n.title, message: n.message, severity: n.severity };
      const timeout = AbortSignal.timeout(timeoutMs);
      let response: Response;
      try {
        response = await doFetch(url, {
          method: 'POST',
          redirect: 'manual',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
          signal: signal ? AbortSignal.any([timeout, signal]) : timeout,
        });
        await response.arrayBuffer();
      } catch (error) {
        throw new NotifyError(`Webhook ${url.host} ${timeout.aborted ? `did not answer within ${timeoutMs} ms` : `unreachable: ${(error as Error).message}`}`, 0);
      }
      if (response.status === 429 || response.status >= 500) throw new NotifyError(`Webhook ${url.host} answered HTTP ${response.status}; will retry`, response.status);
      return { delivered: response.ok, statusCode: response.status };
    },
  };
}
