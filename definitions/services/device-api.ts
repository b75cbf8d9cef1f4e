import { z } from 'zod';
import { BoundedFetchError, fetchBounded, type BoundedAnswer } from './bounded-fetch.ts';
import { parseDeviceAddress } from './device-address.ts';

/** `GET /api/device/info`: what the firmware reports about itself. Extra fields are kept. */
export const deviceInfoSchema = z
  .object({
    build_signature: z.string(),
    free_heap: z.number().int().nonnegative(),
    uptime_seconds: z.number().nonnegative(),
    platform: z.string().optional(),
    framework_version: z.string().optional(),
    ip_address: z.string().optional(),
  })
  .passthrough();

/** `GET /api/device/performance`: the LED engine's current figures. */
export const devicePerformanceSchema = z
  .object({
    fps: z.number().nonnegative(),
    avg_render_time_ms: z.number().nonnegative(),
    max_render_time_ms: z.number().nonnegative(),
    audio_latency_ms: z.number().nonnegative(),
    free_heap: z.number().int().nonnegative(),
  })
  .passthrough();

/** `POST /api/pattern/activate` answer: firmware versions differ, so every field is optional. */
const activateAnswerSchema = z
  .object({
    success: z.boolean().optional(),
    ok: z.boolean().optional(),
    active_pattern: z.string().optional(),
    pattern: z.string().optional(),
    error: z.string().optional(),
  })
  .passthrough();

export type DeviceInfo = z.infer<typeof deviceInfoSchema>;
export type DevicePerformance = z.infer<typeof devicePerformanceSchema>;

/** How a device call failed. */
export type DeviceErrorCode = 'invalid_address' | 'unreachable' | 'timeout' | 'http_status' | 'redirected' | 'too_large' | 'malformed_json' | 'bad_shape' | 'rejected';

/** A device call that failed; the message names the device, the endpoint and (for a bad answer) the field. */
export class DeviceApiError extends Error {
  constructor(
    readonly code: DeviceErrorCode,
    readonly device: string,
    readonly endpoint: string,
    message: string,
    readonly status?: number,
  ) {
    super(`Device ${device} ${endpoint}: ${message}`);
    this.name = 'DeviceApiError';
  }
}

/** Options of {@link createDeviceApi}. */
export interface DeviceApiOptions {
  /** HTTP port of the device API, for addresses that name none (`host:port` wins). @default 80 */
  readonly port?: number;
  /** Per request, ms. @default 5000 */
  readonly timeoutMs?: number;
  /** The fetch implementation. @default globalThis.fetch */
  readonly fetch?: typeof fetch;
}

/** The K1 device HTTP API. */
export interface DeviceApi {
  info(device: string, signal?: AbortSignal): Promise<DeviceInfo>;
  performance(device: string, signal?: AbortSignal): Promise<DevicePerformance>;
  /** Activates a pattern; `confirmed` is false when the device answered 2xx but named another pattern or said success=false. */
  activatePattern(device: string, pattern: string, signal?: AbortSignal): Promise<{ confirmed: boolean; answer: Record<string, unknown> }>;
}

/** Largest device answer read, bytes; a longer one is cut off unread. */
const MAX_BODY_BYTES = 256 * 1024;

/**
 * A client of the K1 device API (`/api/device/info`, `/api/device/performance`,
 * `/api/pattern/activate`): every request has a timeout, redirects are refused (the request
 * goes to the device named, nowhere else), answers are read up to 256 KiB and no further, every
 * answer is checked against its schema, and every failure is a {@link DeviceApiError} that says
 * what went wrong where.
 */
export function createDeviceApi(options: DeviceApiOptions = {}): DeviceApi {
  const port = options.port ?? 80;
  const timeoutMs = options.timeoutMs ?? 5000;
  const doFetch = options.fetch ?? globalThis.fetch;

  async function call<S extends z.ZodTypeAny>(device: string, method: 'GET' | 'POST', path: string, schema: S, body: unknown, signal?: AbortSignal): Promise<z.infer<S>> {
    const endpoint = `${method} ${path}`;
    const address = parseDeviceAddress(device);
    if (address === undefined) {
      throw new DeviceApiError('invalid_address', JSON.stringify(device), endpoint, 'not an IPv4 address or host name with an optional :port; nothing was sent');
    }
    const devicePort = address.port ?? port;
    const where = devicePort === 80 ? address.host : `${address.host}:${devicePort}`;
    const timeout = AbortSignal.timeout(timeoutMs);
    const combined = signal ? AbortSignal.any([timeout, signal]) : timeout;
    let response: BoundedAnswer;
    try {
      response = await fetchBounded(
        doFetch,
        `http://${where}${path}`,
        {
          method,
          signal: combined,
          headers: { accept: 'application/json', ...(body !== undefined && { 'content-type': 'application/json' }) },
          ...(body !== undefined && { body: JSON.stringify(body) }),
        },
        MAX_BODY_BYTES,
      );
    } catch (error) {
      if (error instanceof BoundedFetchError) throw new DeviceApiError(error.refusal === 'redirect' ? 'redirected' : 'too_large', where, endpoint, error.message);
      if (timeout.aborted) throw new DeviceApiError('timeout', where, endpoint, `no answer within ${timeoutMs} ms (device busy, rebooting or off the network)`);
      if (signal?.aborted) throw new DeviceApiError('unreachable', where, endpoint, 'request aborted (worker shutting down)');
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      throw new DeviceApiError('unreachable', where, endpoint, `cannot connect (${cause?.code ?? cause?.message ?? (error as Error).message}); is the device powered and on the network?`);
    }
    const text = new TextDecoder().decode(response.body);
    if (!response.ok) {
      throw new DeviceApiError('http_status', where, endpoint, `answered HTTP ${response.status}${text ? `: ${text.slice(0, 200)}` : ''}`, response.status);
    }
    let json: unknown;
    if (method === 'POST' && text.trim() === '') json = {};
    else {
      try {
        json = JSON.parse(text);
      } catch (error) {
        throw new DeviceApiError('malformed_json', where, endpoint, `answer is not JSON (${(error as Error).message}): ${JSON.stringify(text.slice(0, 120))}`);
      }
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      const detail = parsed.error.issues.map((i) => `field ${i.path.length > 0 ? i.path.join('.') : '(root)'}: ${i.message}`).join('; ');
      throw new DeviceApiError('bad_shape', where, endpoint, `unexpected answer: ${detail}`);
    }
    return parsed.data;
  }

  return {
    info: (device, signal) => call(device, 'GET', '/api/device/info', deviceInfoSchema, undefined, signal),
    performance: (device, signal) => call(device, 'GET', '/api/device/performance', devicePerformanceSchema, undefined, signal),
    async activatePattern(device, pattern, signal) {
      const answer = await call(device, 'POST', '/api/pattern/activate', activateAnswerSchema, { pattern }, signal);
      const named = answer.active_pattern ?? answer.pattern;
      const refused = answer.success === false || answer.ok === false;
      if (refused) {
        throw new DeviceApiError('rejected', device, 'POST /api/pattern/activate', `refused to activate ${pattern}${answer.error ? `: ${answer.error}` : ''}`);
      }
      return { confirmed: named === undefined || named === pattern, answer };
    },
  };
}
