import type { z } from 'zod';
import type { AnyTaskContract, ObjectSchema } from '../contract/define-task.ts';

/**
 * The plain node tree the DSL builds and the compiler turns into Conductor JSON. Nodes hold JSON
 * templates (references already rendered to `${...}` text), never proxies or functions.
 */
export type Node =
  | TaskNode
  | ForkNode
  | SwitchNode
  | DoWhileNode
  | SubWorkflowNode
  | DynamicForkNode
  | WaitNode
  | HumanNode
  | TerminateNode
  | HttpNode
  | InlineNode
  | SetVariableNode
  | JsonJqNode
  | EventNode
  | DynamicNode
  | StartWorkflowNode
  | NoopNode
  | KafkaPublishNode
  | DynamicForkWorkflowNode
  | ExclusiveJoinNode
  | RawNode;

/** The kinds of node; a table typed `Record<NodeKind, ...>` must handle each one. */
export type NodeKind = Node['kind'];

/** A JSON template: literals and `${...}` expressions that Conductor resolves at run time. */
export type Template = unknown;

/** Fields every node has. `ref` is undefined where the compiler generates it. */
interface NodeBase {
  readonly ref: string | undefined;
  readonly description?: string | undefined;
  readonly optional?: boolean | undefined;
}

/** A worker task bound to a contract. */
export interface TaskNode extends NodeBase {
  readonly kind: 'Task';
  readonly contract: AnyTaskContract;
  readonly input: Template;
  readonly startDelay?: number | undefined;
  readonly asyncComplete?: boolean | undefined;
  /** Overrides the contract's retryCount for this use. */
  readonly retryCount?: number | undefined;
  /**
   * The contract with this use's TaskDef overrides applied, when it has any: compiled into the
   * task's embedded `taskDefinition`, which the server uses instead of the registered TaskDef.
   */
  readonly taskDefinition?: AnyTaskContract | undefined;
}

/** Parallel branches, joined by a JOIN on the last task of each branch. */
export interface ForkNode extends NodeBase {
  readonly kind: 'Fork';
  readonly branches: readonly (readonly Node[])[];
  readonly joinRef: string;
}

/** A SWITCH on a value (`value-param`) or on a JavaScript expression. */
export interface SwitchNode extends NodeBase {
  readonly kind: 'Switch';
  readonly evaluator: 'value-param' | 'javascript';
  readonly expression: string;
  readonly input: Template;
  readonly cases: Readonly<Record<string, readonly Node[]>>;
  readonly defaultCase: readonly Node[];
}

/**
 * A DO_WHILE loop: the body runs, then the condition decides another iteration. With `items` it
 * walks a list (one iteration per item, `loopItem`/`loopIndex` in the loop's output).
 */
export interface DoWhileNode extends NodeBase {
  readonly kind: 'DoWhile';
  readonly condition: string;
  readonly input: Template;
  readonly body: readonly Node[];
  /** The list to walk, a `${...}` expression (the WorkflowTask's `items`). */
  readonly items?: string | undefined;
  /** Keep only the last N iterations' outputs and tasks (`inputParameters.keepLastN`). */
  readonly keepLastN?: number | undefined;
}

/** Runs another workflow and waits for it. */
export interface SubWorkflowNode extends NodeBase {
  readonly kind: 'SubWorkflow';
  /** The child workflow itself: the compiler emits its name and version, the runner can register it. */
  readonly workflow: AnyWorkflow;
  readonly input: Template;
}

/** One task per item of a list, in parallel, then a JOIN on all of them. */
export interface DynamicForkNode extends NodeBase {
  readonly kind: 'DynamicFork';
  readonly contract: AnyTaskContract;
  readonly items: Template;
  readonly joinRef: string;
  /** The JSON_JQ_TRANSFORM after the JOIN that lists `{ input, output }` per item, in item order. */
  readonly resultsRef: string;
}

