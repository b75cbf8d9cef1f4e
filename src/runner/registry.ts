import type { TaskDef, WorkflowDef } from '../conductor-types.ts';
import type { EventHandlerJson } from '../event/handler-json.ts';

/** Workflow definitions by name and version, task definitions by name, and event handlers by name. */
export class Registry {
  private readonly workflows = new Map<string, Map<number, WorkflowDef>>();
  private readonly tasks = new Map<string, TaskDef>();
  private readonly handlers = new Map<string, EventHandlerJson>();

  constructor(workflows: readonly WorkflowDef[] = [], tasks: readonly TaskDef[] = [], eventHandlers: readonly EventHandlerJson[] = []) {
    for (const def of workflows) this.addWorkflow(def);
    for (const def of tasks) this.addTask(def);
    for (const handler of eventHandlers) this.addEventHandler(handler);
  }

  /** Adds or replaces an event handler (by name). */
  addEventHandler(handler: EventHandlerJson): void {
    this.handlers.set(handler.name, handler);
  }

  /** Removes an event handler; false when it is not there. */
  removeEventHandler(name: string): boolean {
    return this.handlers.delete(name);
  }

  /** An event handler by name. */
  eventHandler(name: string): EventHandlerJson | undefined {
    return this.handlers.get(name);
  }

  /** Every event handler, in the order they were first added. */
  allEventHandlers(): EventHandlerJson[] {
    return [...this.handlers.values()];
  }

  /** Adds or replaces a workflow definition (its name and version). */
  addWorkflow(def: WorkflowDef): void {
    const versions = this.workflows.get(def.name) ?? new Map<number, WorkflowDef>();
    versions.set(def.version ?? 1, def);
    this.workflows.set(def.name, versions);
  }

  /** Adds or replaces a task definition. */
  addTask(def: TaskDef): void {
    this.tasks.set(def.name, def);
  }

  /** Removes one version of a workflow definition; false when it is not there. */
  removeWorkflow(name: string, version: number): boolean {
    const versions = this.workflows.get(name);
    if (versions?.delete(version) !== true) return false;
    if (versions.size === 0) this.workflows.delete(name);
    return true;
  }

  /** Removes a task definition; false when it is not there. */
  removeTask(name: string): boolean {
    return this.tasks.delete(name);
  }

  /** A workflow definition: the given version, or the latest. */
  workflow(name: string, version?: number): WorkflowDef | undefined {
    const versions = this.workflows.get(name);
    if (versions === undefined) return undefined;
    if (version !== undefined) return versions.get(version);
    return versions.get(Math.max(...versions.keys()));
  }

  /** Every version of every workflow definition. */
  allWorkflows(): WorkflowDef[] {
    return [...this.workflows.values()].flatMap((versions) => [...versions.values()]);
  }

  /** A task definition by name. */
  task(name: string): TaskDef | undefined {
    return this.tasks.get(name);
  }

  /** Every task definition. */
  allTasks(): TaskDef[] {
    return [...this.tasks.values()];
  }
}
