/**
 * @k1/workflows: workflow-as-code for Conductor. Task contracts and a typed DSL, compiled to the
 * JSON the Conductor server registers.
 * @packageDocumentation
 */
export { defineTask, isTaskContract } from './contract/define-task.ts';
export type { AnyTaskContract, ObjectSchema, TaskContract, TaskContractSpec, TaskInput, TaskOutput } from './contract/define-task.ts';
export { TASK_DEFAULTS, WORKFLOW_DEFAULTS } from './contract/task-options.ts';
export type { RetryLogic, TaskOptions, TaskTimeoutPolicy } from './contract/task-options.ts';
export { toTaskDef } from './contract/task-def.ts';
export { toJsonSchema } from './contract/json-schema.ts';
export { workflow, isWorkflow } from './dsl/workflow.ts';
export type { AnyWorkflow, RootFlow, Workflow, WorkflowInput, WorkflowOutput, WorkflowSpec } from './dsl/workflow.ts';
export { Flow } from './dsl/flow.ts';
export type { Branch, FinishedFlow, HttpOutput, HttpRequest, LoopOutput, SwitchOutput, TaskNodeOptions, TerminationStatus } from './dsl/flow.ts';
export type { Ref } from './dsl/ref.ts';
export { untypedRef } from './dsl/ref.ts';
export type { Bindable, RefOf, TaskRefs, TaskStatus } from './dsl/types.ts';
export type { Node, NodeKind, RawTask } from './dsl/nodes.ts';
export { compileWorkflow } from './compiler/compile-workflow.ts';
export { canonicalJson } from './compiler/canonical-json.ts';
export { generate } from './gen/generate.ts';
export type { GeneratedFile, Generation, Project } from './gen/generate.ts';
export { startWorkflow, waitForWorkflow, WorkflowInputError, WorkflowRunError } from './client/typed-client.ts';
export type { CompletedWorkflow, StartOptions, WorkflowId } from './client/typed-client.ts';
export { DefinitionError, formatIssues } from './issues.ts';
export type { DefinitionIssue } from './issues.ts';
export type { TaskDef, WorkflowDef, WorkflowTask } from './conductor-types.ts';
