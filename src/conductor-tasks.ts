import type { WorkflowTask } from './conductor-types.ts';

/** The task lists nested in a task: fork branches, then switch cases and default case, then loop body. */
export function nestedTaskLists(task: WorkflowTask): WorkflowTask[][] {
  return [...(task.forkTasks ?? []), ...Object.values(task.decisionCases ?? {}), task.defaultCase ?? [], task.loopOver ?? []];
}

/** Every task of a list, nested ones included, depth first: each task before the tasks inside it. */
export function allWorkflowTasks(tasks: readonly WorkflowTask[]): WorkflowTask[] {
  const all: WorkflowTask[] = [];
  const add = (list: readonly WorkflowTask[]): void => {
    for (const task of list) {
      all.push(task);
      for (const nested of nestedTaskLists(task)) add(nested);
    }
  };
  add(tasks);
  return all;
}
