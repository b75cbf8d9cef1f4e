import type { z } from 'zod';
import { defineTask, type AnyTaskContract, type ObjectSchema, type TaskInput, type TaskOutput } from '../contract/define-task.ts';
import type { TaskOptions } from '../contract/task-options.ts';
import type { AnyWorkflow, EventSink, Node, RawTask, Template, WorkflowInput, WorkflowOutput } from './nodes.ts';
import { CONDUCTOR_SINK } from '../validate/task-type-rules.ts';
import { makeRef, toTemplate, type Ref } from './ref.ts';
import type {
  Bindable,
  Binding,
  CaseKey,
  Entry,
  FlowTypes,
  ForkResult,
  FreshRef,
  JoinOutput,
  MaybeRan,
  OutputOfAny,
  RefOf,
  Scope,
  ScriptNames,
  ScriptScope,
  UnionToIntersection,
} from './types.ts';

/** A function that builds one branch (fork branch, switch case, loop body) from an empty flow. */
export type Branch<S, W extends FlowTypes<unknown, unknown>> = (flow: Flow<S, {}, {}, W>) => AnyFlow<W>;

/** A flow whatever its scope: what branch functions return. */
export type AnyFlow<W extends FlowTypes<unknown, unknown> = FlowTypes<any, any>> = Flow<any, any, any, W>;

/** The tasks a branch function `F` adds to the scope (the `A` of the flow it returns). */
export type AddsOf<F> = F extends (flow: never) => Flow<any, infer A, any, any> ? A : never;
/** The last task of a branch function `F`, `{ [ref]: output }`: what a fork's JOIN collects of that branch. */
export type LastOf<F> = F extends (flow: never) => Flow<any, any, infer L, any> ? L : never;
/** The tasks every branch of a union `F` of branch functions adds, together. */
export type AddsOfAll<F> = UnionToIntersection<AddsOf<F>>;
/** `T` with every key outside `K` typed `never`: a switch's cases may only use keys its value can take. */
export type NoExtraKeys<T, K extends PropertyKey> = { readonly [P in keyof T]: P extends K ? T[P] : never };
/** The tasks a switch's default branch `D` adds, or nothing when it has none. */
export type DefaultAdds<D> = D extends (flow: never) => unknown ? AddsOf<D> : unknown;
/** Named inputs `I` with each reference replaced by the type it reads: what a script sees as `$.name`. */
export type Resolved<I> = { [K in keyof I]: I[K] extends Ref<infer X> ? X : I[K] };

/** A flow closed by `.output()`: its nodes and the workflow's output parameters. */
export interface FinishedFlow<W extends FlowTypes<unknown, unknown>> {
  readonly kind: 'FinishedFlow';
  readonly nodes: readonly Node[];
  readonly output: Template;
  /** Phantom: the workflow types this flow was built for. */
  readonly __types?: W;
}

/** Per-use options of a worker task. */
export interface TaskNodeOptions {
  /** The workflow goes on when this task fails for good (status COMPLETED_WITH_ERRORS). */
  readonly optional?: boolean;
  /** Seconds to wait before the task can be polled. */
  readonly startDelay?: number;
  /** Keep the task IN_PROGRESS until completed through the API. */
  readonly asyncComplete?: boolean;
  /** Overrides the contract's retryCount for this use of the task. */
  readonly retryCount?: number;
  /** Shown in the UI and the generated docs. */
  readonly description?: string;
  /**
   * TaskDef settings for this use only (a longer timeout, fewer retries ...): the task carries an
   * embedded `taskDefinition` (the contract's TaskDef with these applied, checked as
   * `defineTask` checks a contract), which conductor-oss uses instead of the registered TaskDef.
   * @throws DefinitionError when the settings break a TaskDef rule (naming the option).
   */
  readonly taskDefinition?: TaskOptions;
}

/** Output of a dynamic fork's `<ref>_results` task: each item with its task's output, in item order. */
export interface DynamicForkResults<C extends AnyTaskContract> {
  readonly result: ForkResult<TaskInput<C>, TaskOutput<C>>[];
}

/** Output of a dynamic fork of sub-workflows' `<ref>_results` task: each item with its child's output, in item order. */
export interface DynamicForkWorkflowResults<CW extends AnyWorkflow> {
  readonly result: ForkResult<WorkflowInput<CW>, WorkflowOutput<CW>>[];
}

/** Output of a START_WORKFLOW task: the id of the run it started. */
export interface StartWorkflowOutput {
  readonly workflowId: string;
}

/** Output of a DO_WHILE walking a list (`forEach`): the loop's output plus the current item and its index. */
export type ForEachOutput<E> = LoopOutput & { readonly loopItem: E; readonly loopIndex: number };

/**
 * The request of a KAFKA_PUBLISH task (`kafka_request`, conductor-oss `KafkaPublishTask.Input`).
 * The server fails the task without `bootStrapServers`, `topic` or `value`.
 */
