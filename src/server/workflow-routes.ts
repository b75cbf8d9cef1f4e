import type { WorkflowDef } from '../conductor-types.ts';
import { toApiWorkflow, toApiWorkflowStatus } from './api-model.ts';
import type { DefinitionStore } from './definitions.ts';
import { badRequest, boolParam, clientGone, describe, intParam, isObject, notFound, requireObject, sendEmpty, sendJson, sendText } from './http.ts';
import type { Router } from './router.ts';
import type { DevRuntime } from './runtime.ts';

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

/**
 * The workflow endpoints: start (by name, or with a StartWorkflowRequest that may carry the
 * definition inline), get, status, terminate, retry, restart, remove, and a synchronous execute.
 */
export function addWorkflowRoutes(router: Router, runtime: DevRuntime, store: DefinitionStore): void {
  const definition = (name: string, version: number | undefined): WorkflowDef => {
    const def = store.registry.workflow(name, version);
    if (def === undefined) {
      throw notFound(`No such workflow found by name: ${name}, version: ${version ?? 'null'}. Register it first with POST /api/metadata/workflow.`);
    }
    return def;
  };
  const extras = runtime.extrasOf.bind(runtime);

  router
    // StartWorkflowRequest: {name, version?, input?, correlationId?, idempotencyKey?, idempotencyStrategy?, workflowDef?}. 200 text id, 400, 404, 409.
    .add('POST', '/api/workflow', async ({ res, body }) => {
      const request = requireObject(await body(), 'a StartWorkflowRequest');
      const inline = request['workflowDef'];
      let def: WorkflowDef;
      if (inline !== undefined && inline !== null) {
        [def] = store.checkWorkflows([inline]) as [WorkflowDef];
      } else {
        const name = optionalString(request['name'], 'name');
        if (name === undefined || name === '') throw badRequest('A StartWorkflowRequest needs "name" (or an inline "workflowDef").');
        const version = request['version'];
        if (version !== undefined && version !== null && !Number.isInteger(version)) throw badRequest(`version must be a whole number, but it is ${describe(version)}.`);
        def = definition(name, (version ?? undefined) as number | undefined);
      }
      const key = optionalString(request['idempotencyKey'], 'idempotencyKey');
      const strategy = optionalString(request['idempotencyStrategy'], 'idempotencyStrategy');
      const idempotency = key === undefined || key === '' ? undefined : { key, strategy };
      const exec = await runtime.start(def, inputOf(request['input'], 'input'), optionalString(request['correlationId'], 'correlationId'), idempotency);
      sendText(res, 200, exec.id);
    })
    // Body = the input. 200 text id, 400, 404.
    .add('POST', '/api/workflow/{name}', async ({ res, body, params, query }) => {
      const def = definition(params['name'] as string, intParam(query, 'version'));
      const exec = await runtime.start(def, inputOf(await body(), 'The request body'), query.get('correlationId') ?? undefined);
      sendText(res, 200, exec.id);
    })
    // Starts and waits (waitForSeconds, default 10) for the end; answers the run as the SDK's executeWorkflow reads it.
    .add('POST', '/api/workflow/execute/{name}/{version}', async ({ res, body, params, query }) => {
      const version = Number(params['version']);
      if (!Number.isInteger(version)) throw badRequest(`Version ${JSON.stringify(params['version'])} in the path is not a whole number.`);
      const request = (await body()) ?? {};
      const start = requireObject(request, 'a StartWorkflowRequest');
      const def = definition(params['name'] as string, version);
      const exec = await runtime.start(def, inputOf(start['input'], 'input'), optionalString(start['correlationId'], 'correlationId'));
      const waitSeconds = intParam(query, 'waitForSeconds') ?? 10;
      await runtime.waitUntilFinished(exec, waitSeconds * 1000, clientGone(res));
      const workflow = toApiWorkflow(runtime.engine, exec, true, extras);
      sendJson(res, 200, {
        ...workflow,
        responseType: 'TARGET_WORKFLOW',
        targetWorkflowId: exec.id,
        targetWorkflowStatus: exec.status,
        requestId: query.get('requestId') ?? undefined,
      });
    })
    // 200 Workflow JSON (tasks unless includeTasks=false), 404.
    .add('GET', '/api/workflow/{workflowId}', ({ res, params, query }) => {
      const exec = runtime.execution(params['workflowId'] as string);
      sendJson(res, 200, toApiWorkflow(runtime.engine, exec, boolParam(query, 'includeTasks', true), extras));
    })
    // 200 [Workflow] of workflow `name` with that correlationId, oldest first: running ones, and
    // finished ones too with includeClosed=true (default false); tasks with includeTasks=true
    // (default false). conductor-oss 3.32.3 serves it (WorkflowResource.getWorkflows).
    .add('GET', '/api/workflow/{name}/correlated/{correlationId}', ({ res, params, query }) => {
      const includeClosed = boolParam(query, 'includeClosed', false);
      const matching = [...runtime.engine.executions.values()]
        .filter((e) => e.def.name === params['name'] && e.correlationId === params['correlationId'])
        .filter((e) => includeClosed || e.status === 'RUNNING' || e.status === 'PAUSED')
        .sort((a, b) => a.startTime - b.startTime);
      sendJson(res, 200, matching.map((e) => toApiWorkflow(runtime.engine, e, boolParam(query, 'includeTasks', false), extras)));
    })
    // 200 {workflowId, correlationId, status, output?, variables?}, 404.
    .add('GET', '/api/workflow/{workflowId}/status', ({ res, params, query }) => {
      const exec = runtime.execution(params['workflowId'] as string);
      sendJson(res, 200, toApiWorkflowStatus(exec, boolParam(query, 'includeOutput', false), boolParam(query, 'includeVariables', false)));
    })
    // Terminate: 200, 404, 409 for a COMPLETED workflow.
    .add('DELETE', '/api/workflow/{workflowId}', async ({ res, params, query }) => {
      const exec = runtime.execution(params['workflowId'] as string);
      await runtime.terminate(exec, query.get('reason') ?? undefined);
      sendEmpty(res, 200);
    })
    // 200, 404.
    .add('DELETE', '/api/workflow/{workflowId}/remove', async ({ res, params }) => {
      await runtime.remove(runtime.execution(params['workflowId'] as string));
      sendEmpty(res, 200);
    })
    // 204; 404 unknown or still running (the server's answer); 409 nothing to retry.
    .add('POST', '/api/workflow/{workflowId}/retry', async ({ res, params }) => {
      await runtime.retry(runtime.execution(params['workflowId'] as string));
      sendEmpty(res, 204);
    })
    // 204; 404 unknown; 409 still running.
    .add('POST', '/api/workflow/{workflowId}/restart', async ({ res, params, query }) => {
      await runtime.restart(runtime.execution(params['workflowId'] as string), boolParam(query, 'useLatestDefinitions', false));
      sendEmpty(res, 204);
    });
}
