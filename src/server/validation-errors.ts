import type { DefinitionIssue } from '../issues.ts';
import { HttpError, isObject, type ValidationErrorBody } from './http.ts';

/**
 * The argument whose bean validation failed, as the server names it at the start of each error's
 * `path`: `registerWorkflowDef.arg0`, `startWorkflow.arg0.workflowDef`; a list's items add `[i]`.
 */
export type ValidatedArgument =
  | 'registerWorkflowDef.arg0'
  | 'validateWorkflowDef.arg0'
  | 'updateWorkflowDef.arg0'
  | 'registerTaskDef.arg0'
  | 'updateTaskDef.arg0'
  | 'startWorkflow.arg0.workflowDef';

/**
 * One of the validator's issues as conductor-oss 3.32.3 words the same rule in a 400's
 * `validationErrors` (the constraint messages of `WorkflowDef.java`, `TaskDef.java`,
 * `TaskReferenceNameUniqueConstraint`, `OwnerEmailMandatoryConstraint`), so that a client sees the
 * server's answer. A rule the server does not have keeps the validator's path and message (which
 * says how to fix it) and its `code`.
 *
 * @param target the argument as the server names it: `registerWorkflowDef.arg0`, `registerTaskDef.arg0[1]`
 * @param def the definition the issue is about
 */
export function serverValidationError(issue: DefinitionIssue, target: string, def: unknown): ValidationErrorBody {
  const field = (name: string): unknown => (isObject(def) ? def[name] : undefined);
  switch (issue.code) {
    case 'WORKFLOW_NAME_MISSING':
      return { path: `${target}.name`, message: 'WorkflowDef name cannot be null or empty' };
    case 'WORKFLOW_TASKS_EMPTY':
      return { path: `${target}.tasks`, message: 'WorkflowTask list cannot be empty' };
    case 'SCHEMA_VERSION':
      return { path: `${target}.schemaVersion`, message: 'workflowDef schemaVersion: 2 is only supported', invalidValue: String(field('schemaVersion')) };
    case 'REF_DUPLICATE': {
      // The validator's path is `workflow → ref → taskReferenceName`.
      const ref = issue.path.split(' → ').at(-2) ?? '';
      return { path: target, message: `taskReferenceName: ${ref} should be unique across tasks for a given workflowDefinition: ${String(field('name'))}` };
    }
    case 'OWNER_EMAIL_MISSING':
    case 'TASKDEF_OWNER_EMAIL_MISSING':
      return { path: `${target}.ownerEmail`, message: 'ownerEmail cannot be empty' };
    case 'TASKDEF_NAME_MISSING':
      return { path: `${target}.name`, message: 'TaskDef name cannot be null or empty' };
    case 'TASKDEF_RESPONSE_TIMEOUT':
      return { path: `${target}.responseTimeoutSeconds`, message: `TaskDef responseTimeoutSeconds: ${String(field('responseTimeoutSeconds'))} should be minimum 1 second`, invalidValue: String(field('responseTimeoutSeconds')) };
    case 'TASKDEF_RETRY_COUNT':
      return { path: `${target}.retryCount`, message: `TaskDef retryCount: 0 must be >= 0`, invalidValue: String(field('retryCount')) };
    default:
      return { path: issue.path, message: issue.message, code: issue.code };
  }
}

/** A 400 as the server answers failed bean validation: `validationErrors`, no `instance`. */
export function validationFailed(errors: readonly ValidationErrorBody[]): HttpError {
  return new HttpError(400, 'Validation failed, check below errors for detail.', errors);
}
