/**
 * The two trees: `src/` is the toolkit any Conductor user would use, `definitions/` the K1
 * application written with it. The toolkit never imports the application, in any form: static
 * and type-only imports, `export ... from`, `import()` with any quotes (a template literal too),
 * `import('...')` types, `require()`, `require.resolve()` and `import.meta.resolve()`; nor names
 * the K1 entry point `@k1/workflows/k1` in any string (which a computed import could load).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';
import { expect, it } from 'vitest';
import { K1_OWNER_EMAIL } from '../definitions/project.ts';

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? files(path) : /\.[cm]?[jt]sx?$/.test(entry.name) ? [path] : [];
  });
}

/** The K1 entry point's package name: a string starting with it names K1 code. */
const K1_PACKAGE = '@k1/workflows/k1';

/** The text of a string-like literal, or the fixed head of a template with substitutions. */
function literalText(node: ts.Node | undefined): string | undefined {
  if (node === undefined) return undefined;
  if (ts.isStringLiteralLike(node)) return node.text;
  if (ts.isTemplateExpression(node)) return node.head.text;
  return undefined;
}

/** True for `import(x)`, `require(x)`, `require.resolve(x)`, `import.meta.resolve(x)`. */
function loadsModule(call: ts.CallExpression): boolean {
  const callee = call.expression;
  if (callee.kind === ts.SyntaxKind.ImportKeyword) return true;
  if (ts.isIdentifier(callee)) return callee.text === 'require';
  if (!ts.isPropertyAccessExpression(callee) || callee.name.text !== 'resolve') return false;
  const target = callee.expression;
  return (ts.isIdentifier(target) && target.text === 'require') || (ts.isMetaProperty(target) && target.keywordToken === ts.SyntaxKind.ImportKeyword);
}

/** Every module specifier of `source` (static, re-export, dynamic, require, import types). */
function specifiers(source: ts.SourceFile): string[] {
  const found: string[] = [];
  const add = (node: ts.Node | undefined): void => {
    const text = literalText(node);
    if (text !== undefined) found.push(text);
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) add(node.moduleSpecifier);
    else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) add(node.moduleReference.expression);
    else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) add(node.argument.literal);
    else if (ts.isCallExpression(node) && loadsModule(node)) add(node.arguments[0]);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** Every string in `source` that names the K1 entry point, import or not. */
function packageNames(source: ts.SourceFile): string[] {
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    const text = ts.isTemplateSpan(node) ? node.literal.text : literalText(node);
    if (text?.startsWith(K1_PACKAGE)) found.push(text);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** What in `text` (the source of `file`) reaches into definitions/ or names the K1 entry point. */
function referencesToK1(file: string, text: string): string[] {
  const definitions = resolve('definitions');
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const target = (spec: string): string | undefined => {
    if (spec.startsWith('file:')) return fileURLToPath(spec);
    return spec.startsWith('.') || isAbsolute(spec) ? resolve(file, '..', spec) : undefined;
  };
  const intoDefinitions = specifiers(source).filter((spec) => {
    const path = target(spec);
    return path !== undefined && !relative(definitions, path).startsWith('..') && !isAbsolute(relative(definitions, path));
  });
  return [...new Set([...intoDefinitions, ...packageNames(source)])].map((spec) => `${file}: ${spec}`);
}

it('no file under src/ imports from definitions/ or names the K1 entry point', () => {
  expect(files('src').flatMap((file) => referencesToK1(file, readFileSync(file, 'utf8')))).toEqual([]);
});

it("src/ holds no K1 value: the K1 owner address is definitions/project.ts's alone", () => {
  expect(files('src').filter((file) => readFileSync(file, 'utf8').includes(K1_OWNER_EMAIL))).toEqual([]);
});

it('the check finds every import form into definitions/ and every naming of @k1/workflows/k1, and leaves the rest', () => {
  const found: Record<string, string> = {
    "import { git } from '../../definitions/services/git.ts';": '../../definitions/services/git.ts',
    'import type { K1Config } from "../../definitions/workers/index.ts";': '../../definitions/workers/index.ts',
    "import '../../definitions/events.ts';": '../../definitions/events.ts',
    "export { notify } from '../../definitions/tasks/notify-task.ts';": '../../definitions/tasks/notify-task.ts',
    "export * from '../../definitions';": '../../definitions',
    'const a = await import(`../../definitions/k1.ts`);': '../../definitions/k1.ts',
    "const b = await import ( '../../definitions/workflows/device-limits.ts' );": '../../definitions/workflows/device-limits.ts',
    'const c = await import(`../../definitions/workflows/${name}.ts`);': '../../definitions/workflows/',
    "const d = require('../../definitions/webhook.ts');": '../../definitions/webhook.ts',
    "const e = require.resolve('../../definitions/webhook-env.ts');": '../../definitions/webhook-env.ts',
    "const f = import.meta.resolve('../../definitions/schedules/pattern-nightly-regression.ts');": '../../definitions/schedules/pattern-nightly-regression.ts',
    "type G = typeof import('../../definitions/services/pattern.ts');": '../../definitions/services/pattern.ts',
    "import h = require('../../definitions/services/wav.ts');": '../../definitions/services/wav.ts',
    [`const i = await import(${JSON.stringify(resolve('definitions/k1.ts'))});`]: resolve('definitions/k1.ts'),
    [`const j = await import('${pathToFileURL(resolve('definitions/k1.ts')).href}');`]: pathToFileURL(resolve('definitions/k1.ts')).href,
    "const k = await import('@k1/workflows/k1');": '@k1/workflows/k1',
    "const entry = '@k1/workflows/k1'; const l = await import(entry);": '@k1/workflows/k1',
  };
  const left = [
    "import { run } from './run.ts';",
    "import { z } from 'zod';",
    "import { x } from '../../definitions-old/x.ts';",
    "const m = await import('@k1/workflows/testing');",
    'const n = await import(pathToFileURL(definitionsFile).href);',
    "// a comment about '../../definitions/k1.ts' and @k1/workflows/k1",
    'const o = `${root}/definitions/index.ts`;',
  ];
  for (const [line, spec] of Object.entries(found)) expect(referencesToK1('src/runner/x.ts', line), line).toEqual([`src/runner/x.ts: ${spec}`]);
  for (const line of left) expect(referencesToK1('src/runner/x.ts', line), line).toEqual([]);
});