export interface KafkaRequest {
  /** `host:port` list of the brokers. */
  readonly bootStrapServers: string;
  readonly topic: string;
  /** The message; a non-string value is sent as JSON. */
  readonly value: unknown;
  readonly key?: unknown;
  /** Serializer of `key`. @default 'org.apache.kafka.common.serialization.StringSerializer' */
  readonly keySerializer?:
    | 'org.apache.kafka.common.serialization.StringSerializer'
    | 'org.apache.kafka.common.serialization.IntegerSerializer'
    | 'org.apache.kafka.common.serialization.LongSerializer';
  readonly headers?: Record<string, unknown>;
  /** Producer request timeout, ms. @default the server's `conductor.tasks.kafka-publish.requestTimeout` */
  readonly requestTimeoutMs?: number;
  /** How long a send may block (for the topic's metadata, a broker), ms. @default 500 (conductor-oss 3.32.3) */
  readonly maxBlockMs?: number;
}

/** Output of a SWITCH task. */
export interface SwitchOutput {
  readonly evaluationResult: string[];
  readonly selectedCase: string;
}

/** Output of a DO_WHILE task: the iteration count, and each iteration's outputs by number. */
export type LoopOutput = { readonly iteration: number } & Record<string, unknown>;

/** Output of an HTTP task. */
export interface HttpOutput {
  readonly response: {
    readonly statusCode: number;
    readonly reasonPhrase: string;
    readonly headers: Record<string, string[]>;
    readonly body: unknown;
  };
}

/** The request of an HTTP task (`http_request`). */
export interface HttpRequest {
  readonly uri: string;
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD' | 'OPTIONS';
  readonly headers?: Record<string, string>;
  readonly body?: unknown;
  readonly contentType?: string;
  readonly accept?: string;
  readonly connectionTimeOut?: number;
  readonly readTimeOut?: number;
}

/**
 * Output of an EVENT task (`Event.start`): its input (`I`, references resolved), the `sink` and
 * `asyncComplete` the server adds to it, the publishing workflow, and `event_produced`, the queue
 * the message went to (the message's payload is this whole output).
 */
export type EventOutput<I> = Resolved<I> & {
  readonly sink: string;
  readonly asyncComplete: boolean;
  readonly workflowInstanceId: string;
  readonly workflowType: string;
  readonly workflowVersion: number;
  readonly correlationId: string | null;
  readonly taskToDomain: Record<string, string>;
  readonly event_produced: string;
};

/** Terminal statuses a TERMINATE task can end a workflow with. */
export type TerminationStatus = 'COMPLETED' | 'FAILED' | 'TERMINATED';

const scope: object = new Proxy(Object.create(null) as object, {
  get(_target, key) {
    if (typeof key !== 'string') return undefined;
    if (key === 'input' || key === 'variables') return makeRef(`workflow.${key}`);
    return makeRef(key);
  },
});

const scriptScope: object = new Proxy(Object.create(null) as object, {
  get(_target, key) {
    return typeof key === 'string' ? makeRef(key, 'script') : undefined;
  },
});

function bind(fn: ((s: never) => unknown) | undefined, where: string): Template {
  return fn === undefined ? {} : toTemplate((fn as (s: object) => unknown)(scope), where);
}

function script(source: string | ((s: never) => string)): string {
  return typeof source === 'string' ? source : (source as (s: object) => string)(scriptScope);
}

/** `contract` with per-use TaskDef settings applied, checked as `defineTask` checks a contract. */
function overridden(contract: AnyTaskContract, settings: TaskOptions): AnyTaskContract {
  const { name, description, input, output, options } = contract;
  return defineTask({ name, description, input, output, ...options, ...settings } as Parameters<typeof defineTask>[0]);
}

/** `keepLastN` checked: the server reads it as a positive whole number. */
function keepLast(ref: string, n: number | undefined): number | undefined {
  if (n !== undefined && !(Number.isInteger(n) && n > 0)) throw new TypeError(`loop "${ref}": keepLastN is ${n}; give a whole number of iterations to keep, 1 or more.`);
  return n;
}

function branchNodes(fn: Branch<any, any> | undefined): readonly Node[] {
  return fn === undefined ? [] : fn(Flow.empty()).nodes;
}

/**
 * An immutable sequence of nodes being built. Each method returns a new flow whose type knows the
 * references now in scope, so a later task can only read tasks that run before it.
 *
 * Type parameters: `S` the scope inherited from enclosing flows, `A` the tasks this flow added,
 * `L` the last task's output (what a JOIN collects), `W` the workflow's output and variables.
 */
export class Flow<S, A, L, W extends FlowTypes<unknown, unknown>> {
  /** Phantom: carries the type parameters, never set. */
  declare readonly __types?: { readonly s: S; readonly a: A; readonly l: L; readonly w: W };
  /** The nodes built so far, in order. */
  readonly nodes: readonly Node[];

  private constructor(nodes: readonly Node[]) {
    this.nodes = Object.freeze(nodes);
  }

  /** An empty flow; `workflow()` and branch builders start from one. */
  static empty<S, W extends FlowTypes<unknown, unknown>>(): Flow<S, {}, {}, W> {
    return new Flow([]);
  }

  private then<A2, L2>(node: Node): Flow<S, A2, L2, W> {
    return new Flow([...this.nodes, node]);
  }

