/**
 * The data-flow rules for scripts: each `$.name.field` read of a SWITCH or DECISION expression,
 * a DO_WHILE loop condition or INLINE code must name something `$` holds there, and a field its
 * schema has. What `$` holds is what conductor-oss 3.32.3 binds: a SWITCH's, DECISION's or
 * INLINE's resolved inputParameters; for a loop condition (`DoWhile.evaluateCondition`) the
 * loop's resolved inputParameters, its own output under its reference name, the output of every
 * task nested in loopOver under its reference name, and `loopIndex`/`loopItem` when it loops
 * over `items`. A read of a name `$` does not hold gives undefined, and reading from that fails
 * the task with a TypeError (`Cannot read property 'x' of undefined`, observed on the server).
 */
import { issuePath } from '../issues.ts';
import { closestName } from './closest-name.ts';
import type { Scope } from './data-flow-scope.ts';
import type { FlowReport } from './flow-report.ts';
import type { Availability, Known, Lazy, Values } from './data-flow-values.ts';
import { isJsonObject, quote } from './json-value.ts';
import { renderSteps } from './reference-path.ts';
import { scriptReads, type ScriptRead } from './script-reads.ts';
import { taskTitle } from './task-rules.ts';
import { allTasks, type TaskNode } from './task-tree.ts';
import { withoutExpressions } from './task-type-rules.ts';

const JAVASCRIPT = new Set(['javascript', 'graaljs']);

/** A script of a task: the field that holds it and its text as the server parses it. */
interface Script {
  readonly field: string;
  readonly source: string;
  /** What `$` holds there, for messages. */
  readonly holds: string;
  /** How to add a missing name, for messages. */
  readonly add: string;
}

function scriptOf(node: TaskNode): Script | undefined {
  const { raw } = node;
  const inputs = isJsonObject(raw.inputParameters) ? raw.inputParameters : {};
  const ofInputs = { holds: 'its inputParameters', add: 'Add it to inputParameters' };
  if (node.type === 'SWITCH' && typeof raw.evaluatorType === 'string' && JAVASCRIPT.has(raw.evaluatorType) && typeof raw.expression === 'string') return { field: 'expression', source: raw.expression, ...ofInputs };
  if (node.type === 'DECISION' && typeof raw.caseExpression === 'string') return { field: 'caseExpression', source: raw.caseExpression, ...ofInputs };
  if (node.type === 'INLINE' && typeof inputs.evaluatorType === 'string' && JAVASCRIPT.has(inputs.evaluatorType) && typeof inputs.expression === 'string') {
    return { field: 'inputParameters.expression', source: withoutExpressions(inputs.expression), ...ofInputs };
  }
  if (node.type === 'DO_WHILE' && typeof raw.loopCondition === 'string') {
    return {
      field: 'loopCondition',
      source: raw.loopCondition,
      holds: "the loop's inputParameters, the loop's own output (iteration) and the output of each task in loopOver, by reference name",
      add: "Add it to the loop's inputParameters, or read a task of loopOver",
    };
  }
  return undefined;
}

/** A name `$` holds, and what is known of its value. */
interface Held {
  readonly known: () => Known;
  /** How messages name the value: `input "k" of SWITCH "route"`. */
  readonly holder: Lazy;
}

function heldNames(node: TaskNode, values: Values, scope: Scope, availability: (root: string) => Availability): Map<string, Held> {
  const held = new Map<string, Held>();
  const inputs = isJsonObject(node.raw.inputParameters) ? node.raw.inputParameters : {};
  for (const [key, value] of Object.entries(inputs)) held.set(key, { known: () => values.template(value, availability), holder: () => `input ${quote(key)} of ${taskTitle(node)}` });
  if (node.type !== 'DO_WHILE') return held;
  // Inside an outer loop the server names this loop's run `<ref>__<n>` and binds its output under
  // that name only, so `$.<ref>` is undefined to its own condition (conductor-oss 3.32.3, observed).
  if (node.ref !== undefined && !insideLoop(node)) {
    const loop = node;
    held.set(node.ref, { known: () => ({ kind: 'schema', schema: values.outputSchema(loop) ?? true }), holder: () => values.outputHolder(loop) });
  }
  for (const task of node.children.flatMap(allTasks)) {
    if (task.ref === undefined) continue;
    const maybe = scope.get(task.ref);
    held.set(task.ref, {
      known: () => {
        const schema = values.outputSchema(task);
        const why = maybe?.kind === 'maybe' ? maybe.why : undefined;
        return schema === undefined ? { kind: 'unknown' } : { kind: 'schema', schema, maybe: why === undefined ? undefined : () => why };
      },
      holder: () => values.outputHolder(task),
    });
  }
  if (Object.hasOwn(node.raw, 'items')) {
    held.set('loopIndex', { known: () => ({ kind: 'schema', schema: { type: 'integer' } }), holder: () => 'loopIndex' });
    held.set('loopItem', { known: () => ({ kind: 'unknown' }), holder: () => 'loopItem' });
  }
  return held;
}

