import { parseArgs } from 'node:util';
import { readGenerated } from '../gen/read-generated.ts';
import { connectMetadataApi } from '../sync/metadata-api.ts';
import { labelOf, planSync, type DefinitionChange } from '../sync/sync-plan.ts';
import { Redactor } from '../client/redactor.ts';
import { redactingIo, type CommandIo } from './io.ts';
import { SERVER_FLAGS, SERVER_FLAGS_HELP, serverConnection, UsageError } from './server-options.ts';

const USAGE = `usage: k1-workflows diff --server URL [--timeout SECONDS] [--generated DIR] [--json]\n${SERVER_FLAGS_HELP}`;

/** ANSI colours, or none when the output is not a terminal. */
export interface Palette {
  readonly green: (s: string) => string;
  readonly yellow: (s: string) => string;
  readonly red: (s: string) => string;
  readonly dim: (s: string) => string;
}

const plain: Palette = { green: (s) => s, yellow: (s) => s, red: (s) => s, dim: (s) => s };
const ansi = (code: number) => (s: string) => `\u001b[${code}m${s}\u001b[0m`;
const colored: Palette = { green: ansi(32), yellow: ansi(33), red: ansi(31), dim: ansi(2) };

/** Colours when stdout is a terminal (and NO_COLOR is not set), plain text otherwise. */
export function paletteFor(stream: { isTTY?: boolean }): Palette {
  return stream.isTTY === true && process.env['NO_COLOR'] === undefined ? colored : plain;
}

const WIDTH = 120;

function show(value: unknown): string {
  if (value === undefined) return '(absent)';
  const text = JSON.stringify(value);
  return text.length > WIDTH ? `${text.slice(0, WIDTH - 3)}...` : text;
}

/**
 * Both sides of a changed field, each cut to the window where they first differ (with a little
 * context before it), so a change deep inside a long text is seen.
 */
function showPair(remote: unknown, local: unknown): [string, string] {
  const [a, b] = [JSON.stringify(remote), JSON.stringify(local)];
  if (a.length <= WIDTH && b.length <= WIDTH) return [a, b];
  let common = 0;
  while (common < a.length && common < b.length && a[common] === b[common]) common++;
  const start = Math.max(0, common - 30);
  const cut = (text: string): string => {
    const window = text.slice(start, start + WIDTH - 6);
    return `${start > 0 ? '...' : ''}${window}${start + WIDTH - 6 < text.length ? '...' : ''}`;
  };
  return [cut(a), cut(b)];
}

/** The readable diff: one line per definition, one indented line per changed field. */
export function formatPlan(plan: readonly DefinitionChange[], palette: Palette = plain): string[] {
  const lines: string[] = [];
  for (const change of plan) {
    const what = `${change.kind.padEnd(8)} ${labelOf(change)}`;
    if (change.status === 'new') lines.push(palette.green(`+ new       ${what}`));
    else if (change.status === 'unchanged') lines.push(palette.dim(`  unchanged ${what}`));
    else {
      lines.push(palette.yellow(`~ changed   ${what}`));
      for (const d of change.diffs) {
        if (d.remote === undefined) lines.push(palette.green(`      + ${d.path}: ${show(d.local)}`));
        else if (d.local === undefined) lines.push(palette.red(`      - ${d.path}: ${show(d.remote)}`));
        else {
          const [remote, local] = showPair(d.remote, d.local);
          lines.push(`      ~ ${d.path}: ${palette.red(remote)} -> ${palette.green(local)}`);
        }
      }
    }
  }
  const count = (s: DefinitionChange['status']) => plan.filter((c) => c.status === s).length;
  lines.push(`diff: ${count('new')} new, ${count('changed')} changed, ${count('unchanged')} unchanged.`);
  return lines;
}

/**
 * `k1-workflows diff`: compares generated/ with a Conductor server. Exit codes: 0 the comparison
 * ran (whatever it found), 1 the server could not be read, refused us, answered with the wrong
 * shape or did not answer within --timeout, 2 usage. Secrets never reach `commandIo`.
 */
export async function diffCommand(args: readonly string[], commandIo: CommandIo, palette: Palette = plain): Promise<number> {
  let values: { server?: string; 'key-id'?: string; 'key-secret'?: string; timeout?: string; generated?: string; json?: boolean };
  let connection;
  try {
    ({ values } = parseArgs({ args: [...args], options: SERVER_FLAGS, strict: true }));
    connection = serverConnection(values);
  } catch (e) {
    commandIo.stderr(`${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  const redactor = new Redactor().add(connection.keySecret);
  const io = redactingIo(commandIo, redactor);
  try {
    const plan = await planSync(await connectMetadataApi(connection, redactor), await readGenerated(values.generated));
    if (values.json === true) {
      io.stdout(JSON.stringify(plan.map(({ definition: _d, ...change }) => change), null, 2));
    } else {
      for (const line of formatPlan(plan, palette)) io.stdout(line);
    }
    return 0;
  } catch (e) {
    io.stderr(`diff: ${(e as Error).message}`);
    return e instanceof UsageError ? 2 : 1;
  }
}
