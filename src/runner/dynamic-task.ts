/** DYNAMIC as conductor-oss 3.32.3 maps it (`DynamicTaskMapper`). */
import type { WorkflowTask } from '../conductor-types.ts';
import type { Execution } from './execution.ts';
import { javaToString } from './parameters-text.ts';
import type { Registry } from './registry.ts';

/** The worker task a DYNAMIC task became, or why the server fails the workflow instead. */
export type DynamicMapping = { readonly task: WorkflowTask } | { readonly failure: string };

const mapped = new WeakSet<WorkflowTask>();

/** Whether `wt` is a DYNAMIC task still to be mapped (a retry keeps the task it was mapped to). */
export function needsMapping(wt: WorkflowTask): boolean {
  return wt.type === 'DYNAMIC' && !mapped.has(wt);
}

/**
 * Maps a DYNAMIC task: its name is the input parameter `dynamicTaskNameParam` names (resolved
 * now, as text), its TaskDef the embedded one or the registered one of that name; it then runs as
 * that worker task (its `taskType` is the name). A missing name or an unknown task fails the
 * workflow with the server's reason (its TerminateWorkflowException; the two spaces are the
 * server's). The mapped task takes the original's place in the definition.
 */
export function mapDynamic(exec: Execution, wt: WorkflowTask, input: Record<string, unknown>, registry: Registry): DynamicMapping {
  const param = wt.dynamicTaskNameParam ?? '';
  const value = input[param];
  if (value === undefined || value === null) {
    return { failure: `Cannot map a dynamic task based on the parameter and input. Parameter= ${param}, input= ${javaToString(input)}` };
  }
  const name = typeof value === 'string' ? value : javaToString(value);
  if (wt.taskDefinition === undefined && registry.task(name) === undefined) {
    return { failure: `Invalid task specified.  Cannot find task by name ${name} in the task definitions` };
  }
  const task: WorkflowTask = { ...wt, name };
  mapped.add(task);
  exec.index.alias(task, wt);
  return { task };
}
