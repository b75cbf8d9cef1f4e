/**
 * `npm run learn-defaults -- [--server URL]`: learns what the pinned conductor-oss server adds to
 * stored definitions (see learnServerDefaults) and writes src/conductor/learned-defaults.ts, which
 * the diff, the dev server and the runner read. Without --server it starts the pinned server
 * itself. The conformance suite fails when the committed file no longer matches the server.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { learnedDefaultsSource } from '../src/conductor/learned-defaults-source.ts';
import { learnServerDefaults } from '../src/conductor/learn-defaults.ts';
import { startConductor } from '../src/conductor/start-conductor.ts';
import { CONDUCTOR_VERSION } from '../src/conductor/version.ts';
import { connectMetadataApi } from '../src/sync/metadata-api.ts';

const TARGET = new URL('../src/conductor/learned-defaults.ts', import.meta.url);

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { server: { type: 'string' } }, strict: true });
  const conductor = values.server === undefined ? await startConductor() : undefined;
  try {
    const url = values.server ?? (conductor?.url as string);
    const learned = await learnServerDefaults(await connectMetadataApi({ serverUrl: url }), `conductor-oss ${CONDUCTOR_VERSION}`);
    writeFileSync(TARGET, learnedDefaultsSource(learned));
    console.log(`learned from ${url}: ${Object.keys(learned.taskDef).length} TaskDef, ${Object.keys(learned.workflowDef).length} WorkflowDef, ${Object.keys(learned.workflowTask).length} WorkflowTask defaults; wrote ${TARGET.pathname}`);
  } finally {
    await conductor?.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
