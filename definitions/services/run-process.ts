import { spawn } from 'node:child_process';
import { TailBuffer } from './tail-buffer.ts';

/** Options of {@link runProcess}. */
export interface RunProcessOptions {
  /** Working directory. */
  readonly cwd: string;
  /** Kill the process (and its process group) after this many milliseconds. */
  readonly timeoutMs: number;
  /** Extra environment variables, added to the worker's own. */
  readonly env?: Readonly<Record<string, string>>;
  /** Aborting kills the process. */
  readonly signal?: AbortSignal;
  /** Written to the process's standard input, which is then closed. */
  readonly input?: string | Uint8Array;
  /** Most bytes of output kept (the tail). @default 262144 */
  readonly maxOutputBytes?: number;
  /** Called with every complete output line (stdout and stderr), e.g. to count warnings over the whole log. */
  readonly onLine?: (line: string) => void;
}

/** What a finished process left behind. */
export interface RunProcessResult {
  /** Exit code; null when a signal ended it. */
  readonly exitCode: number | null;
  readonly exitSignal: NodeJS.Signals | null;
  readonly timedOut: boolean;
  readonly aborted: boolean;
  /** stdout and stderr interleaved as they arrived, the last `maxOutputBytes` kept. */
  readonly output: string;
  /** stdout alone (tail-capped the same way), for commands whose answer is their stdout. */
  readonly stdout: string;
  /** stderr alone (tail-capped). */
  readonly stderr: string;
  readonly durationMs: number;
}

/** The executable could not be started (not found, not executable). */
export class CommandStartError extends Error {
  readonly code = 'command_not_started';
  constructor(readonly file: string, cause: unknown) {
    super(`Could not start ${file}: ${(cause as Error)?.message ?? String(cause)}. Check that it is installed and the configured path is right.`);
    this.name = 'CommandStartError';
  }
}

const KILL_GRACE_MS = 5000;

/**
 * Runs an executable with an argument array and no shell: nothing in `args` is ever parsed by a
 * shell, so a hostile value stays one argument. (`spawn` rather than `execFile` because execFile's
 * maxBuffer kills the child when a long build log overflows it; this keeps the tail instead.) The
 * process runs in its own process group so that a timeout also ends its children (compilers).
 */
export function runProcess(file: string, args: readonly string[], options: RunProcessOptions): Promise<RunProcessResult> {
  const started = performance.now();
  const cap = options.maxOutputBytes ?? 256 * 1024;
  const output = new TailBuffer(cap);
  const stdout = new TailBuffer(cap);
  const stderr = new TailBuffer(cap);
  return new Promise((resolvePromise, reject) => {
    if (options.signal?.aborted) {
      reject(new Error(`Not starting ${file}: the task was aborted`));
      return;
    }
    const child = spawn(file, [...args], {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      shell: false,
      detached: true,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let timedOut = false;
    let aborted = false;
    let killTimer: NodeJS.Timeout | undefined;
    const kill = (): void => {
      const group = child.pid === undefined ? undefined : -child.pid;
      const send = (sig: NodeJS.Signals): void => {
        try {
          if (group !== undefined) process.kill(group, sig);
          else child.kill(sig);
        } catch {
          // already gone
        }
      };
      send('SIGTERM');
      killTimer = setTimeout(() => send('SIGKILL'), KILL_GRACE_MS);
      killTimer.unref();
    };
    const timer = setTimeout(() => {
      timedOut = true;
      kill();
    }, options.timeoutMs);
    const onAbort = (): void => {
      aborted = true;
      kill();
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });

    const partial = { out: '', err: '' };
    const lines = (which: 'out' | 'err', chunk: Buffer): void => {
      if (options.onLine === undefined) return;
      const text = partial[which] + chunk.toString('utf8');
      const parts = text.split('\n');
      partial[which] = parts.pop() ?? '';
      for (const line of parts) options.onLine(line.replace(/\r$/, ''));
    };
    child.stdout.on('data', (chunk: Buffer) => {
      output.push(chunk);
      stdout.push(chunk);
      lines('out', chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output.push(chunk);
      stderr.push(chunk);
      lines('err', chunk);
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input ?? '');

    const cleanup = (): void => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
    };
    child.on('error', (error) => {
      cleanup();
      if (killTimer) clearTimeout(killTimer);
      reject(new CommandStartError(file, error));
    });
    child.on('close', (exitCode, exitSignal) => {
      cleanup();
      if (killTimer) clearTimeout(killTimer);
      if (options.onLine !== undefined) {
        if (partial.out !== '') options.onLine(partial.out);
        if (partial.err !== '') options.onLine(partial.err);
      }
      resolvePromise({
        exitCode,
        exitSignal,
        timedOut,
        aborted,
        output: output.toString(),
        stdout: stdout.toString(),
        stderr: stderr.toString(),
        durationMs: Math.round(performance.now() - started),
      });
    });
  });
}
