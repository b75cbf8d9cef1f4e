/** The Conductor series deploy/'s alerts and dashboards query: what the servers must export. */
import { expressions } from '../deploy/deploy-expressions.ts';
import { CONDUCTOR_FAMILIES, conductorSeries } from '../deploy/known-metrics.ts';
import { analyzePromql } from '../deploy/promql.ts';

/** Series names (as Prometheus stores them) of the Conductor server that an alert or a dashboard uses, sorted. */
export function conductorSeriesUsedByDeploy(): string[] {
  const conductor = new Set(CONDUCTOR_FAMILIES.flatMap((family) => conductorSeries(family)));
  const used = new Set(expressions().flatMap((e) => analyzePromql(e.expr).metrics));
  return [...used].filter((series) => conductor.has(series)).sort();
}
