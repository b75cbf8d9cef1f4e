/**
 * The building blocks of part 4's generated variants (`runner-variants.ts` and the files it
 * gathers): definitions named `k1c4_...`, so that they never meet other definitions on a shared
 * server, and the mocks they run with.
 */
import type { TaskDef, WorkflowDef, WorkflowTask } from '../../src/conductor-types.ts';
import type { SubWorkflowMocks, TaskMock, TaskMocks } from '../../src/runner/types.ts';

/** The prefix of every variant's workflow and task definition names. */
export const PREFIX = 'k1c4_';

/** A mock that completes with `output`. */
export const done = (output: Record<string, unknown>): TaskMock => ({ status: 'COMPLETED', output });

/** A mock that fails (with an empty output, as the server takes it). */
export const F: TaskMock = { status: 'FAILED', output: {} };

/** A workflow definition named `k1c4_<name>`. */
export function wf(name: string, tasks: WorkflowTask[], extra: Partial<WorkflowDef> = {}): WorkflowDef {
  return { name: `${PREFIX}${name}`, version: 1, schemaVersion: 2, timeoutSeconds: 0, tasks, ...extra } as WorkflowDef;
}

/** A task of `type`, named after its reference. */
export function task(ref: string, type: string, extra: Partial<WorkflowTask> = {}): WorkflowTask {
  return { name: ref, taskReferenceName: ref, type, ...extra } as WorkflowTask;
}

/** A SIMPLE task named `k1c4_<ref>`. */
export const simple = (ref: string, inputParameters: Record<string, unknown> = {}, extra: Partial<WorkflowTask> = {}): WorkflowTask =>
  task(ref, 'SIMPLE', { name: `${PREFIX}${ref}`, inputParameters, ...extra });

/** An INLINE task running `expression` (javascript unless told). */
export const inline = (ref: string, expression: string, inputs: Record<string, unknown> = {}, evaluatorType: unknown = 'javascript'): WorkflowTask =>
  task(ref, 'INLINE', { inputParameters: { ...(evaluatorType !== undefined && { evaluatorType }), expression, ...inputs } });

/** A TaskDef that leaves out what the server fills in. */
export const taskDef = (def: Partial<TaskDef> & { name: string }): TaskDef => def as TaskDef;

/** A JOIN on `joinOn`. */
export const join = (ref: string, joinOn: string[] = []): WorkflowTask => task(ref, 'JOIN', { joinOn });

/** One variant: a definition with its input and mocks, and what the server must hold for it. */
export interface Variant {
  readonly name: string;
  readonly def: WorkflowDef;
  readonly input?: Record<string, unknown>;
  readonly mocks?: TaskMocks;
  readonly subWorkflowMocks?: Readonly<Record<string, SubWorkflowMocks>>;
  readonly needs?: readonly WorkflowDef[];
  readonly taskDefs?: readonly TaskDef[];
}
