/**
 * The data-flow rules: every value a workflow passes is checked against the JSON Schemas its
 * contracts declare (task definitions' and workflows' `inputSchema`/`outputSchema`, which
 * conductor-oss 3.32.3 stores but never enforces). A `${ref.output.path}` whose path the
 * producer's schema lacks; a literal, or a lone reference, whose type cannot fit the input it
 * feeds; a required input left out, or one the contract does not have; a reference that reads
 * null where a value is needed; a switch case its value can never take; the workflow's outputs;
 * and the `$.name.field` reads of scripts (script-check.ts).
 *
 * Severity: in contract mode (the caller gave the task definitions: `gen`, and `validate` with
 * task definition files) each finding is an error, since it is what the DSL's types refuse, refused
 * in the JSON as well; otherwise a warning (the server registers all of it; the value reads null or
 * fails the worker's contract at run time).
 */
import { issuePath, type DefinitionIssue } from '../issues.ts';
import { closestName } from './closest-name.ts';
import { childPath, isJsonObject, quote, type JsonObject } from './json-value.ts';
import { afterTask, availabilityIn, endScope, loopScope, type Scope } from './data-flow-scope.ts';
import { childOf, contractName, hasExpression, loneExpression, schemaData, taskDefOf, templateKeys, Values, type Availability, type Contracts, type Known, type Lazy, type MissingField } from './data-flow-values.ts';
import { findReferences } from './expressions.ts';
import { expressionFields, expressionKey } from './reference-rules.ts';
import { renderSteps } from './reference-path.ts';
import { closedFields, describeLiteral, itemCountMisfit, literalMisfit, requiredFields, schemaMisfit, type Misfit } from './schema-fit.ts';
import { allowsNull, describeSchema, enumValues, itemOf, propertyOf, schemaTypes, typeAllowed, type Schema } from './schema-paths.ts';
import { FlowReport } from './flow-report.ts';
import { checkScripts } from './script-check.ts';
import { taskTitle } from './task-rules.ts';
import type { TaskList, TaskNode } from './task-tree.ts';

/** What the data-flow rules are given besides the workflow. */
export interface DataFlowOptions {
  readonly contracts: Contracts;
  /** Contract mode: findings are errors (else warnings). */
  readonly strict: boolean;
}

/** The findings, and the expressions they settle (which the reference rules then do not repeat). */
export interface DataFlowResult {
  readonly issues: DefinitionIssue[];
  readonly settled: ReadonlySet<string>;
}

/** A place a value goes to, with the schema it must fit. */
interface Target {
  /** The task whose field it is; undefined for the workflow's outputParameters. */
  readonly node: TaskNode | undefined;
  /** The field path, e.g. `inputParameters.metrics.flash_bytes`. */
  readonly at: string;
  /** Who takes it: `task definition "build"`, `workflow "child" v1`, `this workflow's outputSchema`. */
  readonly taker: Lazy;
  readonly availability: (root: string) => Availability;
  /** Codes for a required field left out and a field the schema does not have. */
  readonly codes: { readonly missing: string; readonly extra: string };
}

const INPUT_CODES = { missing: 'INPUT_REQUIRED_MISSING', extra: 'INPUT_NOT_DECLARED' };
const OUTPUT_CODES = { missing: 'OUTPUT_REQUIRED_MISSING', extra: 'OUTPUT_NOT_DECLARED' };

/**
 * Checks the data flow of one workflow (`tree` is its tasks). `contracts` gives the task
 * definitions and the workflows sub-workflow tasks start.
 */
export function checkDataFlow(def: JsonObject, tree: TaskList, label: string, options: DataFlowOptions): DataFlowResult {
  const checker = new DataFlowChecker(def, tree, new FlowReport(label, options.strict ? 'error' : 'warning'), options.contracts);
  checker.walk(tree, new Map());
  checker.checkOutputs(tree);
  return { issues: checker.report.issues, settled: checker.report.settled };
}

class DataFlowChecker {
  private readonly byRef = new Map<string, TaskNode>();
  private readonly values: Values;
  private readonly outputSchema: Schema | undefined;

