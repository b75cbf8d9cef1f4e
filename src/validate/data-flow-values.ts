/**
 * What the data-flow rules know about the values of a workflow: the schema of each task's output
 * (its task definition's `outputSchema`, a sub-workflow's `outputSchema`, a JOIN's joined
 * outputs), of the workflow's input (`inputSchema`), and what a `${...}` reference or an input
 * template reads, step by step.
 */
import { closestName } from './closest-name.ts';
import { isJsonObject, quote, type JsonObject } from './json-value.ts';
import { parseReferencePath, renderSteps } from './reference-path.ts';
import { itemOf, propertyOf, type Schema } from './schema-paths.ts';
import type { TaskNode } from './task-tree.ts';

/** What is known about one value. */
export type Known =
  /** Nothing: no schema says. */
  | { readonly kind: 'unknown' }
  /** A value of this schema; `maybe` says why it may be null instead (a field that may be absent, a task that may not have run). */
  | { readonly kind: 'schema'; readonly schema: Schema; readonly maybe?: Lazy | undefined }
  /** Exactly this JSON value (a literal in a template, with no `${...}` in it). */
  | { readonly kind: 'literal'; readonly value: unknown }
  /** An object or a list written in a template with references inside, resolved where each task's `availability` says. */
  | { readonly kind: 'template'; readonly value: unknown; readonly availability: (root: string) => Availability }
  /** Text with `${...}` in it: always a string. */
  | { readonly kind: 'text' }
  /** Always null: a reference to a task that has not run (`reason`, `fix` say why and what to do). */
  | { readonly kind: 'null'; readonly reason: string; readonly fix: string }
  /** A field its holder never has: always null. */
  | { readonly kind: 'missing'; readonly missing: MissingField };

/** Text for a message, made only when a message needs it. */
export type Lazy = () => string;

/** A field read where its holder's schema says there is none. */
export interface MissingField {
  /** The field (or index) read. */
  readonly step: string | number;
  /** What holds it, for messages: `the output of "compile" (task definition "build")`. */
  readonly holder: string;
  /** The fields the holder has (empty for a scalar or a list). */
  readonly known: readonly string[];
  /** What the holder is when it has no fields: `a string`. */
  readonly holderType: string;
  /** The nearest known field, when the read looks like a typo. */
  readonly suggestion: string | undefined;
  /** The steps read before it, e.g. `['output', 'metrics']` for `${compile.output.metrics.x}`. */
  readonly before: readonly (string | number)[];
}

/** Whether a task has run when a reference to it is resolved. */
export type Availability =
  | { readonly kind: 'ran' }
  /** It may not have run: `why`. */
  | { readonly kind: 'maybe'; readonly why: string }
  /** It has not run there: `reason`, and what to do. */
  | { readonly kind: 'absent'; readonly reason: string; readonly fix: string }
  /** Nothing to say: a system parameter, or a reference the server refuses already (a top-level task's input naming no task). */
  | { readonly kind: 'unchecked' };

/** The contracts the data-flow rules read: task definitions and the workflows a SUB_WORKFLOW can start. */
export interface Contracts {
  /** Task definitions by name (raw TaskDef JSON). */
  readonly taskDefs: ReadonlyMap<string, JsonObject>;
  /** The workflow a SUB_WORKFLOW starts: by name, and version when given (else the highest). */
  readonly workflow: (name: string, version: number | undefined) => JsonObject | undefined;
}

/** The `data` JSON Schema of a SchemaDef (`inputSchema`/`outputSchema`), when it holds one. */
export function schemaData(schemaDef: unknown): Schema | undefined {
  if (!isJsonObject(schemaDef)) return undefined;
  const data = schemaDef.data;
  return isJsonObject(data) || typeof data === 'boolean' ? data : undefined;
}

/** The keys a template supplies by default (a TaskDef's or a workflow's `inputTemplate`). */
export function templateKeys(def: JsonObject | undefined): readonly string[] {
  return def !== undefined && isJsonObject(def.inputTemplate) ? Object.keys(def.inputTemplate) : [];
}

/** The task definition a SIMPLE task runs: its own `taskDefinition` when it has schemas, else the registered one. */
export function taskDefOf(node: TaskNode, contracts: Contracts): JsonObject | undefined {
  const embedded = node.raw.taskDefinition;
  if (isJsonObject(embedded) && (schemaData(embedded.inputSchema) !== undefined || schemaData(embedded.outputSchema) !== undefined)) return embedded;
  return typeof node.raw.name === 'string' ? contracts.taskDefs.get(node.raw.name) : undefined;
}

