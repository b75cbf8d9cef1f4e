import { z } from 'zod';
import { defineTask } from '../project.ts';
import { pioEnvironment } from './fields.ts';

/** Keeps a build output in the content-addressed artifact store. */
export const storeArtifact = defineTask({
  name: 'store_artifact',
  description: 'Copies a file into the content-addressed artifact store (sha256) with its metadata.',
  input: z.object({
    source_path: z.string().min(1).describe('File to store'),
    category: z.enum(['firmware', 'webapp', 'reports', 'features']).describe('Store category'),
    version: z.string().min(1).describe('Version label, e.g. the commit SHA'),
    environment: pioEnvironment.optional(),
  }),
  output: z.object({
    artifact_id: z.string().describe('Content address: the sha256 of the file'),
    artifact_url: z.string().describe('Where the artifact can be fetched'),
    checksum_sha256: z.string().describe('sha256 of the file, hex'),
    size_bytes: z.number().int().nonnegative().describe('File size'),
  }),
  retryCount: 2,
  timeoutSeconds: 120,
  responseTimeoutSeconds: 120,
});
