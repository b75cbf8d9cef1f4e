/**
 * The JSON the dev server answers has the fields conductor-oss 3.32.3 answers, with its values
 * (conformance part 5 compares them field by field): the Task and Workflow models, the definitions
 * a run snapshots at start, and the error bodies.
 */
import { hostname } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevServer, type DevServer } from '../../src/server/index.ts';
import { client, simple, taskDef, wf } from './support.ts';

let server: DevServer;
let api: ReturnType<typeof client>;

beforeAll(async () => {
  server = await startDevServer({ requireTaskDefs: false });
  api = client(server.url);
  await api.post('/api/metadata/taskdefs', [taskDef('am_step', { responseTimeoutSeconds: 600 })]);
  await api.post(
    '/api/metadata/workflow',
    wf('am_flow', [
      { name: 'calc', taskReferenceName: 'calc', type: 'INLINE', inputParameters: { evaluatorType: 'javascript', expression: '1 + 1' } },
      simple('step', {}, { name: 'am_step' }),
      simple('unregistered', {}, { name: 'am_unregistered' }),
    ]),
  );
});

afterAll(async () => {
  await server?.close();
});

/** The fields of conductor-oss 3.32.3's embedded ad-hoc TaskDef (what it makes for a task nobody registered). */
const adHoc = (name: string, retryCount: number, responseTimeoutSeconds: number) => ({
  createTime: 0,
  updateTime: 0,
  name,
  retryCount,
  timeoutSeconds: 0,
  inputKeys: [],
  outputKeys: [],
  runtimeMetadata: [],
  timeoutPolicy: 'TIME_OUT_WF',
  retryLogic: 'FIXED',
  retryDelaySeconds: 60,
  responseTimeoutSeconds,
  inputTemplate: {},
  rateLimitPerFrequency: 0,
  rateLimitFrequencyInSeconds: 1,
  backoffScaleFactor: 1,
  maxRetryDelaySeconds: 0,
  backoffJitterMs: 0,
  totalTimeoutSeconds: 0,
  taskStatusListenerEnabled: true,
  enforceSchema: false,
});

describe('the Workflow and Task JSON', () => {
  it('has the fields of the server, and a run snapshots every task definition at start', async () => {
    const id = (await api.post('/api/workflow', { name: 'am_flow', correlationId: 'c' })).text;
    const run = (await api.get(`/api/workflow/${id}`)).json;
    expect(run).toMatchObject({ ownerApp: '', status: 'RUNNING', endTime: 0, taskToDomain: {}, failedReferenceTaskNames: [], failedTaskNames: [], history: [], rateLimited: false, lastRetriedTime: 0, priority: 0 });
    expect(run).not.toHaveProperty('workflowType');
    expect(run).not.toHaveProperty('version');
    expect(run).not.toHaveProperty('failedTaskId');

    const [calc, step, unregistered] = run.workflowDefinition.tasks;
    // System tasks get the ad-hoc definition with retries and the response timeout off.
    expect(calc.taskDefinition).toEqual(adHoc('calc', 0, 0));
    expect(step.taskDefinition).toMatchObject({ name: 'am_step', responseTimeoutSeconds: 600, createdBy: '', createTime: expect.any(Number) });
    expect(unregistered.taskDefinition).toEqual(adHoc('am_unregistered', 3, 3600));

    const [inline, worker] = run.tasks;
    expect(inline).toMatchObject({ taskType: 'INLINE', status: 'COMPLETED', seq: 1, executed: true, retried: false, responseTimeoutSeconds: 0, rateLimitPerFrequency: 0, rateLimitFrequencyInSeconds: 0, correlationId: 'c' });
    expect(inline.workflowTask.taskDefinition).toEqual(adHoc('calc', 0, 0));
    expect(worker).toMatchObject({
      taskType: 'am_step',
      status: 'SCHEDULED',
      seq: 2,
      updateTime: 0,
      startTime: 0,
      responseTimeoutSeconds: 600,
      rateLimitFrequencyInSeconds: 1,
      subworkflowChanged: false,
      firstStartTime: 0,
      executionMetadata: { additionalContext: {}, empty: true, additionalContextMap: {} },
      loopOverTask: false,
      workflowPriority: 0,
    });
    expect(worker.taskDefinition).toEqual(worker.workflowTask.taskDefinition);
    await api.del(`/api/workflow/${id}`);
  });

  it('omits correlationId on tasks of a run without one, and keeps a started run on the definition it started with', async () => {
    const id = (await api.post('/api/workflow', { name: 'am_flow' })).text;
    await api.put('/api/metadata/taskdefs', taskDef('am_step', { responseTimeoutSeconds: 30 }));
    const run = (await api.get(`/api/workflow/${id}`)).json;
    expect(run.tasks[1]).not.toHaveProperty('correlationId');
    expect(run.tasks[1].responseTimeoutSeconds).toBe(600);
    await api.del(`/api/workflow/${id}`);
  });
});

describe('error bodies', () => {
  it('carry the host name as instance, and text answers are text/plain;charset=UTF-8', async () => {
    const unknown = await api.get('/api/workflow/no-such-id');
    expect(unknown.json).toEqual({ status: 404, message: 'No such workflow found by id: no-such-id', instance: hostname(), retryable: false });
    const started = await api.post('/api/workflow/am_flow', {});
    expect(started.headers.get('content-type')).toBe('text/plain;charset=UTF-8');
    await api.del(`/api/workflow/${started.text}`);
  });
});
