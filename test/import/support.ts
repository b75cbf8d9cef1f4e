import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ImportInput } from '../../src/import/import-definitions.ts';
import { readTaskDir, readWorkflowFile } from '../../src/import/read-definitions.ts';

/** The K1 definitions `npm run gen` wrote, as the importer reads them. */
export function generatedK1(): ImportInput {
  const dir = join('generated', 'workflows');
  const workflows = readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .flatMap((f) => readWorkflowFile(join(dir, f)));
  return { workflows, taskDefs: readTaskDir(join('generated', 'tasks')) };
}
