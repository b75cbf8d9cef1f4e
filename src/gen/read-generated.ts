import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TaskDef, WorkflowDef } from '../conductor-types.ts';

/**
 * Reads what `npm run gen` wrote: every `workflows/*.json` and `tasks/*.json` under `dir`, in
 * file-name order. A missing folder is a clear error saying to run gen.
 */
export async function readGenerated(dir = 'generated'): Promise<{ workflows: WorkflowDef[]; tasks: TaskDef[] }> {
  const read = async <T>(sub: string): Promise<T[]> => {
    const files = await readdir(join(dir, sub)).catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') throw new Error(`${join(dir, sub)} does not exist; run \`npm run gen\` first.`);
      throw e;
    });
    const json = files.filter((f) => f.endsWith('.json')).sort();
    return Promise.all(json.map(async (f) => JSON.parse(await readFile(join(dir, sub, f), 'utf8')) as T));
  };
  return { workflows: await read<WorkflowDef>('workflows'), tasks: await read<TaskDef>('tasks') };
}
