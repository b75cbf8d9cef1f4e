import { expect } from 'vitest';
import { readFromServer } from '../../src/import/server-source.ts';
import { verifyImport, verifyReport } from '../../src/import/verify.ts';
import { connectMetadataApi } from '../../src/sync/metadata-api.ts';

/** The K1 workflows as the server holds them, with what the importer follows from each. */
const K1 = ['firmware-ci-cd-pipeline', 'pattern-generation-testing', 'pattern-nightly-regression', 'multi-stage-deployment', 'audio-processing-pipeline', 'k1-push-event'];

/** Imports the eight K1 workflows (and their task definitions) back from `serverUrl` and round-trips them: the `--verify` report lines. */
export async function importBack(serverUrl: string): Promise<string[]> {
  const api = await connectMetadataApi({ serverUrl });
  // Without a version the latest; the sub-workflow and the failure workflow come along.
  const input = await readFromServer(api, serverUrl, [...K1.map((name) => ({ name })), { name: 'deployment-rollback-handler', version: 1 }]);
  expect(input.workflows.map((w) => w.def.name).sort()).toEqual([
    'audio-processing-pipeline',
    'deployment-rollback-handler',
    'firmware-build-failure-handler',
    'firmware-ci-cd-pipeline',
    'k1-push-event',
    'multi-stage-deployment',
    'pattern-generation-testing',
    'pattern-nightly-regression',
  ]);
  expect(input.taskDefs).toHaveLength(23);
  return verifyReport(await verifyImport(input));
}

