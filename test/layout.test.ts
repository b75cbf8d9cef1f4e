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

/** The imports of `text` (the source of `file`) that reach into definitions/ or the K1 entry point. */
function importsOfDefinitions(file: string, text: string): string[] {
  const definitions = resolve('definitions');
  return [...text.matchAll(SPECIFIER)]
    .map((m) => m[1] as string)
    .filter((spec) => spec === '@k1/workflows/k1' || (spec.startsWith('.') && !relative(definitions, resolve(file, '..', spec)).startsWith('..')))
    .map((spec) => `${file}: ${spec}`);
}

it('no file under src/ imports from definitions/ (or the K1 entry point)', () => {
  expect(files('src').flatMap((file) => importsOfDefinitions(file, readFileSync(file, 'utf8')))).toEqual([]);
});

it('the check finds static, type-only and dynamic imports into definitions/, and leaves the rest', () => {
  const text = [
    "import { git } from '../../definitions/services/git.ts';",
    "import type { K1Config } from '../../definitions/workers/index.ts';",
    "const m = await import('@k1/workflows/k1');",
    "import { run } from './run.ts';",
    "import { z } from 'zod';",
  ].join('\n');
  expect(importsOfDefinitions('src/runner/x.ts', text)).toEqual([
    'src/runner/x.ts: ../../definitions/services/git.ts',
    'src/runner/x.ts: ../../definitions/workers/index.ts',
    'src/runner/x.ts: @k1/workflows/k1',
  ]);
});
