import type { z } from 'zod';
import { DefinitionError, isError, type DefinitionIssue } from '../issues.ts';
import { validateTaskDef } from '../validate/task-def-rules.ts';
import { TASK_DEFAULTS, withDefaults, type CheckedTimeouts, type ContractOptions, type TaskOptions } from './task-options.ts';
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
  /** Every TaskDef setting, defaults filled in; `ownerEmail` when given (or by the project's defaults). */
  readonly options: ContractOptions;
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
 * Declares a task contract. Options left out take the toolkit's defaults ({@link TASK_DEFAULTS}),
 * whose timeouts follow the ones given (`timeoutSeconds: 300` alone gives
 * `responseTimeoutSeconds: 300`; see {@link withDefaults}); `ownerEmail` has none: give it, or
 * define the project's contracts with the `defineTask` of `projectDefaults({ ownerEmail })`. Options are checked against the rules
 * the Conductor server applies (and ours) right here, so a bad option fails where it is written,
 * with every problem listed; a problem with a value the contract left out names the default.
 * Timeouts written as number literals that contradict each other are already a `tsc` error at the
 * field ({@link CheckedTimeouts}).
 * @throws DefinitionError listing every problem (code, option, fix).
 *
 * @example
 * ```ts
 * export const compileFirmware = defineTask({
 *   name: 'compile_firmware',
 *   description: 'Builds the firmware with PlatformIO.',
 *   input: z.object({ environment: z.string().describe('PlatformIO environment') }),
 *   output: z.object({ firmware_bin_path: z.string().describe('Path of firmware.bin') }),
 *   retryCount: 1,
 *   timeoutSeconds: 300,
 * });
 * ```
 */
export function defineTask<const N extends string, I extends ObjectSchema, O extends ObjectSchema, const S extends CheckedTimeouts<S> = {}>(
  spec: Omit<TaskContractSpec<N, I, O>, keyof CheckedTimeouts<S>> & S,
): TaskContract<N, I, O> {
  const { name, description, input, output, ...given } = spec;
  const options = withDefaults(given);
  const contract: TaskContract<N, I, O> = Object.freeze({ kind: 'TaskContract', name, description, input, output, options });
  // ownerEmail may come later (gen requires it of what it writes); one given must be an address.
  const issues = validateTaskDef(toTaskDef(contract), `task ${String(name)}`).filter(isError);
  if (issues.length > 0) throw new DefinitionError(issues.map((issue) => explainDefault(issue, given, options)), `task contract "${String(name)}"`);
  return contract;
}

/**
 * Names the default behind an issue about an option the contract left out, so that a
 * problem with a value nobody wrote says where it came from and how to choose another.
 */
function explainDefault(issue: DefinitionIssue, given: TaskOptions, options: ContractOptions): DefinitionIssue {
  const field = issue.path.split(' → ').at(-1) as keyof typeof TASK_DEFAULTS;
  if (!(field in TASK_DEFAULTS) || given[field] !== undefined) return issue;
  const value = JSON.stringify(options[field]);
  const fitted = value === JSON.stringify(TASK_DEFAULTS[field]) ? '' : `, fitted to the timeouts this contract sets`;
  return { ...issue, message: `${issue.message} (${field} is not set on this contract: ${value} is the toolkit's default, TASK_DEFAULTS.${field} = ${JSON.stringify(TASK_DEFAULTS[field])}${fitted}; set ${field} here to choose another.)` };
}

/** True when `value` is a task contract made by {@link defineTask}. */
export function isTaskContract(value: unknown): value is AnyTaskContract {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'TaskContract';
}
