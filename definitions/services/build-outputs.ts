import { randomBytes } from 'node:crypto';
import { copyFile, mkdir, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { joinInside } from '../../src/path-containment.ts';
import { assertEnvironment } from './platformio.ts';

/**
 * Firmware a build produced, kept in the worker's scratch space once the build's worktree is gone:
 * `<root>/<environment>/<commit12>-<random>/firmware.bin`, one directory per build, so two builds
 * never share a file. store_artifact copies it into the artifact store; old ones are pruned.
 */
export interface BuildOutputs {
  /** Copies a build's firmware.bin out of its worktree; returns where it is kept. */
  keep(environment: string, commit: string, firmwarePath: string): Promise<string>;
  /** Removes kept firmware of `environment` older than `maxAgeMs`; returns the removed directories. */
  prune(environment: string, maxAgeMs: number): Promise<string[]>;
}

/** Build outputs under `root`; `now` is the clock (ms). */
export function createBuildOutputs(root: string, now: () => number = Date.now): BuildOutputs {
  return {
    async keep(environment, commit, firmwarePath) {
      assertEnvironment(environment);
      const dir = await joinInside(root, environment, `${commit.replace(/[^0-9a-f]/gi, '').slice(0, 12)}-${randomBytes(4).toString('hex')}`);
      await mkdir(dir, { recursive: true });
      const kept = join(dir, 'firmware.bin');
      await copyFile(firmwarePath, kept);
      return kept;
    },
    async prune(environment, maxAgeMs) {
      assertEnvironment(environment);
      const envDir = await joinInside(root, environment);
      const names = await readdir(envDir).catch(() => [] as string[]);
      const removed: string[] = [];
      for (const name of names) {
        const dir = join(envDir, name);
        const info = await stat(dir).catch(() => undefined);
        if (info === undefined || now() - info.mtimeMs <= maxAgeMs) continue;
        await rm(dir, { recursive: true, force: true });
        removed.push(dir);
      }
      return removed;
    },
  };
}
