import type { z } from 'zod';
import type { ObjectSchema } from '../contract/define-task.ts';
import { WORKFLOW_DEFAULTS } from '../contract/task-options.ts';
import { Flow, type FinishedFlow } from './flow.ts';
import type { AnyWorkflow, Node, Template, Workflow, WorkflowRateLimit } from './nodes.ts';
import type { BaseScope, FlowTypes } from './types.ts';

/** An empty object schema: the default for a workflow without variables. */
export type EmptySchema = z.ZodObject<{}>;

/** Workflow-level settings a definition gives. */
export interface WorkflowSpec<N extends string, I extends ObjectSchema, O extends ObjectSchema, V extends ObjectSchema> {
  /** Workflow name; letters, digits, `_`, `-`. */
  readonly name: N;
  /** Bump it for any change once a version is registered. */
  readonly version: number;
  /** What the workflow does and the choices made in it; reaches the JSON and the docs. */
  readonly description: string;
  /** Input schema; zod defaults become the definition's `inputTemplate`. */
  readonly input: I;
  /** Output schema; `.output()` binds every field. */
  readonly output: O;
  /** Variables that SET_VARIABLE may write; their defaults become the initial `variables`. */
  readonly variables?: V;
  /**
   * Team that owns the workflow. No default here: left out, the definition has none, which the
   * server as shipped accepts and `gen` refuses; a project sets it once with `projectDefaults`.
   */
  readonly ownerEmail?: string;
  /** 0 means no limit. @default 3600 */
  readonly timeoutSeconds?: number;
  /** @default 'TIME_OUT_WF' */
  readonly timeoutPolicy?: 'TIME_OUT_WF' | 'ALERT_ONLY';
  /** @default true */
  readonly restartable?: boolean;
  /** Started by Conductor when this workflow fails or times out. */
  readonly failureWorkflow?: AnyWorkflow;
  /**
   * The server's workflow status listener hears of this workflow's status changes. conductor-oss
   * 3.32.3 stores the flag; what it does depends on the listener the server is configured with
   * (`conductor.workflow-status-listener.type`; the default one does nothing).
   * @default false (left out of the JSON)
   */
  readonly workflowStatusListenerEnabled?: boolean;
  /** Where the status listener publishes, e.g. `conductor:<queue>` (stored by the server as given). */
  readonly workflowStatusListenerSink?: string;
  /**
   * Runs allowed at once per key (`rateLimitConfig`). conductor-oss 3.32.3 stores it without
   * enforcing it (observed); Orkes enforces it. See {@link WorkflowRateLimit}.
   */
  readonly rateLimitConfig?: WorkflowRateLimit;
  /**
   * The escape hatch for workflow fields the DSL has no setting for (a `failureWorkflow` given by
   * name, ...). Workflow `tags` are no use here on conductor-oss 3.32.3: it drops them on
   * registration (observed), so they never come back from the server.: written into the JSON as given. A field the compiler
   * writes itself is refused when compiling. The importer puts such fields here and reports them.
   */
  readonly raw?: Readonly<Record<string, unknown>>;
  /**
   * A valid input, shown on the workflow's docs page (checked by tsc against `input` here, and by
   * the schema in the tests). Not part of the registered JSON.
   */
  readonly example?: z.input<I>;
}

export type { AnyWorkflow, Workflow, WorkflowInput, WorkflowOutput } from './nodes.ts';

/** The root flow a workflow's build function receives. */
export type RootFlow<I extends ObjectSchema, O extends ObjectSchema, V extends ObjectSchema> = Flow<
  BaseScope<z.output<I>, z.output<V>>,
  {},
  {},
  FlowTypes<z.input<O>, z.input<V>>
>;

/**
 * Defines a workflow: settings and schemas, and a function that builds its flow and ends with
 * `.output()`.
 *
 * @example
 * ```ts
 * export const hello = workflow(
 *   { name: 'hello', version: 1, description: 'Greets.', input: z.object({ who: z.string() }), output: z.object({ text: z.string() }) },
 *   (f) => f.task(greet, (s) => ({ who: s.input.who })).output((s) => ({ text: s.greet.output.text })),
 * );
 * ```
 */
export function workflow<const N extends string, I extends ObjectSchema, O extends ObjectSchema, V extends ObjectSchema = EmptySchema>(
  spec: WorkflowSpec<N, I, O, V>,
  build: (flow: RootFlow<I, O, V>) => FinishedFlow<FlowTypes<z.input<O>, z.input<V>>>,
): Workflow<N, I, O, V> {
  const finished = build(Flow.empty());
  return Object.freeze({
    kind: 'Workflow',
    name: spec.name,
    version: spec.version,
    description: spec.description,
    input: spec.input,
    output: spec.output,
    variables: spec.variables,
    ownerEmail: spec.ownerEmail,
    timeoutSeconds: spec.timeoutSeconds ?? WORKFLOW_DEFAULTS.timeoutSeconds,
    timeoutPolicy: spec.timeoutPolicy ?? WORKFLOW_DEFAULTS.timeoutPolicy,
    restartable: spec.restartable ?? WORKFLOW_DEFAULTS.restartable,
    failureWorkflow: spec.failureWorkflow,
    workflowStatusListenerEnabled: spec.workflowStatusListenerEnabled,
    workflowStatusListenerSink: spec.workflowStatusListenerSink,
    rateLimitConfig: checkedRateLimit(spec.name, spec.rateLimitConfig),
    raw: spec.raw,
    example: spec.example,
    nodes: finished.nodes,
    outputParameters: finished.output,
  });
}

/** A rate limit with its policy filled in (the server writes `QUEUE` back when left out), checked. */
function checkedRateLimit(name: string, limit: WorkflowRateLimit | undefined): WorkflowRateLimit | undefined {
  if (limit === undefined) return undefined;
  if (!(Number.isInteger(limit.concurrentExecLimit) && limit.concurrentExecLimit > 0)) {
    throw new TypeError(`workflow "${name}": rateLimitConfig.concurrentExecLimit is ${limit.concurrentExecLimit}; give the number of runs allowed at once, 1 or more.`);
  }
  if (limit.rateLimitKey.trim() === '') throw new TypeError(`workflow "${name}": rateLimitConfig.rateLimitKey is empty; give the key runs are counted by, e.g. '\${workflow.correlationId}'.`);
  return { rateLimitKey: limit.rateLimitKey, concurrentExecLimit: limit.concurrentExecLimit, policy: limit.policy ?? 'QUEUE' };
}

/** True when `value` is a workflow made by {@link workflow}. */
export function isWorkflow(value: unknown): value is AnyWorkflow {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'Workflow';
}
