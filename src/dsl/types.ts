/**
 * Every type helper of the DSL, in one place. The type state of a flow is flat: one record of
 * the references in scope, extended by intersection at each step, with no recursion over the graph.
 */
import type { Ref } from './ref.ts';

/** A reference whose fields can be referenced too: `RefOf<{ a: { b: number } }>` has `.a.b`. */
export type RefOf<T> = Ref<T> & RefFields<T>;

/** `null` when `T` may be null or left out, else `never`: what a field of such a value may read. */
export type NullIfMaybe<T> = null extends T ? null : undefined extends T ? null : never;

/** The fields of a reference to a `T`: each field (or list item) of `T` as a reference of its own, nullable when `T` may be absent. */
export type RefFields<T> = [NonNullable<T>] extends [readonly (infer E)[]]
  ? { readonly [index: number]: RefOf<E | NullIfMaybe<T>> }
  : [NonNullable<T>] extends [object]
    ? { readonly [K in keyof NonNullable<T>]-?: RefOf<NonNullable<T>[K] | NullIfMaybe<T>> }
    : unknown;

/** A value accepted where `T` is expected: a literal, a reference to a `T`, or an object/list of those. */
export type Bindable<T> =
  | T
  | Ref<T>
  | (T extends readonly (infer E)[]
      ? readonly Bindable<E>[]
      : T extends object
        ? { readonly [K in keyof T]: Bindable<T[K]> }
        : never);

/** Conductor task statuses, as a task reference's `status` reads them. */
export type TaskStatus =
  | 'SCHEDULED'
  | 'IN_PROGRESS'
  | 'COMPLETED'
  | 'COMPLETED_WITH_ERRORS'
  | 'FAILED'
  | 'FAILED_WITH_TERMINAL_ERROR'
  | 'TIMED_OUT'
  | 'CANCELED'
  | 'SKIPPED';

/** What a task exposes to the tasks after it: `compile.output.firmware_bin_path` and the like. */
export interface TaskRefs<O> {
  readonly output: RefOf<O>;
  readonly input: RefOf<Record<string, unknown>>;
  readonly status: Ref<TaskStatus>;
  readonly taskId: Ref<string>;
  readonly retryCount: Ref<number>;
  readonly reasonForIncompletion: Ref<string | null>;
}

/** The workflow's own fields, readable from any task (`${workflow.workflowId}` ...). */
export interface WorkflowRefs<I, V> {
  readonly input: RefOf<I>;
  readonly variables: RefOf<V>;
  readonly workflowId: Ref<string>;
  readonly correlationId: Ref<string | null>;
  readonly workflowType: Ref<string>;
  readonly version: Ref<number>;
  readonly parentWorkflowId: Ref<string | null>;
}

/** The scope every flow starts from: workflow input and variables, and the workflow itself. */
export interface BaseScope<I, V> {
  readonly input: RefOf<I>;
  readonly variables: RefOf<V>;
  readonly workflow: WorkflowRefs<I, V>;
}

/** Names a flow may not use for a task: they are taken by the workflow scope. */
export type ReservedRef = keyof BaseScope<unknown, unknown>;

/** `R`, or a readable error when it is already taken in scope `S`. */
export type FreshRef<R extends string, S> = R extends keyof S
  ? `error: the task reference "${R}" is already used in this workflow; give this task another name`
  : R;

/** One entry of the scope: `{ [ref]: TaskRefs<O> }`. */
export type Entry<R extends string, O> = { readonly [K in R]: TaskRefs<O> };

/** The types a workflow carries through its flows: its output (for TERMINATE) and variables. */
export interface FlowTypes<O, V> {
  readonly output: O;
  readonly variables: V;
}

/** Turns `A | B` into `A & B`. */
export type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void
  ? I
  : never;

/** Every field of a task's output may be null: what a task in a switch case leaves for later tasks. */
export type MaybeRan<A> = {
  readonly [K in keyof A]: A[K] extends TaskRefs<infer O> ? TaskRefs<{ [P in keyof O]: O[P] | null }> : A[K];
};

/** The outputs a JOIN collects: `{ [lastRefOfEachBranch]: output }`. */
export type JoinOutput<L> = { [K in keyof L]: L[K] };

/**
 * One item of a dynamic fork with what its task produced, as `<ref>_results` lists them in item
 * order. `output` is null when the task left no output (an optional task that failed for good:
 * Conductor's JOIN leaves empty outputs out).
 */
