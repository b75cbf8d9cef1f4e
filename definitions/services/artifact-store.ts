import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import { z } from 'zod';
import { writeJsonAtomic } from './fs-utils.ts';
import { KeyedLock } from './keyed-lock.ts';
import { ENVIRONMENT_PATTERN } from './platformio.ts';

/** The store's categories; nothing else is accepted. */
export const ARTIFACT_CATEGORIES = ['firmware', 'webapp', 'reports', 'features'] as const;
export type ArtifactCategory = (typeof ARTIFACT_CATEGORIES)[number];

const ID_PATTERN = /^[0-9a-f]{64}$/;
const VERSION_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._+-]{0,199}$/;

/** The metadata JSON kept beside each stored file (`<id>.json`). */
const metadataSchema = z.object({
  id: z.string().regex(ID_PATTERN),
  category: z.enum(ARTIFACT_CATEGORIES),
  version: z.string(),
  environment: z.string().nullable(),
  size_bytes: z.number().int().nonnegative(),
  /** File name the artifact was stored from (e.g. firmware.bin), for people and downloads. */
  source_name: z.string(),
  /** ISO 8601: when it entered the store (last stored again). */
  stored_at: z.string(),
  /** ISO 8601: when it was built (the source file's modification time unless given). */
  built_at: z.string(),
  /** True once a device passed its health check running it. */
  good: z.boolean(),
  good_at: z.string().nullable(),
});

export type ArtifactMetadata = z.infer<typeof metadataSchema>;

/** A stored artifact: its metadata, where the file is and where it can be fetched. */
export interface StoredArtifact extends ArtifactMetadata {
  readonly path: string;
  readonly url: string;
}

/** Which artifacts `list` returns; every given field must match. */
export interface ArtifactFilter {
  readonly category?: ArtifactCategory;
  readonly environment?: string | null;
  readonly version?: string;
  readonly good?: boolean;
}

/** What `put` records besides the file. */
export interface PutOptions {
  readonly category: ArtifactCategory;
  readonly version: string;
  readonly environment?: string | null;
  /** Build time; the source file's modification time when left out. */
  readonly builtAt?: Date;
}

/** Bad input to the store (category, id, version, environment, source file). */
export class ArtifactInputError extends Error {
  readonly code = 'invalid_artifact_input';
  constructor(message: string) {
    super(message);
    this.name = 'ArtifactInputError';
  }
}

/** No artifact with that id. */
export class ArtifactNotFoundError extends Error {
  readonly code = 'artifact_not_found';
  constructor(readonly id: string) {
    super(`No artifact ${id} in the store`);
    this.name = 'ArtifactNotFoundError';
  }
}

/** Options of {@link createArtifactStore}. */
export interface ArtifactStoreOptions {
  /** Directory holding the artifacts (created when missing). */
  readonly root: string;
  /** URL the root is served at; `url(id)` is `<baseUrl>/<id>`. */
  readonly baseUrl: string;
  /** Artifacts kept per category and environment, newest by build time; the last good one is always kept too. @default 10 */
  readonly keep?: number;
  /** The clock. @default () => new Date() */
  readonly now?: () => Date;
}

/** The content-addressed artifact store. */
export interface ArtifactStore {
  readonly root: string;
  /** Copies a file in (sha256 id, atomic), records its metadata and applies retention to its category and environment. */
  put(sourcePath: string, options: PutOptions): Promise<StoredArtifact>;
  /** The artifact, or undefined. Throws ArtifactInputError for a malformed id (before touching the disk). */
  get(id: string): Promise<StoredArtifact | undefined>;
  /** Artifacts matching the filter, newest stored first. */
  list(filter?: ArtifactFilter): Promise<StoredArtifact[]>;
  /** Marks an artifact good (a device passed its health check running it). */
  markGood(id: string): Promise<StoredArtifact>;
  /**
   * The newest (by store time) artifact marked good, optionally of one environment, skipping those
   * `exclude` rejects (e.g. the version being rolled back from).
   */
  getLastGood(category?: ArtifactCategory, environment?: string | null, options?: { exclude?: (artifact: ArtifactMetadata) => boolean }): Promise<StoredArtifact | undefined>;
  /** Applies retention to one category and environment; returns the removed ids. */
  prune(category: ArtifactCategory, environment: string | null, protect?: readonly string[]): Promise<string[]>;
  /** Path of the stored file. Throws ArtifactInputError for a malformed id. */
  path(id: string): string;
  /** URL of the stored file. */
  url(id: string): string;
  /** Writes a release manifest (JSON) under `releases/<version>.json`; returns its path. */
  writeReleaseManifest(version: string, manifest: unknown): Promise<string>;
}

