/**
 * The endpoints the SDK's WorkflowExecutor calls to find runs and to test a definition: search,
 * running, correlated and `POST /api/workflow/test`, answering as conductor-oss 3.32.3 did in
 * conformance part 5.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { javaText } from '../../src/server/search.ts';
import { startDevServer, type DevServer } from '../../src/server/index.ts';
import { client, simple, taskDef, wf } from './support.ts';

let server: DevServer;
let api: ReturnType<typeof client>;
let first: string;
let second: string;

beforeAll(async () => {
  server = await startDevServer();
  api = client(server.url);
  await api.post('/api/metadata/taskdefs', [taskDef('qe_scan'), taskDef('qe_a'), taskDef('qe_b')]);
  await api.put('/api/metadata/workflow', [
    wf('qe_scan', [simple('scan', {}, { name: 'qe_scan' })]),
    wf('qe_two', [simple('a', {}, { name: 'qe_a' }), simple('b', { v: '${a.output.v}' }, { name: 'qe_b' })], { outputParameters: { got: '${b.output.got}' } }),
  ]);
  first = (await api.post('/api/workflow', { name: 'qe_scan', input: { i: 1, tags: ['x', 'y'], nested: { k: 'v' } }, correlationId: 'corr' })).text;
  await new Promise((resolve) => setTimeout(resolve, 3));
  second = (await api.post('/api/workflow', { name: 'qe_scan', input: { i: 2 }, correlationId: 'corr' })).text;
  await api.del(`/api/workflow/${second}?reason=ended`);
});

afterAll(async () => {
  await server?.close();
});

const search = async (query: string, extra = '') => (await api.get(`/api/workflow/search?query=${encodeURIComponent(query)}&freeText=*${extra}`)).json;

describe('search', () => {
  it('answers WorkflowSummary: ISO times, input and output as Java prints a map, failed names joined', async () => {
    const found = await search('workflowType IN (qe_scan) AND status IN (RUNNING,TERMINATED)', '&sort=startTime:ASC');
    expect(found.totalHits).toBe(2);
    const [running, terminated] = found.results;
    expect(running).toEqual({
      workflowType: 'qe_scan',
      version: 1,
      workflowId: first,
      correlationId: 'corr',
      startTime: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      updateTime: expect.stringMatching(/Z$/),
      status: 'RUNNING',
      input: '{i=1, tags=[x, y], nested={k=v}}',
      output: '{}',
      executionTime: 0,
      failedReferenceTaskNames: '',
      priority: 0,
      failedTaskNames: [],
      taskToDomain: {},
      parentWorkflowId: '',
      classifier: 'workflow',
      inputSize: 32,
      outputSize: 2,
    });
    expect(terminated).toMatchObject({ workflowId: second, status: 'TERMINATED', reasonForIncompletion: 'ended', endTime: expect.stringMatching(/Z$/), input: '{i=2}', inputSize: 5 });
    expect(terminated.executionTime).toBeGreaterThanOrEqual(0);
  });

  it('filters, sorts and pages as the SQLite index does; a malformed condition is a 400', async () => {
    expect((await search('workflowType IN (qe_scan) AND status IN (RUNNING)')).results.map((r: { workflowId: string }) => r.workflowId)).toEqual([first]);
    expect((await search('workflowType = qe_sc*')).totalHits).toBe(2);
    expect((await search('workflowType IN (qe_scan)', '&sort=startTime:DESC&start=0&size=1')).results.map((r: { workflowId: string }) => r.workflowId)).toEqual([second]);
    expect((await search('workflowType IN (qe_scan)', '&sort=startTime:ASC&start=1&size=1')).results.map((r: { workflowId: string }) => r.workflowId)).toEqual([second]);
    // A field the index does not have is ignored; free text looks through the whole summary.
    expect((await search('nosuchField = 1 AND workflowType IN (qe_scan)')).totalHits).toBe(2);
    expect((await api.get(`/api/workflow/search?query=${encodeURIComponent('workflowType IN (qe_scan)')}&freeText=ended`)).json.totalHits).toBe(1);
    const malformed = await api.get('/api/workflow/search?query=nonsense');
    expect(malformed.status).toBe(400);
    expect(malformed.json.message).toBe('Incorrectly formatted query string: nonsense');
  });

  it('javaText prints values as Java prints the maps the server holds', () => {
    expect(javaText({ a: 1, b: 'text', c: null, d: [true, 2.5], e: {} })).toBe('{a=1, b=text, c=null, d=[true, 2.5], e={}}');
  });
});

describe('running and correlated', () => {
  it('lists the running ids of a version, and the runs of a correlationId (ended ones with includeClosed)', async () => {
    expect((await api.get('/api/workflow/running/qe_scan?version=1')).json).toEqual([first]);
    expect((await api.get('/api/workflow/running/qe_scan?version=2')).json).toEqual([]);
    const open = (await api.get('/api/workflow/qe_scan/correlated/corr?includeClosed=false&includeTasks=false')).json;
    expect(open.map((w: { workflowId: string; tasks: unknown[] }) => [w.workflowId, w.tasks])).toEqual([[first, []]]);
    const all = (await api.get('/api/workflow/qe_scan/correlated/corr?includeClosed=true&includeTasks=true')).json;
    expect(all.map((w: { workflowId: string; tasks: unknown[] }) => [w.workflowId, w.tasks.length])).toEqual([
      [first, 1],
      [second, 1],
    ]);
    const batch = (await api.post('/api/workflow/qe_scan/correlated?includeClosed=true', ['corr', 'none'])).json;
    expect(Object.keys(batch)).toEqual(['corr', 'none']);
    expect(batch.none).toEqual([]);
  });
});

describe('POST /api/workflow/test', () => {
  it('runs the workflow at once with the mocks, in a domain of its own, and keeps the run readable by id', async () => {
    const answer = await api.post('/api/workflow/test', {
      name: 'qe_two',
      version: 1,
      input: { q: 1 },
      taskRefToMockOutput: { a: [{ status: 'COMPLETED', output: { v: 'mocked' } }], b: [{ status: 'COMPLETED', output: { got: 'done' } }] },
    });
    expect(answer.status).toBe(200);
    const run = answer.json;
    expect(run).toMatchObject({ status: 'COMPLETED', input: { q: 1 }, output: { got: 'done' } });
    const domain = run.taskToDomain['*'];
    expect(domain).toMatch(/^[0-9a-f-]{36}$/);
    expect(run.tasks.map((t: { referenceTaskName: string; status: string; domain: string; executed: boolean }) => [t.referenceTaskName, t.status, t.domain, t.executed])).toEqual([
      ['a', 'COMPLETED', domain, true],
      ['b', 'COMPLETED', domain, false],
    ]);
    expect((await api.get(`/api/workflow/${run.workflowId}`)).json.status).toBe('COMPLETED');
  });

  it('writes mocked tasks as the server does: no poll (pollCount 0), startTime 0 unless the mock gives executionTime', async () => {
    const answer = await api.post('/api/workflow/test', {
      name: 'qe_two',
      taskRefToMockOutput: { a: [{ status: 'COMPLETED', output: { v: 'x' } }], b: [{ status: 'COMPLETED', output: { got: 'y' }, executionTime: 500 }] },
    });
    const tasks = answer.json.tasks as { referenceTaskName: string; pollCount: number; startTime: number }[];
    expect(tasks.map((t) => [t.referenceTaskName, t.pollCount, t.startTime === 0])).toEqual([
      ['a', 0, true],
      ['b', 0, false],
    ]);
  });

  it('answers 500 as the server does when a mock has no output', async () => {
    const answer = await api.post('/api/workflow/test', { name: 'qe_two', taskRefToMockOutput: { a: [{ status: 'FAILED' }] } });
    expect(answer.status).toBe(500);
    expect(answer.json.message).toBe('Cannot invoke "java.util.Map.size()" because "m" is null');
  });
});

describe('removed runs, search-v2 and the endpoints left out', () => {
  it('refuses to remove a running workflow; a removed one is gone but the search still finds it, as on the server', async () => {
    const id = (await api.post('/api/workflow', { name: 'qe_scan', input: { i: 3 }, correlationId: 'removed' })).text;
    const refused = await api.del(`/api/workflow/${id}/remove`);
    expect(refused.status).toBe(400);
    expect(refused.json.message).toBe(`Cannot archive workflow: ${id} with status: RUNNING`);
    expect((await api.del(`/api/workflow/${id}/terminate-remove?reason=gone`)).status).toBe(200);
    expect((await api.get(`/api/workflow/${id}`)).status).toBe(404);
    const found = await search('correlationId = removed');
    expect(found.results.map((r: { workflowId: string; status: string }) => [r.workflowId, r.status])).toEqual([[id, 'TERMINATED']]);
    const v2 = (await api.get(`/api/workflow/search-v2?query=${encodeURIComponent('correlationId = removed')}`)).json;
    expect(v2.totalHits).toBe(1);
    expect(v2.results[0]).toMatchObject({ workflowId: id, status: 'TERMINATED', reasonForIncompletion: 'gone', tasks: [], workflowName: 'qe_scan' });
  });

  it('answers 501 naming the endpoint for what conductor-oss has and the dev server leaves out', async () => {
    const answer = await api.get('/api/tasks/search?query=x');
    expect(answer.status).toBe(501);
    expect(answer.json.message).toContain('does not implement GET /api/tasks/search (conductor-oss 3.32.3 has it)');
    // A static segment wins over a parameter where two routes tie: signal/sync is not a by-reference update.
    const signal = await api.post('/api/tasks/some-id/COMPLETED/signal/sync', {});
    expect(signal.status).toBe(501);
    expect(signal.json.message).toContain('POST /api/tasks/{workflowId}/{status}/signal/sync');
  });
});

describe('task logs and poll data', () => {
  it('adds a log line as sent, and lists who polled a task type last in each domain', async () => {
    const id = (await api.post('/api/workflow', { name: 'qe_two' })).text;
    const [task] = (await api.get('/api/tasks/poll/batch/qe_a?workerid=logger&count=1&timeout=200')).json;
    await api.get('/api/tasks/poll/batch/qe_a?workerid=blue-worker&domain=blue&count=1&timeout=10');
    await api.postRaw(`/api/tasks/${task.taskId}/log`, '"a line"');
    expect((await api.get(`/api/tasks/${task.taskId}/log`)).json).toEqual([{ log: '"a line"', taskId: task.taskId, createdTime: expect.any(Number) }]);
    expect((await api.get('/api/tasks/queue/polldata?taskType=qe_a')).json).toEqual([
      { queueName: 'qe_a', workerId: 'logger', lastPollTime: expect.any(Number) },
      { queueName: 'qe_a', domain: 'blue', workerId: 'blue-worker', lastPollTime: expect.any(Number) },
    ]);
    await api.del(`/api/workflow/${id}`);
  });
});
