import type { Redactor } from '../client/redactor.ts';

/** Where a command writes: one call per line, no trailing newline. Tests pass collectors. */
export interface CommandIo {
  readonly stdout: (line: string) => void;
  readonly stderr: (line: string) => void;
}

/** The process's own streams. */
export const processIo: CommandIo = {
  stdout: (line) => process.stdout.write(`${line}\n`),
  stderr: (line) => process.stderr.write(`${line}\n`),
};

/** `io` with every secret `redactor` knows (the auth secret, the token) removed from each line. */
export function redactingIo(io: CommandIo, redactor: Redactor): CommandIo {
  return { stdout: (line) => io.stdout(redactor.redact(line)), stderr: (line) => io.stderr(redactor.redact(line)) };
}
