import { posix } from 'node:path';
import { z } from 'zod';
import { assertBranchName, type Git } from './git.ts';

/** The effects the K1 LED engine templates implement. */
export const PATTERN_EFFECTS = ['solid', 'gradient', 'pulse', 'wave', 'sparkle', 'spectrum_bars'] as const;
export type PatternEffect = (typeof PATTERN_EFFECTS)[number];

/** GCC optimisation levels a pattern may be compiled with. */
export const OPTIMIZATION_LEVELS = ['O0', 'O1', 'O2', 'O3', 'Os'] as const;
export type OptimizationLevel = (typeof OPTIMIZATION_LEVELS)[number];

const PATTERN_NAME = /^[a-z][a-z0-9_]{0,47}$/;

/**
 * A pattern spec (the `pattern_source` of generate_pattern), JSON:
 * `{ "effect": "spectrum_bars", "palette": ["#1a0033", "#ff00aa"], "speed": 1.5, "audio_reactive": true }`.
 */
export const patternSpecSchema = z
  .object({
    name: z.string().regex(PATTERN_NAME, 'a pattern name is 1-48 lower-case letters, digits and "_", starting with a letter').optional(),
    description: z.string().max(200, 'at most 200 characters').optional(),
    effect: z.enum(PATTERN_EFFECTS, { errorMap: () => ({ message: `effect is one of ${PATTERN_EFFECTS.join(', ')}` }) }),
    palette: z
      .array(z.string().regex(/^#[0-9a-fA-F]{6}$/, 'a colour is "#rrggbb"'))
      .min(1, 'the palette needs at least 1 colour')
      .max(16, 'the palette holds at most 16 colours'),
    speed: z.number().positive('speed must be above 0').max(10, 'speed is at most 10'),
    audio_reactive: z.boolean(),
    brightness: z.number().min(0, 'brightness is 0 to 1').max(1, 'brightness is 0 to 1').default(1),
  })
  .strict();

export type PatternSpec = z.infer<typeof patternSpecSchema>;

/** A spec that parsed, or every problem found. */
export type SpecCheck = { readonly ok: true; readonly spec: PatternSpec } | { readonly ok: false; readonly errors: string[] };

/** Parses and checks a pattern spec; `name` is the pattern name the task was given. */
export function checkPatternSpec(name: string, source: string): SpecCheck {
  const errors: string[] = [];
  if (!PATTERN_NAME.test(name)) errors.push(`pattern_name: ${JSON.stringify(name)} is not 1-48 lower-case letters, digits and "_" starting with a letter`);
  let json: unknown;
  try {
    json = JSON.parse(source);
  } catch (error) {
    return { ok: false, errors: [...errors, `pattern_source is not JSON: ${(error as Error).message}`] };
  }
  const parsed = patternSpecSchema.safeParse(json);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) errors.push(`${issue.path.length > 0 ? issue.path.join('.') : '(spec)'}: ${issue.message}`);
  } else if (parsed.data.name !== undefined && parsed.data.name !== name) {
    errors.push(`name: the spec names ${JSON.stringify(parsed.data.name)} but the task was asked for ${JSON.stringify(name)}`);
  }
  return errors.length > 0 || !parsed.success ? { ok: false, errors } : { ok: true, spec: parsed.data };
}

const rgb = (hex: string): string => {
  const n = Number.parseInt(hex.slice(1), 16);
  return `CRGB(0x${((n >> 16) & 0xff).toString(16).padStart(2, '0')}, 0x${((n >> 8) & 0xff).toString(16).padStart(2, '0')}, 0x${(n & 0xff).toString(16).padStart(2, '0')})`;
};
const float = (x: number): string => `${Number.isInteger(x) ? x.toFixed(1) : String(x)}f`;

