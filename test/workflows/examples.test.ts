/**
 * Every K1 workflow documents a valid input: its `example` (typed by tsc against the input schema
 * in the definition) parses with the schema, appears on the generated docs page, and the inputs
 * the worker checks further (the pattern spec) are what the worker accepts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { patternGenerationTesting, workflows } from '../../definitions/index.ts';
import { checkPatternSpec } from '../../definitions/services/pattern.ts';
import { patternInput } from '../runner/k1-fixtures.ts';

const ROOT = join(import.meta.dirname, '..', '..');

describe('K1 workflow input examples', () => {
  it.each(workflows.map((wf) => [wf.name, wf] as const))('%s has an example its input schema accepts, shown on its docs page', (_name, wf) => {
    expect(wf.example).toBeDefined();
    const parsed = wf.input.safeParse(wf.example);
    expect(parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`)).toEqual([]);
    const page = readFileSync(join(ROOT, 'docs', 'workflows', `${wf.name}.md`), 'utf8');
    expect(page).toContain(`\`\`\`json\n${JSON.stringify(wf.example, null, 2)}\n\`\`\``);
  });

  it('the pattern spec of the example and of the local tests is one generate_pattern accepts (JSON, not a DSL)', () => {
    const example = patternGenerationTesting.example as { pattern_name: string; pattern_source: string };
    expect(checkPatternSpec(example.pattern_name, example.pattern_source)).toMatchObject({ ok: true });
    const tests = patternInput() as { pattern_name: string; pattern_source: string };
    expect(checkPatternSpec(tests.pattern_name, tests.pattern_source)).toMatchObject({ ok: true });
  });
});
