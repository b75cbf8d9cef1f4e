/**
 * `npm run bench -- typecheck`: what the type check inside `gen` costs, cold (no build info),
 * warm (nothing changed: the up-to-date stamp), and after an edit to one workflow (incremental),
 * next to `gen --no-typecheck` and the floor every `k1-workflows` run pays: starting node with
 * tsx. Each is a whole `k1-workflows gen --check` process on a copy of the K1 definitions (its
 * own folder under .tmp/, so the project's files and cache are left alone); medians of 3.
 */
import { execFileSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';

const RUNS = 3;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

/** Wall time of one process, in ms; it must exit 0. */
function timed(args: readonly string[]): number {
  const start = performance.now();
  execFileSync(process.execPath, args, { stdio: 'pipe' });
  return performance.now() - start;
}

/** Median wall time of `RUNS` runs, `before` run ahead of each (untimed). */
function measure(args: readonly string[], before: () => void = () => undefined): number {
  const times: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    before();
    times.push(timed(args));
  }
  return median(times);
}

/** A copy of the K1 definitions under .tmp/ to run `gen` in, and the argument lists for it; `remove` deletes it. */
function genCopy(): { dir: string; gen: (...extra: string[]) => string[]; floor: string[]; remove: () => void } {
  const dir = resolve('.tmp', `bench-gen-${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  cpSync('definitions', join(dir, 'definitions'), { recursive: true });
  cpSync('generated', join(dir, 'generated'), { recursive: true });
  cpSync(join('docs', 'workflows'), join(dir, 'docs', 'workflows'), { recursive: true });
  // The definitions import ../src; node_modules and tsconfig.json are found above, as in the project.
  symlinkSync(resolve('src'), join(dir, 'src'), 'dir');
  writeFileSync(join(dir, 'empty.ts'), 'export {};\n');
  writeFileSync(join(dir, 'floor.mjs'), "import { register } from 'tsx/esm/api';\nregister();\nawait import('./empty.ts');\n");
  return {
    dir,
    gen: (...extra) => [resolve('scripts', 'k1-workflows.mjs'), 'gen', '--check', '--root', dir, ...extra],
    floor: [join(dir, 'floor.mjs')],
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * A whole `gen --check` process on the K1 definitions with the type check warm, and the tsx
 * floor, alternated: medians of `runs` each, ms. Leaves nothing behind.
 */
export function genProcessFigures(runs: number): { gen: number; floor: number } {
  const copy = genCopy();
  try {
    timed(copy.gen()); // the first one type-checks cold and leaves the build info
    const gen: number[] = [];
    const floor: number[] = [];
    for (let r = 0; r < runs; r++) {
      floor.push(timed(copy.floor));
      gen.push(timed(copy.gen()));
    }
    return { gen: median(gen), floor: median(floor) };
  } finally {
    copy.remove();
  }
}

/** Prints the figures; leaves nothing behind. */
export function benchTypecheck(): void {
  const copy = genCopy();
  try {
    const { dir, gen } = copy;
    const cache = join(dir, '.tmp', 'typecheck');
    const edited = join(dir, 'definitions', 'workflows', 'firmware-ci-cd-pipeline.ts');
    let edits = 0;

    const floor = measure(copy.floor);
    const plain = measure(gen('--no-typecheck'));
    const cold = measure(gen(), () => rmSync(cache, { recursive: true, force: true }));
    const warm = measure(gen());
    const edit = measure(gen(), () => appendFileSync(edited, `// edit ${++edits}\n`));
    const row = (label: string, ms: number, over?: number): string => `  ${label.padEnd(44)} ${ms.toFixed(0).padStart(6)} ms${over === undefined ? '' : `   (type check: +${Math.max(0, ms - over).toFixed(0)} ms)`}`;
    console.log(`type check inside gen (k1-workflows gen --check on the K1 definitions, whole processes, median of ${RUNS}):`);
    console.log(row('floor: node + tsx, an empty module', floor));
    console.log(row('gen --no-typecheck', plain));
    console.log(row('gen, cold (no build info)', cold, plain));
    console.log(row('gen, warm (nothing changed)', warm, plain));
    console.log(row('gen, after an edit to one workflow', edit, plain));
  } finally {
    copy.remove();
  }
}
