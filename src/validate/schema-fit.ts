/**
 * Whether a value can fit a JSON Schema: a literal (checked as a JSON Schema validator would, for
 * the keywords that matter to a data flow) or a value known only by its own schema (a task's
 * output field). Only certain misfits are reported: two schemas that share any value fit.
 */
import { isJsonObject, quote } from './json-value.ts';
import {
  allowsNull,
  describeSchema,
  enumValues,
  itemOf,
  jsonTypeOf,
  matches,
  propertyOf,
  schemaTypes,
  typeAllowed,
  TYPE_NAMES,
  type Schema,
} from './schema-paths.ts';

/** Why a value cannot fit: what it is, what the schema expects, and where inside the value (field names and list indexes). */
export interface Misfit {
  /** Steps into the value, e.g. `['metrics', 'flash_bytes']`; empty for the value itself. */
  readonly path: readonly (string | number)[];
  /** What the value is, e.g. `3 (a whole number)`, `a number`, `an object without "path"`. */
  readonly found: string;
  /** What the schema expects there, e.g. `a string`, `one of "pass", "fail"`. */
  readonly expected: string;
}

/** How deep nested objects and lists are compared; deeper differences are not looked for. */
const MAX_DEPTH = 8;

function shown(value: unknown): string {
  const text = quote(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** Describes a literal for a message: `3 (a whole number)`, `"x" (a string)`, `an object`. */
export function describeLiteral(value: unknown): string {
  const type = jsonTypeOf(value);
  if (type === 'object' || type === 'array') return TYPE_NAMES[type];
  if (type === 'null') return 'null';
  return `${shown(value)} (${TYPE_NAMES[type]})`;
}

function at(misfit: Misfit | undefined, step: string | number): Misfit | undefined {
  return misfit === undefined ? undefined : { ...misfit, path: [step, ...misfit.path] };
}

/** The fields an object schema requires (undefined when it is not a plain object schema). */
export function requiredFields(schema: Schema): readonly string[] {
  if (!isJsonObject(schema) || !Array.isArray(schema.required)) return [];
  return schema.required.filter((k): k is string => typeof k === 'string');
}

/** The fields an object schema allows when it closes the object (`additionalProperties: false`); undefined when it is open. */
export function closedFields(schema: Schema): readonly string[] | undefined {
  if (!isJsonObject(schema) || schema.additionalProperties !== false || 'patternProperties' in schema || 'anyOf' in schema || 'oneOf' in schema || 'allOf' in schema) return undefined;
  return isJsonObject(schema.properties) ? Object.keys(schema.properties) : [];
}

function scalarMisfit(value: unknown, schema: Schema): Misfit | undefined {
  if (!isJsonObject(schema)) return undefined;
  if (typeof value === 'string') {
    if (typeof schema.pattern === 'string' && !matches(schema.pattern, value)) return { path: [], found: shown(value), expected: `text matching ${schema.pattern}` };
    const length = [...value].length;
    if (typeof schema.minLength === 'number' && length < schema.minLength) return { path: [], found: `${shown(value)} (${length} characters)`, expected: `at least ${schema.minLength} character${schema.minLength === 1 ? '' : 's'}` };
    if (typeof schema.maxLength === 'number' && length > schema.maxLength) return { path: [], found: `${length} characters`, expected: `at most ${schema.maxLength}` };
  }
  if (typeof value === 'number') {
    const below = (limit: unknown, exclusive: boolean): boolean => typeof limit === 'number' && (exclusive ? value <= limit : value < limit);
    const above = (limit: unknown, exclusive: boolean): boolean => typeof limit === 'number' && (exclusive ? value >= limit : value > limit);
    if (below(schema.minimum, schema.exclusiveMinimum === true)) return { path: [], found: String(value), expected: `${schema.exclusiveMinimum === true ? 'more than' : 'at least'} ${String(schema.minimum)}` };
    if (below(schema.exclusiveMinimum, true)) return { path: [], found: String(value), expected: `more than ${String(schema.exclusiveMinimum)}` };
    if (above(schema.maximum, schema.exclusiveMaximum === true)) return { path: [], found: String(value), expected: `${schema.exclusiveMaximum === true ? 'less than' : 'at most'} ${String(schema.maximum)}` };
    if (above(schema.exclusiveMaximum, true)) return { path: [], found: String(value), expected: `less than ${String(schema.exclusiveMaximum)}` };
  }
  return undefined;
}

/**
 * Why the JSON value `value` does not fit `schema`, or undefined when it fits (or the schema does
 * not say for sure). Checks the type, `const`/`enum`, `anyOf`/`oneOf` (fits one branch), string
 * `pattern` and length, number bounds, list length and items, and objects' required and allowed
 * fields, recursively.
 * @example literalMisfit(3, { type: 'string' }) // → { path: [], found: '3 (a whole number)', expected: 'a string' }
 */
export function literalMisfit(value: unknown, schema: Schema, depth = 0): Misfit | undefined {
  if (depth > MAX_DEPTH || !isJsonObject(schema)) return schema === false ? { path: [], found: describeLiteral(value), expected: 'nothing' } : undefined;
  const types = schemaTypes(schema);
  const type = jsonTypeOf(value);
  if (types !== undefined && !typeAllowed(type, types)) return { path: [], found: describeLiteral(value), expected: describeSchema(schema) };
  const values = enumValues(schema);
  if (values !== undefined && !values.some((v) => JSON.stringify(v) === JSON.stringify(value))) return { path: [], found: describeLiteral(value), expected: describeSchema(schema) };
  const anyOf = Array.isArray(schema.anyOf) ? schema.anyOf : Array.isArray(schema.oneOf) ? schema.oneOf : undefined;
  if (anyOf !== undefined) {
    const misfits = anyOf.map((branch) => literalMisfit(value, branch as Schema, depth + 1));
    if (misfits.every((m) => m !== undefined)) return misfits.find((m) => m.path.length > 0) ?? { path: [], found: describeLiteral(value), expected: describeSchema(schema) };
    return undefined;
  }
  if (type === 'array') {
    const items = value as unknown[];
    const count = itemCountMisfit(items.length, schema);
    if (count !== undefined) return count;
    for (const [i, item] of items.entries()) {
      const lookup = itemOf(schema, i);
      const misfit = lookup.kind === 'found' ? literalMisfit(item, lookup.schema, depth + 1) : undefined;
      if (misfit !== undefined) return at(misfit, i);
    }
    return undefined;
  }
  if (type === 'object') return objectMisfit(Object.keys(value as object), schema, (key, field) => literalMisfit((value as Record<string, unknown>)[key], field, depth + 1));
  return scalarMisfit(value, schema);
}

/** Why a list of `count` items does not fit `schema`'s `minItems`/`maxItems`; undefined when it does. */
export function itemCountMisfit(count: number, schema: Schema): Misfit | undefined {
  if (!isJsonObject(schema)) return undefined;
  if (typeof schema.minItems === 'number' && count < schema.minItems) return { path: [], found: `a list of ${count}`, expected: `at least ${schema.minItems} item${schema.minItems === 1 ? '' : 's'}` };
  if (typeof schema.maxItems === 'number' && count > schema.maxItems) return { path: [], found: `a list of ${count}`, expected: `at most ${schema.maxItems} items` };
  return undefined;
}

/**
 * Checks an object's keys against an object schema: every required field present, no field the
 * schema closes out, and each field's value (through `field`) fitting its schema.
 */
export function objectMisfit(keys: readonly string[], schema: Schema, field: (key: string, schema: Schema) => Misfit | undefined): Misfit | undefined {
  const missing = requiredFields(schema).find((k) => !keys.includes(k));
  if (missing !== undefined) return { path: [], found: `an object without ${quote(missing)}`, expected: `an object with ${quote(missing)}` };
  const allowed = closedFields(schema);
  const extra = allowed === undefined ? undefined : keys.find((k) => !allowed.includes(k));
  if (extra !== undefined) return { path: [], found: `an object with ${quote(extra)}`, expected: allowed?.length === 0 ? 'an object without fields' : `only the fields ${(allowed ?? []).map((k) => quote(k)).join(', ')}` };
  for (const key of keys) {
    const lookup = propertyOf(schema, key);
    const misfit = lookup.kind === 'found' ? field(key, lookup.schema) : undefined;
    if (misfit !== undefined) return at(misfit, key);
  }
  return undefined;
}

/**
 * Why a value described by `producer` cannot fit `consumer`, or undefined when some value could
 * fit both. Certain misfits only: no common JSON type (null aside: a value that may be null is
 * the caller's to judge with {@link allowsNull}), no common listed value, an object the producer
 * closes without a field the consumer requires, or fields and items that cannot fit, recursively.
 * @example schemaMisfit({ type: 'number' }, { type: 'string' }) // → { path: [], found: 'a number', expected: 'a string' }
 */
export function schemaMisfit(producer: Schema, consumer: Schema, depth = 0): Misfit | undefined {
  if (depth > MAX_DEPTH) return undefined;
  const made = schemaTypes(producer);
  const taken = schemaTypes(consumer);
  if (made === undefined || taken === undefined) return undefined;
  const nonNull = [...made].filter((t) => t !== 'null');
  // Only null: the caller reports it as a null, not as a type.
  if (nonNull.length === 0) return undefined;
  const common = nonNull.filter((t) => typeAllowed(t, taken));
  if (common.length === 0) return { path: [], found: describeSchema(producer), expected: describeSchema(consumer) };
  const offered = enumValues(producer);
  if (offered !== undefined) {
    const fitting = offered.filter((v) => v === null || literalMisfit(v, consumer, depth + 1) === undefined);
    if (fitting.length === 0) return { path: [], found: describeSchema(producer), expected: describeSchema(consumer) };
    return undefined;
  }
  const wanted = enumValues(consumer);
  if (wanted !== undefined) return undefined;
  if (common.length === 1 && common[0] === 'object') return producedObjectMisfit(producer, consumer, depth);
  if (common.length === 1 && common[0] === 'array') {
    const made0 = itemOf(producer, 0);
    const taken0 = itemOf(consumer, 0);
    if (made0.kind === 'found' && taken0.kind === 'found') return at(schemaMisfit(made0.schema, taken0.schema, depth + 1), 0);
  }
  return undefined;
}

function producedObjectMisfit(producer: Schema, consumer: Schema, depth: number): Misfit | undefined {
  for (const key of requiredFields(consumer)) {
    const made = propertyOf(producer, key);
    if (made.kind === 'missing') return { path: [], found: `an object without ${quote(key)}`, expected: `an object with ${quote(key)}` };
  }
  const allowed = closedFields(consumer);
  const fields = isJsonObject(producer) && isJsonObject(producer.properties) ? Object.keys(producer.properties) : [];
  if (allowed !== undefined) {
    const extra = requiredFields(producer).find((k) => !allowed.includes(k));
    if (extra !== undefined) return { path: [], found: `an object with ${quote(extra)}`, expected: `only the fields ${allowed.map((k) => quote(k)).join(', ')}` };
  }
  for (const key of fields) {
    const made = propertyOf(producer, key);
    const taken = propertyOf(consumer, key);
    if (made.kind !== 'found' || taken.kind !== 'found') continue;
    const inner = schemaMisfit(made.schema, taken.schema, depth + 1);
    if (inner !== undefined) return at(inner, key);
    if (!made.optional && !allowsNull(taken.schema) && schemaTypes(made.schema)?.size === 1 && schemaTypes(made.schema)?.has('null')) {
      return { path: [key], found: 'null', expected: describeSchema(taken.schema) };
    }
  }
  return undefined;
}
