import { z } from 'zod';

/** Field schemas the LED pattern contracts share. */

/** A pattern name; it becomes a C++ identifier and part of a git branch name. */
export const patternName = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,47}$/, 'a pattern name is 1-48 lower-case letters, digits and "_", starting with a letter')
  .describe('Pattern name, e.g. spectrum_bars: lower-case letters, digits and "_" (it becomes a C++ identifier)');

/** The GCC optimisation levels a pattern build may use. */
export const optimizationLevel = z
  .enum(['O0', 'O1', 'O2', 'O3', 'Os'])
  .describe('GCC optimisation level the generated pattern code is compiled with (-O2 etc.)');

/** What the device reports about a running pattern (`GET /api/device/performance`), averaged over the sampling window. */
export const patternPerformance = z
  .object({
    fps: z.number().nonnegative().describe('Mean LED frame rate over the sampling window, frames per second'),
    avg_render_time_ms: z.number().nonnegative().describe('Mean time to render one frame, milliseconds'),
    max_render_time_ms: z.number().nonnegative().describe('Longest frame render time seen, milliseconds'),
    audio_latency_ms: z.number().nonnegative().describe('Mean audio input to LED output latency, milliseconds'),
    free_heap_bytes: z.number().int().nonnegative().describe('Lowest free heap seen while the pattern ran, bytes'),
  })
  .describe('Pattern performance measured on the device');
