import { MAX_NESTING_DEPTH } from '../json-depth.ts';

/**
 * A deep copy of task data, as `structuredClone` makes it, without its cost on the plain parts:
 * arrays and plain objects (prototype Object.prototype or null) are copied here, key by key
 * (own enumerable string keys, as structuredClone takes them); anything else (a Date, a Map, a
 * class instance a worker returned, a part nested past {@link MAX_NESTING_DEPTH}, where a cycle
 * would be) goes to `structuredClone`. Two places that held one object hold two equal copies.
 * @throws DOMException (DataCloneError) where structuredClone does: a function, a symbol.
 */
export function plainCopy<T>(value: T, depth = 0): T {
  if (typeof value !== 'object' || value === null) {
    if (typeof value === 'function' || typeof value === 'symbol') return structuredClone(value);
    return value;
  }
  if (depth >= MAX_NESTING_DEPTH) return structuredClone(value);
  if (Array.isArray(value)) {
    const copy = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i++) copy[i] = plainCopy(value[i], depth + 1);
    return copy as T;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return structuredClone(value);
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const item = plainCopy((value as Record<string, unknown>)[key], depth + 1);
    // A `__proto__` key is data, as structuredClone keeps it: assigned, it would set the prototype.
    if (key === '__proto__') Object.defineProperty(copy, key, { value: item, enumerable: true, writable: true, configurable: true });
    else copy[key] = item;
  }
  return copy as T;
}
