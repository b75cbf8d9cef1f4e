import { nestingProblem } from '../json-depth.ts';
import { evaluateInProcess, NOT_IN_PROCESS } from './script-expression.ts';
import { MAX_RESULT_CHARS, ScriptWorker, type WorkerAnswer, type WorkerRequest } from './script-worker.ts';

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

/** One worker thread per process serves every sandbox: evaluations are synchronous and never overlap. */
const sharedWorker = new ScriptWorker();
let scopes = 0;

/**
 * Evaluates the JavaScript of SWITCH, DO_WHILE, INLINE and LAMBDA tasks the way Conductor does
 * (`$` bound to the task's resolved inputs, the value of the last expression is the result), and
 * the queries of JSON_JQ_TRANSFORM, on a worker thread with a time limit and a heap limit
 * (`SCRIPT_MEMORY_MB` of script-worker.ts). Each sandbox has a script context of its own (the engine makes one
 * per run), so what one run's scripts change in their globals never reaches another run. Data
 * crosses as JSON text, so no object of this process is reachable from the script, and code
 * generation from strings is off inside the context. One kind of script is answered without the
 * worker: a side-effect-free expression over `$` that script-expression.ts reads from its syntax
 * tree and walks without running any of its code (the common loop condition and SWITCH
 * expression), as long as no script of this sandbox has run on the worker (whose context such a
 * script may have changed, e.g. `Object.prototype.x = 1`). Its answer is the worker's.
 */
export class ScriptSandbox {
  private readonly scope = `sandbox-${++scopes}`;
  /** Whether a JavaScript script of this sandbox ran in its worker context: from then on, every one does. */
  private contextUsed = false;

  /** @param timeoutMs time limit of one evaluation, ms (the server's ScriptEvaluator allows 4 s). @default 4000 */
  constructor(private readonly timeoutMs = 4000) {}

  /**
   * Evaluates `source` with `$` = `input`; returns its JSON result (undefined becomes null).
   * @throws ScriptError worded as the server's, for a failure, a timeout, a result over {@link MAX_RESULT_CHARS}
   * or nested over 1000 levels deep.
   */
  evaluate(source: string, input: unknown): unknown {
    return this.ask('javascript', source, input);
  }

  /**
   * Runs the jq `query` over `input`; returns every result (jq-wasm, jq 1.8, on the worker).
   * @throws ScriptError with jq's message, or for a timeout or a result over {@link MAX_RESULT_CHARS}.
   */
  jq(query: string, input: unknown): unknown[] {
    return this.ask('jq', query, input) as unknown[];
  }

  /** The worker's answer, or the same answer computed in process when the script allows it. */
  private answer(kind: WorkerRequest['kind'], source: string, input: unknown): WorkerAnswer {
    const json = JSON.stringify(input ?? null);
    if (kind === 'javascript' && !this.contextUsed) {
      // The script sees what the worker's script would: the input as JSON data.
      const value = evaluateInProcess(source, JSON.parse(json));
      if (value !== NOT_IN_PROCESS) {
        const text = JSON.stringify(value === undefined ? null : value);
        return text.length > MAX_RESULT_CHARS ? { ok: 'too-big', chars: text.length } : { ok: true, json: text };
      }
      this.contextUsed = true;
    }
    return sharedWorker.evaluate({ kind, scope: this.scope, source, input: json }, this.timeoutMs);
  }

  private ask(kind: WorkerRequest['kind'], source: string, input: unknown): unknown {
    const answer = this.answer(kind, source, input);
    const what = kind === 'jq' ? 'jq query' : 'Script';
    if (answer.ok === true) {
      const result = JSON.parse(answer.json) as unknown;
      const tooDeep = nestingProblem(result);
      if (tooDeep !== undefined) throw new ScriptError(`${what} result refused: ${tooDeep}. Return a flatter value.`);
      return result;
    }
    if (answer.ok === false) {
      const { name, message, line } = JSON.parse(answer.error) as { name: string; message: string; line: number | null };
      throw new ScriptError(kind === 'jq' ? message : scriptFailure(name, message, line));
    }
    if (answer.ok === 'timeout') {
      // conductor-oss 3.32.3's ScriptEvaluator wording; a worker out of memory ends the same way.
      throw new ScriptError(`${what} not evaluated within ${this.timeoutMs / 1000} seconds, interrupted.`, true);
    }
    if (answer.ok === 'too-big') {
      throw new ScriptError(`${what} result is ${answer.chars} characters of JSON, over the ${MAX_RESULT_CHARS} the runner takes; return less.`);
    }
    throw new ScriptError(`${what} not evaluated: no script worker started within a minute (is the machine out of memory or threads?).`, true);
  }
}