  constructor(
    private readonly def: JsonObject,
    tree: TaskList,
    readonly report: FlowReport,
    private readonly contracts: Contracts,
  ) {
    const visit = (list: TaskList): void => {
      for (const node of list.tasks) {
        if (node.ref !== undefined && !this.byRef.has(node.ref)) this.byRef.set(node.ref, node);
        node.children.forEach(visit);
      }
    };
    visit(tree);
    this.values = new Values(this.byRef, contracts, schemaData(def.inputSchema), templateKeys(def));
    this.outputSchema = schemaData(def.outputSchema);
  }

  walk(list: TaskList, before: Scope): void {
    const visible = new Map(before);
    for (const node of list.tasks) {
      const scope = node.type === 'DO_WHILE' ? loopScope(visible, node) : visible;
      this.checkTask(node, scope);
      if (node.children.length > 0) {
        const inside = new Map(scope);
        if (node.ref !== undefined) inside.set(node.ref, { kind: 'ran' });
        for (const child of node.children) this.walk(child, inside);
      }
      afterTask(visible, node);
    }
  }

  checkOutputs(tree: TaskList): void {
    const output = this.def.outputParameters;
    const availability = availabilityIn(endScope(tree), this.byRef, undefined, false);
    // Without outputParameters, Conductor outputs the last task's output.
    if (this.outputSchema === undefined || !isJsonObject(output) || Object.keys(output).length === 0) return this.unknownFields(output, 'outputParameters', undefined, availability);
    this.checkObject(output, this.outputSchema, [], { node: undefined, at: 'outputParameters', taker: () => "this workflow's outputSchema", availability, codes: OUTPUT_CODES });
  }

  private checkTask(node: TaskNode, scope: Scope): void {
    const topLevel = node.trail.length === 1;
    // The server refuses a top-level task's input that names no task; elsewhere such a reference reads null.
    const anywhere = availabilityIn(scope, this.byRef, node, false);
    const availability = topLevel ? availabilityIn(scope, this.byRef, node, true) : anywhere;
    const inputs = node.raw.inputParameters;
    const contract = node.type === 'SIMPLE' ? taskDefOf(node, this.contracts) : node.type === 'SUB_WORKFLOW' ? childOf(node, this.contracts) : undefined;
    const schema = schemaData(contract?.inputSchema);
    // A task with an input schema has its inputParameters walked whole by checkObject, which reports the unknown fields read there too.
    const typed = schema !== undefined && isJsonObject(inputs);
    for (const [field, value] of expressionFields(node)) if (!(typed && field === 'inputParameters')) this.unknownFields(value, field, node, field === 'inputParameters' ? availability : anywhere);
    // Before the input checks: a loop without inputParameters still has a condition to read.
    checkScripts(node, this.values, scope, anywhere, this.report);
    if (!isJsonObject(inputs)) return;
    if (schema !== undefined) {
      this.checkObject(inputs, schema, templateKeys(contract), { node, at: 'inputParameters', taker: () => contractName(node, this.contracts), availability, codes: INPUT_CODES });
    } else if (node.type === 'FORK_JOIN_DYNAMIC') {
      this.checkForkInputs(node, inputs, availability);
    } else if (node.type === 'TERMINATE' && this.outputSchema !== undefined && Object.hasOwn(inputs, 'workflowOutput')) {
      // A TERMINATE's output may set part of the workflow's output.
      const partial: Schema = isJsonObject(this.outputSchema) ? { ...this.outputSchema, required: [] } : this.outputSchema;
      this.checkValue(inputs.workflowOutput, partial, { node, at: 'inputParameters.workflowOutput', taker: () => "this workflow's outputSchema", availability, codes: OUTPUT_CODES });
    } else if ((node.type === 'SWITCH' && node.raw.evaluatorType === 'value-param') || (node.type === 'DECISION' && typeof node.raw.caseValueParam === 'string')) {
      this.checkCases(node, inputs, availability);
    }
  }

  /** Reports every `${...}` in `value` that reads a field its holder's schema does not have. */
  private unknownFields(value: unknown, field: string, node: TaskNode | undefined, availability: (root: string) => Availability): void {
    for (const { expression, at } of findReferences(value, field)) {
      const known = this.values.reference(expression, availability);
      if (known.kind === 'missing') this.report.add('REF_FIELD_UNKNOWN', issuePath(this.report.label, node?.label, at), missingFieldMessage(expression, known.missing));
    }
  }

