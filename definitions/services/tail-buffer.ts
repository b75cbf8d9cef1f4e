/**
 * Keeps the last `maxBytes` of a stream (a build log keeps its end: the summary and the errors).
 * When bytes were dropped, the text starts at a line boundary after a one-line marker, and the
 * whole text, marker included, stays within `maxBytes`.
 */
export class TailBuffer {
  #chunks: Buffer[] = [];
  #bytes = 0;
  #dropped = 0;

  constructor(readonly maxBytes: number) {}

  /** Appends a chunk, dropping the oldest bytes beyond twice the cap (compacted lazily). */
  push(chunk: Buffer | string): void {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    this.#chunks.push(buf);
    this.#bytes += buf.length;
    if (this.#bytes > 2 * this.maxBytes) this.#compact();
  }

  /** Bytes seen in all. */
  get totalBytes(): number {
    return this.#bytes + this.#dropped;
  }

  /** True when some bytes were dropped. */
  get truncated(): boolean {
    return this.totalBytes > this.maxBytes;
  }

  #compact(): void {
    const all = Buffer.concat(this.#chunks);
    const keep = all.subarray(all.length - this.maxBytes);
    this.#dropped += all.length - keep.length;
    this.#chunks = [Buffer.from(keep)];
    this.#bytes = keep.length;
  }

  /** The kept text (UTF-8), with a marker line when the start was cut. */
  toString(): string {
    const all = Buffer.concat(this.#chunks);
    if (this.totalBytes <= this.maxBytes) return all.toString('utf8');
    const marker = (cut: number): string => `[... ${cut} earlier bytes of the log cut ...]\n`;
    // Reserve room for the marker (its length depends on the number, so take the widest case).
    const room = this.maxBytes - Buffer.byteLength(marker(this.totalBytes));
    let tail = all.subarray(Math.max(0, all.length - room));
    const newline = tail.indexOf(0x0a);
    // Start on a whole line (and so on a whole UTF-8 character) when there is a line break.
    if (newline >= 0 && newline < tail.length - 1) tail = tail.subarray(newline + 1);
    else while (tail.length > 0 && (tail[0]! & 0xc0) === 0x80) tail = tail.subarray(1);
    return marker(this.totalBytes - tail.length) + tail.toString('utf8');
  }
}
