import type { Execution } from '../runner/execution.ts';
import { toApiWorkflow, type RunView } from './api-model.ts';
import { badRequest } from './http.ts';

/** What `GET /api/workflow/search` takes (query parameters). */
export interface SearchRequest {
  /** Conditions joined by ` AND `: `field IN (a,b)`, `field = value` (`*` wildcards), `field > n`, `field < n`. */
  readonly query: string;
  /** Text the summary must contain (case-insensitive); empty or `*`: anything. */
  readonly freeText: string;
  /** Index of the first hit to answer. @default 0 */
  readonly start: number;
  /** Most hits to answer. @default 100 */
  readonly size: number;
  /** `field:ASC` or `field:DESC`, several separated by `;`; unknown fields are ignored. */
  readonly sort: readonly string[];
}

/** Fields a condition or a sort may name, as conductor-oss's SQLite index has them (snake case). */
const FIELDS: ReadonlySet<string> = new Set(['workflow_id', 'correlation_id', 'workflow_type', 'start_time', 'end_time', 'status', 'update_time', 'parent_workflow_id', 'classifier']);

interface Condition {
  readonly field: string;
  readonly operator: '=' | '>' | '<' | 'IN';
  readonly values: readonly string[];
}

const camelToSnake = (name: string): string => name.replace(/\B([A-Z])/g, '_$1').toLowerCase();

/**
 * The conditions of a search query as conductor-oss 3.32.3's SQLite index reads them
 * (`SqliteIndexQueryBuilder`): split on ` AND `, quotes and parentheses dropped from values,
 * `IN` with one value is `=`, fields it does not index are ignored; a part that is no condition is a
 * 400 with the server's wording.
 */
function parseQuery(query: string): Condition[] {
  if (query.trim() === '') return [];
  return query.split(' AND ').flatMap((part) => {
    const match = /([a-zA-Z]+)\s?(=|>|<|IN)\s?(.*)/.exec(part);
    if (match === null) throw badRequest(`Incorrectly formatted query string: ${part}`);
    const values = (match[3] as string).replace(/["'()]/g, '').split(',');
    const field = camelToSnake(match[1] as string);
    const operator = match[2] === 'IN' && values.length === 1 ? '=' : (match[2] as Condition['operator']);
    return FIELDS.has(field) ? [{ field, operator, values }] : [];
  });
}

/** A summary's value of an indexed field, for conditions and sorting. */
function fieldOf(summary: Record<string, unknown>, exec: Execution, field: string): string | number {
  switch (field) {
    case 'start_time':
      return exec.startTime;
    case 'end_time':
      return exec.endTime;
    case 'update_time':
      return Date.parse(String(summary['updateTime']));
    default: {
      const key = field.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
      const value = summary[key];
      return typeof value === 'number' ? value : String(value ?? '');
    }
  }
}

function holds(condition: Condition, value: string | number): boolean {
  const [first = ''] = condition.values;
  switch (condition.operator) {
    case 'IN':
      return condition.values.includes(String(value));
    case '>':
      return Number(value) > Number(first);
    case '<':
      return Number(value) < Number(first);
    default:
      if (first.includes('*')) {
        const pattern = new RegExp(`^${first.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 'i');
        return pattern.test(String(value));
      }
      return String(value) === first;
  }
}

/**
 * A JSON value as Java's `toString` prints the map the server holds: `{a=1, b=[x, y]}`. The
 * search answers input and output so (`WorkflowSummary` calls `Map.toString`), not as JSON.
 */
export function javaText(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(javaText).join(', ')}]`;
  if (typeof value === 'object' && value !== null) return `{${Object.entries(value).map(([k, v]) => `${k}=${javaText(v)}`).join(', ')}}`;
  return String(value);
}

/**
 * A workflow run as the search answers it (the server's `WorkflowSummary`): times as ISO text,
 * input and output as Java prints a map ({@link javaText}), failed references joined by commas.
 */
export function toWorkflowSummary(view: RunView, exec: Execution): Record<string, unknown> {
  const workflow = toApiWorkflow(view, exec, false);
  const input = javaText(exec.input);
  const output = javaText(exec.output);
  const iso = (ms: number): string => new Date(ms).toISOString();
  return {
    workflowType: exec.def.name,
    version: exec.def.version ?? 1,
    workflowId: exec.id,
    ...(exec.correlationId !== undefined && { correlationId: exec.correlationId }),
    startTime: iso(exec.startTime),
    updateTime: iso(workflow['updateTime'] as number),
    ...(exec.endTime > 0 && { endTime: iso(exec.endTime) }),
    status: exec.status,
    input,
    output,
    ...(exec.reasonForIncompletion !== undefined && { reasonForIncompletion: exec.reasonForIncompletion }),
    executionTime: exec.endTime > 0 ? exec.endTime - exec.startTime : 0,
    failedReferenceTaskNames: (workflow['failedReferenceTaskNames'] as string[]).join(','),
    priority: 0,
    failedTaskNames: workflow['failedTaskNames'],
    taskToDomain: workflow['taskToDomain'],
    parentWorkflowId: exec.parent?.execution.id ?? '',
    classifier: 'workflow',
    inputSize: Buffer.byteLength(input),
    outputSize: Buffer.byteLength(output),
  };
}

/**
 * `GET /api/workflow/search`: the runs whose summary meets every condition and contains the free
 * text, sorted as asked (in start order otherwise), one page: `{ totalHits, results }`.
 */
export function searchWorkflows(view: RunView, executions: Iterable<Execution>, request: SearchRequest): { totalHits: number; results: Record<string, unknown>[] } {
  const conditions = parseQuery(request.query);
  const text = request.freeText.trim() === '*' ? '' : request.freeText.trim().toLowerCase();
  const hits = [...executions]
    .map((exec) => ({ exec, summary: toWorkflowSummary(view, exec) }))
    .filter(({ exec, summary }) => conditions.every((c) => holds(c, fieldOf(summary, exec, c.field))) && (text === '' || JSON.stringify(summary).toLowerCase().includes(text)));
  const sorts = request.sort.flatMap((s) => {
    const [field = '', order = ''] = s.split(':');
    const snake = camelToSnake(field);
    return FIELDS.has(snake) && (order.toUpperCase() === 'ASC' || order.toUpperCase() === 'DESC') ? [{ field: snake, sign: order.toUpperCase() === 'ASC' ? 1 : -1 }] : [];
  });
  hits.sort((a, b) => {
    for (const { field, sign } of sorts) {
      const x = fieldOf(a.summary, a.exec, field);
      const y = fieldOf(b.summary, b.exec, field);
      if (x !== y) return (x < y ? -1 : 1) * sign;
    }
    return 0;
  });
  return { totalHits: hits.length, results: hits.slice(request.start, request.start + request.size).map((h) => h.summary) };
}