  /** FORK_JOIN_DYNAMIC with `forkTaskName` and `forkTaskInputs`: each item is the input of one `forkTaskName` task. */
  private checkForkInputs(node: TaskNode, inputs: JsonObject, availability: (root: string) => Availability): void {
    const name = inputs.forkTaskName;
    const taskDef = typeof name === 'string' ? this.contracts.taskDefs.get(name) : undefined;
    const schema = schemaData(taskDef?.inputSchema);
    if (schema === undefined || !Object.hasOwn(inputs, 'forkTaskInputs')) return;
    const taker: Lazy = () => `task definition ${quote(name)}`;
    const target = (at: string): Target => ({ node, at, taker, availability, codes: INPUT_CODES });
    const items = inputs.forkTaskInputs;
    if (Array.isArray(items)) {
      items.forEach((item, i) => {
        if (isJsonObject(item)) this.checkObject(item, schema, templateKeys(taskDef), target(`inputParameters.forkTaskInputs[${i}]`));
      });
      return;
    }
    const expression = typeof items === 'string' ? loneExpression(items) : undefined;
    if (expression === undefined) return;
    const known = this.values.reference(expression, availability);
    if (known.kind !== 'schema') return;
    const item = itemOf(known.schema, 0);
    if (item.kind !== 'found' || schemaTypes(item.schema)?.has('object') !== true) return;
    const defaults = templateKeys(taskDef);
    const needed: Schema = isJsonObject(schema) ? { ...schema, required: requiredFields(schema).filter((k) => !defaults.includes(k)) } : schema;
    const misfit = schemaMisfit(item.schema, needed);
    if (misfit !== undefined) this.mismatch(target('inputParameters.forkTaskInputs'), `reads ${quote(`\${${expression}}`)}, a list whose items are ${misfitFound(misfit)}`, misfit, 'Fork over a list whose items are that task\'s input, or map the items first (an INLINE or JSON_JQ_TRANSFORM task).');
  }

  /** A value-param switch: every case key should be a value the switch value can take (Conductor compares its text, `"" + value`). */
  private checkCases(node: TaskNode, inputs: JsonObject, availability: (root: string) => Availability): void {
    const param = node.type === 'SWITCH' ? node.raw.expression : node.raw.caseValueParam;
    if (typeof param !== 'string' || !Object.hasOwn(inputs, param) || !isJsonObject(node.raw.decisionCases)) return;
    const texts = caseTexts(this.values.template(inputs[param], availability));
    if (texts === undefined) return;
    for (const key of Object.keys(node.raw.decisionCases)) {
      if (texts.includes(key)) continue;
      this.report.add(
        'SWITCH_CASE_UNREACHABLE',
        issuePath(this.report.label, node.label, childPath('decisionCases', key)),
        `${taskTitle(node)}: case ${quote(key)} can never be chosen, since the switch value (inputParameters.${param}) is always ${texts.map((t) => quote(t)).join(' or ')}. ${renameTo(key, texts)}`,
      );
    }
  }

  /** Checks an object template against an object schema: required fields (less `defaults`), fields it does not have, each field's value. */
  private checkObject(value: JsonObject, schema: Schema, defaults: readonly string[], target: Target): void {
    const types = schemaTypes(schema);
    if (types !== undefined && !types.has('object')) {
      this.unknownFields(value, target.at, target.node, target.availability);
      return this.mismatch(target, `is an object`, { path: [], found: 'an object', expected: describeSchema(schema) });
    }
    for (const key of requiredFields(schema)) {
      if (Object.hasOwn(value, key) || defaults.includes(key)) continue;
      const field = propertyOf(schema, key);
      const what = field.kind === 'found' ? ` (${describeSchema(field.schema)})` : '';
      this.report.add(target.codes.missing, issuePath(this.report.label, target.node?.label, target.at), `${subjectOf(target)} ${target.node === undefined ? 'has' : 'sets'} no ${quote(key)}${what}, which ${target.taker()} requires${target.node === undefined ? '' : ', so the task never gets one'}. Add ${childPath(target.at, key)}.`);
    }
    const allowed = closedFields(schema);
    for (const key of Object.keys(value)) {
      if (allowed !== undefined && !allowed.includes(key)) {
        this.unknownFields(value[key], childPath(target.at, key), target.node, target.availability);
        const suggestion = closestName(key, allowed);
        this.report.add(
          target.codes.extra,
          issuePath(this.report.label, target.node?.label, childPath(target.at, key)),
          `${quote(key)} is not a field of ${target.taker()} (it has ${allowed.length === 0 ? 'none' : allowed.map((k) => quote(k)).join(', ')}), so ${target.node === undefined ? 'it is not part of the declared output' : 'the task never reads it'}. ${suggestion === undefined ? 'Remove it' : `Rename it to ${quote(suggestion)}`}${allowed.length === 0 ? '' : ', or add it to the schema'}.`,
        );
        continue;
      }
      const field = propertyOf(schema, key);
      if (field.kind === 'found') this.checkValue(value[key], field.schema, { ...target, at: childPath(target.at, key) });
      else this.unknownFields(value[key], childPath(target.at, key), target.node, target.availability);
    }
  }

