/**
 * Jayway JsonPath as ParametersUtils reads it (`DocumentContext.read` with
 * `Option.SUPPRESS_EXCEPTIONS`, json-smart provider). Definite paths, the common case, are
 * tokenized and walked here; indefinite ones go through jsonpath-plus. Known differences from
 * Jayway: functions other than `.length()` on a definite path, `['a','b']`, and filter
 * operators JavaScript lacks (`=~`, `in`, `nin`, `size`, `empty`, ...) read as null; filters
 * compare with JavaScript's rules (`1 > '0'` holds here, not in Jayway); a filter that calls a
 * function or assigns reads as null.
 */
import { JSONPath } from 'jsonpath-plus';
import { FilterScript } from './filter-eval.ts';

/**
 * A path compiled the way Jayway JsonPath (the server's `DocumentContext.read`, with
 * `Option.SUPPRESS_EXCEPTIONS`) compiles it.
 */
export interface CompiledPath {
  /**
   * True for Jayway's indefinite paths (`[*]`, `.*`, `..`, filters, slices, index lists): they
   * read as a list, possibly empty. A definite path reads as the one value it reaches, or null.
   */
  readonly indefinite: boolean;
  /** Reads the path from a document. Never throws: Jayway's errors become null, as in the server. */
  read(document: unknown): unknown;
}

type Step = string | number;

const INVALID: CompiledPath = { indefinite: false, read: () => null };
const MAX_CACHED_PATHS = 10_000;
const compiledPaths = new Map<string, CompiledPath>();

/**
 * Compiles a JsonPath expression as written between `${` and `}`; compiled paths are cached.
 * @example compilePath('workflow.input.ids[0]').read(document)
 */
export function compilePath(path: string): CompiledPath {
  let compiled = compiledPaths.get(path);
  if (compiled === undefined) {
    // Nested expressions (`${map.${key}}`) make paths from data: bound the cache, and
    // jsonpath-plus's own (tokens and filters by path, never emptied otherwise) with it.
    if (compiledPaths.size >= MAX_CACHED_PATHS) {
      compiledPaths.clear();
      (JSONPath as unknown as { cache: object }).cache = {};
    }
    compiled = compile(toJaywayPath(path));
    compiledPaths.set(path, compiled);
  }
  return compiled;
}

/**
 * Jayway's PathCompiler.compile: a path that starts with neither `$` nor `@` is read as
 * `$.` + path; only the space character is trimmed, so `${name }` reads `name` but
 * `${ name}` is an invalid path (a space inside a dotted property name).
 */
function toJaywayPath(path: string): string {
  const trimmed = trimSpaces(path);
  if (trimmed.startsWith('$')) return trimmed;
  // `@` (the filter context) is the document itself at the top level.
  if (trimmed.startsWith('@')) return '$' + trimmed.slice(1);
  return trimSpaces(`$.${path}`);
}

function trimSpaces(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && text[start] === ' ') start++;
  while (end > start && text[end - 1] === ' ') end--;
  return text.slice(start, end);
}

function compile(path: string): CompiledPath {
  const parsed = parsePath(path);
  if (parsed === undefined) return INVALID;
  if (parsed.indefinite) return indefinitePath(parsed.normalized);
  const { steps, length } = parsed;
  if (length) return { indefinite: false, read: (document) => lengthOf(walk(document, steps)) };
  return { indefinite: false, read: (document) => walk(document, steps) };
}

interface ParsedPath {
  /** The properties and indexes of a definite path. */
  readonly steps: Step[];
  /** Holds a wildcard, deep scan, filter, slice or index list. */
  readonly indefinite: boolean;
  /** Ends with `.length()` on a definite path. */
  readonly length: boolean;
  /** The path with `.[` written `[`, which jsonpath-plus reads differently from Jayway. */
  readonly normalized: string;
}

const LENGTH_CALL = '.length()';

