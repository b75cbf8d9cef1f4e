import { defineTask } from '../contract/define-task.ts';
import { DefinitionError } from '../issues.ts';
import { workflow } from './workflow.ts';

/** What a project gives every one of its task contracts and workflows, unless one sets its own. */
export interface ProjectDefaults {
  /** The team that owns the project's tasks and workflows (TaskDef and WorkflowDef `ownerEmail`). */
  readonly ownerEmail: string;
}

/** {@link defineTask} and {@link workflow} with a project's defaults: same types, same checks. */
export interface ProjectDsl {
  /** The defaults given. */
  readonly defaults: ProjectDefaults;
  /** {@link defineTask}, the project's `ownerEmail` filled in where the contract gives none. */
  readonly defineTask: typeof defineTask;
  /** {@link workflow}, the project's `ownerEmail` filled in where the spec gives none. */
  readonly workflow: typeof workflow;
}

/**
 * Binds `defineTask` and `workflow` to a project's defaults, so they are given once, in one module
 * the project's definitions import, instead of on every contract and workflow. The toolkit itself
 * has no default owner: `gen` refuses a definition without one, as Orkes and servers with
 * `conductor.app.ownerEmailMandatory=true` do.
 * @throws DefinitionError when `ownerEmail` is not an email address.
 *
 * @example
 * ```ts
 * // definitions/project.ts
 * export const { defineTask, workflow } = projectDefaults({ ownerEmail: 'build-team@example.com' });
 * ```
 */
export function projectDefaults(defaults: ProjectDefaults): ProjectDsl {
  const ownerEmail: unknown = defaults?.ownerEmail;
  // The validator's rule for a TaskDef's ownerEmail (task-def-rules.ts), checked once here.
  if (typeof ownerEmail !== 'string' || !/^[^@\s]+@[^@\s]+$/.test(ownerEmail)) {
    const message = `ownerEmail is ${JSON.stringify(ownerEmail) ?? 'undefined'}, not an email address. Set it to the owning team's address, e.g. "build-team@example.com".`;
    throw new DefinitionError([{ code: 'PROJECT_OWNER_EMAIL_INVALID', severity: 'error', path: 'projectDefaults → ownerEmail', message }], 'the project defaults');
  }
  const own = Object.freeze({ ownerEmail });
  const boundTask = ((spec: Parameters<typeof defineTask>[0]) => defineTask({ ...spec, ownerEmail: spec.ownerEmail ?? ownerEmail })) as typeof defineTask;
  const boundWorkflow = ((spec: Parameters<typeof workflow>[0], build: Parameters<typeof workflow>[1]) => workflow({ ...spec, ownerEmail: spec.ownerEmail ?? ownerEmail }, build)) as typeof workflow;
  return Object.freeze({ defaults: own, defineTask: boundTask, workflow: boundWorkflow });
}
