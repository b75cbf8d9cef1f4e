/**
 * The body of the real server's `POST /api/workflow/test` made from what `run()` takes, so a test
 * written for the runner runs unchanged on a server.
 */
import type { SubWorkflowMocks, TaskMocks } from './types.ts';

/**
 * Conductor's `WorkflowTestRequest` (a StartWorkflowRequest plus mocks), as
 * `POST /api/workflow/test` takes it.
 */
export interface WorkflowTestRequest {
  readonly name: string;
  /** Absent: the latest version. */
  readonly version?: number;
  readonly input: Record<string, unknown>;
  readonly correlationId?: string;
  /** Mocked results by the exact task reference (`ref__2` inside a loop), consumed in order. */
  readonly taskRefToMockOutput: TaskMocks;
  /** Mocks for the children of SUB_WORKFLOW tasks, by the SUB_WORKFLOW task's reference. */
  readonly subWorkflowTestRequest?: Readonly<Record<string, SubWorkflowMocks>>;
}

/**
 * A mock key no task has, added when a request mocks sub-workflows: conductor-oss 3.32.3's test
 * endpoint only walks into a child while the parent still has an entry in `taskRefToMockOutput`
 * (it stops as soon as that map is empty), so without one a child's mocks are never used. An
 * entry that matches no task keeps it going until the workflow ends.
 */
export const KEEP_TESTING_CHILDREN = '__k1_keep_testing_sub_workflows';

/**
 * The test request that runs `workflow` on a server as `run(workflow, input, options)` runs it
 * locally. When it mocks sub-workflows, `taskRefToMockOutput` gets one more key that no task has
 * (`__k1_keep_testing_sub_workflows`, `KEEP_TESTING_CHILDREN` above), which keeps the server
 * walking into the children.
 * @example toTestRequest({ name: 'deploy' }, { sha: 'a1b2' }, { mocks: { build: [{ status: 'COMPLETED', output: { ok: true } }] } })
 */
export function toTestRequest(
  workflow: { readonly name: string; readonly version?: number },
  input: Record<string, unknown>,
  options: { readonly mocks?: TaskMocks; readonly subWorkflowMocks?: Readonly<Record<string, SubWorkflowMocks>>; readonly correlationId?: string } = {},
): WorkflowTestRequest {
  return {
    name: workflow.name,
    ...(workflow.version !== undefined && { version: workflow.version }),
    input,
    ...(options.correlationId !== undefined && { correlationId: options.correlationId }),
    taskRefToMockOutput: { ...options.mocks, ...(options.subWorkflowMocks !== undefined && { [KEEP_TESTING_CHILDREN]: [] }) },
    ...(options.subWorkflowMocks !== undefined && { subWorkflowTestRequest: options.subWorkflowMocks }),
  };
}
