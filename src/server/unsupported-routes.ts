import { HttpError } from './http.ts';
import type { Router } from './router.ts';

/** An endpoint conductor-oss 3.32.3 serves that the dev server answers with 501, and what to do instead. */
export interface UnsupportedEndpoint {
  readonly method: string;
  readonly path: string;
  readonly instead: string;
}

/**
 * The endpoints of conductor-oss 3.32.3's REST API (its `WorkflowResource`, `TaskResource`,
 * `MetadataResource` and `WorkflowBulkResource`) that the dev server does not implement. Each
 * answers 501 naming the endpoint; README.md lists them.
 */
export const UNSUPPORTED_ENDPOINTS: readonly UnsupportedEndpoint[] = [
  { method: 'GET', path: '/api/workflow/search-by-tasks', instead: 'search workflows with GET /api/workflow/search' },
  { method: 'GET', path: '/api/workflow/search-by-tasks-v2', instead: 'search workflows with GET /api/workflow/search-v2' },
  { method: 'GET', path: '/api/workflow/{workflowId}/tasks', instead: 'read the tasks from GET /api/workflow/{workflowId}' },
  { method: 'GET', path: '/api/workflow/externalstoragelocation', instead: 'keep payloads inline; the dev server has no external storage' },
  { method: 'GET', path: '/api/tasks/search', instead: 'read tasks from GET /api/workflow/{workflowId} or GET /api/tasks/{taskId}' },
  { method: 'GET', path: '/api/tasks/search-v2', instead: 'read tasks from GET /api/workflow/{workflowId} or GET /api/tasks/{taskId}' },
  { method: 'GET', path: '/api/tasks/queue/size', instead: 'use GET /api/tasks/queue/sizes?taskType=' },
  { method: 'GET', path: '/api/tasks/queue/all/verbose', instead: 'use GET /api/tasks/queue/all' },
  { method: 'GET', path: '/api/tasks/queue/polldata/all', instead: 'use GET /api/tasks/queue/polldata?taskType=' },
  { method: 'POST', path: '/api/tasks/{workflowId}/{status}/signal', instead: 'update the task by reference: POST /api/tasks/{workflowId}/{taskRefName}/{status}' },
  { method: 'POST', path: '/api/tasks/{workflowId}/{status}/signal/sync', instead: 'update the task by reference: POST /api/tasks/{workflowId}/{taskRefName}/{status}/sync' },
  { method: 'GET', path: '/api/tasks/externalstoragelocation', instead: 'keep payloads inline; the dev server has no external storage' },
  { method: 'GET', path: '/api/metadata/workflow/names-and-versions', instead: 'list GET /api/metadata/workflow' },
  { method: 'GET', path: '/api/metadata/workflow/names', instead: 'list GET /api/metadata/workflow' },
  { method: 'GET', path: '/api/metadata/workflow/{name}/versions', instead: 'list GET /api/metadata/workflow' },
  { method: 'GET', path: '/api/metadata/workflow/latest-versions', instead: 'list GET /api/metadata/workflow' },
  { method: 'PUT', path: '/api/workflow/bulk/pause', instead: 'pause each workflow: PUT /api/workflow/{workflowId}/pause' },
  { method: 'PUT', path: '/api/workflow/bulk/resume', instead: 'resume each workflow: PUT /api/workflow/{workflowId}/resume' },
  { method: 'POST', path: '/api/workflow/bulk/restart', instead: 'restart each workflow: POST /api/workflow/{workflowId}/restart' },
  { method: 'POST', path: '/api/workflow/bulk/retry', instead: 'retry each workflow: POST /api/workflow/{workflowId}/retry' },
  { method: 'POST', path: '/api/workflow/bulk/terminate', instead: 'terminate each workflow: DELETE /api/workflow/{workflowId}' },
  { method: 'DELETE', path: '/api/workflow/bulk/remove', instead: 'remove each workflow: DELETE /api/workflow/{workflowId}/remove' },
  { method: 'DELETE', path: '/api/workflow/bulk/terminate-remove', instead: 'terminate and remove each: DELETE /api/workflow/{workflowId}/terminate-remove' },
  { method: 'POST', path: '/api/workflow/bulk/search', instead: 'use GET /api/workflow/search' },
];

/** Adds a 501 route for each of {@link UNSUPPORTED_ENDPOINTS}: the message names the endpoint and what to use instead. */
export function addUnsupportedRoutes(router: Router): void {
  for (const { method, path, instead } of UNSUPPORTED_ENDPOINTS) {
    router.add(method, path, () => {
      throw new HttpError(501, `The dev server does not implement ${method} ${path} (conductor-oss 3.32.3 has it); ${instead}. The endpoints it leaves out are listed in README.md, "Dev server".`);
    });
  }
}