/** The render body of each effect: C++ over `leds`, `count`, `audio`, `time_ms` and the constants. */
const EFFECT_BODIES: Record<PatternEffect, string> = {
  solid: `  const CRGB colour = kPalette[(time_ms / 1000U) % kPaletteSize];
  fill_solid(leds, count, colour);
  nscale8_video(leds, count, level_to_brightness(level(audio)));`,
  gradient: `  const uint8_t shift = static_cast<uint8_t>(time_ms * kSpeed / 16.0f);
  for (uint16_t i = 0; i < count; ++i) {
    leds[i] = palette_at(static_cast<uint8_t>((i * 255U) / count) + shift);
  }
  nscale8_video(leds, count, level_to_brightness(level(audio)));`,
  pulse: `  const float phase = sinf(time_ms * 0.001f * kSpeed * 6.2831853f) * 0.5f + 0.5f;
  const float boost = (kAudioReactive && audio.beat) ? 1.0f : phase;
  fill_solid(leds, count, palette_at(static_cast<uint8_t>(time_ms / 64U)));
  nscale8_video(leds, count, level_to_brightness(boost * level(audio)));`,
  wave: `  for (uint16_t i = 0; i < count; ++i) {
    const float x = static_cast<float>(i) / count;
    const float v = sinf((x * 2.0f - time_ms * 0.001f * kSpeed) * 6.2831853f) * 0.5f + 0.5f;
    leds[i] = palette_at(static_cast<uint8_t>(x * 255.0f));
    leds[i].nscale8_video(level_to_brightness(v * level(audio)));
  }`,
  sparkle: `  fadeToBlackBy(leds, count, static_cast<uint8_t>(32.0f * kSpeed));
  const uint8_t sparks = static_cast<uint8_t>(1 + level(audio) * 8.0f);
  for (uint8_t s = 0; s < sparks; ++s) {
    leds[random16(count)] = kPalette[random8(kPaletteSize)];
  }`,
  spectrum_bars: `  const uint16_t per_band = count / kBands > 0 ? count / kBands : 1;
  for (uint16_t i = 0; i < count; ++i) {
    const uint8_t band = static_cast<uint8_t>(i / per_band < kBands ? i / per_band : kBands - 1);
    const float energy = kAudioReactive ? audio.bands[band] : 0.5f;
    const uint16_t lit = static_cast<uint16_t>(energy * per_band);
    leds[i] = (i % per_band) < lit ? palette_at(static_cast<uint8_t>(band * (255 / kBands))) : CRGB::Black;
  }`,
};

/** The two files of a generated pattern. */
export interface GeneratedPattern {
  readonly headerName: string;
  readonly header: string;
  readonly sourceName: string;
  readonly source: string;
}

/**
 * C++ for the K1 LED engine: a header declaring `render_<name>` and a source that defines it and
 * registers it with the engine's pattern registry under its name (what POST /api/pattern/activate
 * selects). The optimisation level applies to the pattern's own code only (`#pragma GCC optimize`
 * after the includes), not to the rest of the firmware.
 */
export function generatePatternCpp(name: string, spec: PatternSpec, optimization: OptimizationLevel): GeneratedPattern {
  if (!PATTERN_NAME.test(name)) throw new Error(`Invalid pattern name ${JSON.stringify(name)}`);
  const banner = `// Generated by @k1/workflows generate_pattern from the spec of pattern "${name}"; do not edit.\n// effect=${spec.effect} speed=${spec.speed} audio_reactive=${spec.audio_reactive} optimisation=-${optimization}\n`;
  const header = `${banner}#pragma once

#include <FastLED.h>
#include "k1/audio_frame.h"

namespace k1::patterns {

/** Renders one frame of "${name}" into leds[0..count). */
void render_${name}(CRGB* leds, uint16_t count, const AudioFrame& audio, uint32_t time_ms);

}  // namespace k1::patterns
`;
  const source = `${banner}#include "${name}.h"

#include <math.h>
#include "k1/pattern_registry.h"

#pragma GCC optimize("${optimization}")

namespace k1::patterns {
namespace {

constexpr CRGB kPalette[] = {${spec.palette.map(rgb).join(', ')}};
constexpr uint8_t kPaletteSize = ${spec.palette.length};
constexpr float kSpeed = ${float(spec.speed)};
constexpr float kBrightness = ${float(spec.brightness)};
constexpr bool kAudioReactive = ${spec.audio_reactive};
constexpr uint8_t kBands = AudioFrame::kBandCount;

inline float level(const AudioFrame& audio) {
  return kAudioReactive ? audio.level : 1.0f;
}

inline uint8_t level_to_brightness(float x) {
  const float clamped = x < 0.0f ? 0.0f : (x > 1.0f ? 1.0f : x);
  return static_cast<uint8_t>(clamped * kBrightness * 255.0f);
}

inline CRGB palette_at(uint8_t position) {
  if (kPaletteSize == 1) return kPalette[0];
  const uint16_t scaled = static_cast<uint16_t>(position) * (kPaletteSize - 1);
  const uint8_t index = static_cast<uint8_t>(scaled / 255U);
  const uint8_t blend_amount = static_cast<uint8_t>(scaled % 255U);
  return index + 1 < kPaletteSize ? blend(kPalette[index], kPalette[index + 1], blend_amount) : kPalette[kPaletteSize - 1];
}

}  // namespace

void render_${name}(CRGB* leds, uint16_t count, const AudioFrame& audio, uint32_t time_ms) {
  if (leds == nullptr || count == 0) return;
${EFFECT_BODIES[spec.effect]}
}

K1_REGISTER_PATTERN("${name}", render_${name});

}  // namespace k1::patterns
`;
  return { headerName: `${name}.h`, header, sourceName: `${name}.cpp`, source };
}

