import type { ConductorWorker } from '@io-orkes/conductor-javascript';
import { TerminalError, type WorkerOptions } from '../../src/worker/create-worker.ts';
import { sameCommit } from '../services/build-signature.ts';
import type { StoredArtifact } from '../services/artifact-store.ts';
import { storeArtifact } from '../tasks/artifact-tasks.ts';
import { aggregateArtifacts, buildWebapp } from '../tasks/release-tasks.ts';
import { getLastGoodArtifact } from '../tasks/rollback-tasks.ts';
import { checkRepo, inBuildTree, k1Worker, readablePath, resolveCommitOrFetch } from './k1-worker.ts';
import type { K1Services } from './services.ts';

const chosen = (a: StoredArtifact, selectedBy: 'target_version' | 'last_good') => ({
  artifact_id: a.id,
  artifact_url: a.url,
  firmware_bin_path: a.path,
  version: a.version,
  stored_at: a.stored_at,
  selected_by: selectedBy,
});

/** The workers of the artifact store and release tasks. */
export function artifactWorkers(services: K1Services, options?: WorkerOptions): ConductorWorker[] {
  const { artifacts } = services;
  return [
    k1Worker(
      storeArtifact,
      async (input, ctx) => {
        const source = await readablePath(services, input.source_path, 'Artifact source');
        const a = await artifacts.put(source, { category: input.category, version: input.version, environment: input.environment ?? null });
        ctx.log(`stored ${input.category} ${input.version} as ${a.id} (${a.size_bytes} bytes)`);
        return { artifact_id: a.id, artifact_url: a.url, checksum_sha256: a.id, size_bytes: a.size_bytes };
      },
      options,
    ),

    k1Worker(
      getLastGoodArtifact,
      async (input, ctx) => {
        if (input.target_version != null) {
          const target = input.target_version;
          const found = (await artifacts.list({ category: 'firmware', environment: input.environment })).find((a) => sameCommit(a.version, target));
          if (!found) throw new TerminalError(`No stored ${input.environment} firmware of version ${target}; the store keeps the newest builds and the last good one`);
          return chosen(found, 'target_version');
        }
        const run = await services.conductor.get(input.failed_workflow_id, ctx.signal);
        const failedVersion = typeof run.input['commit_sha'] === 'string' ? run.input['commit_sha'] : undefined;
        if (failedVersion === undefined) ctx.log(`run ${input.failed_workflow_id} has no commit_sha input: any version may be chosen`);
        else ctx.log(`rolling back from ${failedVersion}`);
        const good = await artifacts.getLastGood('firmware', input.environment, {
          ...(failedVersion !== undefined && { exclude: (a) => sameCommit(a.version, failedVersion) }),
        });
        if (!good) {
          throw new TerminalError(
            `No ${input.environment} firmware marked good${failedVersion ? ` other than ${failedVersion}` : ''} in the store (firmware is marked good when a device passes device_health_check running it); pass target_version to choose one`,
          );
        }
        return chosen(good, 'last_good');
      },
      options,
    ),

    k1Worker(
      buildWebapp,
      async (input, ctx) => {
        checkRepo(services, input.repo);
        const full = services.worktrees === null ? input.commit_sha : await resolveCommitOrFetch(services, input.commit_sha, input.repo);
        const build = await inBuildTree(services, full, (tree) => services.webapp.build(input.webapp_dir, full.slice(0, 12), ctx.signal, tree.repoDir));
        ctx.log(build.success ? `bundle ${build.bundlePath} (${build.sizeBytes} bytes)` : `web app build failed: ${build.errorMessage}`);
        return { success: build.success, bundle_path: build.bundlePath, size_bytes: build.sizeBytes, error_message: build.errorMessage };
      },
      options,
    ),

    k1Worker(
      aggregateArtifacts,
      async (input, ctx) => {
        const failures: string[] = [];
        const seen = new Set<string>();
        const builds = input.environments.map((environment) => {
          if (seen.has(environment)) failures.push(`${environment}: listed twice in environments`);
          seen.add(environment);
          const build = input.firmware_builds.find((b) => b.input.environment === environment)?.output;
          if (!build) failures.push(`${environment}: no build result`);
          else if (!build.success || build.firmware_bin_path === '') failures.push(`${environment}: ${build.error_message || 'build failed'}`);
          return { environment, path: build?.firmware_bin_path ?? '' };
        });
        if (!input.webapp_build.success || input.webapp_build.bundle_path === '') failures.push(`webapp: ${input.webapp_build.error_message || 'build failed'}`);
        if (failures.length > 0) throw new TerminalError(`Release ${input.release_version} is incomplete, nothing was stored: ${failures.join('; ')}`);

        const firmware: Record<string, { artifact_id: string; artifact_url: string; firmware_bin_path: string; size_bytes: number }> = {};
        for (const b of builds) {
          const a = await artifacts.put(await readablePath(services, b.path, 'Firmware'), { category: 'firmware', version: input.release_version, environment: b.environment });
          firmware[b.environment] = { artifact_id: a.id, artifact_url: a.url, firmware_bin_path: a.path, size_bytes: a.size_bytes };
        }
        const w = await artifacts.put(await readablePath(services, input.webapp_build.bundle_path, 'Web app bundle'), { category: 'webapp', version: input.release_version });
        const webapp = { artifact_id: w.id, artifact_url: w.url, size_bytes: w.size_bytes };
        const manifestPath = await artifacts.writeReleaseManifest(input.release_version, {
          release_version: input.release_version,
          created_at: services.now().toISOString(),
          firmware: Object.fromEntries(Object.entries(firmware).map(([env, f]) => [env, { artifact_id: f.artifact_id, sha256: f.artifact_id, size_bytes: f.size_bytes, url: f.artifact_url }])),
          webapp: { ...webapp, sha256: webapp.artifact_id, url: webapp.artifact_url },
        });
        ctx.log(`release ${input.release_version}: ${builds.length} firmware and the web app stored; manifest ${manifestPath}`);
        return { release_version: input.release_version, firmware, webapp, manifest_path: manifestPath };
      },
      options,
    ),
  ];
}
