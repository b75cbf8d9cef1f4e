/**
 * Whether Jayway JsonPath 2.9.0 (the version in the conductor-oss 3.32.3 server) compiles a path,
 * as `ConstraintParamUtil.isValidPath` asks at registration (`JsonPath.compile`). Written from the
 * grammar `PathCompiler` and `FilterCompiler` accept, including their quirks: a path is read as
 * `$.` + path unless it starts with `$` or `@`, a token ends the path when one character is left
 * (`a[0]x` compiles), and a filter's operands are compiled when the path is (numbers, regular
 * expressions, nested paths). Known difference: regular expressions in filters are checked with
 * JavaScript's syntax, not Java's.
 */

/** A path Jayway refuses, and why (Jayway's words where it has them). */
class InvalidPath extends Error {}

const fail = (message: string): never => {
  throw new InvalidPath(message);
};

/**
 * Why Jayway cannot compile `path` (as written between `${` and `}`), or undefined when it can.
 * @example jsonPathProblem('workflow.input.ids[0') // → 'Could not parse token starting at position 20...'
 */
export function jsonPathProblem(path: string): string | undefined {
  if (problems.has(path)) return problems.get(path);
  let problem: string | undefined;
  try {
    compilePath(path);
  } catch (error) {
    problem = error instanceof InvalidPath ? error.message : 'the path cannot be read';
  }
  if (problems.size >= 10_000) problems.clear();
  problems.set(path, problem);
  return problem;
}

/** The same paths come back in every task and workflow: each is compiled once (up to a bound). */
const problems = new Map<string, string | undefined>();

/** Jayway's CharacterIndex: a cursor whose reads past the end throw, as Java's `charAt` does. */
class Cursor {
  position = 0;
  constructor(readonly text: string) {}

  at(index: number): string {
    if (index < 0 || index >= this.text.length) fail(`index ${index} is out of bounds`);
    return this.text[index] as string;
  }
  get current(): string {
    return this.at(this.position);
  }
  inBounds(index = this.position): boolean {
    return index >= 0 && index < this.text.length;
  }
  /** True when at most the current character is left. */
  get atTail(): boolean {
    return !this.inBounds(this.position + 1);
  }
  /** Index of the first non-space after `from`, when it is `char`; else -1 (reading past the end throws). */
  nextSignificantIndex(char: string, from = this.position): number {
    let at = from + 1;
    while (this.inBounds(at) && this.text[at] === ' ') at++;
    return this.at(at) === char ? at : -1;
  }
  /** The first non-space after `from`, or a space at the end. */
  nextSignificant(from = this.position): string {
    let at = from + 1;
    while (this.inBounds(at) && this.text[at] === ' ') at++;
    return this.inBounds(at) ? (this.text[at] as string) : ' ';
  }
  nextSignificantIs(char: string, from = this.position): boolean {
    return this.nextSignificant(from) === char;
  }
  previousSignificantIndex(from = this.position): number {
    let at = from - 1;
    while (this.inBounds(at) && this.text[at] === ' ') at--;
    return this.inBounds(at) ? at : -1;
  }
  indexOf(char: string, from: number): number {
    return this.text.indexOf(char, from);
  }
  /** Next `char` not preceded by a single backslash. */
  indexOfUnescaped(char: string, from = this.position + 1): number {
    for (let at = from; this.inBounds(at); at++) {
      const escaped = this.text[at - 1] === '\\' && this.text[at - 2] !== '\\';
      if (this.text[at] === char && !escaped) return at;
    }
    return -1;
  }
  /** Index of the `close` matching the `open` at `start`, skipping '...' strings and, when asked, /.../ patterns. */
  matchingClose(start: number, open: string, close: string, skipRegex: boolean): number {
    if (this.at(start) !== open) fail(`expected ${open}`);
    let depth = 1;
    let at = start + 1;
    while (this.inBounds(at)) {
      if (this.at(at) === "'") {
        let escaped = false;
        while (this.inBounds(at)) {
          at++;
          if (escaped) escaped = false;
          else if (this.at(at) === '\\') escaped = true;
          else if (this.at(at) === "'") {
            at++;
            break;
          }
        }
      }
      if (skipRegex && this.at(at) === '/') {
        while (this.inBounds(at)) {
          at++;
          if (this.at(at) === '/') {
            at++;
            break;
          }
        }
      }
      if (this.at(at) === open) depth++;
      if (this.at(at) === close && --depth === 0) return at;
      at++;
    }
    return -1;
  }
}

