import { DEFAULT_TIMEOUT_SECONDS } from '../client/server-client.ts';
import { diffCommand, paletteFor } from './diff-command.ts';
import { genCommand } from './gen-command.ts';
import { registerCommand } from './register-command.ts';
import { processIo, type CommandIo } from './io.ts';
import { validateCommand } from './validate-command.ts';

/** A command: how it runs, its usage line, and whether it answers `--help` itself (with more than that line). */
interface Command {
  readonly run: (args: readonly string[], io: CommandIo) => Promise<number>;
  readonly help: string;
  readonly ownHelp?: boolean;
}

const COMMANDS: Record<string, Command> = {
  gen: { run: genCommand, help: 'compile and validate definitions/ into generated/ (--check: fail when stale)' },
  validate: { run: (args, io) => validateCommand([...args], io), help: 'validate Conductor JSON files (workflow or task definitions)', ownHelp: true },
  diff: { run: (args, io) => diffCommand(args, io, paletteFor(process.stdout)), help: `compare generated/ with a Conductor server (--server URL, --timeout SECONDS per request, default ${DEFAULT_TIMEOUT_SECONDS}; --json)` },
  // Loaded on use: ts-morph (and its TypeScript) is heavy, and no other command needs it.
  import: { run: async (args, io) => (await import('./import-command.ts')).importCommand(args, io), help: 'Conductor JSON → DSL source (FILE... --out DIR, --server URL --workflow NAME[@VERSION], --verify FILE...)', ownHelp: true },
  register: { run: registerCommand, help: `register generated/ on a server in dependency order (--dry-run, --allow-overwrite, --timeout SECONDS per request, default ${DEFAULT_TIMEOUT_SECONDS})` },
};

function usage(): string {
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(10)} ${c.help}`);
  return `usage: k1-workflows <command> [options]\n\ncommands:\n${lines.join('\n')}`;
}

/** Runs the `k1-workflows` command line and returns its exit code. */
export async function main(argv: readonly string[], io: CommandIo = processIo): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    io.stdout(usage());
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS[name];
  if (command === undefined) {
    io.stderr(`k1-workflows: unknown command "${name}".\n${usage()}`);
    return 2;
  }
  if (command.ownHelp !== true && args.some((a) => a === '--help' || a === '-h')) {
    io.stdout(`usage: k1-workflows ${name} [options]\n  ${command.help}`);
    return 0;
  }
  return command.run(args, io);
}
