/**
 * README's layout table names every folder of the two trees (`src/`, `definitions/`), of
 * `generated/` and of the repository's top level, and every path it names exists: the table
 * cannot fall behind the folders.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';

const ROOT = process.cwd();

/** The paths the first column of the `## Layout` table names, as written (`src/dsl/`, `definitions/k1.ts`). */
function layoutPaths(readme: string): string[] {
  const section = readme.split(/^## Layout$/m)[1]?.split(/^## /m)[0] ?? '';
  const rows = section.split('\n').filter((line) => line.startsWith('| `'));
  return rows.flatMap((row) => [...(row.split('|')[1] ?? '').matchAll(/`([^`]+)`/g)].map((m) => m[1] as string));
}

/** The folders directly under `dir` (relative to the root, with a trailing slash). */
function foldersOf(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && !entry.name.startsWith('.') && !['node_modules', 'dist', 'coverage'].includes(entry.name))
    .map((entry) => `${dir === '' ? '' : `${dir}/`}${entry.name}/`);
}

const named = layoutPaths(readFileSync(join(ROOT, 'README.md'), 'utf8'));

it('names every folder of src/, definitions/, generated/ and the top level', () => {
  expect(named.length).toBeGreaterThan(20);
  const folders = [...foldersOf(''), ...foldersOf('src'), ...foldersOf('definitions'), ...foldersOf('generated')];
  expect(folders.filter((folder) => !named.includes(folder))).toEqual([]);
});

it('names only paths that exist', () => {
  expect(named.filter((path) => !existsSync(join(ROOT, path)))).toEqual([]);
});
