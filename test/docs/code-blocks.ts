/**
 * The fenced TypeScript blocks of the project's Markdown, for the docs test (docs-blocks.test.ts).
 *
 * The convention (also in CONTRIBUTING.md):
 * - ```` ```ts ```` a block that compiles on its own inside the repository, with the project's
 *   tsconfig.json (`@k1/workflows` resolves to the sources);
 * - ```` ```ts run ```` the same, and a program: the test runs it (in process, `cwd` the
 *   repository root, `CONDUCTOR_SERVER_URL` a dev server on 127.0.0.1); it proves its claims
 *   with `node:assert`, so a wrong claim fails the test;
 * - ```` ```ts file=my-flows/definitions/index.ts ```` a file of a project the page builds: it
 *   compiles at that path (blocks of one page may import each other) and the test that owns the
 *   page uses it;
 * - ```` ```ts partial ```` a fragment, deliberately incomplete: not compiled.
 * `typescript` is the same as `ts`; blocks in other languages are not read.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** One fenced TypeScript block. */
export interface CodeBlock {
  /** The Markdown file, relative to the repository root. */
  readonly doc: string;
  /** Line of the opening fence, from 1. */
  readonly line: number;
  readonly code: string;
  readonly partial: boolean;
  readonly run: boolean;
  /** The `file=` path, relative to the repository root. */
  readonly file: string | undefined;
}

const FENCE = /^```(\w+)?(.*)$/;

/** Every fenced TypeScript block of `doc` (a path relative to `root`), with its attributes. */
export function codeBlocks(root: string, doc: string): CodeBlock[] {
  const lines = readFileSync(join(root, doc), 'utf8').split('\n');
  const blocks: CodeBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i] as string);
    if (open === null) continue;
    const end = lines.findIndex((text, j) => j > i && text.startsWith('```'));
    if (end === -1) throw new Error(`${doc}:${i + 1}: a code fence that is never closed.`);
    const words = (open[2] ?? '').trim().split(/\s+/).filter(Boolean);
    const unknown = words.filter((w) => w !== 'partial' && w !== 'run' && !w.startsWith('file='));
    if ((open[1] === 'ts' || open[1] === 'typescript') && unknown.length > 0) {
      throw new Error(`${doc}:${i + 1}: unknown attribute ${unknown.join(' ')} on a TypeScript block; use partial, run or file=PATH.`);
    }
    if (open[1] === 'ts' || open[1] === 'typescript') {
      blocks.push({
        doc,
        line: i + 1,
        code: lines.slice(i + 1, end).join('\n') + '\n',
        partial: words.includes('partial'),
        run: words.includes('run'),
        file: words.find((w) => w.startsWith('file='))?.slice('file='.length),
      });
    }
    i = end;
  }
  return blocks;
}

/** README.md and every Markdown file of docs/ (not the generated API reference in docs/api/). */
export function documentedFiles(root: string): string[] {
  const docs = readdirSync(join(root, 'docs'), { recursive: true, encoding: 'utf8' })
    .filter((path) => path.endsWith('.md') && !path.startsWith('api'))
    .map((path) => `docs/${path.split('\\').join('/')}`)
    .sort();
  return ['README.md', 'CONTRIBUTING.md', ...docs];
}
