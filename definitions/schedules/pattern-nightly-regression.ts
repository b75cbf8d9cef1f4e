import { schedule } from '../../src/index.ts';
import { patternNightlyRegression } from '../workflows/pattern-nightly-regression.ts';

/** The pattern library the nightly regression tests: one spec per shipped pattern, each checked by generate_pattern. */
export const PATTERN_LIBRARY = [
  { pattern_name: 'spectrum_bars', spec: { effect: 'spectrum_bars', palette: ['#001f3f', '#0074d9', '#7fdbff'], speed: 1.5, audio_reactive: true } },
  { pattern_name: 'ocean_wave', spec: { effect: 'wave', palette: ['#003366', '#0099cc', '#66ffff'], speed: 0.8, audio_reactive: false } },
  { pattern_name: 'ember_pulse', spec: { effect: 'pulse', palette: ['#330000', '#ff4500'], speed: 2, audio_reactive: true, brightness: 0.8 } },
  { pattern_name: 'starfield', spec: { effect: 'sparkle', palette: ['#ffffff', '#ffd700'], speed: 3, audio_reactive: false } },
  { pattern_name: 'sunset_gradient', spec: { effect: 'gradient', palette: ['#ff5e62', '#ff9966', '#ffd194'], speed: 0.5, audio_reactive: false } },
] as const;

/**
 * The nightly pattern regression: the whole library through pattern-nightly-regression at 02:00
 * Berlin time (summer time followed), on the test bench device.
 */
export const patternNightlySchedule = schedule({
  name: 'pattern-nightly-regression',
  description: 'Tests every pattern of the library on the test bench device at 02:00 Berlin time, so a regression shows the morning after the change that caused it.',
  cron: '0 0 2 * * *',
  zone: 'Europe/Berlin',
  workflow: patternNightlyRegression,
  input: {
    patterns: PATTERN_LIBRARY.map((p) => ({ pattern_name: p.pattern_name, pattern_source: JSON.stringify(p.spec) })),
    device_ip: 'k1-test-bench.local',
  },
});
