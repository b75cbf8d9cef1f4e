import { childPath, isJsonObject } from './json-value.ts';

/** One `${...}` reference found in a JSON value. */
export interface ExpressionReference {
  /** The text between `${` and its matching `}`, e.g. `compile.output.binary`. */
  readonly expression: string;
  /**
   * The first path segment without indexes: `workflow`, a task reference name, `CPEWF_TASK_ID`.
   * Undefined when a nested expression computes it, as in `${${name}.output}`.
   */
  readonly root: string | undefined;
  /** Field path of the string that holds it, e.g. `inputParameters.repo` or `list[0]`. */
  readonly at: string;
}

/** A string holding a `${` that is never closed: Conductor leaves it as literal text. */
export interface UnclosedExpression {
  /** Field path of the string. */
  readonly at: string;
  /** The whole string. */
  readonly text: string;
}

interface ScanResult {
  readonly references: ExpressionReference[];
  readonly unclosed: UnclosedExpression[];
}

/**
 * Finds every `${...}` reference in a JSON value, looking into nested objects and arrays the
 * way Conductor resolves inputParameters. Nested references (`${map.${key}}`) yield the outer
 * one and each inner one; `$${...}` is an escape and `${}` resolves to an empty string, so
 * neither is a reference.
 * @example findReferences({ bin: '${compile.output.path}' }, 'inputParameters')
 * // → [{ expression: 'compile.output.path', root: 'compile', at: 'inputParameters.bin' }]
 */
export function findReferences(value: unknown, at = ''): ExpressionReference[] {
  return scanValue(value, at).references;
}

/** Finds the strings in a JSON value that open a `${` without closing it. */
export function findUnclosedExpressions(value: unknown, at = ''): UnclosedExpression[] {
  return scanValue(value, at).unclosed;
}

function scanValue(value: unknown, at: string): ScanResult {
  const result: ScanResult = { references: [], unclosed: [] };
  visitStrings(value, at, (text, path) => {
    if (scanString(text, path, result.references)) result.unclosed.push({ at: path, text });
  });
  return result;
}

/** Calls `visit` on every string in a JSON value (objects and arrays walked), with its field path. */
export function visitStrings(value: unknown, at: string, visit: (text: string, at: string) => void): void {
  if (typeof value === 'string') visit(value, at);
  else if (Array.isArray(value)) value.forEach((item, index) => visitStrings(item, childPath(at, index), visit));
  else if (isJsonObject(value)) for (const [key, item] of Object.entries(value)) visitStrings(item, childPath(at, key), visit);
}

/** Adds the references in `text` to `references`; true when some `${` in it is never closed. */
function scanString(text: string, at: string, references: ExpressionReference[]): boolean {
  let unclosed = false;
  let from = 0;
  for (;;) {
    const start = text.indexOf('${', from);
    if (start === -1) return unclosed;
    from = start + 2;
    // `$${` is Conductor's escape for a literal `${`.
    if (start > 0 && text[start - 1] === '$') continue;
    const end = closingBrace(text, start + 1);
    if (end === -1) {
      unclosed = true;
      continue;
    }
    const expression = text.slice(start + 2, end);
    if (expression.trim() !== '') references.push({ expression, root: rootOf(expression), at });
    // Braces inside a closed expression are balanced, so nothing in it can be unclosed.
    scanString(expression, at, references);
    from = end + 1;
  }
}

/** Index of the `}` that closes the `{` at `open`, counting nested braces; -1 when none does. */
function closingBrace(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === '{') depth++;
    else if (text[i] === '}' && --depth === 0) return i;
  }
  return -1;
}

function rootOf(expression: string): string | undefined {
  let path = expression.trim();
  if (path.startsWith('$.')) path = path.slice(2);
  const end = path.search(/[.[]/);
  const root = (end === -1 ? path : path.slice(0, end)).trim();
  return root === '' || root.includes('${') ? undefined : root;
}
