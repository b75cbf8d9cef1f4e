/**
 * In-process evaluation of the scripts most workflows use (`$.loop.iteration < 10`, `$.a ===
 * 'x' ? 'y' : 'z'`): one side-effect-free expression over `$`, read from its acorn syntax tree and
 * evaluated by a small tree walker, so no code of the script is ever run by the engine. The walker
 * takes only what cannot run code, loop or reach anything outside `$`: literals, `$` and the
 * read-only globals `undefined`, `NaN` and `Infinity`, reading own properties of JSON data, and
 * operators, the conditional, array, object and template literals. No calls, assignments,
 * functions, `new`, `this`, regular expressions or other names. Its time is bounded by the size of
 * the expression times the size of the input, so it needs no time limit.
 *
 * Everything else, and every case where the walker would leave plain JSON data (a read of an
 * inherited property such as `$.list.size` or `$.x.toString`, a read of a property of null, any
 * error), is left to the script worker (`ScriptSandbox`), whose answer, error wording included,
 * is the one the runner gives.
 */
import { parse, type Node } from 'acorn';

/** Deepest syntax tree the walker takes (deeper ones go to the worker), so it never runs out of stack. */
const MAX_DEPTH = 64;
/** Expressions whose compiled form (or refusal) is kept, the oldest dropped first. */
const CACHE_SIZE = 1000;

/** Thrown inside an evaluation when the expression must go to the script worker after all. */
class ToWorker extends Error {}

/** A compiled expression: reads `$` and gives the value. */
type Compiled = ($: unknown) => unknown;

/** An acorn node, read generically. */
type AnyNode = Node & Record<string, any>;

/** What a `?.` that met null or undefined gives up to its ChainExpression (which makes it undefined). */
const OPTIONAL_END: unique symbol = Symbol('optional chain ended');

const GLOBALS: Readonly<Record<string, unknown>> = { undefined, NaN: Number.NaN, Infinity: Number.POSITIVE_INFINITY };

/** JavaScript's binary operators on values (no `in`, no `instanceof`); the JsonPath filters use them too (filter-eval.ts). */
export const BINARY: Readonly<Record<string, (l: any, r: any) => unknown>> = {
  '==': (l, r) => l == r,
  '!=': (l, r) => l != r,
  '===': (l, r) => l === r,
  '!==': (l, r) => l !== r,
  '<': (l, r) => l < r,
  '<=': (l, r) => l <= r,
  '>': (l, r) => l > r,
  '>=': (l, r) => l >= r,
  '+': (l, r) => l + r,
  '-': (l, r) => l - r,
  '*': (l, r) => l * r,
  '/': (l, r) => l / r,
  '%': (l, r) => l % r,
  '**': (l, r) => l ** r,
  '&': (l, r) => l & r,
  '|': (l, r) => l | r,
  '^': (l, r) => l ^ r,
  '<<': (l, r) => l << r,
  '>>': (l, r) => l >> r,
  '>>>': (l, r) => l >>> r,
};

/** JavaScript's unary operators on values (no `delete`, no `void`); the JsonPath filters use them too. */
export const UNARY: Readonly<Record<string, (v: any) => unknown>> = {
  '!': (v) => !v,
  '-': (v) => -v,
  '+': (v) => +v,
  '~': (v) => ~v,
  typeof: (v) => typeof v,
};

/** Keys the worker's lists have besides Array.prototype's: the Java List reads `get(i)` and `size()`. */
const JAVA_LIST_KEYS: ReadonlySet<string> = new Set(['get', 'size']);

/**
 * `value[key]` as the script's engine gives it, when that is plain data: an own property of an
 * object or array (an array's `length` included), a character or the length of a string, or
 * undefined for a key the value neither has nor inherits. Anything else goes to the worker.
 */
function member(value: unknown, key: unknown): unknown {
  if (typeof key === 'number') key = String(key); // as the engine turns a number into a property key
  if (typeof key !== 'string') throw new ToWorker();
  if (typeof value === 'string') {
    if (key === 'length') return value.length;
    if (/^(0|[1-9]\d*)$/.test(key)) return value[Number(key)];
    throw new ToWorker();
  }
  if (typeof value !== 'object' || value === null) throw new ToWorker();
  if (Object.hasOwn(value, key)) return (value as Record<string, unknown>)[key];
  // Inherited (toString, constructor, __proto__, map, size ...): the worker's realm answers.
  if (key in value || (Array.isArray(value) && JAVA_LIST_KEYS.has(key))) throw new ToWorker();
  return undefined;
}

