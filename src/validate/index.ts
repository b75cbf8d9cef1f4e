/**
 * `@k1/workflows/validate`: checks raw Conductor JSON (workflow and task definitions, event handlers) before a
 * server sees it, whoever wrote it.
 * @packageDocumentation
 */
export { validateWorkflowDefs, validateEachWorkflowDef } from './validate-workflow.ts';
export type { ValidationContext } from './validate-workflow.ts';
export { validateTaskDef } from './task-def-rules.ts';
export type { TaskDefValidationOptions } from './task-def-rules.ts';
export { validateEventHandler } from './event-handler-rules.ts';
export { findReferences } from './expressions.ts';
export type { ExpressionReference } from './expressions.ts';
export { validateScheduleDef, looksLikeSchedule } from '../schedule/schedule-def.ts';
export type { KnownWorkflow, ScheduleCheckOptions } from '../schedule/schedule-def.ts';
