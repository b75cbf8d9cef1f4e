import { MetadataClient, TaskManager, WorkflowExecutor, noopLogger, orkesConductorClient, type ConductorWorker, type Workflow } from '@io-orkes/conductor-javascript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TaskDef, WorkflowDef } from '../../src/conductor-types.ts';
import { startDevServer, type DevServer } from '../../src/server/index.ts';

const owner = 'dev-server-test@k1.reinvented';

const taskDef = (name: string): TaskDef => ({ name, ownerEmail: owner, retryCount: 0, timeoutSeconds: 30, totalTimeoutSeconds: 0, responseTimeoutSeconds: 10 });

const greeting: WorkflowDef = {
  name: 'sdk_greeting',
  version: 1,
  schemaVersion: 2,
  ownerEmail: owner,
  timeoutSeconds: 60,
  tasks: [
    { name: 'sdk_greet', taskReferenceName: 'greet', type: 'SIMPLE', inputParameters: { name: '${workflow.input.name}' } },
    { name: 'sdk_shout', taskReferenceName: 'shout', type: 'SIMPLE', inputParameters: { text: '${greet.output.greeting}' } },
  ],
  outputParameters: { message: '${shout.output.loud}', length: '${shout.output.length}' },
};

describe('the official SDK against the dev server', () => {
  let server: DevServer;
  let manager: TaskManager | undefined;
  const savedEnv: Record<string, string | undefined> = {};

  beforeAll(async () => {
    // The SDK prefers these over its config; make sure it talks to this server, without auth.
    for (const name of ['CONDUCTOR_SERVER_URL', 'CONDUCTOR_AUTH_KEY', 'CONDUCTOR_AUTH_SECRET']) {
      savedEnv[name] = process.env[name];
      delete process.env[name];
    }
    server = await startDevServer();
  });

  afterAll(async () => {
    await manager?.stopPolling();
    await server?.close();
    for (const [name, value] of Object.entries(savedEnv)) if (value !== undefined) process.env[name] = value;
  });

  it('registers with MetadataClient, runs workers with TaskManager, and executes with WorkflowExecutor', async () => {
    const client = await orkesConductorClient({ serverUrl: server.url, logger: noopLogger });
    const metadata = new MetadataClient(client);
    await metadata.registerTasks([taskDef('sdk_greet'), taskDef('sdk_shout')]);
    await metadata.registerWorkflowDef(greeting);
    expect((await metadata.getTask('sdk_greet'))?.name).toBe('sdk_greet');
    const stored = await metadata.getWorkflowDef('sdk_greeting', 1);
    expect(stored?.tasks.map((t) => t.taskReferenceName)).toEqual(['greet', 'shout']);
    expect(stored?.createTime).toBeGreaterThan(0);

    const seen: string[] = [];
    const workers: ConductorWorker[] = [
      {
        taskDefName: 'sdk_greet',
        execute: async (task) => {
          seen.push(`${task.taskType}:${task.referenceTaskName}`);
          return { status: 'COMPLETED', outputData: { greeting: `hello ${String(task.inputData?.['name'])}` } };
        },
      },
      {
        taskDefName: 'sdk_shout',
        execute: async (task) => {
          seen.push(`${task.taskType}:${task.referenceTaskName}`);
          const text = String(task.inputData?.['text']);
          return { status: 'COMPLETED', outputData: { loud: text.toUpperCase(), length: text.length } };
        },
      },
    ];
    manager = new TaskManager(client, workers, { logger: noopLogger, options: { pollInterval: 10, concurrency: 1 } });
    manager.startPolling();

    const executor = new WorkflowExecutor(client);
    const id = await executor.startWorkflow({ name: 'sdk_greeting', version: 1, input: { name: 'k1' }, correlationId: 'sdk-acceptance' });
    expect(typeof id).toBe('string');

    let workflow: Workflow | undefined;
    const deadline = Date.now() + 5_000;
    do {
      workflow = await executor.getWorkflow(id as string, true);
      if (workflow?.status !== 'RUNNING') break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    } while (Date.now() < deadline);

    expect(workflow?.status).toBe('COMPLETED');
    expect(workflow?.output).toEqual({ message: 'HELLO K1', length: 8 });
    expect(workflow?.correlationId).toBe('sdk-acceptance');
    expect(workflow?.workflowName).toBe('sdk_greeting');
    expect(workflow?.tasks?.map((t) => [t.referenceTaskName, t.taskType, t.status])).toEqual([
      ['greet', 'sdk_greet', 'COMPLETED'],
      ['shout', 'sdk_shout', 'COMPLETED'],
    ]);
    expect(workflow?.tasks?.[0]?.workerId).toEqual(expect.any(String));
    expect(seen).toEqual(['sdk_greet:greet', 'sdk_shout:shout']);

    const status = await executor.getWorkflowStatus(id as string, true, false);
    expect(status).toMatchObject({ workflowId: id, status: 'COMPLETED', output: { message: 'HELLO K1', length: 8 } });

    await manager.stopPolling();
    manager = undefined;
  });
});
