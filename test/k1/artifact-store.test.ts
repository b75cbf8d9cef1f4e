/** The content-addressed artifact store on a temporary directory. */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ArtifactInputError, createArtifactStore, type ArtifactStore } from '../../definitions/services/artifact-store.ts';
import { removeDir, tempDir } from './support.ts';

const ENV = 'esp32-s3-devkitc-1';
let dir: string;
let root: string;
let clock: number;
const sha = (text: string): string => createHash('sha256').update(text).digest('hex');

beforeEach(() => {
  dir = tempDir('store');
  root = join(dir, 'artifacts');
  clock = Date.parse('2025-01-10T12:00:00Z');
});
afterEach(() => removeDir(dir));

/** A store whose clock moves one minute per call. */
const makeStore = (keep = 10): ArtifactStore =>
  createArtifactStore({ root, baseUrl: 'http://ci.local/artifacts/', keep, now: () => new Date((clock += 60_000)) });

const source = (name: string, content: string): string => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};

describe('put and get', () => {
  it('stores a file under its sha256 with metadata beside it, and gives its URL', async () => {
    const store = makeStore();
    const a = await store.put(source('firmware.bin', 'firmware v1'), { category: 'firmware', version: 'a1b2c3d', environment: ENV, builtAt: new Date('2025-01-10T11:00:00Z') });
    expect(a.id).toBe(sha('firmware v1'));
    expect(a.path).toBe(join(root, a.id));
    expect(a.url).toBe(`http://ci.local/artifacts/${a.id}`);
    expect(store.url(a.id)).toBe(a.url);
    expect(readFileSync(a.path, 'utf8')).toBe('firmware v1');
    const meta = JSON.parse(readFileSync(join(root, `${a.id}.json`), 'utf8'));
    expect(meta).toEqual({
      id: a.id,
      category: 'firmware',
      version: 'a1b2c3d',
      environment: ENV,
      size_bytes: 11,
      source_name: 'firmware.bin',
      stored_at: '2025-01-10T12:01:00.000Z',
      built_at: '2025-01-10T11:00:00.000Z',
      good: false,
      good_at: null,
    });
    expect(await store.get(a.id)).toEqual(a);
    expect(await store.get(sha('nothing'))).toBeUndefined();
    // No temp files are left behind.
    expect(readdirSync(join(root, '.incoming'))).toEqual([]);
  });

  it('stores the same bytes once and keeps their good flag when stored again', async () => {
    const store = makeStore();
    const first = await store.put(source('a.bin', 'same'), { category: 'firmware', version: 'a1b2c3d', environment: ENV });
    await store.markGood(first.id);
    const again = await store.put(source('b.bin', 'same'), { category: 'firmware', version: 'a1b2c3d', environment: ENV });
    expect(again.id).toBe(first.id);
    expect(again.good).toBe(true);
    expect((await store.list()).length).toBe(1);
  });

  it('rejects "../" in an id before touching the disk', async () => {
    const store = makeStore();
    for (const bad of ['../etc/passwd', '../../x', `${'a'.repeat(63)}/`, 'A'.repeat(64), '']) {
      await expect(store.get(bad)).rejects.toBeInstanceOf(ArtifactInputError);
      await expect(store.markGood(bad)).rejects.toBeInstanceOf(ArtifactInputError);
      expect(() => store.path(bad)).toThrow(ArtifactInputError);
      expect(() => store.url(bad)).toThrow(ArtifactInputError);
    }
    await expect(store.get('../etc/passwd')).rejects.toThrow('Invalid artifact id "../etc/passwd": an id is the 64 lower-case hex digits');
    expect(existsSync(root)).toBe(false);
  });

  it('accepts only the fixed categories and plain version labels', async () => {
    const store = makeStore();
    const file = source('x.bin', 'x');
    await expect(store.put(file, { category: 'secrets' as 'firmware', version: 'v1' })).rejects.toThrow('Invalid artifact category "secrets": use one of firmware, webapp, reports, features');
    await expect(store.put(file, { category: 'firmware', version: '../v1' })).rejects.toThrow('Invalid version label');
    await expect(store.put(file, { category: 'firmware', version: 'v1', environment: 'x; rm -rf /' })).rejects.toThrow('Invalid environment');
    await expect(store.put(join(dir, 'missing.bin'), { category: 'firmware', version: 'v1' })).rejects.toThrow('no such file');
    expect(existsSync(root)).toBe(false);
  });

  it('writes a release manifest inside the store', async () => {
    const path = await makeStore().writeReleaseManifest('a1b2c3d', { ok: true });
    expect(path).toBe(join(root, 'releases', 'a1b2c3d.json'));
    await expect(makeStore().writeReleaseManifest('../../evil', {})).rejects.toBeInstanceOf(ArtifactInputError);
  });
});

