/**
 * Task domains as conductor-oss 3.32.3 showed them (conformance part 5, "task domains"): a start's
 * `taskToDomain` queues a worker task in its domain, and only a poll for exactly that domain gets it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevServer, type DevServer } from '../../src/server/index.ts';
import { client, simple, taskDef, wf } from './support.ts';

let server: DevServer;
let api: ReturnType<typeof client>;

beforeAll(async () => {
  server = await startDevServer();
  api = client(server.url);
  await api.post('/api/metadata/taskdefs', [taskDef('dm_a'), taskDef('dm_b')]);
  await api.post('/api/metadata/workflow', wf('dm_two', [simple('a', {}, { name: 'dm_a' }), simple('b', {}, { name: 'dm_b' })]));
  await api.post('/api/metadata/workflow', wf('dm_parent', [{ name: 'dm_two', taskReferenceName: 'sub', type: 'SUB_WORKFLOW', subWorkflowParam: { name: 'dm_two', version: 1 } }]));
});

afterAll(async () => {
  await server?.close();
});

const poll = async (type: string, domain?: string): Promise<any[]> =>
  (await api.get(`/api/tasks/poll/batch/${type}?workerid=w&count=1&timeout=50${domain === undefined ? '' : `&domain=${encodeURIComponent(domain)}`}`)).json;
const start = async (taskToDomain?: Record<string, string>): Promise<string> => (await api.post('/api/workflow', { name: 'dm_two', ...(taskToDomain && { taskToDomain }) })).text;

describe('task domains', () => {
  it('queues a mapped task in its domain: no poll without that exact domain gets it', async () => {
    const id = await start({ dm_a: 'blue' });
    expect(await poll('dm_a')).toEqual([]);
    expect(await poll('dm_a', 'red')).toEqual([]);
    // The server's queue sizes count the default queue.
    expect((await api.get('/api/tasks/queue/sizes?taskType=dm_a')).json).toEqual({ dm_a: 0 });
    const [task] = await poll('dm_a', 'blue');
    expect(task).toMatchObject({ workflowInstanceId: id, referenceTaskName: 'a', domain: 'blue', status: 'IN_PROGRESS' });
    expect((await api.get(`/api/workflow/${id}?includeTasks=false`)).json.taskToDomain).toEqual({ dm_a: 'blue' });

    await api.post('/api/tasks', { taskId: task.taskId, workflowInstanceId: id, status: 'COMPLETED', outputData: {} });
    // A type without a mapping goes to the default queue, and the task has no domain field.
    const [next] = await poll('dm_b');
    expect(next.referenceTaskName).toBe('b');
    expect(next).not.toHaveProperty('domain');
    await api.del(`/api/workflow/${id}`);
  });

  it('"*" maps every worker task; a poll for the domain "*" is a domain of its own', async () => {
    const id = await start({ '*': 'green' });
    expect(await poll('dm_a')).toEqual([]);
    expect(await poll('dm_a', '*')).toEqual([]);
    expect(await poll('dm_a', 'green')).toMatchObject([{ workflowInstanceId: id, domain: 'green' }]);
    await api.del(`/api/workflow/${id}`);
  });

  it('a type\'s own mapping wins over "*"', async () => {
    const id = await start({ '*': 'green', dm_a: 'blue' });
    expect(await poll('dm_a', 'green')).toEqual([]);
    expect(await poll('dm_a', 'blue')).toMatchObject([{ workflowInstanceId: id, domain: 'blue' }]);
    await api.del(`/api/workflow/${id}`);
  });

  it("a sub-workflow's tasks go to the domains of its parent's taskToDomain", async () => {
    const parent = (await api.post('/api/workflow', { name: 'dm_parent', taskToDomain: { dm_a: 'blue' } })).text;
    expect(await poll('dm_a')).toEqual([]);
    const [task] = await poll('dm_a', 'blue');
    expect(task.domain).toBe('blue');
    expect((await api.get(`/api/workflow/${task.workflowInstanceId}?includeTasks=false`)).json.taskToDomain).toEqual({ dm_a: 'blue' });
    await api.del(`/api/workflow/${parent}`);
  });

  it('of several domains, queues in the first one polled lately, else the last; NO_DOMAIN is the default queue', async () => {
    const unpolled = await start({ dm_a: 'cyan,magenta' });
    expect(await poll('dm_a', 'magenta')).toMatchObject([{ workflowInstanceId: unpolled, domain: 'magenta' }]);
    // cyan polled just now (empty handed): the next run goes to cyan.
    expect(await poll('dm_a', 'cyan')).toEqual([]);
    const polled = await start({ dm_a: 'cyan,magenta' });
    expect(await poll('dm_a', 'cyan')).toMatchObject([{ workflowInstanceId: polled, domain: 'cyan' }]);
    const fallback = await start({ dm_a: 'yellow,NO_DOMAIN' });
    expect(await poll('dm_a')).toMatchObject([{ workflowInstanceId: fallback }]);
    for (const id of [unpolled, polled, fallback]) await api.del(`/api/workflow/${id}`);
  });
});