  /**
   * Runs a worker task. The reference name defaults to the contract's name.
   * @example `.task('compile', platformioCompile, (s) => ({ environment: s.input.environment }))`
   */
  task<S, A, W extends FlowTypes<unknown, unknown>, const R extends string, C extends AnyTaskContract, const B extends Binding<TaskInput<C>, B>>(
    this: Flow<S, A, unknown, W>,
    ref: FreshRef<R, S & A>,
    contract: C,
    input: (s: Scope<S & A>) => B,
    options?: TaskNodeOptions,
  ): Flow<S, A & Entry<R, TaskOutput<C>>, { readonly [K in R]: TaskOutput<C> }, W>;
  // The rest of this form is empty when the first argument is no contract, so for
  // `.task('ref', contract, input)` only the form above fits by its number of arguments, and
  // tsc reports that form's own error (at the field) instead of "No overload matches this call".
  task<S, A, W extends FlowTypes<unknown, unknown>, C, const B extends Binding<C extends AnyTaskContract ? TaskInput<C> : never, B>>(
    this: Flow<S, A, unknown, W>,
    contract: C & { readonly name: FreshRef<C extends AnyTaskContract ? C['name'] : never, S & A> },
    ...rest: C extends AnyTaskContract ? [input: (s: Scope<S & A>) => B, options?: TaskNodeOptions] : []
  ): Flow<S, A & Entry<C extends AnyTaskContract ? C['name'] : never, C extends AnyTaskContract ? TaskOutput<C> : never>, { readonly [K in C extends AnyTaskContract ? C['name'] : never]: C extends AnyTaskContract ? TaskOutput<C> : never }, W>;
  task(...args: unknown[]): Flow<S, any, any, W> {
    const named = typeof args[0] === 'string';
    const [ref, contract, input, options] = (named ? args : [(args[0] as AnyTaskContract).name, ...args]) as [
      string,
      AnyTaskContract,
      (s: never) => unknown,
      TaskNodeOptions | undefined,
    ];
    return this.then({
      kind: 'Task',
      ref,
      contract,
      input: bind(input, `${ref}.input`),
      optional: options?.optional,
      startDelay: options?.startDelay,
      asyncComplete: options?.asyncComplete,
      retryCount: options?.retryCount,
      description: options?.description,
      taskDefinition: options?.taskDefinition === undefined ? undefined : overridden(contract, options.taskDefinition),
    });
  }

  /**
   * Runs branches in parallel and joins them. The JOIN (`<ref>_join`) waits for the last task of
   * each branch and outputs `{ [thatRef]: output }`; every branch task is in scope afterwards.
   */
  fork<S, A, W extends FlowTypes<unknown, unknown>, const R extends string, const B extends readonly [Branch<S & A, W>, ...Branch<S & A, W>[]]>(
    this: Flow<S, A, unknown, W>,
    ref: FreshRef<R, S & A>,
    branches: B,
  ): Flow<
    S,
    A & Entry<R, {}> & AddsOfAll<B[number]> & Entry<`${R}_join`, JoinOutput<UnionToIntersection<LastOf<B[number]>>>>,
    { readonly [K in `${R}_join`]: JoinOutput<UnionToIntersection<LastOf<B[number]>>> },
    W
  > {
    const name = ref as string;
    const nodes = branches.map(branchNodes);
    const empty = nodes.findIndex((branch) => branch.length === 0);
    if (empty !== -1) throw new TypeError(`fork "${name}": branch ${empty + 1} has no task; add one or remove the branch.`);
    return this.then({ kind: 'Fork', ref: name, joinRef: `${name}_join`, branches: nodes });
  }

  /**
   * Chooses a branch by a value (`value-param` evaluator). Case keys are checked against the
   * value's type; tasks inside cases stay in scope afterwards with every output field nullable
   * (the default case's tasks do not: give them a case of their own to read them later).
   */
  switch<S, A, W extends FlowTypes<unknown, unknown>, const R extends string, V, const C extends { readonly [K in CaseKey<V>]?: Branch<S & A, W> }>(
    this: Flow<S, A, unknown, W>,
    ref: FreshRef<R, S & A>,
    value: (s: Scope<S & A>) => Ref<V>,
    cases: NoExtraKeys<C, CaseKey<V>>,
    defaultCase?: Branch<S & A, W>,
  ): Flow<S, A & Entry<R, SwitchOutput> & MaybeRan<AddsOfAll<C[keyof C]>>, { readonly [K in R]: SwitchOutput }, W> {
    return this.then({
      kind: 'Switch',
      ref: ref as string,
      evaluator: 'value-param',
      expression: 'switchCaseValue',
      input: { switchCaseValue: bind(value, `${ref as string}.value`) },
      cases: Object.fromEntries(Object.entries(cases as Record<string, Branch<any, any>>).map(([k, fn]) => [k, branchNodes(fn)])),
      defaultCase: branchNodes(defaultCase),
    });
  }

