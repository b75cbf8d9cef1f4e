/**
 * The dev server's scheduler: the SDK's SchedulerClient saves, reads, lists, pauses, resumes and
 * deletes schedules stored as conductor-oss 3.32.3 stores them; a seconds cron fires on real time
 * with the five scheduler keys; what the real server saves but never fires is refused with 400.
 */
import { noopLogger, orkesConductorClient, SchedulerClient } from '@io-orkes/conductor-javascript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevServer, type DevServer } from '../../src/server/index.ts';
import { client, eventually, owner, wf } from './support.ts';

let server: DevServer;
let scheduler: SchedulerClient;
let api: ReturnType<typeof client>;

beforeAll(async () => {
  server = await startDevServer();
  api = client(server.url);
  scheduler = new SchedulerClient(await orkesConductorClient({ serverUrl: server.url, logger: noopLogger }));
  const def = wf('ticked', [{ name: 'note', taskReferenceName: 'note', type: 'SET_VARIABLE', inputParameters: { at: '${workflow.input._scheduledTime}' } }], { ownerEmail: owner });
  expect((await api.post('/api/metadata/workflow', def)).status).toBe(200);
});

afterAll(async () => {
  await server.close();
});

describe('the dev server scheduler', () => {
  it('stores a schedule as the server does and answers it to the SDK; pause, resume and delete as there', async () => {
    await scheduler.saveSchedule({ name: 'quiet', cronExpression: '0 0 2 1 1 *', zoneId: 'Europe/Berlin', paused: true, startWorkflowRequest: { name: 'ticked', version: 1, input: { a: 1 } } });
    const stored = (await scheduler.getSchedule('quiet')) as Record<string, unknown>;
    expect(stored).toEqual({
      name: 'quiet',
      cronExpression: '0 0 2 1 1 *',
      zoneId: 'Europe/Berlin',
      paused: true,
      runCatchupScheduleInstances: false,
      cronSchedules: [],
      createdBy: '',
      updatedBy: '',
      createTime: expect.any(Number) as number,
      updatedTime: expect.any(Number) as number,
      startWorkflowRequest: { name: 'ticked', version: 1, input: { a: 1 }, taskToDomain: {}, priority: 0 },
    });
    expect((await scheduler.getAllSchedules('ticked')).map((s) => s.name)).toEqual(['quiet']);
    await scheduler.resumeSchedule('quiet');
    expect(((await scheduler.getSchedule('quiet')) as { paused: boolean }).paused).toBe(false);
    await scheduler.pauseSchedule('quiet', 'maintenance');
    expect((await api.get('/api/scheduler/schedules/quiet')).json).toMatchObject({ paused: true, pausedReason: 'maintenance' });
    await scheduler.deleteSchedule('quiet');
    expect((await api.get('/api/scheduler/schedules/quiet')).json).toMatchObject({ status: 404, message: "Schedule 'quiet' not found" });
    expect((await api.del('/api/scheduler/schedules/quiet')).status).toBe(200);
    expect((await api.put('/api/scheduler/schedules', {})).status).toBe(405);
  });

  it('fires a seconds cron on real time with the five scheduler keys; deleting it stops the fires', async () => {
    await scheduler.saveSchedule({ name: 'every-second', cronExpression: '* * * * * *', startWorkflowRequest: { name: 'ticked', version: 1, input: { a: 1 } } });
    const started = await eventually(async () => {
      const found = (await api.get('/api/workflow/search?query=workflowType%3Dticked')).json as { results: { workflowId: string }[] };
      return found.results[0];
    }, 5_000);
    await scheduler.deleteSchedule('every-second');
    const run = (await api.get(`/api/workflow/${started.workflowId}`)).json as { input: Record<string, unknown>; status: string };
    expect(run.input).toEqual({
      a: 1,
      _startedByScheduler: 'every-second',
      _scheduledTime: expect.any(Number) as number,
      _executedTime: expect.any(Number) as number,
      _executionId: expect.stringMatching(/^[0-9a-f-]{36}$/) as string,
      _schedulerCron: '* * * * * * UTC',
    });
    expect((run.input['_scheduledTime'] as number) % 1000).toBe(0);
    expect(run.input['_executedTime'] as number).toBeGreaterThanOrEqual(run.input['_scheduledTime'] as number);
    const count = async () => ((await api.get('/api/workflow/search?query=workflowType%3Dticked')).json as { totalHits: number }).totalHits;
    const after = await count();
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(await count()).toBe(after);
  });

  it('refuses with 400 naming the field what the real server would save but never fire', async () => {
    const answer = await api.post('/api/scheduler/schedules', { name: 'bad', cronExpression: '0 2 * * *', zoneId: 'Mars/Olympus', startWorkflowRequest: { name: 'nope' } });
    expect(answer.status).toBe(400);
    expect((answer.json as { validationErrors: { path: string; code: string }[] }).validationErrors.map((e) => [e.code, e.path])).toEqual([
      ['SCHEDULE_CRON_INVALID', 'schedule bad → cronExpression'],
      ['SCHEDULE_ZONE_UNKNOWN', 'schedule bad → zoneId'],
      ['SCHEDULE_WORKFLOW_UNKNOWN', 'schedule bad → startWorkflowRequest.name'],
    ]);
    expect((await api.get('/api/scheduler/schedules')).json).toEqual([]);
  });

  it('previews the next five times in UTC as the server does, and answers 500 to a bad cron', async () => {
    const times = (await scheduler.getNextFewSchedules('0 0 * * * *', Date.UTC(2030, 0, 1), undefined, 9)) as number[];
    expect(times).toEqual([0, 1, 2, 3, 4].map((h) => Date.UTC(2030, 0, 1, h)));
    expect((await api.get('/api/scheduler/nextFewSchedules?cronExpression=0+2+*+*+*')).json).toMatchObject({ status: 500, message: 'Invalid cron expression' });
  });
});
