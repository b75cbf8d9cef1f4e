import { intParam, sendEmpty, sendJson } from './http.ts';
import type { Router } from './router.ts';
import type { DevScheduler } from './schedules.ts';

/**
 * The scheduler endpoints conductor-oss 3.32.3 serves under `/api/scheduler` (its
 * SchedulerResource): save (POST creates or replaces; PUT is 405 there and here), read, list,
 * delete, pause, resume, and the preview of the next fire times.
 */
export function addSchedulerRoutes(router: Router, scheduler: DevScheduler): void {
  router
    // 200 with the stored schedule; 400 naming the field for what the server would save but never fire.
    .add('POST', '/api/scheduler/schedules', async ({ res, body }) => {
      sendJson(res, 200, scheduler.save(await body()));
    })
    .add('GET', '/api/scheduler/schedules', ({ res, query }) => {
      const workflowName = query.get('workflowName');
      sendJson(res, 200, scheduler.list(workflowName === null || workflowName.trim() === '' ? undefined : workflowName));
    })
    .add('GET', '/api/scheduler/schedules/{name}', ({ res, params }) => {
      sendJson(res, 200, scheduler.get(params['name'] as string));
    })
    .add('DELETE', '/api/scheduler/schedules/{name}', ({ res, params }) => {
      scheduler.delete(params['name'] as string);
      sendEmpty(res, 200);
    })
    .add('PUT', '/api/scheduler/schedules/{name}/pause', ({ res, params, query }) => {
      scheduler.setPaused(params['name'] as string, true, query.get('reason') ?? undefined);
      sendEmpty(res, 200);
    })
    .add('PUT', '/api/scheduler/schedules/{name}/resume', ({ res, params }) => {
      scheduler.setPaused(params['name'] as string, false);
      sendEmpty(res, 200);
    })
    .add('GET', '/api/scheduler/nextFewSchedules', ({ res, query }) => {
      sendJson(res, 200, scheduler.preview(query.get('cronExpression') ?? '', intParam(query, 'scheduleStartTime'), intParam(query, 'scheduleEndTime'), intParam(query, 'limit') ?? 5));
    });
}
