/**
 * How deeply JSON documents may nest: conductor-oss 3.32.3 keeps Jackson's default
 * (`StreamReadConstraints.getMaxNestingDepth()`, 1000) and answers a deeper request body with 500
 * `JSON parse error: Document nesting depth (1001) exceeds the maximum allowed (1000, ...)`
 * (observed). The library refuses such documents at its doors with the same words, so that no
 * recursive walk of a definition or an input ever runs out of stack.
 */
export const MAX_NESTING_DEPTH = 1000;

/**
 * The nesting depth of a JSON value as Jackson counts it (each object or array one level, a
 * scalar none), walked without recursion; stops counting past `limit` (so a cyclic object graph
 * ends too). @default limit {@link MAX_NESTING_DEPTH}
 */
export function nestingDepth(value: unknown, limit = MAX_NESTING_DEPTH): number {
  let max = 0;
  // Two stacks side by side: no pair to allocate per object.
  const nodes: object[] = typeof value === 'object' && value !== null ? [value] : [];
  const depths: number[] = [1];
  while (nodes.length > 0) {
    const node = nodes.pop() as object;
    const depth = depths.pop() as number;
    if (depth > max) max = depth;
    if (max > limit) return max;
    for (const child of Array.isArray(node) ? node : Object.values(node)) {
      if (typeof child === 'object' && child !== null) {
        nodes.push(child);
        depths.push(depth + 1);
      }
    }
  }
  return max;
}

/** The server's words for a document nested deeper than {@link MAX_NESTING_DEPTH}; undefined when it is not. */
export function nestingProblem(value: unknown): string | undefined {
  if (nestingDepth(value) <= MAX_NESTING_DEPTH) return undefined;
  return `Document nesting depth (${MAX_NESTING_DEPTH + 1}) exceeds the maximum allowed (${MAX_NESTING_DEPTH}, from \`StreamReadConstraints.getMaxNestingDepth()\`)`;
}
