/**
 * `npm run bench -- zod`: zod 4 (the `zod/v4` entry the pinned zod 3.25 package ships) against
 * zod 3 (what the project uses), on what matters here (docs/decisions/zod-4.md):
 *
 * 1. the type checker's cost of the K1 task contracts: `tsc --extendedDiagnostics` on a copy of
 *    definitions/tasks, each contract's input and output inferred, once importing `zod`, once
 *    `zod/v4` (the library's `defineTask` replaced by a plain generic one, so only zod's types count);
 * 2. a worker's parse time per task input: the bench worker's 8-field input contract, `parse()`;
 * 3. the emitted JSON Schema: zod 4's own `z.toJSONSchema` (draft-7, input side) of every K1
 *    contract against what `npm run gen` wrote (zod-to-json-schema), difference by difference.
 *
 * Leaves nothing behind (its copies live under .tmp/ while it runs).
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { z as z3 } from 'zod';
import { z as z4 } from 'zod/v4';

const median = (values: readonly number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

/** A copy of definitions/tasks importing `zodEntry`, with a plain `defineTask` that infers each contract's types. */
function contractsCopy(dir: string, zodEntry: 'zod' | 'zod/v4'): void {
  mkdirSync(dir, { recursive: true });
  cpSync('definitions/tasks', dir, { recursive: true });
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
    const path = join(dir, file);
    const text = readFileSync(path, 'utf8').replace(/from 'zod';/g, `from '${zodEntry}';`).replace("from '../../src/index.ts';", "from './define-task-shim.ts';");
    writeFileSync(path, text);
  }
  writeFileSync(
    join(dir, 'define-task-shim.ts'),
    [
      `import type { z } from '${zodEntry}';`,
      '/** The contract and the types a worker and a workflow read from it. */',
      'export function defineTask<const N extends string, I extends z.ZodType, O extends z.ZodType>(spec: { name: N; description: string; input: I; output: O } & Record<string, unknown>) {',
      '  return spec as typeof spec & { readonly types: { input: z.input<I>; parsed: z.output<I>; output: z.output<O> } };',
      '}',
      '',
    ].join('\n'),
  );
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ extends: resolve('tsconfig.json'), compilerOptions: { noEmit: true, rootDir: '.', incremental: false, composite: false }, include: ['*.ts'] }));
}

interface TscFigures {
  readonly instantiations: number;
  readonly checkSeconds: number;
  readonly errors: number;
}

function tsc(dir: string): TscFigures {
  let out: string;
  try {
    out = execFileSync(process.execPath, [resolve('node_modules/typescript/bin/tsc'), '-p', join(dir, 'tsconfig.json'), '--extendedDiagnostics'], { encoding: 'utf8' });
  } catch (error) {
    out = (error as { stdout: string }).stdout;
  }
  const figure = (label: string): number => Number(new RegExp(`${label}:\\s+([\\d.]+)`).exec(out)?.[1] ?? NaN);
  return { instantiations: figure('Instantiations'), checkSeconds: figure('Check time'), errors: out.split('\n').filter((l) => l.includes('error TS')).length };
}

/** The bench worker's input contract, written once per zod version. */
function workerInputs(): { v3: z3.ZodTypeAny; v4: z4.ZodType } {
  const build = (z: typeof z3 | typeof z4) => {
    const zz = z as typeof z3; // the same calls in both versions
    return zz.object({
      repo: zz.string().min(1),
      branch: zz.string().min(1),
      commit_sha: zz.string().regex(/^[0-9a-f]{7,40}$/),
      environment: zz.string().regex(/^[A-Za-z0-9_-]+$/),
      build_number: zz.number().int().nonnegative(),
      flags: zz.array(zz.string()).max(20),
      metrics: zz.object({ flash_bytes: zz.number().int().nonnegative(), ram_bytes: zz.number().int().nonnegative() }),
      dry_run: zz.boolean().default(false),
    });
  };
  return { v3: build(z3), v4: build(z4) as unknown as z4.ZodType };
}

function parseMicroseconds(parse: (value: unknown) => unknown, value: unknown): number {
  const n = 50_000;
  for (let i = 0; i < 10_000; i++) parse(value);
  const rounds: number[] = [];
  for (let r = 0; r < 5; r++) {
    const start = performance.now();
    for (let i = 0; i < n; i++) parse(value);
    rounds.push(((performance.now() - start) * 1000) / n);
  }
  return median(rounds);
}

