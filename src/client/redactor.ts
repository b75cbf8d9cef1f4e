const MASK = '[redacted]';

/**
 * Removes secrets (the auth key secret, the token the server hands out) from text before it is
 * printed, whatever put them there: a server that echoes the request body in an error, a proxy
 * page, an exception message. Each secret is removed as written, JSON-escaped and URL-encoded.
 */
export class Redactor {
  readonly #forms = new Set<string>();

  /** Adds a secret to remove from now on; an empty or missing one is ignored. */
  add(secret: string | undefined): this {
    if (secret === undefined || secret === '') return this;
    for (const form of [secret, JSON.stringify(secret).slice(1, -1), encodeURIComponent(secret)]) this.#forms.add(form);
    return this;
  }

  /** `text` with every known secret replaced by `[redacted]` (longest first, so none is left half-masked). */
  redact(text: string): string {
    let out = text;
    for (const form of [...this.#forms].sort((a, b) => b.length - a.length)) out = out.split(form).join(MASK);
    return out;
  }
}
