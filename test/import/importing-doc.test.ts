import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { importDefinitions } from '../../src/import/import-definitions.ts';
import { verifyImport, verifyReport } from '../../src/import/verify.ts';

/** The blocks of docs/importing.md marked `<!-- example: NAME -->`, by name. */
function examples(): Map<string, string> {
  const doc = readFileSync('docs/importing.md', 'utf8');
  const blocks = new Map<string, string>();
  for (const m of doc.matchAll(/<!-- example: (\S+) -->\n```\w+[^\n]*\n([\s\S]*?)\n```/g)) blocks.set(m[1] as string, `${m[2] as string}\n`);
  return blocks;
}

describe('docs/importing.md: the worked example', () => {
  const blocks = examples();
  const input = () => ({
    workflows: [{ source: 'order_flow.json', def: JSON.parse(blocks.get('order_flow.json') as string) }],
    taskDefs: [{ source: 'tasks/make_label.json', def: JSON.parse(blocks.get('tasks/make_label.json') as string) }],
  });

  it('shows exactly the source the importer writes', () => {
    expect([...blocks.keys()].sort()).toEqual(['order_flow.json', 'tasks/make_label.json', 'tasks/order-flow-tasks.ts', 'workflows/order-flow.ts']);
    const files = new Map(importDefinitions(input()).files.map((f) => [f.path, f.content]));
    expect(files.get('workflows/order-flow.ts')).toBe(blocks.get('workflows/order-flow.ts'));
    expect(files.get('tasks/order-flow-tasks.ts')).toBe(blocks.get('tasks/order-flow-tasks.ts'));
  });

  it('type-checks and compiles back to the same JSON', async () => {
    expect(verifyReport(await verifyImport(input()))).toEqual(['equal order_flow', '1 equal, 0 differ, 1 kept verbatim']);
  }, 60_000);
});
