import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { importDefinitions, type ImportInput, type ImportResult } from '../import/import-definitions.ts';
import { ImportInputError, readTaskDir, readWorkflowFile } from '../import/read-definitions.ts';
import { parseWorkflowWanted, readFromServer } from '../import/server-source.ts';
import { verifyImport, verifyReport } from '../import/verify.ts';
import { writeImportedFiles } from '../import/write-files.ts';
import { connectMetadataApi } from '../sync/metadata-api.ts';
import { Redactor } from '../client/redactor.ts';
import type { CommandIo } from './io.ts';
import { SERVER_FLAGS, SERVER_FLAGS_HELP, serverConnection, UsageError } from './server-options.ts';

const USAGE = [
  'usage: k1-workflows import FILE... [--tasks DIR] --out DIR [--library SPEC] [--force]',
  '       k1-workflows import --server URL --workflow NAME[@VERSION]... --out DIR [--library SPEC] [--force]',
  '       k1-workflows import --verify (FILE... [--tasks DIR] | --server URL --workflow NAME[@VERSION]...)',
  SERVER_FLAGS_HELP,
].join('\n');

interface Values {
  tasks?: string;
  out?: string;
  library?: string;
  force?: boolean;
  verify?: boolean;
  server?: string;
  'key-id'?: string;
  'key-secret'?: string;
  timeout?: string;
  workflow?: string[];
}

/** What the import kept verbatim or could not carry, one line each (never dropped silently). */
function notesReport(result: ImportResult): string[] {
  const lines: string[] = [];
  for (const wf of result.workflows) {
    for (const v of wf.notes.verbatim) lines.push(`kept verbatim ${wf.name} ${v.path} (${v.type} ${v.ref}): ${v.reason}`);
    for (const field of wf.notes.verbatimFields) lines.push(`kept verbatim ${wf.name} ${field}: workflow() has no setting for it (spec.raw)`);
    for (const lost of wf.notes.lost) lines.push(`not expressible ${wf.name} ${lost}`);
  }
  for (const [name, lost] of result.taskNotes) for (const l of lost) lines.push(`not expressible task ${name} ${l}`);
  return lines;
}

/**
 * `k1-workflows import`: Conductor JSON → DSL source (issue 18). From files (`FILE...`, each one
 * workflow definition or a list of them; `--tasks DIR` the task definitions) or from a server
 * (`--server URL --workflow NAME[@VERSION]`), written under `--out` (never outside it; existing
 * files only with `--force`). `--verify` instead round-trips them (files or the server's) in a
 * scratch folder and prints `equal NAME` / `differs NAME: <path>` and the sums.
 * Exit codes: 0 done (all equal), 1 refused input or a difference, 2 usage.
 */
export async function importCommand(args: readonly string[], io: CommandIo): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    io.stdout(USAGE);
    return 0;
  }
  let values: Values;
  let files: string[];
  try {
    const parsed = parseArgs({
      args: [...args],
      allowPositionals: true,
      options: {
        tasks: { type: 'string' },
        out: { type: 'string' },
        library: { type: 'string' },
        force: { type: 'boolean' },
        verify: { type: 'boolean' },
        server: SERVER_FLAGS.server,
        'key-id': SERVER_FLAGS['key-id'],
        'key-secret': SERVER_FLAGS['key-secret'],
        timeout: SERVER_FLAGS.timeout,
        workflow: { type: 'string', multiple: true },
      },
      strict: true,
    });
    values = parsed.values;
    files = parsed.positionals;
    const fromServer = values.server !== undefined || values.workflow !== undefined;
    if (fromServer && (values.workflow === undefined || files.length > 0)) {
      throw new UsageError('--server takes --workflow NAME[@VERSION] (repeatable) and no files.');
    }
    if (!fromServer && files.length === 0) throw new UsageError('give the workflow definition files to import.');
    if (values.verify !== true && values.out === undefined) throw new UsageError('--out DIR is required: the folder the source is written to.');
  } catch (e) {
    io.stderr(`import: ${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  try {
    let input: ImportInput;
    if (values.workflow !== undefined) {
      const connection = serverConnection(values);
      const wanted = values.workflow.map(parseWorkflowWanted);
      input = await readFromServer(await connectMetadataApi(connection, new Redactor().add(connection.keySecret)), connection.serverUrl, wanted);
    } else {
      input = { workflows: files.flatMap(readWorkflowFile), taskDefs: values.tasks === undefined ? [] : readTaskDir(values.tasks) };
    }
    if (values.verify === true) {
      const result = await verifyImport(input);
      for (const line of verifyReport(result)) io.stdout(line);
      return result.differ > 0 ? 1 : 0;
    }
    const result = importDefinitions(input, { library: values.library ?? '@k1/workflows' });
    const out = resolve(values.out as string);
    for (const path of writeImportedFiles(out, result.files, values.force === true)) io.stdout(`wrote ${path}`);
    for (const line of notesReport(result)) io.stdout(line);
    const verbatim = result.workflows.reduce((n, w) => n + w.notes.verbatim.length, 0);
    io.stdout(`import: ${result.workflows.length} workflow(s), ${result.taskNotes.size} task contract(s), ${verbatim} task(s) kept verbatim.`);
    return 0;
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`import: ${e.message}\n${USAGE}`);
      return 2;
    }
    io.stderr(e instanceof ImportInputError ? `import: refused: ${e.message}` : `import: ${(e as Error).message}`);
    return 1;
  }
}
