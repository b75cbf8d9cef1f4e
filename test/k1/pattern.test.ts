/** Pattern specs, the generated C++, and the commit to patterns/<name> in a real git repository. */
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createGit } from '../../definitions/services/git.ts';
import { BaseBranchNotFoundError, checkPatternSpec, createPatternService, generatePatternCpp } from '../../definitions/services/pattern.ts';
import { git, makeFirmwareRepo, removeDir, tempDir } from './support.ts';

const SPEC = JSON.stringify({ effect: 'spectrum_bars', palette: ['#1a0033', '#ff00aa'], speed: 1.5, audio_reactive: true });

describe('checkPatternSpec', () => {
  it('accepts a valid spec', () => {
    const check = checkPatternSpec('spectrum_bars', SPEC);
    expect(check).toEqual({ ok: true, spec: { effect: 'spectrum_bars', palette: ['#1a0033', '#ff00aa'], speed: 1.5, audio_reactive: true, brightness: 1 } });
  });

  it('lists every problem with its field', () => {
    const check = checkPatternSpec('bars', JSON.stringify({ effect: 'plasma', palette: ['red'], speed: 0, extra: 1 }));
    expect(check.ok).toBe(false);
    if (check.ok) return;
    expect(check.errors).toEqual([
      'effect: effect is one of solid, gradient, pulse, wave, sparkle, spectrum_bars',
      'palette.0: a colour is "#rrggbb"',
      'speed: speed must be above 0',
      'audio_reactive: Required',
      "(spec): Unrecognized key(s) in object: 'extra'",
    ]);
  });

  it('says when the source is not JSON, and when the spec names another pattern', () => {
    expect(checkPatternSpec('bars', 'effect = plasma')).toEqual({ ok: false, errors: [expect.stringMatching(/^pattern_source is not JSON: /)] });
    expect(checkPatternSpec('bars', JSON.stringify({ name: 'other', effect: 'solid', palette: ['#ffffff'], speed: 1, audio_reactive: false }))).toEqual({
      ok: false,
      errors: ['name: the spec names "other" but the task was asked for "bars"'],
    });
  });
});

describe('generatePatternCpp', () => {
  it('writes a header and a source that defines, optimises and registers the render function', () => {
    const check = checkPatternSpec('spectrum_bars', SPEC);
    if (!check.ok) throw new Error('spec');
    const code = generatePatternCpp('spectrum_bars', check.spec, 'O3');
    expect(code.headerName).toBe('spectrum_bars.h');
    expect(code.header).toContain('void render_spectrum_bars(CRGB* leds, uint16_t count, const AudioFrame& audio, uint32_t time_ms);');
    expect(code.source).toContain('#pragma GCC optimize("O3")');
    // The pragma comes after the includes: it applies to the pattern, not to FastLED's inline code.
    expect(code.source.indexOf('#pragma GCC optimize')).toBeGreaterThan(code.source.lastIndexOf('#include'));
    expect(code.source).toContain('constexpr CRGB kPalette[] = {CRGB(0x1a, 0x00, 0x33), CRGB(0xff, 0x00, 0xaa)};');
    expect(code.source).toContain('constexpr float kSpeed = 1.5f;');
    expect(code.source).toContain('K1_REGISTER_PATTERN("spectrum_bars", render_spectrum_bars);');
    // Braces balance (a cheap check that every effect body is well formed).
    for (const effect of ['solid', 'gradient', 'pulse', 'wave', 'sparkle', 'spectrum_bars'] as const) {
      const src = generatePatternCpp('p', { effect, palette: ['#ffffff'], speed: 2, audio_reactive: false, brightness: 0.5 }, 'Os').source;
      expect(src.split('{').length).toBe(src.split('}').length);
      expect(src.split('(').length).toBe(src.split(')').length);
    }
  });
});

describe('pattern service with git', () => {
  let dir: string;
  let repo: ReturnType<typeof makeFirmwareRepo>;
  beforeEach(() => {
    dir = tempDir('pattern');
    repo = makeFirmwareRepo(dir);
  });
  afterEach(() => removeDir(dir));

  const service = () => createPatternService({ git: createGit({ repoDir: repo.projectDir }) });
  const input = { pattern_name: 'spectrum_bars', pattern_source: SPEC, optimization_level: 'O2' as const, base_branch: 'main' };

  it('commits the generated files to patterns/<name> on top of the base branch, leaving the checkout alone', async () => {
    const result = await service().generate(input);
    expect(result).toEqual({
      valid: true,
      validation_errors: [],
      validation_message: '',
      cpp_path: 'firmware/src/patterns/generated/spectrum_bars.cpp',
      branch: 'patterns/spectrum_bars',
      commit_sha: expect.stringMatching(/^[0-9a-f]{40}$/),
    });
    expect(git(dir, 'rev-parse', 'patterns/spectrum_bars')).toBe(result.commit_sha);
    expect(git(dir, 'rev-parse', `${result.commit_sha}^`)).toBe(repo.second);
    expect(git(dir, 'show', '--name-only', '--format=%s', result.commit_sha).split('\n')).toEqual([
      'pattern spectrum_bars: generated spectrum_bars (-O2)',
      '',
      'firmware/src/patterns/generated/spectrum_bars.cpp',
      'firmware/src/patterns/generated/spectrum_bars.h',
    ]);
    expect(git(dir, 'show', `${result.commit_sha}:firmware/src/patterns/generated/spectrum_bars.cpp`)).toContain('#pragma GCC optimize("O2")');
    expect(git(dir, 'log', '-1', '--format=%an <%ae>', result.commit_sha)).toBe('K1 workflows <build-system@k1.reinvented>');
    // The working tree, index and HEAD are untouched.
    expect(git(dir, 'rev-parse', 'HEAD')).toBe(repo.second);
    expect(git(dir, 'status', '--porcelain')).toBe('');
  });

  it('gives the same commit when run again with the same spec and base (a retried task)', async () => {
    const first = await service().generate(input);
    const second = await service().generate(input);
    expect(second.commit_sha).toBe(first.commit_sha);
    const changed = await service().generate({ ...input, optimization_level: 'Os' });
    expect(changed.commit_sha).not.toBe(first.commit_sha);
    expect(git(dir, 'rev-parse', 'patterns/spectrum_bars')).toBe(changed.commit_sha);
  });

  it('answers valid=false with the problems for an invalid spec, committing nothing', async () => {
    const result = await service().generate({ ...input, pattern_source: JSON.stringify({ effect: 'solid', palette: [], speed: 1, audio_reactive: false }) });
    expect(result).toEqual({
      valid: false,
      validation_errors: ['palette: the palette needs at least 1 colour'],
      validation_message: '1 problem in the pattern spec: palette: the palette needs at least 1 colour',
      cpp_path: '',
      branch: '',
      commit_sha: '',
    });
    expect(git(dir, 'branch', '--list', 'patterns/*')).toBe('');
  });

  it('fails clearly for a base branch that does not exist, or one that looks like an option', async () => {
    await expect(service().generate({ ...input, base_branch: 'release' })).rejects.toBeInstanceOf(BaseBranchNotFoundError);
    await expect(service().generate({ ...input, base_branch: '--upload-pack=evil' })).rejects.toThrow('Invalid branch name "--upload-pack=evil"');
  });

  it('works with the project at the repository root too', async () => {
    const result = await createPatternService({ git: createGit({ repoDir: dir }) }).generate(input);
    expect(result.cpp_path).toBe('src/patterns/generated/spectrum_bars.cpp');
    expect(join(dir, result.cpp_path)).toContain(dir);
  });
});
