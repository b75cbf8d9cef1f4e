/** DYNAMIC as conductor-oss 3.32.3 maps it (`DynamicTaskMapper`). */
import type { TaskDef, WorkflowTask } from '../conductor-types.ts';
import type { Execution } from './execution.ts';
import { inHashMapOrder, javaToString } from './parameters-text.ts';

/** The worker task a DYNAMIC task became, or why the server fails the workflow instead. */
export type DynamicMapping = { readonly task: WorkflowTask } | { readonly failure: string };

const mapped = new WeakSet<WorkflowTask>();

/** Whether `wt` is a DYNAMIC task still to be mapped (a retry keeps the task it was mapped to). */
export function needsMapping(wt: WorkflowTask): boolean {
  return wt.type === 'DYNAMIC' && !mapped.has(wt);
}

/**
 * Maps a DYNAMIC task: its name is the input parameter `dynamicTaskNameParam` names (resolved
 * now, as text); it then runs as that worker task (its `taskType` and `taskDefName` are the name),
 * under the DYNAMIC task's own TaskDef `def`. conductor-oss 3.32.3 (observed) gives every named
 * task of a definition a TaskDef when the run starts (the one registered under its name, else an
 * ad-hoc one: no retries, no timeouts), and `DynamicTaskMapper` takes that one over the chosen
 * task's registered TaskDef; so a name nobody registered is scheduled all the same, and waits
 * for a worker. A missing name fails the workflow with the server's reason (its
 * TerminateWorkflowException), as does a task with no TaskDef at all (a nameless one; the two
 * spaces are the server's). The mapped task takes the original's place in the definition.
 */
export function mapDynamic(exec: Execution, wt: WorkflowTask, input: Record<string, unknown>, def: TaskDef | undefined): DynamicMapping {
  const param = wt.dynamicTaskNameParam ?? '';
  const value = input[param];
  if (value === undefined || value === null) {
    return { failure: `Cannot map a dynamic task based on the parameter and input. Parameter= ${param}, input= ${javaToString(inHashMapOrder(input))}` };
  }
  const name = typeof value === 'string' ? value : javaToString(value);
  if (def === undefined) return { failure: `Invalid task specified.  Cannot find task by name ${name} in the task definitions` };
  const task: WorkflowTask = { ...wt, name, taskDefinition: def };
  mapped.add(task);
  exec.index.alias(task, wt);
  return { task };
}
