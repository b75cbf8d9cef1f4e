import { z } from 'zod';
import { workflow } from '../project.ts';
import { cleanBuildEnv, extractBuildMetrics, platformioCompile, validateBuild, validateCommit } from '../tasks/build-tasks.ts';
import { storeArtifact } from '../tasks/artifact-tasks.ts';
import { deployFirmwareOta, deviceHealthCheck } from '../tasks/device-tasks.ts';
import { buildMetrics, commitSha, deviceAddress, pioEnvironment } from '../tasks/fields.ts';
import { notify } from '../tasks/notify-task.ts';
import { MIN_FREE_HEAP_BYTES } from './device-limits.ts';
import { firmwareBuildFailureHandler } from './firmware-build-failure-handler.ts';


/** Build, gate, store, deploy over the air and health-check one commit of the K1.node1 firmware. */
export const firmwareCiCdPipeline = workflow(
  {
    name: 'firmware-ci-cd-pipeline',
    version: 1,
    description:
      'Builds one commit of the K1.node1 firmware with PlatformIO, applies the quality gates (warnings, flash and RAM thresholds are inputs), stores the binary in the artifact store, deploys exactly that stored artifact over the air (its content address checked before the upload, so a retry 60 s later still flashes this build) and checks the device. A failed gate notifies the team and ends the run FAILED with the reason; so does an unhealthy device after the deploy. Any failure starts firmware-build-failure-handler.',
    input: z.object({
      repo: z.string().min(1).describe('Repository, e.g. K1.node1'),
      branch: z.string().min(1).describe('Branch the commit was pushed to'),
      commit_sha: commitSha,
      environment: pioEnvironment.default('esp32-s3-devkitc-1'),
      device_ip: deviceAddress,
      max_warnings: z.number().int().nonnegative().default(0).describe('Quality gate: most compiler warnings allowed'),
      max_flash_percent: z.number().positive().default(70).describe('Quality gate: flash use must stay below this percentage'),
      max_ram_percent: z.number().positive().default(80).describe('Quality gate: RAM use must stay below this percentage'),
      notify_webhook_url: z.string().default('').describe('Webhook (e.g. Slack) told about failed gates and failures'),
    }),
    output: z.object({
      artifact_id: z.string().describe('Content address of the stored firmware'),
      artifact_url: z.string().describe('Where the stored firmware can be fetched'),
      deployment_status: z.enum(['deployed', 'already_deployed']).describe('What the OTA deploy did'),
      health: z
        .object({
          healthy: z.boolean().describe('Device healthy after the deploy'),
          summary: z.string().describe('One line health summary'),
          free_heap_bytes: z.number().describe('Free heap after the deploy'),
        })
        .describe('Device health after the deploy'),
      metrics: buildMetrics,
      failed_gates: z.array(z.string()).optional().describe('Set when the quality gates failed'),
    }),
    timeoutSeconds: 1800,
    failureWorkflow: firmwareBuildFailureHandler,
    example: { repo: 'K1.node1', branch: 'main', commit_sha: 'a3f9c2e17b4d5e6f8091a2b3c4d5e6f708192a3b', device_ip: '192.168.1.104', notify_webhook_url: 'https://hooks.slack.com/services/T000/B000/XXXX' },
  },
  (f) =>
    f
      .task(validateCommit, (s) => ({ repo: s.input.repo, branch: s.input.branch, commit_sha: s.input.commit_sha }))
      .task(cleanBuildEnv, (s) => ({ environment: s.input.environment }))
      .task(platformioCompile, (s) => ({
        repo: s.input.repo,
        branch: s.input.branch,
        commit_sha: s.input.commit_sha,
        environment: s.input.environment,
      }))
      .task(extractBuildMetrics, (s) => ({ build_log: s.platformio_compile.output.build_log }))
      .task(validateBuild, (s) => ({
        build_success: s.platformio_compile.output.success,
        metrics: s.extract_build_metrics.output,
        max_warnings: s.input.max_warnings,
        max_flash_percent: s.input.max_flash_percent,
        max_ram_percent: s.input.max_ram_percent,
      }))
      .switch('quality_gate', (s) => s.validate_build.output.verdict, {
        fail: (b) =>
          b
            .task(
              'notify_gate_failure',
              notify,
              (s) => ({
                webhook_url: s.input.notify_webhook_url,
                severity: 'error',
                title: `Firmware ${s.input.commit_sha} failed the quality gates`,
                message: s.validate_build.output.reason,
              }),
              { optional: true },
            )
            .terminate('FAILED', {
              ref: 'stop_on_failed_gate',
              reason: (s) => `Quality gates failed for ${s.input.commit_sha}: ${s.validate_build.output.reason}`,
              output: (s) => ({ metrics: s.extract_build_metrics.output, failed_gates: s.validate_build.output.failed_gates }),
            }),
      })
      .task(storeArtifact, (s) => ({
        source_path: s.platformio_compile.output.firmware_bin_path,
        category: 'firmware',
        version: s.input.commit_sha,
        environment: s.input.environment,
      }))
      .task(deployFirmwareOta, (s) => ({
        device_ip: s.input.device_ip,
        environment: s.input.environment,
        artifact_id: s.store_artifact.output.artifact_id,
        build_signature: s.input.commit_sha,
      }))
      .task(deviceHealthCheck, (s) => ({
        device_ip: s.input.device_ip,
        expected_build_signature: s.input.commit_sha,
        min_free_heap_bytes: MIN_FREE_HEAP_BYTES,
      }))
      .switch('device_health_gate', (s) => s.device_health_check.output.healthy, {
        false: (b) =>
          b.terminate('FAILED', {
            ref: 'stop_on_unhealthy_device',
            reason: (s) => `Device ${s.input.device_ip} is unhealthy after deploying ${s.input.commit_sha}: ${s.device_health_check.output.summary}`,
          }),
      })
      .output((s) => ({
        artifact_id: s.store_artifact.output.artifact_id,
        artifact_url: s.store_artifact.output.artifact_url,
        deployment_status: s.deploy_firmware_ota.output.status,
        health: {
          healthy: s.device_health_check.output.healthy,
          summary: s.device_health_check.output.summary,
          free_heap_bytes: s.device_health_check.output.free_heap_bytes,
        },
        metrics: s.extract_build_metrics.output,
      })),
);
