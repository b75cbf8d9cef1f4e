import { z } from 'zod';
import { defineTask } from '../project.ts';
import { pioEnvironment } from './fields.ts';

/** Finds the firmware to roll a device back to in the artifact store. */
export const getLastGoodArtifact = defineTask({
  name: 'get_last_good_artifact',
  description:
    'Picks the firmware to roll back to from the artifact store (category firmware, the given environment). With target_version: the stored firmware of that version. Without: reads the failed run from Conductor to learn the version it deployed (its commit_sha input) and picks the newest stored firmware of another version, by store time (never by file name). Fails with a terminal error (no retry) when the store holds no such firmware.',
  input: z.object({
    failed_workflow_id: z.string().min(1).describe('The run whose deploy is being rolled back'),
    environment: pioEnvironment,
    target_version: z.string().min(1).nullish().describe('Version (commit SHA) to roll back to; the last good one when null or left out'),
  }),
  output: z.object({
    artifact_id: z.string().describe('Content address (sha256) of the chosen firmware'),
    artifact_url: z.string().describe('Where the chosen firmware can be fetched'),
    firmware_bin_path: z.string().describe('Local path of the chosen firmware.bin, for the OTA upload'),
    version: z.string().describe('Version label of the chosen firmware (its commit SHA, the build signature the device will report)'),
    stored_at: z.string().describe('When the chosen firmware was stored, ISO 8601'),
    selected_by: z.enum(['target_version', 'last_good']).describe('Whether target_version or the last-good rule chose it'),
  }),
  retryCount: 2,
  retryLogic: 'FIXED',
  retryDelaySeconds: 10,
  timeoutSeconds: 60,
  responseTimeoutSeconds: 60,
});
