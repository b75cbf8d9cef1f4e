import { hostname } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevServer, type DevServer } from '../../src/server/index.ts';
import { client, simple, taskDef, wf } from './support.ts';

let server: DevServer;
let api: ReturnType<typeof client>;

beforeAll(async () => {
  server = await startDevServer({ maxBodyBytes: 64 * 1024 });
  api = client(server.url);
  expect((await api.post('/api/metadata/taskdefs', [taskDef('md_a'), taskDef('md_b')])).status).toBe(200);
});

afterAll(async () => {
  await server?.close();
});

describe('workflow definitions', () => {
  it('registers with POST, answers 409 for the same name+version, and upserts with PUT', async () => {
    const def = wf('md_flow', [simple('md_a')], { description: 'first' });
    expect((await api.post('/api/metadata/workflow', def)).status).toBe(200);

    const again = await api.post('/api/metadata/workflow', { ...def, description: 'second' });
    expect(again.status).toBe(409);
    expect(again.json).toMatchObject({ status: 409, message: expect.stringContaining('md_flow.1 already exists') });

    const stored = await api.get('/api/metadata/workflow/md_flow');
    expect(stored.status).toBe(200);
    expect(stored.json).toMatchObject({ name: 'md_flow', version: 1, description: 'first', restartable: true, createTime: expect.any(Number) });
    // conductor-oss 3.32.3 answers updateTime 0 for a definition never updated.
    expect(stored.json.updateTime).toBe(0);

    const put = await api.put('/api/metadata/workflow', [{ ...def, description: 'second' }, wf('md_flow', [simple('md_b')], { version: 2 })]);
    expect(put.status).toBe(200);
    expect(put.json).toEqual({ bulkErrorResults: {}, bulkSuccessfulResults: ['md_flow', 'md_flow'] });
    const v1 = await api.get('/api/metadata/workflow/md_flow?version=1');
    // conductor-oss 3.32.3 (observed): a PUT stores the body's createTime, 0 when it has none, even over an existing definition.
    expect(v1.json).toMatchObject({ description: 'second', createTime: 0, updateTime: expect.any(Number) });
    expect(v1.json.updateTime).toBeGreaterThan(0);
    expect((await api.get('/api/metadata/workflow/md_flow')).json.version).toBe(2);

    const all = await api.get('/api/metadata/workflow');
    expect(all.json.filter((d: { name: string }) => d.name === 'md_flow').map((d: { version: number }) => d.version).sort()).toEqual([1, 2]);

    // Orkes' ?overwrite=true replaces instead of answering 409.
    expect((await api.post('/api/metadata/workflow?overwrite=true', { ...def, description: 'third' })).status).toBe(200);
    expect((await api.get('/api/metadata/workflow/md_flow?version=1')).json.description).toBe('third');
  });

  it('answers 404 with the server wording for an unknown definition', async () => {
    const missing = await api.get('/api/metadata/workflow/md_nope?version=3');
    expect(missing.status).toBe(404);
    expect(missing.json).toEqual(expect.objectContaining({ status: 404, message: 'No such workflow found by name: md_nope, version: 3' }));
  });

  it('rejects an invalid definition with 400 and the validationErrors conductor-oss 3.32.3 words, on register and on validate', async () => {
    const bad = wf('md_bad', [simple('md_a'), simple('md_a')], { ownerEmail: undefined });
    for (const [path, argument] of [
      ['/api/metadata/workflow', 'registerWorkflowDef.arg0'],
      ['/api/metadata/workflow/validate', 'validateWorkflowDef.arg0'],
    ]) {
      const answer = await api.post(path as string, bad);
      expect(answer.status).toBe(400);
      // conductor-oss as shipped (ownerEmailMandatory=false) does not ask for ownerEmail; the dev server's default is the same.
      // Failed bean validation: no `instance`, unlike the server's other errors.
      expect(Object.keys(answer.json).sort()).toEqual(['message', 'retryable', 'status', 'validationErrors']);
      expect(answer.json).toMatchObject({ status: 400, message: 'Validation failed, check below errors for detail.', retryable: false });
      expect(answer.json.validationErrors).toEqual(
        expect.arrayContaining([
          { path: argument, message: 'taskReferenceName: md_a should be unique across tasks for a given workflowDefinition: md_bad' },
        ]),
      );
      expect(answer.json.validationErrors).toHaveLength(1);
    }
    expect((await api.get('/api/metadata/workflow/md_bad')).status).toBe(404);
    // A list names each definition by its place, as PUT's updateWorkflowDef does.
    const listed = await api.put('/api/metadata/workflow', [wf('md_ok', [simple('md_a')]), wf('md_empty', [])]);
    expect(listed.json.validationErrors).toEqual([{ path: 'updateWorkflowDef.arg0[1].tasks', message: 'WorkflowTask list cannot be empty' }]);
    const schema = await api.post('/api/metadata/workflow/validate', wf('md_v1', [simple('md_a')], { schemaVersion: 1 }));
    expect(schema.json.validationErrors).toEqual([{ path: 'validateWorkflowDef.arg0.schemaVersion', message: 'workflowDef schemaVersion: 2 is only supported', invalidValue: '1' }]);
  });

  // conductor-oss 3.32.3 registers a JOIN with an empty joinOn and a nested dangling reference (200): warnings refuse nothing.
  it('registers a definition whose only issues are warnings, as the real server does', async () => {
    const tasks = [
      { name: 'f', taskReferenceName: 'md_fork', type: 'FORK_JOIN', forkTasks: [[simple('md_a', { x: '${md_ghost.output}' })]] },
      { name: 'j', taskReferenceName: 'md_join', type: 'JOIN', joinOn: [] },
    ];
    expect((await api.post('/api/metadata/workflow/validate', wf('md_warned', tasks))).status).toBe(200);
  });

  it('asks for ownerEmail when started with requireOwnerEmail (Orkes, ownerEmailMandatory=true)', async () => {
    const strict = await startDevServer({ requireOwnerEmail: true });
    try {
      const strictApi = client(strict.url);
      expect((await strictApi.post('/api/metadata/taskdefs', [taskDef('md_a')])).status).toBe(200);
      const answer = await strictApi.post('/api/metadata/workflow/validate', wf('md_owner', [simple('md_a')], { ownerEmail: undefined }));
      expect(answer.status).toBe(400);
      expect(answer.json.validationErrors).toEqual([{ path: 'validateWorkflowDef.arg0.ownerEmail', message: 'ownerEmail cannot be empty' }]);
    } finally {
      await strict.close();
    }
  });

  it('validates without saving, and asks for task definitions of SIMPLE tasks first', async () => {
    expect((await api.post('/api/metadata/workflow/validate', wf('md_valid', [simple('md_a')]))).status).toBe(200);
    expect((await api.get('/api/metadata/workflow/md_valid')).status).toBe(404);

    const unregistered = await api.post('/api/metadata/workflow/validate', wf('md_valid', [simple('md_unknown_task')]));
    expect(unregistered.status).toBe(400);
    // A rule the server does not have keeps the validator's code and the message that says how to fix it.
    expect(unregistered.json.validationErrors[0]).toMatchObject({ code: 'TASK_NO_CONTRACT', message: expect.stringContaining('POST /api/metadata/taskdefs') });
  });

  it('accepts unknown JSON fields', async () => {
    expect((await api.post('/api/metadata/workflow', { ...wf('md_extra', [simple('md_a')]), someFutureField: { x: 1 } })).status).toBe(200);
  });
});