/** The workflow a SUB_WORKFLOW task starts: its inline definition, or the one named in `subWorkflowParam`. */
export function childOf(node: TaskNode, contracts: Contracts): JsonObject | undefined {
  const param = node.raw.subWorkflowParam;
  if (!isJsonObject(param)) return undefined;
  if (isJsonObject(param.workflowDefinition)) return param.workflowDefinition;
  if (typeof param.name !== 'string' || param.name.includes('${')) return undefined;
  return contracts.workflow(param.name, typeof param.version === 'number' ? param.version : undefined);
}

/** How messages name a task's producer: `task definition "build"`, `workflow "child" v1`. */
export function contractName(node: TaskNode, contracts: Contracts): string {
  if (node.type === 'SUB_WORKFLOW') {
    const child = childOf(node, contracts);
    return child === undefined ? 'its sub-workflow' : `workflow ${quote(child.name)}${typeof child.version === 'number' ? ` v${child.version}` : ''}`;
  }
  return `task definition ${quote(node.raw.name)}`;
}

const LOOP_OUTPUT: Schema = { type: 'object', properties: { iteration: { type: 'integer' } }, required: ['iteration'] };
// Both set on every path, the default case's too (the runner's SWITCH, checked against
// conductor-oss 3.32.3 by conformance part 4), so neither reads null: the DSL types them so.
const SWITCH_OUTPUT: Schema = { type: 'object', properties: { evaluationResult: { type: 'array', items: { type: 'string' } }, selectedCase: { type: 'string' } }, required: ['evaluationResult', 'selectedCase'] };
// The deprecated DECISION writes `{ caseOutput: [case] }` only (the runner's DECISION, as the server).
const DECISION_OUTPUT: Schema = { type: 'object', properties: { caseOutput: { type: 'array', items: { type: 'string' } } }, required: ['caseOutput'] };

/**
 * Follows a workflow's tasks and what is known of their outputs. `byRef` holds every task of the
 * workflow by reference name.
 */
export class Values {
  constructor(
    private readonly byRef: ReadonlyMap<string, TaskNode>,
    readonly contracts: Contracts,
    private readonly workflowInput: Schema | undefined,
    private readonly inputDefaults: readonly string[],
  ) {}

  /** True when `ref` is the reference name of a task of this workflow. */
  isTask(ref: string): boolean {
    return this.byRef.has(ref);
  }

  /** The schema of a task's output, when a contract gives it. */
  outputSchema(node: TaskNode, seen: ReadonlySet<TaskNode> = new Set()): Schema | undefined {
    switch (node.type) {
      case 'SIMPLE':
        return schemaData(taskDefOf(node, this.contracts)?.outputSchema);
      case 'SUB_WORKFLOW':
        return schemaData(childOf(node, this.contracts)?.outputSchema);
      case 'DO_WHILE':
        return LOOP_OUTPUT;
      case 'SWITCH':
        return SWITCH_OUTPUT;
      case 'DECISION':
        return DECISION_OUTPUT;
      case 'JOIN':
        return this.joinOutput(node, new Set([...seen, node]));
      default:
        return undefined;
    }
  }

  /** A JOIN outputs `{ [joinOnRef]: that task's output }` (a dynamic fork's JOIN, with no joinOn, is not known). */
  private joinOutput(node: TaskNode, seen: ReadonlySet<TaskNode>): Schema | undefined {
    const joinOn = Array.isArray(node.raw.joinOn) ? node.raw.joinOn.filter((r): r is string => typeof r === 'string') : [];
    if (joinOn.length === 0) return undefined;
    const properties: Record<string, Schema> = {};
    for (const ref of joinOn) {
      const task = this.byRef.get(ref);
      properties[ref] = task === undefined || seen.has(task) ? true : (this.outputSchema(task, seen) ?? true);
    }
    return { type: 'object', properties, required: joinOn, additionalProperties: false };
  }

  /** How messages name a task's output: `the output of "compile" (task definition "build")`. */
  outputHolder(node: TaskNode): string {
    const label = quote(node.ref ?? node.location);
    if (node.type === 'SIMPLE' || node.type === 'SUB_WORKFLOW') return `the output of ${label} (${contractName(node, this.contracts)})`;
    return `the output of ${node.type} ${label}`;
  }

