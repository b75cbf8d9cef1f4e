import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { joinInside, PathEscapeError, realPath, requireInsideAny } from '../../src/path-containment.ts';
import { removeDir, tempDir } from './support.ts';

const dir = tempDir('contain');
const root = join(dir, 'root');
const outside = join(dir, 'outside');
mkdirSync(join(root, 'sub'), { recursive: true });
mkdirSync(outside);
writeFileSync(join(outside, 'file'), 'x');
symlinkSync(outside, join(root, 'out-dir'));
symlinkSync(join(outside, 'not-yet'), join(root, 'dangling'));
symlinkSync(join(root, 'sub'), join(root, 'in-dir'));
afterAll(() => removeDir(dir));

describe('containment with symbolic links resolved (issue 15)', () => {
  it('refuses a path through a link that points outside, even one to a file that does not exist yet', async () => {
    await expect(requireInsideAny([root], join(root, 'out-dir', 'file'))).rejects.toThrow(PathEscapeError);
    await expect(joinInside(root, 'out-dir', 'new', 'deeper')).rejects.toThrow(`out-dir/new/deeper is outside ${root} (symbolic links resolved)`);
    await expect(joinInside(root, 'dangling')).rejects.toThrow(PathEscapeError);
  });

  it('accepts links that stay inside and answers the real path', async () => {
    expect(await joinInside(root, 'in-dir', 'x.txt')).toBe(join(await realPath(root), 'sub', 'x.txt'));
    expect(await requireInsideAny([join(dir, 'nowhere'), root], join(root, 'sub'))).toBe(join(await realPath(root), 'sub'));
  });

  it('still refuses plain ".." escapes', async () => {
    await expect(joinInside(root, '..', 'outside', 'file')).rejects.toThrow(PathEscapeError);
  });
});
