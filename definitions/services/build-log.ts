/** What a PlatformIO memory summary line says, e.g. `RAM:   [==        ]  15.2% (used 49812 bytes from 327680 bytes)`. */
export interface MemoryUse {
  readonly usedBytes: number;
  readonly totalBytes: number;
  /** As PlatformIO printed it (one decimal). */
  readonly percent: number;
}

/** The facts a build log gives. */
export interface BuildLogFacts {
  /** Static RAM (the `RAM:` line); undefined when the log has none (a failed build). */
  readonly ram?: MemoryUse;
  /** Program flash (the `Flash:` line). */
  readonly flash?: MemoryUse;
  /** Distinct compiler warnings (`warning:` lines; the same header warning seen from several files counts once). */
  readonly warningCount: number;
  /** The first `error:` line, trimmed; empty when there is none. */
  readonly firstError: string;
}

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;]*[A-Za-z]/g;
const MEMORY_LINE = /^\s*(RAM|Flash):\s*\[[=\s]*\]\s*(\d+(?:\.\d+)?)%\s*\(used\s+(\d+)\s+bytes\s+from\s+(\d+)\s+bytes\)/;
const WARNING = /\bwarning:/;
/** GCC/ld `error:` lines, and espota's `[ERROR]:` lines (OTA uploads). */
const ERROR = /\berror:|\[error\]:/i;
const MAX_DISTINCT_WARNINGS = 10_000;

/**
 * Reads a PlatformIO build log line by line (so a long build can be scanned as it runs, beyond
 * the part of the log that is kept). The RAM line fills `ram` and the Flash line fills `flash`.
 */
export class BuildLogScanner {
  #ram: MemoryUse | undefined;
  #flash: MemoryUse | undefined;
  #firstError = '';
  #warnings = new Set<string>();
  #extraWarnings = 0;
  #partial = '';

  /** Feeds one complete line. */
  line(raw: string): void {
    const line = raw.replace(ANSI, '').replace(/\r$/, '');
    const memory = MEMORY_LINE.exec(line);
    if (memory) {
      const use: MemoryUse = { percent: Number(memory[2]), usedBytes: Number(memory[3]), totalBytes: Number(memory[4]) };
      if (memory[1] === 'RAM') this.#ram = use;
      else this.#flash = use;
      return;
    }
    if (WARNING.test(line)) {
      const key = line.trim();
      if (this.#warnings.has(key)) return;
      if (this.#warnings.size < MAX_DISTINCT_WARNINGS) this.#warnings.add(key);
      else this.#extraWarnings += 1;
      return;
    }
    if (this.#firstError === '' && ERROR.test(line)) this.#firstError = line.trim();
  }

  /** Feeds a chunk of text that may end mid-line. */
  push(text: string): void {
    const parts = (this.#partial + text).split('\n');
    this.#partial = parts.pop() ?? '';
    for (const part of parts) this.line(part);
  }

  /** The facts so far (a pending partial line included). */
  facts(): BuildLogFacts {
    if (this.#partial !== '') {
      this.line(this.#partial);
      this.#partial = '';
    }
    return {
      ...(this.#ram && { ram: this.#ram }),
      ...(this.#flash && { flash: this.#flash }),
      warningCount: this.#warnings.size + this.#extraWarnings,
      firstError: this.#firstError,
    };
  }
}

/** Scans a whole build log. */
export function scanBuildLog(log: string): BuildLogFacts {
  const scanner = new BuildLogScanner();
  scanner.push(log);
  return scanner.facts();
}