  /** Checks one template value (literal, text, lone reference, or a structure holding references) against a schema. */
  private checkValue(value: unknown, schema: Schema, target: Target): void {
    if (typeof value === 'string' && value.includes('${')) {
      const expression = loneExpression(value);
      if (expression !== undefined) return this.checkReference(expression, schema, target);
      this.unknownFields(value, target.at, target.node, target.availability);
      const types = schemaTypes(schema);
      if (types !== undefined && !types.has('string')) this.mismatch(target, `is text with expressions in it (${quote(value)}), always a string`, { path: [], found: 'a string', expected: describeSchema(schema) }, 'Pass a lone reference ("${...}" and nothing around it) to pass a value as it is.');
      return;
    }
    if (typeof value !== 'object' || value === null) {
      const misfit = literalMisfit(value, schema);
      if (misfit !== undefined) this.mismatch(target, `is ${misfit.found}`, misfit, `Pass ${misfit.expected}.`);
      return;
    }
    const types = schemaTypes(schema);
    const type = Array.isArray(value) ? 'array' : 'object';
    const typeFits = types === undefined || typeAllowed(type, types);
    if (!typeFits || (isJsonObject(schema) && ('anyOf' in schema || 'oneOf' in schema))) {
      // A value that is one of several shapes is checked whole when it is all literal.
      const misfit = typeFits && !hasExpression(value) ? literalMisfit(value, schema) : undefined;
      this.unknownFields(value, target.at, target.node, target.availability);
      if (!typeFits) this.mismatch(target, `is ${describeLiteral(value)}`, { path: [], found: describeLiteral(value), expected: describeSchema(schema) });
      else if (misfit !== undefined) this.mismatch(target, misfit.path.length === 0 ? `is ${misfit.found}` : `is ${describeLiteral(value)} whose ${quote(renderSteps(misfit.path))} is ${misfit.found}`, misfit, `Pass ${misfit.expected}${misfit.path.length === 0 ? '' : ' there'}.`);
      return;
    }
    const count = Array.isArray(value) ? itemCountMisfit(value.length, schema) : undefined;
    if (count !== undefined) return this.mismatch(target, `is ${count.found}`, count, `Pass ${count.expected}.`);
    if (Array.isArray(value)) {
      value.forEach((item, i) => {
        const lookup = itemOf(schema, i);
        if (lookup.kind === 'found') this.checkValue(item, lookup.schema, { ...target, at: childPath(target.at, i) });
        else this.unknownFields(item, childPath(target.at, i), target.node, target.availability);
      });
    } else if (isJsonObject(value)) this.checkObject(value, schema, [], target);
  }

