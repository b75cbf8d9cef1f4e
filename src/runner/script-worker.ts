import { Worker } from 'node:worker_threads';

/** Bytes a request or a result may take in the shared buffer; larger ones are evaluated in process. */
const CAPACITY = 4 * 1024 * 1024;
/** Control words: request sequence, response sequence, status, byte length, source byte length, ready. */
const REQUEST = 0;
const RESPONSE = 1;
const STATUS = 2;
const LENGTH = 3;
const SOURCE_LENGTH = 4;
const READY = 5;
const CONTROL_BYTES = 32;

/** Status words the worker answers with. */
const OK = 0;
const FAILED = 1;
const TOO_BIG = 2;

/**
 * The worker: waits on the shared buffer, evaluates one script in its own vm context (inputs cross
 * as JSON text and are parsed inside the context, so no object of the worker's realm is reachable),
 * writes the JSON result back, and waits again. Runaway scripts are not its concern: the main
 * thread stops waiting, terminates it and starts another.
 */
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const vm = require('node:vm');
const ctl = new Int32Array(workerData.buffer, 0, ${CONTROL_BYTES / 4});
const bytes = new Uint8Array(workerData.buffer, ${CONTROL_BYTES});
const decoder = new TextDecoder();
const encoder = new TextEncoder();
const context = vm.createContext(Object.create(null), { codeGeneration: { strings: false, wasm: false } });
vm.runInContext('Object.defineProperty(Array.prototype, "get", { value(i) { return this[i]; } });' +
  'Object.defineProperty(Array.prototype, "size", { value() { return this.length; } });', context);
const setup = new vm.Script('globalThis.$ = JSON.parse(globalThis.__input); delete globalThis.__input;');
const read = new vm.Script('JSON.stringify(globalThis.__result === undefined ? null : globalThis.__result)');
const scripts = new Map();
let seq = 0;
Atomics.store(ctl, ${READY}, 1);
Atomics.notify(ctl, ${READY});
for (;;) {
  // Spin a little before sleeping: requests often come back to back, and waking costs more.
  for (let spin = 0; spin < 20000 && Atomics.load(ctl, ${REQUEST}) === seq; spin++);
  Atomics.wait(ctl, ${REQUEST}, seq);
  seq = Atomics.load(ctl, ${REQUEST});
  let status = ${OK};
  let out;
  try {
    const sourceLength = ctl[${SOURCE_LENGTH}];
    const source = decoder.decode(bytes.slice(0, sourceLength));
    context.__input = decoder.decode(bytes.slice(sourceLength, ctl[${LENGTH}]));
    let script = scripts.get(source);
    if (script === undefined) {
      script = new vm.Script(source, { filename: 'script' });
      if (scripts.size > 1000) scripts.clear();
      scripts.set(source, script);
    }
    setup.runInContext(context);
    context.__result = script.runInContext(context);
    out = read.runInContext(context);
    context.__result = undefined;
  } catch (e) {
    status = ${FAILED};
    const line = /\\bscript:(\\d+)/.exec(String(e && e.stack))?.[1];
    out = JSON.stringify({ name: (e && e.name) || 'Error', message: String((e && e.message) || e), line: line === undefined ? null : Number(line) });
  }
  const written = encoder.encodeInto(out, bytes);
  if (written.read < out.length) status = ${TOO_BIG};
  ctl[${STATUS}] = status;
  ctl[${LENGTH}] = written.written;
  Atomics.store(ctl, ${RESPONSE}, seq);
  Atomics.notify(ctl, ${RESPONSE});
}
`;

/** What one evaluation in the worker gave; a failure's `error` is JSON `{ name, message, line }`. */
export type WorkerAnswer = { readonly ok: true; readonly json: string } | { readonly ok: false; readonly error: string } | { readonly ok: 'timeout' } | { readonly ok: 'too-big' };

/**
 * Evaluates scripts on a worker thread, synchronously (the caller blocks on `Atomics.wait`), with a
 * time limit that costs nothing per call: on a timeout the worker is terminated and replaced. A
 * separate thread and vm context keep scripts away from this process's objects.
 */
export class ScriptWorker {
  private readonly buffer = new SharedArrayBuffer(CONTROL_BYTES + CAPACITY);
  private readonly control = new Int32Array(this.buffer, 0, CONTROL_BYTES / 4);
  private readonly bytes = new Uint8Array(this.buffer, CONTROL_BYTES);
  private readonly encoder = new TextEncoder();
  private readonly decoder = new TextDecoder();
  private worker: Worker | undefined;
  private seq = 0;

  private ensure(): void {
    if (this.worker !== undefined) return;
    Atomics.store(this.control, READY, 0);
    Atomics.store(this.control, REQUEST, 0);
    Atomics.store(this.control, RESPONSE, 0);
    this.seq = 0;
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { buffer: this.buffer } });
    this.worker.unref();
    Atomics.wait(this.control, READY, 0, 10_000);
  }

  /** Evaluates `source` with `$` bound to `inputJson` (JSON text); `too-big` when it does not fit. */
  evaluate(source: string, inputJson: string, timeoutMs: number): WorkerAnswer {
    if ((source.length + inputJson.length) * 3 > CAPACITY) return { ok: 'too-big' };
    this.ensure();
    const sourceBytes = this.encoder.encodeInto(source, this.bytes).written;
    const inputBytes = this.encoder.encodeInto(inputJson, this.bytes.subarray(sourceBytes)).written;
    this.control[SOURCE_LENGTH] = sourceBytes;
    this.control[LENGTH] = sourceBytes + inputBytes;
    const seq = ++this.seq;
    Atomics.store(this.control, REQUEST, seq);
    Atomics.notify(this.control, REQUEST);
    // Most scripts answer within microseconds: spin briefly before sleeping on the futex.
    for (let spin = 0; spin < 20_000 && Atomics.load(this.control, RESPONSE) !== seq; spin++);
    Atomics.wait(this.control, RESPONSE, seq - 1, timeoutMs);
    if (Atomics.load(this.control, RESPONSE) !== seq) {
      void this.worker?.terminate();
      this.worker = undefined;
      return { ok: 'timeout' };
    }
    const status = this.control[STATUS];
    if (status === TOO_BIG) return { ok: 'too-big' };
    const text = this.decoder.decode(this.bytes.slice(0, this.control[LENGTH]));
    return status === OK ? { ok: true, json: text } : { ok: false, error: text };
  }
}
