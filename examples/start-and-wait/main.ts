/**
 * Registers the example workflow on a Conductor server, starts it and waits for its typed output.
 * `CONDUCTOR_SERVER_URL` names the server (default: the dev server of `npm run dev`).
 *
 *   npm run dev                                                          # in one terminal
 *   npx tsx --conditions=k1-source examples/start-and-wait/main.ts "a workflow is just code"
 */
import { MetadataClient, orkesConductorClient } from '@io-orkes/conductor-javascript';
import { compileWorkflow, startWorkflow, waitForWorkflow } from '@k1/workflows';
import { wordCount } from './definitions.ts';

const serverUrl = process.env.CONDUCTOR_SERVER_URL ?? 'http://127.0.0.1:8080';
const client = await orkesConductorClient({ serverUrl });
// What `npx k1-workflows register` does for a whole generated/ folder, for one workflow.
await new MetadataClient(client).registerWorkflowDef(compileWorkflow(wordCount), true);

const id = await startWorkflow(client, wordCount, { text: process.argv[2] ?? 'workflows as code, checked by the compiler' });
const done = await waitForWorkflow(client, id, { timeoutMs: 30_000, pollMs: 100 });
// done.output is typed from the workflow's output schema: { words: number; longest: string }
console.log(`${done.workflowId}: ${done.output.words} words, the longest "${done.output.longest}"`);
