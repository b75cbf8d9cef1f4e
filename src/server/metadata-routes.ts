import type { DefinitionStore } from './definitions.ts';
import { boolParam, HttpError, intParam, requireArray, sendEmpty, sendJson } from './http.ts';
import type { Router } from './router.ts';

/**
 * The metadata endpoints: workflow definitions (register, upsert, get, list, validate) and task
 * definitions (create, update, get, list).
 */
export function addMetadataRoutes(router: Router, store: DefinitionStore): void {
  router
    // 200, 400 invalid, 409 when the name+version exists (unless ?overwrite=true, as Orkes allows).
    .add('POST', '/api/metadata/workflow', async ({ res, body, query }) => {
      store.createWorkflow(await body(), boolParam(query, 'overwrite', false));
      sendEmpty(res, 200);
    })
    // 200 (creates or replaces each), 400 when any is invalid (then none is saved). conductor-oss
    // 3.32.3 answers a BulkResponse naming each definition (observed: `{"bulkErrorResults":{},
    // "bulkSuccessfulResults":["a","a"]}` for two versions of a).
    .add('PUT', '/api/metadata/workflow', async ({ res, body }) => {
      const stored = store.updateWorkflows(requireArray(await body(), 'com.netflix.conductor.common.metadata.workflow.WorkflowDef'));
      sendJson(res, 200, { bulkErrorResults: {}, bulkSuccessfulResults: stored.map((def) => def.name) });
    })
    .add('GET', '/api/metadata/workflow', ({ res }) => {
      sendJson(res, 200, store.registry.allWorkflows());
    })
    .add('GET', '/api/metadata/workflow/{name}', ({ res, params, query }) => {
      sendJson(res, 200, store.getWorkflow(params['name'] as string, intParam(query, 'version')));
    })
    // 200 when valid, 400 with validationErrors; nothing is saved either way.
    .add('POST', '/api/metadata/workflow/validate', async ({ res, body }) => {
      store.checkWorkflows([await body()], 'validateWorkflowDef.arg0');
      sendEmpty(res, 200);
    })
    // 200 (creates or replaces each), 400 when any is invalid.
    .add('POST', '/api/metadata/taskdefs', async ({ res, body }) => {
      store.createTasks(requireArray(await body(), 'com.netflix.conductor.common.metadata.tasks.TaskDef'));
      sendEmpty(res, 200);
    })
    // 200, 400 invalid, 404 when it does not exist yet (the OSS server only updates here).
    .add('PUT', '/api/metadata/taskdefs', async ({ res, body }) => {
      store.updateTask(await body());
      sendEmpty(res, 200);
    })
    .add('GET', '/api/metadata/taskdefs', ({ res }) => {
      sendJson(res, 200, store.registry.allTasks());
    })
    .add('GET', '/api/metadata/taskdefs/{name}', ({ res, params }) => {
      sendJson(res, 200, store.getTask(params['name'] as string));
    })
    .add('DELETE', '/api/metadata/workflow/{name}/{version}', ({ res, params }) => {
      store.removeWorkflow(params['name'] as string, Number(params['version']));
      sendEmpty(res, 200);
    })
    .add('DELETE', '/api/metadata/taskdefs/{name}', ({ res, params }) => {
      store.removeTask(params['name'] as string);
      sendEmpty(res, 200);
    });
}
