/**
 * Every fenced TypeScript block of README.md, CONTRIBUTING.md and docs/ compiles, and the
 * runnable ones run: the documentation cannot drift from the code. The fence convention is in
 * code-blocks.ts (and CONTRIBUTING.md): ```ts compiles, ```ts run compiles and runs,
 * ```ts file=PATH is a file of the project a page builds, ```ts partial is left alone.
 * Runnable blocks get a dev server on 127.0.0.1 as CONDUCTOR_SERVER_URL, never a real server.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Flow } from '../../src/dsl/flow.ts';
import { startDevServer, type DevServer } from '../../src/server/index.ts';
import { codeBlocks, documentedFiles, type CodeBlock } from './code-blocks.ts';
import { compileBlocks } from './compile-blocks.ts';

const ROOT = process.cwd();
const blocks = documentedFiles(ROOT).flatMap((doc) => {
  try {
    return codeBlocks(ROOT, doc);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
});
const runnable = blocks.filter((b) => b.run);

describe('the TypeScript blocks of the documentation', () => {
  it('has blocks to check, each fence with a known attribute', () => {
    expect(blocks.length).toBeGreaterThan(20);
    expect(runnable.length).toBeGreaterThan(10);
    for (const block of blocks) expect(block.partial && block.run, `${block.doc}:${block.line} is partial and run`).toBe(false);
  });

  it('compiles every block that is not partial, in one program with the project tsconfig', () => {
    const started = performance.now();
    const errors = compileBlocks(ROOT, blocks.filter((b) => !b.partial));
    expect(errors).toEqual([]);
    console.log(`docs blocks: ${blocks.filter((b) => !b.partial).length} compiled in ${Math.round(performance.now() - started)} ms, ${blocks.filter((b) => b.partial).length} partial, ${runnable.length} to run`);
  }, 120_000);

  it('docs/dsl.md has a section, with a runnable example, for every method of the DSL', () => {
    // `then` is the private step every method takes; a method a later change adds must be documented.
    const methods = Object.getOwnPropertyNames(Flow.prototype).filter((name) => name !== 'constructor' && name !== 'then');
    expect(methods.length).toBeGreaterThanOrEqual(15);
    const page = readFileSync(join(ROOT, 'docs/dsl.md'), 'utf8');
    const sections = page.split(/^## /m).slice(1);
    for (const method of methods) {
      const section = sections.find((text) => text.startsWith(`\`${method}(`));
      expect(section, `docs/dsl.md has no section "## \`${method}(...)\`"`).toBeDefined();
      expect(section, `the section of ${method} has no runnable example`).toMatch(new RegExp(`\`\`\`ts run\n[\\s\\S]*\\.${method}\\(`));
    }
  });

  it('reports a broken block at its line in the document', () => {
    const broken: CodeBlock = { doc: 'docs/x.md', line: 10, code: "import { defineTask } from '@k1/workflows';\nconst n: number = defineTask;\n", partial: false, run: false, file: undefined };
    const errors = compileBlocks(ROOT, [broken]);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^docs\/x\.md:12: TS2322 /);
  }, 120_000);
});

describe('the runnable blocks', () => {
  const dir = join(ROOT, '.tmp', `docs-run-${process.pid}`);
  let server: DevServer;
  const saved: Record<string, string | undefined> = {};

  beforeAll(async () => {
    for (const name of ['CONDUCTOR_SERVER_URL', 'CONDUCTOR_AUTH_KEY', 'CONDUCTOR_AUTH_SECRET']) saved[name] = process.env[name];
    delete process.env.CONDUCTOR_AUTH_KEY;
    delete process.env.CONDUCTOR_AUTH_SECRET;
    server = await startDevServer({ host: '127.0.0.1' });
    process.env.CONDUCTOR_SERVER_URL = server.url;
    mkdirSync(dir, { recursive: true });
  });

  afterAll(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  for (const block of runnable) {
    it(`${block.doc}:${block.line} runs`, async () => {
      const file = join(dir, `${block.doc.replaceAll('/', '_')}.L${block.line}.ts`);
      writeFileSync(file, block.code);
      await import(pathToFileURL(file).href);
    }, 60_000);
  }
});
