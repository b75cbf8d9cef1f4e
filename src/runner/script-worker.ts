import { createRequire } from 'node:module';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';

/** Control words of the shared buffer: request sequence, sequence of the request being evaluated, response sequence, ready. */
const REQUEST = 0;
const STARTED = 1;
const RESPONSE = 2;
const READY = 3;
const CONTROL_WORDS = 4;

/**
 * Heap a worker may use, MB: a script (or jq query) that needs more ends its worker, never this
 * process. V8's young generation is bounded apart. @default 256 old + 32 young
 */
export const SCRIPT_MEMORY_MB = { old: 256, young: 32 } as const;
/** Longest JSON text a script or jq result may be, in characters (16 Mi); a longer one fails its task. */
export const MAX_RESULT_CHARS = 16 * 1024 * 1024;
/** How long a worker may take to start (or to be scheduled) before an evaluation is begun, ms: load, not the script, decides it. */
const START_LIMIT_MS = 60_000;
/** Script contexts one worker keeps (one per run, the least recently used dropped first). */
const CONTEXTS = 32;

/**
 * The worker: loads jq, then waits on the shared buffer; takes each request from its message port
 * (`receiveMessageOnPort`, synchronously), marks it started, evaluates it, posts the answer and
 * marks it answered. JavaScript runs in the vm context of the request's scope (one per run, so one
 * run's `JSON.stringify = ...` never reaches another's); inputs cross as JSON text and are parsed
 * inside the context, so no object of the worker's realm is reachable. Runaway scripts are not
 * its concern: the main thread stops waiting, terminates it and starts another.
 */
const WORKER_SOURCE = `
const { workerData, receiveMessageOnPort } = require('node:worker_threads');
const vm = require('node:vm');
const ctl = new Int32Array(workerData.control);
const port = workerData.port;
const contexts = new Map();
const setup = new vm.Script('globalThis.$ = JSON.parse(globalThis.__input); delete globalThis.__input;');
const read = new vm.Script('JSON.stringify(globalThis.__result === undefined ? null : globalThis.__result)');
// Scripts written for the server's engine read lists as Java Lists too: \`$.list.get(0)\`, \`.size()\`.
const javaLists = new vm.Script('Object.defineProperty(Array.prototype, "get", { value(i) { return this[i]; } });' +
  'Object.defineProperty(Array.prototype, "size", { value() { return this.length; } });');
const scripts = new Map();
function contextOf(scope) {
  let context = contexts.get(scope);
  if (context !== undefined) { contexts.delete(scope); contexts.set(scope, context); return context; }
  context = vm.createContext(Object.create(null), { codeGeneration: { strings: false, wasm: false } });
  javaLists.runInContext(context);
  if (contexts.size >= ${CONTEXTS}) contexts.delete(contexts.keys().next().value);
  contexts.set(scope, context);
  return context;
}
function javascript(request) {
  const context = contextOf(request.scope);
  let script = scripts.get(request.source);
  if (script === undefined) {
    script = new vm.Script(request.source, { filename: 'script' });
    if (scripts.size > 1000) scripts.clear();
    scripts.set(request.source, script);
  }
  context.__input = request.input;
  setup.runInContext(context);
  try {
    context.__result = script.runInContext(context);
    return read.runInContext(context);
  } finally {
    context.__result = undefined;
  }
}
function answer(request, jq) {
  try {
    const text = request.kind === 'jq' ? JSON.stringify(jq.json(JSON.parse(request.input), request.source)) : javascript(request);
    if (typeof text === 'string' && text.length > ${MAX_RESULT_CHARS}) return { status: 'too-big', text: String(text.length) };
    return { status: 'ok', text };
  } catch (e) {
    const line = /\\bscript:(\\d+)/.exec(String(e && e.stack))?.[1];
    return { status: 'failed', text: JSON.stringify({ name: (e && e.name) || 'Error', message: String((e && e.message) || e), line: line === undefined ? null : Number(line) }) };
  }
}
require(workerData.jqPath).loadJq().then((jq) => {
  let seq = 0;
  Atomics.store(ctl, ${READY}, 1);
  Atomics.notify(ctl, ${READY});
  for (;;) {
    // Sleeps on the futex, never spins: on a busy machine a spinning thread takes the core the
    // thread it waits for needs.
    Atomics.wait(ctl, ${REQUEST}, seq);
    seq = Atomics.load(ctl, ${REQUEST});
    const request = receiveMessageOnPort(port).message;
    Atomics.store(ctl, ${STARTED}, seq);
    Atomics.notify(ctl, ${STARTED});
    port.postMessage(answer(request, jq));
    Atomics.store(ctl, ${RESPONSE}, seq);
    Atomics.notify(ctl, ${RESPONSE});
  }
});
`;

