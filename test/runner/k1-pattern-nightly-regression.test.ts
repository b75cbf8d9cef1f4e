/**
 * The K1 nightly schedule fired on the virtual clock (runSchedule, from generated/): the
 * pattern-nightly-regression run it starts tests each library pattern through
 * pattern-generation-testing, one after the other, and lists each outcome; a pattern whose test
 * run fails is recorded and the night goes on.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, expect, it } from 'vitest';
import type { WorkflowScheduleDef } from '../../src/index.ts';
import { loadGenerated, runSchedule, type Registry, type TaskHandler } from '../../src/testing.ts';
import { PATTERN_LIBRARY } from '../../definitions/schedules/pattern-nightly-regression.ts';
import { compared, compiled, otaDeployed, patternGenerated, patternInvalid, patternMeasured, reportWritten, stored } from './k1-fixtures.ts';

let registry: Registry;
const nightly = JSON.parse(readFileSync('generated/schedules/pattern-nightly-regression.json', 'utf8')) as WorkflowScheduleDef;

beforeAll(async () => {
  registry = await loadGenerated();
});

/** Workers for every pattern task: ocean_wave's spec is refused, ember_pulse regresses, the rest pass. */
function handlers(): Record<string, TaskHandler> {
  const name = (task: { inputData: Record<string, unknown> }) => String(task.inputData['pattern_name']);
  let reports = 0;
  return {
    generate_pattern: (task) => (name(task) === 'ocean_wave' ? patternInvalid('palette: at most 16 colours') : patternGenerated(name(task))).output,
    platformio_compile: () => compiled().output,
    store_artifact: () => stored({ artifact_id: `${++reports}`.padStart(64, '0') }).output,
    deploy_firmware_ota: () => otaDeployed().output,
    validate_pattern_on_device: () => patternMeasured().output,
    compare_performance: (task) => (name(task) === 'ember_pulse' ? compared(-14.5, 3, ['fps dropped 14.5%']) : compared(-1, 1)).output,
    generate_test_report: (task) => reportWritten(name(task)).output,
  };
}

it('fires at 02:00 Berlin time and tests the whole library, recording a failed pattern and a regression', async () => {
  const [night] = await runSchedule(nightly, { registry, handlers: handlers(), from: Date.UTC(2026, 0, 14, 12), executionId: () => 'night-1' });
  expect(night?.status).toBe('COMPLETED');
  // 02:00 in Berlin in winter is 01:00 UTC.
  expect(night?.input).toMatchObject({ _startedByScheduler: 'pattern-nightly-regression', _scheduledTime: Date.UTC(2026, 0, 15, 1), _schedulerCron: '0 0 2 * * * Europe/Berlin', device_ip: 'k1-test-bench.local' });
  const results = night?.output['results'] as { pattern_name: string; outcome: string; report_url: string | null }[];
  expect(results.map((r) => [r.pattern_name, r.outcome])).toEqual([
    ['spectrum_bars', 'passed'],
    ['ocean_wave', 'failed'],
    ['ember_pulse', 'regression'],
    ['starfield', 'passed'],
    ['sunset_gradient', 'passed'],
  ]);
  expect(results.map((r) => r.pattern_name)).toEqual(PATTERN_LIBRARY.map((p) => p.pattern_name));
  expect(results[1]?.report_url).toBeNull();
  expect(night?.output['regressions']).toEqual(['ember_pulse']);
  expect(night?.output['failed']).toEqual(['ocean_wave']);
  // One child run per pattern, one after the other.
  expect(night?.attempts('test_pattern__5')).toHaveLength(1);
  expect(night?.subWorkflow('test_pattern__2')?.status).toBe('FAILED');
});