/** One sub-workflow per item of a list, in parallel (FORK_JOIN_DYNAMIC with `forkTaskWorkflow`), then a JOIN and the results. */
export interface DynamicForkWorkflowNode extends NodeBase {
  readonly kind: 'DynamicForkWorkflow';
  /** The child workflow each item starts. */
  readonly workflow: AnyWorkflow;
  readonly items: Template;
  readonly joinRef: string;
  /** The JSON_JQ_TRANSFORM after the JOIN that lists `{ input, output }` per item, in item order. */
  readonly resultsRef: string;
}

/** A worker task whose name is chosen at run time (DYNAMIC) among known contracts. */
export interface DynamicNode extends NodeBase {
  readonly kind: 'Dynamic';
  /** The contracts the name may choose; their TaskDefs are generated and registered. */
  readonly candidates: readonly AnyTaskContract[];
  /** The task name: a literal or a `${...}` expression. */
  readonly taskName: Template;
  readonly input: Template;
}

/** Starts another workflow and goes on without waiting (START_WORKFLOW). */
export interface StartWorkflowNode extends NodeBase {
  readonly kind: 'StartWorkflow';
  readonly workflow: AnyWorkflow;
  readonly input: Template;
  readonly correlationId?: Template;
}

/** Waits for the first of some tasks that ran (the one case of a switch that ran) and takes its output (EXCLUSIVE_JOIN). */
export interface ExclusiveJoinNode extends NodeBase {
  readonly kind: 'ExclusiveJoin';
  /** Reference names, in the order the server looks for the first one scheduled. */
  readonly joinOn: readonly string[];
}

/** Does nothing and completes at once (NOOP). */
export interface NoopNode extends NodeBase {
  readonly kind: 'Noop';
}

/** Publishes a message to Kafka from the server (KAFKA_PUBLISH). */
export interface KafkaPublishNode extends NodeBase {
  readonly kind: 'KafkaPublish';
  /** The `kafka_request` template. */
  readonly request: Template;
}

/** Waits for a duration, until a time, or until completed through the API. */
export interface WaitNode extends NodeBase {
  readonly kind: 'Wait';
  readonly duration?: string | undefined;
  readonly until?: string | undefined;
}

/** Waits for a person, who completes it with output of a known shape. */
export interface HumanNode extends NodeBase {
  readonly kind: 'Human';
  readonly input: Template;
  readonly output: z.AnyZodObject;
  readonly timeoutSeconds?: number | undefined;
}

/** Ends the workflow with a status, a reason and output. */
export interface TerminateNode extends NodeBase {
  readonly kind: 'Terminate';
  readonly status: 'COMPLETED' | 'FAILED' | 'TERMINATED';
  readonly reason: Template;
  readonly output: Template;
}

/** An HTTP call made by the server. */
export interface HttpNode extends NodeBase {
  readonly kind: 'Http';
  readonly request: Template;
}

/** JavaScript evaluated by the server, `$` bound to the inputs. */
export interface InlineNode extends NodeBase {
  readonly kind: 'Inline';
  readonly script: string;
  readonly input: Template;
}

/** Merges values into the workflow's variables. */
export interface SetVariableNode extends NodeBase {
  readonly kind: 'SetVariable';
  readonly input: Template;
}

/** A jq query over the inputs. */
export interface JsonJqNode extends NodeBase {
  readonly kind: 'JsonJq';
  readonly query: string;
  readonly input: Template;
}

/**
 * Publishes its input as a message to a queue (EVENT). With sink `conductor` the queue is
 * `conductor:<workflow name>:<ref>`, with `conductor:<name>` it is `conductor:<workflow name>:<name>`:
 * the `event` an event handler listens on.
 */
export interface EventNode extends NodeBase {
  readonly kind: 'Event';
  readonly sink: EventSink;
  readonly input: Template;
  readonly asyncComplete?: boolean | undefined;
}

/**
 * The sinks conductor-oss 3.32.3 as shipped can publish to: its own `conductor` queues. amqp, sqs,
 * kafka and nats are not in the build (the task fails with `Unknown queue type`).
 */
export type EventSink = 'conductor' | `conductor:${string}`;

