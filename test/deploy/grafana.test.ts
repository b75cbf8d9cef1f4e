/**
 * deploy/grafana/: the provisioned datasource and dashboard provider against the compose services,
 * and every dashboard as Grafana needs it: uid, title, schemaVersion, panels on a 24-column grid,
 * each on the provisioned datasource with targets whose PromQL parses and names real metrics.
 */
import { basename, dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  COMPOSE_FILE,
  composeServices,
  containerPortsOf,
  DEPLOY,
  environmentOf,
  exists,
  hostAndPort,
  hostPathFor,
  listFiles,
  readJson,
  readYaml,
  record,
  type ComposeService,
} from './deploy-files.ts';
import { buildCatalog, liveWorkerFamilies, type SeriesCatalog } from './known-metrics.ts';
import { analyzePromql, substituteGrafanaVariables } from './promql.ts';

const services = composeServices(readYaml(COMPOSE_FILE));
const grafana = services.grafana as ComposeService;
const datasources = (record(readYaml(join(DEPLOY, 'grafana/provisioning/datasources/prometheus.yml')), 'datasources file').datasources as unknown[]).map((d) => record(d, 'a datasource'));
const datasource = datasources[0] ?? {};
const DATASOURCE_UID = String(datasource.uid);
const providers = (record(readYaml(join(DEPLOY, 'grafana/provisioning/dashboards/dashboards.yml')), 'dashboards file').providers as unknown[]).map((p) => record(p, 'a provider'));
const dashboardFiles = listFiles(join(DEPLOY, 'grafana/dashboards'), ['.json']);
const dashboards = dashboardFiles.map((file) => ({ file: basename(file), json: record(readJson(file), basename(file)) }));

let catalog: SeriesCatalog;
beforeAll(async () => {
  catalog = buildCatalog(await liveWorkerFamilies());
});

interface Panel {
  readonly id: number;
  readonly type: string;
  readonly title: string;
  readonly gridPos: { h: number; w: number; x: number; y: number };
  readonly datasource?: { type?: string; uid?: string };
  readonly targets?: { refId?: string; expr?: string; datasource?: { uid?: string } }[];
}
const panelsOf = (dashboard: Record<string, unknown>): Panel[] => (dashboard.panels as Panel[] | undefined) ?? [];
const exprsOf = (dashboard: Record<string, unknown>): string[] => panelsOf(dashboard).flatMap((p) => (p.targets ?? []).map((t) => t.expr ?? ''));

describe('Grafana provisioning', () => {
  it('provisions one Prometheus datasource with a fixed uid, pointing at the compose Prometheus', () => {
    expect(datasources).toHaveLength(1);
    expect(datasource.type).toBe('prometheus');
    expect(DATASOURCE_UID).toMatch(/^[a-zA-Z0-9_-]{1,40}$/);
    expect(datasource.isDefault).toBe(true);
    const { host, port } = hostAndPort(String(datasource.url));
    expect(services[host], `${host} is not a compose service`).toBeDefined();
    expect(containerPortsOf(services[host] as ComposeService)).toContain(port);
  });

  it('mounts the provisioning directory where Grafana reads it', () => {
    expect(hostPathFor(grafana, '/etc/grafana/provisioning/datasources/prometheus.yml')).toBe(join(DEPLOY, 'grafana/provisioning/datasources/prometheus.yml'));
    expect(hostPathFor(grafana, '/etc/grafana/provisioning/dashboards/dashboards.yml')).toBe(join(DEPLOY, 'grafana/provisioning/dashboards/dashboards.yml'));
  });

  it('loads the dashboards from the directory compose mounts deploy/grafana/dashboards on', () => {
    expect(providers).toHaveLength(1);
    const path = String(record(providers[0]?.options, 'options').path);
    expect(hostPathFor(grafana, path)).toBe(join(DEPLOY, 'grafana/dashboards'));
    expect(dashboardFiles.map((f) => dirname(f))).toEqual(dashboardFiles.map(() => join(DEPLOY, 'grafana/dashboards')));
  });

  it('opens on a dashboard that exists', () => {
    const home = environmentOf(grafana).GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH ?? '';
    const host = hostPathFor(grafana, home);
    expect(host !== undefined && exists(host), `${home}`).toBe(true);
  });

  it('has the workflows and devices dashboards, with unique uids', () => {
    const uids = dashboards.map((d) => d.json.uid);
    expect(uids.sort()).toEqual(['k1-devices', 'k1-workflows']);
  });
});

