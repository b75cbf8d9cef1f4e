const MASK = '[redacted]';

/** `secret` as a pattern that also matches it JSON-escaped any number of times (a backslash run may precede each character). */
function escapedAnyDepth(secret: string): string {
  return [...secret].map((c) => `\\\\*${c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`).join('');
}

/**
 * Removes secrets (the auth key secret, the token the server hands out) from text before it is
 * printed, whatever put them there: a server that echoes the request body in an error (JSON inside
 * JSON: escaped twice), a proxy page, an exception message. Each secret is removed as written,
 * JSON-escaped to any depth, and URL-encoded.
 */
export class Redactor {
  readonly #secrets = new Set<string>();
  #pattern: RegExp | undefined;

  /** Adds a secret to remove from now on; an empty or missing one is ignored. */
  add(secret: string | undefined): this {
    if (secret === undefined || secret === '') return this;
    this.#secrets.add(secret).add(encodeURIComponent(secret));
    // Longest first, so that no secret is left half-masked by a shorter one inside it.
    const sources = [...this.#secrets].sort((a, b) => b.length - a.length).map(escapedAnyDepth);
    this.#pattern = new RegExp(sources.join('|'), 'g');
    return this;
  }

  /** `text` with every known secret replaced by `[redacted]`. */
  redact(text: string): string {
    return this.#pattern === undefined ? text : text.replace(this.#pattern, MASK);
  }
}
