/** The PromQL of deploy/: every alert rule's and dashboard target's expression, with where it is. */
import { join } from 'node:path';
import { DEPLOY, listFiles, readJson, readYaml, record } from './deploy-files.ts';
import { substituteGrafanaVariables } from './promql.ts';
import { checkRules } from './rules.ts';

/** Every PromQL expression in deploy/: alert rules and dashboard targets (Grafana variables substituted), with where it is. */
export function expressions(): { where: string; expr: string }[] {
  const out: { where: string; expr: string }[] = [];
  for (const alert of checkRules(readYaml(join(DEPLOY, 'prometheus/alerts.yml'))).alerts) out.push({ where: `alerts.yml ${alert.alert}`, expr: alert.expr });
  for (const file of listFiles(join(DEPLOY, 'grafana/dashboards'), ['.json'])) {
    const dashboard = record(readJson(file), file);
    for (const panel of (dashboard.panels as { title: string; targets?: { refId: string; expr: string }[] }[] | undefined) ?? []) {
      for (const t of panel.targets ?? []) out.push({ where: `${file.slice(DEPLOY.length + 1)} "${panel.title}" ${t.refId}`, expr: substituteGrafanaVariables(t.expr) });
    }
  }
  return out;
}
