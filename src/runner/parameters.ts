/**
 * Conductor's parameter resolution (`core/.../utils/ParametersUtils.java`, `replaceVariables`),
 * matched case by case against the server's code and Jayway JsonPath.
 */
import { compilePath, type CompiledPath } from './json-path.ts';
import { javaToString, jsonSmartToString } from './parameters-text.ts';

/** The document expressions are read from: `{ workflow: {...}, <taskRef>: { input, output, status, ... }, ... }`. */
export type ExpressionDocument = Readonly<Record<string, unknown>>;

/** One `${...}`. Its path is itself a template: `${map.${key}}` resolves `key` first. */
interface Expression {
  readonly path: Template;
  /** Compiled once when the path holds no expression. */
  readonly constantPath: CompiledPath | undefined;
}

type Template =
  /** No expression: the text, unescaped. */
  | { readonly kind: 'text'; readonly text: string }
  /** Exactly one `${...}` and nothing around it. */
  | { readonly kind: 'expression'; readonly expression: Expression }
  /** Literal text and expressions. */
  | { readonly kind: 'interpolation'; readonly segments: readonly (string | Expression)[] };

/** `${}` and `${  }`: ParametersUtils replaces a blank path with an empty string. */
const BLANK_PATH: CompiledPath = { indefinite: false, read: () => '' };
const MAX_CACHED_TEMPLATES = 10_000;
const templates = new Map<string, Template>();

/**
 * Resolves a whole inputParameters template (objects and lists recursively) as ParametersUtils
 * does. Strings are resolved, other values kept; the template is never mutated. Values read
 * from the document are returned as they are, not copied, as the server does.
 * @example resolveParameters({ id: '${workflow.input.id}' }, { workflow: { input: { id: 7 } } }) // → { id: 7 }
 */
export function resolveParameters(template: unknown, doc: ExpressionDocument): unknown {
  if (typeof template === 'string') return resolveString(template, doc);
  if (Array.isArray(template)) return template.map((item: unknown) => resolveParameters(item, doc));
  if (typeof template === 'object' && template !== null) {
    const resolved: Record<string, unknown> = {};
    for (const key of Object.keys(template)) {
      const value = resolveParameters((template as Record<string, unknown>)[key], doc);
      // A `__proto__` key is data here, as in JSON: assigned, it would set the prototype.
      if (key === '__proto__') Object.defineProperty(resolved, key, { value, enumerable: true, writable: true, configurable: true });
      else resolved[key] = value;
    }
    return resolved;
  }
  return template;
}

/**
 * Resolves one string: a lone `${...}` gives the raw value (number, object, list, null);
 * otherwise each expression is interpolated as Java's `Objects.toString` prints it.
 * @example resolveString('${t1.output.count}', doc) // → 3
 * @example resolveString('Count: ${t1.output.count}', doc) // → 'Count: 3'
 */
export function resolveString(text: string, doc: ExpressionDocument): unknown {
  if (!text.includes('$')) return text;
  const template = parseCached(text);
  // Only the outermost string keeps the raw value (`depth == 0` in replaceVariables).
  if (template.kind === 'expression') return pathOf(template.expression, doc).read(doc);
  return render(template, doc);
}

function parseCached(text: string): Template {
  let template = templates.get(text);
  if (template === undefined) {
    if (templates.size >= MAX_CACHED_TEMPLATES) templates.clear();
    template = parse(text);
    templates.set(text, template);
  }
  return template;
}

/**
 * The server finds expressions with a regular expression that matches `${` not preceded by
 * `$` up to its balanced `}`, counting every brace. Once one `${` has no balanced `}`, Java's
 * matcher finds nothing more in the string (its back-references keep the failed attempt's
 * state), so `${a ${b}` stays literal text as a whole.
 */
function parse(text: string): Template {
  const segments: (string | Expression)[] = [];
  let literalStart = 0;
  for (let start = findOpening(text, 0); start >= 0; start = findOpening(text, literalStart)) {
    const end = findClosing(text, start + 1);
    if (end < 0) break;
    if (start > literalStart) segments.push(text.slice(literalStart, start));
    const path = parse(text.slice(start + 2, end));
    segments.push({ path, constantPath: path.kind === 'text' ? pathFor(path.text) : undefined });
    literalStart = end + 1;
  }
  if (segments.length === 0) return { kind: 'text', text: unescape(text) };
  if (literalStart < text.length) segments.push(text.slice(literalStart));
  const [only] = segments;
  if (segments.length === 1 && typeof only === 'object') return { kind: 'expression', expression: only };
  return { kind: 'interpolation', segments };
}

function findOpening(text: string, from: number): number {
  let at = text.indexOf('${', from);
  while (at > 0 && text[at - 1] === '$') at = text.indexOf('${', at + 1);
  return at;
}

function findClosing(text: string, open: number): number {
  let depth = 0;
  for (let at = open; at < text.length; at++) {
    if (text[at] === '{') depth++;
    else if (text[at] === '}' && --depth === 0) return at;
  }
  return -1;
}

function pathOf(expression: Expression, doc: ExpressionDocument): CompiledPath {
  return expression.constantPath ?? pathFor(render(expression.path, doc));
}

function pathFor(path: string): CompiledPath {
  return isJavaBlank(path) ? BLANK_PATH : compilePath(path);
}

/**
 * A template as text, as nested paths and interpolated strings are built: each value through
 * `Objects.toString` (a Jayway list prints as JSON, any other value as Java prints it), then
 * `$${` becomes `${` over the whole result, substituted values included.
 */
function render(template: Template, doc: ExpressionDocument): string {
  if (template.kind === 'text') return template.text;
  if (template.kind === 'expression') return unescape(renderExpression(template.expression, doc));
  let text = '';
  for (const segment of template.segments) {
    text += typeof segment === 'string' ? segment : renderExpression(segment, doc);
  }
  return unescape(text);
}

function renderExpression(expression: Expression, doc: ExpressionDocument): string {
  const path = pathOf(expression, doc);
  const value = path.read(doc);
  return path.indefinite ? jsonSmartToString(value) : javaToString(value);
}

/** `replaceAll("\\$\\$\\{", "\\${")`, which the server applies to every string it builds. */
function unescape(text: string): string {
  return text.includes('$${') ? text.split('$${').join('${') : text;
}

/** Apache's `StringUtils.isBlank`: only Java's whitespace (not U+00A0, U+2007, U+202F). */
function isJavaBlank(text: string): boolean {
  return /^[\t\n\v\f\r\u001c-\u001f \u1680\u2000-\u2006\u2008-\u200a\u2028\u2029\u205f\u3000]*$/.test(text);
}
