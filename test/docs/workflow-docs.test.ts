import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { compileWorkflow, workflow } from '../../src/index.ts';
import { mermaidFlowchart } from '../../src/docs/mermaid.ts';
import { schemaTable } from '../../src/docs/schema-table.ts';
import { toJsonSchema } from '../../src/contract/json-schema.ts';
import { workflows } from '../../definitions/index.ts';
import { build, store } from '../dsl/fixtures.ts';
import { readCorpus, skipCorpus } from '../support/corpus.ts';
import { mermaidBlocks, parseMermaid } from '../support/mermaid.ts';

describe('mermaidFlowchart', () => {
  it('draws tasks in order, switch cases as labelled edges, fork branches meeting at the join, terminate as an end', () => {
    const wf = workflow(
      { name: 'w', version: 1, description: 'd', input: z.object({ env: z.string() }), output: z.object({}) },
      (f) =>
        f
          .task('compile', build, (s) => ({ environment: s.input.env }))
          .switch('gate', (s) => s.compile.output.verdict, { fail: (b) => b.terminate('FAILED', { ref: 'stop' }) })
          .fork('par', [(b) => b.task('a', store, () => ({ path: 'a' })), (b) => b.task('b', store, () => ({ path: 'b' }))])
          .output(() => ({})),
    );
    expect(mermaidFlowchart(compileWorkflow(wf))).toBe(
      [
        'flowchart TD',
        '  n1(["start"])',
        '  n2["compile<br/>build"]',
        '  n1 --> n2',
        '  n3{"gate<br/>SWITCH"}',
        '  n2 --> n3',
        '  n4(["stop<br/>TERMINATE FAILED"])',
        '  n3 -->|"fail"| n4',
        '  n5{{"par<br/>FORK_JOIN"}}',
        '  n3 -->|"default"| n5',
        '  n6["a<br/>store"]',
        '  n5 --> n6',
        '  n7["b<br/>store"]',
        '  n5 --> n7',
        '  n8{{"par_join<br/>JOIN"}}',
        '  n6 --> n8',
        '  n7 --> n8',
        '  n9(["end"])',
        '  n8 --> n9',
      ].join('\n'),
    );
  });

  it('escapes quotes in labels so that the chart still parses', async () => {
    const chart = mermaidFlowchart({ name: 'q', timeoutSeconds: 0, tasks: [{ name: 'say "hi"', taskReferenceName: 'say "hi"', type: 'SIMPLE' }] });
    expect(chart).toContain('#quot;hi#quot;');
    await expect(parseMermaid(chart)).resolves.toBeTruthy();
  });

  it('the real Mermaid parser rejects a broken chart (so the checks below can fail)', async () => {
    await expect(parseMermaid('flowchart TD\n  n1["unclosed --> n2')).rejects.toThrow(/Parse error/);
  });

  it.skipIf(skipCorpus)('draws every corpus workflow as a chart Mermaid parses', async () => {
    for (const { file, def } of readCorpus()) {
      await expect(parseMermaid(mermaidFlowchart(def)), file).resolves.toBeTruthy();
    }
  }, 60_000);
});

describe('schemaTable', () => {
  it('lists each field with type, required, default and description', () => {
    const table = schemaTable(
      toJsonSchema(z.object({ mode: z.enum(['a', 'b']).describe('Mode'), n: z.number().default(3).describe('Count | total'), tags: z.array(z.string()).optional() })),
    );
    expect(table.split('\n')).toEqual([
      '| field | type | required | default | description |',
      '|---|---|---|---|---|',
      '| `mode` | "a" \\| "b" | yes |  | Mode |',
      '| `n` | number | no | `3` | Count \\| total |',
      '| `tags` | string[] | no |  |  |',
    ]);
  });
});

describe('docs/workflows pages', () => {
  const pages = readdirSync('docs/workflows').filter((f) => f.endsWith('.md'));

  it('there is one page per K1 workflow', () => {
    expect(pages.sort()).toEqual([...new Set(workflows.map((w) => `${w.name}.md`))].sort());
  });

  it('every page has a diagram that Mermaid parses, and input, output and task tables', async () => {
    for (const page of pages) {
      const text = readFileSync(`docs/workflows/${page}`, 'utf8');
      const blocks = mermaidBlocks(text);
      expect(blocks, page).toHaveLength(1);
      await expect(parseMermaid(blocks[0] as string), page).resolves.toMatchObject({ diagramType: 'flowchart-v2' });
      for (const heading of ['## Input', '## Output', '## Tasks']) expect(text, page).toContain(heading);
    }
  }, 60_000);
});
