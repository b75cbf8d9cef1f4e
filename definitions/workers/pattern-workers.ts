import type { ConductorWorker } from '@io-orkes/conductor-javascript';
import { setTimeout as sleep } from 'node:timers/promises';
import { TerminalError, type WorkerOptions } from '../../src/worker/create-worker.ts';
import { signatureMatches } from '../services/build-signature.ts';
import type { DevicePerformance } from '../services/device-api.ts';
import { comparePerformance as compare } from '../services/performance-compare.ts';
import { comparePerformance, generatePattern, generateTestReport, validatePatternOnDevice } from '../tasks/pattern-tasks.ts';
import { checkRepo, k1Worker } from './k1-worker.ts';
import { latestBaseline, readPatternReport, writePatternReport } from './pattern-report.ts';
import type { K1Services } from './services.ts';

const mean = (xs: number[]): number => Number((xs.reduce((a, b) => a + b, 0) / xs.length).toFixed(2));

/** The workers of the pattern tasks. */
export function patternWorkers(services: K1Services, options?: WorkerOptions): ConductorWorker[] {
  return [
    k1Worker(
      generatePattern,
      async (input, ctx) => {
        checkRepo(services, input.repo);
        const result = await services.patterns.generate(input);
        ctx.log(result.valid ? `${result.cpp_path} committed as ${result.commit_sha} on ${result.branch}` : `invalid spec: ${result.validation_message}`);
        return result;
      },
      options,
    ),

    k1Worker(
      validatePatternOnDevice,
      async (input, ctx) => {
        const info = await services.device.info(input.device_ip, ctx.signal);
        if (!signatureMatches(info.build_signature, input.expected_build_signature)) {
          // Retryable: right after an OTA upload the device may still be rebooting into the new build.
          throw new Error(`Device ${input.device_ip} runs build "${info.build_signature}", not ${input.expected_build_signature}; the pattern firmware is not running (yet)`);
        }
        const { confirmed } = await services.device.activatePattern(input.device_ip, input.pattern_name, ctx.signal);
        ctx.log(confirmed ? `activated ${input.pattern_name}` : `the device answered but did not confirm ${input.pattern_name} is active`);
        const samples: DevicePerformance[] = [];
        const misses: string[] = [];
        for (let i = 0; i < input.sample_seconds; i++) {
          if (i > 0) await sleep(services.sampleIntervalMs, undefined, { signal: ctx.signal });
          try {
            samples.push(await services.device.performance(input.device_ip, ctx.signal));
          } catch (error) {
            misses.push((error as Error).message);
          }
        }
        if (misses.length > 0) ctx.log(`${misses.length} of ${input.sample_seconds} samples missed, first: ${misses[0]}`);
        if (samples.length < Math.ceil(input.sample_seconds / 2)) {
          throw new Error(`Only ${samples.length} of ${input.sample_seconds} performance samples from ${input.device_ip}; first failure: ${misses[0] ?? 'none'}`);
        }
        return {
          activated: confirmed,
          build_signature: info.build_signature,
          sample_count: samples.length,
          metrics: {
            fps: mean(samples.map((s) => s.fps)),
            avg_render_time_ms: mean(samples.map((s) => s.avg_render_time_ms)),
            max_render_time_ms: Math.max(...samples.map((s) => s.max_render_time_ms)),
            audio_latency_ms: mean(samples.map((s) => s.audio_latency_ms)),
            free_heap_bytes: Math.min(...samples.map((s) => s.free_heap)),
          },
        };
      },
      options,
    ),

    k1Worker(
      comparePerformance,
      async (input, ctx) => {
        let found;
        if (input.baseline_ref === 'latest') {
          found = await latestBaseline(services.artifacts, input.pattern_name, input.environment);
        } else {
          const artifact = await services.artifacts.get(input.baseline_ref);
          if (!artifact) throw new TerminalError(`Baseline ${input.baseline_ref} is not in the artifact store`);
          if (artifact.category !== 'reports') throw new TerminalError(`Baseline ${input.baseline_ref} is a ${artifact.category} artifact, not a report`);
          const report = await readPatternReport(artifact);
          if (!report) throw new TerminalError(`Baseline ${input.baseline_ref} is not a pattern test report`);
          if (report.pattern_name !== input.pattern_name) throw new TerminalError(`Baseline ${input.baseline_ref} is a report of ${report.pattern_name}, not ${input.pattern_name}`);
          found = { artifact, report };
        }
        if (!found) {
          ctx.log(`no baseline for ${input.pattern_name} on ${input.environment}`);
          return {
            baseline_found: false,
            baseline_id: null,
            baseline: null,
            fps_change_percent: null,
            avg_render_time_change_percent: null,
            regression: false,
            regressions: [],
            summary: `No baseline for ${input.pattern_name} on ${input.environment}: nothing to compare (this report can become the baseline)`,
          };
        }
        const baseline = found.report.measured;
        const c = compare(input.measured, baseline, { maxFpsDropPercent: input.max_fps_drop_percent, maxRenderTimeRisePercent: input.max_render_time_rise_percent });
        const regression = c.regressions.length > 0;
        const id = found.artifact.id;
        return {
          baseline_found: true,
          baseline_id: id,
          baseline,
          fps_change_percent: c.fpsChangePercent,
          avg_render_time_change_percent: c.renderTimeChangePercent,
          regression,
          regressions: c.regressions,
          summary: regression
            ? `Regression against ${id.slice(0, 12)} (${found.report.commit_sha}): ${c.regressions.join('; ')}`
            : `No regression against ${id.slice(0, 12)} (${found.report.commit_sha}): fps ${c.fpsChangePercent ?? 'n/a'}%, avg render time ${c.renderTimeChangePercent ?? 'n/a'}%`,
        };
      },
      options,
    ),

    k1Worker(
      generateTestReport,
      async (input) => {
        const { path, line } = await writePatternReport(services.workDir, input, services.now());
        return { report_path: path, summary: line };
      },
      options,
    ),
  ];
}