/** Compiles `node`; undefined when the expression holds anything the walker does not take. */
function compile(node: AnyNode, depth: number): Compiled | undefined {
  if (depth > MAX_DEPTH) return undefined;
  const sub = (child: AnyNode): Compiled | undefined => compile(child, depth + 1);
  switch (node.type) {
    case 'Literal': {
      if (node.regex !== undefined || node.bigint !== undefined) return undefined;
      const value = node.value as unknown;
      return () => value;
    }
    case 'Identifier': {
      const name = node.name as string;
      if (name === '$') return ($) => $;
      if (!Object.hasOwn(GLOBALS, name)) return undefined;
      const value = GLOBALS[name];
      return () => value;
    }
    case 'MemberExpression': {
      const object = sub(node.object);
      const key: Compiled | undefined = node.computed ? sub(node.property) : node.property.type === 'Identifier' ? () => node.property.name : undefined;
      if (object === undefined || key === undefined) return undefined;
      if (node.optional === true) {
        return ($) => {
          const o = object($);
          return o === null || o === undefined ? OPTIONAL_END : member(o, key($));
        };
      }
      return ($) => {
        const o = object($);
        return o === OPTIONAL_END ? o : member(o, key($));
      };
    }
    case 'ChainExpression': {
      const inner = sub(node.expression);
      if (inner === undefined) return undefined;
      return ($) => {
        const v = inner($);
        return v === OPTIONAL_END ? undefined : v;
      };
    }
    case 'UnaryExpression': {
      const op = UNARY[node.operator as string];
      const argument = sub(node.argument);
      if (op === undefined || argument === undefined) return undefined;
      return ($) => op(argument($));
    }
    case 'BinaryExpression': {
      const op = BINARY[node.operator as string];
      const left = sub(node.left);
      const right = sub(node.right);
      if (op === undefined || left === undefined || right === undefined) return undefined;
      return ($) => op(left($), right($));
    }
    case 'LogicalExpression': {
      const left = sub(node.left);
      const right = sub(node.right);
      if (left === undefined || right === undefined) return undefined;
      if (node.operator === '&&') return ($) => left($) && right($);
      if (node.operator === '||') return ($) => left($) || right($);
      return ($) => left($) ?? right($);
    }
    case 'ConditionalExpression': {
      const test = sub(node.test);
      const consequent = sub(node.consequent);
      const alternate = sub(node.alternate);
      if (test === undefined || consequent === undefined || alternate === undefined) return undefined;
      return ($) => (test($) ? consequent($) : alternate($));
    }
    case 'TemplateLiteral': {
      const quasis = (node.quasis as AnyNode[]).map((q) => q.value.cooked as string | null);
      const expressions = (node.expressions as AnyNode[]).map(sub);
      if (quasis.some((q) => q === null) || expressions.some((e) => e === undefined)) return undefined;
      const parts = expressions as Compiled[];
      return ($) => {
        let text = quasis[0] as string;
        // A template turns each value to a string with String(): for JSON data that runs no script code.
        for (let i = 0; i < parts.length; i++) text += String((parts[i] as Compiled)($)) + (quasis[i + 1] as string);
        return text;
      };
    }
    case 'ArrayExpression': {
      const elements = (node.elements as (AnyNode | null)[]).map((e) => (e === null || e.type === 'SpreadElement' ? undefined : sub(e)));
      if (elements.some((e) => e === undefined)) return undefined;
      return ($) => (elements as Compiled[]).map((e) => e($));
    }
    case 'ObjectExpression': {
      const entries: (readonly [string, Compiled])[] = [];
      for (const p of node.properties as AnyNode[]) {
        if (p.type !== 'Property' || p.kind !== 'init' || p.method || p.computed) return undefined;
        const key = p.key.type === 'Identifier' ? (p.key.name as string) : p.key.type === 'Literal' && typeof p.key.value === 'string' ? p.key.value : undefined;
        const value = sub(p.value);
        // `__proto__: x` in a literal sets the prototype; it stays with the worker.
        if (key === undefined || key === '__proto__' || value === undefined) return undefined;
        entries.push([key, value]);
      }
      return ($) => {
        const result: Record<string, unknown> = {};
        for (const [key, value] of entries) result[key] = value($);
        return result;
      };
    }
    default:
      return undefined;
  }
}

const cache = new Map<string, Compiled | null>();

/** The compiled form of `source`, or null when it is not one expression the walker takes. */
function compiled(source: string): Compiled | null {
  let entry = cache.get(source);
  if (entry !== undefined) return entry;
  entry = null;
  try {
    const program = parse(source, { ecmaVersion: 'latest', sourceType: 'script' }) as AnyNode;
    const body = program.body as AnyNode[];
    if (body.length === 1 && body[0]?.type === 'ExpressionStatement') entry = compile(body[0].expression, 0) ?? null;
  } catch {
    // A syntax error: the worker words it as the server does.
  }
  if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value as string);
  cache.set(source, entry);
  return entry;
}

/** What {@link evaluateInProcess} gives when the script must go to the script worker. */
export const NOT_IN_PROCESS: unique symbol = Symbol('not evaluated in process');

/**
 * Evaluates `source` with `$` = `input` (JSON data: what came out of `JSON.parse`) when it is one
 * expression the walker takes and stays within plain data; gives the value (undefined as
 * undefined), or {@link NOT_IN_PROCESS} when the script worker must evaluate it. Never throws.
 */
export function evaluateInProcess(source: string, input: unknown): unknown {
  const expression = compiled(source);
  if (expression === null) return NOT_IN_PROCESS;
  try {
    const value = expression(input);
    return value === OPTIONAL_END ? undefined : value;
  } catch {
    // ToWorker, or an engine error (e.g. BigInt mixing): the worker gives the server's wording.
    return NOT_IN_PROCESS;
  }
}
