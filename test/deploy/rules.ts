/**
 * `promtool check rules`, for the tests: the structure Prometheus accepts in a rule file, valid
 * durations, label names and templates, and every `expr` parsed with Prometheus' PromQL grammar.
 * With `conventions`, the K1 house rules too: every alert has `for`, a severity and the
 * summary, description and runbook annotations, and its templates only use labels the result has.
 */
import { analyzePromql, type Labels } from './promql.ts';
import type { SeriesCatalog } from './known-metrics.ts';
import { isRecord, PROMETHEUS_DURATION } from './deploy-files.ts';

const GROUP_KEYS = new Set(['name', 'interval', 'query_offset', 'limit', 'labels', 'rules']);
const RULE_KEYS = new Set(['alert', 'record', 'expr', 'for', 'keep_firing_for', 'labels', 'annotations']);
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
export const SEVERITIES: readonly string[] = ['critical', 'warning', 'info'];
export const REQUIRED_ANNOTATIONS: readonly string[] = ['summary', 'description', 'runbook'];

/** An alerting rule as found in the file. */
export interface AlertRule {
  readonly group: string;
  readonly alert: string;
  readonly expr: string;
  readonly for?: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  /** The labels of the expression's result. */
  readonly outputLabels: Labels;
}

export interface RuleCheck {
  readonly problems: readonly string[];
  readonly alerts: readonly AlertRule[];
}

/**
 * Go-template actions are balanced: every `{{` closed by `}}` before the next opens. Returns the
 * problems, and the label names used as `$labels.name` (or `.Labels.name`).
 */
export function checkTemplate(template: string): { problems: string[]; labels: string[] } {
  const problems: string[] = [];
  const labels: string[] = [];
  let at = 0;
  for (;;) {
    const open = template.indexOf('{{', at);
    const close = template.indexOf('}}', at);
    if (open === -1) {
      if (close !== -1) problems.push(`"}}" without "{{" at ${close}`);
      break;
    }
    if (close !== -1 && close < open) {
      problems.push(`"}}" without "{{" at ${close}`);
      break;
    }
    const end = template.indexOf('}}', open + 2);
    const nested = template.indexOf('{{', open + 2);
    if (end === -1) {
      problems.push(`"{{" at ${open} is never closed`);
      break;
    }
    if (nested !== -1 && nested < end) {
      problems.push(`"{{" at ${nested} opens inside the action opened at ${open}`);
      break;
    }
    const action = template.slice(open + 2, end);
    if (action.trim() === '') problems.push(`empty action at ${open}`);
    for (const m of action.matchAll(/(?:\$labels|\.Labels)\.([a-zA-Z_][a-zA-Z0-9_]*)/g)) labels.push(m[1] as string);
    if (/\$labels\.[^a-zA-Z_]/.test(action)) problems.push(`"$labels." not followed by a label name at ${open}`);
    at = end + 2;
  }
  return { problems, labels };
}

const stringMap = (value: unknown, where: string, problems: string[]): Record<string, string> => {
  if (value === undefined) return {};
  if (!isRecord(value)) {
    problems.push(`${where}: must be a mapping`);
    return {};
  }
  const out: Record<string, string> = {};
  for (const [key, v] of Object.entries(value)) {
    if (!LABEL_NAME.test(key)) problems.push(`${where}: "${key}" is not a valid label name`);
    if (typeof v !== 'string') problems.push(`${where}.${key}: must be a string, got ${JSON.stringify(v)}`);
    else out[key] = v;
  }
  return out;
};