  /**
   * Chooses a branch by a JavaScript expression (`javascript` evaluator) over named inputs, which
   * the script reads as `$.name`.
   */
  switchScript<S, A, W extends FlowTypes<unknown, unknown>, const R extends string, I extends Record<string, unknown>, const C extends Record<string, Branch<S & A, W>>, D extends Branch<S & A, W> | undefined = undefined>(
    this: Flow<S, A, unknown, W>,
    ref: FreshRef<R, S & A>,
    spec: {
      readonly input: (s: Scope<S & A>) => I;
      readonly script: string | ((params: RefOf<Resolved<I>>) => string);
      readonly cases: C;
      readonly default?: D;
    },
  ): Flow<S, A & Entry<R, SwitchOutput> & MaybeRan<AddsOfAll<C[keyof C]> & DefaultAdds<D>>, { readonly [K in R]: SwitchOutput }, W> {
    const name = ref as string;
    return this.then({
      kind: 'Switch',
      ref: name,
      evaluator: 'javascript',
      expression: script(spec.script),
      input: bind(spec.input, `${name}.input`),
      cases: Object.fromEntries(Object.entries(spec.cases).map(([k, fn]) => [k, branchNodes(fn)])),
      defaultCase: branchNodes(spec.default),
    });
  }

  /**
   * Repeats a body while a JavaScript condition holds; the body always runs once. The condition
   * reads each body task's latest output as `$.ref`, the loop's inputs as `$.name`, and
   * `$.<loopRef>.iteration`. Body tasks can read the loop's own output (`s.<loopRef>.output.iteration`).
   */
  doWhile<S, A, W extends FlowTypes<unknown, unknown>, const R extends string, BA, I extends Record<string, unknown> = {}>(
    this: Flow<S, A, unknown, W>,
    ref: FreshRef<R, S & A>,
    spec: {
      readonly input?: (s: Scope<S & A>) => I;
      readonly body: (flow: Flow<S & A & Entry<R, LoopOutput>, {}, {}, W>) => Flow<any, BA, any, W>;
      readonly condition: string | ((c: ScriptNames<ScriptScope<BA> & RefOf<Resolved<I>> & { readonly [K in R]: RefOf<LoopOutput> }>) => string);
      /** Keep only the last N iterations' outputs (and their tasks in the run); a whole number, 1 or more. */
      readonly keepLastN?: number;
    },
  ): Flow<S, A & Entry<R, LoopOutput> & BA, { readonly [K in R]: LoopOutput }, W> {
    const name = ref as string;
    return this.then({
      kind: 'DoWhile',
      ref: name,
      input: bind(spec.input, `${name}.input`),
      body: spec.body(Flow.empty()).nodes,
      condition: script(spec.condition as string | ((c: never) => string)),
      keepLastN: keepLast(name, spec.keepLastN),
    });
  }

  /**
   * Runs a body once per item of a list (DO_WHILE with `items`, conductor-oss 3.32.3). Body tasks
   * read the current item as `s.<ref>.output.loopItem` (typed as the list's items) and its index
   * as `s.<ref>.output.loopIndex` (from 0). An empty list runs the body never. `condition`, when
   * given, can end the loop early: it is read after each iteration (`$.loopItem`, `$.loopIndex`,
   * `$.<ref>.iteration`, each body task's output as `$.<task>`), and the loop goes on only while it
   * holds and items are left.
   * @throws TypeError when `items` is not a reference (the server reads `items` as an expression) or `keepLastN` is not a whole number above 0.
   */
  forEach<S, A, W extends FlowTypes<unknown, unknown>, const R extends string, E, BA>(
    this: Flow<S, A, unknown, W>,
    ref: FreshRef<R, S & A>,
    spec: {
      /** The list to walk: a reference (`s.input.devices`). */
      readonly items: (s: Scope<S & A>) => Ref<readonly E[] | null | undefined>;
      readonly body: (flow: Flow<S & A & Entry<R, ForEachOutput<E>>, {}, {}, W>) => Flow<any, BA, any, W>;
      readonly condition?:
        | string
        | ((c: ScriptNames<ScriptScope<BA> & { readonly [K in R]: RefOf<ForEachOutput<E>> } & { readonly loopItem: RefOf<E>; readonly loopIndex: RefOf<number> }>) => string);
      /** Keep only the last N iterations' outputs (and their tasks in the run); a whole number, 1 or more. */
      readonly keepLastN?: number;
    },
  ): Flow<S, A & Entry<R, ForEachOutput<E>> & BA, { readonly [K in R]: ForEachOutput<E> }, W> {
    const name = ref as string;
    const items = bind(spec.items, `${name}.items`);
    if (typeof items !== 'string' || !/^\$\{.*\}$/s.test(items)) {
      throw new TypeError(`forEach "${name}": items must be a reference to a list (e.g. (s) => s.input.devices), not ${JSON.stringify(items)}; the server reads items as an expression.`);
    }
    return this.then({
      kind: 'DoWhile',
      ref: name,
      input: {},
      items,
      body: spec.body(Flow.empty()).nodes,
      condition: spec.condition === undefined ? '' : script(spec.condition as string | ((c: never) => string)),
      keepLastN: keepLast(name, spec.keepLastN),
    });
  }

