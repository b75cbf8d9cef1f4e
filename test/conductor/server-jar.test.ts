import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { fetchConductorJar, jarFileName } from '../../src/conductor/server-jar.ts';

const root = mkdtempSync(join(tmpdir(), 'k1-jar-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const saved = process.env.K1_CONDUCTOR_JAR;
afterEach(() => {
  if (saved === undefined) delete process.env.K1_CONDUCTOR_JAR;
  else process.env.K1_CONDUCTOR_JAR = saved;
});

/** A `mvn` that records its arguments and behaves like `dependency:copy` (or fails, printing as Maven does). */
function fakeMvn(name: string, body: string): { path: string; log: string } {
  const path = join(root, name);
  const log = join(root, `${name}.log`);
  writeFileSync(
    path,
    `#!${process.execPath}
const fs = require('node:fs'), p = require('node:path');
const args = process.argv.slice(2);
fs.appendFileSync(${JSON.stringify(log)}, JSON.stringify(args) + '\\n');
const out = args.find((a) => a.startsWith('-DoutputDirectory=')).split('=')[1];
const artifact = args.find((a) => a.startsWith('-Dartifact=')).split('=')[1];
${body}
`,
  );
  chmodSync(path, 0o755);
  return { path, log };
}

describe('fetchConductorJar', () => {
  it('fetches the boot jar with mvn dependency:copy once, then serves it from the cache', async () => {
    delete process.env.K1_CONDUCTOR_JAR;
    const mvn = fakeMvn('mvn-ok', `const [, , version] = artifact.split(':'); fs.writeFileSync(p.join(out, 'conductor-server-' + version + '-boot.jar'), 'jar ' + artifact);`);
    const cacheDir = join(root, 'cache');
    const jar = await fetchConductorJar({ version: '3.32.3', cacheDir, mvn: mvn.path });
    expect(jar).toBe(join(cacheDir, jarFileName('3.32.3')));
    expect(readFileSync(jar, 'utf8')).toBe('jar org.conductoross:conductor-server:3.32.3:jar:boot');
    expect(await fetchConductorJar({ version: '3.32.3', cacheDir, mvn: mvn.path })).toBe(jar);
    const calls = readFileSync(mvn.log, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as string[]);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.slice(0, 4)).toEqual(['-q', '-B', 'dependency:copy', '-Dartifact=org.conductoross:conductor-server:3.32.3:jar:boot']);
  });

  it("says Maven could not fetch it, with Maven's last lines", async () => {
    delete process.env.K1_CONDUCTOR_JAR;
    const mvn = fakeMvn('mvn-fail', `console.log('[ERROR] Failed to execute goal: Could not resolve artifact ' + artifact); process.exit(1);`);
    const cacheDir = join(root, 'cache-fail');
    const error = await fetchConductorJar({ version: '9.9.9', cacheDir, mvn: mvn.path }).catch((e: Error) => e);
    expect((error as Error).message).toContain('Maven could not fetch org.conductoross:conductor-server:9.9.9:jar:boot');
    expect((error as Error).message).toContain('Maven said:\n[ERROR] Failed to execute goal: Could not resolve artifact org.conductoross:conductor-server:9.9.9:jar:boot');
    expect(existsSync(join(cacheDir, jarFileName('9.9.9')))).toBe(false);
  });

  it('says Maven is missing and how to do without it', async () => {
    delete process.env.K1_CONDUCTOR_JAR;
    await expect(fetchConductorJar({ cacheDir: join(root, 'cache-none'), mvn: join(root, 'no-such-mvn') })).rejects.toThrow(
      /Maven \(.*no-such-mvn\) is not installed or not on PATH; .* Install Maven, or set K1_CONDUCTOR_JAR to the jar's path\./,
    );
  });

  it('uses K1_CONDUCTOR_JAR when set, and refuses one that does not exist', async () => {
    const jar = join(root, 'given.jar');
    writeFileSync(jar, '');
    process.env.K1_CONDUCTOR_JAR = jar;
    expect(await fetchConductorJar({ mvn: join(root, 'no-such-mvn') })).toBe(jar);
    process.env.K1_CONDUCTOR_JAR = join(root, 'missing.jar');
    await expect(fetchConductorJar()).rejects.toThrow(`K1_CONDUCTOR_JAR=${join(root, 'missing.jar')} does not exist`);
  });
});
