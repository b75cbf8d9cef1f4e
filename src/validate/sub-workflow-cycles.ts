import { isJsonObject, isNonBlankString } from './json-value.ts';

/** The names of the SUB_WORKFLOW tasks' workflows written out (not `${...}`) anywhere in `tasks`, whatever shape it has. */
function subWorkflowNames(tasks: unknown): Set<string> {
  const names = new Set<string>();
  const stack: unknown[] = [tasks];
  while (stack.length > 0) {
    const node = stack.pop();
    if (typeof node !== 'object' || node === null) continue;
    if (isJsonObject(node) && node.type === 'SUB_WORKFLOW' && isJsonObject(node.subWorkflowParam)) {
      const name = node.subWorkflowParam.name;
      if (isNonBlankString(name) && !name.includes('${')) names.add(name);
    }
    stack.push(...(Array.isArray(node) ? node : Object.values(node)));
  }
  return names;
}

/** The workflows each workflow starts through SUB_WORKFLOW tasks whose name is written out. */
function childrenByName(defs: readonly unknown[]): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const def of defs) {
    if (!isJsonObject(def) || !isNonBlankString(def.name)) continue;
    const children = graph.get(def.name) ?? new Set<string>();
    for (const name of subWorkflowNames(def.tasks)) children.add(name);
    graph.set(def.name, children);
  }
  return graph;
}

/**
 * The sub-workflow cycles among `defs`: for each workflow that starts itself again through
 * SUB_WORKFLOW tasks (A → B → A), the shortest such path, from it back to it. Each run of such a
 * workflow nests children until a condition ends the recursion, or without end (the local runner
 * fails it at 100 levels).
 */
export function subWorkflowCycles(defs: readonly unknown[]): Map<string, readonly string[]> {
  const graph = childrenByName(defs);
  const cycles = new Map<string, readonly string[]>();
  for (const start of graph.keys()) {
    // Breadth first, so the path shown is the shortest.
    const from = new Map<string, string>();
    const queue = [start];
    for (let i = 0; i < queue.length && !cycles.has(start); i++) {
      const at = queue[i] as string;
      for (const next of graph.get(at) ?? []) {
        if (next === start) {
          const path = [start];
          for (let step: string | undefined = at; step !== start && step !== undefined; step = from.get(step)) path.splice(1, 0, step);
          cycles.set(start, [...path, start]);
          break;
        }
        if (!from.has(next) && graph.has(next)) {
          from.set(next, at);
          queue.push(next);
        }
      }
    }
  }
  return cycles;
}
