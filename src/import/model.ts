/** The shapes the importer passes between its parts. */
import type { SchemaJson } from './zod-source.ts';

/** A JSON object as read from a definition file. */
export type Json = Record<string, unknown>;

/** True for a JSON object (not null, not a list). */
export const isJsonObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/** A task contract the importer writes: its variable name and the shapes of its input and output. */
export interface ContractInfo {
  readonly ident: string;
  readonly input: SchemaJson;
  readonly output: SchemaJson;
  /** The task definition the contract is written from, when one was given (a per-use `taskDefinition` is compared with it). */
  readonly taskDef?: Json | undefined;
}

/** A workflow the importer writes: its variable name and the shapes of its input and output. */
export interface WorkflowInfo {
  readonly ident: string;
  readonly input: SchemaJson;
  readonly output: SchemaJson;
}

/** A task the importer kept verbatim through the escape hatch (`Flow.raw`), and why. */
export interface VerbatimTask {
  /** JSON path of the task in its definition, e.g. `tasks[2].forkTasks[0][1]`. */
  readonly path: string;
  readonly ref: string;
  readonly type: string;
  readonly reason: string;
}

/** What one imported definition says it could not carry over exactly. */
export interface ImportNotes {
  readonly verbatim: VerbatimTask[];
  /**
   * Workflow fields the DSL has no setting for, kept verbatim in the spec's `raw` (among them a
   * `failureWorkflow` that is not among the imported definitions).
   */
  readonly verbatimFields: string[];
  /** Fields or schema keywords the DSL cannot express, as `JSON path: what`; they will differ. */
  readonly lost: string[];
}
