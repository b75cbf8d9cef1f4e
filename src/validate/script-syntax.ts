/**
 * JavaScript syntax checks for the scripts Conductor evaluates (SWITCH and DECISION expressions,
 * DO_WHILE loop conditions, INLINE expressions), with acorn: conductor-oss 3.32.3 parses them
 * with GraalJS (`ScriptEvaluator.validateScriptSyntax`: the text as a classic script, not a
 * module, latest ECMAScript), and acorn with `ecmaVersion: 'latest'` and `sourceType: 'script'`
 * agrees with it on every case tried against the server (top-level `return`, `await`, `yield`,
 * `import`/`export`, `new.target` and `super` refused; optional chaining, `??`, BigInt, class
 * fields, regex flag `v` and HTML comments accepted). acorn is pinned in package.json: it is the
 * parser most tools build on, maintained, and has no dependencies.
 */
import { parse } from 'acorn';

/** Where and why a script does not parse. */
export interface ScriptSyntaxError {
  /** acorn's message, e.g. `Unexpected token (1:12)`. */
  readonly message: string;
  /** 1-based line of the error. */
  readonly line: number;
  /** 1-based column of the error. */
  readonly column: number;
}

/**
 * Parses `source` as GraalJS parses a Conductor script; returns the syntax error, or undefined
 * when it parses. An empty script parses (the server accepts it). Never throws.
 * @example scriptSyntaxError('if ($.x > 1 {') // → { message: 'Unexpected token (1:12)', line: 1, column: 13 }
 */
export function scriptSyntaxError(source: string): ScriptSyntaxError | undefined {
  try {
    parse(source, { ecmaVersion: 'latest', sourceType: 'script' });
    return undefined;
  } catch (error) {
    const { message, loc } = error as { message: string; loc?: { line: number; column: number } };
    return { message, line: loc?.line ?? 1, column: (loc?.column ?? 0) + 1 };
  }
}