const isDigit = (c: string): boolean => c >= '0' && c <= '9';
const isBlank = (c: string): boolean => c === ' ' || c === '\t' || c === '\n' || c === '\r';

/** `JsonPath.compile`: the root, then tokens until the path ends. */
function compilePath(given: string): void {
  let text = trimSpaces(given);
  if (text === '') fail('Path may not be null empty');
  if (text[0] !== '$' && text[0] !== '@') text = trimSpaces(`$.${given}`);
  if (text.endsWith('.')) fail("Path must not end with a '.' or '..'");
  readRoot(new Cursor(text));
}

function trimSpaces(text: string): string {
  return text.replace(/^ +| +$/g, '');
}

function readRoot(path: Cursor): void {
  while (path.inBounds() && isBlank(path.current)) path.position++;
  if (path.current !== '$' && path.current !== '@') fail("Path must start with '$' or '@'");
  if (path.atTail) return;
  path.position++;
  if (path.current !== '.' && path.current !== '[') fail(`Illegal character at position ${path.position} expected '.' or '['`);
  readToken(path);
}

/** Reads one token and what follows it; a token that ends one character before the end ends the path. */
function readToken(path: Cursor): void {
  const c = path.current;
  let read: boolean;
  if (c === '[') read = readBracketProperty(path) || readArray(path) || readWildcard(path) || readFilter(path) || readPlaceholder(path);
  else if (c === '.') read = readDot(path);
  else if (c === '*') read = readWildcard(path);
  else read = readPropertyOrFunction(path);
  if (!read) fail(`Could not parse token starting at position ${path.position}`);
}

/** After a token: done when at most one character is left, else the next token. */
function next(path: Cursor): true {
  if (!path.atTail) readToken(path);
  return true;
}

function readDot(path: Cursor): boolean {
  if (path.current === '.' && path.text[path.position + 1] === '.') path.position += 2;
  else if (!path.inBounds(path.position + 1)) fail("Path must not end with a '.");
  else path.position++;
  if (path.current === '.') fail(`Character '.' on position ${path.position} is not valid.`);
  readToken(path);
  return true;
}

function readPropertyOrFunction(path: Cursor): boolean {
  if ('[*. '.includes(path.current)) return false;
  const start = path.position;
  let at = start;
  let end = 0;
  let isFunction = false;
  for (; path.inBounds(at); at++) {
    const c = path.text[at];
    if (c === ' ') fail(`Use bracket notion ['my prop'] if your property contains blank characters. position: ${path.position}`);
    if (c === '.' || c === '[') {
      end = at;
      break;
    }
    if (c === '(') {
      isFunction = true;
      end = at;
      break;
    }
  }
  if (end === 0) end = path.text.length;
  if (!isFunction) {
    path.position = end;
    return path.atTail || next(path);
  }
  let depth = 1;
  for (let i = at + 1; i < path.text.length && depth > 0; i++) {
    if (path.text[i] === ')') depth--;
    else if (path.text[i] === '(') depth++;
  }
  if (depth !== 0) fail(`Arguments to function: '${path.text.slice(start, end)}' are not closed properly.`);
  if (path.inBounds(at + 1)) {
    if (path.text[at + 1] !== ')') {
      path.position = end + 1;
      readFunctionParameters(path, path.text.slice(start, end));
    } else path.position = at + 1;
  } else path.position = at;
  return path.atTail || next(path);
}