  /** Runs another workflow and waits for it; its input is checked against the child's input schema. */
  subWorkflow<S, A, W extends FlowTypes<unknown, unknown>, const R extends string, CW extends AnyWorkflow, const B extends Binding<WorkflowInput<CW>, B, 'sub-workflow input'>>(
    this: Flow<S, A, unknown, W>,
    ref: FreshRef<R, S & A>,
    child: CW,
    input: (s: Scope<S & A>) => B,
    options?: Pick<TaskNodeOptions, 'optional' | 'description'>,
  ): Flow<S, A & Entry<R, WorkflowOutput<CW>>, { readonly [K in R]: WorkflowOutput<CW> }, W> {
    const name = ref as string;
    return this.then({
      kind: 'SubWorkflow',
      ref: name,
      workflow: child,
      input: bind(input, `${name}.input`),
      optional: options?.optional,
      description: options?.description,
    });
  }

  /**
   * Runs one `contract` task per item of a list, in parallel (FORK_JOIN_DYNAMIC), joins them all in
   * `<ref>_join`, and lists the results in `<ref>_results` (JSON_JQ_TRANSFORM): `output.result` is
   * `[{ input: item, output: taskOutput | null }]` in item order. Read the results there, never
   * from the JOIN: the JOIN's output is keyed by task reference names the server makes up
   * (conductor-oss 3.32.3 names the first dynamic fork's tasks `_<task>_<i>` and later forks'
   * `_<forkRef>_<task>_<i>`), so `<ref>_join` has no typed output. `optional` makes every forked
   * task optional, so one failing item does not fail the join; its `output` is then null.
   */
  dynamicFork<S, A, W extends FlowTypes<unknown, unknown>, const R extends string, C extends AnyTaskContract>(
    this: Flow<S, A, unknown, W>,
    ref: FreshRef<R, S & A>,
    contract: C,
    items: (s: Scope<S & A>) => NoInfer<Bindable<readonly TaskInput<C>[]>>,
    options?: Pick<TaskNodeOptions, 'optional' | 'description'>,
  ): Flow<
    S,
    A & Entry<R, {}> & Entry<`${R}_join`, {}> & Entry<`${R}_results`, DynamicForkResults<C>>,
    { readonly [K in `${R}_results`]: DynamicForkResults<C> },
    W
  > {
    const name = ref as string;
    return this.then({
      kind: 'DynamicFork',
      ref: name,
      joinRef: `${name}_join`,
      resultsRef: `${name}_results`,
      contract,
      items: bind(items, `${name}.items`),
      optional: options?.optional,
      description: options?.description,
    });
  }

  /**
   * Starts one run of `child` per item of a list, in parallel (FORK_JOIN_DYNAMIC with
   * `forkTaskWorkflow`: each item is a child's input, checked against its input schema), joins
   * them in `<ref>_join`, and lists the results in `<ref>_results`: `output.result` is
   * `[{ input: item, output: childOutput | null }]` in item order, as {@link Flow.dynamicFork}
   * does for worker tasks (the JOIN's keys are references the server makes up). `optional` makes
   * every child's task optional, so one failing child does not fail the join.
   */
  dynamicForkWorkflow<S, A, W extends FlowTypes<unknown, unknown>, const R extends string, CW extends AnyWorkflow>(
    this: Flow<S, A, unknown, W>,
    ref: FreshRef<R, S & A>,
    child: CW,
    items: (s: Scope<S & A>) => NoInfer<Bindable<readonly WorkflowInput<CW>[]>>,
    options?: Pick<TaskNodeOptions, 'optional' | 'description'>,
  ): Flow<
    S,
    A & Entry<R, {}> & Entry<`${R}_join`, {}> & Entry<`${R}_results`, DynamicForkWorkflowResults<CW>>,
    { readonly [K in `${R}_results`]: DynamicForkWorkflowResults<CW> },
    W
  > {
    const name = ref as string;
    return this.then({
      kind: 'DynamicForkWorkflow',
      ref: name,
      joinRef: `${name}_join`,
      resultsRef: `${name}_results`,
      workflow: child,
      items: bind(items, `${name}.items`),
      optional: options?.optional,
      description: options?.description,
    });
  }

  /**
   * Runs a worker task whose name is chosen at run time (DYNAMIC): `task` gives the name, one of
   * the `candidates`' names (a reference typed as their union, e.g. a `z.enum` input, or a
   * literal). The input must suit every candidate (it is checked against all their input
   * schemas); later tasks read the fields the candidates' outputs share. `gen` registers every
   * candidate's TaskDef, but conductor-oss 3.32.3 (observed) runs the chosen task under the DYNAMIC
   * task's own TaskDef, the ad-hoc one it gives a task named `<ref>` (no retries, no timeouts), not
   * the candidate's; and a name no task has is scheduled all the same, and waits for a worker
   * that never comes. The types keep the name to the candidates.
   */
  dynamic<
    S,
    A,
    W extends FlowTypes<unknown, unknown>,
    const R extends string,
    const C extends readonly [AnyTaskContract, ...AnyTaskContract[]],
    const B extends Binding<UnionToIntersection<TaskInput<C[number]>>, B>,
  >(
    this: Flow<S, A, unknown, W>,
    ref: FreshRef<R, S & A>,
    candidates: C,
    spec: {
      readonly task: (s: Scope<S & A>) => NoInfer<Bindable<C[number]['name']>>;
      readonly input: (s: Scope<S & A>) => B;
    },
    options?: Pick<TaskNodeOptions, 'optional' | 'description'>,
  ): Flow<S, A & Entry<R, TaskOutput<C[number]>>, { readonly [K in R]: TaskOutput<C[number]> }, W> {
    const name = ref as string;
    return this.then({
      kind: 'Dynamic',
      ref: name,
      candidates,
      taskName: bind(spec.task, `${name}.task`),
      input: bind(spec.input, `${name}.input`),
      optional: options?.optional,
      description: options?.description,
    });
  }

