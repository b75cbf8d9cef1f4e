/**
 * learnServerDefaults against the dev server (which stores definitions as conductor-oss 3.32.3
 * does): it learns the committed defaults and leaves no probe definition behind.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { learnServerDefaults } from '../../src/conductor/learn-defaults.ts';
import { LEARNED_DEFAULTS } from '../../src/conductor/learned-defaults.ts';
import { startDevServer, type DevServer } from '../../src/server/index.ts';
import { connectMetadataApi } from '../../src/sync/metadata-api.ts';

let server: DevServer;

beforeAll(async () => {
  server = await startDevServer();
});

afterAll(async () => {
  await server.close();
});

it('learns the committed defaults from the dev server and deletes its probes afterwards', async () => {
  const api = await connectMetadataApi({ serverUrl: server.url });
  const learned = await learnServerDefaults(api, 'dev server');
  expect({ ...learned, server: LEARNED_DEFAULTS.server }).toEqual(LEARNED_DEFAULTS);
  const left = (await (await fetch(`${server.url}/api/metadata/taskdefs`)).json()) as { name: string }[];
  const workflows = (await (await fetch(`${server.url}/api/metadata/workflow`)).json()) as { name: string }[];
  expect([...left, ...workflows].map((d) => d.name).filter((n) => n.startsWith('k1_probe_'))).toEqual([]);
});
