/**
 * The workers script as a container runs it (`node --import tsx scripts/workers.ts`, the image's
 * CMD): a SIGTERM to that process, what `docker stop` sends, stops the polling and the process
 * exits 0 after draining; its log is JSON lines; its /metrics serves the K1 metrics.
 */
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevServer, type DevServer } from '../../src/server/index.ts';
import { removeDir, tempDir } from '../k1/support.ts';

const ROOT = join(import.meta.dirname, '..', '..');
let dir: string;
let server: DevServer;

beforeAll(async () => {
  dir = tempDir('workers-process');
  mkdirSync(join(dir, 'project'));
  server = await startDevServer({ generatedDir: join(ROOT, 'generated') });
}, 30_000);

afterAll(async () => {
  await server?.close();
  removeDir(dir);
});

describe('the workers process', () => {
  it('drains and exits 0 on SIGTERM to the process the container starts', async () => {
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('CONDUCTOR_')));
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/workers.ts'], {
      cwd: ROOT,
      env: { ...env, CONDUCTOR_SERVER_URL: server.url, PROJECT_DIR: join(dir, 'project'), ARTIFACT_DIR: join(dir, 'artifacts'), SCRATCH_DIR: join(dir, 'work'), HEALTH_PORT: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const lines: Record<string, unknown>[] = [];
    let buffer = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      const parts = buffer.split('\n');
      buffer = parts.pop() ?? '';
      for (const part of parts) if (part.trim() !== '') lines.push(JSON.parse(part) as Record<string, unknown>);
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const deadline = Date.now() + 20_000;
    while (!lines.some((l) => String(l['msg']).startsWith('Polling ')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(lines.map((l) => l['msg'])).toContainEqual(expect.stringMatching(/^Polling http:\/\/127\.0\.0\.1:\d+ \(no auth\)/));
    // The K1 metrics the alerts and dashboards read are served: the script gives runWorkers K1_METRICS.
    const healthUrl = /health on (http:\/\/\S+)\.$/.exec(String(lines.find((l) => String(l['msg']).startsWith('Polling '))?.['msg']))?.[1];
    const metrics = await (await fetch(`${healthUrl}/metrics`)).text();
    expect(metrics).toContain('# TYPE k1_firmware_builds_total counter');
    expect(metrics).toContain('# TYPE k1_device_up gauge');

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(lines.map((l) => l['msg'])).toEqual(expect.arrayContaining([expect.stringMatching(/^SIGTERM received: stopping gracefully/), expect.stringMatching(/^Stopped in \d+ ms/)]));
    expect(lines.every((l) => l['name'] === 'k1-workers' && typeof l['time'] === 'string' && typeof l['level'] === 'string')).toBe(true);
  }, 40_000);
});