describe.each(dashboards)('dashboard $file', ({ json }) => {
  const panels = panelsOf(json);

  it('has a uid, a title and a schemaVersion', () => {
    expect(String(json.uid)).toMatch(/^[a-zA-Z0-9_-]{1,40}$/);
    expect(json.title).toBeTypeOf('string');
    expect(json.schemaVersion).toBeTypeOf('number');
    expect(json.schemaVersion as number).toBeGreaterThanOrEqual(36);
    expect(json.id ?? null, 'a provisioned dashboard carries no database id').toBeNull();
  });

  it('lays its panels out on the 24-column grid without overlap, with unique ids', () => {
    expect(panels.length).toBeGreaterThan(0);
    expect(new Set(panels.map((p) => p.id)).size).toBe(panels.length);
    const cells = new Set<string>();
    for (const p of panels) {
      const { h, w, x, y } = p.gridPos;
      expect([h, w, x, y].every(Number.isInteger) && h > 0 && w > 0 && x >= 0 && y >= 0 && x + w <= 24, `${p.title}: gridPos ${JSON.stringify(p.gridPos)}`).toBe(true);
      for (let i = x; i < x + w; i++) {
        for (let j = y; j < y + h; j++) {
          expect(cells.has(`${i},${j}`), `${p.title} overlaps another panel at ${i},${j}`).toBe(false);
          cells.add(`${i},${j}`);
        }
      }
    }
  });

  it('queries the provisioned datasource from every panel and target', () => {
    for (const p of panels) {
      expect(p.datasource, p.title).toEqual({ type: 'prometheus', uid: DATASOURCE_UID });
      expect(p.targets?.length ?? 0, `${p.title} has no target`).toBeGreaterThan(0);
      const refIds = (p.targets ?? []).map((t) => t.refId);
      expect(new Set(refIds).size, `${p.title}: duplicate refId`).toBe(refIds.length);
      for (const t of p.targets ?? []) if (t.datasource !== undefined) expect(t.datasource.uid, p.title).toBe(DATASOURCE_UID);
    }
  });

  it('has targets whose PromQL parses and names only exported metrics and their labels', () => {
    for (const p of panels) {
      for (const t of p.targets ?? []) {
        const analysis = analyzePromql(substituteGrafanaVariables(t.expr ?? ''), catalog);
        expect([...analysis.syntaxErrors, ...analysis.problems], `${p.title} ${t.refId}: ${t.expr}`).toEqual([]);
        expect(analysis.metrics.length, `${p.title}: selects no metric`).toBeGreaterThan(0);
      }
    }
  });

  it('has template variables on the provisioned datasource, over labels that exist', () => {
    const list = (record(json.templating, 'templating').list as Record<string, unknown>[] | undefined) ?? [];
    for (const v of list) {
      expect(record(v.datasource, `${String(v.name)}.datasource`).uid).toBe(DATASOURCE_UID);
      const m = /^label_values\((\w+),\s*(\w+)\)$/.exec(String(v.definition));
      expect(m, `${String(v.name)}: ${String(v.definition)}`).not.toBeNull();
      const series = catalog.get(m?.[1] ?? '');
      expect(series, `${String(v.name)}: ${m?.[1]} is not exported`).toBeDefined();
      expect(series?.labels, `${m?.[1]} has no label ${m?.[2]}`).toContain(m?.[2]);
      expect(exprsOf(json).some((e) => e.includes(`$${String(v.name)}`)), `${String(v.name)} is not used by any target`).toBe(true);
    }
  });
});

describe('what the dashboards show', () => {
  const byUid = new Map(dashboards.map((d) => [d.json.uid, d.json]));
  const metricsOf = (uid: string): Set<string> => new Set(exprsOf(byUid.get(uid) ?? {}).flatMap((e) => analyzePromql(substituteGrafanaVariables(e)).metrics));

  it('workflows: success rate, duration p95 (from the histogram), active workflows', () => {
    const exprs = exprsOf(byUid.get('k1-workflows') ?? {});
    const metrics = metricsOf('k1-workflows');
    for (const m of ['workflow_execution_seconds_count', 'workflow_failure_total', 'workflow_running', 'workflow_execution_seconds_bucket']) expect([...metrics]).toContain(m);
    expect(exprs.some((e) => /histogram_quantile\(0\.95, sum by \(le[,)]/.test(e) && e.includes('workflow_execution_seconds_bucket'))).toBe(true);
    expect([...metrics]).toEqual(expect.arrayContaining(['conductor_task_executions_total', 'conductor_task_duration_seconds_bucket', 'conductor_worker_tasks_in_flight', 'k1_firmware_builds_total']));
  });

  it('devices: fps, free heap and render time, per device', () => {
    expect([...metricsOf('k1-devices')].sort()).toEqual(['k1_device_fps', 'k1_device_free_heap_bytes', 'k1_device_render_time_avg_ms', 'k1_device_render_time_max_ms', 'k1_device_up']);
  });

  it('replaces only Grafana interval variables before parsing', () => {
    expect(substituteGrafanaVariables('rate(x[$__rate_interval]) + increase(y[${__range}])')).toBe('rate(x[5m]) + increase(y[5m])');
    expect(analyzePromql(substituteGrafanaVariables('rate(x[$unknown])')).syntaxErrors.length).toBeGreaterThan(0);
  });
});
