import { Counter, Gauge, type Metric } from 'prom-client';

/** Outcome of a firmware build, as counted by `k1_firmware_builds_total`. */
export type FirmwareBuildStatus = 'success' | 'failure';

// Process-wide, like the builds they count: handlers anywhere in the process record into them, and
// every runWorkers() given K1_METRICS serves the same ones.
const firmwareBuilds = new Counter({
  name: 'k1_firmware_builds_total',
  help: 'K1 firmware builds by outcome and PlatformIO environment.',
  labelNames: ['status', 'environment'] as const,
  registers: [],
});

/** Device figures from the last health check of each device: one gauge a figure, labelled by device. */
const deviceGauges = {
  up: new Gauge({ name: 'k1_device_up', help: '1 when the device answered its last health check, 0 when it did not.', labelNames: ['device'] as const, registers: [] }),
  freeHeap: new Gauge({ name: 'k1_device_free_heap_bytes', help: 'Free heap the device reported, in bytes.', labelNames: ['device'] as const, registers: [] }),
  fps: new Gauge({ name: 'k1_device_fps', help: 'LED frames per second the device reported.', labelNames: ['device'] as const, registers: [] }),
  renderAvg: new Gauge({ name: 'k1_device_render_time_avg_ms', help: 'Average frame render time the device reported, in ms.', labelNames: ['device'] as const, registers: [] }),
  renderMax: new Gauge({ name: 'k1_device_render_time_max_ms', help: 'Longest frame render time the device reported, in ms.', labelNames: ['device'] as const, registers: [] }),
};

/**
 * The K1 workers' own metrics, for `runWorkers({ metrics: K1_METRICS })`: the firmware build
 * counter and the `k1_device_*` gauges, which deploy/'s alerts and dashboards read.
 */
export const K1_METRICS: readonly Metric[] = [firmwareBuilds, ...Object.values(deviceGauges)];

/**
 * Counts one K1 firmware build in `k1_firmware_builds_total{status,environment}` (served on the
 * worker's `/metrics` when runWorkers was given {@link K1_METRICS}). Call it from the build
 * handler once the outcome is known.
 *
 * @example
 * ```ts
 * recordFirmwareBuild(result.success ? 'success' : 'failure', input.environment);
 * ```
 */
export function recordFirmwareBuild(status: FirmwareBuildStatus, environment: string): void {
  firmwareBuilds.inc({ status, environment });
}

/** What a health check saw of a device; leave `reachable` false when it did not answer. */
export interface DeviceHealthSample {
  readonly device: string;
  readonly reachable: boolean;
  readonly freeHeapBytes?: number;
  readonly fps?: number;
  readonly renderTimeAvgMs?: number;
  readonly renderTimeMaxMs?: number;
}

/**
 * Records a device's health in the `k1_device_*` gauges of {@link K1_METRICS} (the device-offline
 * and low-heap alerts and the device dashboard read them).
 */
export function recordDeviceHealth(sample: DeviceHealthSample): void {
  const labels = { device: sample.device };
  deviceGauges.up.set(labels, sample.reachable ? 1 : 0);
  if (sample.freeHeapBytes !== undefined) deviceGauges.freeHeap.set(labels, sample.freeHeapBytes);
  if (sample.fps !== undefined) deviceGauges.fps.set(labels, sample.fps);
  if (sample.renderTimeAvgMs !== undefined) deviceGauges.renderAvg.set(labels, sample.renderTimeAvgMs);
  if (sample.renderTimeMaxMs !== undefined) deviceGauges.renderMax.set(labels, sample.renderTimeMaxMs);
}
