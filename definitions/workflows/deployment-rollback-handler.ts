import { z } from 'zod';
import type { RefOf, TaskOutput, TaskRefs } from '../../src/index.ts';
import { workflow } from '../project.ts';
import { deployFirmwareOta, deviceHealthCheck } from '../tasks/device-tasks.ts';
import { deviceAddress, pioEnvironment } from '../tasks/fields.ts';
import { notify } from '../tasks/notify-task.ts';
import { getLastGoodArtifact } from '../tasks/rollback-tasks.ts';
import { MIN_FREE_HEAP_BYTES } from './device-limits.ts';

/** The part of the scope the report reads. */
interface RollbackScope {
  readonly input: RefOf<{ failed_workflow_id: string; device_ip: string }>;
  readonly get_last_good_artifact: TaskRefs<TaskOutput<typeof getLastGoodArtifact>>;
  readonly deploy_firmware_ota: TaskRefs<TaskOutput<typeof deployFirmwareOta>>;
  readonly device_health_check: TaskRefs<TaskOutput<typeof deviceHealthCheck>>;
}

/** What the rollback reports, whether the device recovered or not. */
function rollbackReport(s: RollbackScope) {
  return {
    failed_workflow_id: s.input.failed_workflow_id,
    device_ip: s.input.device_ip,
    rolled_back_to: s.get_last_good_artifact.output.version,
    artifact_id: s.get_last_good_artifact.output.artifact_id,
    deployment_status: s.deploy_firmware_ota.output.status,
    health: {
      healthy: s.device_health_check.output.healthy,
      summary: s.device_health_check.output.summary,
      free_heap_bytes: s.device_health_check.output.free_heap_bytes,
    },
  };
}

/** Puts one device back on the last good firmware after a failed deploy. */
export const deploymentRollbackHandler = workflow(
  {
    name: 'deployment-rollback-handler',
    version: 1,
    description:
      'Rolls one device back after a failed deploy: get_last_good_artifact picks the firmware (target_version when given, else the newest stored firmware of the environment whose version differs from the one the failed run deployed), deploy_firmware_ota flashes it (idempotent: a device already on it is not flashed again), device_health_check checks the build signature and a free heap of at least 50 KB. A healthy device ends with a notification (info); a device still unhealthy is notified (error) and the run ends FAILED with a reason naming the device. Notifications are optional tasks: a missing or failing webhook never blocks a rollback. Started by hand (runbook) or as a sub-workflow of multi-stage-deployment.',
    input: z.object({
      failed_workflow_id: z.string().min(1).describe('The run whose deploy failed'),
      device_ip: deviceAddress,
      target_version: z.string().min(1).optional().describe('Version (commit SHA) to roll back to; the last good one when left out'),
      environment: pioEnvironment.default('esp32-s3-devkitc-1'),
      notify_webhook_url: z.string().default('').describe('Webhook (e.g. Slack) told about the rollback'),
    }),
    output: z.object({
      failed_workflow_id: z.string().describe('The run whose deploy was rolled back'),
      device_ip: deviceAddress,
      rolled_back_to: z.string().describe('Version (commit SHA) the device runs now'),
      artifact_id: z.string().describe('Artifact id of the firmware rolled back to'),
      deployment_status: z.enum(['deployed', 'already_deployed']).describe('What the OTA deploy did'),
      health: z
        .object({
          healthy: z.boolean().describe('Device healthy after the rollback'),
          summary: z.string().describe('One line health summary'),
          free_heap_bytes: z.number().describe('Free heap after the rollback'),
        })
        .describe('Device health after the rollback'),
    }),
    timeoutSeconds: 1800,
    example: { failed_workflow_id: '5d1c7a52-8a43-4b0e-9f51-0b6f6f4c2e11', device_ip: '192.168.1.104', environment: 'esp32-s3-devkitc-1', notify_webhook_url: 'https://hooks.slack.com/services/T000/B000/XXXX' },
  },
  (f) =>
    f
      .task(getLastGoodArtifact, (s) => ({
        failed_workflow_id: s.input.failed_workflow_id,
        environment: s.input.environment,
        target_version: s.input.target_version,
      }))
      .task(deployFirmwareOta, (s) => ({
        device_ip: s.input.device_ip,
        environment: s.input.environment,
        artifact_id: s.get_last_good_artifact.output.artifact_id,
        build_signature: s.get_last_good_artifact.output.version,
      }))
      .task(deviceHealthCheck, (s) => ({
        device_ip: s.input.device_ip,
        expected_build_signature: s.get_last_good_artifact.output.version,
        min_free_heap_bytes: MIN_FREE_HEAP_BYTES,
      }))
      .switch('rollback_health_gate', (s) => s.device_health_check.output.healthy, {
        false: (b) =>
          b
            .task(
              'notify_rollback_failed',
              notify,
              (s) => ({
                webhook_url: s.input.notify_webhook_url,
                severity: 'error',
                title: `Rollback of ${s.input.device_ip} failed`,
                message: `Device ${s.input.device_ip} is still unhealthy after rolling back to ${s.get_last_good_artifact.output.version} (failed run ${s.input.failed_workflow_id}): ${s.device_health_check.output.summary}`,
              }),
              { optional: true },
            )
            .terminate('FAILED', {
              ref: 'stop_on_unhealthy_rollback',
              reason: (s) =>
                `Device ${s.input.device_ip} is still unhealthy after rolling back to ${s.get_last_good_artifact.output.version}: ${s.device_health_check.output.summary}`,
              output: rollbackReport,
            }),
      })
      .task(
        notify,
        (s) => ({
          webhook_url: s.input.notify_webhook_url,
          severity: 'info',
          title: `Rolled back ${s.input.device_ip}`,
          message: `Device ${s.input.device_ip} runs ${s.get_last_good_artifact.output.version} again after failed run ${s.input.failed_workflow_id}: ${s.device_health_check.output.summary}`,
        }),
        { optional: true },
      )
      .output(rollbackReport),
);
