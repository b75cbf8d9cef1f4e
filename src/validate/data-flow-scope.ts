/**
 * Which tasks have run when a task of a workflow starts, for the data-flow rules: earlier tasks
 * of the same list and of enclosing lists, and what earlier siblings hold (a fork's branches have
 * run; a switch's cases may not have). A task's own loop body is from the previous iteration
 * (absent in the first one), and everything else has not run there.
 */
import { quote } from './json-value.ts';
import type { Availability } from './data-flow-values.ts';
import { BUILT_IN_ROOTS, describeOrder } from './reference-rules.ts';
import type { TaskList, TaskNode } from './task-tree.ts';

/** What has run, by reference name. */
export type Scope = ReadonlyMap<string, Availability>;

const RAN: Availability = { kind: 'ran' };

/** The tasks nested in `node`, each with whether it has run once `node` has: not for sure inside a switch's cases. */
export function nestedAvailability(node: TaskNode): readonly [string, Availability][] {
  let nested = NESTED.get(node);
  if (nested === undefined) {
    nested = node.children.length === 0 ? [] : nestedIn(node, RAN);
    NESTED.set(node, nested);
  }
  return nested;
}

const NESTED = new WeakMap<TaskNode, readonly [string, Availability][]>();

function nestedIn(node: TaskNode, inherited: Availability): [string, Availability][] {
  const branch = node.type === 'SWITCH' || node.type === 'DECISION';
  const mine: Availability = branch && inherited.kind === 'ran' ? { kind: 'maybe', why: `it runs in a case of ${node.type} ${quote(node.label)}, which may not be chosen` } : inherited;
  return node.children.flatMap((list) => list.tasks.flatMap((task): [string, Availability][] => [...(task.ref === undefined ? [] : [[task.ref, mine] as [string, Availability]]), ...nestedIn(task, mine)]));
}

/** Adds the task `node` and what it holds to `scope`, as they stand once it has run. */
export function afterTask(scope: Map<string, Availability>, node: TaskNode): void {
  if (node.ref !== undefined) scope.set(node.ref, RAN);
  for (const [ref, availability] of nestedAvailability(node)) {
    if (scope.get(ref)?.kind !== 'ran') scope.set(ref, availability);
  }
}

/** The scope a DO_WHILE's own fields (inputs, condition) are read in: its body may not have run yet. */
export function loopScope(scope: Scope, loop: TaskNode): Map<string, Availability> {
  const inside = new Map(scope);
  if (loop.ref !== undefined) inside.set(loop.ref, RAN);
  for (const [ref] of nestedAvailability(loop)) {
    if (!inside.has(ref)) inside.set(ref, { kind: 'maybe', why: `it runs inside loop ${quote(loop.label)}, so it has not run yet in the first iteration` });
  }
  return inside;
}

/** Every task of a workflow as its outputParameters see them: all have run, those in switch cases maybe. */
export function endScope(tasks: TaskList): Map<string, Availability> {
  const scope = new Map<string, Availability>();
  for (const node of tasks.tasks) afterTask(scope, node);
  return scope;
}

/**
 * How a reference to `root` reads from task `from` (undefined: the workflow's outputParameters)
 * in `scope`. `serverRefuses`: the server itself refuses a reference to a name that is no task
 * there (a top-level task's inputParameters), which the reference rules report already.
 */
export function availabilityIn(scope: Scope, byRef: ReadonlyMap<string, TaskNode>, from: TaskNode | undefined, serverRefuses: boolean): (root: string) => Availability {
  return (root) => {
    const known = scope.get(root);
    if (known !== undefined) return known;
    if (BUILT_IN_ROOTS.has(root)) return { kind: 'unchecked' };
    const target = byRef.get(root);
    if (target === undefined) {
      if (serverRefuses) return { kind: 'unchecked' };
      return { kind: 'absent', reason: `which is not a task in this workflow`, fix: `Reference "workflow" or the taskReferenceName of a task that runs before ${from === undefined ? 'the end' : 'this one'}.` };
    }
    if (from === undefined) return { kind: 'unchecked' };
    return { kind: 'absent', ...describeOrder(from, target) };
  };
}