/** A function's parameters: JSON values (read when called) or paths (compiled now). */
function readFunctionParameters(path: Cursor, name: string): void {
  let type: 'json' | 'path' | undefined;
  let parens = 1;
  let brackets = 0;
  let braces = 0;
  let quotes = 0;
  let done = false;
  let prior = '';
  let parameter = '';
  while (path.inBounds() && !done) {
    const c = path.current;
    path.position++;
    if (type === undefined) {
      if (isBlank(c)) continue;
      if (c === '{' || isDigit(c) || c === '"' || c === '-') type = 'json';
      else if (c === '$' || c === '@') type = 'path';
    }
    let skipAppend = false;
    switch (c) {
      case '"':
        if (prior !== '\\' && quotes > 0) quotes--;
        else quotes++;
        break;
      case '(':
        parens++;
        break;
      case '{':
        braces++;
        break;
      case '[':
        brackets++;
        break;
      case '}':
        if (braces === 0) fail(`Unexpected close brace '}' at character position: ${path.position}`);
        braces--;
        break;
      case ']':
        if (brackets === 0) fail(`Unexpected close bracket ']' at character position: ${path.position}`);
        brackets--;
        break;
      case ')':
      case ',':
        if (c === ')') {
          parens--;
          if (parens < 0 || prior === '(') parameter += c;
        }
        if (quotes === 0 && braces === 0 && brackets === 0 && ((parens === 0 && c === ')') || parens === 1)) {
          done = parens === 0;
          if (type === 'path') compilePathFrom(parameter);
          if (type !== undefined) {
            parameter = '';
            type = undefined;
          }
        }
        break;
      case '\\':
        if (quotes === 1 && path.inBounds() && (path.current === ',' || path.current === '"')) {
          parameter += path.current;
          path.position++;
          prior = '';
          skipAppend = true;
        }
        break;
    }
    if (skipAppend) continue;
    if (type !== undefined && !(c === ',' && braces === 0 && brackets === 0 && parens === 1)) parameter += c;
    prior = c;
  }
  if (braces !== 0 || parens !== 0 || brackets !== 0) fail(`Arguments to function: '${name}' are not closed properly.`);
}

/** A path inside a function or filter: compiled as it stands (it starts with `$` or `@`). */
function compilePathFrom(text: string): void {
  readRoot(new Cursor(text));
}

/** `[?]` placeholders need predicates passed to compile; the server passes none. */
function readPlaceholder(path: Cursor): boolean {
  const question = path.nextSignificantIndex('?');
  if (question === -1) return false;
  const after = path.nextSignificant(question);
  if (after !== ']' && after !== ',') return false;
  if (path.indexOf(']', path.position + 1) === -1) return false;
  return fail(`Not enough predicates supplied for filter at position ${path.position}`);
}

function readFilter(path: Cursor): boolean {
  const open = path.position;
  const question = path.nextSignificantIndex('?');
  if (question === -1) return false;
  const paren = path.nextSignificantIndex('(', question);
  if (paren === -1) return false;
  const closeParen = path.matchingClose(paren, '(', ')', true);
  if (closeParen === -1 || !path.nextSignificantIs(']', closeParen)) return false;
  const close = path.nextSignificantIndex(']', closeParen);
  compileFilter(path.text.slice(open, close + 1));
  path.position = close + 1;
  return path.atTail || next(path);
}

function readWildcard(path: Cursor): boolean {
  const inBracket = path.current === '[';
  if (inBracket && !path.nextSignificantIs('*')) return false;
  if (path.current !== '*' && !path.inBounds(path.position + 1)) return false;
  if (inBracket) {
    const star = path.nextSignificantIndex('*');
    if (!path.nextSignificantIs(']', star)) fail(`Expected wildcard token to end with ']' on position ${star + 1}`);
    path.position = path.nextSignificantIndex(']', star) + 1;
  } else path.position++;
  return path.atTail || next(path);
}

function readArray(path: Cursor): boolean {
  const first = path.nextSignificant();
  if (!isDigit(first) && first !== '-' && first !== ':') return false;
  const begin = path.position + 1;
  const end = path.indexOf(']', begin);
  if (end === -1) return false;
  const expression = path.text.slice(begin, end).trim();
  if (expression === '*' || !/^[\d,\-: ]*$/.test(expression)) return false;
  if (expression.includes(':')) readSlice(expression);
  else for (const index of expression.split(',')) parseJavaInt(index.trim());
  path.position = end + 1;
  return path.atTail || next(path);
}

/** `ArraySliceOperation.parse`: `[from:]`, `[:to]` or `[from:to]`, each a Java int, no spaces. */
function readSlice(expression: string): void {
  if (!/^[\d:-]*$/.test(expression)) fail(`Failed to parse SliceOperation: ${expression}`);
  const parts = expression.split(':');
  // Java's split drops trailing empty strings.
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  const [from = '', to = ''] = parts;
  if (from === '' && to === '') fail(`Failed to parse SliceOperation: ${expression}`);
  if (from !== '') parseJavaInt(from);
  if (to !== '') parseJavaInt(to);
}