describe('task definitions', () => {
  it('creates a list with POST (server defaults filled in), updates one with PUT, and 404s PUT for a new one', async () => {
    expect((await api.post('/api/metadata/taskdefs', [{ name: 'md_defaults', ownerEmail: 'a@b.c', timeoutSeconds: 0, totalTimeoutSeconds: 0 }])).status).toBe(200);
    const got = await api.get('/api/metadata/taskdefs/md_defaults');
    expect(got.json).toMatchObject({ name: 'md_defaults', retryCount: 3, retryDelaySeconds: 60, retryLogic: 'FIXED', responseTimeoutSeconds: 3600, timeoutPolicy: 'TIME_OUT_WF', createTime: expect.any(Number) });

    expect((await api.put('/api/metadata/taskdefs', { ...got.json, retryCount: 1 })).status).toBe(200);
    const updated = await api.get('/api/metadata/taskdefs/md_defaults');
    expect(updated.json).toMatchObject({ retryCount: 1, createTime: got.json.createTime, updateTime: expect.any(Number) });

    const fresh = await api.put('/api/metadata/taskdefs', taskDef('md_never_created'));
    expect(fresh.status).toBe(404);
    expect(fresh.json).toEqual({ status: 404, message: 'No such task by name md_never_created', instance: hostname(), retryable: false });

    expect((await api.get('/api/metadata/taskdefs')).json.map((t: { name: string }) => t.name)).toEqual(expect.arrayContaining(['md_a', 'md_b', 'md_defaults']));
    const unknown = await api.get('/api/metadata/taskdefs/md_nope');
    expect(unknown.status).toBe(404);
    expect(unknown.json.message).toBe('No such taskType found by name: md_nope');
  });

  it('rejects invalid task definitions and a body that is not a list', async () => {
    const invalid = await api.post('/api/metadata/taskdefs', [taskDef('md_invalid', { responseTimeoutSeconds: 0 })]);
    expect(invalid.status).toBe(400);
    expect(invalid.json.validationErrors).toEqual([{ path: 'registerTaskDef.arg0[0].responseTimeoutSeconds', message: 'TaskDef responseTimeoutSeconds: 0 should be minimum 1 second', invalidValue: '0' }]);
    expect((await api.get('/api/metadata/taskdefs/md_invalid')).status).toBe(404);

    // conductor-oss 3.32.3 answers a single definition where it takes a list with Jackson's 500.
    const notList = await api.post('/api/metadata/taskdefs', taskDef('md_single'));
    expect(notList.status).toBe(500);
    expect(notList.json.message).toBe(
      'JSON parse error: Cannot deserialize value of type `java.util.ArrayList<com.netflix.conductor.common.metadata.tasks.TaskDef>` from Object value (token `JsonToken.START_OBJECT`)',
    );
  });
});

