/**
 * A request the server refused, answered with the wrong shape, or that kept failing; carries the
 * HTTP status when there was one. Its message says what came back and what to do.
 */
export class ServerError extends Error {
  override readonly name = 'ServerError';
  constructor(
    message: string,
    readonly status: number | undefined,
  ) {
    super(message);
  }
}
