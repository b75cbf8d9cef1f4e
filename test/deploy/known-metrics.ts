/**
 * Every metric the deploy/ configuration may name, in one place: the Conductor server's, the K1
 * workers', the device gauges and Prometheus' own. An alert or dashboard naming anything else is a
 * typo or a metric that does not exist (test/deploy/metrics.test.ts).
 *
 * - Conductor: the meter names and tags of conductor-oss
 *   `core/src/main/java/com/netflix/conductor/metrics/Monitors.java` (the tags it passes to each
 *   meter; `class` is there in the Spectator-bridged releases before 3.21.16). They reach
 *   Prometheus through Micrometer's Prometheus registry on /actuator/prometheus, named as it names
 *   them: a counter gets `_total`, a timer `_seconds_count`, `_seconds_sum` and `_seconds_max`
 *   (and `_seconds_bucket` only when its percentile histogram is enabled, as
 *   deploy/conductor/config-k1.properties does for workflow_execution), a gauge keeps its name.
 * - Workers: src/worker/worker-metrics.ts and the K1 metrics the workers script gives it
 *   (K1_METRICS, definitions/workers/k1-metrics.ts). WORKER_FAMILIES is what the dashboards rely
 *   on; the test checks it against a live WorkerMetrics registry made as scripts/workers.ts makes
 *   it, whose full list (Node.js process metrics too) is what the catalog is built from, so
 *   neither can drift.
 * - Devices: DEVICE_GAUGES, the gauges `recordDeviceHealth` (definitions/workers/k1-metrics.ts)
 *   sets per device; the test checks them against the live registry too.
 */
import { K1_METRICS } from '../../definitions/workers/k1-metrics.ts';
import { WorkerMetrics } from '../../src/worker/worker-metrics.ts';

export type MetricType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'timer' | 'distribution_summary';

export interface MetricFamily {
  /** The name the exporter registers (Micrometer meter name, prom-client metric name). */
  readonly name: string;
  readonly type: MetricType;
  /** Labels every series has. */
  readonly labels: readonly string[];
  /** Labels some releases or configurations add. */
  readonly optionalLabels?: readonly string[];
}

/** One series name Prometheus stores, and the labels it may carry (besides job and instance). */
export interface SeriesInfo {
  readonly family: string;
  readonly source: 'conductor' | 'workers' | 'devices' | 'prometheus';
  readonly labels: readonly string[];
  readonly optionalLabels: readonly string[];
}

export type SeriesCatalog = ReadonlyMap<string, SeriesInfo>;

/** Tags Monitors.java gives every Conductor meter in some releases, or Spring Boot common tags. */
const CONDUCTOR_OPTIONAL = ['class', 'application'];

/** Conductor server meters (Monitors.java), as Micrometer names them before the Prometheus suffixes. */
export const CONDUCTOR_FAMILIES: readonly MetricFamily[] = [
  { name: 'workflow_server_error', type: 'counter', labels: ['methodName'] },
  // recordWorkflowTermination: status is FAILED, TIMED_OUT or TERMINATED
  { name: 'workflow_failure', type: 'counter', labels: ['workflowName', 'status', 'ownerApp'] },
  { name: 'workflow_start_success', type: 'counter', labels: ['workflowName', 'version', 'ownerApp'] },
  { name: 'workflow_start_error', type: 'counter', labels: ['workflowName', 'ownerApp'] },
  // recordRunningWorkflows, from WorkflowMonitor every minute: RUNNING (and PAUSED) runs per definition
  { name: 'workflow_running', type: 'gauge', labels: ['workflowName', 'version', 'ownerApp'] },
  // recordWorkflowCompletion: the duration of every COMPLETED run
  { name: 'workflow_execution', type: 'timer', labels: ['workflowName', 'ownerApp'] },
  { name: 'workflow_decision', type: 'timer', labels: [] },
  { name: 'tasks_in_workflow', type: 'distribution_summary', labels: ['workflowName', 'version'] },
  { name: 'task_execution', type: 'timer', labels: ['taskType', 'includeRetries', 'status'] },
  { name: 'task_queue_wait', type: 'timer', labels: ['taskType'] },
  { name: 'task_poll', type: 'counter', labels: ['taskType'] },
  { name: 'task_poll_count', type: 'counter', labels: ['taskType', 'domain'] },
  { name: 'task_poll_error', type: 'counter', labels: ['taskType', 'domain', 'exception'] },
  { name: 'task_queue_depth', type: 'gauge', labels: ['taskType', 'ownerApp'] },
  { name: 'task_in_progress', type: 'gauge', labels: ['taskType', 'ownerApp'] },
  { name: 'task_timeout', type: 'counter', labels: ['taskType'] },
  { name: 'task_response_timeout', type: 'counter', labels: ['taskType'] },
  { name: 'task_rate_limited', type: 'gauge', labels: ['taskType'] },
  { name: 'task_concurrent_execution_limited', type: 'gauge', labels: ['taskType'] },
  { name: 'task_update_conflict', type: 'counter', labels: ['workflowName', 'taskType'], optionalLabels: ['taskStatus', 'workflowStatus'] },
];

/** The K1 workers' own metrics (src/worker/worker-metrics.ts, K1_METRICS), checked against a live registry. */
export const WORKER_FAMILIES: readonly MetricFamily[] = [
  { name: 'conductor_task_executions_total', type: 'counter', labels: ['task_name', 'status'] },
  { name: 'conductor_task_duration_seconds', type: 'histogram', labels: ['task_name'] },
  { name: 'conductor_worker_tasks_in_flight', type: 'gauge', labels: ['task_name'] },
  { name: 'k1_worker_duplicate_deliveries_total', type: 'counter', labels: ['task_name'] },
  { name: 'k1_firmware_builds_total', type: 'counter', labels: ['status', 'environment'] },
];

