import { z } from 'zod';
import { defineTask } from '../project.ts';
import { commitSha, pioEnvironment } from './fields.ts';

/** Builds the K1 web app (the control UI) of a commit. */
export const buildWebapp = defineTask({
  name: 'build_webapp',
  description: 'Builds the web app of a commit (npm ci && npm run build in webapp_dir) and packs the output into one tar.gz bundle.',
  input: z.object({
    repo: z.string().min(1).describe('Repository, e.g. K1.node1'),
    branch: z.string().min(1).describe('Branch being built'),
    commit_sha: commitSha,
    webapp_dir: z.string().min(1).describe('Directory of the web app in the repository, e.g. webapp'),
  }),
  output: z.object({
    success: z.boolean().describe('True when the build produced the bundle'),
    bundle_path: z.string().describe('Path of the bundle (tar.gz); empty when the build failed'),
    size_bytes: z.number().int().nonnegative().describe('Bundle size; 0 when the build failed'),
    error_message: z.string().describe('First build error; empty on success'),
  }),
  retryCount: 1,
  retryLogic: 'FIXED',
  retryDelaySeconds: 30,
  timeoutSeconds: 300,
  responseTimeoutSeconds: 300,
});

/** One firmware build as aggregate_artifacts reads it from the dynamic fork's results. */
const firmwareBuild = z
  .object({
    input: z.object({ environment: pioEnvironment }).describe('What the build was asked for'),
    output: z
      .object({
        success: z.boolean().describe('True when the build produced firmware.bin'),
        firmware_bin_path: z.string().describe('Path of firmware.bin; empty when the build failed'),
        error_message: z.string().describe('First compiler error; empty on success'),
      })
      .nullable()
      .describe('The platformio_compile output; null when the task left none'),
  })
  .describe('One firmware build of the dynamic fork');

/** A firmware kept in the artifact store for one environment. */
export const storedFirmware = z
  .object({
    artifact_id: z.string().describe('Content address: the sha256 of firmware.bin'),
    artifact_url: z.string().describe('Where the firmware can be fetched'),
    firmware_bin_path: z.string().describe('Local path of the stored firmware.bin, for OTA uploads'),
    size_bytes: z.number().int().nonnegative().describe('Firmware size'),
  })
  .describe('A stored firmware');

/** Checks every build of a release and keeps them all in the artifact store. */
export const aggregateArtifacts = defineTask({
  name: 'aggregate_artifacts',
  description:
    "Collects the builds of one release: finds each environment's firmware build among the dynamic fork's results by the environment it was built for, checks that every firmware and the web app built, stores each firmware (category firmware, version = release_version, its environment) and the web app bundle (category webapp) in the content-addressed artifact store, and writes a release manifest. Fails with a terminal error (no retry) naming the failed builds, so nothing is deployed from a partial release.",
  input: z.object({
    release_version: commitSha.describe('Version label of the release: the commit SHA'),
    environments: z.array(pioEnvironment).min(1).describe('The firmware environments of the release'),
    firmware_builds: z.array(firmwareBuild).describe('The firmware builds: the dynamic fork\'s results, each build\'s input with its output'),
    webapp_build: buildWebapp.output.describe('The web app build'),
  }),
  output: z.object({
    release_version: z.string().describe('Version label of the release'),
    firmware: z.record(z.string(), storedFirmware).describe('The stored firmware of each environment, keyed by environment'),
    webapp: z
      .object({
        artifact_id: z.string().describe('Content address of the web app bundle'),
        artifact_url: z.string().describe('Where the bundle can be fetched'),
        size_bytes: z.number().int().nonnegative().describe('Bundle size'),
      })
      .describe('The stored web app bundle'),
    manifest_path: z.string().describe('Path of the release manifest (JSON: every artifact with its checksum)'),
  }),
  retryCount: 2,
  retryLogic: 'EXPONENTIAL_BACKOFF',
  retryDelaySeconds: 10,
  timeoutSeconds: 300,
  responseTimeoutSeconds: 300,
});
