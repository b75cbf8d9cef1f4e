/** Matching the build signature a device reports against a commit, and the quality gates. */
import { describe, expect, it } from 'vitest';
import { sameCommit, signatureMatches } from '../../definitions/services/build-signature.ts';
import { evaluateGates } from '../../definitions/services/quality-gates.ts';
import { comparePerformance } from '../../definitions/services/performance-compare.ts';

describe('signatureMatches', () => {
  it('matches a commit inside the signature, either side abbreviated', () => {
    const full = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';
    expect(signatureMatches(`K1.node1 ${full} 2025-01-10`, 'a1b2c3d')).toBe(true);
    expect(signatureMatches('K1.node1 a1b2c3d 2025-01-10', full)).toBe(true);
    expect(signatureMatches('K1.node1 A1B2C3D', 'a1b2c3d')).toBe(true);
    expect(signatureMatches('K1.node1 a1b2c3e 2025-01-10', 'a1b2c3d')).toBe(false);
    expect(signatureMatches('K1.node1 0a1b2c3d', 'a1b2c3d')).toBe(false);
    expect(signatureMatches('anything', '')).toBe(false);
    expect(signatureMatches('K1.node1 release-1.4', 'release-1.4')).toBe(true);
  });

  it('sameCommit treats an abbreviation as the same commit', () => {
    expect(sameCommit('a1b2c3d', 'a1b2c3d4e5f6')).toBe(true);
    expect(sameCommit('a1b2c3d', 'a1b2c3e')).toBe(false);
    expect(sameCommit('v1', 'v1')).toBe(true);
  });
});

describe('evaluateGates', () => {
  const limits = { maxWarnings: 0, maxFlashPercent: 70, maxRamPercent: 80 };
  it('fails at the limit for flash and RAM ("must stay below"), above it for warnings ("most allowed")', () => {
    expect(evaluateGates(true, { warning_count: 0, flash_percent: 69.9, ram_percent: 79.9 }, limits).verdict).toBe('pass');
    expect(evaluateGates(true, { warning_count: 1, flash_percent: 70, ram_percent: 80 }, limits).failedGates).toEqual(['warnings 1 > 0', 'flash 70% >= 70%', 'ram 80% >= 80%']);
  });
});

describe('comparePerformance', () => {
  it('is a regression only beyond the limits, and leaves a zero baseline out', () => {
    const limits = { maxFpsDropPercent: 10, maxRenderTimeRisePercent: 15 };
    expect(comparePerformance({ fps: 54, avg_render_time_ms: 11.5 }, { fps: 60, avg_render_time_ms: 10 }, limits).regressions).toEqual([]);
    expect(comparePerformance({ fps: 53.9, avg_render_time_ms: 11.6 }, { fps: 60, avg_render_time_ms: 10 }, limits).regressions).toEqual(['fps -10.2% (limit -10%)', 'avg render time +16.0% (limit +15%)']);
    expect(comparePerformance({ fps: 50, avg_render_time_ms: 1 }, { fps: 0, avg_render_time_ms: 0 }, limits)).toEqual({ fpsChangePercent: null, renderTimeChangePercent: null, regressions: [] });
  });
});
