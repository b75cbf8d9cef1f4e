/**
 * What conductor-oss 3.32.3 checks when a workflow starts, before any task runs: a workflow it
 * refuses makes the start call fail (HTTP 500 on `POST /api/workflow` and `POST /api/workflow/test`;
 * a SUB_WORKFLOW task that starts it FAILS with the message).
 */
import type { WorkflowDef } from '../conductor-types.ts';
import { DefinitionIndex } from './definition-index.ts';
import type { Registry } from './registry.ts';

/** Thrown by the engine when a workflow cannot start; the message is the server's. */
export class StartRefused extends Error {
  override readonly name = 'StartRefused';
}

/**
 * The server's reason to refuse starting `def`, or undefined: a schemaVersion other than 2
 * (refused at registration: `workflowDef schemaVersion: 2 is only supported`), and a SUB_WORKFLOW
 * task anywhere in it without a version and without an inline definition whose name (taken as
 * written, an expression too) is not registered (`MetadataMapperService.populateVersionForSubWorkflow`).
 */
export function startProblem(def: WorkflowDef, registry: Registry): string | undefined {
  if (def.schemaVersion !== undefined && def.schemaVersion !== 2) return 'workflowDef schemaVersion: 2 is only supported';
  for (const task of DefinitionIndex.of(def).allTasks()) {
    if (task.type !== 'SUB_WORKFLOW') continue;
    const param = (task.subWorkflowParam ?? {}) as { name?: string; version?: number | null; workflowDefinition?: unknown };
    const inline = typeof param.workflowDefinition === 'object' && param.workflowDefinition !== null;
    if (inline || (param.version !== undefined && param.version !== null)) continue;
    if (registry.workflow(param.name ?? '') === undefined) return `The Task ${param.name ?? null} defined as a sub-workflow has no workflow definition available `;
  }
  return undefined;
}
