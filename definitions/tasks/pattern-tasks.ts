import { z } from 'zod';
import { defineTask } from '../project.ts';
import { buildMetrics, deviceAddress, pioEnvironment } from './fields.ts';
import { optimizationLevel, patternName, patternPerformance } from './pattern-fields.ts';

/** Validates a pattern spec, generates its C++ and commits it so that platformio_compile can build it. */
export const generatePattern = defineTask({
  name: 'generate_pattern',
  description:
    'Validates a K1 LED pattern spec and generates its C++ source. A valid pattern is committed, with the optimisation level set in its build flags, to the branch patterns/<pattern_name> of the firmware repository (from base_branch), so the shared platformio_compile builds it like any other commit. An invalid spec is not an error of the task: it answers valid=false with the problems.',
  input: z.object({
    pattern_name: patternName,
    pattern_source: z.string().min(1).describe('The pattern spec/source to validate and generate C++ from'),
    optimization_level: optimizationLevel,
    repo: z.string().min(1).describe('Firmware repository the generated code is committed to, e.g. K1.node1'),
    base_branch: z.string().min(1).describe('Branch the pattern branch starts from, e.g. main'),
  }),
  output: z.object({
    valid: z.boolean().describe('True when the spec passed validation and C++ was generated'),
    validation_errors: z.array(z.string()).describe('Every problem found in the spec; empty when valid'),
    validation_message: z.string().describe('One line summary of the problems; empty when valid'),
    cpp_path: z.string().describe('Path of the generated C++ file in the repository; empty when invalid'),
    branch: z.string().describe('Branch holding the generated code (patterns/<pattern_name>); empty when invalid'),
    commit_sha: z.string().describe('Commit of the generated code, the build signature the device will report; empty when invalid'),
  }),
  retryCount: 1,
  retryLogic: 'FIXED',
  retryDelaySeconds: 10,
  timeoutSeconds: 120,
  responseTimeoutSeconds: 120,
});

/** Activates a pattern on a device and samples its performance. */
export const validatePatternOnDevice = defineTask({
  name: 'validate_pattern_on_device',
  description:
    'Checks that the device runs the expected build (GET /api/device/info), activates the pattern (POST /api/pattern/activate {pattern}), then samples GET /api/device/performance once a second for sample_seconds and reports the means (fps, render time, audio latency), the longest render time and the lowest free heap.',
  input: z.object({
    device_ip: deviceAddress,
    pattern_name: patternName,
    expected_build_signature: z.string().min(1).describe('Text the running build signature must contain (the pattern commit SHA)'),
    sample_seconds: z.number().int().min(5).max(120).describe('How long to sample the running pattern, seconds'),
  }),
  output: z.object({
    activated: z.boolean().describe('True when the device confirmed the pattern is active'),
    build_signature: z.string().describe('Build signature the device reported'),
    sample_count: z.number().int().nonnegative().describe('Performance samples taken'),
    metrics: patternPerformance,
  }),
  retryCount: 2,
  retryLogic: 'FIXED',
  retryDelaySeconds: 15,
  timeoutSeconds: 240,
  responseTimeoutSeconds: 240,
});

/** Compares measured pattern performance with a stored baseline. */
export const comparePerformance = defineTask({
  name: 'compare_performance',
  description:
    'Loads the baseline performance report of the pattern from the artifact store (category reports; "latest" means the newest report of this pattern without a regression, picked by store time) and compares: a regression is an fps drop or an average render time rise beyond the thresholds. With no baseline (a new pattern) nothing can regress and baseline_found is false.',
  input: z.object({
    pattern_name: patternName,
    baseline_ref: z.string().min(1).describe('Baseline to compare with: a report artifact id, or "latest"'),
    environment: pioEnvironment,
    measured: patternPerformance,
    max_fps_drop_percent: z.number().nonnegative().describe('An fps drop beyond this percentage of the baseline is a regression'),
    max_render_time_rise_percent: z.number().nonnegative().describe('An average render time rise beyond this percentage of the baseline is a regression'),
  }),
  output: z.object({
    baseline_found: z.boolean().describe('False when there is no baseline to compare with'),
    baseline_id: z.string().nullable().describe('Artifact id of the baseline report; null without a baseline'),
    baseline: patternPerformance.nullable().describe('Baseline performance; null without a baseline'),
    fps_change_percent: z.number().nullable().describe('fps change against the baseline, percent (negative is a drop); null without a baseline'),
    avg_render_time_change_percent: z.number().nullable().describe('Average render time change against the baseline, percent; null without a baseline'),
    regression: z.boolean().describe('True when any threshold was crossed'),
    regressions: z.array(z.string()).describe('Each crossed threshold, e.g. "fps -12.4% (limit -10%)"; empty without a regression'),
    summary: z.string().describe('One line summary of the comparison'),
  }),
  retryCount: 1,
  retryLogic: 'FIXED',
  retryDelaySeconds: 5,
  timeoutSeconds: 60,
  responseTimeoutSeconds: 60,
});

/** Writes the pattern test report (JSON with a Markdown summary) for the artifact store. */
export const generateTestReport = defineTask({
  name: 'generate_test_report',
  description:
    'Writes the pattern test report: one JSON file with the pattern, build, device, measured and baseline figures and the verdict, whose summary field is Markdown. The file is what store_artifact keeps under reports, and what later runs read as their baseline.',
  input: z.object({
    pattern_name: patternName,
    commit_sha: z.string().min(1).describe('Commit of the generated pattern code'),
    optimization_level: optimizationLevel,
    environment: pioEnvironment,
    device_ip: deviceAddress,
    build_metrics: buildMetrics.partial().describe('Size figures of the pattern firmware build'),
    measured: patternPerformance,
    sample_count: z.number().int().nonnegative().describe('Performance samples taken'),
    comparison: comparePerformance.output.describe('The comparison with the baseline'),
  }),
  output: z.object({
    report_path: z.string().describe('Path of the JSON report file'),
    summary: z.string().describe('One line verdict, e.g. "spectrum_bars: 58.2 fps (-3.1%), no regression"'),
  }),
  retryCount: 1,
  retryLogic: 'FIXED',
  retryDelaySeconds: 5,
  timeoutSeconds: 60,
  responseTimeoutSeconds: 60,
});
