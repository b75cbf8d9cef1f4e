/**
 * JSON Schema (draft-07, as `toJsonSchema` writes it: zod-to-json-schema) → zod source text, the
 * inverse of `src/contract/json-schema.ts` for the schemas that function emits, so that a
 * contract written from a task definition's `inputSchema` re-emits the same schema.
 */

/** A JSON Schema object. */
export type SchemaJson = Readonly<Record<string, unknown>>;

/** Zod source text for a schema, and what it could not express (JSON paths into the schema). */
export interface ZodSource {
  readonly code: string;
  /** Keywords left out, as `path: keyword`; empty when the source re-emits the schema. */
  readonly lost: readonly string[];
}

const isObject = (value: unknown): value is SchemaJson => typeof value === 'object' && value !== null && !Array.isArray(value);

/** A TypeScript string literal (single quotes), escaped. */
export function stringLiteral(text: string): string {
  return `'${text.replaceAll('\\', '\\\\').replaceAll("'", "\\'").replaceAll('\n', '\\n').replaceAll('\r', '\\r').replaceAll('\u2028', '\\u2028').replaceAll('\u2029', '\\u2029')}'`;
}

/** A TypeScript literal for a JSON value (strings single-quoted, keys quoted only when needed). */
export function jsonLiteral(value: unknown): string {
  if (typeof value === 'string') return stringLiteral(value);
  if (Array.isArray(value)) return `[${value.map(jsonLiteral).join(', ')}]`;
  if (isObject(value)) {
    const entries = Object.entries(value).map(([k, v]) => `${propertyName(k)}: ${jsonLiteral(v)}`);
    return entries.length === 0 ? '{}' : `{ ${entries.join(', ')} }`;
  }
  return JSON.stringify(value);
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** An object literal's property name: bare when it is an identifier, quoted otherwise. */
export function propertyName(key: string): string {
  // A `__proto__` key, bare or quoted, would set the object's prototype; computed, it is a field.
  if (key === '__proto__') return `[${stringLiteral(key)}]`;
  return IDENTIFIER.test(key) ? key : stringLiteral(key);
}

const FORMATS: Readonly<Record<string, string>> = { email: '.email()', uri: '.url()', uuid: '.uuid()', 'date-time': '.datetime()', ipv4: '.ip({ version: "v4" })' };

/** Keywords every schema may carry that {@link field} handles around the core type. */
const WRAPPER_KEYS = new Set(['description', 'default', '$schema']);

class Writer {
  readonly lost: string[] = [];

  private leftOut(schema: SchemaJson, handled: readonly string[], path: string): void {
    for (const key of Object.keys(schema)) if (!handled.includes(key) && !WRAPPER_KEYS.has(key)) this.lost.push(`${path}: ${key}`);
  }

  /** A field of an object: the core type, `.default()` or `.optional()`, `.describe()`. */
  field(schema: SchemaJson, required: boolean, path: string): string {
    let code = this.core(schema, path);
    if ('default' in schema) code += `.default(${jsonLiteral(schema.default)})`;
    else if (!required) code += '.optional()';
    if (typeof schema.description === 'string') code += `.describe(${stringLiteral(schema.description)})`;
    return code;
  }

  /** A nested type (list items, an alternative, a map's values): the core type and its description. */
  inner(schema: SchemaJson, path: string): string {
    return `${this.core(schema, path)}${typeof schema.description === 'string' ? `.describe(${stringLiteral(schema.description)})` : ''}`;
  }

  /** The type without default, optionality or description. */
  core(schema: SchemaJson, path: string): string {
    const anyOf = schema.anyOf;
    if (Array.isArray(anyOf)) {
      this.leftOut(schema, ['anyOf'], path);
      const parts = anyOf.filter(isObject);
      const nonNull = parts.filter((p) => p.type !== 'null' || Object.keys(p).length !== 1);
      if (parts.length === 2 && nonNull.length === 1) return `${this.inner(nonNull[0] as SchemaJson, `${path}.anyOf[0]`)}.nullable()`;
      return `z.union([${parts.map((p, i) => this.inner(p, `${path}.anyOf[${i}]`)).join(', ')}])`;
    }
    const type = schema.type;
    if (Array.isArray(type)) {
      const others = type.filter((t) => t !== 'null');
      if (others.length === 1 && type.length === 2) return `${this.core({ ...schema, type: others[0] }, path)}.nullable()`;
      this.leftOut(schema, ['type'], path);
      return `z.union([${type.map((t) => this.core({ type: t }, path)).join(', ')}])`;
    }
    switch (type) {
      case undefined:
        this.leftOut(schema, [], path);
        return 'z.unknown()';
      case 'string':
        return this.string(schema, path);
      case 'number':
      case 'integer':
        return this.number(schema, path);
      case 'boolean':
        this.leftOut(schema, ['type'], path);
        return 'z.boolean()';
      case 'null':
        this.leftOut(schema, ['type'], path);
        return 'z.null()';
      case 'array': {
        this.leftOut(schema, ['type', 'items', 'minItems', 'maxItems'], path);
        const items = isObject(schema.items) ? this.inner(schema.items, `${path}.items`) : 'z.unknown()';
        return `z.array(${items})${bound('.min', schema.minItems)}${bound('.max', schema.maxItems)}`;
      }
      case 'object':
        return this.object(schema, path);
      default:
        this.lost.push(`${path}: type ${String(type)}`);
        return 'z.unknown()';
    }
  }

  private string(schema: SchemaJson, path: string): string {
    this.leftOut(schema, ['type', 'enum', 'const', 'minLength', 'maxLength', 'pattern', 'format'], path);
    if (Array.isArray(schema.enum) && schema.enum.every((v) => typeof v === 'string') && schema.enum.length > 0) return `z.enum(${jsonLiteral(schema.enum)})`;
    if (typeof schema.const === 'string') return `z.literal(${stringLiteral(schema.const)})`;
    let code = 'z.string()';
    if (typeof schema.format === 'string') {
      const method = FORMATS[schema.format];
      if (method === undefined) this.lost.push(`${path}: format ${schema.format}`);
      else code += method;
    }
    code += bound('.min', schema.minLength) + bound('.max', schema.maxLength);
    if (typeof schema.pattern === 'string') code += `.regex(${regexLiteral(schema.pattern)})`;
    return code;
  }

  private number(schema: SchemaJson, path: string): string {
    this.leftOut(schema, ['type', 'enum', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum'], path);
    if (Array.isArray(schema.enum) && schema.enum.length > 1 && schema.enum.every((v) => typeof v === 'number')) {
      return `z.union([${schema.enum.map((v) => `z.literal(${v})`).join(', ')}])`;
    }
    return `z.number()${schema.type === 'integer' ? '.int()' : ''}${bound('.min', schema.minimum)}${bound('.gt', schema.exclusiveMinimum)}${bound('.max', schema.maximum)}${bound('.lt', schema.exclusiveMaximum)}`;
  }

  /** An object schema: `z.object({...})`, `.passthrough()` for open ones, `z.record()` for maps. */
  object(schema: SchemaJson, path: string): string {
    this.leftOut(schema, ['type', 'properties', 'required', 'additionalProperties'], path);
    const properties = isObject(schema.properties) ? schema.properties : undefined;
    const extra = schema.additionalProperties;
    if (properties === undefined && isObject(extra)) return `z.record(${this.inner(extra, `${path}.additionalProperties`)})`;
    const required = Array.isArray(schema.required) ? schema.required : [];
    const fields = inRequiredOrder(Object.entries(properties ?? {}), required).map(
      ([key, value]) => `${propertyName(key)}: ${isObject(value) ? this.field(value, required.includes(key), `${path}.properties.${key}`) : 'z.unknown()'}`,
    );
    const body = fields.length === 0 ? 'z.object({})' : `z.object({\n${fields.map((f) => `  ${f},`).join('\n')}\n})`;
    if (extra === true) return `${body}.passthrough()`;
    if (isObject(extra)) return `${body}.catchall(${this.inner(extra, `${path}.additionalProperties`)})`;
    return body;
  }
}

/**
 * Properties with the required ones in the order of `required` (the order their object declared
 * them, which zod-to-json-schema keeps there while canonical JSON sorts the properties), each in
 * a slot a required one held, so the optional ones keep their places.
 */
function inRequiredOrder<T>(entries: readonly [string, T][], required: readonly unknown[]): [string, T][] {
  const isRequired = (key: string): boolean => required.includes(key);
  const queue = entries.filter(([k]) => isRequired(k)).sort(([a], [b]) => required.indexOf(a) - required.indexOf(b));
  return entries.map((entry) => (isRequired(entry[0]) ? (queue.shift() as [string, T]) : entry));
}

function bound(method: string, value: unknown): string {
  return typeof value === 'number' ? `${method}(${value})` : '';
}

function regexLiteral(pattern: string): string {
  let source: string;
  try {
    source = new RegExp(pattern).source;
  } catch {
    return `new RegExp(${stringLiteral(pattern)})`;
  }
  return source === pattern && !pattern.includes('\n') ? `/${pattern}/` : `new RegExp(${stringLiteral(pattern)})`;
}

/**
 * Zod source for an object schema (a contract's or a workflow's input or output): `z.object({...})`
 * with each property's type, optionality, default and description. `order` lists the fields in
 * the order the definition gives them (`inputParameters`, `inputKeys`: schemas written as
 * canonical JSON have their properties sorted), so that the keys re-emit in that order.
 */
export function objectSchemaSource(schema: SchemaJson, order: readonly string[] = []): ZodSource {
  const writer = new Writer();
  if (schema.type !== 'object') return { code: 'z.object({})', lost: [': not an object schema'] };
  const properties = isObject(schema.properties) ? schema.properties : {};
  const rank = (key: string): number => (order.includes(key) ? order.indexOf(key) : order.length);
  const ordered = Object.fromEntries(Object.keys(properties).sort((a, b) => rank(a) - rank(b)).map((k) => [k, properties[k]]));
  const code = writer.inner({ ...schema, properties: ordered }, '');
  return { code, lost: writer.lost };
}