/**
 * Reads a path the way Jayway's PathCompiler tokenizes it, so that definite paths (properties
 * `.a` / `['a-b']`, indexes `[0]` / `[-1]`) are walked here without jsonpath-plus, and paths
 * Jayway rejects read as null. Undefined for invalid paths and for what this runner does not
 * support: functions other than a final `.length()` on a definite path, and several
 * properties in one bracket (`['a','b']`, which Jayway reads as a map of both).
 */
function parsePath(path: string): ParsedPath | undefined {
  if ((path[1] !== '.' && path[1] !== '[' && path !== '$') || path.endsWith('.')) return undefined;
  const steps: Step[] = [];
  let indefinite = false;
  let normalized = '$';
  let at = 1;
  while (at < path.length) {
    if (path[at] === '.') {
      // `..` is a deep scan; a third `.` is invalid.
      const scan = path[at + 1] === '.';
      indefinite ||= scan;
      at += scan ? 2 : 1;
      if (path[at] === '.') return undefined;
      if (scan) normalized += '..';
      else if (path[at] !== '[') normalized += '.';
    }
    const char = path[at];
    if (char === '[') {
      const bracket = readBracket(path, at);
      if (bracket === undefined) return undefined;
      if (bracket.step === undefined) indefinite = true;
      else steps.push(bracket.step);
      normalized += typeof bracket.step === 'string' && bracket.step !== plusName(bracket.step) ? `['${plusName(bracket.step).replaceAll("'", "\\'")}']` : path.slice(at, bracket.end);
      at = bracket.end;
    } else if (char === '*') {
      indefinite = true;
      normalized += '*';
      at++;
    } else {
      const end = indexOfAny(path, at, '.[(');
      const name = path.slice(at, end);
      if (name.includes(' ')) return undefined; // Jayway: "Use bracket notation ['my prop']"
      if (path[end] === '(') {
        const length = !indefinite && path.slice(at - 1) === LENGTH_CALL;
        return length ? { steps, indefinite, length, normalized } : undefined;
      }
      steps.push(name);
      normalized += plusName(name);
      at = end;
    }
    // After a token Jayway stops when one character is left (CharacterIndex.currentIsTail),
    // so `a[0]x` reads `a[0]` and `a[` reads `a`.
    if (at === path.length - 1) break;
  }
  return { steps, indefinite, length: false, normalized };
}

/**
 * A property name as jsonpath-plus must be given it to read it as Jayway does: a name starting
 * with `@` or `$` (its own syntax there) escaped with a backtick.
 */
function plusName(name: string): string {
  return /^[@$]/.test(name) ? `\`${name}` : name;
}

interface Bracket {
  /** The quoted property or the index; undefined for an indefinite selector. */
  readonly step: Step | undefined;
  /** Just past the `]`. */
  readonly end: number;
}

/** One `[...]`: `['name']`, `[0]`, or `[*]`, `[?(...)]`, `[1:3]`, `[0,2]`. */
function readBracket(path: string, open: number): Bracket | undefined {
  const at = skipSpaces(path, open + 1);
  const first = path[at];
  if (first === "'" || first === '"') return readQuotedProperty(path, at, first);
  if (first === '*') return bracket(undefined, closeBracket(path, at + 1));
  if (first === '?') {
    const close = closingParenthesis(path, path.indexOf('(', at));
    return bracket(undefined, close < 0 ? -1 : closeBracket(path, close + 1));
  }
  const close = path.indexOf(']', at);
  if (close < 0 || !/[-\d:]/.test(first ?? '')) return undefined;
  const expression = path.slice(at, close).trim();
  if (!/^[-\d:, ]+$/.test(expression)) return undefined;
  if (/[:,]/.test(expression)) return bracket(undefined, close + 1);
  // Java's Integer.parseInt: digits with an optional minus, nothing else.
  return /^-?\d+$/.test(expression) ? bracket(Number(expression), close + 1) : undefined;
}

