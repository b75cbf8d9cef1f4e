/**
 * Whether the server can read a WorkflowDef's JSON into its Java classes (Jackson 2.18 in
 * conductor-oss 3.32.3): every field the classes have, with the type they declare. What Jackson
 * cannot read, the server answers with 500 `JSON parse error: ...` before any rule runs; what it
 * reads by converting (`"3"` and `1.5` as the number 3 and 1, `1` as true, `0` as the first value
 * of an enum), it stores converted without a word. Unknown fields are ignored, and `null` is the
 * field's default. Observed on the server for each kind of field (text, whole numbers, booleans,
 * enums, objects, lists).
 */
import { issuePath, type DefinitionIssue } from '../issues.ts';
import { childPath, describeJsonType, isJsonObject, isNonBlankString, quote, type JsonObject } from './json-value.ts';

/** The Java type a field declares, as Jackson reads JSON into it. */
export type Shape =
  | 'text'
  | 'int'
  | 'long'
  | 'boolean'
  /** `Map<String, Object>`: any JSON object. */
  | 'map'
  /** `Object`: anything. */
  | 'any'
  /** `SubWorkflowParams.workflowDefinition`: an inline WorkflowDef, or a `${...}` string. */
  | 'inlineWorkflow'
  | { readonly enum: readonly string[] }
  | { readonly list: Shape }
  | { readonly mapOf: Shape }
  /** A class; `fromText` when it also has a one-String constructor Jackson uses for text (TaskDef(name)). */
  | { readonly object: string; readonly fields: () => Fields; readonly fromText?: true }
  | 'task';

/** A class's fields by JSON name. */
export type Fields = Readonly<Record<string, Shape>>;

const TIMEOUT_POLICIES_WORKFLOW = ['TIME_OUT_WF', 'ALERT_ONLY'];
const AUDITABLE: Fields = { ownerApp: 'text', createTime: 'long', updateTime: 'long', createdBy: 'text', updatedBy: 'text' };
const SCHEMA_DEF: Shape = { object: 'SchemaDef', fields: () => ({ name: 'text', version: 'int', type: { enum: ['JSON', 'AVRO', 'PROTOBUF'] }, data: 'map', externalRef: 'text', ...AUDITABLE }) };
const CACHE_CONFIG: Shape = { object: 'CacheConfig', fields: () => ({ key: 'text', ttlInSecond: 'int' }) };
const TEXT_LIST: Shape = { list: 'text' };

const TASK_DEF: Fields = {
  ...AUDITABLE,
  name: 'text',
  description: 'text',
  retryCount: 'int',
  timeoutSeconds: 'long',
  inputKeys: TEXT_LIST,
  outputKeys: TEXT_LIST,
  runtimeMetadata: TEXT_LIST,
  timeoutPolicy: { enum: ['RETRY', 'TIME_OUT_WF', 'ALERT_ONLY'] },
  retryLogic: { enum: ['FIXED', 'EXPONENTIAL_BACKOFF', 'LINEAR_BACKOFF'] },
  responseTimeoutSeconds: 'long',
  retryDelaySeconds: 'int',
  rateLimitPerFrequency: 'int',
  rateLimitFrequencyInSeconds: 'int',
  concurrentExecLimit: 'int',
  inputTemplate: 'map',
  isolationGroupId: 'text',
  executionNameSpace: 'text',
  ownerEmail: 'text',
  pollTimeoutSeconds: 'int',
  backoffScaleFactor: 'int',
  maxRetryDelaySeconds: 'int',
  backoffJitterMs: 'int',
  baseType: 'text',
  inputSchema: SCHEMA_DEF,
  outputSchema: SCHEMA_DEF,
  enforceSchema: 'boolean',
  totalTimeoutSeconds: 'long',
  taskStatusListenerEnabled: 'boolean',
};

const SUB_WORKFLOW_PARAMS: Fields = {
  name: 'text',
  version: 'int',
  taskToDomain: { mapOf: 'text' },
  workflowDefinition: 'inlineWorkflow',
  idempotencyKey: 'text',
  idempotencyStrategy: { enum: ['FAIL', 'RETURN_EXISTING', 'FAIL_ON_RUNNING'] },
  priority: 'any',
};