  /**
   * Starts another workflow and goes on at once (START_WORKFLOW, fire and forget); its input is
   * checked against the target's input schema. The task's output is the new run's `workflowId`.
   * The target's end does not affect this workflow.
   */
  startWorkflow<S, A, W extends FlowTypes<unknown, unknown>, const R extends string, TW extends AnyWorkflow, const B extends Binding<WorkflowInput<TW>, B, 'workflow input'>>(
    this: Flow<S, A, unknown, W>,
    ref: FreshRef<R, S & A>,
    target: TW,
    input: (s: Scope<S & A>) => B,
    options?: Pick<TaskNodeOptions, 'optional' | 'description'> & { readonly correlationId?: (s: Scope<S & A>) => Bindable<string> },
  ): Flow<S, A & Entry<R, StartWorkflowOutput>, { readonly [K in R]: StartWorkflowOutput }, W> {
    const name = ref as string;
    return this.then({
      kind: 'StartWorkflow',
      ref: name,
      workflow: target,
      input: bind(input, `${name}.input`),
      correlationId: options?.correlationId === undefined ? undefined : bind(options.correlationId, `${name}.correlationId`),
      optional: options?.optional,
      description: options?.description,
    });
  }

  /**
   * Joins the one branch of a switch that ran (EXCLUSIVE_JOIN): `joinOn` names tasks added in this
   * flow (typically the last task of each case), in order; the server takes the first of them that
   * was scheduled, waits until it ends, and completes with its output (typed as the union of their
   * outputs, each field nullable as a case task's is). When that task failed, the join fails.
   */
  exclusiveJoin<S, A, W extends FlowTypes<unknown, unknown>, const R extends string, const J extends readonly [keyof A & string, ...(keyof A & string)[]]>(
    this: Flow<S, A, unknown, W>,
    ref: FreshRef<R, S & A>,
    joinOn: J,
    options?: Pick<TaskNodeOptions, 'description'>,
  ): Flow<S, A & Entry<R, OutputOfAny<A, J[number]>>, { readonly [K in R]: OutputOfAny<A, J[number]> }, W> {
    return this.then({ kind: 'ExclusiveJoin', ref: ref as string, joinOn: [...joinOn], description: options?.description });
  }

  /** Does nothing (NOOP): a placeholder, e.g. an empty switch case; completes at once with an empty output. */
  noop<S, A, W extends FlowTypes<unknown, unknown>, const R extends string>(
    this: Flow<S, A, unknown, W>,
    ref: FreshRef<R, S & A>,
    options?: Pick<TaskNodeOptions, 'description'>,
  ): Flow<S, A & Entry<R, {}>, { readonly [K in R]: {} }, W> {
    return this.then({ kind: 'Noop', ref: ref as string, description: options?.description });
  }

  /**
   * Publishes a message to Kafka from the server (KAFKA_PUBLISH). The task fails when no broker
   * answers within `maxBlockMs` (conductor-oss 3.32.3: `Failed to invoke kafka task due to:
   * org.apache.kafka.common.errors.TimeoutException: Topic <topic> not present in metadata after
   * <maxBlockMs> ms.`); on success its output is empty.
   */
  kafkaPublish<S, A, W extends FlowTypes<unknown, unknown>, const R extends string, const B extends Binding<KafkaRequest, B, 'request field'>>(
    this: Flow<S, A, unknown, W>,
    ref: FreshRef<R, S & A>,
    request: (s: Scope<S & A>) => B,
    options?: Pick<TaskNodeOptions, 'optional' | 'description'>,
  ): Flow<S, A & Entry<R, {}>, { readonly [K in R]: {} }, W> {
    const name = ref as string;
    return this.then({
      kind: 'KafkaPublish',
      ref: name,
      request: bind(request, `${name}.kafka_request`),
      optional: options?.optional,
      description: options?.description,
    });
  }

  /**
   * Waits: for a duration (`'10m'`, `'2d 3h'`), until a time (`'2026-12-01 10:00 UTC'`), or, with
   * neither, until completed through the API.
   */
  wait<S, A, W extends FlowTypes<unknown, unknown>, const R extends string>(
    this: Flow<S, A, unknown, W>,
    ref: FreshRef<R, S & A>,
    spec: { readonly duration?: string; readonly until?: string } = {},
  ): Flow<S, A & Entry<R, Record<string, unknown>>, { readonly [K in R]: Record<string, unknown> }, W> {
    return this.then({ kind: 'Wait', ref: ref as string, duration: spec.duration, until: spec.until });
  }

