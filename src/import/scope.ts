/**
 * What the DSL's types let a flow read at each point, mirrored for the importer: a reference
 * (`${t1.output.url}`) becomes a typed one (`s.t1.output.url`) only where `tsc` would accept it
 * (the task is upstream in the DSL's sense and the field is declared), so imported source always
 * type-checks. Shapes are JSON Schemas, the form task definitions give their types in.
 */
import type { SchemaJson } from './zod-source.ts';

/** The value of an unknown type: a reference to it has no fields. */
export const UNKNOWN: SchemaJson = {};
/** `Record<string, unknown>`: any field, each of unknown type. */
export const RECORD: SchemaJson = { type: 'object', additionalProperties: {} };
/** `{}`: an output with no field to read (a FORK_JOIN's, a dynamic fork's). */
export const EMPTY: SchemaJson = { type: 'object', properties: {} };

const STRING: SchemaJson = { type: 'string' };
const NUMBER: SchemaJson = { type: 'number' };

/** `TaskRefs<O>` of `src/dsl/types.ts`: what `s.<ref>` exposes for a task whose output is `output`. */
export function taskRefs(output: SchemaJson): SchemaJson {
  return {
    type: 'object',
    properties: { output, input: RECORD, status: STRING, taskId: STRING, retryCount: NUMBER, reasonForIncompletion: STRING },
  };
}

/** Outputs of the DSL's system task methods (`src/dsl/flow.ts`), as shapes. */
export const SYSTEM_OUTPUTS = {
  http: { type: 'object', properties: { response: { type: 'object', properties: { statusCode: NUMBER, reasonPhrase: STRING, headers: RECORD, body: UNKNOWN } } } },
  inline: { type: 'object', properties: { result: UNKNOWN } },
  jq: { type: 'object', properties: { result: UNKNOWN, resultList: { type: 'array', items: UNKNOWN } } },
  switch: { type: 'object', properties: { evaluationResult: { type: 'array', items: STRING }, selectedCase: STRING } },
  loop: { type: 'object', properties: { iteration: NUMBER }, additionalProperties: {} },
  forEach: { type: 'object', properties: { iteration: NUMBER, loopIndex: NUMBER, loopItem: UNKNOWN }, additionalProperties: {} },
  startWorkflow: { type: 'object', properties: { workflowId: STRING } },
} as const satisfies Record<string, SchemaJson>;

/** `EventOutput` of `src/dsl/flow.ts` for an EVENT task with these input keys: each of them, and what the server adds. */
export function eventOutput(inputKeys: readonly string[]): SchemaJson {
  return {
    type: 'object',
    properties: {
      ...Object.fromEntries(inputKeys.map((key) => [key, UNKNOWN])),
      sink: STRING,
      asyncComplete: { type: 'boolean' },
      workflowInstanceId: STRING,
      workflowType: STRING,
      workflowVersion: NUMBER,
      correlationId: STRING,
      taskToDomain: RECORD,
      event_produced: STRING,
    },
  };
}
/** `KafkaRequest` of `src/dsl/flow.ts`, as the schema a KAFKA_PUBLISH task's request is bound against. */
export const KAFKA_REQUEST: SchemaJson = {
  type: 'object',
  properties: {
    bootStrapServers: STRING,
    topic: STRING,
    value: UNKNOWN,
    key: UNKNOWN,
    keySerializer: {
      type: 'string',
      enum: ['org.apache.kafka.common.serialization.StringSerializer', 'org.apache.kafka.common.serialization.IntegerSerializer', 'org.apache.kafka.common.serialization.LongSerializer'],
    },
    headers: RECORD,
    requestTimeoutMs: NUMBER,
    maxBlockMs: NUMBER,
  },
  required: ['bootStrapServers', 'topic', 'value'],
};

/** `HttpRequest` of `src/dsl/flow.ts`, as the schema an HTTP task's request is bound against. */
export const HTTP_REQUEST: SchemaJson = {
  type: 'object',
  properties: {
    uri: STRING,
    method: { type: 'string', enum: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] },
    headers: { type: 'object', additionalProperties: STRING },
    body: UNKNOWN,
    contentType: STRING,
    accept: STRING,
    connectionTimeOut: NUMBER,
    readTimeOut: NUMBER,
  },
};

