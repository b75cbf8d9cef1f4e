/**
 * @k1/workflows: workflow-as-code for Conductor. Task contracts and a typed DSL, compiled to the
 * JSON the Conductor server registers.
 * @packageDocumentation
 */
export { defineTask, isTaskContract } from './contract/define-task.ts';
export type { AnyTaskContract, ObjectSchema, TaskContract, TaskContractSpec, TaskInput, TaskOutput } from './contract/define-task.ts';
export { TASK_DEFAULTS, WORKFLOW_DEFAULTS, withDefaults } from './contract/task-options.ts';
export type { CheckedTimeouts, ContractOptions, DigitGreater, DigitOrder, DigitsGreater, IsGreater, LengthOf, RetryLogic, SameLengthGreater, TaskOptions, TaskTimeoutPolicy } from './contract/task-options.ts';
export { toTaskDef } from './contract/task-def.ts';
export { toJsonSchema } from './contract/json-schema.ts';
export type { JsonSchema } from './contract/json-schema.ts';
export { workflow, isWorkflow } from './dsl/workflow.ts';
export type { AnyWorkflow, RootFlow, Workflow, WorkflowInput, WorkflowOutput, WorkflowSpec } from './dsl/workflow.ts';
export { Flow } from './dsl/flow.ts';
export { projectDefaults } from './dsl/project-defaults.ts';
export type { ProjectDefaults, ProjectDsl } from './dsl/project-defaults.ts';
export type { EmptySchema } from './dsl/workflow.ts';
export type {
  AddsOf,
  AddsOfAll,
  AnyFlow,
  Branch,
  DefaultAdds,
  DynamicForkResults,
  EventOutput,
  DynamicForkWorkflowResults,
  FinishedFlow,
  ForEachOutput,
  KafkaRequest,
  StartWorkflowOutput,
  HttpOutput,
  HttpRequest,
  LastOf,
  LoopOutput,
  NoExtraKeys,
  Resolved,
  SwitchOutput,
  TaskNodeOptions,
  TerminationStatus,
} from './dsl/flow.ts';
export type { Ref } from './dsl/ref.ts';
export { untypedRef } from './dsl/ref.ts';
export type {
  BaseScope,
  Bindable,
  Binding,
  CaseKey,
  Describe,
  Entry,
  Exact,
  FieldBinding,
  FlowTypes,
  ForkResult,
  FreshRef,
  Given,
  JoinOutput,
  MaybeRan,
  NullIfMaybe,
  OutputOfAny,
  RefFields,
  RefOf,
  ReservedRef,
  Scope,
  ScriptNames,
  ScriptScope,
  TaskRefs,
  TaskStatus,
  UnionToIntersection,
  WorkflowRefs,
} from './dsl/types.ts';
export type {
  DoWhileNode,
  DynamicForkNode,
  EventNode,
  EventSink,
  DynamicForkWorkflowNode,
  DynamicNode,
  ExclusiveJoinNode,
  ForkNode,
  KafkaPublishNode,
  NoopNode,
  StartWorkflowNode,
  WorkflowRateLimit,
  HttpNode,
  HumanNode,
  InlineNode,
  JsonJqNode,
  Node,
  NodeKind,
  RawNode,
  RawTask,
  SetVariableNode,
  SubWorkflowNode,
  SwitchNode,
  TaskNode,
  Template,
  TerminateNode,
  WaitNode,
} from './dsl/nodes.ts';
export { eventHandler, startWorkflowAction, completeTaskAction, failTaskAction, isEventHandler } from './event/event-handler.ts';
export type { EventAction, EventHandler, EventHandlerSpec, PayloadExpression, PayloadMapping, TaskTarget } from './event/event-handler.ts';
export type { EventActionJson, EventHandlerJson, StartWorkflowJson, TaskDetailsJson } from './event/handler-json.ts';
export { schedule, isSchedule, compileSchedule } from './schedule/schedule.ts';
export type { AnySchedule, Schedule, ScheduleSpec } from './schedule/schedule.ts';
export { SCHEDULER_INPUT_KEYS } from './schedule/schedule-def.ts';
export type { WorkflowScheduleDef } from './schedule/schedule-def.ts';
export { nextFireTimes, parseCron } from './schedule/cron.ts';
export type { FireWindow, ParsedCron } from './schedule/cron.ts';
export { compileWorkflow } from './compiler/compile-workflow.ts';
export { canonicalJson } from './compiler/canonical-json.ts';
export { generate } from './gen/generate.ts';
export type { GeneratedFile, Generation, Project } from './gen/generate.ts';
export { startWorkflow, waitForWorkflow, WorkflowInputError, WorkflowRunError } from './client/typed-client.ts';
export type { CompletedWorkflow, StartOptions, WorkflowId } from './client/typed-client.ts';
export { DefinitionError, formatIssues } from './issues.ts';
export type { DefinitionIssue, IssueSeverity } from './issues.ts';
export type { TaskDef, WorkflowDef, WorkflowTask } from './conductor-types.ts';