/** The per-device gauges the workers export (`device` is the device's address). */
export const DEVICE_GAUGES: readonly MetricFamily[] = [
  { name: 'k1_device_up', type: 'gauge', labels: ['device'] }, // 1 reachable, 0 not
  { name: 'k1_device_free_heap_bytes', type: 'gauge', labels: ['device'] },
  { name: 'k1_device_fps', type: 'gauge', labels: ['device'] },
  { name: 'k1_device_render_time_avg_ms', type: 'gauge', labels: ['device'] },
  { name: 'k1_device_render_time_max_ms', type: 'gauge', labels: ['device'] },
];

/** What Prometheus adds for every scrape target. */
export const PROMETHEUS_FAMILIES: readonly MetricFamily[] = [
  { name: 'up', type: 'gauge', labels: [] },
  { name: 'scrape_duration_seconds', type: 'gauge', labels: [] },
  { name: 'scrape_samples_scraped', type: 'gauge', labels: [] },
];

/** The Conductor timers exported with `_seconds_bucket` (their percentile histogram enabled in the server config). */
export const CONDUCTOR_HISTOGRAMS: readonly string[] = ['workflow_execution'];

/** The series names Micrometer's Prometheus registry writes for a Conductor meter. */
export function conductorSeries(family: MetricFamily, histograms: readonly string[] = CONDUCTOR_HISTOGRAMS): string[] {
  switch (family.type) {
    case 'counter':
      return [`${family.name}_total`];
    case 'gauge':
      return [family.name];
    case 'timer':
      return [`${family.name}_seconds_count`, `${family.name}_seconds_sum`, `${family.name}_seconds_max`, ...(histograms.includes(family.name) ? [`${family.name}_seconds_bucket`] : [])];
    case 'distribution_summary':
      return [`${family.name}_count`, `${family.name}_sum`, `${family.name}_max`];
    default:
      throw new Error(`${family.name}: Micrometer has no ${family.type}`);
  }
}

/** The series names prom-client writes for one metric (it adds no `_total`: the name has it). */
export function promClientSeries(family: Pick<MetricFamily, 'name' | 'type'>): string[] {
  switch (family.type) {
    case 'counter':
    case 'gauge':
      return [family.name];
    case 'histogram':
      return [`${family.name}_bucket`, `${family.name}_sum`, `${family.name}_count`];
    case 'summary':
      return [family.name, `${family.name}_sum`, `${family.name}_count`];
    default:
      throw new Error(`${family.name}: prom-client has no ${family.type}`);
  }
}

/**
 * The catalog of every series name: `workerFamilies` is what a live WorkerMetrics registry lists
 * (its names, types and labels), the rest comes from the lists above.
 */
export function buildCatalog(workerFamilies: readonly MetricFamily[]): SeriesCatalog {
  const catalog = new Map<string, SeriesInfo>();
  const add = (series: string, info: SeriesInfo): void => {
    if (catalog.has(series)) throw new Error(`series ${series} is exported twice (${catalog.get(series)?.family} and ${info.family})`);
    catalog.set(series, info);
  };
  for (const family of CONDUCTOR_FAMILIES) {
    for (const series of conductorSeries(family)) {
      add(series, { family: family.name, source: 'conductor', labels: [...family.labels, ...(series.endsWith('_bucket') ? ['le'] : [])], optionalLabels: [...(family.optionalLabels ?? []), ...CONDUCTOR_OPTIONAL] });
    }
  }
  for (const family of workerFamilies) {
    for (const series of promClientSeries(family)) {
      add(series, { family: family.name, source: 'workers', labels: [...family.labels, ...(series.endsWith('_bucket') ? ['le'] : [])], optionalLabels: family.optionalLabels ?? [] });
    }
  }
  for (const family of DEVICE_GAUGES) {
    // once the workers register them, they come in through workerFamilies
    if (!catalog.has(family.name)) add(family.name, { family: family.name, source: 'devices', labels: family.labels, optionalLabels: [] });
  }
  for (const family of PROMETHEUS_FAMILIES) add(family.name, { family: family.name, source: 'prometheus', labels: family.labels, optionalLabels: [] });
  return catalog;
}

/**
 * What a fresh WorkerMetrics registry (src/worker/worker-metrics.ts) given K1_METRICS, as
 * scripts/workers.ts gives it, exports: every metric's name, type and label names (the declared
 * ones, and any seen on a value).
 */
export async function liveWorkerFamilies(): Promise<MetricFamily[]> {
  const metrics = new WorkerMetrics(['platformio_compile'], () => 0, K1_METRICS);
  const json = await metrics.registry.getMetricsAsJSON();
  return json.map((metric) => {
    const declared = (metrics.registry.getSingleMetric(metric.name) as unknown as { labelNames?: unknown }).labelNames;
    const labels = new Set<string>(Array.isArray(declared) ? declared.filter((l): l is string => typeof l === 'string') : []);
    for (const value of metric.values) for (const label of Object.keys(value.labels)) if (label !== 'le' && label !== 'quantile') labels.add(label);
    return { name: metric.name, type: String(metric.type as unknown) as MetricType, labels: [...labels].sort() };
  });
}
