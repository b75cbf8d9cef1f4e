/**
 * The Conductor JSON shapes this library emits and reads, taken from the official SDK so that
 * what we generate is checked against what the SDK sends.
 */
export type { WorkflowDef, WorkflowTask, TaskDef } from '@io-orkes/conductor-javascript';
