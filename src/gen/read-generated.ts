import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TaskDef, WorkflowDef } from '../conductor-types.ts';
import type { EventHandlerJson } from '../event/handler-json.ts';
import type { WorkflowScheduleDef } from '../schedule/schedule-def.ts';

/**
 * Reads what `npm run gen` wrote: every `workflows/*.json`, `tasks/*.json`, `schedules/*.json`
 * and `events/*.json` under `dir`, in file-name order. A missing workflows or tasks folder is a
 * clear error saying to run gen; a missing schedules or events folder means none of them.
 */
export async function readGenerated(dir = 'generated'): Promise<{ workflows: WorkflowDef[]; tasks: TaskDef[]; schedules: WorkflowScheduleDef[]; eventHandlers: EventHandlerJson[] }> {
  const read = async <T>(sub: string, optional = false): Promise<T[]> => {
    const files = await readdir(join(dir, sub)).catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT' && optional) return [];
      if (e.code === 'ENOENT') throw new Error(`${join(dir, sub)} does not exist; run \`npm run gen\` first.`);
      throw e;
    });
    const json = files.filter((f) => f.endsWith('.json')).sort();
    return Promise.all(json.map(async (f) => JSON.parse(await readFile(join(dir, sub, f), 'utf8')) as T));
  };
  return { workflows: await read<WorkflowDef>('workflows'), tasks: await read<TaskDef>('tasks'), schedules: await read<WorkflowScheduleDef>('schedules', true), eventHandlers: await read<EventHandlerJson>('events', true) };
}
