/**
 * PromQL checks for the expressions in deploy/ (alert rules, Grafana targets), on the parse tree of
 * Prometheus' own grammar (@prometheus-io/lezer-promql): syntax errors, the metric names selected,
 * and the mistakes the grammar lets through: a metric or label that does not exist, rate() over an
 * instant vector, grouping by a label the inner expression no longer has, histogram_quantile()
 * without `le`. It also works out which labels the result carries, for `$labels.x` in alert
 * templates.
 */
import { parser } from '@prometheus-io/lezer-promql';
import type { SeriesCatalog } from './known-metrics.ts';

type SyntaxNode = ReturnType<typeof parser.parse>['topNode'];

/** The labels of a result: a known set, or 'any' when it cannot be told (a selector of an unknown metric...). */
export type Labels = ReadonlySet<string> | 'any';

interface Value {
  readonly kind: 'scalar' | 'string' | 'vector' | 'matrix';
  readonly labels: Labels;
}

export interface PromqlAnalysis {
  /** Where the grammar failed; empty when the expression parses. */
  readonly syntaxErrors: readonly string[];
  /** Semantic mistakes (unknown metric or label, wrong argument type...); only with a catalog for the metric ones. */
  readonly problems: readonly string[];
  /** Every metric name selected, in order of appearance. */
  readonly metrics: readonly string[];
  /** The labels of the result (for a vector result). */
  readonly outputLabels: Labels;
}

/** Labels every scraped series has. */
export const TARGET_LABELS: readonly string[] = ['job', 'instance'];

/** Functions whose argument at the given index must be a range vector. */
const RANGE_ARGUMENT: Readonly<Record<string, number>> = {
  rate: 0, irate: 0, increase: 0, delta: 0, idelta: 0, deriv: 0, changes: 0, resets: 0,
  predict_linear: 0, double_exponential_smoothing: 0, holt_winters: 0,
  avg_over_time: 0, min_over_time: 0, max_over_time: 0, sum_over_time: 0, count_over_time: 0,
  last_over_time: 0, first_over_time: 0, present_over_time: 0, absent_over_time: 0,
  stddev_over_time: 0, stdvar_over_time: 0, mad_over_time: 0, quantile_over_time: 1,
};

/** Functions whose result is a scalar. */
const SCALAR_FUNCTIONS = new Set(['scalar', 'time', 'pi']);
/** Functions whose result has no labels at all. */
const UNLABELLED_FUNCTIONS = new Set(['vector']);
/** Functions whose result's labels cannot be told from the argument. */
const OPAQUE_FUNCTIONS = new Set(['absent', 'absent_over_time', 'info']);
/** Aggregations that keep the labels of the series they select (topk...) rather than group them. */
const SELECTING_AGGREGATIONS = new Set(['topk', 'bottomk', 'limitk', 'limit_ratio']);

const SET_OPERATORS = new Set(['And', 'Or', 'Unless']);

const children = (node: SyntaxNode): SyntaxNode[] => {
  const out: SyntaxNode[] = [];
  for (let child = node.firstChild; child !== null; child = child.nextSibling) if (child.name !== 'LineComment') out.push(child);
  return out;
};

const union = (a: Labels, b: Labels): Labels => (a === 'any' || b === 'any' ? 'any' : new Set([...a, ...b]));
const minus = (a: Labels, drop: readonly string[]): Labels => (a === 'any' ? 'any' : new Set([...a].filter((l) => !drop.includes(l))));

/** `"a\"b"`, `'x'` or `` `y` `` as its value. */
function unquote(literal: string): string {
  const quote = literal[0];
  const body = literal.slice(1, -1);
  return quote === '`' ? body : body.replace(/\\(.)/g, '$1');
}

/**
 * Parses `expr` and checks it. With `catalog` (the series the stack exports) every selected metric
 * must be one of them, and every label matched, grouped by or joined on must be one it has.
 */
