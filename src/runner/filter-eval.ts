/**
 * The evaluator jsonpath-plus is given for JsonPath filters (`[?(...)]`) instead of its own
 * "safe" one, which has been escaped again and again (10.4.0 still runs
 * `@.getPrototypeOf(@).constructor('...')()` in this process). Paths come from definitions and,
 * through `${a.${b}}`, from run data, so a filter may only read the document: own properties,
 * literals, `!`, `-`, `+`, `~`, `typeof`, comparisons, arithmetic, `&&`, `||`, `??`, `?:` and
 * array literals. Anything else (a call, an assignment, `new`, a function, a template, `;`,
 * `in`) is refused when the filter is compiled, and the whole path reads as null, as it did
 * when jsonpath-plus could not parse a filter. A filter that reads past a missing property
 * throws while it runs, and jsonpath-plus (`ignoreEvalErrors`) drops that item.
 */
import { parseExpressionAt, type Node } from 'acorn';
import { BINARY, UNARY } from './script-expression.ts';

type Context = Readonly<Record<string, unknown>>;
type Compiled = (context: Context) => unknown;
type Fields = Record<string, unknown>;

/**
 * One filter as jsonpath-plus hands it over (`@` already written `_$_v`, `@root` `_$_root`,
 * ...): compiled when constructed (throws on anything but reading the document), run against
 * the names jsonpath-plus passes in. jsonpath-plus caches one per filter text.
 * @example new FilterScript("_$_v.kind == 'a'").runInNewContext({ _$_v: { kind: 'a' } }) // true
 */
export class FilterScript {
  private readonly run: Compiled;

  /** jsonpath-plus keys its filter cache with the evaluator's text: this one's name, not its source. */
  static toString(): string {
    return 'FilterScript';
  }

  constructor(script: string) {
    const ast = parseExpressionAt(script, 0, { ecmaVersion: 'latest' });
    if (script.slice(ast.end).trim() !== '') throw new SyntaxError(`A filter is one expression: ${script}`);
    this.run = compile(ast);
  }

  /** The filter's value for one item; throws when it reads a property of null or undefined. */
  runInNewContext(context: object): unknown {
    return this.run(context as Context);
  }
}

function compile(node: Node): Compiled {
  const n = node as unknown as Fields;
  const operator = n['operator'] as string | undefined;
  const part = (key: string): Compiled => compile(n[key] as Node);
  switch (node.type) {
    case 'Literal': {
      const value = n['value'];
      return () => value;
    }
    case 'Identifier':
      return identifier(n['name'] as string);
    case 'MemberExpression':
      return member(n);
    case 'UnaryExpression': {
      const apply = operator !== undefined && Object.hasOwn(UNARY, operator) ? UNARY[operator]! : undefined;
      if (apply === undefined) break;
      const argument = part('argument');
      return (context) => apply(argument(context));
    }
    case 'BinaryExpression': {
      const apply = operator !== undefined && Object.hasOwn(BINARY, operator) ? BINARY[operator]! : undefined;
      if (apply === undefined) break;
      const [left, right] = [part('left'), part('right')];
      return (context) => apply(left(context), right(context));
    }
    case 'LogicalExpression': {
      const [left, right] = [part('left'), part('right')];
      if (operator === '&&') return (context) => left(context) && right(context);
      if (operator === '||') return (context) => left(context) || right(context);
      return (context) => left(context) ?? right(context);
    }
    case 'ConditionalExpression': {
      const [test, consequent, alternate] = [part('test'), part('consequent'), part('alternate')];
      return (context) => (test(context) ? consequent(context) : alternate(context));
    }
    case 'ArrayExpression': {
      const elements = (n['elements'] as (Node | null)[]).map((element) => {
        if (element === null || element.type === 'SpreadElement') throw new SyntaxError('A filter array holds values only.');
        return compile(element);
      });
      return (context) => elements.map((element) => element(context));
    }
  }
  throw new SyntaxError(`A filter only reads the document; ${node.type}${operator === undefined ? '' : ` ${operator}`} is not allowed in it.`);
}

function identifier(name: string): Compiled {
  if (name === 'undefined') return () => undefined;
  return (context) => {
    if (Object.hasOwn(context, name)) return context[name];
    throw new ReferenceError(`${name} is not defined`);
  };
}

/** `a.b`, `a['b']` or `a[0]`: own properties only, as Jayway reads a map or a list. */
function member(n: Fields): Compiled {
  const property = n['property'] as Node & { name?: string; value?: unknown };
  if (n['optional'] === true) throw new SyntaxError('A filter reads a.b, not a?.b.');
  if (n['computed'] === true && property.type !== 'Literal') throw new SyntaxError("A filter reads a[0] or a['b'], not a computed property.");
  const key = String(n['computed'] === true ? property.value : property.name);
  const object = compile(n['object'] as Node);
  return (context) => {
    const value = object(context);
    if (value === undefined || value === null) throw new TypeError(`Cannot read properties of ${String(value)} (reading '${key}')`);
    return Object.hasOwn(value, key) ? (value as Fields)[key] : undefined;
  };
}
