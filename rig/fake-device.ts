/**
 * A fake K1 device on 127.0.0.1: the device HTTP API the workers call (`/api/device/info`,
 * `/api/device/performance`, `/api/pattern/activate`) and `POST /fake/ota`, where the fake `pio`
 * (rig/bin/pio) sends the firmware an OTA upload flashes. The device then runs that firmware: it
 * reports the build signature embedded in it and remembers its sha256, so a test or the rig can
 * check which bytes reached which device. Used by the tests and by `npm run rig`.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** How the fake device answers its API. */
export type DeviceMode = 'online' | 'slow' | 'malformed' | 'wrong-shape' | 'error-500';

/** What the fake device reports; change it to change its answers. */
export interface FakeDeviceState {
  mode: DeviceMode;
  /** The running firmware's build signature, e.g. `K1.node1 a1b2c3d 2026-01-01T00:00:00Z`. */
  build_signature: string;
  /** sha256 (hex) of the firmware flashed last by an OTA upload; null before the first. */
  firmware_sha256: string | null;
  /** Free heap in bytes while running firmware that is not in {@link lowHeapFirmware}. */
  free_heap: number;
  uptime_seconds: number;
  fps: number;
  avg_render_time_ms: number;
  active_pattern: string;
  /** Delay of the slow mode, ms. */
  slowMs: number;
  /** OTA uploads still to refuse (503), one fewer each time: an upload that fails, then works. */
  otaFailures: number;
  /**
   * Firmware this device runs short of memory with: while its build signature contains one of
   * these texts (a commit SHA), it reports {@link lowHeapBytes} of free heap.
   */
  lowHeapFirmware: string[];
  /** Free heap reported while running low-heap firmware, bytes. */
  lowHeapBytes: number;
}

/** One OTA upload the device took. */
export interface OtaUpload {
  readonly sha256: string;
  readonly build_signature: string;
  readonly bytes: number;
  /** ISO time. */
  readonly at: string;
}

/** A running fake device. */
export interface FakeDevice {
  readonly port: number;
  /** Its device address, `127.0.0.1:<port>`. */
  readonly address: string;
  readonly state: FakeDeviceState;
  /** `METHOD path body` of every API request (an OTA upload as `POST /fake/ota <n> bytes`). */
  readonly requests: string[];
  /** Every OTA upload taken, oldest first (refused ones are not listed). */
  readonly uploads: OtaUpload[];
  close(): Promise<void>;
}

/** The marker the fake pio writes before the build signature in firmware.bin. */
const SIGNATURE_MARKER = 'K1BUILD:';
const MAX_FIRMWARE_BYTES = 16 * 1024 * 1024;

/** The build signature embedded in a firmware image, or undefined when it carries none. */
export function embeddedSignature(firmware: Buffer): string | undefined {
  const at = firmware.indexOf(SIGNATURE_MARKER);
  if (at === -1) return undefined;
  const end = firmware.indexOf('\n', at);
  return firmware.subarray(at + SIGNATURE_MARKER.length, end === -1 ? undefined : end).toString('utf8');
}

/** Starts a fake K1 device on 127.0.0.1 (a free port). */
export async function startFakeDevice(initial: Partial<FakeDeviceState> = {}): Promise<FakeDevice> {
  const state: FakeDeviceState = {
    mode: 'online',
    build_signature: 'K1.node1 a1b2c3d4e5f6 2025-01-10T12:00:00Z',
    firmware_sha256: null,
    free_heap: 120_000,
    uptime_seconds: 42,
    fps: 60,
    avg_render_time_ms: 8,
    active_pattern: 'idle',
    slowMs: 2000,
    otaFailures: 0,
    lowHeapFirmware: [],
    lowHeapBytes: 30_000,
    ...initial,
  };
  const requests: string[] = [];
  const uploads: OtaUpload[] = [];
  let sample = 0;
  const heap = (): number => (state.lowHeapFirmware.some((text) => text !== '' && state.build_signature.includes(text)) ? state.lowHeapBytes : state.free_heap);

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > MAX_FIRMWARE_BYTES) return void res.destroy();
      chunks.push(chunk as Buffer);
    }
    const body = Buffer.concat(chunks);
    const send = (status: number, payload: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(typeof payload === 'string' ? payload : JSON.stringify(payload));
    };
    if (req.url === '/fake/ota' && req.method === 'POST') {
      requests.push(`POST /fake/ota ${body.length} bytes`);
      if (state.otaFailures > 0) {
        state.otaFailures -= 1;
        return send(503, { error: 'OTA refused (fault injected by the rig)' });
      }
      const sha256 = createHash('sha256').update(body).digest('hex');
      state.build_signature = embeddedSignature(body) ?? `unsigned firmware ${sha256.slice(0, 12)}`;
      state.firmware_sha256 = sha256;
      state.uptime_seconds = 0;
      uploads.push({ sha256, build_signature: state.build_signature, bytes: body.length, at: new Date().toISOString() });
      return send(200, { ok: true, sha256 });
    }
    const text = body.toString('utf8');
    requests.push(`${req.method} ${req.url}${text ? ` ${text}` : ''}`);
    if (state.mode === 'slow') await new Promise((r) => setTimeout(r, state.slowMs));
    if (state.mode === 'malformed') return send(200, '{"build_signature": "K1.node1 a1b2c3d", "free_heap": 12');
    if (state.mode === 'error-500') return send(500, { error: 'internal' });
    if (req.url === '/api/device/info' && req.method === 'GET') {
      if (state.mode === 'wrong-shape') return send(200, { build_signature: state.build_signature, free_heap: 'plenty', uptime_seconds: 1 });
      return send(200, {
        build_signature: state.build_signature,
        platform: 'ESP32-S3',
        framework_version: '2.0.14',
        free_heap: heap(),
        uptime_seconds: state.uptime_seconds,
        ip_address: '127.0.0.1',
      });
    }
    if (req.url === '/api/device/performance' && req.method === 'GET') {
      sample += 1;
      return send(200, {
        fps: state.fps + (sample % 2 === 0 ? 1 : -1),
        avg_render_time_ms: state.avg_render_time_ms,
        max_render_time_ms: state.avg_render_time_ms + sample,
        audio_latency_ms: 12,
        free_heap: heap() - sample * 100,
      });
    }
    if (req.url === '/api/pattern/activate' && req.method === 'POST') {
      const pattern = (JSON.parse(text || '{}') as { pattern?: string }).pattern ?? '';
      state.active_pattern = pattern;
      return send(200, { success: true, active_pattern: pattern });
    }
    send(404, { error: 'not found' });
  };
  const server: Server = createServer((req, res) => {
    handle(req, res).catch(() => res.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    address: `127.0.0.1:${port}`,
    state,
    requests,
    uploads,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