/** `WorkflowTask`'s fields (conductor-common 3.32.3). */
export const WORKFLOW_TASK: Fields = {
  name: 'text',
  taskReferenceName: 'text',
  description: 'text',
  inputParameters: 'map',
  type: 'text',
  dynamicTaskNameParam: 'text',
  caseValueParam: 'text',
  caseExpression: 'text',
  scriptExpression: 'text',
  decisionCases: { mapOf: { list: 'task' } },
  dynamicForkJoinTasksParam: 'text',
  dynamicForkTasksParam: 'text',
  dynamicForkTasksInputParamName: 'text',
  defaultCase: { list: 'task' },
  forkTasks: { list: { list: 'task' } },
  startDelay: 'int',
  subWorkflowParam: { object: 'SubWorkflowParams', fields: () => SUB_WORKFLOW_PARAMS },
  joinOn: TEXT_LIST,
  sink: 'text',
  optional: 'boolean',
  taskDefinition: { object: 'TaskDef', fields: () => TASK_DEF, fromText: true },
  rateLimited: 'boolean',
  defaultExclusiveJoinTask: TEXT_LIST,
  asyncComplete: 'boolean',
  loopCondition: 'text',
  loopOver: { list: 'task' },
  items: 'text',
  retryCount: 'int',
  evaluatorType: 'text',
  expression: 'text',
  onStateChange: { mapOf: { list: { object: 'StateChangeEvent', fields: () => ({ type: 'text', payload: 'map' }) } } },
  joinStatus: 'text',
  cacheConfig: CACHE_CONFIG,
  permissive: 'boolean',
  joinMode: { enum: ['SYNC', 'ASYNC'] },
  metadata: 'map',
};

/** `WorkflowDef`'s fields (conductor-common 3.32.3). */
export const WORKFLOW_DEF: Fields = {
  ...AUDITABLE,
  name: 'text',
  description: 'text',
  version: 'int',
  tasks: { list: 'task' },
  inputParameters: TEXT_LIST,
  outputParameters: 'map',
  failureWorkflow: 'text',
  failureWorkflowVersion: 'int',
  schemaVersion: 'int',
  restartable: 'boolean',
  workflowStatusListenerEnabled: 'boolean',
  ownerEmail: 'text',
  timeoutPolicy: { enum: TIMEOUT_POLICIES_WORKFLOW },
  timeoutSeconds: 'long',
  variables: 'map',
  inputTemplate: 'map',
  workflowStatusListenerSink: 'text',
  rateLimitConfig: { object: 'RateLimitConfig', fields: () => ({ rateLimitKey: 'text', concurrentExecLimit: 'int', policy: { enum: ['QUEUE', 'REJECT'] } }) },
  inputSchema: SCHEMA_DEF,
  outputSchema: SCHEMA_DEF,
  enforceSchema: 'boolean',
  metadata: 'map',
  cacheConfig: CACHE_CONFIG,
  maskedFields: TEXT_LIST,
};

const RANGES = { int: 2 ** 31, long: 2 ** 63 } as const;
const BOOLEAN_TEXT = ['true', 'True', 'TRUE', 'false', 'False', 'FALSE'];

/** What Jackson makes of one JSON value for a scalar shape. */
type Reading = { readonly ok: true; readonly as?: unknown } | { readonly ok: false; readonly want: string };