  /**
   * What the reference `${expression}` reads, where `availability` tells whether each task has run.
   * @example values.reference('compile.output.bin', () => ({ kind: 'ran' })) // → { kind: 'schema', schema: { type: 'string' } }
   */
  reference(expression: string, availability: (root: string) => Availability): Known {
    const path = parseReferencePath(expression);
    if (path === undefined) return { kind: 'unknown' };
    const [first, ...rest] = path.steps;
    if (path.root === 'workflow') {
      if (first !== 'input' || this.workflowInput === undefined) return { kind: 'unknown' };
      return this.follow({ kind: 'schema', schema: this.workflowInput }, rest, () => "this workflow's input", ['input'], this.inputDefaults);
    }
    const task = this.byRef.get(path.root);
    const available = availability(path.root);
    if (available.kind === 'unchecked') return { kind: 'unknown' };
    if (available.kind === 'absent') return { kind: 'null', reason: available.reason, fix: available.fix };
    if (task === undefined || first !== 'output') return { kind: 'unknown' };
    const schema = this.outputSchema(task);
    if (schema === undefined) return { kind: 'unknown' };
    const why = available.kind === 'maybe' ? available.why : undefined;
    const start: Known = { kind: 'schema', schema, maybe: why === undefined ? undefined : () => why };
    return this.follow(start, rest, () => this.outputHolder(task), ['output'], []);
  }

  /**
   * Reads `steps` into a known value. `holder` names the value for messages; `defaults` are its
   * top-level fields that a template supplies even when the schema makes them optional.
   */
  follow(start: Known, steps: readonly (string | number)[], holder: Lazy, before: readonly (string | number)[], defaults: readonly string[] = []): Known {
    let known = start;
    for (let i = 0; i < steps.length; i++) {
      const step = steps[i] as string | number;
      const read = steps.slice(0, i);
      const what: Lazy = i === 0 ? holder : () => `field ${quote(renderSteps(read))} of ${holder()}`;
      known = this.step(known, step, what, [...before, ...read], i === 0 ? defaults : []);
      if (known.kind !== 'schema' && known.kind !== 'literal' && known.kind !== 'template') return known;
    }
    return known;
  }

  /** One step into a known value: a field (string) or an item (number). */
  step(known: Known, step: string | number, holder: Lazy, before: readonly (string | number)[], defaults: readonly string[] = []): Known {
    if (known.kind === 'literal' || known.kind === 'template') {
      const inner = (value: unknown): Known => (known.kind === 'template' ? this.template(value, known.availability) : { kind: 'literal', value });
      const { value } = known;
      if (typeof step === 'number' && Array.isArray(value)) return step < value.length ? inner(value[step]) : { kind: 'unknown' };
      if (typeof step !== 'string' || !isJsonObject(value)) return { kind: 'unknown' };
      if (Object.hasOwn(value, step)) return inner(value[step]);
      const fields = Object.keys(value);
      return { kind: 'missing', missing: { step, holder: holder(), known: fields, holderType: 'an object', suggestion: closestName(step, fields), before } };
    }
    if (known.kind !== 'schema') return known.kind === 'text' ? { kind: 'unknown' } : known;
    const lookup = typeof step === 'number' ? itemOf(known.schema, step) : propertyOf(known.schema, step);
    if (lookup.kind === 'unknown') return { kind: 'unknown' };
    if (lookup.kind === 'missing') {
      return { kind: 'missing', missing: { step, holder: holder(), known: lookup.known, holderType: lookup.holder, suggestion: typeof step === 'string' ? closestName(step, lookup.known) : undefined, before } };
    }
    const optional = lookup.optional && !(typeof step === 'string' && defaults.includes(step));
    const maybe = known.maybe ?? (optional ? () => `${quote(String(step))} is optional in ${holder()}` : undefined);
    return { kind: 'schema', schema: lookup.schema, maybe };
  }

  /**
   * What a template value is: a literal, text with expressions, what its lone reference reads, or
   * an object or list holding references (followed when a step goes into it).
   */
  template(value: unknown, availability: (root: string) => Availability): Known {
    if (typeof value === 'string' && value.includes('${')) {
      const expression = loneExpression(value);
      return expression === undefined ? { kind: 'text' } : this.reference(expression, availability);
    }
    return hasExpression(value) ? { kind: 'template', value, availability } : { kind: 'literal', value };
  }
}

/** True when a JSON value holds a `${` anywhere (it is resolved at run time). */
export function hasExpression(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('${');
  if (Array.isArray(value)) return value.some(hasExpression);
  return isJsonObject(value) && Object.values(value).some(hasExpression);
}

/** The lone `${...}` a string is made of, or undefined when it is text (with or without expressions). */
export function loneExpression(text: string): string | undefined {
  if (!text.startsWith('${')) return undefined;
  let depth = 0;
  for (let i = 1; i < text.length; i++) {
    if (text[i] === '{') depth++;
    else if (text[i] === '}' && --depth === 0) return i === text.length - 1 ? text.slice(2, -1) : undefined;
  }
  return undefined;
}

