/** A JSON object read from a definition: keys to values nobody has checked yet. */
export type JsonObject = Readonly<Record<string, unknown>>;

/** True for a JSON object: not null, not an array. */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** True when a field is set: Jackson treats a JSON `null` like a missing field. */
export function isPresent(value: unknown): boolean {
  return value !== undefined && value !== null;
}

/** True for a string with something other than whitespace in it. */
export function isNonBlankString(value: unknown): value is string {
  return typeof value === 'string' && value.trim() !== '';
}

/** True when `object` is a JSON object that has `key` as its own field (set to anything). */
export function hasKey(object: unknown, key: string): boolean {
  return isJsonObject(object) && Object.hasOwn(object, key);
}

/**
 * A whole-number field as the server reads it: a number (truncated) or text holding a whole
 * number; undefined when absent or unreadable (json-binding.ts reports those).
 */
export function wholeNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Math.trunc(value);
  if (typeof value === 'string' && /^\s*[-+]?\d+\s*$/.test(value)) return Number(value.trim());
  return undefined;
}

/** Names a value's JSON type for messages: `a string`, `an array`, `null`, ... */
export function describeJsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  switch (typeof value) {
    case 'string':
      return 'a string';
    case 'number':
      return 'a number';
    case 'boolean':
      return 'a boolean';
    case 'object':
      return 'an object';
    default:
      return typeof value;
  }
}

const PLAIN_KEY = /^[A-Za-z_$][\w$-]*$/;
/** Keys repeat across definitions: whether each is plain is kept (up to a bound). */
const plainKeys = new Map<string, boolean>();

function isPlainKey(key: string): boolean {
  let plain = plainKeys.get(key);
  if (plain === undefined) {
    if (plainKeys.size >= 10_000) plainKeys.clear();
    plainKeys.set(key, (plain = PLAIN_KEY.test(key)));
  }
  return plain;
}

/** Extends a field path: (`a`, `b`) → `a.b`, (`a`, 0) → `a[0]`, (`a`, `x y`) → `a["x y"]`. */
export function childPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  if (!isPlainKey(key)) return `${parent}[${JSON.stringify(key)}]`;
  return parent === '' ? key : `${parent}.${key}`;
}

/** Quotes a value for a message, the way it would appear in JSON. */
export function quote(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}
