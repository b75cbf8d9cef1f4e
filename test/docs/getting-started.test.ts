/**
 * docs/getting-started.md works as written: the files it shows (its ```ts file=my-flows/...
 * blocks) are written into a scratch project inside the repository, and the commands it shows
 * run there: `gen` generates them, the page's own test passes on what gen wrote, and `tsc -p`
 * with the page's tsconfig checks the test's types.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { codeBlocks } from './code-blocks.ts';

const exec = promisify(execFile);
const ROOT = process.cwd();
const PAGE = 'docs/getting-started.md';
const FOLDER = 'my-flows';
// A fixed folder, so that gen's incremental type check keeps one cache entry for it.
const project = join(ROOT, '.tmp', 'getting-started');
const page = readFileSync(join(ROOT, PAGE), 'utf8');
const files = codeBlocks(ROOT, PAGE).filter((b) => b.file !== undefined);
/** The `my-flows/tsconfig.json` the page shows, for checking the test's types. */
const TSCONFIG = '{ "extends": "../tsconfig.json", "include": ["."] }';

/** The arguments of a command the page shows, with its folder moved to the scratch project. */
function shown(command: string): string[] {
  expect(page, `${PAGE} shows \`${command}\``).toContain(`\n${command}\n`);
  return command.split(' ').map((word) => word.replace(FOLDER, relative(ROOT, project)));
}

describe(PAGE, () => {
  afterAll(() => rmSync(project, { recursive: true, force: true }));

  it('takes a new project from its files to generated JSON and a passing local test', async () => {
    expect(files.map((b) => b.file)).toEqual([`${FOLDER}/definitions/index.ts`, `${FOLDER}/test/greeting.test.ts`]);
    rmSync(project, { recursive: true, force: true });
    for (const block of files) {
      const target = join(project, relative(FOLDER, block.file as string));
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, block.code);
    }

    const [npm, run, gen, dashes, ...genArgs] = shown(`npm run gen -- --root ${FOLDER}`);
    expect([npm, run, gen, dashes]).toEqual(['npm', 'run', 'gen', '--']);
    const generated = await exec(process.execPath, ['scripts/k1-workflows.mjs', 'gen', ...genArgs], { cwd: ROOT });
    expect(generated.stdout).toContain('gen: 4 files, 4 changed.');
    const json = JSON.parse(readFileSync(join(project, 'generated/workflows/greeting.v1.json'), 'utf8')) as { tasks: { taskReferenceName: string }[] };
    expect(json.tasks.map((t) => t.taskReferenceName)).toEqual(['compose', 'how_loud', 'pick']);
    expect(JSON.parse(readFileSync(join(project, 'generated/tasks/greeting_compose.json'), 'utf8'))).toMatchObject({ timeoutSeconds: 30, responseTimeoutSeconds: 30, retryCount: 1 });
    expect(existsSync(join(project, 'docs/workflows/greeting.md'))).toBe(true);

    const [node, ...testArgs] = shown(`node --conditions=k1-source --import tsx --test ${FOLDER}/test/greeting.test.ts`);
    expect(node).toBe('node');
    const tested = await exec(process.execPath, testArgs, { cwd: ROOT });
    expect(tested.stdout).toMatch(/# pass 3\n# fail 0\n/);

    // The page's tsconfig makes `tsc -p` check the test too: a type error put into it is the only
    // error found (so @k1/workflows/testing and node's types resolve with the repository's settings).
    expect(page).toContain(`\n${TSCONFIG}\n`);
    writeFileSync(join(project, 'tsconfig.json'), TSCONFIG.replace('../tsconfig.json', relative(project, join(ROOT, 'tsconfig.json'))));
    writeFileSync(join(project, 'test/greeting.test.ts'), `${readFileSync(join(project, 'test/greeting.test.ts'), 'utf8')}export const wrong: number = 'text';\n`);
    const [npx, tsc, ...tscArgs] = shown(`npx tsc --noEmit -p ${FOLDER}`);
    expect([npx, tsc]).toEqual(['npx', 'tsc']);
    const checked = await exec(process.execPath, ['node_modules/typescript/bin/tsc', ...tscArgs], { cwd: ROOT }).then(
      () => ({ stdout: '' }),
      (e: { stdout: string }) => e,
    );
    expect(checked.stdout.trim().split('\n')).toEqual([expect.stringMatching(/^\.tmp\/getting-started\/test\/greeting\.test\.ts\(\d+,14\): error TS2322: Type 'string' is not assignable to type 'number'\.$/)]);
  }, 180_000);
});
