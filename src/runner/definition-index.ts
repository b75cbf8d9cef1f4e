import type { WorkflowDef, WorkflowTask } from '../conductor-types.ts';

/** Where a task definition sits: its list, its position, and the task that holds the list. */
export interface Placement {
  readonly list: readonly WorkflowTask[];
  readonly index: number;
  /** The SWITCH/DECISION, FORK_JOIN or DO_WHILE whose case, branch or body holds the list. */
  readonly parent: WorkflowTask | undefined;
  readonly container: 'top' | 'case' | 'branch' | 'loop';
}

/** Positions of every task of a workflow definition, for finding what runs next. */
export class DefinitionIndex {
  private readonly places = new Map<WorkflowTask, Placement>();
  private readonly loops = new Map<WorkflowTask, WorkflowTask>();

  constructor(readonly def: WorkflowDef) {
    this.add(def.tasks, undefined, 'top', undefined);
  }

  private add(list: readonly WorkflowTask[], parent: WorkflowTask | undefined, container: Placement['container'], loop: WorkflowTask | undefined): void {
    list.forEach((task, index) => {
      this.places.set(task, { list, index, parent, container });
      if (loop !== undefined) this.loops.set(task, loop);
      for (const cases of [...Object.values(task.decisionCases ?? {}), task.defaultCase ?? []]) this.add(cases, task, 'case', loop);
      for (const branch of task.forkTasks ?? []) this.add(branch, task, 'branch', loop);
      if (task.loopOver !== undefined) this.add(task.loopOver, task, 'loop', task);
    });
  }

  /** Where `task` sits; undefined for tasks made at run time (dynamic fork tasks). */
  placement(task: WorkflowTask): Placement | undefined {
    return this.places.get(task);
  }

  /**
   * Records a task made at run time (a dynamic fork's) as living where `parent` lives, so that
   * inside a loop it is named and counted in the loop's iteration.
   */
  adopt(task: WorkflowTask, parent: WorkflowTask): void {
    const loop = this.loops.get(parent);
    if (loop !== undefined) this.loops.set(task, loop);
  }

  /** Records `task` (a DYNAMIC task once mapped) as sitting exactly where `original` sits. */
  alias(task: WorkflowTask, original: WorkflowTask): void {
    const place = this.places.get(original);
    if (place !== undefined) this.places.set(task, place);
    const loop = this.loops.get(original);
    if (loop !== undefined) this.loops.set(task, loop);
  }

  /** The innermost DO_WHILE whose body holds `task`. */
  enclosingLoop(task: WorkflowTask): WorkflowTask | undefined {
    return this.loops.get(task);
  }

  /** Every definition in the workflow whose reference name is `ref`. */
  findByRef(ref: string): WorkflowTask | undefined {
    for (const task of this.places.keys()) if (task.taskReferenceName === ref) return task;
    return undefined;
  }
}