/** What a worker is asked: JavaScript (`$` bound to the input) or a jq query, in a run's scope. */
export interface WorkerRequest {
  readonly kind: 'javascript' | 'jq';
  /** Whose context the script runs in (one per run). */
  readonly scope: string;
  /** The script, or the jq query. */
  readonly source: string;
  /** The input, as JSON text. */
  readonly input: string;
}

/**
 * What one evaluation gave: the result as JSON text; a failure's `error` as JSON `{ name, message,
 * line }`; `timeout` when it ran past its limit or out of memory (the worker is replaced); the
 * length of a result over {@link MAX_RESULT_CHARS}; `no-start` when no worker could be started.
 */
export type WorkerAnswer =
  | { readonly ok: true; readonly json: string }
  | { readonly ok: false; readonly error: string }
  | { readonly ok: 'timeout' }
  | { readonly ok: 'too-big'; readonly chars: number }
  | { readonly ok: 'no-start' };

/** One worker thread and what talks to it; a new one (buffer and port too) replaces it after a timeout. */
interface Thread {
  readonly worker: Worker;
  readonly control: Int32Array;
  readonly port: MessagePort;
  seq: number;
}

const jqPath = createRequire(import.meta.url).resolve('jq-wasm');

/**
 * Evaluates scripts and jq queries on a worker thread, synchronously (the caller blocks on
 * `Atomics.wait`), with a time limit that costs nothing per call and a heap limit
 * ({@link SCRIPT_MEMORY_MB}): on a timeout, or when the worker ran out of memory, the worker is
 * terminated and the next evaluation starts another, with a buffer and port of its own (so a
 * late answer of the old one can never be taken for a new one). The limit counts from the moment
 * the worker begins the evaluation: the time a worker takes to start, or to be scheduled on a busy
 * machine, is not the script's.
 */
export class ScriptWorker {
  private thread: Thread | undefined;

  private ensure(): Thread {
    if (this.thread !== undefined) return this.thread;
    const control = new Int32Array(new SharedArrayBuffer(CONTROL_WORDS * 4));
    const { port1, port2 } = new MessageChannel();
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { control: control.buffer, port: port2, jqPath },
      transferList: [port2],
      resourceLimits: { maxOldGenerationSizeMb: SCRIPT_MEMORY_MB.old, maxYoungGenerationSizeMb: SCRIPT_MEMORY_MB.young },
    });
    // A worker out of memory reports ERR_WORKER_OUT_OF_MEMORY here; unheard, it would end this process.
    worker.on('error', () => undefined);
    worker.unref();
    port1.unref();
    this.thread = { worker, control, port: port1, seq: 0 };
    return this.thread;
  }

  private drop(thread: Thread): void {
    void thread.worker.terminate();
    thread.port.close();
    if (this.thread === thread) this.thread = undefined;
  }

  /** Evaluates one request; `timeoutMs` bounds the evaluation itself, from the moment the worker begins it. */
  evaluate(request: WorkerRequest, timeoutMs: number): WorkerAnswer {
    const thread = this.ensure();
    const { control } = thread;
    if (Atomics.wait(control, READY, 0, START_LIMIT_MS) === 'timed-out') {
      this.drop(thread);
      return { ok: 'no-start' };
    }
    thread.port.postMessage(request);
    const seq = ++thread.seq;
    Atomics.store(control, REQUEST, seq);
    Atomics.notify(control, REQUEST);
    // Waits on the futex without spinning (see the worker's loop).
    if (Atomics.load(control, RESPONSE) !== seq) {
      if (Atomics.wait(control, STARTED, seq - 1, START_LIMIT_MS) === 'timed-out') {
        this.drop(thread);
        return { ok: 'no-start' };
      }
      Atomics.wait(control, RESPONSE, seq - 1, timeoutMs);
      if (Atomics.load(control, RESPONSE) !== seq) {
        this.drop(thread);
        return { ok: 'timeout' };
      }
    }
    const answer = receiveMessageOnPort(thread.port)?.message as { status: 'ok' | 'failed' | 'too-big'; text: string };
    if (answer.status === 'too-big') return { ok: 'too-big', chars: Number(answer.text) };
    return answer.status === 'ok' ? { ok: true, json: answer.text } : { ok: false, error: answer.text };
  }
}