describe('requests the server cannot take', () => {
  it('answers malformed JSON with 500 "JSON parse error", as conductor-oss 3.32.3 does', async () => {
    const answer = await api.postRaw('/api/metadata/workflow', '{"name": "x",');
    expect(answer.status).toBe(500);
    expect(answer.json).toMatchObject({ status: 500, message: expect.stringMatching(/^JSON parse error: /), retryable: false });
  });

  it('answers a body over the size limit with 413', async () => {
    const answer = await api.postRaw('/api/metadata/workflow/validate', JSON.stringify({ blob: 'x'.repeat(100 * 1024) }));
    expect(answer.status).toBe(413);
    expect(answer.json.message).toContain('larger than 65536 bytes');
  });

  it('answers unknown paths with 404 and known paths with a wrong method with 405', async () => {
    const unknown = await api.get('/api/nothing/here');
    expect(unknown.status).toBe(404);
    expect(unknown.json.message).toContain('No endpoint GET /api/nothing/here');
    const wrongMethod = await api.call('PATCH', '/api/metadata/taskdefs');
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('GET, POST, PUT');
  });

  it('unregisters definitions, answering as conductor-oss 3.32.3 does (200 empty; 500 "No such ..." when absent)', async () => {
    const removed = await api.del('/api/metadata/workflow/md_flow/1');
    expect(removed.status).toBe(200);
    expect((await api.get('/api/metadata/workflow/md_flow?version=1')).json.message).toBe('No such workflow found by name: md_flow, version: 1');
    const again = await api.del('/api/metadata/workflow/md_flow/1');
    expect([again.status, again.json.message]).toEqual([500, 'No such workflow definition: md_flow version: 1']);
    const task = (await api.get('/api/metadata/taskdefs')).json as { name: string }[];
    const name = task[0]?.name ?? '';
    expect((await api.del(`/api/metadata/taskdefs/${name}`)).status).toBe(200);
    expect((await api.get(`/api/metadata/taskdefs/${name}`)).status).toBe(404);
    const unknown = await api.del(`/api/metadata/taskdefs/${name}`);
    expect([unknown.status, unknown.json.message]).toEqual([500, 'No such task definition']);
  });

  it('reports health', async () => {
    expect((await api.get('/health')).json).toEqual({ healthy: true });
  });
});