  /** A lone `${expression}`: what it reads must fit `schema`, and may not be null where null does not fit. */
  private checkReference(expression: string, schema: Schema, target: Target): void {
    const known: Known = this.values.reference(expression, target.availability);
    if (known.kind === 'missing') return this.report.add('REF_FIELD_UNKNOWN', issuePath(this.report.label, target.node?.label, target.at), missingFieldMessage(expression, known.missing));
    if (known.kind !== 'null' && known.kind !== 'schema') return;
    const shown = quote(`\${${expression}}`);
    if (known.kind === 'null') {
      if (allowsNull(schema)) return;
      const path = issuePath(this.report.label, target.node?.label, target.at);
      this.report.settled.add(expressionKey(path, expression));
      this.report.add('REF_READS_NULL', path, `${shown} references ${quote(expression.split(/[.[]/)[0] ?? '')}, ${known.reason}, so it reads null there, but ${target.taker()} takes ${describeSchema(schema)} for ${target.at}. ${known.fix}`);
      return;
    }
    const misfit = schemaMisfit(known.schema, schema);
    if (misfit !== undefined) {
      return this.mismatch(target, `reads ${shown}, ${misfit.path.length === 0 ? misfit.found : `whose ${quote(renderSteps(misfit.path))} is ${misfit.found}`}`, misfit, `Reference a value that is ${misfit.expected}, or convert it first (an INLINE or JSON_JQ_TRANSFORM task).`);
    }
    const maybe = known.maybe ?? (schemaTypes(known.schema)?.has('null') === true ? () => 'its schema allows null' : undefined);
    if (maybe !== undefined && !allowsNull(schema)) {
      this.report.add(
        'VALUE_MAYBE_NULL',
        issuePath(this.report.label, target.node?.label, target.at),
        `${target.at} reads ${shown}, which may be null (${maybe()}), but ${target.taker()} takes ${describeSchema(schema)} there, not null. Read a value that is always set, or make the field nullable in the contract.`,
      );
    }
  }

  private mismatch(target: Target, what: string, misfit: Misfit, fix = `Pass ${misfit.expected}.`): void {
    const inner = misfit.path.length === 0 ? '' : ` for ${quote(renderSteps(misfit.path))}`;
    this.report.add('VALUE_TYPE_MISMATCH', issuePath(this.report.label, target.node?.label, target.at), `${target.at} ${what}, but ${target.taker()} takes ${misfit.expected}${inner} there. ${fix}`);
  }
}

/**
 * The texts a value-param switch value can have, as its schema lists them (an enum, a boolean,
 * maybe null); undefined when no schema lists them. A literal switch value is taken as meant
 * (a case left unreachable on purpose).
 */
function caseTexts(known: Known): string[] | undefined {
  if (known.kind !== 'schema') return undefined;
  const types = schemaTypes(known.schema);
  const values = enumValues(known.schema) ?? (types?.size === 1 && types.has('boolean') ? [true, false] : undefined);
  if (values === undefined) return undefined;
  const texts = values.map((value) => (value === null ? 'null' : typeof value === 'string' ? value : typeof value === 'boolean' || (typeof value === 'number' && Number.isInteger(value)) ? String(value) : undefined));
  if (texts.some((t) => t === undefined)) return undefined;
  const nullable = known.maybe !== undefined || types?.has('null') === true;
  return [...new Set([...(texts as string[]), ...(nullable ? ['null'] : [])])];
}

function renameTo(key: string, texts: readonly string[]): string {
  const suggestion = closestName(key, texts);
  return suggestion === undefined ? 'Rename the case to one of those values, or remove it.' : `Rename the case to ${quote(suggestion)}, or remove it.`;
}

function subjectOf(target: Target): string {
  return target.node === undefined ? target.at : `${taskTitle(target.node)}: ${target.at}`;
}

function misfitFound(misfit: Misfit): string {
  return misfit.path.length === 0 ? misfit.found : `objects whose ${quote(renderSteps(misfit.path))} is ${misfit.found}`;
}


/** The message of a reference to a field its holder does not have. */
export function missingFieldMessage(expression: string, missing: MissingField): string {
  const shown = quote(`\${${expression}}`);
  const field = quote(String(missing.step));
  const has = missing.known.length > 0 ? `has no field ${field} (it has ${missing.known.map((k) => quote(k)).join(', ')})` : `is ${missing.holderType}, with no field ${field}`;
  const fix =
    missing.suggestion !== undefined
      ? `Read ${quote(missing.suggestion)} instead (${quote(`\${${replaceLast(expression, String(missing.step), missing.suggestion)}}`)})`
      : missing.known.length > 0
        ? 'Read one of those fields'
        : `Read the value itself (without ${field})`;
  return `${shown} reads ${field} of ${missing.holder}, which ${has}, so it reads null. ${fix}, or add ${field} to the contract.`;
}

function replaceLast(expression: string, step: string, by: string): string {
  const i = expression.lastIndexOf(step);
  return i === -1 ? expression : `${expression.slice(0, i)}${by}${expression.slice(i + step.length)}`;
}
