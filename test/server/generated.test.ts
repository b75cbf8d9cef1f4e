import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevServer, type DevServer } from '../../src/server/index.ts';
import { client } from './support.ts';

const read = (sub: string): Record<string, unknown>[] =>
  readdirSync(join('generated', sub))
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(readFileSync(join('generated', sub, f), 'utf8')) as Record<string, unknown>);

describe('serving generated/ as npm run dev does', () => {
  let server: DevServer;
  const workflows = read('workflows');
  const tasks = read('tasks');

  beforeAll(async () => {
    server = await startDevServer({ generatedDir: 'generated' });
  });

  afterAll(async () => {
    await server?.close();
  });

  it('registers every task definition and workflow, and GET returns each as written (plus server fields)', async () => {
    const api = client(server.url);
    expect(server.registered.tasks).toHaveLength(tasks.length);
    expect(server.registered.workflows.map((w) => w.name).sort()).toEqual(workflows.map((w) => w.name).sort());

    const allWorkflows = await api.get('/api/metadata/workflow');
    expect(allWorkflows.json.map((w: { name: string }) => w.name).sort()).toEqual(workflows.map((w) => w.name).sort());
    for (const def of workflows) {
      const got = await api.get(`/api/metadata/workflow/${encodeURIComponent(def['name'] as string)}?version=${def['version'] as number}`);
      expect(got.status).toBe(200);
      expect(got.json).toMatchObject(def);
      expect(got.json.createTime).toEqual(expect.any(Number));
    }

    const allTasks = await api.get('/api/metadata/taskdefs');
    expect(allTasks.json).toHaveLength(tasks.length);
    for (const def of tasks) {
      const got = await api.get(`/api/metadata/taskdefs/${encodeURIComponent(def['name'] as string)}`);
      expect(got.status).toBe(200);
      expect(got.json).toMatchObject(def);
    }
  });

  it('rejects a directory with nothing to register, naming what to do', async () => {
    await expect(startDevServer({ generatedDir: 'test/server' })).rejects.toThrow(/No definitions in test\/server\/tasks or test\/server\/workflows; run "npm run gen" first/);
  });
});
