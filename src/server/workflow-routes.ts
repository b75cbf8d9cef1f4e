import type { WorkflowDef } from '../conductor-types.ts';
import type { Execution } from '../runner/execution.ts';
import { toApiWorkflow, toApiWorkflowStatus } from './api-model.ts';
import { badRequest, boolParam, clientGone, describe, intParam, isObject, notFound, requireObject, sendEmpty, sendJson, sendText } from './http.ts';
import type { Router } from './router.ts';
import { isFinished, type DevRuntime } from './runtime.ts';
import { searchWorkflows, type SearchRequest } from './search.ts';
import { refuseUnreadableMockTimes, runTest } from './test-runs.ts';
import { validationFailed } from './validation-errors.ts';
import { WorkflowOperations } from './workflow-operations.ts';

function inputOf(value: unknown, where: string): Record<string, unknown> {
  if (value === undefined || value === null) return {};
  if (!isObject(value)) throw badRequest(`${where} must be a JSON object of workflow inputs, but it is ${describe(value)}.`);
  return value;
}

function optionalString(value: unknown, field: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw badRequest(`${field} must be a string, but it is ${describe(value)}.`);
  return value;
}

function stringMap(value: unknown, field: string): Record<string, string> | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isObject(value) || Object.values(value).some((v) => typeof v !== 'string')) throw badRequest(`${field} must map task types (or "*") to domains, but it is ${describe(value)}.`);
  return value as Record<string, string>;
}

/** A search's query parameters: `query`, `freeText` (default `*`), `start` (0), `size` (100), `sort` (`field:ASC;...`). */
function searchRequest(query: URLSearchParams): SearchRequest {
  return {
    query: query.get('query') ?? '',
    freeText: query.get('freeText') ?? '*',
    start: intParam(query, 'start') ?? 0,
    size: intParam(query, 'size') ?? 100,
    sort: (query.get('sort') ?? '').split(';').filter((s) => s !== ''),
  };
}

/**
 * The definition a StartWorkflowRequest names: inline (`workflowDef`, checked as a registration
 * is), or registered; 400 without a name and 404 for an unknown one, in the server's words.
 */
function requestedDefinition(runtime: DevRuntime, request: Record<string, unknown>): WorkflowDef {
  const name = optionalString(request['name'], 'name');
  if (name === undefined || name === '') throw validationFailed([{ path: 'startWorkflow.arg0.name', message: 'Workflow name cannot be null or empty' }]);
  const inline = request['workflowDef'];
  if (inline !== undefined && inline !== null) return (runtime.store.checkWorkflows([inline], 'startWorkflow.arg0.workflowDef') as [WorkflowDef])[0];
  const version = request['version'];
  if (version !== undefined && version !== null && !Number.isInteger(version)) throw badRequest(`version must be a whole number, but it is ${describe(version)}.`);
  const def = runtime.store.registry.workflow(name, (version ?? undefined) as number | undefined);
  if (def === undefined) throw notFound(`No such workflow defined. name=${name}, version=${(version ?? 'null') as string}`);
  return def;
}

/**
 * The workflow endpoints: start (by name, or with a StartWorkflowRequest that may carry the
 * definition inline and `taskToDomain`), get, status, search (and search-v2), running, correlated,
 * terminate, remove, terminate-remove, retry, restart, rerun, pause, resume, skip, decide,
 * resetcallbacks, the test endpoint and a synchronous execute.
 */