describe('retention', () => {
  /**
   * Contents whose ids (the file names) sort opposite to their build times: the store must keep
   * by build time from the metadata, not by name.
   */
  function reversedByName(count: number): { content: string; builtAt: Date }[] {
    const contents = Array.from({ length: count }, (_, i) => `firmware build ${i}`);
    const byName = [...contents].sort((a, b) => (sha(a) < sha(b) ? -1 : 1));
    // The name that sorts last is the oldest build.
    return byName.map((content, i) => ({ content, builtAt: new Date(Date.UTC(2025, 0, 1 + (count - i))) }));
  }

  it('keeps the newest N by build time even when file names sort the other way', async () => {
    const store = makeStore(3);
    const builds = reversedByName(5);
    // Store them oldest-name-first so store order agrees with names, not with build times.
    for (const b of [...builds].reverse()) await store.put(source('f.bin', b.content), { category: 'firmware', version: `v${b.builtAt.getUTCDate()}`, environment: ENV, builtAt: b.builtAt });
    const kept = (await store.list({ category: 'firmware' })).map((a) => a.built_at).sort();
    const newest = builds.map((b) => b.builtAt.toISOString()).sort().slice(-3);
    expect(kept).toEqual(newest);
    // Sorting by name would have kept these instead.
    const byName = builds.map((b) => sha(b.content)).sort().slice(-3);
    expect((await store.list()).map((a) => a.id).sort()).not.toEqual(byName);
  });

  it('never removes the last artifact marked good', async () => {
    const store = makeStore(2);
    const good = await store.put(source('f.bin', 'good old build'), { category: 'firmware', version: 'v1', environment: ENV, builtAt: new Date('2025-01-01T00:00:00Z') });
    await store.markGood(good.id);
    for (let i = 2; i <= 5; i++) {
      await store.put(source('f.bin', `build ${i}`), { category: 'firmware', version: `v${i}`, environment: ENV, builtAt: new Date(`2025-01-0${i}T00:00:00Z`) });
    }
    const kept = await store.list({ category: 'firmware' });
    expect(kept.map((a) => a.version).sort()).toEqual(['v1', 'v4', 'v5']);
    expect(existsSync(good.path)).toBe(true);
    expect((await store.getLastGood('firmware', ENV))?.id).toBe(good.id);
  });

  it('keeps N per category and environment', async () => {
    const store = makeStore(1);
    await store.put(source('a', 'a'), { category: 'firmware', version: 'v1', environment: ENV });
    await store.put(source('b', 'b'), { category: 'firmware', version: 'v1', environment: 'esp32-s3-devkitc-1-psram' });
    await store.put(source('c', 'c'), { category: 'reports', version: 'r1' });
    expect((await store.list()).length).toBe(3);
  });
});

describe('last good', () => {
  it('is the newest artifact marked good by store time, of the environment, skipping excluded versions', async () => {
    const store = makeStore();
    const v1 = await store.put(source('f', 'v1'), { category: 'firmware', version: 'v1', environment: ENV });
    const v2 = await store.put(source('f', 'v2'), { category: 'firmware', version: 'v2', environment: ENV });
    const other = await store.put(source('f', 'other env'), { category: 'firmware', version: 'v3', environment: 'other-env' });
    await store.put(source('f', 'v4 never good'), { category: 'firmware', version: 'v4', environment: ENV });
    expect(await store.getLastGood('firmware', ENV)).toBeUndefined();
    await store.markGood(v1.id);
    await store.markGood(v2.id);
    await store.markGood(other.id);
    expect((await store.getLastGood('firmware', ENV))?.version).toBe('v2');
    expect((await store.getLastGood('firmware', ENV, { exclude: (a) => a.version === 'v2' }))?.version).toBe('v1');
    expect((await store.getLastGood())?.version).toBe('v3');
    const marked = await store.get(v1.id);
    expect(marked?.good).toBe(true);
    expect(marked?.good_at).toMatch(/^2025-01-10T12:/);
  });
});
