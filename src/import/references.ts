/**
 * Conductor expressions in imported JSON (`${workflow.input.sha}`, `fw-${t1.output.v}`) turned
 * into DSL source: typed references (`s.input.sha`, `` `fw-${s.t1.output.v}` ``) where the scope
 * allows them, the interpolated string as given where it does not, and `untypedRef('path')`
 * where a string would not fit the field's type.
 */
import { admitsString, isUnknown, knowsNothing, type Scope } from './scope.ts';
import { jsonLiteral, propertyName, stringLiteral, type SchemaJson } from './zod-source.ts';

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const EXPRESSION = /\$\{([^${}]*)\}/g;

/**
 * The segments of a reference path (`t1.output.list[0]` → `t1`, `output`, `list`, `0`), when the
 * DSL's references render it back to the same text (`src/dsl/ref.ts`); undefined otherwise
 * (JSONPath filters, wildcards, spaces ...).
 */
export function pathSegments(path: string): string[] | undefined {
  const first = /^[^.[\]\s]+/.exec(path)?.[0];
  if (first === undefined) return undefined;
  const segments = [first];
  let rest = path.slice(first.length);
  while (rest.length > 0) {
    const m = /^\.([^.[\]\s]+)|^\[(\d+)\]|^\['((?:[^'\\]|\\.)*)'\]/.exec(rest);
    if (m === null) return undefined;
    segments.push(m[1] ?? m[2] ?? (m[3] as string).replaceAll("\\'", "'"));
    rest = rest.slice(m[0].length);
  }
  const rendered = segments.slice(1).reduce((text, key) => {
    if (/^\d+$/.test(key)) return `${text}[${key}]`;
    return IDENTIFIER.test(key) ? `${text}.${key}` : `${text}['${key.replaceAll("'", "\\'")}']`;
  }, first);
  return rendered === path ? segments : undefined;
}

/** Scope path of expression segments: `workflow.input.x` is `s.input.x`, `workflow.workflowId` is `s.workflow.workflowId`. */
function scopePath(segments: readonly string[]): string[] {
  if (segments[0] === 'workflow' && (segments[1] === 'input' || segments[1] === 'variables')) return segments.slice(1);
  return [...segments];
}

function accessCode(path: readonly string[]): string {
  return path.reduce((code, key, i) => {
    if (i > 0 && /^\d+$/.test(key)) return `${code}[${key}]`;
    return IDENTIFIER.test(key) ? `${code}.${key}` : `${code}[${stringLiteral(key)}]`;
  }, 's');
}

/** What rendering found worth reporting. */
export interface RenderNotes {
  /** Set when the source uses `untypedRef`, so the file imports it. */
  usesUntypedRef: boolean;
}

/** Renders JSON templates as DSL source in one scope. */
export class ValueRenderer {
  constructor(
    private readonly scope: Scope,
    private readonly notes: RenderNotes,
  ) {}

  /**
   * A typed reference's code for an expression path, with its shape and whether `tsc` types it
   * `| undefined` (read through an index signature); undefined when tsc would refuse it.
   */
  private typed(path: string): { code: string; shape: SchemaJson; maybeUndefined: boolean } | undefined {
    const segments = pathSegments(path);
    if (segments === undefined) return undefined;
    const scoped = scopePath(segments);
    const shape = this.scope.shapeAt(scoped);
    return shape === undefined ? undefined : { code: accessCode(scoped), shape, maybeUndefined: this.scope.readsIndex(scoped) };
  }

  /**
   * A reference that must be one (a switch value, a dynamic fork's items): typed where the scope
   * allows, the read cannot be undefined and its type is known (or `expected` is unknown),
   * `untypedRef` otherwise. Undefined when `text` is not one whole expression.
   */
  reference(text: string, expected?: SchemaJson): string | undefined {
    const m = /^\$\{([^${}]*)\}$/.exec(text);
    if (m === null) return undefined;
    const path = m[1] as string;
    const typed = this.typed(path);
    if (typed !== undefined && !typed.maybeUndefined && (isUnknown(expected) || !knowsNothing(typed.shape))) return typed.code;
    if (path.trim() === '') return undefined;
    this.notes.usesUntypedRef = true;
    return `untypedRef(${stringLiteral(path)})`;
  }

  /** A string template bound to a field of type `expected` (undefined: unknown). */
  private string(text: string, expected: SchemaJson | undefined): string {
    const parts = text.split(EXPRESSION);
    if (parts.length === 1) return stringLiteral(text);
    if (parts.length === 3 && parts[0] === '' && parts[2] === '') {
      const path = parts[1] as string;
      const typed = this.typed(path);
      if (typed !== undefined && (isUnknown(expected) || !knowsNothing(typed.shape))) return typed.code;
      if (admitsString(expected)) return stringLiteral(text);
      return this.reference(text, expected) ?? stringLiteral(text);
    }
    let code = '`';
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i] as string;
      if (i % 2 === 0) {
        code += part.replaceAll('\\', '\\\\').replaceAll('`', '\\`').replaceAll('${', '\\${');
        continue;
      }
      const typed = this.typed(part);
      if (typed === undefined) return stringLiteral(text);
      code += `\${${typed.code}}`;
    }
    return `${code}\``;
  }

  /** Any JSON template bound to a field of type `expected`, nested objects and lists included. */
  value(value: unknown, expected: SchemaJson | undefined): string {
    if (typeof value === 'string') return this.string(value, expected);
    if (Array.isArray(value)) {
      const items = expected !== undefined && typeof expected.items === 'object' ? (expected.items as SchemaJson) : undefined;
      return layout('[', ']', value.map((item) => this.value(item, items)));
    }
    if (typeof value === 'object' && value !== null) return this.object(value as Record<string, unknown>, expected);
    return jsonLiteral(value);
  }

  /** An object template: each field rendered against its property's schema. */
  object(value: Readonly<Record<string, unknown>>, expected: SchemaJson | undefined): string {
    const properties = (expected?.properties ?? {}) as Record<string, SchemaJson>;
    const extra = typeof expected?.additionalProperties === 'object' ? (expected.additionalProperties as SchemaJson) : undefined;
    return layout(
      '{',
      '}',
      Object.entries(value).map(([key, item]) => `${propertyName(key)}: ${this.value(item, Object.hasOwn(properties, key) ? properties[key] : extra)}`),
    );
  }
}

/** A list or object literal: on one line when short, one item per line otherwise. */
export function layout(open: string, close: string, items: readonly string[]): string {
  if (items.length === 0) return `${open}${close}`;
  const pad = open === '{' ? ' ' : '';
  const line = `${open}${pad}${items.join(', ')}${pad}${close}`;
  return line.length <= 90 && !line.includes('\n') ? line : `${open}\n${items.map((item) => `${item},`).join('\n')}\n${close}`;
}
