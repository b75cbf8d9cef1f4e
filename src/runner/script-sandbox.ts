import { createContext, Script, type Context } from 'node:vm';

/** Thrown when a script fails, times out, or returns something that is not JSON. */
export class ScriptError extends Error {
  override readonly name = 'ScriptError';
}

const SETUP = new Script('globalThis.$ = JSON.parse(globalThis.__input); delete globalThis.__input;');
// Scripts written for the server's engine read lists as Java Lists too: `$.list.get(0)`, `.size()`.
const JAVA_LISTS = new Script(
  'Object.defineProperty(Array.prototype, "get", { value(i) { return this[i]; } });' +
    'Object.defineProperty(Array.prototype, "size", { value() { return this.length; } });',
);
const READ = new Script('globalThis.__output = JSON.stringify(globalThis.__result === undefined ? null : globalThis.__result);');

/**
 * Evaluates the JavaScript of SWITCH, DO_WHILE, INLINE and LAMBDA tasks the way Conductor does
 * (`$` bound to the task's resolved inputs, the value of the last expression is the result), in a
 * `node:vm` context with a time limit. Data crosses as JSON text, so no object of this process is
 * reachable from the script, and code generation from strings is off inside the context.
 */
export class ScriptSandbox {
  private readonly context: Context = createContext(Object.create(null), { codeGeneration: { strings: false, wasm: false } });
  private prepared = false;
  private readonly scripts = new Map<string, Script>();

  /** @param timeoutMs time limit of one evaluation. @default 1000 */
  constructor(private readonly timeoutMs = 1000) {}

  /** Evaluates `source` with `$` = `input`; returns its JSON result (undefined becomes null). */
  evaluate(source: string, input: unknown): unknown {
    let script = this.scripts.get(source);
    if (script === undefined) {
      try {
        script = new Script(source);
      } catch (e) {
        throw new ScriptError(`script does not parse: ${(e as Error).message}`);
      }
      this.scripts.set(source, script);
    }
    const ctx = this.context as Record<string, unknown>;
    if (!this.prepared) {
      JAVA_LISTS.runInContext(this.context);
      this.prepared = true;
    }
    try {
      ctx['__input'] = JSON.stringify(input ?? null);
      // Only code a user wrote gets the time limit: each limited call costs a watchdog (~0.1 ms).
      SETUP.runInContext(this.context);
      const result: unknown = script.runInContext(this.context, { timeout: this.timeoutMs });
      if (result === undefined || result === null) return null;
      if (typeof result === 'string' || typeof result === 'number' || typeof result === 'boolean') return result;
      // An object may carry getters or toJSON written by the script: serialise it under the limit too.
      ctx['__result'] = result;
      READ.runInContext(this.context, { timeout: this.timeoutMs });
      return JSON.parse(ctx['__output'] as string) as unknown;
    } catch (e) {
      const message = (e as Error).message ?? String(e);
      throw new ScriptError(/timed out/i.test(message) ? `script timed out after ${this.timeoutMs} ms` : `script failed: ${message}`);
    } finally {
      ctx['__result'] = undefined;
    }
  }
}
