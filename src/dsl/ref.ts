/**
 * Typed references. A reference is a proxy that remembers a path (`compile.output.firmware_bin_path`)
 * and renders as a Conductor expression (`${compile.output.firmware_bin_path}`), or, inside a
 * JavaScript condition, as `$.compile.firmware_bin_path`. Its type parameter is phantom: it only
 * exists for `tsc`, so that passing a reference of the wrong type is a compile error.
 */

declare const refType: unique symbol;

/** A reference to a value of type `T` produced at run time. */
export interface Ref<T> {
  /** Phantom: never present at run time. */
  readonly [refType]: T;
}

const refs = new WeakMap<object, string>();

/** How a reference renders: as a Conductor `${...}` expression, or as a JavaScript `$.` access. */
export type RefStyle = 'expression' | 'script';

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

function render(path: string, style: RefStyle): string {
  return style === 'expression' ? `\${${path}}` : `$.${path}`;
}

function child(path: string, key: string): string {
  if (/^\d+$/.test(key)) return `${path}[${key}]`;
  return IDENTIFIER.test(key) ? `${path}.${key}` : `${path}['${key.replaceAll("'", "\\'")}']`;
}

/**
 * Makes a reference proxy for `path`. Property access extends the path; string conversion (a
 * template literal, `String(ref)`, JSON) renders it, so `` `fw-${s.input.sha}` `` becomes the
 * Conductor interpolation `fw-${workflow.input.sha}`.
 */
export function makeRef(path: string, style: RefStyle = 'expression'): never {
  const rendered = render(path, style);
  const proxy: object = new Proxy(Object.create(null) as object, {
    get(_target, key) {
      if (key === Symbol.toPrimitive) return () => rendered;
      if (key === 'toString' || key === 'toJSON' || key === 'valueOf') return () => rendered;
      if (typeof key === 'symbol' || key === 'then') return undefined;
      return makeRef(child(path, key), style);
    },
    set() {
      throw new TypeError(`References are read-only: cannot assign to ${rendered}.`);
    },
  });
  refs.set(proxy, rendered);
  return proxy as never;
}

/** The rendered text of a reference, or undefined when `value` is not one. */
export function renderedRef(value: unknown): string | undefined {
  return typeof value === 'object' && value !== null ? refs.get(value) : undefined;
}

/**
 * Turns what a user wrote for an input (literals, references, nested objects and lists) into the
 * plain JSON template Conductor resolves. `undefined` fields are dropped, as JSON would.
 */
export function toTemplate(value: unknown, where: string): unknown {
  const rendered = renderedRef(value);
  if (rendered !== undefined) return rendered;
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`${where}: ${value} is not a JSON number; pass a finite number.`);
    return value;
  }
  if (Array.isArray(value)) return value.map((item, i) => toTemplate(item, `${where}[${i}]`));
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      if (item !== undefined) out[key] = toTemplate(item, `${where}.${key}`);
    }
    return out;
  }
  throw new TypeError(
    `${where}: ${typeof value} values cannot be sent to Conductor; pass JSON (strings, numbers, booleans, null, plain objects, arrays) or a reference.`,
  );
}

/**
 * Part of the escape hatch: a reference to `path` (`approval.output.approved`, rendered
 * `${approval.output.approved}`) that tsc does not check, for a value the DSL cannot type (a task
 * inside a raw task's branch, an output nobody declared). Prefer the typed `s.<ref>.output...`.
 * @throws TypeError when `path` is empty or holds `${` or `}` (give the path, not the expression).
 */
export function untypedRef(path: string): Ref<any> {
  if (path === '' || path.includes('${') || path.includes('}')) {
    throw new TypeError(`untypedRef: "${path}" is not a reference path; give the path inside \${...}, e.g. 'task_ref.output.field'.`);
  }
  return makeRef(path);
}
