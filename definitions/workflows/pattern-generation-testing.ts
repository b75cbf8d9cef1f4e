import { z } from 'zod';
import { workflow } from '../project.ts';
import { storeArtifact } from '../tasks/artifact-tasks.ts';
import { platformioCompile } from '../tasks/build-tasks.ts';
import { deployFirmwareOta } from '../tasks/device-tasks.ts';
import { deviceAddress, pioEnvironment } from '../tasks/fields.ts';
import { optimizationLevel, patternName, patternPerformance } from '../tasks/pattern-fields.ts';
import { comparePerformance, generatePattern, generateTestReport, validatePatternOnDevice } from '../tasks/pattern-tasks.ts';

/** Generate, build, flash and measure one LED pattern, and compare it with its baseline. */
export const patternGenerationTesting = workflow(
  {
    name: 'pattern-generation-testing',
    version: 1,
    description:
      'Tests one LED pattern end to end: generate_pattern validates the spec, generates C++ and commits it (optimisation level in the build flags) to the branch patterns/<pattern_name>; platformio_compile builds that commit; store_firmware keeps the binary in the artifact store and deploy_firmware_ota flashes exactly that artifact; validate_pattern_on_device checks the build signature, activates the pattern and samples fps, render times, audio latency and free heap for sample_seconds; compare_performance compares with the stored baseline (fps drop > max_fps_drop_percent or average render time rise > max_render_time_rise_percent is a regression; max render time is reported, not gated); generate_test_report writes the report and store_artifact keeps it under reports. Choices: an invalid spec or a failed build ends the run FAILED with the reason (nothing is flashed); a regression is a result, not a failure: the run COMPLETES with regression=true and the report stored; with no baseline (a new pattern) nothing regresses and the stored report can become the next baseline.',
    input: z.object({
      pattern_name: patternName,
      pattern_source: z
        .string()
        .min(1)
        .describe(
          'The pattern spec, a JSON object in a string: {"effect": one of solid, gradient, pulse, wave, sparkle, spectrum_bars; "palette": 1-16 "#rrggbb" colours; "speed": above 0, at most 10; "audio_reactive": true or false; "brightness": 0-1, default 1; "name" and "description" optional}. Anything else fails generate_pattern with every problem listed.',
        ),
      device_ip: deviceAddress,
      baseline_ref: z
        .string()
        .min(1)
        .default('latest')
        .describe('Baseline to compare with: a report artifact id, or "latest" for the newest report of this pattern without a regression'),
      optimization_level: optimizationLevel.default('O2'),
      max_fps_drop_percent: z.number().nonnegative().default(10).describe('Regression gate: an fps drop beyond this percentage of the baseline'),
      max_render_time_rise_percent: z
        .number()
        .nonnegative()
        .default(15)
        .describe('Regression gate: an average render time rise beyond this percentage of the baseline'),
      sample_seconds: z.number().int().min(5).max(120).default(30).describe('How long to sample the running pattern, seconds'),
      repo: z.string().min(1).default('K1.node1').describe('Firmware repository the pattern is generated into'),
      base_branch: z.string().min(1).default('main').describe('Branch the pattern branch starts from'),
      environment: pioEnvironment.default('esp32-s3-devkitc-1'),
    }),
    output: z.object({
      pattern_name: patternName,
      regression: z.boolean().describe('True when the pattern regressed against the baseline'),
      regressions: z.array(z.string()).describe('Each crossed threshold; empty without a regression'),
      baseline_found: z.boolean().describe('False when there was no baseline to compare with'),
      metrics: patternPerformance,
      fps_change_percent: z.number().nullable().describe('fps change against the baseline, percent; null without a baseline'),
      avg_render_time_change_percent: z.number().nullable().describe('Average render time change against the baseline, percent; null without a baseline'),
      commit_sha: z.string().describe('Commit of the generated pattern code (the tested build)'),
      report_artifact_id: z.string().describe('Artifact id of the stored test report'),
      report_url: z.string().describe('Where the stored test report can be fetched'),
      validation_errors: z.array(z.string()).optional().describe('Set when the pattern spec was invalid'),
    }),
    timeoutSeconds: 3600,
    example: {
      pattern_name: 'spectrum_bars',
      pattern_source: JSON.stringify({ effect: 'spectrum_bars', palette: ['#001f3f', '#0074d9', '#7fdbff'], speed: 1.5, audio_reactive: true }),
      device_ip: '192.168.1.104',
      optimization_level: 'O2',
      sample_seconds: 30,
    },
  },
  (f) =>
    f
      .task(generatePattern, (s) => ({
        pattern_name: s.input.pattern_name,
        pattern_source: s.input.pattern_source,
        optimization_level: s.input.optimization_level,
        repo: s.input.repo,
        base_branch: s.input.base_branch,
      }))
      .switch('pattern_validation_gate', (s) => s.generate_pattern.output.valid, {
        false: (b) =>
          b.terminate('FAILED', {
            ref: 'stop_on_invalid_pattern',
            reason: (s) => `Pattern ${s.input.pattern_name} is invalid: ${s.generate_pattern.output.validation_message}`,
            output: (s) => ({ pattern_name: s.input.pattern_name, validation_errors: s.generate_pattern.output.validation_errors }),
          }),
      })
      .task(platformioCompile, (s) => ({
        repo: s.input.repo,
        branch: s.generate_pattern.output.branch,
        commit_sha: s.generate_pattern.output.commit_sha,
        environment: s.input.environment,
      }))
      .switch('pattern_build_gate', (s) => s.platformio_compile.output.success, {
        false: (b) =>
          b.terminate('FAILED', {
            ref: 'stop_on_failed_build',
            reason: (s) => `Pattern ${s.input.pattern_name} (${s.generate_pattern.output.commit_sha}) did not compile: ${s.platformio_compile.output.error_message}`,
            output: (s) => ({ pattern_name: s.input.pattern_name, commit_sha: s.generate_pattern.output.commit_sha }),
          }),
      })
      .task('store_firmware', storeArtifact, (s) => ({
        source_path: s.platformio_compile.output.firmware_bin_path,
        category: 'firmware',
        version: s.generate_pattern.output.commit_sha,
        environment: s.input.environment,
      }))
      .task(deployFirmwareOta, (s) => ({
        device_ip: s.input.device_ip,
        environment: s.input.environment,
        artifact_id: s.store_firmware.output.artifact_id,
        build_signature: s.generate_pattern.output.commit_sha,
      }))
      .task(validatePatternOnDevice, (s) => ({
        device_ip: s.input.device_ip,
        pattern_name: s.input.pattern_name,
        expected_build_signature: s.generate_pattern.output.commit_sha,
        sample_seconds: s.input.sample_seconds,
      }))
      .task(comparePerformance, (s) => ({
        pattern_name: s.input.pattern_name,
        baseline_ref: s.input.baseline_ref,
        environment: s.input.environment,
        measured: s.validate_pattern_on_device.output.metrics,
        max_fps_drop_percent: s.input.max_fps_drop_percent,
        max_render_time_rise_percent: s.input.max_render_time_rise_percent,
      }))
      .task(generateTestReport, (s) => ({
        pattern_name: s.input.pattern_name,
        commit_sha: s.generate_pattern.output.commit_sha,
        optimization_level: s.input.optimization_level,
        environment: s.input.environment,
        device_ip: s.input.device_ip,
        build_metrics: s.platformio_compile.output.metrics,
        measured: s.validate_pattern_on_device.output.metrics,
        sample_count: s.validate_pattern_on_device.output.sample_count,
        comparison: s.compare_performance.output,
      }))
      .task('store_test_report', storeArtifact, (s) => ({
        source_path: s.generate_test_report.output.report_path,
        category: 'reports',
        version: `${s.input.pattern_name}-${s.generate_pattern.output.commit_sha}`,
        environment: s.input.environment,
      }))
      .output((s) => ({
        pattern_name: s.input.pattern_name,
        regression: s.compare_performance.output.regression,
        regressions: s.compare_performance.output.regressions,
        baseline_found: s.compare_performance.output.baseline_found,
        metrics: s.validate_pattern_on_device.output.metrics,
        fps_change_percent: s.compare_performance.output.fps_change_percent,
        avg_render_time_change_percent: s.compare_performance.output.avg_render_time_change_percent,
        commit_sha: s.generate_pattern.output.commit_sha,
        report_artifact_id: s.store_test_report.output.artifact_id,
        report_url: s.store_test_report.output.artifact_url,
      })),
);
