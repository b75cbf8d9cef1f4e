import { createContext, Script, type Context } from 'node:vm';
import { ScriptWorker } from './script-worker.ts';

/**
 * Thrown when a script fails or times out, worded as conductor-oss 3.32.3's `ScriptEvaluator`
 * words it: ``Error evaluating the script `TypeError: ...` at line 1`` (the engine's message
 * translated to GraalJS's wording where they differ), or `Script not evaluated within N seconds,
 * interrupted.`
 */
export class ScriptError extends Error {
  override readonly name = 'ScriptError';
  /** A script that ran too long: the server fails such a task without TERMINAL (it may be retried). */
  readonly timedOut: boolean;

  constructor(message: string, timedOut = false) {
    super(message);
    this.timedOut = timedOut;
  }
}

/** V8's wording of common errors, and GraalJS's (what the server says). */
const GRAAL_WORDING: readonly (readonly [RegExp, string])[] = [[/^Cannot read properties of (undefined|null) \(reading '(.*)'\)$/, "Cannot read property '$2' of $1"]];

/** Errors the engine raises (GraalJS gives them a source line; a value the script throws has none). */
const ENGINE_ERRORS: ReadonlySet<string> = new Set(['TypeError', 'ReferenceError', 'RangeError', 'SyntaxError']);

/** The server's sentence for a script that threw. */
function scriptFailure(name: string, text: string, line: number | null): string {
  const graal = GRAAL_WORDING.reduce((m, [pattern, replacement]) => m.replace(pattern, replacement), text);
  return `Error evaluating the script \`${name}: ${graal}\`${line === null || !ENGINE_ERRORS.has(name) ? '' : ` at line ${line}`}`;
}

function timedOut(ms: number): ScriptError {
  return new ScriptError(`Script not evaluated within ${ms / 1000} seconds, interrupted.`, true);
}

const SETUP = new Script('globalThis.$ = JSON.parse(globalThis.__input); delete globalThis.__input;');
const READ = new Script('globalThis.__output = JSON.stringify(globalThis.__result === undefined ? null : globalThis.__result);');
// Scripts written for the server's engine read lists as Java Lists too: `$.list.get(0)`, `.size()`.
const JAVA_LISTS = new Script(
  'Object.defineProperty(Array.prototype, "get", { value(i) { return this[i]; } });' +
    'Object.defineProperty(Array.prototype, "size", { value() { return this.length; } });',
);

/** One worker thread per process serves every sandbox: evaluations are synchronous and never overlap. */
const sharedWorker = new ScriptWorker();

/**
 * Evaluates the JavaScript of SWITCH, DO_WHILE, INLINE and LAMBDA tasks the way Conductor does
 * (`$` bound to the task's resolved inputs, the value of the last expression is the result), on a
 * worker thread in a `node:vm` context with a time limit. Data crosses as JSON text, so no object
 * of this process is reachable from the script, and code generation from strings is off inside
 * the context. Inputs too large for the worker's buffer are evaluated in process, under
 * `vm`'s own timeout.
 */
export class ScriptSandbox {
  private context: Context | undefined;
  private readonly scripts = new Map<string, Script>();

  /** @param timeoutMs time limit of one evaluation, ms (the server's ScriptEvaluator allows 4 s). @default 4000 */
  constructor(private readonly timeoutMs = 4000) {}

  /** Evaluates `source` with `$` = `input`; returns its JSON result (undefined becomes null). */
  evaluate(source: string, input: unknown): unknown {
    const inputJson = JSON.stringify(input ?? null);
    const answer = sharedWorker.evaluate(source, inputJson, this.timeoutMs);
    if (answer.ok === true) return JSON.parse(answer.json) as unknown;
    if (answer.ok === false) {
      const { name, message, line } = JSON.parse(answer.error) as { name: string; message: string; line: number | null };
      throw new ScriptError(scriptFailure(name, message, line));
    }
    if (answer.ok === 'timeout') throw timedOut(this.timeoutMs);
    return this.inProcess(source, inputJson);
  }

  private inProcess(source: string, inputJson: string): unknown {
    if (this.context === undefined) {
      this.context = createContext(Object.create(null), { codeGeneration: { strings: false, wasm: false } });
      JAVA_LISTS.runInContext(this.context);
    }
    let script = this.scripts.get(source);
    const ctx = this.context as Record<string, unknown>;
    try {
      script ??= new Script(source, { filename: 'script' });
      this.scripts.set(source, script);
      ctx['__input'] = inputJson;
      SETUP.runInContext(this.context);
      ctx['__result'] = script.runInContext(this.context, { timeout: this.timeoutMs });
      READ.runInContext(this.context, { timeout: this.timeoutMs });
      return JSON.parse(ctx['__output'] as string) as unknown;
    } catch (e) {
      const error = e as Error;
      if (/timed out/i.test(error.message ?? '')) throw timedOut(this.timeoutMs);
      const line = /\bscript:(\d+)/.exec(String(error.stack))?.[1];
      throw new ScriptError(scriptFailure(error.name ?? 'Error', error.message ?? String(e), line === undefined ? null : Number(line)));
    } finally {
      ctx['__result'] = undefined;
    }
  }
}