/** Whether `node` is nested in a DO_WHILE's loopOver, at any depth. */
function insideLoop(node: TaskNode): boolean {
  return node.trail.some((step) => step.owner?.type === 'DO_WHILE');
}

/** Whether reading on from the value at step `index` of `read` happens without `?.` (and so throws when it is undefined). */
function readsOnFrom(read: ScriptRead, index: number): boolean {
  return index + 1 < read.steps.length ? read.optional[index + 1] !== true : read.dereferenced;
}

/**
 * Checks the `$` reads of `node`'s script (if it has one) against what `$` holds there, adding
 * SCRIPT_READ_UNKNOWN (a name `$` does not hold) and SCRIPT_READ_FIELD_UNKNOWN (a field a schema
 * does not have) to `report`.
 */
export function checkScripts(node: TaskNode, values: Values, scope: Scope, availability: (root: string) => Availability, report: FlowReport): void {
  const script = scriptOf(node);
  const reads = script === undefined ? undefined : scriptReads(script.source);
  if (script === undefined || reads === undefined) return;
  const held = heldNames(node, values, scope, availability);
  const path = issuePath(report.label, node.label, script.field);
  for (const read of reads) {
    const [first, ...rest] = read.steps;
    if (typeof first !== 'string') continue;
    const entry = held.get(first);
    if (entry === undefined) {
      const names = [...held.keys()];
      const suggestion = closestName(first, names);
      const crash = readsOnFrom(read, 0) ? ', and reading from it fails the task with a TypeError when the script runs' : '';
      if (node.type === 'DO_WHILE' && first === node.ref) {
        report.add(
          'DO_WHILE_NESTED_SELF_READ',
          path,
          `${taskTitle(node)}: loopCondition reads ${read.text}, but this loop is inside another DO_WHILE, where the server names its run ${quote(`${first}__1`)}, ${quote(`${first}__2`)}, ... and binds its output only under that name, so $.${first} is undefined and the loop fails with "Unable to evaluate condition" in its first iteration (conductor-oss 3.32.3). Count iterations another way: read a task of loopOver, e.g. a counter that an INLINE task of loopOver returns.`,
        );
        continue;
      }
      const fix =
        suggestion !== undefined
          ? `Read $.${suggestion}, or ${script.add.charAt(0).toLowerCase()}${script.add.slice(1)}.`
          : values.isTask(first) && node.type !== 'DO_WHILE'
            ? `A script sees only its inputs: pass the task's output in with inputParameters ${quote({ [first]: `\${${first}.output}` })}.`
            : `${script.add}, or fix the name.`;
      report.add('SCRIPT_READ_UNKNOWN', path, `${taskTitle(node)}: ${script.field} reads ${read.text}, but $ there holds ${script.holds} (${names.length === 0 ? 'nothing' : names.map((n) => quote(n)).join(', ')}), so $.${first} is undefined${crash}. ${fix}`);
      continue;
    }
    let known = entry.known();
    for (const [i, step] of rest.entries()) {
      const holder: Lazy = i === 0 ? entry.holder : () => `$.${renderSteps([first, ...rest.slice(0, i)])}`;
      known = values.step(known, step, holder, [first, ...rest.slice(0, i)]);
      if (known.kind === 'missing') {
        // Names on a string or a list are JavaScript's (length, indexOf, ...): only an object's missing fields are findings.
        if (known.missing.holderType === 'an object') report.add('SCRIPT_READ_FIELD_UNKNOWN', path, scriptFieldMessage(node, script, read, known.missing.known, known.missing.suggestion, String(step), known.missing.holder, readsOnFrom(read, i + 1)));
        break;
      }
      if (known.kind !== 'schema' && known.kind !== 'literal' && known.kind !== 'template') break;
    }
  }
}

function scriptFieldMessage(node: TaskNode, script: Script, read: ScriptRead, known: readonly string[], suggestion: string | undefined, field: string, holder: string, crash: boolean): string {
  const fix = suggestion === undefined ? `Read a field it has` : `Read ${quote(suggestion)} instead (${read.text.replace(new RegExp(`(\\.|\\[['"])${field.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`), `$1${suggestion}`)})`;
  return `${taskTitle(node)}: ${script.field} reads ${read.text}, but ${holder} has no field ${quote(field)} (it has ${known.map((k) => quote(k)).join(', ')}), so it reads undefined${crash ? ', and reading from it fails the task with a TypeError when the script runs' : ''}. ${fix}, or add ${quote(field)} to the contract.`;
}
