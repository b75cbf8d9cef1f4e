import type { ConductorWorker } from '@io-orkes/conductor-javascript';
import { TerminalError, type WorkerOptions } from '../../src/worker/create-worker.ts';
import { recordDeviceHealth } from './k1-metrics.ts';
import { sameCommit, signatureMatches } from '../services/build-signature.ts';
import { DeviceApiError } from '../services/device-api.ts';
import { deployFirmwareOta, deviceHealthCheck } from '../tasks/device-tasks.ts';
import { k1Worker } from './k1-worker.ts';
import type { K1Services } from './services.ts';

/** The workers of the device tasks: OTA deploy and health check. */
export function deviceWorkers(services: K1Services, options?: WorkerOptions): ConductorWorker[] {
  return [
    k1Worker(
      deployFirmwareOta,
      async (input, ctx) => {
        const artifact = await services.artifacts.get(input.artifact_id);
        if (artifact === undefined) throw new TerminalError(`No artifact ${input.artifact_id} in the artifact store (pruned, or stored by another worker's store?); store the firmware again`);
        if (artifact.category !== 'firmware' || (artifact.environment !== null && artifact.environment !== input.environment)) {
          throw new TerminalError(`Artifact ${input.artifact_id} is ${artifact.category} for ${artifact.environment ?? 'no environment'}, not firmware for ${input.environment}; nothing was flashed`);
        }
        try {
          const info = await services.device.info(input.device_ip, ctx.signal);
          if (signatureMatches(info.build_signature, input.build_signature)) {
            ctx.log(`${input.device_ip} already runs ${info.build_signature}; not flashing`);
            return { status: 'already_deployed' as const, device_ip: input.device_ip, duration_ms: 0 };
          }
          ctx.log(`${input.device_ip} runs ${info.build_signature}; uploading ${input.build_signature}`);
        } catch (error) {
          // The device API may be down while OTA still works (or the other way round): try the upload, it gives the real error.
          if (!(error instanceof DeviceApiError)) throw error;
          ctx.log(`could not read the build signature (${error.message}); uploading anyway`);
        }
        // The content address is checked on the very copy pio uploads (FirmwareMismatchError: terminal).
        const upload = await services.platformio.upload(input.environment, artifact.path, input.device_ip, { signal: ctx.signal, sha256: input.artifact_id });
        ctx.log(`uploaded artifact ${input.artifact_id} (${artifact.version}) in ${upload.durationMs} ms`);
        return { status: 'deployed' as const, device_ip: input.device_ip, duration_ms: upload.durationMs };
      },
      options,
    ),

    k1Worker(
      deviceHealthCheck,
      async (input, ctx) => {
        let info;
        let perf;
        try {
          info = await services.device.info(input.device_ip, ctx.signal);
          perf = await services.device.performance(input.device_ip, ctx.signal);
        } catch (error) {
          recordDeviceHealth({ device: input.device_ip, reachable: false });
          throw error;
        }
        recordDeviceHealth({
          device: input.device_ip,
          reachable: true,
          freeHeapBytes: info.free_heap,
          fps: perf.fps,
          renderTimeAvgMs: perf.avg_render_time_ms,
          renderTimeMaxMs: perf.max_render_time_ms,
        });
        const signatureOk = signatureMatches(info.build_signature, input.expected_build_signature);
        const heapOk = info.free_heap >= input.min_free_heap_bytes;
        const healthy = signatureOk && heapOk;
        const problems = [
          ...(signatureOk ? [] : [`build signature "${info.build_signature}" does not contain ${input.expected_build_signature}`]),
          ...(heapOk ? [] : [`free heap ${info.free_heap} B < ${input.min_free_heap_bytes} B`]),
        ];
        const figures = `free heap ${info.free_heap} B (min ${input.min_free_heap_bytes} B), ${perf.fps} fps, up ${info.uptime_seconds} s`;
        const summary = healthy ? `healthy: runs ${info.build_signature}, ${figures}` : `unhealthy: ${problems.join('; ')} (${figures})`;
        if (healthy) {
          // Proof that this firmware runs: the rollback handler picks among firmware marked good.
          // A store problem is logged, not fatal: the device's health is this task's answer.
          try {
            const matching = (await services.artifacts.list({ category: 'firmware' })).filter((a) => sameCommit(a.version, input.expected_build_signature));
            for (const artifact of matching) await services.artifacts.markGood(artifact.id);
            if (matching.length > 0) ctx.log(`marked ${matching.length} stored firmware of ${input.expected_build_signature} good`);
          } catch (error) {
            ctx.log(`could not mark the firmware good in the artifact store: ${(error as Error).message}`);
          }
        }
        return {
          healthy,
          build_signature: info.build_signature,
          free_heap_bytes: info.free_heap,
          uptime_seconds: info.uptime_seconds,
          fps: perf.fps,
          summary,
        };
      },
      options,
    ),
  ];
}