  /**
   * Waits for a person (HUMAN task), who completes it with output of the `output` schema's shape,
   * e.g. an approval `{ approved, approver, comment }`.
   */
  human<S, A, W extends FlowTypes<unknown, unknown>, const R extends string, O extends ObjectSchema>(
    this: Flow<S, A, unknown, W>,
    ref: FreshRef<R, S & A>,
    spec: {
      readonly output: O;
      readonly input?: (s: Scope<S & A>) => Record<string, unknown>;
      /** Time the person has; past it the task times out. */
      readonly timeoutSeconds?: number;
      /** A timeout (or failure) does not fail the workflow: the task ends COMPLETED_WITH_ERRORS. */
      readonly optional?: boolean;
      readonly description?: string;
    },
  ): Flow<S, A & Entry<R, z.output<O>>, { readonly [K in R]: z.output<O> }, W> {
    const name = ref as string;
    return this.then({
      kind: 'Human',
      ref: name,
      input: bind(spec.input, `${name}.input`),
      output: spec.output,
      timeoutSeconds: spec.timeoutSeconds,
      optional: spec.optional,
      description: spec.description,
    });
  }

  /**
   * Ends the workflow with a status. `output` becomes the workflow's output (typed against the
   * workflow's output schema); `reason` its reasonForIncompletion.
   */
  terminate<S, A, W extends FlowTypes<unknown, unknown>, const B extends Binding<Partial<W['output']>, B, 'output'> = never>(
    this: Flow<S, A, unknown, W>,
    status: TerminationStatus,
    spec: {
      readonly ref?: string;
      readonly reason?: (s: Scope<S & A>) => Bindable<string>;
      readonly output?: (s: Scope<S & A>) => B;
    } = {},
  ): Flow<S, A, {}, W> {
    return this.then({
      kind: 'Terminate',
      ref: spec.ref,
      status,
      reason: spec.reason === undefined ? undefined : bind(spec.reason, 'terminate.reason'),
      output: bind(spec.output, 'terminate.output'),
    });
  }

  /** Makes an HTTP call from the server (HTTP task). */
  http<S, A, W extends FlowTypes<unknown, unknown>, const R extends string, const B extends Binding<HttpRequest, B, 'request field'>>(
    this: Flow<S, A, unknown, W>,
    ref: FreshRef<R, S & A>,
    request: (s: Scope<S & A>) => B,
    options?: Pick<TaskNodeOptions, 'optional' | 'description'>,
  ): Flow<S, A & Entry<R, HttpOutput>, { readonly [K in R]: HttpOutput }, W> {
    const name = ref as string;
    return this.then({
      kind: 'Http',
      ref: name,
      request: bind(request, `${name}.http_request`),
      optional: options?.optional,
      description: options?.description,
    });
  }

  /**
   * Evaluates JavaScript on the server (INLINE task); the script reads its inputs as `$.name` and
   * its value becomes `output.result`. Pass `result` (a zod schema) to type that value.
   */
  inline<S, A, W extends FlowTypes<unknown, unknown>, const R extends string, I extends Record<string, unknown>, T = unknown>(
    this: Flow<S, A, unknown, W>,
    ref: FreshRef<R, S & A>,
    spec: {
      readonly input?: (s: Scope<S & A>) => I;
      readonly script: string | ((params: RefOf<Resolved<I>>) => string);
      readonly result?: z.ZodType<T, z.ZodTypeDef, unknown>;
    },
  ): Flow<S, A & Entry<R, { result: T }>, { readonly [K in R]: { result: T } }, W> {
    const name = ref as string;
    return this.then({ kind: 'Inline', ref: name, input: bind(spec.input, `${name}.input`), script: script(spec.script) });
  }

  /** Merges values into the workflow's variables (SET_VARIABLE), typed by the workflow's `variables` schema. */
  setVariable<S, A, L, W extends FlowTypes<unknown, unknown>, const B extends Binding<Partial<W['variables']>, B, 'variable'>>(
    this: Flow<S, A, L, W>,
    values: (s: Scope<S & A>) => B,
    ref?: string,
  ): Flow<S, A, L, W> {
    return this.then({ kind: 'SetVariable', ref, input: bind(values, 'set_variable.input') });
  }

  /**
   * Ends the workflow's flow with its output parameters, typed by the workflow's output schema.
   * Every task in scope here can be read.
   */
  output<S, A, W extends FlowTypes<unknown, unknown>, const B extends Binding<W['output'], B, 'output'>>(this: Flow<S, A, unknown, W>, bindings: (s: Scope<S & A>) => B): FinishedFlow<W> {
    return { kind: 'FinishedFlow', nodes: this.nodes, output: bind(bindings, 'outputParameters') };
  }

