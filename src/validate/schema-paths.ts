/**
 * Reading JSON Schemas (draft-07, as task and workflow definitions carry them in
 * `inputSchema.data` / `outputSchema.data`, and as zod-to-json-schema writes them): which JSON
 * types a schema allows, and what schema a field or an item of a value has. Whatever these
 * functions cannot tell for sure (`$ref`, `if`, a schema without `type`) is "unknown", never a
 * finding: the data-flow rules only report what a schema says for certain.
 */
import { isJsonObject, quote, type JsonObject } from './json-value.ts';

/** A JSON Schema: an object, or `true` (anything) / `false` (nothing). */
export type Schema = JsonObject | boolean;

/** The JSON types a schema can allow. `integer` is a `number` that is whole. */
export type JsonType = 'string' | 'number' | 'integer' | 'boolean' | 'object' | 'array' | 'null';

const JSON_TYPES: readonly JsonType[] = ['string', 'number', 'integer', 'boolean', 'object', 'array', 'null'];

/** What a schema says about one field (or item) of the values it describes. */
export type Lookup =
  /** The field's schema; `optional`: the value may lack it (it then reads null). */
  | { readonly kind: 'found'; readonly schema: Schema; readonly optional: boolean }
  /** The value never has this field: `known` lists the fields it can have (empty for a scalar or a list). */
  | { readonly kind: 'missing'; readonly known: readonly string[]; readonly holder: string }
  /** The schema does not say. */
  | { readonly kind: 'unknown' };

const UNKNOWN: Lookup = { kind: 'unknown' };

/** The JSON type of a JSON value, `integer` for whole numbers. */
export function jsonTypeOf(value: unknown): JsonType {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  if (typeof value === 'boolean') return 'boolean';
  return typeof value === 'string' ? 'string' : 'object';
}

/** Keywords this module does not follow: a schema holding one of them is read as allowing anything. */
const OPAQUE = ['$ref', 'if', 'dependencies', 'dependentSchemas'];

function branches(schema: JsonObject): readonly Schema[] | undefined {
  const list = Array.isArray(schema.anyOf) ? schema.anyOf : Array.isArray(schema.oneOf) ? schema.oneOf : undefined;
  return list?.filter((s): s is Schema => isJsonObject(s) || typeof s === 'boolean');
}

/**
 * The JSON types `schema` allows, or undefined when it allows any (or this module cannot tell).
 * Reads `type`, `const`, `enum`, `anyOf`/`oneOf`, `allOf`, `not: {}` (nothing) and OpenAPI's
 * `nullable`.
 * @example schemaTypes({ type: ['string', 'null'] }) // → Set { 'string', 'null' }
 */
export function schemaTypes(schema: Schema): ReadonlySet<JsonType> | undefined {
  if (schema === true) return undefined;
  if (schema === false) return NOTHING;
  if (TYPES.has(schema)) return TYPES.get(schema);
  const types = readTypes(schema);
  TYPES.set(schema, types);
  return types;
}

/** Schemas are read many times over (one per reference to a field): their types are kept. */
const TYPES = new WeakMap<JsonObject, ReadonlySet<JsonType> | undefined>();
const NOTHING: ReadonlySet<JsonType> = new Set();

function readTypes(schema: JsonObject): ReadonlySet<JsonType> | undefined {
  if (OPAQUE.some((k) => k in schema)) return undefined;
  if (isJsonObject(schema.not) && Object.keys(schema.not).length === 0) return NOTHING;
  let types: Set<JsonType> | undefined;
  if (typeof schema.type === 'string' || Array.isArray(schema.type)) {
    types = new Set((Array.isArray(schema.type) ? schema.type : [schema.type]).filter((t): t is JsonType => JSON_TYPES.includes(t as JsonType)));
  }
  if ('const' in schema) types = narrow(types, new Set([jsonTypeOf(schema.const)]));
  else if (Array.isArray(schema.enum)) types = narrow(types, new Set(schema.enum.map(jsonTypeOf)));
  const anyOf = branches(schema);
  if (anyOf !== undefined) {
    const each = anyOf.map(schemaTypes);
    if (each.every((t) => t !== undefined)) types = narrow(types, new Set(each.flatMap((t) => [...(t as ReadonlySet<JsonType>)])));
  }
  if (Array.isArray(schema.allOf)) for (const part of schema.allOf) if (isJsonObject(part) || typeof part === 'boolean') types = narrow(types, schemaTypes(part));
  if (types !== undefined && schema.nullable === true) types.add('null');
  return types;
}

