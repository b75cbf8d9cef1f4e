import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startConductor } from '../../src/conductor/start-conductor.ts';
import { fakeJdk, SERVES_HEALTH } from './fake-jdk.ts';

const root = mkdtempSync(join(tmpdir(), 'k1-start-'));
const saved = { JAVA_HOME: process.env.JAVA_HOME, K1_CONDUCTOR_JAR: process.env.K1_CONDUCTOR_JAR };
beforeAll(() => {
  const jar = join(root, 'conductor.jar');
  writeFileSync(jar, '');
  process.env.K1_CONDUCTOR_JAR = jar;
});
afterAll(() => {
  for (const [key, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  rmSync(root, { recursive: true, force: true });
});

describe('startConductor (with a stand-in java)', () => {
  it('starts the jar on 127.0.0.1 and a free port in a fresh folder, waits for /health, and stops it', async () => {
    process.env.JAVA_HOME = fakeJdk(root, 'jdk-healthy', '21.0.1', SERVES_HEALTH);
    const conductor = await startConductor({ properties: { 'conductor.app.ownerEmailMandatory': 'false' } });
    try {
      expect(conductor.url).toBe(`http://127.0.0.1:${conductor.port}`);
      expect(await (await fetch(`${conductor.url}/health`)).json()).toMatchObject({ healthy: true });
      expect(readFileSync(conductor.logFile, 'utf8')).toContain(
        `fake conductor starting with -jar ${process.env.K1_CONDUCTOR_JAR} --server.address=127.0.0.1 --server.port=${conductor.port} --conductor.app.ownerEmailMandatory=false`,
      );
    } finally {
      await conductor.stop();
    }
    await expect(fetch(`${conductor.url}/health`)).rejects.toThrow();
    expect(existsSync(conductor.workDir)).toBe(false);
  });

  it('reports a server that exits while starting, with its last log lines', async () => {
    process.env.JAVA_HOME = fakeJdk(root, 'jdk-crash', '25', `console.log('APPLICATION FAILED TO START'); console.log('Port 1 was already in use.'); process.exit(1);`);
    await expect(startConductor()).rejects.toThrow(/exited while starting \(exit code 1\)\. Its last log lines:\nAPPLICATION FAILED TO START\nPort 1 was already in use\./);
  });

  it('gives up on a server that never becomes healthy, and kills it', async () => {
    const pidFile = join(root, 'hang.pid');
    process.env.JAVA_HOME = fakeJdk(root, 'jdk-hang', '25', `require('node:fs').writeFileSync(${JSON.stringify(pidFile)}, String(process.pid)); console.log('hanging'); setInterval(() => {}, 1000);`);
    await expect(startConductor({ startTimeoutMs: 1_000 })).rejects.toThrow(/was not healthy on http:\/\/127\.0\.0\.1:\d+\/health within 1000 ms\. Its last log lines:\nhanging/);
    expect(() => process.kill(Number(readFileSync(pidFile, 'utf8')), 0)).toThrow(/ESRCH/);
  });
});
