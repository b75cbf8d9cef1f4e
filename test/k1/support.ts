/**
 * Test support for the K1 services and workers: temporary directories, a fake K1 device on
 * 127.0.0.1, a closed port, a git repository with a PlatformIO project, the fake `pio` executable,
 * and a way to run a ConductorWorker the way the SDK does.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConductorWorker, Task } from '@io-orkes/conductor-javascript';

/** The fake pio executable (rig/bin/pio). */
export const FAKE_PIO = join(import.meta.dirname, '..', '..', 'rig', 'bin', 'pio');

/** The fake npm executable (rig/bin/npm). */
export const FAKE_NPM = join(import.meta.dirname, '..', '..', 'rig', 'bin', 'npm');

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

// ---- the fake device (rig/fake-device.ts) -------------------------------------------------------

export { startFakeDevice } from '../../rig/fake-device.ts';
export type { DeviceMode, FakeDevice, FakeDeviceState } from '../../rig/fake-device.ts';

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
  route: (method: string, url: string, body: string, headers: IncomingMessage['headers']) => { status: number; body: unknown; headers?: Record<string, string> },
): Promise<{ url: string; requests: RecordedRequest[]; close(): Promise<void> }> {
  const requests: RecordedRequest[] = [];
  const server = createServer(async (req, res) => {
    let body = '';
    for await (const chunk of req) body += String(chunk);
    requests.push({ method: req.method ?? '', url: req.url ?? '', body, headers: req.headers });
    const answer = route(req.method ?? '', req.url ?? '', body, req.headers);
    res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
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