/** `types` narrowed to `allowed` (undefined: any). */
function narrow(types: Set<JsonType> | undefined, allowed: ReadonlySet<JsonType> | undefined): Set<JsonType> | undefined {
  if (allowed === undefined) return types;
  return types === undefined ? new Set(allowed) : intersect(types, allowed);
}

/** The types in both sets; a whole number is both an `integer` and a `number`. */
function intersect(a: ReadonlySet<JsonType>, b: ReadonlySet<JsonType>): Set<JsonType> {
  const both = new Set<JsonType>();
  for (const t of a) {
    if (b.has(t)) both.add(t);
    else if ((t === 'integer' && b.has('number')) || (t === 'number' && b.has('integer'))) both.add('integer');
  }
  return both;
}

/** True when a value of type `type` can be of a type in `allowed` (an integer is a number, a number may be whole). */
export function typeAllowed(type: JsonType, allowed: ReadonlySet<JsonType>): boolean {
  return allowed.has(type) || (type === 'integer' && allowed.has('number')) || (type === 'number' && allowed.has('integer'));
}

/** True when `schema` allows null (or anything). */
export function allowsNull(schema: Schema): boolean {
  const types = schemaTypes(schema);
  return types === undefined || types.has('null');
}

/** The values a schema allows when it lists them (`const`, `enum`, or `anyOf` of those); undefined otherwise. */
export function enumValues(schema: Schema): readonly unknown[] | undefined {
  if (!isJsonObject(schema)) return undefined;
  if ('const' in schema) return [schema.const];
  if (Array.isArray(schema.enum)) return schema.enum;
  const anyOf = branches(schema);
  if (anyOf === undefined) return undefined;
  const each = anyOf.map(enumValues);
  return each.every((v) => v !== undefined) ? each.flatMap((v) => v as unknown[]) : undefined;
}

/** True when a property has a default: zod fills it in (outputs), and a workflow's inputTemplate supplies it (inputs). */
function hasDefault(schema: unknown): boolean {
  return isJsonObject(schema) && 'default' in schema;
}

/** Combines the lookups of `anyOf` branches (and of a nullable value): found when some branch has the field. */
function combine(lookups: readonly Lookup[], nullable: boolean): Lookup {
  if (lookups.some((l) => l.kind === 'unknown')) return UNKNOWN;
  const found = lookups.filter((l): l is Extract<Lookup, { kind: 'found' }> => l.kind === 'found');
  if (found.length === 0) {
    const missing = lookups.filter((l): l is Extract<Lookup, { kind: 'missing' }> => l.kind === 'missing');
    return missing.length === 0 ? UNKNOWN : { kind: 'missing', known: [...new Set(missing.flatMap((m) => m.known))], holder: missing[0]?.holder ?? 'it' };
  }
  const schema: Schema = found.length === 1 ? (found[0] as { schema: Schema }).schema : { anyOf: found.map((f) => f.schema) };
  return { kind: 'found', schema, optional: nullable || found.length < lookups.length || found.some((f) => f.optional) };
}

/** How a message names what a schema describes when it has no fields: "a string", "a list". */
export function describeSchema(schema: Schema): string {
  const values = enumValues(schema);
  if (values !== undefined && values.length > 0) return values.length === 1 ? quote(values[0]) : `one of ${values.map((v) => quote(v)).join(', ')}`;
  const types = schemaTypes(schema);
  if (types === undefined) return 'any value';
  if (types.size === 0) return 'nothing';
  const items = isJsonObject(schema) && isJsonObject(schema.items) ? schema.items : undefined;
  const names = [...types].filter((t) => !(t === 'integer' && types.has('number'))).map((t) => (t === 'array' && items !== undefined && schemaTypes(items) !== undefined ? `a list of ${plural(items)}` : TYPE_NAMES[t]));
  return names.length === 1 ? (names[0] as string) : `${names.slice(0, -1).join(', ')} or ${names[names.length - 1] ?? ''}`;
}