/**
 * The escape hatch: a task the DSL has no method for (a DECISION, a FORK_JOIN whose JOIN
 * is named otherwise, a field no method sets ...), kept as the Conductor WorkflowTask JSON given.
 * Its nested task lists, when it has any, are node lists of their own, so the tasks inside keep
 * their DSL form. The importer writes one for each task it cannot express (`docs/importing.md`).
 */
export interface RawNode extends NodeBase {
  readonly kind: 'Raw';
  readonly ref: string;
  /** The WorkflowTask JSON, verbatim, without `taskReferenceName` (the `ref`) and the nested lists below. */
  readonly task: RawTask;
  readonly forkTasks?: readonly (readonly Node[])[] | undefined;
  readonly decisionCases?: Readonly<Record<string, readonly Node[]>> | undefined;
  readonly defaultCase?: readonly Node[] | undefined;
  readonly loopOver?: readonly Node[] | undefined;
}

/**
 * The JSON of a raw task: any WorkflowTask field (`name` and `type` required), templates as the
 * server reads them (`${workflow.input.x}`), except the reference name and the nested task lists,
 * which the raw node holds itself.
 */
export type RawTask = { readonly name: string; readonly type: string } & { readonly [field: string]: unknown } & {
  readonly taskReferenceName?: never;
  readonly forkTasks?: never;
  readonly decisionCases?: never;
  readonly defaultCase?: never;
  readonly loopOver?: never;
};

/** A workflow definition built with the DSL: settings, schemas and the node tree. */
export interface Workflow<N extends string, I extends ObjectSchema, O extends ObjectSchema, V extends ObjectSchema> {
  readonly kind: 'Workflow';
  readonly name: N;
  readonly version: number;
  readonly description: string;
  readonly input: I;
  readonly output: O;
  readonly variables: V | undefined;
  /** The owning team, when the workflow or its project gave one. */
  readonly ownerEmail: string | undefined;
  readonly timeoutSeconds: number;
  readonly timeoutPolicy: 'TIME_OUT_WF' | 'ALERT_ONLY';
  readonly restartable: boolean;
  readonly failureWorkflow: AnyWorkflow | undefined;
  /** Whether the server's workflow status listener hears of this workflow's status changes. */
  readonly workflowStatusListenerEnabled: boolean | undefined;
  /** Where the status listener publishes (`workflowStatusListenerSink`), e.g. `conductor:<queue>`. */
  readonly workflowStatusListenerSink: string | undefined;
  /** The workflow-level rate limit as given (`WorkflowSpec.rateLimitConfig`). */
  readonly rateLimitConfig: WorkflowRateLimit | undefined;
  /** Workflow fields written verbatim (`WorkflowSpec.raw`). */
  readonly raw: Readonly<Record<string, unknown>> | undefined;
  /** A valid input for the docs, when the definition gives one. */
  readonly example: z.input<I> | undefined;
  readonly nodes: readonly Node[];
  readonly outputParameters: Template;
}

/**
 * A workflow's `rateLimitConfig` (conductor-oss 3.32.3 `RateLimitConfig`): at most
 * `concurrentExecLimit` runs at once per value of `rateLimitKey` (an expression over the run,
 * e.g. `${workflow.correlationId}`), the others queued (`QUEUE`) or refused (`REJECT`).
 * conductor-oss 3.32.3 stores it but nothing in it enforces it (observed: a second run starts
 * while the first holds the only slot); Orkes enforces it.
 */
export interface WorkflowRateLimit {
  readonly rateLimitKey: string;
  /** Runs allowed at once per key; a positive integer. */
  readonly concurrentExecLimit: number;
  /** @default 'QUEUE' (the server's default, which it writes back when left out) */
  readonly policy?: 'QUEUE' | 'REJECT';
}

/** Any workflow, whatever its name and schemas. */
export type AnyWorkflow = Workflow<string, ObjectSchema, ObjectSchema, ObjectSchema>;
/** The input a caller passes to start workflow `W`. */
export type WorkflowInput<W extends AnyWorkflow> = z.input<W['input']>;
/** The output workflow `W` ends with. */
export type WorkflowOutput<W extends AnyWorkflow> = z.output<W['output']>;
