/**
 * `npm run bench -- --json`: one JSON object holding every side-by-side pair, checked on a tiny run
 * (`--quick`) with no Java reachable, where the pairs that need the real server say why they were
 * skipped. The figures themselves are not asserted: timing targets live only in the bench.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import type { PairsReport } from '../../scripts/bench-pairs.ts';

const exec = promisify(execFile);

it('prints the pairs as data, and names each pair the real server would be needed for as skipped, with the reason', async () => {
  const emptyPath = mkdtempSync(join(tmpdir(), 'k1-bench-path-'));
  try {
    const env: NodeJS.ProcessEnv = { ...process.env, PATH: emptyPath };
    for (const name of ['K1_CONDUCTOR_URL', 'JAVA_HOME', 'CONDUCTOR_SERVER_URL']) delete env[name];
    const { stdout } = await exec(process.execPath, ['--import', 'tsx', 'scripts/bench.ts', '--json', '--quick'], { env, maxBuffer: 1 << 20 });
    const report = JSON.parse(stdout) as PairsReport;
    expect(report.quick).toBe(true);
    expect(report.loadBefore.cores).toBeGreaterThan(0);
    expect(report.loadBefore.loadAverage).toHaveLength(3);
    expect(report.pairs.map((p) => p.name)).toEqual(['loop-busy-vs-quiet', 'chain-busy-vs-quiet', 'fork-busy-vs-quiet', 'gen-vs-tsx-floor']);
    for (const p of report.pairs) {
      expect(Object.keys(p).sort()).toEqual(['left', 'leftIs', 'name', 'ratio', 'right', 'rightIs', 'unit']);
      expect(p.left).toBeGreaterThan(0);
      expect(p.right).toBeGreaterThan(0);
      // Rates: left / right; costs: right / left (above 1, the left side is better).
      const expected = p.unit.endsWith('/s') ? p.left / p.right : p.right / p.left;
      expect(Math.abs(p.ratio / expected - 1)).toBeLessThan(0.01);
    }
    expect(report.pairs.find((p) => p.name === 'gen-vs-tsx-floor')?.unit).toBe('ms');
    expect(report.pairs.find((p) => p.name === 'loop-busy-vs-quiet')?.unit).toBe('transitions/s');
    expect(report.skipped.map((s) => s.name)).toEqual(['runner-vs-server-k1', 'devserver-vs-server-tasks', 'devserver-vs-server-cpu', 'devserver-vs-server-rss', 'cluster-vs-sqlite-runs']);
    const [cluster, ...needServer] = [...report.skipped].reverse();
    expect(cluster?.reason).toBe('measured with --cluster only: it starts PostgreSQL, Redis and three conductor-oss servers (minutes)');
    for (const s of needServer) expect(s.reason).toMatch(/^no real server: K1_CONDUCTOR_URL is not set and one could not be started \(The Conductor server needs Java 21 or later; found no JDK/);
  } finally {
    rmSync(emptyPath, { recursive: true, force: true });
  }
}, 120_000);