/** Checks a parsed rule file; `catalog` also checks metric and label names. */
export function checkRules(doc: unknown, options: { readonly catalog?: SeriesCatalog; readonly conventions?: boolean } = {}): RuleCheck {
  const problems: string[] = [];
  const alerts: AlertRule[] = [];
  if (!isRecord(doc) || !Array.isArray(doc.groups)) return { problems: ['the file must be a mapping with a "groups" list'], alerts };
  for (const key of Object.keys(doc)) if (key !== 'groups') problems.push(`unknown top-level field "${key}"`);
  const groupNames = new Set<string>();
  doc.groups.forEach((group: unknown, gi: number) => {
    if (!isRecord(group)) return void problems.push(`groups[${gi}]: must be a mapping`);
    const name = typeof group.name === 'string' && group.name !== '' ? group.name : undefined;
    const g = name ?? `groups[${gi}]`;
    if (name === undefined) problems.push(`${g}: a group needs a name`);
    else if (groupNames.has(name)) problems.push(`${g}: group name used twice`);
    else groupNames.add(name);
    for (const key of Object.keys(group)) if (!GROUP_KEYS.has(key)) problems.push(`${g}: unknown field "${key}"`);
    for (const key of ['interval', 'query_offset'] as const) {
      const v = group[key];
      if (v !== undefined && (typeof v !== 'string' || !PROMETHEUS_DURATION.test(v))) problems.push(`${g}: ${key} ${JSON.stringify(v)} is not a duration like 1m`);
    }
    if (!Array.isArray(group.rules) || group.rules.length === 0) return void problems.push(`${g}: needs a non-empty "rules" list`);
    const alertNames = new Set<string>();
    group.rules.forEach((rule: unknown, ri: number) => {
      if (!isRecord(rule)) return void problems.push(`${g}.rules[${ri}]: must be a mapping`);
      const id = typeof rule.alert === 'string' ? rule.alert : typeof rule.record === 'string' ? rule.record : `rules[${ri}]`;
      const where = `${g}/${id}`;
      for (const key of Object.keys(rule)) if (!RULE_KEYS.has(key)) problems.push(`${where}: unknown field "${key}"`);
      const isAlert = rule.alert !== undefined;
      if (isAlert === (rule.record !== undefined)) problems.push(`${where}: a rule has exactly one of "alert" and "record"`);
      if (isAlert && (typeof rule.alert !== 'string' || !LABEL_NAME.test(rule.alert))) problems.push(`${where}: alert name must be letters, digits and _`);
      if (!isAlert && rule.record !== undefined && (typeof rule.record !== 'string' || !METRIC_NAME.test(rule.record))) problems.push(`${where}: record must be a valid metric name`);
      if (isAlert && alertNames.has(id)) problems.push(`${where}: alert defined twice in the group`);
      alertNames.add(id);
      for (const key of ['for', 'keep_firing_for'] as const) {
        const v = rule[key];
        if (v === undefined) continue;
        if (!isAlert) problems.push(`${where}: "${key}" is only for alerting rules`);
        if (typeof v !== 'string' || !PROMETHEUS_DURATION.test(v)) problems.push(`${where}: ${key} ${JSON.stringify(v)} is not a duration like 5m`);
      }
      if (!isAlert && rule.annotations !== undefined) problems.push(`${where}: recording rules have no annotations`);
      let outputLabels: Labels = 'any';
      if (typeof rule.expr !== 'string' || rule.expr.trim() === '') problems.push(`${where}: needs an expr`);
      else {
        const analysis = analyzePromql(rule.expr, options.catalog);
        for (const e of analysis.syntaxErrors) problems.push(`${where}: expr does not parse: ${e}`);
        for (const p of analysis.problems) problems.push(`${where}: ${p}`);
        outputLabels = analysis.outputLabels;
      }
      const labels = stringMap(rule.labels, `${where}: labels`, problems);
      const annotations = stringMap(rule.annotations, `${where}: annotations`, problems);
      const used: string[] = [];
      for (const [field, templates] of [['labels', labels], ['annotations', annotations]] as const) {
        for (const [key, template] of Object.entries(templates)) {
          const t = checkTemplate(template);
          for (const p of t.problems) problems.push(`${where}: ${field}.${key}: template ${p}`);
          used.push(...t.labels);
        }
      }
      if (!isAlert || typeof rule.alert !== 'string' || typeof rule.expr !== 'string') return;
      alerts.push({ group: g, alert: rule.alert, expr: rule.expr, ...(typeof rule.for === 'string' && { for: rule.for }), labels, annotations, outputLabels });
      if (!options.conventions) return;
      if (rule.for === undefined) problems.push(`${where}: needs "for" (how long the condition must hold)`);
      if (!SEVERITIES.includes(labels.severity ?? '')) problems.push(`${where}: labels.severity must be one of ${SEVERITIES.join(', ')}`);
      for (const a of REQUIRED_ANNOTATIONS) if ((annotations[a] ?? '').trim() === '') problems.push(`${where}: needs a "${a}" annotation`);
      if (outputLabels !== 'any') {
        for (const label of new Set(used)) if (!outputLabels.has(label)) problems.push(`${where}: templates use $labels.${label}, but the expression's result has only: ${[...outputLabels].sort().join(', ') || 'no labels'}`);
      }
    });
  });
  return { problems, alerts };
}
