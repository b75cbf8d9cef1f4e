/**
 * The two trees: `src/` is the toolkit any Conductor user would use, `definitions/` the K1
 * application written with it. The toolkit never imports the application.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { expect, it } from 'vitest';

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? files(path) : /\.(ts|mts|mjs)$/.test(entry.name) ? [path] : [];
  });
}

const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)['"]([^'"]+)['"]/g;

it('no file under src/ imports from definitions/ (or the K1 entry point)', () => {
  const definitions = resolve('definitions');
  const offending = files('src').flatMap((file) =>
    [...readFileSync(file, 'utf8').matchAll(SPECIFIER)]
      .map((m) => m[1] as string)
      .filter((spec) => spec === '@k1/workflows/k1' || (spec.startsWith('.') && !relative(definitions, resolve(file, '..', spec)).startsWith('..')))
      .map((spec) => `${file}: ${spec}`),
  );
  expect(offending).toEqual([]);
});

it('the check sees a relative import into definitions/', () => {
  const spec = '../../definitions/services/git.ts';
  expect(relative(resolve('definitions'), resolve('src/runner/x.ts', '..', spec)).startsWith('..')).toBe(false);
});
