import { z } from 'zod';
import { workflow } from '../project.ts';
import { deviceAddress, pioEnvironment } from '../tasks/fields.ts';
import { optimizationLevel, patternName } from '../tasks/pattern-fields.ts';
import { patternGenerationTesting } from './pattern-generation-testing.ts';

/** One pattern of the library: its name and its spec (JSON in a string, as pattern-generation-testing takes it). */
const libraryPattern = z.object({
  pattern_name: patternName,
  pattern_source: z.string().min(1).describe('The pattern spec, a JSON object in a string (see pattern-generation-testing)'),
});

/** What the night found for one pattern. */
const patternOutcome = z.object({
  pattern_name: patternName,
  outcome: z.enum(['passed', 'regression', 'failed']).describe('passed: no regression; regression: a gate crossed; failed: the test run did not complete (invalid spec, failed build, device unreachable)'),
  report_url: z.string().nullable().describe('The stored test report; null when the run failed'),
});

/** Pops the tested pattern off the queue and adds its outcome; `remaining` is a count so the loop condition reads a number. */
const NEXT_PATTERN_QUERY = `{
  queue: .queue[1:],
  remaining: (.queue[1:] | length),
  results: (.results + [{
    pattern_name: .queue[0].pattern_name,
    outcome: (if .regression == null then "failed" elif .regression then "regression" else "passed" end),
    report_url: .report_url
  }])
}`;

/** Every pattern of the library through pattern-generation-testing, one after the other on the test device, every night. */
export const patternNightlyRegression = workflow(
  {
    name: 'pattern-nightly-regression',
    version: 1,
    description:
      'Runs the whole pattern library through pattern-generation-testing on the test device, one pattern after the other (one device, so no fork), and lists each outcome. Started every night by the schedule pattern-nightly-regression (02:00 Europe/Berlin), which gives the library as input. Choices: each test run is optional, so a pattern that fails to build or to flash is recorded as failed and the night goes on with the next; a regression is a result (the run COMPLETES with it listed), as in pattern-generation-testing.',
    input: z.object({
      patterns: z.array(libraryPattern).min(1).describe('The pattern library: every pattern to test tonight'),
      device_ip: deviceAddress,
      baseline_ref: z.string().min(1).default('latest').describe('Baseline each pattern is compared with: "latest" for its newest report without a regression'),
      optimization_level: optimizationLevel.default('O2'),
      sample_seconds: z.number().int().min(5).max(120).default(30).describe('How long to sample each running pattern, seconds'),
      environment: pioEnvironment.default('esp32-s3-devkitc-1'),
    }),
    output: z.object({
      results: z.array(patternOutcome).describe('One outcome per pattern, in library order'),
      regressions: z.array(patternName).describe('Patterns that regressed against their baseline'),
      failed: z.array(patternName).describe('Patterns whose test run did not complete'),
    }),
    variables: z.object({
      queue: z.array(libraryPattern).default([]).describe('Patterns still to test'),
      results: z.array(patternOutcome).default([]).describe('Outcomes so far'),
    }),
    timeoutSeconds: 6 * 3600,
    example: {
      patterns: [{ pattern_name: 'spectrum_bars', pattern_source: JSON.stringify({ effect: 'spectrum_bars', palette: ['#001f3f', '#0074d9'], speed: 1.5, audio_reactive: true }) }],
      device_ip: '192.168.1.104',
    },
  },
  (f) =>
    f
      .setVariable((s) => ({ queue: s.input.patterns }), 'queue_patterns')
      .doWhile('pattern_loop', {
        body: (l) =>
          l
            .subWorkflow(
              'test_pattern',
              patternGenerationTesting,
              (s) => ({
                pattern_name: s.variables.queue[0]!.pattern_name,
                pattern_source: s.variables.queue[0]!.pattern_source,
                device_ip: s.input.device_ip,
                baseline_ref: s.input.baseline_ref,
                optimization_level: s.input.optimization_level,
                sample_seconds: s.input.sample_seconds,
                environment: s.input.environment,
              }),
              { optional: true, description: 'Tests the first queued pattern; optional so that one failed pattern does not stop the night.' },
            )
            .jq('next_pattern', {
              input: (s) => ({ queue: s.variables.queue, results: s.variables.results, regression: s.test_pattern.output.regression, report_url: s.test_pattern.output.report_url }),
              query: NEXT_PATTERN_QUERY,
              result: z.object({ queue: z.array(libraryPattern), remaining: z.number().int(), results: z.array(patternOutcome) }),
            })
            .setVariable((s) => ({ queue: s.next_pattern.output.result.queue, results: s.next_pattern.output.result.results }), 'dequeue_pattern'),
        condition: (c) => `${c.next_pattern.result.remaining} > 0`,
      })
      .jq('night_summary', {
        input: (s) => ({ results: s.next_pattern.output.result.results }),
        query: '{results: .results, regressions: [.results[] | select(.outcome == "regression") | .pattern_name], failed: [.results[] | select(.outcome == "failed") | .pattern_name]}',
        result: z.object({ results: z.array(patternOutcome), regressions: z.array(patternName), failed: z.array(patternName) }),
      })
      .output((s) => ({
        results: s.night_summary.output.result.results,
        regressions: s.night_summary.output.result.regressions,
        failed: s.night_summary.output.result.failed,
      })),
);