function readQuotedProperty(path: string, open: number, quote: string): Bracket | undefined {
  let at = open + 1;
  let name = '';
  for (; at < path.length && path[at] !== quote; at++) {
    // Jayway unescapes `\'`, `\"` and `\\` inside quoted names.
    if (path[at] === '\\') at++;
    name += path[at] ?? '';
  }
  return bracket(name, closeBracket(path, at + 1));
}

function bracket(step: Step | undefined, end: number): Bracket | undefined {
  return end < 0 ? undefined : { step, end };
}

/** Just past the `]` that may follow spaces, or -1. */
function closeBracket(path: string, from: number): number {
  const at = skipSpaces(path, from);
  return path[at] === ']' ? at + 1 : -1;
}

/** The `)` closing a filter's `(`, skipping quoted strings. */
function closingParenthesis(path: string, open: number): number {
  if (open < 0) return -1;
  let depth = 0;
  let quote: string | undefined;
  for (let at = open; at < path.length; at++) {
    const char = path[at];
    if (quote !== undefined) {
      if (char === '\\') at++;
      else if (char === quote) quote = undefined;
    } else if (char === "'" || char === '"') {
      quote = char;
    } else if (char === '(') {
      depth++;
    } else if (char === ')' && --depth === 0) {
      return at;
    }
  }
  return -1;
}

function skipSpaces(text: string, from: number): number {
  let at = from;
  while (text[at] === ' ') at++;
  return at;
}

/** Jayway's `length()`: the size of a list or a map, null for anything else. */
function lengthOf(value: unknown): number | null {
  if (Array.isArray(value)) return value.length;
  if (typeof value === 'object' && value !== null) return Object.keys(value).length;
  return null;
}

function indexOfAny(text: string, from: number, chars: string): number {
  for (let at = from; at < text.length; at++) {
    if (chars.includes(text[at] ?? '')) return at;
  }
  return text.length;
}

/** Jayway, definite path: a missing property, an index out of range or a wrong type gives null. */
function walk(document: unknown, steps: readonly Step[]): unknown {
  let value = document;
  for (const step of steps) {
    if (typeof step === 'number') {
      if (!Array.isArray(value)) return null;
      // Jayway counts a negative index from the end.
      value = value[step < 0 ? value.length + step : step];
    } else {
      if (typeof value !== 'object' || value === null || Array.isArray(value) || !Object.hasOwn(value, step)) {
        return null;
      }
      value = (value as Record<string, unknown>)[step];
    }
    if (value === undefined) return null;
  }
  return value;
}

interface JsonPathPlusMatch {
  readonly value: unknown;
  readonly parent: unknown;
  readonly parentProperty: string | number | null;
}

/**
 * Indefinite paths go through jsonpath-plus. Its filters are JavaScript, close to Jayway's for
 * comparisons, `&&` and `||`, evaluated by filter-eval.ts (reads only: a filter with a call or
 * an assignment makes the path read as null); `ignoreEvalErrors` drops an item whose filter
 * throws (a missing property), as Jayway drops it. Jayway never reads a character of a string
 * or an array's `length`, which jsonpath-plus does through `hasOwn`: those matches are dropped.
 */
function indefinitePath(path: string): CompiledPath {
  return {
    indefinite: true,
    read(document) {
      try {
        const matches = JSONPath({
          path,
          json: document as object,
          resultType: 'all',
          wrap: true,
          // Never jsonpath-plus's own evaluator: filters come from definitions and run data.
          eval: FilterScript,
          ignoreEvalErrors: true,
        }) as JsonPathPlusMatch[];
        return matches.filter(isJaywayMatch).map((match) => match.value ?? null);
      } catch {
        // ParametersUtils catches what `read` throws and uses null.
        return null;
      }
    },
  };
}

function isJaywayMatch(match: JsonPathPlusMatch): boolean {
  if (typeof match.parent === 'string') return false;
  return !Array.isArray(match.parent) || /^\d+$/.test(String(match.parentProperty));
}
