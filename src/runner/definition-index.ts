import { allWorkflowTasks } from '../conductor-tasks.ts';
import type { WorkflowDef, WorkflowTask } from '../conductor-types.ts';
import { nestingProblem } from '../json-depth.ts';

/** Where a task definition sits: its list, its position, and the task that holds the list. */
export interface Placement {
  readonly list: readonly WorkflowTask[];
  readonly index: number;
  /** The SWITCH/DECISION, FORK_JOIN or DO_WHILE whose case, branch or body holds the list. */
  readonly parent: WorkflowTask | undefined;
  readonly container: 'top' | 'case' | 'branch' | 'loop';
}

const indexes = new WeakMap<WorkflowDef, DefinitionIndex>();

/**
 * What the runner reads from a workflow definition before it runs it: the position of every task
 * (for finding what runs next), every task in order, and how deeply the definition nests. Made
 * once per definition object ({@link DefinitionIndex.of}) and shared by every run of it, so a
 * run's start costs no walk of the definition: the runner treats a definition it ran as
 * unchanging (build a new object to run a changed one; the DSL, `loadGenerated` and the dev
 * server never change one in place).
 */
export class DefinitionIndex {
  private readonly places = new Map<WorkflowTask, Placement>();
  /** Weak: tasks a dynamic fork makes at run time are adopted here and must not outlive their run. */
  private readonly loops = new WeakMap<WorkflowTask, WorkflowTask>();
  private nesting: { readonly problem: string | undefined } | undefined;
  private everyTask: readonly WorkflowTask[] | undefined;
  private byRef: ReadonlyMap<string, WorkflowTask> | undefined;
  private inLoops: ReadonlySet<string> | undefined;

  /** The index of `def`, made on first use. */
  static of(def: WorkflowDef): DefinitionIndex {
    let index = indexes.get(def);
    if (index === undefined) {
      index = new DefinitionIndex(def);
      indexes.set(def, index);
    }
    return index;
  }

  private constructor(readonly def: WorkflowDef) {
    // Refused definitions are never walked: one nested too deeply would exhaust the stack.
    if (this.nestingProblem() === undefined) this.add(def.tasks, undefined, 'top', undefined);
  }

  /** The server's words when the definition nests over 1000 levels (see json-depth.ts); undefined when it does not. */
  nestingProblem(): string | undefined {
    this.nesting ??= { problem: nestingProblem(this.def) };
    return this.nesting.problem;
  }

  /** Every task of the definition, nested ones included, in `allWorkflowTasks` order. */
  allTasks(): readonly WorkflowTask[] {
    this.everyTask ??= allWorkflowTasks(this.def.tasks);
    return this.everyTask;
  }

  /** The tasks by reference name (of a name used twice, the later one). */
  tasksByRef(): ReadonlyMap<string, WorkflowTask> {
    this.byRef ??= new Map(this.allTasks().map((t) => [t.taskReferenceName, t]));
    return this.byRef;
  }

  /** Reference names of the tasks inside a DO_WHILE's body, nested ones included. */
  loopBodyRefs(): ReadonlySet<string> {
    this.inLoops ??= new Set(this.allTasks().filter((t) => t.type === 'DO_WHILE').flatMap((loop) => allWorkflowTasks(loop.loopOver ?? []).map((t) => t.taskReferenceName)));
    return this.inLoops;
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
