/**
 * The plain paths of `${...}` expressions, split into steps so that they can be followed through
 * a JSON Schema: `compile.output.metrics['flash bytes'][0]` → root `compile`, steps `output`,
 * `metrics`, `flash bytes`, 0. Anything beyond names and indexes (wildcards, filters, `..`,
 * functions, slices, nested `${...}`) reads a computed value, and is left alone.
 */

/** A reference read step by step. */
export interface ReferencePath {
  /** The first name: `workflow`, or a task reference name. */
  readonly root: string;
  /** The names (strings) and list indexes (numbers) after it. */
  readonly steps: readonly (string | number)[];
}

const NAME = /^[^.[\]]+/;
const INDEX = /^\[(\d+)\]/;
const QUOTED = /^\[\s*(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)")\s*\]/;

/**
 * Splits a plain expression path; undefined when it is not one (the path then computes its value
 * and this module does not follow it).
 * @example parseReferencePath('compile.output.files[0].path') // → { root: 'compile', steps: ['output', 'files', 0, 'path'] }
 */
export function parseReferencePath(expression: string): ReferencePath | undefined {
  if (PARSED.has(expression)) return PARSED.get(expression);
  const path = parse(expression);
  if (PARSED.size >= MAX_PARSED) PARSED.clear();
  PARSED.set(expression, path);
  return path;
}

/** Expressions repeat across tasks and workflows: their paths are kept (up to a bound). */
const PARSED = new Map<string, ReferencePath | undefined>();
const MAX_PARSED = 10_000;

function parse(expression: string): ReferencePath | undefined {
  let rest = expression.trim();
  if (rest.startsWith('$.')) rest = rest.slice(2);
  if (rest.includes('${') || /[*?()@]|\.\./.test(rest)) return undefined;
  const root = NAME.exec(rest)?.[0];
  if (root === undefined) return undefined;
  rest = rest.slice(root.length);
  const steps: (string | number)[] = [];
  while (rest !== '') {
    let match: RegExpExecArray | null;
    if (rest.startsWith('.')) {
      match = NAME.exec(rest.slice(1));
      if (match === null) return undefined;
      steps.push(match[0]);
      rest = rest.slice(1 + match[0].length);
    } else if ((match = INDEX.exec(rest)) !== null) {
      steps.push(Number(match[1]));
      rest = rest.slice(match[0].length);
    } else if ((match = QUOTED.exec(rest)) !== null) {
      steps.push((match[1] ?? match[2] ?? '').replace(/\\(.)/g, '$1'));
      rest = rest.slice(match[0].length);
    } else return undefined;
  }
  return { root: root.trim(), steps };
}

/** Renders steps as a path: `['metrics', 'flash bytes', 0]` → `metrics['flash bytes'][0]`. */
export function renderSteps(steps: readonly (string | number)[]): string {
  return steps
    .map((step, i) => (typeof step === 'number' ? `[${step}]` : /^[A-Za-z_$][\w$-]*$/.test(step) ? `${i === 0 ? '' : '.'}${step}` : `['${step.replaceAll("'", "\\'")}']`))
    .join('');
}
