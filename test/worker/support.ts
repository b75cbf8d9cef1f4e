import { noopLogger, orkesConductorClient, type ConductorWorker, type Task } from '@io-orkes/conductor-javascript';
import { z } from 'zod';
import { defineTask, toTaskDef, type AnyTaskContract } from '../../src/index.ts';
import { startDevServer, type DevServer } from '../../src/server/index.ts';
import { client, eventually, owner } from '../server/support.ts';
import type { WorkflowTask } from '../../src/conductor-types.ts';

/** A contract with nested input, like a build report: paths such as `metrics.flash_bytes`. */
export const firmwareReport = defineTask({
  name: 'wt_firmware_report',
  description: 'Summarises a firmware build (test contract).',
  input: z.object({
    environment: z.string().regex(/^[a-z0-9_-]+$/, 'letters, digits, "_" and "-"'),
    commit_sha: z.string().regex(/^[0-9a-f]{7,40}$/),
    metrics: z.object({ flash_bytes: z.number().int().nonnegative(), ram_bytes: z.number().int().nonnegative() }),
  }),
  output: z.object({ summary: z.string(), flash_kib: z.number() }),
  retryCount: 1,
  retryLogic: 'FIXED',
  retryDelaySeconds: 0,
  timeoutSeconds: 60,
  responseTimeoutSeconds: 60,
});

/** Valid input of {@link firmwareReport}. */
export const goodReport = { environment: 'esp32', commit_sha: 'abc1234', metrics: { flash_bytes: 2048, ram_bytes: 512 } };

/** An SDK Task as a poll hands it to a worker. */
export function sdkTask(inputData: Record<string, unknown>, extra: Partial<Task> = {}): Task {
  return { taskId: 't-1', workflowInstanceId: 'w-1', referenceTaskName: 'report', taskType: firmwareReport.name, retryCount: 0, pollCount: 1, inputData, ...extra };
}

/** The SDK prefers these variables over its options: clear them for the tests, return a restore. */
export function clearConductorEnv(): () => void {
  const saved: Record<string, string | undefined> = {};
  for (const name of ['CONDUCTOR_SERVER_URL', 'CONDUCTOR_AUTH_KEY', 'CONDUCTOR_AUTH_SECRET']) {
    saved[name] = process.env[name];
    delete process.env[name];
  }
  return () => {
    for (const [name, value] of Object.entries(saved)) if (value !== undefined) process.env[name] = value;
  };
}

/** A dev server with helpers to register one-task workflows and follow them. */
export interface Bench {
  readonly server: DevServer;
  readonly http: ReturnType<typeof client>;
  /** Registers `contract` and a workflow `wf_<name>` running it once with the workflow input. */
  register(contract: AnyTaskContract): Promise<void>;
  /** Starts `wf_<taskName>` with `input`; the workflow id. */
  start(taskName: string, input: Record<string, unknown>): Promise<string>;
  /** The workflow (with tasks) once its status is one of `statuses`. */
  waitFor(id: string, statuses?: readonly string[], ms?: number): Promise<any>;
  close(): Promise<void>;
}

/** Starts a dev server on 127.0.0.1 with a clean environment. */
export async function startBench(): Promise<Bench> {
  const restore = clearConductorEnv();
  const server = await startDevServer();
  const http = client(server.url);
  return {
    server,
    http,
    async register(contract) {
      const def = { ...toTaskDef(contract), ownerEmail: owner };
      const keys = Object.keys((contract.input as z.AnyZodObject).shape);
      const task: WorkflowTask = { name: contract.name, taskReferenceName: 'step', type: 'SIMPLE', inputParameters: Object.fromEntries(keys.map((k) => [k, `\${workflow.input.${k}}`])) };
      const a = await http.post('/api/metadata/taskdefs', [def]);
      if (a.status !== 200) throw new Error(`taskdef: ${a.status} ${a.text}`);
      const b = await http.post('/api/metadata/workflow', { name: `wf_${contract.name}`, version: 1, schemaVersion: 2, ownerEmail: owner, timeoutSeconds: 0, tasks: [task], outputParameters: { result: '${step.output}' } });
      if (b.status !== 200) throw new Error(`workflow: ${b.status} ${b.text}`);
    },
    async start(taskName, input) {
      const answer = await http.post(`/api/workflow/wf_${taskName}`, input);
      if (answer.status !== 200) throw new Error(`start: ${answer.status} ${answer.text}`);
      return answer.text;
    },
    waitFor(id, statuses = ['COMPLETED', 'FAILED', 'TERMINATED', 'TIMED_OUT'], ms = 5_000) {
      return eventually(async () => {
        const workflow = (await http.get(`/api/workflow/${id}?includeTasks=true`)).json;
        return statuses.includes(workflow?.status) ? workflow : undefined;
      }, ms);
    },
    async close() {
      await server.close();
      restore();
    },
  };
}

/** An SDK client for `url`, without logging. */
export const sdkClient = (url: string) => orkesConductorClient({ serverUrl: url, logger: noopLogger });

/** A raw SDK worker (no contract) that answers with `output`. */
export const rawWorker = (taskDefName: string, output: Record<string, unknown> = {}): ConductorWorker => ({
  taskDefName,
  execute: async () => ({ status: 'COMPLETED', outputData: output }),
});

/** GET `url` → status and parsed body (JSON when it is JSON). */
export async function get(url: string): Promise<{ status: number; body: any; text: string; type: string }> {
  const response = await fetch(url);
  const text = await response.text();
  const type = response.headers.get('content-type') ?? '';
  return { status: response.status, text, type, body: type.includes('json') ? JSON.parse(text) : undefined };
}

export { eventually };
