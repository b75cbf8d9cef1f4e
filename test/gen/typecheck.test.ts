/**
 * gen's type check (src/gen/typecheck.ts): the compiler's errors in the definitions, formatted
 * with their place, and an up-to-date check that skips the compiler when nothing changed.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { genCommand } from '../../src/cli/gen-command.ts';
import { typecheckDefinitions } from '../../src/gen/typecheck.ts';

const GOOD = `import { z } from 'zod';
import { projectDefaults } from '../../../src/index.ts'; const { defineTask, workflow } = projectDefaults({ ownerEmail: 'team@example.com' });
const step = defineTask({ name: 'step', description: 'A step.', input: z.object({ v: z.string() }), output: z.object({ n: z.number() }) });
export const main = workflow(
  { name: 'main', version: 1, description: 'm', input: z.object({ v: z.string() }), output: z.object({ n: z.number() }) },
  (f) => f.task(step, (s) => ({ v: s.input.v })).output((s) => ({ n: s.step.output.n })),
);
export const workflows = [main];
`;

let root: string;
const definitions = (): string => join(root, 'definitions', 'index.ts');
const write = (source: string): void => writeFileSync(definitions(), source);

beforeAll(() => {
  mkdirSync(join(process.cwd(), '.tmp'), { recursive: true });
  root = mkdtempSync(join(process.cwd(), '.tmp', 'typecheck-'));
  mkdirSync(join(root, 'definitions'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('typecheckDefinitions', () => {
  it('checks clean definitions, then finds them up to date without running the compiler, until a file changes', async () => {
    write(GOOD);
    const first = await typecheckDefinitions({ root, definitions: definitions() });
    expect(first).toMatchObject({ errors: [], mode: 'checked' });
    expect(first.files).toBeGreaterThan(10);
    const second = await typecheckDefinitions({ root, definitions: definitions() });
    expect(second).toMatchObject({ errors: [], mode: 'up to date' });
    expect(second.ms).toBeLessThan(first.ms);
    write(`${GOOD}export const more = 1;\n`);
    expect(await typecheckDefinitions({ root, definitions: definitions() })).toMatchObject({ errors: [], mode: 'checked' });
  }, 60_000);

  it("reports the compiler's errors in the definitions with their place, the source line and a caret", async () => {
    write(GOOD.replace("(s) => ({ v: s.input.v })", '(s) => ({ v: 3 })'));
    const { errors, mode } = await typecheckDefinitions({ root, definitions: definitions() });
    expect(mode).toBe('checked');
    // The first error is the mistake; tsc types the failed call's flow loosely, so reads after it may be reported too.
    const [first, line, caret] = (errors[0] ?? '').split('\n');
    expect(first).toBe('definitions/index.ts:6:33 error TS2322: Type \'number\' is not assignable to type \'"error: input \\"v\\" takes a string, not a number"\'.');
    expect(line).toBe("      (f) => f.task(step, (s) => ({ v: 3 })).output((s) => ({ n: s.step.output.n })),");
    expect(caret).toBe(`    ${' '.repeat(32)}~`);
  }, 60_000);

  it('gen refuses type errors, writes nothing, and --no-typecheck leaves them to tsc', async () => {
    write(`${GOOD}export const wrong: number = 'one';\n`);
    const err: string[] = [];
    const io = { stdout: () => undefined, stderr: (l: string) => err.push(l) };
    expect(await genCommand(['--root', root, '--check'], io)).toBe(1);
    expect(err[0]).toMatch(/^gen: 1 type error in the definitions; nothing was written\.\n {2}definitions\/index\.ts:9:14 error TS2322: Type 'string' is not assignable to type 'number'\./);
    // The JSON itself is fine, so --no-typecheck goes on (and --check finds generated/ missing).
    err.length = 0;
    expect(await genCommand(['--root', root, '--check', '--no-typecheck'], io)).toBe(1);
    expect(err.join('\n')).toContain('gen --check: 4 generated files are out of date');
  }, 60_000);
});
