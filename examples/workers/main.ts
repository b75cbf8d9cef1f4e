/**
 * Registers the example's definitions, runs its workers against the server, starts the workflow
 * for each sensor named on the command line, waits for each, and stops the workers.
 *
 *   npm run dev                                                                   # terminal 1
 *   npx tsx --conditions=k1-source examples/workers/main.ts attic cellar          # terminal 2
 */
import { MetadataClient, orkesConductorClient } from '@io-orkes/conductor-javascript';
import { compileWorkflow, startWorkflow, toTaskDef, waitForWorkflow, WorkflowRunError } from '@k1/workflows';
import { runWorkers, silentLogger } from '@k1/workflows/worker';
import { sensorReport, tasks } from './definitions.ts';
import { exampleWorkers } from './workers.ts';

const serverUrl = process.env.CONDUCTOR_SERVER_URL ?? 'http://127.0.0.1:8080';
const client = await orkesConductorClient({ serverUrl });
const metadata = new MetadataClient(client);
await metadata.registerTasks(tasks.map(toTaskDef));
await metadata.registerWorkflowDef(compileWorkflow(sensorReport), true);

// healthPort 0: a free port for /health and /metrics; signals []: this script stops them itself.
const workers = await runWorkers({ serverUrl, workers: exampleWorkers, healthPort: 0, signals: [], pollInterval: 20, logger: silentLogger });
let failed = 0;
try {
  for (const sensor of process.argv.slice(2).length > 0 ? process.argv.slice(2) : ['kitchen']) {
    const id = await startWorkflow(client, sensorReport, { sensor });
    try {
      const { output } = await waitForWorkflow(client, id, { timeoutMs: 30_000, pollMs: 50 });
      console.log(`${sensor}: ${output.celsius} °C, ${output.label}`);
    } catch (error) {
      if (!(error instanceof WorkflowRunError)) throw error;
      failed++;
      console.log(`${sensor}: ${error.message}`);
    }
  }
} finally {
  await workers.stop();
}
process.exitCode = failed === 0 ? 0 : 1;
