/**
 * Part 6, import from the real server (issue 18): the K1 definitions registered there (part 1
 * registers them; the ones missing are registered here, never changing existing ones) are read
 * back through the metadata client, imported as DSL source, compiled and re-emitted equal to what
 * the server stores.
 */
import { expect, it } from 'vitest';
import { readGenerated } from '../../src/gen/read-generated.ts';
import { connectMetadataApi } from '../../src/sync/metadata-api.ts';
import { registerDefinitions, registeredCleanly } from '../../src/sync/register.ts';
import { planSync } from '../../src/sync/sync-plan.ts';
import { importBack } from '../support/import-back.ts';
import { printSummary } from './report.ts';
import { conductorUrl } from './support.ts';

it('reads the K1 definitions back from the real server and re-emits them equal', async () => {
  const serverUrl = conductorUrl();
  const api = await connectMetadataApi({ serverUrl });
  // Schedules are not imported, and one registered here would fire on a shared server.
  const plan = (await planSync(api, await readGenerated('generated'))).filter((change) => change.status !== 'changed' && change.kind !== 'schedule');
  expect(registeredCleanly(await registerDefinitions(api, plan))).toBe(true);
  const report = await importBack(serverUrl);
  printSummary('import', report.at(-1) ?? '');
  expect(report.at(-1)).toBe('8 equal, 0 differ, 0 kept verbatim');
});