/** Jackson 2.18's coercions, as the server showed them. `as` is set when the value is converted. */
function readScalar(shape: 'text' | 'int' | 'long' | 'boolean' | { readonly enum: readonly string[] }, value: unknown): Reading {
  if (shape === 'text') {
    if (typeof value === 'string') return { ok: true };
    return typeof value === 'number' || typeof value === 'boolean' ? { ok: true, as: String(value) } : { ok: false, want: 'text' };
  }
  if (shape === 'int' || shape === 'long') {
    const want = `a whole number${shape === 'int' ? ' (32-bit)' : ''}`;
    const number = typeof value === 'number' ? value : typeof value === 'string' ? textToInteger(value) : undefined;
    if (number === undefined || Number.isNaN(number)) return { ok: false, want };
    const whole = Math.trunc(number);
    if (whole >= RANGES[shape] || whole < -RANGES[shape]) return { ok: false, want };
    return typeof value === 'number' && Number.isInteger(value) ? { ok: true } : { ok: true, as: whole };
  }
  if (shape === 'boolean') {
    if (typeof value === 'boolean') return { ok: true };
    if (typeof value === 'number' && Number.isInteger(value)) return { ok: true, as: value !== 0 };
    if (typeof value === 'string' && value.trim() === '') return { ok: true, as: false };
    if (typeof value === 'string' && BOOLEAN_TEXT.includes(value)) return { ok: true, as: value.toLowerCase() === 'true' };
    return { ok: false, want: 'true or false' };
  }
  const names = shape.enum;
  const want = `one of ${names.map((n) => quote(n)).join(', ')}`;
  if (typeof value === 'string' && names.includes(value)) return { ok: true };
  const index = typeof value === 'number' && Number.isInteger(value) ? value : typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : undefined;
  if (index !== undefined && index >= 0 && index < names.length) return { ok: true, as: names[index] };
  return { ok: false, want };
}

/** A whole number written as text (`"3"`, `" 3 "`); blank text reads as the default; NaN for anything else. */
function textToInteger(text: string): number {
  const trimmed = text.trim();
  if (trimmed === '') return 0;
  return /^[-+]?\d+$/.test(trimmed) ? Number(trimmed) : Number.NaN;
}

const fixFor = (want: string): string => `Write it as ${want}.`;

/** Where a value is: the task holding it (its label), its path inside that task, and its location in the definition. */
interface At {
  readonly owner: string | undefined;
  readonly field: string;
  readonly location: string;
}

const inside = (at: At, key: string | number): At => ({ owner: at.owner, field: childPath(at.field, key), location: childPath(at.location, key) });

class Binder {
  readonly issues: DefinitionIssue[] = [];

  /**
   * @param walked false for an inline sub-workflow definition: the server reads its JSON but does
   * not walk its tasks, so a null among them does not crash it.
   */
  constructor(
    private readonly workflowLabel: string,
    private readonly walked = true,
  ) {}

  /** Checks one value against its shape. */
  check(shape: Shape, value: unknown, at: At): void {
    if (value === null || value === undefined || shape === 'any') return;
    if (typeof shape === 'string') {
      if (shape === 'map') {
        if (!isJsonObject(value)) this.refuse(at, value, 'an object (a map of names to values)');
      } else if (shape === 'task') this.task(value, at);
      else if (shape === 'inlineWorkflow') this.inlineWorkflow(value, at);
      else this.scalar(shape, value, at);
      return;
    }
    if ('enum' in shape) return this.scalar(shape, value, at);
    if ('list' in shape) {
      if (!Array.isArray(value)) return this.refuse(at, value, `an array of ${describeShape(shape.list)}`);
      value.forEach((item: unknown, i) => this.item(shape.list, item, inside(at, i)));
      return;
    }
    if ('mapOf' in shape) {
      if (!isJsonObject(value)) return this.refuse(at, value, `an object whose values are ${describeShape(shape.mapOf)}`);
      for (const [key, item] of Object.entries(value)) this.item(shape.mapOf, item, inside(at, key));
      return;
    }
    if (typeof value === 'string' && shape.fromText === true) return this.coerced(at, value, `a ${shape.object} named ${quote(value)}`);
    if (!isJsonObject(value)) return this.refuse(at, value, `an object (${shape.object})`);
    this.fields(shape.fields(), value, at);
  }

  /**
   * One item of a list or map. conductor-oss 3.32.3 walks every task list when it validates, so a
   * null where tasks belong crashes it: 500 "HV000028: Unexpected exception during isValid call".
   */
  private item(shape: Shape, value: unknown, at: At): void {
    if (value === null && this.walked && holdsTasks(shape)) {
      this.issues.push({
        code: 'FIELD_NULL',
        severity: 'error',
        path: issuePath(this.workflowLabel, at.owner, at.field === '' ? at.location : at.field),
        message: `${at.location} is null where ${describeShape(shape)} belong; the server fails on it (500 "HV000028: Unexpected exception during isValid call") and registers nothing. Remove the null, or replace it with ${describeShape(shape)}.`,
      });
      return;
    }
    this.check(shape, value, at);
  }