/** How messages name each JSON type. */
export const TYPE_NAMES: Readonly<Record<JsonType, string>> = {
  string: 'a string',
  number: 'a number',
  integer: 'a whole number',
  boolean: 'a boolean',
  object: 'an object',
  array: 'a list',
  null: 'null',
};

function plural(schema: Schema): string {
  const one = describeSchema(schema);
  return one.replace(/^an? /, '').replace(/^(string|number|whole number|boolean|object|list)/, '$1s');
}

/**
 * The schema of field `key` of the values `schema` describes: found (with whether it may be
 * absent), missing (the schema closes the object with `additionalProperties: false`, or the value
 * is not an object), or unknown.
 * @example propertyOf({ type: 'object', properties: { bin: { type: 'string' } }, required: ['bin'], additionalProperties: false }, 'binary')
 * // → { kind: 'missing', known: ['bin'], holder: 'an object' }
 */
export function propertyOf(schema: Schema, key: string): Lookup {
  if (!isJsonObject(schema)) return schema ? UNKNOWN : { kind: 'missing', known: [], holder: 'nothing' };
  const types = schemaTypes(schema);
  if (types === undefined && OPAQUE.some((k) => k in schema)) return UNKNOWN;
  const anyOf = branches(schema);
  if (anyOf !== undefined) {
    const objects = anyOf.filter((b) => schemaTypes(b)?.has('object') !== false);
    return combine(objects.map((b) => propertyOf(b, key)), objects.length < anyOf.length);
  }
  if (types !== undefined && !types.has('object')) return { kind: 'missing', known: [], holder: describeSchema(schema) };
  const nullable = types?.has('null') === true;
  if (Array.isArray(schema.allOf)) {
    const parts = schema.allOf.filter((s): s is Schema => isJsonObject(s) || typeof s === 'boolean').map((part) => propertyOf(part, key));
    const found = parts.find((p) => p.kind === 'found');
    if (found !== undefined) return found;
    if (parts.some((p) => p.kind === 'unknown')) return UNKNOWN;
  }
  const properties = isJsonObject(schema.properties) ? schema.properties : {};
  if (Object.hasOwn(properties, key)) {
    const field = properties[key];
    const required = Array.isArray(schema.required) && schema.required.includes(key);
    return { kind: 'found', schema: isJsonObject(field) || typeof field === 'boolean' ? field : true, optional: nullable || (!required && !hasDefault(field)) };
  }
  if (isJsonObject(schema.patternProperties)) {
    for (const [pattern, field] of Object.entries(schema.patternProperties)) {
      if (matches(pattern, key)) return { kind: 'found', schema: isJsonObject(field) || typeof field === 'boolean' ? field : true, optional: true };
    }
  }
  if (schema.additionalProperties === false) return { kind: 'missing', known: Object.keys(properties), holder: 'an object' };
  if (isJsonObject(schema.additionalProperties)) return { kind: 'found', schema: schema.additionalProperties, optional: true };
  return UNKNOWN;
}

/**
 * The schema of item `index` of the lists `schema` describes. An item of a list is read as
 * present, as the DSL types it (an index past the end reads null at run time).
 */
export function itemOf(schema: Schema, index: number): Lookup {
  if (!isJsonObject(schema)) return UNKNOWN;
  const anyOf = branches(schema);
  if (anyOf !== undefined) {
    const lists = anyOf.filter((b) => schemaTypes(b)?.has('array') !== false);
    return combine(lists.map((b) => itemOf(b, index)), lists.length < anyOf.length);
  }
  const types = schemaTypes(schema);
  if (types === undefined) return UNKNOWN;
  if (!types.has('array')) return { kind: 'missing', known: [], holder: describeSchema(schema) };
  const nullable = types.has('null');
  const tuple = Array.isArray(schema.items) ? schema.items : undefined;
  const item = tuple !== undefined ? (tuple[index] ?? schema.additionalItems) : schema.items;
  if (isJsonObject(item) || typeof item === 'boolean') return { kind: 'found', schema: item, optional: nullable };
  return UNKNOWN;
}

/** `pattern` as JSON Schema means it (an ECMA-262 regex, unanchored); true when it does not compile here (nothing is certain then). */
export function matches(pattern: string, text: string): boolean {
  try {
    return new RegExp(pattern, 'u').test(text);
  } catch {
    try {
      return new RegExp(pattern).test(text);
    } catch {
      return true;
    }
  }
}