/** What {@link PatternService.generate} answers: generate_pattern's output. */
export interface PatternResult {
  readonly valid: boolean;
  readonly validation_errors: string[];
  readonly validation_message: string;
  readonly cpp_path: string;
  readonly branch: string;
  readonly commit_sha: string;
}

/** Options of {@link createPatternService}. */
export interface PatternServiceOptions {
  /** The firmware repository (run in the PlatformIO project directory; the project may be a sub-directory). */
  readonly git: Pick<Git, 'resolveBranch' | 'prefix' | 'commitFiles' | 'setBranch' | 'treeOf' | 'parentsOf' | 'push'>;
  /** Where generated patterns go, relative to the PlatformIO project. @default 'src/patterns/generated' */
  readonly patternDir?: string;
  /** Remote to push the pattern branch to; left out: the branch stays local (the build checkout is this repository). */
  readonly pushRemote?: string;
}

/** Generates pattern code and commits it to `patterns/<name>`. */
export interface PatternService {
  generate(input: { pattern_name: string; pattern_source: string; optimization_level: OptimizationLevel; base_branch: string }): Promise<PatternResult>;
}

/** A base branch that does not exist: the workflow's input is wrong, no retry fixes it. */
export class BaseBranchNotFoundError extends Error {
  readonly code = 'base_branch_not_found';
  constructor(readonly branch: string) {
    super(`Base branch ${JSON.stringify(branch)} is not in the firmware repository (neither refs/heads nor refs/remotes/origin)`);
    this.name = 'BaseBranchNotFoundError';
  }
}

/**
 * The generate_pattern service: an invalid spec is an answer (valid=false with every problem); a
 * valid one becomes C++ committed on top of `base_branch` to `patterns/<name>`, without touching
 * the working tree. Running it again for the same spec and base reuses the existing commit, so a
 * retried task reports the same commit SHA (the build signature).
 */
export function createPatternService(options: PatternServiceOptions): PatternService {
  const patternDir = (options.patternDir ?? 'src/patterns/generated').replace(/^\/+|\/+$/g, '');
  if (patternDir.split('/').some((p) => p === '..' || p === '.')) throw new Error(`patternDir ${patternDir} must be a plain relative path`);
  const { git } = options;
  return {
    async generate(input) {
      const check = checkPatternSpec(input.pattern_name, input.pattern_source);
      if (!check.ok) {
        const n = check.errors.length;
        return {
          valid: false,
          validation_errors: check.errors,
          validation_message: `${n} problem${n === 1 ? '' : 's'} in the pattern spec: ${check.errors.join('; ')}`,
          cpp_path: '',
          branch: '',
          commit_sha: '',
        };
      }
      assertBranchName(input.base_branch);
      const base = await git.resolveBranch(input.base_branch);
      if (base === undefined) throw new BaseBranchNotFoundError(input.base_branch);
      const code = generatePatternCpp(input.pattern_name, check.spec, input.optimization_level);
      const dir = posix.join(await git.prefix(), patternDir);
      const cppPath = posix.join(dir, code.sourceName);
      const branch = `patterns/${input.pattern_name}`;
      const message = `pattern ${input.pattern_name}: generated ${check.spec.effect} (-${input.optimization_level})\n\nGenerated by @k1/workflows generate_pattern from the pattern spec; base ${input.base_branch} ${base}.\n`;
      const made = await git.commitFiles(
        base,
        [
          { path: posix.join(dir, code.headerName), content: code.header },
          { path: cppPath, content: code.source },
        ],
        message,
      );
      // Same tree on the same base already on the branch (a retry): keep that commit.
      const existing = await git.resolveBranch(branch);
      let commit = made.commit;
      if (existing !== undefined && (await git.treeOf(existing)) === made.tree && (await git.parentsOf(existing)).join() === base) commit = existing;
      else await git.setBranch(branch, commit);
      if (options.pushRemote !== undefined) await git.push(options.pushRemote, commit, branch);
      return { valid: true, validation_errors: [], validation_message: '', cpp_path: cppPath, branch, commit_sha: commit };
    },
  };
}