/** Throws ArtifactInputError unless `id` is a sha256 hex digest. */
export function assertArtifactId(id: string): void {
  if (typeof id !== 'string' || !ID_PATTERN.test(id)) {
    throw new ArtifactInputError(`Invalid artifact id ${JSON.stringify(id)}: an id is the 64 lower-case hex digits of the file's sha256`);
  }
}

function assertCategory(category: string): asserts category is ArtifactCategory {
  if (!(ARTIFACT_CATEGORIES as readonly string[]).includes(category)) {
    throw new ArtifactInputError(`Invalid artifact category ${JSON.stringify(category)}: use one of ${ARTIFACT_CATEGORIES.join(', ')}`);
  }
}

function assertVersion(version: string): void {
  if (typeof version !== 'string' || !VERSION_PATTERN.test(version)) {
    throw new ArtifactInputError(`Invalid version label ${JSON.stringify(version)}: 1-200 letters, digits, ".", "_", "+" and "-", starting with a letter or digit`);
  }
}

const byTimeDesc =
  (field: 'stored_at' | 'built_at') =>
  (a: ArtifactMetadata, b: ArtifactMetadata): number =>
    Date.parse(b[field]) - Date.parse(a[field]) || Date.parse(b.stored_at) - Date.parse(a.stored_at) || (a.id < b.id ? -1 : 1);

/**
 * A content-addressed store on disk: `<root>/<sha256>` holds the bytes and `<root>/<sha256>.json`
 * the metadata. Ids and categories are checked, and every path is checked to stay inside the root,
 * before the disk is touched. "Newest" always comes from the metadata times, never from file names.
 *
 * @example
 * ```ts
 * const store = createArtifactStore({ root: '/srv/artifacts', baseUrl: 'http://ci.local/artifacts' });
 * const fw = await store.put('.pio/build/esp32-s3-devkitc-1/firmware.bin', { category: 'firmware', version: 'a1b2c3d', environment: 'esp32-s3-devkitc-1' });
 * ```
 */