/** Where two JSON values differ, as `path: left → right` lines. */
function differences(left: unknown, right: unknown, path = ''): string[] {
  if (JSON.stringify(left) === JSON.stringify(right)) return [];
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (isObject(left) && isObject(right)) {
    return [...new Set([...Object.keys(left), ...Object.keys(right)])].sort().flatMap((key) => differences(left[key], right[key], `${path}/${key}`));
  }
  if (Array.isArray(left) && Array.isArray(right) && left.length === right.length) return left.flatMap((item, i) => differences(item, right[i], `${path}/${i}`));
  return [`${path || '/'}: ${JSON.stringify(left) ?? '(none)'} → ${JSON.stringify(right) ?? '(none)'}`];
}

/** The kind of a difference: its path with list positions and property names folded. */
const kindOf = (line: string): string => line.replace(/\/properties\/[^/:]+/g, '/properties/*').replace(/\/\d+/g, '/n');

/** Prints the three comparisons. */
export async function benchZod(): Promise<void> {
  const root = resolve('.tmp', `bench-zod-${process.pid}`);
  rmSync(root, { recursive: true, force: true });
  try {
    contractsCopy(join(root, 'v3'), 'zod');
    contractsCopy(join(root, 'v4'), 'zod/v4');
    const [t3, t4] = [tsc(join(root, 'v3')), tsc(join(root, 'v4'))];
    const count = readdirSync('definitions/tasks').reduce((n, f) => n + (readFileSync(join('definitions/tasks', f), 'utf8').match(/= defineTask\(/g)?.length ?? 0), 0);
    console.log('zod 3.25 (zod) vs zod 4 (zod/v4 of the same package), on the K1 task contracts and a worker input:');
    console.log(`  type check of definitions/tasks (${count} contracts, each input and output inferred):`);
    console.log(`    zod 3: ${t3.instantiations} instantiations, check ${t3.checkSeconds.toFixed(2)} s, ${t3.errors} errors`);
    console.log(`    zod 4: ${t4.instantiations} instantiations, check ${t4.checkSeconds.toFixed(2)} s, ${t4.errors} errors`);

    const { v3, v4 } = workerInputs();
    const input = { repo: 'K1.node1', branch: 'main', commit_sha: 'abc1234def', environment: 'esp32-s3-devkitc-1', build_number: 42, flags: ['-DK1_DEBUG=0', '-O2'], metrics: { flash_bytes: 1_234_567, ram_bytes: 45_678 } };
    const p3 = parseMicroseconds((v) => v3.parse(v), input);
    const p4 = parseMicroseconds((v) => v4.parse(v), input);
    console.log(`  parse() of one 8-field task input (median of 5 x 50,000): zod 3 ${p3.toFixed(2)} us, zod 4 ${p4.toFixed(2)} us (${(p3 / p4).toFixed(1)}x)`);

    const contracts: { name: string; input: z4.ZodType; output: z4.ZodType }[] = [];
    for (const file of readdirSync(join(root, 'v4')).filter((f) => f.endsWith('-tasks.ts') || f === 'notify-task.ts')) {
      const module = (await import(pathToFileURL(join(root, 'v4', file)).href)) as Record<string, unknown>;
      for (const value of Object.values(module)) {
        const c = value as { name?: unknown; input?: z4.ZodType; output?: z4.ZodType };
        if (typeof c.name === 'string' && c.input !== undefined && c.output !== undefined) contracts.push(c as { name: string; input: z4.ZodType; output: z4.ZodType });
      }
    }
    const lines: string[] = [];
    let same = 0;
    for (const contract of contracts) {
      const generated = JSON.parse(readFileSync(join('generated', 'tasks', `${contract.name}.json`), 'utf8')) as { inputSchema: { data: unknown }; outputSchema: { data: unknown } };
      for (const [side, schema, emitted] of [['input', contract.input, generated.inputSchema.data], ['output', contract.output, generated.outputSchema.data]] as const) {
        const native = z4.toJSONSchema(schema, { target: 'draft-7', io: side === 'input' ? 'input' : 'output', unrepresentable: 'any' });
        const found = differences(emitted, native);
        if (found.length === 0) same++;
        lines.push(...found.map((d) => `${contract.name}.${side}${d}`));
      }
    }
    const kinds = new Map<string, { count: number; example: string }>();
    for (const line of lines) {
      const kind = kindOf(line.replace(/^[^/]*/, '').replace(/: .*$/, ''));
      const seen = kinds.get(kind);
      kinds.set(kind, { count: (seen?.count ?? 0) + 1, example: seen?.example ?? line });
    }
    console.log(`  JSON Schema, z.toJSONSchema (draft-7) vs generated/tasks (zod-to-json-schema): ${same} of ${contracts.length * 2} schemas identical, ${lines.length} differences:`);
    for (const [kind, { count, example }] of [...kinds].sort((a, b) => b[1].count - a[1].count)) console.log(`    ${String(count).padStart(4)} x ${kind}   e.g. ${example.slice(0, 160)}`);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
