import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { readFromServer } from '../../src/import/server-source.ts';
import { verifyImport, verifyReport } from '../../src/import/verify.ts';
import { startDevServer } from '../../src/server/index.ts';
import { readGenerated } from '../../src/gen/read-generated.ts';
import { connectMetadataApi } from '../../src/sync/metadata-api.ts';
import { registerDefinitions, registeredCleanly } from '../../src/sync/register.ts';
import { planSync } from '../../src/sync/sync-plan.ts';

/** The K1 workflows as the server holds them, with what the importer follows from each. */
const K1 = ['firmware-ci-cd-pipeline', 'pattern-generation-testing', 'multi-stage-deployment', 'audio-processing-pipeline'];

async function importBack(serverUrl: string): Promise<string[]> {
  const api = await connectMetadataApi({ serverUrl });
  // Without a version the latest; the sub-workflow and the failure workflow come along.
  const input = await readFromServer(api, serverUrl, [...K1.map((name) => ({ name })), { name: 'deployment-rollback-handler', version: 1 }]);
  expect(input.workflows.map((w) => w.def.name).sort()).toEqual([
    'audio-processing-pipeline',
    'deployment-rollback-handler',
    'firmware-build-failure-handler',
    'firmware-ci-cd-pipeline',
    'multi-stage-deployment',
    'pattern-generation-testing',
  ]);
  expect(input.taskDefs).toHaveLength(23);
  return verifyReport(await verifyImport(input));
}

describe('importing from a server', () => {
  it('reads the K1 definitions back from the dev server (generated/ registered) and re-emits them equal', async () => {
    const server = await startDevServer({ generatedDir: 'generated' });
    try {
      expect((await importBack(server.url)).at(-1)).toBe('6 equal, 0 differ, 0 kept verbatim');
    } finally {
      await server.close();
    }
  }, 120_000);

  it('k1-workflows import --verify --server reads through the metadata client and round-trips', async () => {
    const server = await startDevServer({ generatedDir: 'generated' });
    try {
      const out: string[] = [];
      const code = await main(['import', '--verify', '--server', server.url, '--workflow', 'deployment-rollback-handler@1'], { stdout: (l) => out.push(l), stderr: (l) => out.push(l) });
      expect(out).toEqual(['equal deployment-rollback-handler', '1 equal, 0 differ, 0 kept verbatim']);
      expect(code).toBe(0);
    } finally {
      await server.close();
    }
  }, 60_000);

  it('refuses a workflow the server does not have, naming it', async () => {
    const server = await startDevServer();
    try {
      const api = await connectMetadataApi({ serverUrl: server.url });
      await expect(readFromServer(api, server.url, [{ name: 'no_such_workflow', version: 3 }])).rejects.toThrow(
        `${server.url}: workflow no_such_workflow@3 is not registered there.`,
      );
    } finally {
      await server.close();
    }
  });

  // The real server (conductor-oss 3.32.3): the K1 definitions it lacks are registered first
  // (only new ones: a server shared with others keeps the versions it has), then what it stores
  // (its defaults filled in, createTime ...) imports back equal.
  it.runIf(process.env.K1_CONDUCTOR_URL !== undefined)('reads the K1 definitions back from the real server at K1_CONDUCTOR_URL', async () => {
    const serverUrl = process.env.K1_CONDUCTOR_URL as string;
    const api = await connectMetadataApi({ serverUrl });
    const plan = (await planSync(api, await readGenerated('generated'))).filter((change) => change.status !== 'changed');
    expect(registeredCleanly(await registerDefinitions(api, plan))).toBe(true);
    expect((await importBack(serverUrl)).at(-1)).toBe('6 equal, 0 differ, 0 kept verbatim');
  }, 120_000);
});