export function addWorkflowRoutes(router: Router, runtime: DevRuntime): void {
  const operations = new WorkflowOperations(runtime);
  const byName = (name: string, version: number | undefined): WorkflowDef => {
    const def = runtime.store.registry.workflow(name, version);
    if (def === undefined) throw notFound(`No such workflow found by name: ${name}, version: ${version ?? 'null'}`);
    return def;
  };
  // In start order; the server answers them in no order of its own.
  const runsOf = (name: string, correlationId: string, includeClosed: boolean): Execution[] =>
    [...runtime.engine.executions.values()].filter((e) => e.def.name === name && e.correlationId === correlationId && (includeClosed || !isFinished(e)));

  router
    // StartWorkflowRequest: {name, version?, input?, correlationId?, taskToDomain?, workflowDef?}. 200 text id, 400, 404.
    // idempotencyKey and idempotencyStrategy are not looked at: conductor-oss 3.32.3 ignores them (Orkes honours them).
    .add('POST', '/api/workflow', async ({ res, body }) => {
      const request = requireObject(await body(), 'a StartWorkflowRequest');
      const def = requestedDefinition(runtime, request);
      const exec = await runtime.start(def, inputOf(request['input'], 'input'), {
        correlationId: optionalString(request['correlationId'], 'correlationId'),
        taskToDomain: stringMap(request['taskToDomain'], 'taskToDomain'),
      });
      sendText(res, 200, exec.id);
    })
    // WorkflowTestRequest: a StartWorkflowRequest plus taskRefToMockOutput. 200 Workflow JSON.
    .add('POST', '/api/workflow/test', async ({ res, body }) => {
      const request = requireObject(await body(), 'a WorkflowTestRequest');
      refuseUnreadableMockTimes(request);
      const exec = await runTest(runtime, requestedDefinition(runtime, request), request);
      sendJson(res, 200, toApiWorkflow(runtime, exec, true));
    })
    // Body = the input. 200 text id, 400, 404.
    .add('POST', '/api/workflow/{name}', async ({ res, body, params, query }) => {
      const def = byName(params['name'] as string, intParam(query, 'version'));
      const exec = await runtime.start(def, inputOf(await body(), 'The request body'), { correlationId: query.get('correlationId') ?? undefined });
      sendText(res, 200, exec.id);
    })
    // Starts and waits (waitForSeconds, default 10) for the end; answers the run as the SDK's executeWorkflow reads it (Orkes).
    .add('POST', '/api/workflow/execute/{name}/{version}', async ({ res, body, params, query }) => {
      const version = Number(params['version']);
      if (!Number.isInteger(version)) throw badRequest(`Version ${JSON.stringify(params['version'])} in the path is not a whole number.`);
      const start = requireObject((await body()) ?? {}, 'a StartWorkflowRequest');
      const exec = await runtime.start(byName(params['name'] as string, version), inputOf(start['input'], 'input'), { correlationId: optionalString(start['correlationId'], 'correlationId') });
      await runtime.waitUntilFinished(exec, (intParam(query, 'waitForSeconds') ?? 10) * 1000, clientGone(res));
      sendJson(res, 200, {
        ...toApiWorkflow(runtime, exec, true),
        responseType: 'TARGET_WORKFLOW',
        targetWorkflowId: exec.id,
        targetWorkflowStatus: exec.status,
        requestId: query.get('requestId') ?? undefined,
      });
    })
    // ?query=&freeText=&start=&size=&sort= → {totalHits, results: [WorkflowSummary]}.
    .add('GET', '/api/workflow/search', ({ res, query }) => {
      sendJson(res, 200, searchWorkflows(runtime, runtime.searchable(), searchRequest(query)));
    })
    // As search, with each hit as Workflow JSON (without tasks).
    .add('GET', '/api/workflow/search-v2', ({ res, query }) => {
      const found = searchWorkflows(runtime, runtime.searchable(), searchRequest(query));
      const byId = new Map(runtime.searchable().map((e) => [e.id, e]));
      sendJson(res, 200, { totalHits: found.totalHits, results: found.results.map((summary) => toApiWorkflow(runtime, byId.get(summary['workflowId'] as string) as Execution, false)) });
    })
    // Runs the decider on the workflow now: 200.
    .add('PUT', '/api/workflow/decide/{workflowId}', async ({ res, params }) => {
      runtime.execution(params['workflowId'] as string);
      await runtime.changed();
      sendEmpty(res, 200);
    })
    // 204: tasks waiting out a callback can be polled at once; 404; 409 ended.
    .add('POST', '/api/workflow/{workflowId}/resetcallbacks', ({ res, params }) => {
      runtime.resetCallbacks(runtime.execution(params['workflowId'] as string));
      sendEmpty(res, 204);
    })
    // Terminates (unless ended) and removes: 200, 404.
    .add('DELETE', '/api/workflow/{workflowId}/terminate-remove', async ({ res, params, query }) => {
      const exec = runtime.execution(params['workflowId'] as string);
      if (!isFinished(exec)) await operations.terminate(exec, query.get('reason') ?? undefined);
      runtime.remove(exec);
      sendEmpty(res, 200);
    })
    // Ids of the RUNNING (or PAUSED) runs of a workflow version (1 unless ?version=).
    .add('GET', '/api/workflow/running/{name}', ({ res, params, query }) => {
      const version = intParam(query, 'version') ?? 1;
      const ids = [...runtime.engine.executions.values()].filter((e) => e.def.name === params['name'] && (e.def.version ?? 1) === version && !isFinished(e)).map((e) => e.id);
      sendJson(res, 200, ids);
    })
    // The runs of a workflow with a correlationId (ended ones with includeClosed=true).
    .add('GET', '/api/workflow/{name}/correlated/{correlationId}', ({ res, params, query }) => {
      const runs = runsOf(params['name'] as string, params['correlationId'] as string, boolParam(query, 'includeClosed', false));
      sendJson(res, 200, runs.map((e) => toApiWorkflow(runtime, e, boolParam(query, 'includeTasks', false))));
    })
    // Body = correlationIds → {correlationId: [runs]}.
    .add('POST', '/api/workflow/{name}/correlated', async ({ res, params, query, body }) => {
      const ids = await body();
      if (!Array.isArray(ids) || ids.some((id) => typeof id !== 'string')) throw badRequest('The request body must be a JSON array of correlation ids.');
      const includeClosed = boolParam(query, 'includeClosed', false);
      const includeTasks = boolParam(query, 'includeTasks', false);
      sendJson(res, 200, Object.fromEntries((ids as string[]).map((id) => [id, runsOf(params['name'] as string, id, includeClosed).map((e) => toApiWorkflow(runtime, e, includeTasks))])));
    })
    // 200 Workflow JSON (tasks unless includeTasks=false), 404.
    .add('GET', '/api/workflow/{workflowId}', ({ res, params, query }) => {
      sendJson(res, 200, toApiWorkflow(runtime, runtime.execution(params['workflowId'] as string), boolParam(query, 'includeTasks', true)));
    })
    // 200 {workflowId, correlationId, status, output?, variables?}, 404.
    .add('GET', '/api/workflow/{workflowId}/status', ({ res, params, query }) => {
      const exec = runtime.execution(params['workflowId'] as string);
      sendJson(res, 200, toApiWorkflowStatus(exec, boolParam(query, 'includeOutput', false), boolParam(query, 'includeVariables', false)));
    })
    // Terminate: 200, 404, 409 for a COMPLETED workflow.
    .add('DELETE', '/api/workflow/{workflowId}', async ({ res, params, query }) => {
      await operations.terminate(runtime.execution(params['workflowId'] as string), query.get('reason') ?? undefined);
      sendEmpty(res, 200);
    })
    // 200, 404; 400 while it runs.
    .add('DELETE', '/api/workflow/{workflowId}/remove', ({ res, params }) => {
      runtime.remove(runtime.execution(params['workflowId'] as string));
      sendEmpty(res, 200);
    })
    // 204; 404 unknown or still running (the server's answer); 409 nothing to retry.
    .add('POST', '/api/workflow/{workflowId}/retry', async ({ res, params, query }) => {
      await operations.retry(runtime.execution(params['workflowId'] as string), boolParam(query, 'resumeSubworkflowTasks', false));
      sendEmpty(res, 204);
    })
    // 204; 404 unknown; 409 still running.
    .add('POST', '/api/workflow/{workflowId}/restart', async ({ res, params, query }) => {
      await operations.restart(runtime.execution(params['workflowId'] as string), boolParam(query, 'useLatestDefinitions', false));
      sendEmpty(res, 204);
    })
    // RerunWorkflowRequest {reRunFromTaskId?, taskInput?, workflowInput?, correlationId?} → 200 text id; 404; 409 still running; 400 no such task.
    .add('POST', '/api/workflow/{workflowId}/rerun', async ({ res, params, body }) => {
      const request = requireObject((await body()) ?? {}, 'a RerunWorkflowRequest');
      const id = await operations.rerun(runtime.execution(params['workflowId'] as string), {
        reRunFromTaskId: optionalString(request['reRunFromTaskId'], 'reRunFromTaskId'),
        taskInput: isObject(request['taskInput']) ? request['taskInput'] : undefined,
        workflowInput: isObject(request['workflowInput']) ? request['workflowInput'] : undefined,
        correlationId: optionalString(request['correlationId'], 'correlationId'),
      });
      sendText(res, 200, id);
    })
    // 200; 404; 409 ended.
    .add('PUT', '/api/workflow/{workflowId}/pause', async ({ res, params }) => {
      await operations.pause(runtime.execution(params['workflowId'] as string));
      sendEmpty(res, 200);
    })
    // 200; 404; 500 not PAUSED.
    .add('PUT', '/api/workflow/{workflowId}/resume', async ({ res, params }) => {
      await operations.resume(runtime.execution(params['workflowId'] as string));
      sendEmpty(res, 200);
    })
    // 200; 404; 500 not running, unknown or already scheduled task. The SkipTaskRequest body is not read, as on the server.
    .add('PUT', '/api/workflow/{workflowId}/skiptask/{taskReferenceName}', async ({ res, params }) => {
      await operations.skip(runtime.execution(params['workflowId'] as string), params['taskReferenceName'] as string);
      sendEmpty(res, 200);
    });
}