/** Java's `Integer.parseInt`. */
function parseJavaInt(text: string): void {
  const value = /^[-+]?\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!(value >= -(2 ** 31) && value < 2 ** 31)) fail(`For input string: "${text}"`);
}

function readBracketProperty(path: Cursor): boolean {
  const delimiter = path.nextSignificant();
  if (delimiter !== "'" && delimiter !== '"') return false;
  let at = path.position + 1;
  let end = 0;
  let inProperty = false;
  let escaped = false;
  let lastWasComma = false;
  for (; path.inBounds(at); at++) {
    const c = path.text[at];
    if (escaped) escaped = false;
    else if (c === '\\') escaped = true;
    else if (c === ']' && !inProperty) {
      if (lastWasComma) fail(`Found empty property at index ${at}`);
      break;
    } else if (c === delimiter) {
      if (inProperty) {
        const after = path.nextSignificant(at);
        if (after !== ']' && after !== ',') fail(`Property must be separated by comma or Property must be terminated close square bracket at index ${at}`);
        end = at;
        inProperty = false;
      } else {
        inProperty = true;
        lastWasComma = false;
      }
    } else if (c === ',' && !inProperty) {
      if (lastWasComma) fail(`Found empty property at index ${at}`);
      lastWasComma = true;
    }
  }
  if (inProperty) fail(`Property has not been closed - missing closing ${delimiter}`);
  const close = path.nextSignificantIndex(']', end);
  if (close === -1) fail('Property has not been closed - missing closing ]');
  path.position = close + 1;
  return path.atTail || next(path);
}

const RELATIONAL_OPERATORS = new Set(['>=', '<=', '==', '===', '!=', '!==', '<', '>', '=~', 'NIN', 'IN', 'CONTAINS', 'ALL', 'SIZE', 'EXISTS', 'TYPE', 'MATCHES', 'EMPTY', 'SUBSETOF', 'ANYOF', 'NONEOF']);
const isRelationalChar = (c: string): boolean => '<>=~!'.includes(c) && c !== '';

/** `FilterCompiler.compile` on `[?(...)]`: operands, operators and brackets, built on stacks as Jayway builds them. */
function compileFilter(criteria: string): void {
  let text = criteria.trim().slice(1, -1).trim();
  if (!text.startsWith('?')) fail("Filter must start with '[?' and end with ']'.");
  text = text.slice(1).trim();
  if (!text.startsWith('(') || !text.endsWith(')')) fail("Filter must start with '[?(' and end with ')]'.");
  const filter = new Cursor(text);
  const skipBlanks = (): void => {
    while (filter.inBounds() && filter.current === ' ') filter.position++;
  };
  let expressions = 0;
  let operators = 0;
  let open = 0;
  const pop = (): void => {
    if (expressions === 0) fail('Failed to parse filter: an operand is missing');
    expressions--;
  };
  for (skipBlanks(); filter.inBounds(); skipBlanks()) {
    const start = filter.position;
    const c = filter.current;
    if (c === '(') {
      open++;
      filter.position++;
    } else if (c === ')') {
      open--;
      filter.position++;
      pop();
      if (operators > 0) {
        if (expressions === 0) fail('Expected expression on right hand side of operator');
        pop();
        operators--;
        while (operators > 0) {
          pop();
          operators--;
        }
      }
      expressions++;
    } else if (c === '!') {
      filter.position++;
    } else if (c === '|' || c === '&') {
      if (!filter.inBounds(filter.position + 1)) fail('Expected boolean literal');
      const operator = filter.text.slice(filter.position, filter.position + 2);
      if (operator !== '||' && operator !== '&&') fail('Expected logical operator');
      filter.position += 2;
      operators++;
    } else {
      readRelation(filter, skipBlanks);
      expressions++;
    }
    if (start >= filter.position) fail(`Failed to parse filter ${text}`);
  }
  if (open !== 0) fail(`Failed to parse filter. Brackets are not balanced. ${text}`);
  pop();
}

