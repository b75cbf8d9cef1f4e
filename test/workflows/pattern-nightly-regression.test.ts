import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compileSchedule } from '../../src/index.ts';
import { canonicalJson } from '../../src/compiler/canonical-json.ts';
import { checkPatternSpec } from '../../definitions/services/pattern.ts';
import { patternNightlyRegression, patternNightlySchedule, schedules, workflows } from '../../definitions/index.ts';
import { PATTERN_LIBRARY } from '../../definitions/schedules/pattern-nightly-regression.ts';
import { isFresh, outline, readWorkflow, task } from './helpers.ts';

const def = readWorkflow('pattern-nightly-regression');

describe('pattern-nightly-regression v1 (generated JSON) and its schedule', () => {
  it('is what the definitions compile to (gen is up to date), and both are listed', () => {
    expect(isFresh(patternNightlyRegression)).toBe(true);
    expect(workflows).toContain(patternNightlyRegression);
    expect(schedules).toEqual([patternNightlySchedule]);
    expect(readFileSync('generated/schedules/pattern-nightly-regression.json', 'utf8')).toBe(canonicalJson(compileSchedule(patternNightlySchedule)));
  });

  it('queues the library, then loops: one pattern-generation-testing run (optional), the next pattern, until none is left', () => {
    expect(outline(def.tasks)).toEqual(['queue_patterns:SET_VARIABLE', 'pattern_loop:DO_WHILE', 'night_summary:JSON_JQ_TRANSFORM']);
    const loop = task(def, 'pattern_loop');
    expect(outline(loop.loopOver)).toEqual(['test_pattern:SUB_WORKFLOW', 'next_pattern:JSON_JQ_TRANSFORM', 'dequeue_pattern:SET_VARIABLE']);
    expect(loop.loopOver?.[0]).toMatchObject({ optional: true, subWorkflowParam: { name: 'pattern-generation-testing', version: 1 } });
    expect(loop.loopCondition).toBe('$.next_pattern.result.remaining > 0');
  });

  it('fires at 02:00 Europe/Berlin with every library pattern, each a spec generate_pattern accepts', () => {
    expect(compileSchedule(patternNightlySchedule)).toMatchObject({ cronExpression: '0 0 2 * * *', zoneId: 'Europe/Berlin', paused: false, startWorkflowRequest: { name: 'pattern-nightly-regression', version: 1 } });
    const patterns = patternNightlySchedule.input['patterns'] as { pattern_name: string; pattern_source: string }[];
    expect(patterns.map((p) => p.pattern_name)).toEqual(PATTERN_LIBRARY.map((p) => p.pattern_name));
    for (const p of patterns) expect(checkPatternSpec(p.pattern_name, p.pattern_source), p.pattern_name).toMatchObject({ ok: true });
  });
});
