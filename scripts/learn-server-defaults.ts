/**
 * `npm run learn-defaults -- [--server URL]`: learns what the pinned conductor-oss server adds to
 * stored definitions and schedules (see learnServerDefaults, learnScheduleDefaults) and writes
 * src/conductor/learned-defaults.ts and src/schedule/learned-schedule-defaults.ts, which the
 * diff, the dev server and the runner read. Without --server it starts the pinned server
 * itself. The conformance suite fails when the committed file no longer matches the server.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { learnedDefaultsSource } from '../src/conductor/learned-defaults-source.ts';
import { learnServerDefaults } from '../src/conductor/learn-defaults.ts';
import { startConductor } from '../src/conductor/start-conductor.ts';
import { CONDUCTOR_VERSION } from '../src/conductor/version.ts';
import { learnedScheduleDefaultsSource, learnScheduleDefaults } from '../src/schedule/learn-schedule-defaults.ts';
import { connectMetadataApi } from '../src/sync/metadata-api.ts';

const TARGET = new URL('../src/conductor/learned-defaults.ts', import.meta.url);
const SCHEDULE_TARGET = new URL('../src/schedule/learned-schedule-defaults.ts', import.meta.url);

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { server: { type: 'string' } }, strict: true });
  const conductor = values.server === undefined ? await startConductor() : undefined;
  try {
    const url = values.server ?? (conductor?.url as string);
    const api = await connectMetadataApi({ serverUrl: url });
    const learned = await learnServerDefaults(api, `conductor-oss ${CONDUCTOR_VERSION}`);
    writeFileSync(TARGET, learnedDefaultsSource(learned));
    console.log(`learned from ${url}: ${Object.keys(learned.taskDef).length} TaskDef, ${Object.keys(learned.workflowDef).length} WorkflowDef, ${Object.keys(learned.workflowTask).length} WorkflowTask defaults; wrote ${TARGET.pathname}`);
    const schedules = await learnScheduleDefaults(api, `conductor-oss ${CONDUCTOR_VERSION}`);
    writeFileSync(SCHEDULE_TARGET, learnedScheduleDefaultsSource(schedules));
    console.log(`learned ${Object.keys(schedules.schedule).length} WorkflowSchedule defaults; wrote ${SCHEDULE_TARGET.pathname}`);
  } finally {
    await conductor?.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
