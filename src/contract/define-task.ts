import type { z } from 'zod';
import { DefinitionError, isError } from '../issues.ts';
import { validateTaskDef } from '../validate/task-def-rules.ts';
import { TASK_DEFAULTS, type TaskOptions } from './task-options.ts';
import { toTaskDef } from './task-def.ts';

/** A zod object schema: task inputs and outputs are always JSON objects. */
export type ObjectSchema = z.AnyZodObject;

/**
 * A task contract: the one place a worker task's name, input, output and TaskDef settings live.
 * It feeds the TaskDef JSON, its JSON Schemas, the typed references in the DSL, the worker
 * binding and the typed client.
 */
export interface TaskContract<
  N extends string = string,
  I extends ObjectSchema = ObjectSchema,
  O extends ObjectSchema = ObjectSchema,
> {
  readonly kind: 'TaskContract';
  /** The Conductor task name (TaskDef `name`, WorkflowTask `name`). */
  readonly name: N;
  readonly description: string;
  readonly input: I;
  readonly output: O;
  /** Every TaskDef setting, project defaults filled in. */
  readonly options: Required<TaskOptions>;
}

/** Any task contract, whatever its name and schemas. */
export type AnyTaskContract = TaskContract<string, ObjectSchema, ObjectSchema>;

/** The input a caller passes to a task (zod input type: defaults may be left out). */
export type TaskInput<C extends AnyTaskContract> = z.input<C['input']>;
/** The output a task produces (zod output type). */
export type TaskOutput<C extends AnyTaskContract> = z.output<C['output']>;

/** What {@link defineTask} takes: a name, a description, the schemas and any TaskDef option. */
export interface TaskContractSpec<N extends string, I extends ObjectSchema, O extends ObjectSchema>
  extends TaskOptions {
  /** Task name; letters, digits, `_` and `-`. */
  readonly name: N;
  /** What the task does, for the TaskDef and the generated docs. */
  readonly description: string;
  /** Input schema; `.describe()` each field, the descriptions reach the JSON Schema and the docs. */
  readonly input: I;
  /** Output schema. */
  readonly output: O;
}

/**
 * Declares a task contract. Options are checked against the rules the Conductor server applies
 * (and ours) right here, so a bad option fails where it is written, with every problem listed.
 *
 * @example
 * ```ts
 * export const platformioCompile = defineTask({
 *   name: 'platformio_compile',
 *   description: 'Builds the firmware with PlatformIO.',
 *   input: z.object({ environment: z.string().describe('PlatformIO environment') }),
 *   output: z.object({ firmware_bin_path: z.string().describe('Path of firmware.bin') }),
 *   retryCount: 1,
 *   timeoutSeconds: 300,
 * });
 * ```
 */
export function defineTask<const N extends string, I extends ObjectSchema, O extends ObjectSchema>(
  spec: TaskContractSpec<N, I, O>,
): TaskContract<N, I, O> {
  const { name, description, input, output, ...given } = spec;
  const set = Object.fromEntries(Object.entries(given).filter(([, value]) => value !== undefined));
  const options: Required<TaskOptions> = { ...TASK_DEFAULTS, ...set };
  const contract: TaskContract<N, I, O> = Object.freeze({ kind: 'TaskContract', name, description, input, output, options });
  // Contracts become generated task definitions, which must register on Orkes too: ownerEmail is required.
  const issues = validateTaskDef(toTaskDef(contract), `task ${String(name)}`, { requireOwnerEmail: true }).filter(isError);
  if (issues.length > 0) throw new DefinitionError(issues, `task contract "${String(name)}"`);
  return contract;
}

/** True when `value` is a task contract made by {@link defineTask}. */
export function isTaskContract(value: unknown): value is AnyTaskContract {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'TaskContract';
}
