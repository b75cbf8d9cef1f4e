import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type * as Jobs from './audio-jobs.ts';

/** The jobs the audio thread runs. */
export type AudioJobs = typeof Jobs;
type JobName = keyof AudioJobs;

/** A job that failed in the audio thread: its error's name, message and `code`, rebuilt. */
export class AudioJobError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
    name: string,
  ) {
    super(message);
    this.name = name;
  }
}

/** Runs {@link AudioJobs} one after another in a worker thread of their own. */
export interface AudioThread {
  /** Runs `job` with `args` in the thread; `transfer` lists buffers to move rather than copy. */
  run<J extends JobName>(job: J, args: Parameters<AudioJobs[J]>, transfer?: ArrayBuffer[]): Promise<Awaited<ReturnType<AudioJobs[J]>>>;
  /** Stops the thread (a later job starts a new one). */
  close(): Promise<void>;
}

// CommonJS, evaluated in the thread: loads the jobs module (through tsx when it is TypeScript
// source, as in development and tests) and answers one message per job.
const BOOT = `
const { parentPort, workerData } = require('node:worker_threads');
const loaded = workerData.tsx === undefined ? import(workerData.module) : import(workerData.tsx).then((tsx) => tsx.tsImport(workerData.module, workerData.module));
parentPort.on('message', async ({ id, job, args }) => {
  try {
    const jobs = await loaded;
    const value = await jobs[job](...args);
    const transfer = value !== null && typeof value === 'object' && value.pcm instanceof Float32Array ? [value.pcm.buffer] : [];
    parentPort.postMessage({ id, value }, transfer);
  } catch (error) {
    parentPort.postMessage({ id, error: { name: String(error && error.name || 'Error'), message: String(error && error.message || error), code: error && typeof error.code === 'string' ? error.code : undefined } });
  }
});
`;

/** Heap of the audio thread, MB: a sample within AUDIO_BOUNDS needs far less; past it the thread dies, not the worker process. */
const THREAD_HEAP_MB = 1024;

/**
 * The audio thread, started on the first job and kept (unref'd: it never holds the process
 * open). A thread that dies (out of memory, a crash) fails its pending jobs with the reason and
 * is replaced on the next job.
 */
export function createAudioThread(): AudioThread {
  const source = import.meta.url.endsWith('.ts');
  const module = new URL(source ? './audio-jobs.ts' : './audio-jobs.js', import.meta.url).href;
  // tsx's ESM API sits beside the CommonJS entry its package exports resolve to.
  const tsx = source ? join(dirname(createRequire(import.meta.url).resolve('tsx/esm/api')), 'index.mjs') : undefined;
  let worker: Worker | undefined;
  let nextId = 0;
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();

  const failAll = (error: Error): void => {
    for (const job of pending.values()) job.reject(error);
    pending.clear();
    worker = undefined;
  };
  const start = (): Worker => {
    const thread = new Worker(BOOT, { eval: true, workerData: { module, tsx }, resourceLimits: { maxOldGenerationSizeMb: THREAD_HEAP_MB } });
    thread.unref();
    thread.on('message', (message: { id: number; value?: unknown; error?: { name: string; message: string; code?: string } }) => {
      const job = pending.get(message.id);
      if (job === undefined) return;
      pending.delete(message.id);
      if (message.error !== undefined) job.reject(new AudioJobError(message.error.message, message.error.code, message.error.name));
      else job.resolve(message.value);
    });
    thread.on('error', (error) => failAll(new Error(`The audio analysis thread failed: ${error.message}`)));
    thread.on('exit', (code) => failAll(new Error(`The audio analysis thread exited (code ${code}) before answering`)));
    return thread;
  };

  return {
    run(job, args, transfer = []) {
      worker ??= start();
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
        worker!.postMessage({ id, job, args }, transfer);
      });
    },
    async close() {
      const thread = worker;
      worker = undefined;
      await thread?.terminate();
    },
  };
}