  fields(fields: Fields, object: JsonObject, at: At): void {
    for (const [key, shape] of Object.entries(fields)) if (Object.hasOwn(object, key)) this.check(shape, object[key], inside(at, key));
  }

  private task(value: unknown, at: At): void {
    if (!isJsonObject(value)) {
      this.issues.push({
        code: 'TASK_NOT_OBJECT',
        severity: 'error',
        path: issuePath(this.workflowLabel, at.location),
        message: `${at.location} is ${describeJsonType(value)}, not a task; the server cannot read it (500 "JSON parse error"). Replace it with a task object that has "name", "taskReferenceName" and "type".`,
      });
      return;
    }
    const label = isNonBlankString(value.taskReferenceName) ? value.taskReferenceName : at.location;
    this.fields(WORKFLOW_TASK, value, { owner: label, field: '', location: at.location });
  }

  private inlineWorkflow(value: unknown, at: At): void {
    if (typeof value === 'string' && value.startsWith('${') && value.endsWith('}')) return;
    if (!isJsonObject(value)) return this.refuse(at, value, 'an inline workflow definition (an object) or a "${...}" expression');
    const inner = new Binder(issuePath(this.workflowLabel, at.owner, at.field), false);
    inner.fields(WORKFLOW_DEF, value, { owner: undefined, field: '', location: '' });
    this.issues.push(...inner.issues);
  }

  private scalar(shape: 'text' | 'int' | 'long' | 'boolean' | { readonly enum: readonly string[] }, value: unknown, at: At): void {
    const reading = readScalar(shape, value);
    if (!reading.ok) return this.refuse(at, value, reading.want);
    if ('as' in reading) this.coerced(at, value, quote(reading.as));
  }

  private coerced(at: At, value: unknown, stored: string): void {
    this.issues.push({
      code: 'FIELD_COERCED',
      severity: 'warning',
      path: issuePath(this.workflowLabel, at.owner, at.field),
      message: `${at.field} is ${quote(value)}, which the server accepts but stores as ${stored}. Write ${stored} to say what will be stored.`,
    });
  }

  private refuse(at: At, value: unknown, want: string): void {
    this.issues.push({
      code: 'FIELD_TYPE',
      severity: 'error',
      path: issuePath(this.workflowLabel, at.owner, at.field),
      message: `${at.field} is ${typeof value === 'string' || typeof value === 'number' ? quote(value) : describeJsonType(value)}, which the server cannot read as ${want}: it answers 500 "JSON parse error" and registers nothing. ${fixFor(want)}`,
    });
  }
}

/** True for a task, or a list of them at any depth. */
function holdsTasks(shape: Shape): boolean {
  return shape === 'task' || (typeof shape === 'object' && 'list' in shape && holdsTasks(shape.list));
}

function describeShape(shape: Shape): string {
  if (shape === 'task') return 'task objects';
  if (shape === 'text') return 'text values';
  if (typeof shape === 'object' && 'list' in shape) return `arrays of ${describeShape(shape.list)}`;
  if (typeof shape === 'object' && 'object' in shape) return `${shape.object} objects`;
  return 'values of the right type';
}

/**
 * Checks that the server can read every field of a WorkflowDef (and of its tasks, nested tasks,
 * sub-workflow parameters, inline definitions and embedded task definitions) into the type the
 * conductor-oss 3.32.3 classes declare. Errors (`FIELD_TYPE`, `TASK_NOT_OBJECT`) for what the
 * server answers 500 to; warnings (`FIELD_COERCED`) for values it converts silently.
 */
export function bindingIssues(def: JsonObject, workflowLabel: string): DefinitionIssue[] {
  const binder = new Binder(workflowLabel);
  binder.fields(WORKFLOW_DEF, def, { owner: undefined, field: '', location: '' });
  return binder.issues;
}
