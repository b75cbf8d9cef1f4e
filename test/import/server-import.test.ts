import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { readFromServer } from '../../src/import/server-source.ts';
import { startDevServer } from '../../src/server/index.ts';
import { connectMetadataApi } from '../../src/sync/metadata-api.ts';
import { importBack } from '../support/import-back.ts';

describe('importing from a server', () => {
  it('reads the K1 definitions back from the dev server (generated/ registered) and re-emits them equal', async () => {
    const server = await startDevServer({ generatedDir: 'generated' });
    try {
      expect((await importBack(server.url)).at(-1)).toBe('8 equal, 0 differ, 0 kept verbatim');
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
});
