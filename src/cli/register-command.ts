import { parseArgs } from 'node:util';
import { readGenerated } from '../gen/read-generated.ts';
import { connectMetadataApi } from '../sync/metadata-api.ts';
import { registerDefinitions, registeredCleanly, type RegisterOutcome } from '../sync/register.ts';
import { planSync } from '../sync/sync-plan.ts';
import { Redactor } from '../client/redactor.ts';
import { redactingIo, type CommandIo } from './io.ts';
import { SERVER_FLAGS, SERVER_FLAGS_HELP, serverConnection } from './server-options.ts';

const USAGE = `usage: k1-workflows register --server URL [--timeout SECONDS] [--generated DIR] [--dry-run] [--allow-overwrite] [--json]\n${SERVER_FLAGS_HELP}`;

/** The report: one line per definition that was or would be touched or that went wrong, then totals. */
export function formatOutcomes(outcomes: readonly RegisterOutcome[]): string[] {
  const lines = outcomes
    .filter((o) => o.result !== 'unchanged')
    .map((o) => `${o.result.padEnd(14)} ${o.kind.padEnd(8)} ${o.label}${o.reason ? `: ${o.reason}` : ''}`);
  const count = (r: RegisterOutcome['result']) => outcomes.filter((o) => o.result === r).length;
  const parts = (['registered', 'updated', 'would-register', 'would-update', 'unchanged', 'refused', 'blocked', 'failed'] as const)
    .filter((r) => count(r) > 0)
    .map((r) => `${count(r)} ${r}`);
  lines.push(`register: ${parts.join(', ') || 'nothing to do'}.`);
  return lines;
}

/**
 * `k1-workflows register`: puts generated/ on a Conductor server, safely. Exit codes: 0 nothing to
 * do or all done, 1 something refused, blocked or failed (the server unreachable, refusing us,
 * answering with the wrong shape or not within --timeout included), 2 usage. Secrets never reach
 * `commandIo`.
 */
export async function registerCommand(args: readonly string[], commandIo: CommandIo): Promise<number> {
  let values: { server?: string; 'key-id'?: string; 'key-secret'?: string; timeout?: string; generated?: string; json?: boolean; 'dry-run'?: boolean; 'allow-overwrite'?: boolean };
  let connection;
  try {
    ({ values } = parseArgs({
      args: [...args],
      options: { ...SERVER_FLAGS, 'dry-run': { type: 'boolean' }, 'allow-overwrite': { type: 'boolean' } },
      strict: true,
    }));
    connection = serverConnection(values);
  } catch (e) {
    commandIo.stderr(`${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  const redactor = new Redactor().add(connection.keySecret);
  const io = redactingIo(commandIo, redactor);
  try {
    const api = await connectMetadataApi(connection, redactor);
    const plan = await planSync(api, await readGenerated(values.generated));
    const outcomes = await registerDefinitions(api, plan, { dryRun: values['dry-run'] === true, allowOverwrite: values['allow-overwrite'] === true });
    if (values.json === true) io.stdout(JSON.stringify(outcomes, null, 2));
    else for (const line of formatOutcomes(outcomes)) (['refused', 'blocked', 'failed'].some((r) => line.startsWith(r)) ? io.stderr : io.stdout)(line);
    return registeredCleanly(outcomes) ? 0 : 1;
  } catch (e) {
    io.stderr(`register: ${(e as Error).message}`);
    return 1;
  }
}