const isObject = (value: unknown): value is SchemaJson => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The schema without its `null` alternative (`RefFields` reads through `NonNullable`). */
function nonNull(schema: SchemaJson): SchemaJson {
  if (Array.isArray(schema.anyOf)) {
    const parts = schema.anyOf.filter((p) => isObject(p) && p.type !== 'null');
    if (parts.length === 1) return parts[0] as SchemaJson;
  }
  if (Array.isArray(schema.type)) {
    const types = schema.type.filter((t) => t !== 'null');
    if (types.length === 1) return { ...schema, type: types[0] };
  }
  return schema;
}

/** The shape one step into `schema`, or undefined when `tsc` has no such field. */
export function fieldOf(schema: SchemaJson, key: string): SchemaJson | undefined {
  const s = nonNull(schema);
  if (s.type === 'array') return /^\d+$/.test(key) ? (isObject(s.items) ? s.items : UNKNOWN) : undefined;
  if (s.type !== 'object') return undefined;
  const properties = isObject(s.properties) ? s.properties : {};
  if (Object.hasOwn(properties, key)) return isObject(properties[key]) ? properties[key] : UNKNOWN;
  if (s.additionalProperties === true) return UNKNOWN;
  return isObject(s.additionalProperties) ? s.additionalProperties : undefined;
}

/** True when `tsc` reads `key` of `schema` through an index signature (a list item, a field of an open object): as `Ref | undefined`. */
function indexedField(schema: SchemaJson, key: string): boolean {
  const s = nonNull(schema);
  return s.type === 'array' || (s.type === 'object' && !(isObject(s.properties) && Object.hasOwn(s.properties, key)));
}

/** True for a shape `tsc` knows nothing of (`unknown`): its references fit only unknown fields. */
export function isUnknown(schema: SchemaJson | undefined): boolean {
  if (schema === undefined) return true;
  return Object.keys(schema).filter((k) => k !== 'description' && k !== 'default').length === 0;
}

/**
 * True when a reference of this shape is known to fit no typed field: unknown, or an open object
 * that declares no field (the output of a task nothing is known of).
 */
export function knowsNothing(schema: SchemaJson | undefined): boolean {
  if (isUnknown(schema)) return true;
  const s = nonNull(schema as SchemaJson);
  const declared = isObject(s.properties) ? Object.keys(s.properties).length : 0;
  return s.type === 'object' && declared === 0 && s.additionalProperties !== undefined && s.additionalProperties !== false;
}

/** True when a string literal fits a field of this schema (unknown, or a string without enum or const). */
export function admitsString(schema: SchemaJson | undefined): boolean {
  if (isUnknown(schema)) return true;
  const s = schema as SchemaJson;
  if (Array.isArray(s.anyOf)) return s.anyOf.some((p) => isObject(p) && admitsString(p));
  const types = Array.isArray(s.type) ? s.type : [s.type];
  return types.includes('string') && s.enum === undefined && s.const === undefined;
}

/**
 * The references in scope at one point of a flow, by the name a function reads them as
 * (`input`, `variables`, `workflow`, task references), each with its shape.
 */
export class Scope {
  private constructor(private readonly entries: ReadonlyMap<string, SchemaJson>) {}

  /** The root scope of a workflow with these input and variables shapes. */
  static root(input: SchemaJson, variables: SchemaJson): Scope {
    const workflow: SchemaJson = {
      type: 'object',
      properties: { input, variables, workflowId: STRING, correlationId: STRING, workflowType: STRING, version: NUMBER, parentWorkflowId: STRING },
    };
    return new Scope(new Map([['input', input], ['variables', variables], ['workflow', workflow]]));
  }

  /** This scope with more references. */
  with(added: ReadonlyMap<string, SchemaJson>): Scope {
    return new Scope(new Map([...this.entries, ...added]));
  }

  /** The shape at `path` (scope name first), or undefined when a function cannot read it typed. */
  shapeAt(path: readonly string[]): SchemaJson | undefined {
    const [first, ...rest] = path;
    let shape = first === undefined ? undefined : this.entries.get(first);
    for (const key of rest) {
      if (shape === undefined) return undefined;
      shape = fieldOf(shape, key);
    }
    return shape;
  }

  /**
   * True when a function reads `path` through an index signature, so that `tsc` types the read
   * `Ref | undefined` (`noUncheckedIndexedAccess`): it fits where undefined does, not where a
   * reference must be given (a switch value, a loop's items).
   */
  readsIndex(path: readonly string[]): boolean {
    const [first, ...rest] = path;
    let shape = first === undefined ? undefined : this.entries.get(first);
    for (const key of rest) {
      if (shape === undefined) return false;
      if (indexedField(shape, key)) return true;
      shape = fieldOf(shape, key);
    }
    return false;
  }
}
