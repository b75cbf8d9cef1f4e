/**
 * Test support for the K1 services and workers: temporary directories, a fake K1 device on
 * 127.0.0.1, a closed port, a git repository with a PlatformIO project, the fake `pio` executable,
 * and a way to run a ConductorWorker the way the SDK does.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConductorWorker, Task } from '@io-orkes/conductor-javascript';

/** The fake pio executable (test/fixtures/bin/pio). */
export const FAKE_PIO = join(import.meta.dirname, '..', 'fixtures', 'bin', 'pio');

/** A temporary directory, removed by the returned cleanup. */
export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `k1-${prefix}-`));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** The argv of every fake pio call recorded in `logPath`. */
export function pioCalls(logPath: string): string[][] {
  if (!existsSync(logPath)) return [];
  return readFileSync(logPath, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => (JSON.parse(l) as { argv: string[] }).argv);
}

// ---- the fake device --------------------------------------------------------------------------

/** How the fake device answers. */
export type DeviceMode = 'online' | 'slow' | 'malformed' | 'wrong-shape' | 'error-500';

export interface FakeDeviceState {
  mode: DeviceMode;
  build_signature: string;
  free_heap: number;
  uptime_seconds: number;
  fps: number;
  avg_render_time_ms: number;
  active_pattern: string;
  /** Delay of the slow mode, ms. */
  slowMs: number;
}

export interface FakeDevice {
  readonly port: number;
  readonly state: FakeDeviceState;
  /** `METHOD path body` of every request. */
  readonly requests: string[];
  close(): Promise<void>;
}

/** A K1 device API on 127.0.0.1 (random port); change `state` to change its answers. */
export async function startFakeDevice(initial: Partial<FakeDeviceState> = {}): Promise<FakeDevice> {
  const state: FakeDeviceState = {
    mode: 'online',
    build_signature: 'K1.node1 a1b2c3d4e5f6 2025-01-10T12:00:00Z',
    free_heap: 120_000,
    uptime_seconds: 42,
    fps: 60,
    avg_render_time_ms: 8,
    active_pattern: 'idle',
    slowMs: 2000,
    ...initial,
  };
  const requests: string[] = [];
  let sample = 0;
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    let body = '';
    for await (const chunk of req) body += String(chunk);
    requests.push(`${req.method} ${req.url}${body ? ` ${body}` : ''}`);
    const send = (status: number, payload: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(typeof payload === 'string' ? payload : JSON.stringify(payload));
    };
    if (state.mode === 'slow') await new Promise((r) => setTimeout(r, state.slowMs));
    if (state.mode === 'malformed') return send(200, '{"build_signature": "K1.node1 a1b2c3d", "free_heap": 12');
    if (state.mode === 'error-500') return send(500, { error: 'internal' });
    if (req.url === '/api/device/info' && req.method === 'GET') {
      if (state.mode === 'wrong-shape') return send(200, { build_signature: state.build_signature, free_heap: 'plenty', uptime_seconds: 1 });
      return send(200, {
        build_signature: state.build_signature,
        platform: 'ESP32-S3',
        framework_version: '2.0.14',
        free_heap: state.free_heap,
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
        free_heap: state.free_heap - sample * 100,
      });
    }
    if (req.url === '/api/pattern/activate' && req.method === 'POST') {
      const pattern = (JSON.parse(body || '{}') as { pattern?: string }).pattern ?? '';
      state.active_pattern = pattern;
      return send(200, { success: true, active_pattern: pattern });
    }
    send(404, { error: 'not found' });
  };
  const server: Server = createServer((req, res) => {
    handle(req, res).catch(() => res.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as AddressInfo).port,
    state,
    requests,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** A port nothing listens on (listened on, then closed). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

/** A JSON HTTP server on 127.0.0.1 answering with `route(method, url, body)`; records requests. */
export interface RecordedRequest {
  readonly method: string;
  readonly url: string;
  readonly body: string;
  readonly headers: IncomingMessage['headers'];
}

export async function startJsonServer(
  route: (method: string, url: string, body: string, headers: IncomingMessage['headers']) => { status: number; body: unknown },
): Promise<{ url: string; requests: RecordedRequest[]; close(): Promise<void> }> {
  const requests: RecordedRequest[] = [];
  const server = createServer(async (req, res) => {
    let body = '';
    for await (const chunk of req) body += String(chunk);
    requests.push({ method: req.method ?? '', url: req.url ?? '', body, headers: req.headers });
    const answer = route(req.method ?? '', req.url ?? '', body, req.headers);
    res.writeHead(answer.status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(answer.body));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

// ---- a git repository with a PlatformIO project -------------------------------------------------

const GIT_ENV = { ...process.env, GIT_AUTHOR_NAME: 'Ada Dev', GIT_AUTHOR_EMAIL: 'ada@k1.test', GIT_COMMITTER_NAME: 'Ada Dev', GIT_COMMITTER_EMAIL: 'ada@k1.test' };

/** Runs git in `dir`; returns trimmed stdout. */
export function git(dir: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd: dir, env: GIT_ENV, encoding: 'utf8' }).trim();
}

/** A repository with `firmware/platformio.ini` on main and two commits; returns the commit SHAs. */
export function makeFirmwareRepo(dir: string): { first: string; second: string; projectDir: string } {
  git(dir, 'init', '--quiet', '--initial-branch=main');
  const projectDir = join(dir, 'firmware');
  mkdirSync(join(projectDir, 'src'), { recursive: true });
  writeFileSync(join(dir, '.gitignore'), '.pio/\n');
  writeFileSync(join(projectDir, 'platformio.ini'), '[env:esp32-s3-devkitc-1]\nplatform = espressif32\nboard = esp32-s3-devkitc-1\nframework = arduino\n\n[env:esp32-s3-devkitc-1-ota]\nextends = env:esp32-s3-devkitc-1\nupload_protocol = espota\n');
  writeFileSync(join(projectDir, 'src', 'main.cpp'), '#include <Arduino.h>\nvoid setup() {}\nvoid loop() {}\n');
  git(dir, 'add', '.');
  git(dir, 'commit', '--quiet', '-m', 'K1 firmware skeleton');
  const first = git(dir, 'rev-parse', 'HEAD');
  writeFileSync(join(projectDir, 'src', 'main.cpp'), '#include <Arduino.h>\nvoid setup() { Serial.begin(115200); }\nvoid loop() {}\n');
  git(dir, 'commit', '--quiet', '-am', 'Serial logging');
  const second = git(dir, 'rev-parse', 'HEAD');
  return { first, second, projectDir };
}

// ---- running a worker as the SDK does -----------------------------------------------------------

/** What a worker execution returned, with the fields the tests read. */
export interface Execution {
  status: string;
  outputData: Record<string, unknown>;
  reasonForIncompletion?: string;
  logs?: { log: string }[];
}

/** Runs one task through a worker, as the SDK's poller would. */
export async function execute(worker: ConductorWorker, inputData: Record<string, unknown>, extra: Partial<Task> = {}): Promise<Execution> {
  const task = { taskId: 'task-1', workflowInstanceId: 'wf-1', referenceTaskName: worker.taskDefName, taskType: worker.taskDefName, inputData, retryCount: 0, pollCount: 1, ...extra } as Task;
  return (await worker.execute(task)) as unknown as Execution;
}

/** The worker of `name`; fails the test when there is none. */
export function workerOf(workers: readonly ConductorWorker[], name: string): ConductorWorker {
  const w = workers.find((x) => x.taskDefName === name);
  if (!w) throw new Error(`no worker for ${name}`);
  return w;
}
