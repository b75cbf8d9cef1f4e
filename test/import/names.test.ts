import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fileStemFor, identifierFor, insideOut } from '../../src/import/names.ts';
import { writeImportedFiles } from '../../src/import/write-files.ts';

describe('names of what the importer writes', () => {
  it('makes unique camelCase identifiers and kebab-case file stems from definition names', () => {
    const ids = new Set<string>();
    expect(['platformio_compile', 'ForkConditionalTest', 'ConditionalTaskWF v1', 'ConditionalTaskWF v1', '3d-print', 'default', 'z'].map((n) => identifierFor(n, ids))).toEqual([
      'platformioCompile',
      'forkConditionalTest',
      'conditionalTaskWFV1',
      'conditionalTaskWFV12',
      '_3dPrint',
      '_default',
      '_z',
    ]);
    const stems = new Set<string>();
    expect(['ForkConditionalTest', 'fork_conditional_test', '../../etc/passwd', '///'].map((n) => fileStemFor(n, stems))).toEqual([
      'fork-conditional-test',
      'fork-conditional-test-2',
      'etc-passwd',
      'unnamed',
    ]);
  });

  it('refuses any path outside the output folder, before writing anything', () => {
    const out = mkdtempSync(join(tmpdir(), 'k1-import-names-'));
    expect(insideOut(out, 'workflows/a.ts')).toBe(join(out, 'workflows/a.ts'));
    for (const bad of ['../a.ts', 'workflows/../../a.ts', '/etc/a.ts', '']) {
      expect(() => insideOut(out, bad)).toThrow(`refusing to write ${JSON.stringify(bad)}: it is not inside the output folder ${out}.`);
    }
    expect(() => writeImportedFiles(out, [{ path: 'index.ts', content: 'x' }, { path: '../escape.ts', content: 'x' }])).toThrow('refusing to write "../escape.ts"');
    expect(readdirSync(out)).toEqual([]);
  });
});
