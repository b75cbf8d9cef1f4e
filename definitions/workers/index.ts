/**
 * The K1 worker binding: one `ConductorWorker` per task contract in `definitions/tasks/`, each
 * made with `createWorker(contract, handler)` over the services in `definitions/services/`.
 *
 * @example
 * ```ts
 * import { createK1Workers, k1ServicesFromConfig } from './definitions/workers/index.ts';
 * const workers = createK1Workers(k1ServicesFromConfig({ projectDir, artifactDir, artifactBaseUrl }));
 * ```
 */
import type { ConductorWorker } from '@io-orkes/conductor-javascript';
import type { WorkerOptions } from '../../src/worker/create-worker.ts';
import { notify } from '../tasks/notify-task.ts';
import { artifactWorkers } from './artifact-workers.ts';
import { audioWorkers } from './audio-workers.ts';
import { buildWorkers } from './build-workers.ts';
import { deviceWorkers } from './device-workers.ts';
import { k1Worker } from './k1-worker.ts';
import { patternWorkers } from './pattern-workers.ts';
import type { K1Services } from './services.ts';

export { k1ServicesFromConfig, k1ConfigSchema } from './services.ts';
export type { K1Config, K1Services } from './services.ts';
export { K1_METRICS, recordDeviceHealth, recordFirmwareBuild } from './k1-metrics.ts';
export type { DeviceHealthSample, FirmwareBuildStatus } from './k1-metrics.ts';
export { K1_ENV_VARIABLES, k1WorkerSettings } from './k1-settings.ts';
export type { K1Settings } from './k1-settings.ts';

/** One worker per K1 task; `options` (concurrency, observer, shutdown signal...) apply to every one. */
export function createK1Workers(services: K1Services, options?: WorkerOptions): ConductorWorker[] {
  return [
    ...buildWorkers(services, options),
    ...deviceWorkers(services, options),
    ...artifactWorkers(services, options),
    ...patternWorkers(services, options),
    ...audioWorkers(services, options),
    k1Worker(
      notify,
      async (input, ctx) => {
        const r = await services.notifier.send({ webhookUrl: input.webhook_url, severity: input.severity, title: input.title, message: input.message }, ctx.signal);
        ctx.log(input.webhook_url === '' ? 'no webhook: skipped' : `webhook answered ${r.statusCode}`);
        return { delivered: r.delivered, status_code: r.statusCode };
      },
      options,
    ),
  ];
}