export interface ForkResult<I, O> {
  readonly input: I;
  readonly output: O | null;
}

/** The output of whichever task of `K` ran: the union of their outputs in scope `A`. */
export type OutputOfAny<A, K extends keyof A> = K extends keyof A ? (A[K] extends TaskRefs<infer O> ? O : never) : never;

/** Keys a SWITCH case may have for a value of type `V` (Conductor compares the value as text). */
export type CaseKey<V> = [V] extends [string | number | boolean | null] ? `${NonNullable<V>}` : string;

/** What a JavaScript condition sees: `$.ref.field` of each loop-body task's output, and `$.loopRef.iteration`. */
export type ScriptScope<A> = {
  readonly [K in keyof A]: A[K] extends TaskRefs<infer O> ? RefOf<O> : never;
};

/** Flags fields of `R` that `T` does not have, with a readable error. */
export type Exact<R, T> = {
  readonly [K in Exclude<keyof R, keyof T>]: `error: "${K & string}" is not a field here; remove it or check its name`;
};

/**
 * What the functions of a flow see: the references in scope, and for any other name a readable
 * error (`s.later.output.x` says the task is not upstream, instead of "Property 'later' does not
 * exist on type 'BaseScope<...>'"). Only the parameter of those functions is typed so: the
 * scope itself keeps its exact keys, which {@link FreshRef} reads.
 */
export type Scope<S> = S & {
  readonly [ref: string]: {
    readonly __error: 'reference to a task that is not upstream: it runs later, in a parallel branch or in another case, or no task has this name; read only tasks that run before this one';
  };
};

/** What a script condition sees: the names it can read, and for any other one a readable error. */
export type ScriptNames<S> = S & {
  readonly [name: string]: { readonly __error: 'not a name this script can read: read the loop inputs, the loop itself, or a task of its body' };
};

/** Names a type for a readable error: `a string`, `a number`, `a list`, ... */
export type Describe<T> = [T] extends [never]
  ? 'nothing'
  : [T] extends [string]
    ? string extends T
      ? 'a string'
      : 'one of the values its contract lists'
    : [T] extends [number]
      ? 'a number'
      : [T] extends [boolean]
        ? 'a boolean'
        : [T] extends [null | undefined]
          ? 'null'
          : [T] extends [readonly unknown[]]
            ? 'a list'
            : [T] extends [object]
              ? 'an object'
              : 'a value of another type';

/** Names a value given where another type is expected: the literal itself (`"big"`, `3`), or its type. */
export type Given<V> = V extends string
  ? string extends V
    ? 'a string'
    : `"${V}"`
  : V extends number | boolean
    ? number extends V
      ? 'a number'
      : boolean extends V
        ? 'a boolean'
        : `${V}`
    : Describe<V>;

/**
 * One field `K` bound to `V` where a `T` is expected: `V` when it fits, otherwise an error type
 * naming the field, what it takes and what it was given (a reference's type, or the literal's).
 * Objects that do not fit are left to `tsc`'s own elaboration, which names the inner field.
 */
export type FieldBinding<T, K, V, What extends string> = [V] extends [Bindable<T>]
  ? Bindable<T>
  : V extends Ref<infer X>
    ? `error: ${What} "${K & string}" takes ${Describe<NonNullable<T>>}${null extends T ? ' or null' : ''}, but this reference reads ${Describe<NonNullable<X>>}${null extends X ? ' or null' : undefined extends X ? ' or null (it may be left out)' : ''}`
    : V extends object
      ? Bindable<T>
      : `error: ${What} "${K & string}" takes ${Describe<NonNullable<T>>}${null extends T ? ' or null' : ''}, not ${Given<V>}`;

/**
 * What an input function may return where an object `T` is expected: used as the constraint of a
 * `const` type parameter `R`, so literals keep their literal types; a field of the wrong type is
 * an error naming it (`error: input "environment" takes a string, not 3`), a required
 * one left out is `tsc`'s "Property 'x' is missing", and unknown fields are errors.
 * `What` names the fields in messages (`input`, `output`, `variable`).
 */
export type Binding<T, R, What extends string = 'input'> = [T] extends [object]
  ? { readonly [K in keyof T]: FieldBinding<T[K], K, R[K & keyof R], What> } & Exact<R, T>
  : Bindable<T> & Exact<R, T>;