function readRelation(filter: Cursor, skipBlanks: () => void): void {
  const left = readOperand(filter, skipBlanks);
  const terminated = (c: string): boolean => c === ')' || c === '&' || c === '|';
  if (terminated(filter.current) || terminated(filter.nextSignificant())) {
    // An operand alone is an existence check, which only a path can be.
    if (left !== 'path') fail('Expected path node');
    return;
  }
  skipBlanks();
  const begin = filter.position;
  if (isRelationalChar(filter.current)) while (filter.inBounds() && isRelationalChar(filter.current)) filter.position++;
  else while (filter.inBounds() && filter.current !== ' ') filter.position++;
  const operator = filter.text.slice(begin, filter.position);
  if (!RELATIONAL_OPERATORS.has(operator.toUpperCase())) fail(`Filter operator ${operator} is not supported!`);
  readOperand(filter, skipBlanks);
}

/** Reads one operand of a filter; says whether it was a path or a literal. */
function readOperand(filter: Cursor, skipBlanks: () => void): 'path' | 'literal' {
  skipBlanks();
  const c = filter.current;
  if (c === '$' || c === '@') {
    readFilterPath(filter);
    return 'path';
  }
  const begin = filter.position;
  if (c === "'" || c === '"') {
    const close = filter.indexOfUnescaped(c);
    if (close === -1) fail(`String not closed. Expected ${c}`);
    filter.position = close + 1;
  } else if (c === 't' || c === 'f') {
    const word = c === 't' ? 'true' : 'false';
    if (!filter.inBounds(begin + word.length - 1)) fail('Expected boolean literal');
    if (filter.text.slice(begin, begin + word.length) !== word) fail('Expected boolean literal');
    filter.position += word.length;
  } else if (c === 'n') {
    if (!filter.inBounds(begin + 3) || filter.text.slice(begin, begin + 4) !== 'null') fail('Expected <null> value');
    filter.position += 4;
  } else if (c === '{' || c === '[') {
    const close = filter.matchingClose(begin, c, c === '[' ? ']' : '}', false);
    if (close === -1) fail(`String not closed. Expected ' in ${filter.text}`);
    filter.position = close + 1;
  } else if (c === '/') {
    let close = filter.indexOfUnescaped('/');
    if (close === -1) fail(`Pattern not closed. Expected / in ${filter.text}`);
    const flags = filter.text[close + 1] === 'i' ? 'i' : '';
    if (flags !== '') close++;
    const source = filter.text.slice(begin + 1, close - flags.length);
    try {
      new RegExp(source, flags);
    } catch {
      fail(`Invalid regular expression /${source}/`);
    }
    filter.position = close + 1;
  } else {
    while (filter.inBounds() && (isDigit(filter.current) || filter.current === '-' || filter.current === '.')) filter.position++;
    const number = filter.text.slice(begin, filter.position);
    // Java's BigDecimal: digits with an optional sign, one point and an exponent (never read here).
    if (!/^[-+]?(\d+\.?\d*|\.\d+)$/.test(number)) fail(`Invalid number literal "${number}"`);
  }
  return 'literal';
}

/** A path operand: read up to an operator, a space or a closing bracket, then compiled. */
function readFilterPath(filter: Cursor): void {
  const begin = filter.position;
  filter.position++;
  while (filter.inBounds()) {
    if (filter.current === '[') {
      const close = filter.indexOf(']', filter.position);
      if (close === -1) fail(`Square brackets does not match in filter ${filter.text}`);
      filter.position = close + 1;
    }
    const closingFunction = filter.inBounds() && filter.current === ')' && isClosingFunctionBracket(filter, begin);
    if (!filter.inBounds() || isRelationalChar(filter.current) || filter.current === ' ' || (filter.current === ')' && !closingFunction)) break;
    filter.position++;
  }
  compilePath(filter.text.slice(begin, filter.position));
}

function isClosingFunctionBracket(filter: Cursor, lowerBound: number): boolean {
  let at = filter.previousSignificantIndex();
  if (at === -1 || filter.text[at] !== '(') return false;
  for (at--; filter.inBounds(at) && at > lowerBound; at--) if (filter.text[at] === '.') return true;
  return false;
}
