/**
 * Every type helper of the DSL, in one place. The type state of a flow is flat: one record of
 * the references in scope, extended by intersection at each step, with no recursion over the graph.
 */
import type { Ref } from './ref.ts';

/** A reference whose fields can be referenced too: `RefOf<{ a: { b: number } }>` has `.a.b`. */
export type RefOf<T> = Ref<T> & RefFields<T>;

type NullIfMaybe<T> = null extends T ? null : undefined extends T ? null : never;

type RefFields<T> = [NonNullable<T>] extends [readonly (infer E)[]]
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
 * What an input function may return where a `T` is expected: used as the constraint of a `const`
 * type parameter, so literals keep their literal types and unknown fields are errors.
 */
export type Binding<T, R> = Bindable<T> & Exact<R, T>;
