/**
 * Every metric name an alert or a dashboard uses is one the stack exports: the Conductor server's
 * (Micrometer names of Monitors.java), the K1 workers' (checked here against a live WorkerMetrics
 * registry given K1_METRICS, so the list cannot drift from src/worker/worker-metrics.ts and
 * definitions/workers/k1-metrics.ts), the device gauges, and Prometheus' own.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEPLOY } from './deploy-files.ts';
import { expressions } from './deploy-expressions.ts';
import {
  buildCatalog,
  CONDUCTOR_FAMILIES,
  CONDUCTOR_HISTOGRAMS,
  conductorSeries,
  DEVICE_GAUGES,
  liveWorkerFamilies,
  WORKER_FAMILIES,
  type MetricFamily,
  type SeriesCatalog,
} from './known-metrics.ts';
import { analyzePromql } from './promql.ts';

let live: MetricFamily[];
let catalog: SeriesCatalog;
beforeAll(async () => {
  live = await liveWorkerFamilies();
  catalog = buildCatalog(live);
});

describe('the workers list is the live registry of src/worker/worker-metrics.ts with K1_METRICS', () => {
  it('has every K1 worker metric, with its type and labels', () => {
    for (const family of WORKER_FAMILIES) expect(live.find((m) => m.name === family.name), family.name).toEqual({ name: family.name, type: family.type, labels: [...family.labels].sort() });
  });

  it('has nothing else but the Node.js process metrics and the device gauges', () => {
    const own = live.filter((m) => !/^(process|nodejs)_/.test(m.name)).map((m) => m.name);
    const expected = [...WORKER_FAMILIES, ...DEVICE_GAUGES].map((f) => f.name);
    expect(own.sort()).toEqual(expected.sort());
  });

  it('exports the device gauges that recordDeviceHealth sets', () => {
    for (const gauge of DEVICE_GAUGES) expect(live.find((m) => m.name === gauge.name), gauge.name).toEqual({ name: gauge.name, type: 'gauge', labels: [...gauge.labels] });
  });

  it('names the device gauges as agreed, whatever exports them', () => {
    expect(DEVICE_GAUGES.map((g) => g.name)).toEqual(['k1_device_up', 'k1_device_free_heap_bytes', 'k1_device_fps', 'k1_device_render_time_avg_ms', 'k1_device_render_time_max_ms']);
    expect(DEVICE_GAUGES.every((g) => g.type === 'gauge' && g.labels.join() === 'device')).toBe(true);
  });
});

describe('the Conductor server metrics, as Micrometer names them for Prometheus', () => {
  it('adds _total to counters, _seconds_count/_sum/_max to timers, _bucket only with a histogram', () => {
    const family = (name: string): MetricFamily => CONDUCTOR_FAMILIES.find((f) => f.name === name) as MetricFamily;
    expect(conductorSeries(family('workflow_failure'))).toEqual(['workflow_failure_total']);
    expect(conductorSeries(family('workflow_running'))).toEqual(['workflow_running']);
    expect(conductorSeries(family('workflow_execution'))).toEqual(['workflow_execution_seconds_count', 'workflow_execution_seconds_sum', 'workflow_execution_seconds_max', 'workflow_execution_seconds_bucket']);
    expect(conductorSeries(family('task_execution'))).not.toContain('task_execution_seconds_bucket');
  });

  it('enables the percentile histogram in the server config for every timer whose _bucket is used', () => {
    const properties = readFileSync(join(DEPLOY, 'conductor/config-k1.properties'), 'utf8');
    for (const timer of CONDUCTOR_HISTOGRAMS) expect(properties).toMatch(new RegExp(`^management\\.metrics\\.distribution\\.percentiles-histogram\\.${timer}=true$`, 'm'));
    const used = new Set(expressions().flatMap((e) => analyzePromql(e.expr).metrics));
    for (const series of used) {
      const info = catalog.get(series);
      if (info?.source === 'conductor' && series.endsWith('_bucket')) expect(CONDUCTOR_HISTOGRAMS).toContain(info.family);
    }
  });
});

describe('every metric an alert or a dashboard uses exists, with the labels it is queried by', () => {
  it('finds the expressions', () => {
    expect(expressions().length).toBeGreaterThan(20);
  });

  it.each(expressions().map((e) => [e.where, e.expr]))('%s', (_where, expr) => {
    const analysis = analyzePromql(expr, catalog);
    expect(analysis.syntaxErrors).toEqual([]);
    expect(analysis.problems).toEqual([]);
    for (const metric of analysis.metrics) expect(catalog.has(metric), metric).toBe(true);
  });

  it('uses Conductor, worker and device metrics alike', () => {
    const sources = new Set(expressions().flatMap((e) => analyzePromql(e.expr).metrics.map((m) => catalog.get(m)?.source)));
    // the device gauges are in the workers' registry, so they count as the workers'
    expect([...sources].sort()).toEqual(['conductor', 'prometheus', 'workers']);
  });

  it('rejects names that do not exist, however close', () => {
    const problems = (expr: string): string => analyzePromql(expr, catalog).problems.join('\n');
    expect(problems('rate(workflow_completed_seconds_count[5m])')).toMatch(/"workflow_completed_seconds_count" is not exported/);
    expect(problems('rate(workflow_execution_count[5m])')).toMatch(/"workflow_execution_count" is not exported/);
    expect(problems('rate(workflow_failure[5m])')).toMatch(/"workflow_failure" is not exported/);
    expect(problems('rate(task_execution_seconds_bucket[5m])')).toMatch(/"task_execution_seconds_bucket" is not exported/);
    expect(problems('conductor_task_executions_total_total')).toMatch(/is not exported/);
    expect(problems('k1_device_heap_bytes')).toMatch(/is not exported/);
    expect(problems('{__name__="k1_device_fpss"}')).toMatch(/"k1_device_fpss" is not exported/);
    expect(problems('workflow_running{workflow="x"}')).toMatch(/has no label "workflow"/);
    expect(problems('histogram_quantile(0.95, sum by (workflowName) (rate(workflow_execution_seconds_bucket[5m])))')).toMatch(/histogram_quantile\(\).*"le"/);
    expect(problems('sum by (task_name) (rate(conductor_task_duration_seconds_count[5m]))')).toBe('');
    expect(problems('sum by (device) (k1_device_fps) / on (devices) sum by (device) (k1_device_up)')).toMatch(/on \(devices\) uses label "devices"/);
  });
});