export function analyzePromql(expr: string, catalog?: SeriesCatalog): PromqlAnalysis {
  const tree = parser.parse(expr);
  const syntaxErrors: string[] = [];
  tree.iterate({
    enter(node) {
      if (node.type.isError) {
        const near = expr.slice(Math.max(0, node.from - 15), node.to + 15).replace(/\s+/g, ' ');
        syntaxErrors.push(`syntax error at ${node.from}${node.to > node.from ? `-${node.to}` : ''} near «${near}»`);
      }
    },
  });
  const problems: string[] = [];
  const metrics: string[] = [];
  const text = (node: SyntaxNode): string => expr.slice(node.from, node.to);
  const labelList = (grouping: SyntaxNode | undefined): string[] =>
    grouping === undefined ? [] : children(grouping).map((l) => (l.name === 'QuotedLabelName' ? unquote(text(l)) : text(l)));

  const need = (labels: Labels, names: readonly string[], what: string): void => {
    if (labels === 'any') return;
    for (const name of names) if (!labels.has(name)) problems.push(`${what} uses label "${name}", which the expression it applies to does not have (it has: ${[...labels].sort().join(', ') || 'none'})`);
  };

  const selector = (node: SyntaxNode): Value => {
    let name: string | undefined;
    const matched: string[] = [];
    for (const child of children(node)) {
      if (child.name === 'Identifier') name = text(child);
      if (child.name !== 'LabelMatchers') continue;
      for (const matcher of children(child)) {
        const parts = children(matcher);
        const labelNode = parts[0];
        if (labelNode === undefined) continue;
        const label = labelNode.name === 'QuotedLabelName' ? unquote(text(labelNode)) : text(labelNode);
        const op = parts.find((p) => p.name === 'MatchOp');
        const value = parts.find((p) => p.name === 'StringLiteral');
        if (label === '__name__' && op !== undefined && text(op) === '=' && value !== undefined) name = unquote(text(value));
        else if (label !== '__name__') matched.push(label);
      }
    }
    if (name === undefined) return { kind: 'vector', labels: 'any' };
    metrics.push(name);
    if (catalog === undefined) return { kind: 'vector', labels: 'any' };
    const series = catalog.get(name);
    if (series === undefined) {
      problems.push(`metric "${name}" is not exported by the Conductor server, the K1 workers or Prometheus (see test/deploy/known-metrics.ts)`);
      return { kind: 'vector', labels: 'any' };
    }
    const labels = new Set([...series.labels, ...series.optionalLabels, ...TARGET_LABELS]);
    for (const label of matched) if (!labels.has(label)) problems.push(`metric "${name}" has no label "${label}" (it has: ${[...labels].sort().join(', ')})`);
    return { kind: 'vector', labels };
  };

  const visit = (node: SyntaxNode): Value => {
    switch (node.name) {
      case 'PromQL': {
        const [only] = children(node);
        return only === undefined ? { kind: 'scalar', labels: new Set() } : visit(only);
      }
      case 'NumberDurationLiteral':
        return { kind: 'scalar', labels: new Set() };
      case 'StringLiteral':
        return { kind: 'string', labels: new Set() };
      case 'VectorSelector':
        return selector(node);
      case 'MatrixSelector':
      case 'SubqueryExpr': {
        const [inner] = children(node);
        const value = inner === undefined ? { kind: 'vector' as const, labels: 'any' as const } : visit(inner);
        if (node.name === 'SubqueryExpr' && value.kind !== 'vector') problems.push(`a subquery needs an instant vector: «${text(node)}»`);
        return { kind: 'matrix', labels: value.labels };
      }
      case 'ParenExpr':
      case 'OffsetExpr':
      case 'StepInvariantExpr':
      case 'AnchoredExpr':
      case 'SmoothedExpr': {
        const [inner] = children(node);
        return inner === undefined ? { kind: 'vector', labels: 'any' } : visit(inner);
      }
      case 'UnaryExpr': {
        const parts = children(node);
        const inner = parts[parts.length - 1];
        return inner === undefined ? { kind: 'vector', labels: 'any' } : visit(inner);
      }
      case 'FunctionCall':
        return functionCall(node);
      case 'AggregateExpr':
        return aggregate(node);
      case 'BinaryExpr':
        return binary(node);
      default:
        // error recovery nodes and anything newer than this checker: children still get visited
        for (const child of children(node)) visit(child);
        return { kind: 'vector', labels: 'any' };
    }
  };

  const functionCall = (node: SyntaxNode): Value => {
    const parts = children(node);
    const name = parts[0] === undefined ? '' : text(parts[0]);
    const body = parts.find((p) => p.name === 'FunctionCallBody');
    const args = body === undefined ? [] : children(body).map((arg) => ({ node: arg, value: visit(arg) }));
    const rangeAt = RANGE_ARGUMENT[name];
    if (rangeAt !== undefined) {
      const arg = args[rangeAt];
      if (arg !== undefined && arg.value.kind !== 'matrix') problems.push(`${name}() needs a range vector, e.g. ${name}(metric[5m]), not «${text(arg.node)}»`);
    }
    if (SCALAR_FUNCTIONS.has(name)) return { kind: 'scalar', labels: new Set() };
    if (UNLABELLED_FUNCTIONS.has(name)) return { kind: 'vector', labels: new Set() };
    if (OPAQUE_FUNCTIONS.has(name)) return { kind: 'vector', labels: 'any' };
    const vector = args.find((a) => a.value.kind === 'vector' || a.value.kind === 'matrix');
    const labels: Labels = vector?.value.labels ?? 'any';
    if (name === 'histogram_quantile') {
      need(labels, ['le'], 'histogram_quantile() (buckets must keep "le": sum by (le, ...))');
      return { kind: 'vector', labels: minus(labels, ['le']) };
    }
    if (name === 'label_replace' || name === 'label_join') {
      const dst = args[1];
      return { kind: 'vector', labels: dst !== undefined && dst.value.kind === 'string' ? union(labels, new Set([unquote(text(dst.node))])) : 'any' };
    }
    return { kind: 'vector', labels };
  };

  const aggregate = (node: SyntaxNode): Value => {
    const parts = children(node);
    const op = parts[0] === undefined ? '' : text(parts[0]);
    const body = parts.find((p) => p.name === 'FunctionCallBody');
    const args = body === undefined ? [] : children(body).map((arg) => ({ node: arg, value: visit(arg) }));
    const last = args[args.length - 1];
    if (last !== undefined && last.value.kind !== 'vector') problems.push(`${op}() aggregates an instant vector, not «${text(last.node)}»`);
    const inner: Labels = last?.value.labels ?? 'any';
    const modifier = parts.find((p) => p.name === 'AggregateModifier');
    const modifierParts = modifier === undefined ? [] : children(modifier);
    const without = modifierParts.some((p) => p.name === 'Without');
    const grouping = labelList(modifierParts.find((p) => p.name === 'GroupingLabels'));
    if (modifier !== undefined && !without) need(inner, grouping, `${op} by (${grouping.join(', ')})`);
    if (SELECTING_AGGREGATIONS.has(op)) return { kind: 'vector', labels: inner };
    let labels: Labels = modifier === undefined ? new Set() : without ? minus(inner, grouping) : new Set(grouping);
    if (op === 'count_values' && args[0] !== undefined && args[0].value.kind === 'string') labels = union(labels, new Set([unquote(text(args[0].node))]));
    return { kind: 'vector', labels };
  };

  const binary = (node: SyntaxNode): Value => {
    const parts = children(node);
    const leftNode = parts[0];
    const rightNode = parts[parts.length - 1];
    const opNode = parts[1];
    if (leftNode === undefined || rightNode === undefined || opNode === undefined) return { kind: 'vector', labels: 'any' };
    const left = visit(leftNode);
    const right = visit(rightNode);
    const op = opNode.name;
    if (left.kind === 'matrix' || right.kind === 'matrix') problems.push(`a range vector cannot be an operand of a binary operator: «${text(node)}»`);
    if (left.kind === 'scalar' && right.kind === 'scalar') return { kind: 'scalar', labels: new Set() };
    if (left.kind === 'scalar') return right;
    if (right.kind === 'scalar') return left;
    const clause = parts.find((p) => p.name === 'MatchingModifierClause');
    const clauseParts = clause === undefined ? [] : children(clause);
    const on = clauseParts.some((p) => p.name === 'On');
    const groupings = clauseParts.filter((p) => p.name === 'GroupingLabels');
    const matching = labelList(groupings[0]);
    const groupLeft = clauseParts.some((p) => p.name === 'GroupLeft');
    const groupRight = clauseParts.some((p) => p.name === 'GroupRight');
    if (on) {
      need(left.labels, matching, `on (${matching.join(', ')})`);
      need(right.labels, matching, `on (${matching.join(', ')})`);
    }
    if (SET_OPERATORS.has(op)) return { kind: 'vector', labels: op === 'Or' ? union(left.labels, right.labels) : left.labels };
    if (groupLeft) return { kind: 'vector', labels: union(left.labels, new Set(labelList(groupings[1]))) };
    if (groupRight) return { kind: 'vector', labels: union(right.labels, new Set(labelList(groupings[1]))) };
    // one-to-one: on() keeps only the matching labels; ignoring() drops them
    if (clause !== undefined) return { kind: 'vector', labels: on ? new Set(matching) : minus(left.labels, matching) };
    return { kind: 'vector', labels: left.labels };
  };

  const result = syntaxErrors.length === 0 ? visit(tree.topNode) : { kind: 'vector' as const, labels: 'any' as const };
  if (syntaxErrors.length > 0) {
    // still list the metrics the parser recognised
    tree.iterate({
      enter(n) {
        if (n.name === 'Identifier' && n.node.parent?.name === 'VectorSelector') metrics.push(expr.slice(n.from, n.to));
      },
    });
  }
  return { syntaxErrors, problems, metrics, outputLabels: result.kind === 'vector' || result.kind === 'matrix' ? result.labels : new Set() };
}

/** Grafana's interval variables replaced by a duration, so a dashboard target parses as PromQL. */
export function substituteGrafanaVariables(expr: string): string {
  return expr.replace(/\$\{?__(?:rate_interval|interval|range)\}?/g, '5m');
}