  /**
   * Publishes a message (EVENT task): its payload is the task's output, the resolved `input` plus
   * the publishing workflow's id, name, version, correlationId and the queue (`event_produced`).
   * `sink` `'conductor'` publishes to `conductor:<workflow name>:<ref>`, `'conductor:<name>'` to
   * `conductor:<workflow name>:<name>`: the `event` an {@link eventHandler} listens on. Only
   * `conductor` queues exist in conductor-oss 3.32.3 as shipped (amqp, sqs, kafka and nats fail
   * with `Unknown queue type`), so no other sink is accepted. With `asyncComplete` the task stays
   * IN_PROGRESS until completed through the API (or by a handler's complete_task action).
   * @throws TypeError when `sink` is not `conductor` or `conductor:<name>` (for callers without tsc).
   * @example `.event('announce', { sink: 'conductor', input: (s) => ({ sha: s.input.sha }) })`
   */
  event<S, A, W extends FlowTypes<unknown, unknown>, const R extends string, I extends Record<string, unknown> = {}>(
    this: Flow<S, A, unknown, W>,
    ref: FreshRef<R, S & A>,
    spec: { readonly sink: EventSink; readonly input?: (s: Scope<S & A>) => I; readonly asyncComplete?: boolean; readonly description?: string },
  ): Flow<S, A & Entry<R, EventOutput<I>>, { readonly [K in R]: EventOutput<I> }, W> {
    const name = ref as string;
    const sink: unknown = spec.sink;
    if (typeof sink !== 'string' || !CONDUCTOR_SINK.test(sink)) {
      throw new TypeError(`event "${name}": sink ${JSON.stringify(sink)} is not a queue conductor-oss 3.32.3 has; use "conductor" (queue conductor:<workflow>:${name}) or "conductor:<name>" (amqp, sqs, kafka and nats are not in the server as shipped).`);
    }
    return this.then({ kind: 'Event', ref: name, sink: spec.sink, input: bind(spec.input, `${name}.input`), asyncComplete: spec.asyncComplete, description: spec.description });
  }

  /**
   * The escape hatch: a task the DSL has no method for, kept as the Conductor JSON given (`task`,
   * verbatim: templates are `${...}` text, nothing is checked by tsc). Nested task lists are
   * branches like a fork's, so the tasks inside keep their DSL form. Later tasks read its output
   * as `s.<ref>.output.<field>` (typed `unknown`); tasks inside its branches are not in scope
   * after it: read them with `untypedRef` (ref.ts). The importer writes one for every task it cannot
   * express and reports it (`docs/importing.md`).
   * @example `.raw('start_later', { name: 'start_later', type: 'START_WORKFLOW', inputParameters: { startWorkflow: { name: 'nightly' } } })`
   */
  raw<S, A, W extends FlowTypes<unknown, unknown>, const R extends string>(
    this: Flow<S, A, unknown, W>,
    ref: FreshRef<R, S & A>,
    task: RawTask,
    nested: {
      readonly forkTasks?: readonly Branch<S & A, W>[];
      readonly decisionCases?: Readonly<Record<string, Branch<S & A, W>>>;
      readonly defaultCase?: Branch<S & A, W>;
      readonly loopOver?: Branch<S & A & Entry<R, Record<string, unknown>>, W>;
    } = {},
  ): Flow<S, A & Entry<R, Record<string, unknown>>, { readonly [K in R]: Record<string, unknown> }, W> {
    const given = task as Record<string, unknown>;
    for (const field of ['taskReferenceName', 'forkTasks', 'decisionCases', 'defaultCase', 'loopOver']) {
      if (field in given) throw new TypeError(`raw "${ref as string}": give ${field} ${field === 'taskReferenceName' ? 'as the first argument' : 'in the third argument, as branches'}, not in the task JSON.`);
    }
    return this.then({
      kind: 'Raw',
      ref: ref as string,
      task,
      forkTasks: nested.forkTasks?.map(branchNodes),
      decisionCases:
        nested.decisionCases === undefined
          ? undefined
          : Object.fromEntries(Object.entries(nested.decisionCases).map(([key, fn]) => [key, branchNodes(fn)])),
      defaultCase: nested.defaultCase === undefined ? undefined : branchNodes(nested.defaultCase),
      loopOver: nested.loopOver === undefined ? undefined : branchNodes(nested.loopOver),
    });
  }

  /**
   * Transforms JSON with jq (JSON_JQ_TRANSFORM). The query reads the inputs as `.name`; the first
   * result is `output.result`, all of them `output.resultList`. Pass `result` to type them.
   */
  jq<S, A, W extends FlowTypes<unknown, unknown>, const R extends string, T = unknown>(
    this: Flow<S, A, unknown, W>,
    ref: FreshRef<R, S & A>,
    spec: { readonly input: (s: Scope<S & A>) => Record<string, unknown>; readonly query: string; readonly result?: z.ZodType<T, z.ZodTypeDef, unknown> },
  ): Flow<S, A & Entry<R, { result: T; resultList: T[] }>, { readonly [K in R]: { result: T; resultList: T[] } }, W> {
    const name = ref as string;
    return this.then({ kind: 'JsonJq', ref: name, input: bind(spec.input, `${name}.input`), query: spec.query });
  }
}