export function createArtifactStore(options: ArtifactStoreOptions): ArtifactStore {
  const root = options.root;
  const keep = options.keep ?? 10;
  const now = options.now ?? (() => new Date());
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const lock = new KeyedLock();
  if (!Number.isInteger(keep) || keep < 1) throw new ArtifactInputError(`keep must be a whole number of at least 1, got ${keep}`);

  // Ids (64 hex digits) and version labels admit no path separator and no "..": the files they
  // name stay in the store's own directory, which only the store writes.
  const blobPath = (id: string): string => {
    assertArtifactId(id);
    return join(root, id);
  };
  const metaPath = (id: string): string => {
    assertArtifactId(id);
    return join(root, `${id}.json`);
  };
  const withLocation = (meta: ArtifactMetadata): StoredArtifact => ({ ...meta, path: blobPath(meta.id), url: `${baseUrl}/${meta.id}` });

  async function readMeta(id: string): Promise<ArtifactMetadata | undefined> {
    let text: string;
    try {
      text = await readFile(metaPath(id), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    const parsed = metadataSchema.safeParse(JSON.parse(text));
    if (!parsed.success || parsed.data.id !== id) throw new Error(`Artifact metadata ${metaPath(id)} is damaged; remove the artifact or fix the file`);
    return parsed.data;
  }

  async function allMeta(): Promise<ArtifactMetadata[]> {
    let names: string[];
    try {
      names = await readdir(root);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    const ids = names.filter((n) => n.endsWith('.json') && ID_PATTERN.test(n.slice(0, -5))).map((n) => n.slice(0, -5));
    const metas = await Promise.all(ids.map((id) => readMeta(id).catch(() => undefined)));
    return metas.filter((m): m is ArtifactMetadata => m !== undefined);
  }

  const matches = (m: ArtifactMetadata, f: ArtifactFilter): boolean =>
    (f.category === undefined || m.category === f.category) &&
    (f.environment === undefined || m.environment === f.environment) &&
    (f.version === undefined || m.version === f.version) &&
    (f.good === undefined || m.good === f.good);

  async function lastGood(category: ArtifactCategory, environment: string | null | undefined, exclude?: (artifact: ArtifactMetadata) => boolean): Promise<ArtifactMetadata | undefined> {
    const good = (await allMeta())
      .filter((m) => matches(m, { category, good: true, ...(environment !== undefined && { environment }) }))
      .filter((m) => exclude === undefined || !exclude(m))
      .sort(byTimeDesc('stored_at'));
    return good[0];
  }

  async function pruneUnlocked(category: ArtifactCategory, environment: string | null, protect: readonly string[]): Promise<string[]> {
    const group = (await allMeta()).filter((m) => m.category === category && m.environment === environment).sort(byTimeDesc('built_at'));
    const good = await lastGood(category, environment);
    const kept = new Set([...group.slice(0, keep).map((m) => m.id), ...protect, ...(good ? [good.id] : [])]);
    const removed: string[] = [];
    for (const m of group) {
      if (kept.has(m.id)) continue;
      // Metadata first: an artifact without metadata is invisible, so a crash never leaves a listed artifact without its file.
      await rm(metaPath(m.id), { force: true });
      await rm(blobPath(m.id), { force: true });
      removed.push(m.id);
    }
    return removed;
  }

  const store: ArtifactStore = {
    root,
    path: blobPath,
    url: (id) => {
      assertArtifactId(id);
      return `${baseUrl}/${id}`;
    },

    async put(sourcePath, put) {
      assertCategory(put.category);
      assertVersion(put.version);
      const environment = put.environment ?? null;
      if (environment !== null && !ENVIRONMENT_PATTERN.test(environment)) {
        throw new ArtifactInputError(`Invalid environment ${JSON.stringify(environment)}: letters, digits, "_" and "-"`);
      }
      let info;
      try {
        info = await stat(sourcePath);
      } catch {
        throw new ArtifactInputError(`Cannot store ${sourcePath}: no such file`);
      }
      if (!info.isFile()) throw new ArtifactInputError(`Cannot store ${sourcePath}: not a regular file`);
      const tempDir = join(root, '.incoming');
      await mkdir(tempDir, { recursive: true });
      const temp = join(tempDir, randomBytes(8).toString('hex'));
      const hash = createHash('sha256');
      let size = 0;
      try {
        await pipeline(
          createReadStream(sourcePath),
          new Transform({
            transform(chunk: Buffer, _enc, done) {
              hash.update(chunk);
              size += chunk.length;
              done(null, chunk);
            },
          }),
          createWriteStream(temp, { flags: 'wx' }),
        );
      } catch (error) {
        await rm(temp, { force: true });
        throw error;
      }
      const id = hash.digest('hex');
      return lock.run('store', async () => {
        const existing = await readMeta(id);
        if (existing && existing.category !== put.category) {
          await rm(temp, { force: true });
          throw new ArtifactInputError(`The same bytes are already stored as ${existing.category} artifact ${id}; one content belongs to one category`);
        }
        // The content is its name: if it is already there, the bytes are the same.
        if (existing && (await stat(blobPath(id)).then(() => true, () => false))) await rm(temp, { force: true });
        else await rename(temp, blobPath(id));
        const storedAt = now().toISOString();
        const meta: ArtifactMetadata = {
          id,
          category: put.category,
          version: put.version,
          environment,
          size_bytes: size,
          source_name: basename(sourcePath),
          stored_at: storedAt,
          built_at: (put.builtAt ?? info.mtime).toISOString(),
          good: existing?.good ?? false,
          good_at: existing?.good_at ?? null,
        };
        await writeJsonAtomic(metaPath(id), meta);
        await pruneUnlocked(put.category, environment, [id]);
        return withLocation(meta);
      });
    },

    async get(id) {
      assertArtifactId(id);
      const meta = await readMeta(id);
      return meta && withLocation(meta);
    },

    async list(filter = {}) {
      if (filter.category !== undefined) assertCategory(filter.category);
      return (await allMeta())
        .filter((m) => matches(m, filter))
        .sort(byTimeDesc('stored_at'))
        .map(withLocation);
    },

    async markGood(id) {
      assertArtifactId(id);
      return lock.run('store', async () => {
        const meta = await readMeta(id);
        if (!meta) throw new ArtifactNotFoundError(id);
        if (meta.good) return withLocation(meta);
        const updated = { ...meta, good: true, good_at: now().toISOString() };
        await writeJsonAtomic(metaPath(id), updated);
        return withLocation(updated);
      });
    },

    async getLastGood(category = 'firmware', environment, lastGoodOptions = {}) {
      assertCategory(category);
      const meta = await lastGood(category, environment, lastGoodOptions.exclude);
      return meta && withLocation(meta);
    },

    async prune(category, environment, protect = []) {
      assertCategory(category);
      return lock.run('store', () => pruneUnlocked(category, environment, protect));
    },

    async writeReleaseManifest(version, manifest) {
      assertVersion(version);
      const path = join(root, 'releases', `${version}.json`);
      await writeJsonAtomic(path, manifest);
      return path;
    },
  };
  return store;
}
