/**
 * The `$.name.field` reads of a Conductor script (SWITCH and DECISION expressions, DO_WHILE loop
 * conditions, INLINE code), found in its syntax tree with acorn (parsed as script-syntax.ts
 * parses it, as GraalJS would), so that the data-flow rules can check each read against what `$`
 * holds there.
 */
import { parse } from 'acorn';

/** One read of `$`: the names and indexes it follows, as far as they are written out. */
export interface ScriptRead {
  /** `$.check.ok` → `['check', 'ok']`; `$['a b'][0]` → `['a b', 0]`. */
  readonly steps: readonly (string | number)[];
  /** For each step, whether it is read with `?.` (so an undefined holder gives undefined, not a TypeError). */
  readonly optional: readonly boolean[];
  /** Whether the value of the last step is used as an object (`$.a.b[x]`, `$.list.get(0)`), which throws when it is undefined. */
  readonly dereferenced: boolean;
  /** The read as written, for messages, e.g. `$.check.ok`. */
  readonly text: string;
}

/** An acorn node, walked generically. */
interface AstNode {
  readonly type: string;
  readonly start: number;
  readonly end: number;
  readonly [key: string]: unknown;
}

const isNode = (value: unknown): value is AstNode => typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';

function children(node: AstNode): AstNode[] {
  const out: AstNode[] = [];
  for (const [key, value] of Object.entries(node)) {
    if (key === 'type' || key === 'loc') continue;
    if (Array.isArray(value)) for (const item of value) if (isNode(item)) out.push(item);
    if (isNode(value)) out.push(value);
  }
  return out;
}

/** True when the script binds a name `$` of its own (a parameter or a declaration), so `$` is not always the input. */
function rebindsDollar(node: AstNode): boolean {
  const binds = (pattern: unknown): boolean => isNode(pattern) && pattern.type === 'Identifier' && pattern.name === '$';
  if (node.type === 'VariableDeclarator' && binds(node.id)) return true;
  if ((node.type === 'FunctionDeclaration' || node.type === 'FunctionExpression' || node.type === 'ArrowFunctionExpression') && Array.isArray(node.params) && node.params.some(binds)) return true;
  if (node.type === 'CatchClause' && binds(node.param)) return true;
  return children(node).some(rebindsDollar);
}

/** The static step of a member access (`.name`, `['name']`, `[0]`), or undefined when it is computed. */
function stepOf(member: AstNode): string | number | undefined {
  const property = member.property as AstNode;
  if (member.computed !== true) return property.type === 'Identifier' ? (property.name as string) : undefined;
  if (property.type !== 'Literal') return undefined;
  const value = property.value;
  return typeof value === 'string' ? value : typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : undefined;
}

/**
 * Every read of `$` in `source` with its written-out steps, outermost first; a method called on a
 * read (`$.list.get(0)`) is not a step. Undefined when the script does not parse or binds a `$` of
 * its own.
 * @example scriptReads('$.check.ok && $.loop?.iteration < 3') // → [{ steps: ['check', 'ok'], ... }, { steps: ['loop', 'iteration'], optional: [false, true], ... }]
 */
export function scriptReads(source: string): ScriptRead[] | undefined {
  let program: AstNode;
  try {
    program = parse(source, { ecmaVersion: 'latest', sourceType: 'script' }) as unknown as AstNode;
  } catch {
    return undefined;
  }
  if (rebindsDollar(program)) return undefined;
  const reads: ScriptRead[] = [];
  const visit = (node: AstNode, called: boolean): void => {
    if (node.type === 'MemberExpression') {
      const chain = memberChain(node);
      if (chain !== undefined) {
        // A called last step is a method of the value read (`.get`, `.indexOf`), not a field of it.
        const method = called && chain.steps.length === chain.members.length;
        const steps = method ? chain.steps.slice(0, -1) : chain.steps;
        const next = chain.members[steps.length];
        const dereferenced = method || (next !== undefined && next.optional !== true);
        if (steps.length > 0) reads.push({ steps, optional: chain.optional.slice(0, steps.length), dereferenced, text: source.slice(node.start, (chain.members[steps.length - 1] as AstNode).end) });
        for (const member of chain.members) if (member.computed === true) visit(member.property as AstNode, false);
        return;
      }
    }
    if (node.type === 'CallExpression') {
      visit(unwrap(node.callee as AstNode), true);
      for (const argument of node.arguments as AstNode[]) visit(argument, false);
      return;
    }
    for (const child of children(node)) visit(child, false);
  };
  visit(program, false);
  return reads;
}

function unwrap(node: AstNode): AstNode {
  return node.type === 'ChainExpression' ? unwrap(node.expression as AstNode) : node;
}

/** The member accesses from `$` out to `node`, innermost first, with their steps up to the first computed one. */
function memberChain(node: AstNode): { steps: (string | number)[]; optional: boolean[]; members: AstNode[] } | undefined {
  const members: AstNode[] = [];
  let current = node;
  while (current.type === 'MemberExpression') {
    members.unshift(current);
    current = unwrap(current.object as AstNode);
  }
  if (current.type !== 'Identifier' || current.name !== '$') return undefined;
  const steps: (string | number)[] = [];
  const optional: boolean[] = [];
  for (const member of members) {
    const step = stepOf(member);
    if (step === undefined) break;
    steps.push(step);
    optional.push(member.optional === true);
  }
  return { steps, optional, members };
}
