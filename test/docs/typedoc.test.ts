/**
 * `npm run docs` passes: typedoc builds the API reference with its warnings as errors
 * (typedoc.json `treatWarningsAsErrors`), so every type the API names is exported and documented.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const exec = promisify(execFile);

describe('npm run docs', () => {
  it('treats warnings as errors and has none', async () => {
    const config = JSON.parse(readFileSync('typedoc.json', 'utf8')) as { treatWarningsAsErrors?: boolean };
    expect(config.treatWarningsAsErrors).toBe(true);
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts['docs']).toBe('typedoc');
    // --emit none: the same conversion and validation, without writing docs/api/.
    const { stdout, stderr } = await exec(process.execPath, ['node_modules/typedoc/bin/typedoc', '--emit', 'none'], { maxBuffer: 1 << 24 });
    expect(`${stdout}${stderr}`).not.toMatch(/warning|error/i);
  }, 120_000);
});
