/**
 * Names of what the importer writes, made from names in definitions: identifiers for variables
 * and file names inside the output folder, with a containment check on every path.
 */
import { isAbsolute, relative, resolve, sep } from 'node:path';

const RESERVED = new Set(
  'break case catch class const continue debugger default delete do else enum export extends false finally for function if import in instanceof new null return super switch this throw true try typeof var void while with yield let static implements interface package private protected public await z workflow defineTask untypedRef workflows tasks'.split(' '),
);

function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter((w) => w !== '');
}

/** A camelCase identifier for a name (`platformio_compile` → `platformioCompile`), unique among `taken`. */
export function identifierFor(name: string, taken: Set<string>): string {
  const parts = words(name);
  let base = parts.map((w, i) => (i === 0 ? w.charAt(0).toLowerCase() + w.slice(1) : w.charAt(0).toUpperCase() + w.slice(1))).join('');
  if (base === '' || /^\d/.test(base) || RESERVED.has(base)) base = `_${base}`;
  let id = base;
  for (let n = 2; taken.has(id); n++) id = `${base}${n}`;
  taken.add(id);
  return id;
}

/** A kebab-case file stem for a name (`ForkConditionalTest` → `fork-conditional-test`), unique among `taken`. */
export function fileStemFor(name: string, taken: Set<string>): string {
  const base = words(name).map((w) => w.toLowerCase()).join('-').slice(0, 100) || 'unnamed';
  let stem = base;
  for (let n = 2; taken.has(stem); n++) stem = `${base}-${n}`;
  taken.add(stem);
  return stem;
}

/**
 * `file` (relative, forward slashes) resolved inside `outDir`.
 * @throws Error when it would land outside `outDir` (an absolute path, `..`): names come from
 * definitions, which are input.
 */
export function insideOut(outDir: string, file: string): string {
  const root = resolve(outDir);
  const target = resolve(root, file);
  const rel = relative(root, target);
  if (isAbsolute(file) || rel === '' || rel.startsWith(`..${sep}`) || rel === '..' || isAbsolute(rel)) {
    throw new Error(`refusing to write ${JSON.stringify(file)}: it is not inside the output folder ${root}.`);
  }
  return target;
}
