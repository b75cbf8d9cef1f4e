/**
 * deploy/prometheus/: the scrape configuration against the compose services, and the alert rules
 * through the equivalent of `promtool check rules` (test/deploy/rules.ts), with negative cases
 * showing each check catches what it is for.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  COMPOSE_FILE,
  composeServices,
  containerPortsOf,
  DEPLOY,
  environmentOf,
  exists,
  hostPathFor,
  isRecord,
  markdownAnchors,
  PROMETHEUS_DURATION,
  readYaml,
  record,
  ROOT,
  type ComposeService,
} from './deploy-files.ts';
import { buildCatalog, liveWorkerFamilies, type SeriesCatalog } from './known-metrics.ts';
import { analyzePromql } from './promql.ts';
import { checkRules, checkTemplate, type AlertRule } from './rules.ts';

const services = composeServices(readYaml(COMPOSE_FILE));
const prometheusService = services.prometheus as ComposeService;
const configPath = join(DEPLOY, 'prometheus/prometheus.yml');
const config = record(readYaml(configPath), 'prometheus.yml');
const scrapeConfigs = (config.scrape_configs as unknown[]).map((c) => record(c, 'a scrape config'));
const rulesPath = join(DEPLOY, 'prometheus/alerts.yml');
const rulesDoc = readYaml(rulesPath);

let catalog: SeriesCatalog;
beforeAll(async () => {
  catalog = buildCatalog(await liveWorkerFamilies());
});

const targetsOf = (job: Record<string, unknown>): string[] =>
  (job.static_configs as unknown[]).flatMap((sc) => (record(sc, 'static_configs[]').targets as unknown[]).map(String));

describe('prometheus.yml', () => {
  it('is the file the compose service loads, from the directory it mounts', () => {
    expect(prometheusService.command).toContain('--config.file=/etc/prometheus/prometheus.yml');
    expect(hostPathFor(prometheusService, '/etc/prometheus/prometheus.yml')).toBe(configPath);
  });

  it('has valid global durations', () => {
    const global = record(config.global, 'global');
    for (const key of ['scrape_interval', 'scrape_timeout', 'evaluation_interval']) expect(String(global[key]), key).toMatch(PROMETHEUS_DURATION);
  });

  it('loads rule files that exist in the mounted directory', () => {
    const files = config.rule_files as unknown[];
    expect(files.length).toBeGreaterThan(0);
    for (const file of files.map(String)) {
      const host = hostPathFor(prometheusService, file);
      expect(host, `${file} is not inside a bind mount of the prometheus service`).toBeDefined();
      expect(exists(host as string), `${file} -> ${host}`).toBe(true);
    }
    expect(files.map((f) => hostPathFor(prometheusService, String(f)))).toContain(rulesPath);
  });

  it('scrapes compose services on ports they listen on, each job once', () => {
    const jobs = scrapeConfigs.map((c) => String(c.job_name));
    expect(new Set(jobs).size).toBe(jobs.length);
    for (const job of scrapeConfigs) {
      for (const key of ['scrape_interval', 'scrape_timeout']) if (job[key] !== undefined) expect(String(job[key])).toMatch(PROMETHEUS_DURATION);
      for (const target of targetsOf(job)) {
        const [host = '', port = ''] = target.split(':');
        const service = host === 'localhost' ? prometheusService : services[host];
        expect(service, `${String(job.job_name)}: ${target} is not a compose service`).toBeDefined();
        expect(containerPortsOf(service as ComposeService), `${String(job.job_name)}: ${host} does not listen on ${port}`).toContain(Number(port));
      }
    }
  });

  it("scrapes the Conductor server's actuator endpoint and the workers' /metrics on HEALTH_PORT", () => {
    const conductor = scrapeConfigs.find((c) => c.job_name === 'conductor');
    expect(conductor?.metrics_path).toBe('/actuator/prometheus');
    expect(targetsOf(conductor ?? {})).toEqual(['conductor-server:8080']);
    const workers = scrapeConfigs.find((c) => c.job_name === 'k1-workers');
    expect(workers?.metrics_path ?? '/metrics').toBe('/metrics');
    expect(targetsOf(workers ?? {})).toEqual([`k1-workers:${environmentOf(services['k1-workers'] as ComposeService).HEALTH_PORT}`]);
  });
});

describe('alerts.yml, as promtool checks it', () => {
  let alerts: readonly AlertRule[] = [];
  beforeAll(() => {
    alerts = checkRules(rulesDoc, { catalog }).alerts;
  });

  it('passes every check: structure, durations, expressions, metrics and labels, templates, K1 conventions', () => {
    expect(checkRules(rulesDoc, { catalog, conventions: true }).problems).toEqual([]);
    expect(alerts.length).toBeGreaterThanOrEqual(4);
  });

  it('has the K1 alerts: pipeline failure rate, long runs, device offline, low heap', () => {
    expect(alerts.map((a) => a.alert)).toEqual(expect.arrayContaining(['K1PipelineFailureRateHigh', 'K1WorkflowRunningTooLong', 'K1DeviceOffline', 'K1DeviceLowFreeHeap']));
  });

  it('measures the failure rate of firmware-ci-cd-pipeline as failures over finished runs', () => {
    const rule = alerts.find((a) => a.alert === 'K1PipelineFailureRateHigh') as AlertRule;
    const metrics = new Set(analyzePromql(rule.expr).metrics);
    expect([...metrics].sort()).toEqual(['workflow_execution_seconds_count', 'workflow_failure_total']);
    expect(rule.expr).toMatch(/workflowName="firmware-ci-cd-pipeline"/);
    expect(rule.expr).toMatch(/status=~"FAILED\|TIMED_OUT"/);
    expect(rule.expr.match(/\[(\w+)\]/g)?.every((w) => w === '[6h]')).toBe(true);
  });

  it('alerts on a run over 10 minutes, a device offline, and free heap under 51200 bytes', () => {
    const byName = new Map(alerts.map((a) => [a.alert, a]));
    expect(byName.get('K1WorkflowRunningTooLong')?.for).toBe('10m');
    expect(byName.get('K1DeviceOffline')?.expr).toMatch(/^k1_device_up == 0$/);
    expect(byName.get('K1DeviceLowFreeHeap')?.expr).toMatch(/k1_device_free_heap_bytes < 51200\b/);
  });

  it('watches the scrape jobs by the names prometheus.yml gives them', () => {
    const jobs = new Set(scrapeConfigs.map((c) => String(c.job_name)));
    for (const alert of alerts) for (const m of alert.expr.matchAll(/\bup\{job="([^"]+)"\}/g)) expect(jobs, alert.alert).toContain(m[1]);
  });

  it("points each runbook at a section of docs/deployment.md that exists", () => {
    const anchors = markdownAnchors(readFileSync(join(ROOT, 'docs/deployment.md'), 'utf8'));
    for (const alert of alerts) {
      const m = /^docs\/deployment\.md#([\w-]+)/.exec(alert.annotations.runbook ?? '');
      expect(m?.[1], `${alert.alert}: runbook must start with docs/deployment.md#<anchor>`).toBe(alert.alert.toLowerCase());
      expect(anchors, `${alert.alert}: docs/deployment.md has no heading for #${m?.[1]}`).toContain(m?.[1]);
    }
  });
});

describe('the rule checks catch what they are for', () => {
  const good = {
    alert: 'Example',
    expr: 'max by (workflowName) (workflow_running) > 0',
    for: '10m',
    labels: { severity: 'warning' },
    annotations: { summary: '{{ $labels.workflowName }} runs long', description: 'x', runbook: 'docs/deployment.md#example' },
  };
  const check = (rule: Record<string, unknown>, groupExtra: Record<string, unknown> = {}): string[] =>
    [...checkRules({ groups: [{ name: 'g', rules: [rule], ...groupExtra }] }, { catalog, conventions: true }).problems];

  it('accepts a correct rule', () => {
    expect(check(good)).toEqual([]);
  });

  it('catches a broken expression', () => {
    const problems = check({ ...good, expr: 'sum(rate(workflow_failure_total[5m]) > 0' });
    expect(problems.join('\n')).toMatch(/expr does not parse: syntax error/);
    expect(analyzePromql('rate(workflow_failure_total[5m]').syntaxErrors.length).toBeGreaterThan(0);
    expect(analyzePromql('workflow_failure_total{status="FAILED"').syntaxErrors.length).toBeGreaterThan(0);
    expect(analyzePromql('k1_device_up === 0').syntaxErrors.length).toBeGreaterThan(0);
    expect(analyzePromql('up{job="x"} == 0').syntaxErrors).toEqual([]);
  });

  it('catches invalid durations, unknown fields, a missing for, severity or annotation', () => {
    expect(check({ ...good, for: '10 minutes' }).join('\n')).toMatch(/for "10 minutes" is not a duration/);
    expect(check(good, { interval: '1 m' }).join('\n')).toMatch(/interval "1 m" is not a duration/);
    expect(check({ ...good, severity: 'warning' }).join('\n')).toMatch(/unknown field "severity"/);
    const { for: _for, ...withoutFor } = good;
    expect(check(withoutFor).join('\n')).toMatch(/needs "for"/);
    expect(check({ ...good, labels: { severity: 'page' } }).join('\n')).toMatch(/severity must be one of/);
    expect(check({ ...good, annotations: { summary: 's', description: 'd' } }).join('\n')).toMatch(/needs a "runbook" annotation/);
    expect(check({ ...good, record: 'x' }).join('\n')).toMatch(/exactly one of "alert" and "record"/);
    expect(checkRules({ groups: [{ name: 'g', rules: [good] }, { name: 'g', rules: [good] }] }).problems.join('\n')).toMatch(/group name used twice/);
  });

  it('catches an unbalanced template and a label the result does not have', () => {
    expect(check({ ...good, annotations: { ...good.annotations, summary: '{{ $labels.workflowName } runs long' } }).join('\n')).toMatch(/never closed/);
    expect(check({ ...good, annotations: { ...good.annotations, description: 'value }} here' } }).join('\n')).toMatch(/without "\{\{"/);
    expect(checkTemplate('{{ a {{ b }} }}').problems.join()).toMatch(/opens inside/);
    expect(checkTemplate('{{ $labels.device }} at {{ $value | humanize }}')).toEqual({ problems: [], labels: ['device'] });
    expect(check({ ...good, annotations: { ...good.annotations, summary: '{{ $labels.device }} runs long' } }).join('\n')).toMatch(/templates use \$labels\.device, but the expression's result has only: workflowName/);
    expect(check({ ...good, expr: 'sum(workflow_running) > 0' }).join('\n')).toMatch(/result has only: no labels/);
  });

  it('catches a metric that does not exist, a misspelt label, and a wrong argument type', () => {
    expect(check({ ...good, expr: 'max by (workflowName) (workflow_completed_seconds_count) > 0' }).join('\n')).toMatch(/metric "workflow_completed_seconds_count" is not exported/);
    expect(check({ ...good, expr: 'max by (workflowName) (workflow_running{workflow_name="x"}) > 0' }).join('\n')).toMatch(/has no label "workflow_name"/);
    expect(check({ ...good, expr: 'max by (workflowName) (rate(workflow_failure_total)) > 0' }).join('\n')).toMatch(/rate\(\) needs a range vector/);
    expect(check({ ...good, expr: 'max by (workflow) (workflow_running) > 0', annotations: { ...good.annotations, summary: 's' } }).join('\n')).toMatch(/uses label "workflow"/);
  });

  it('checks a rule file as a whole: groups, and fields Prometheus does not know', () => {
    expect(checkRules({ rules: [] }).problems).toEqual(['the file must be a mapping with a "groups" list']);
    expect(checkRules({ groups: [{ name: 'g', rules: [] }] }).problems.join()).toMatch(/non-empty "rules"/);
    expect(isRecord(rulesDoc)).toBe(true);
  });
});
