import { z } from 'zod';
import type { RefOf, TaskOutput, TaskRefs } from '../../src/index.ts';
import { workflow } from '../project.ts';
import { platformioCompile } from '../tasks/build-tasks.ts';
import { deployFirmwareOta, deviceHealthCheck } from '../tasks/device-tasks.ts';
import { commitSha, deviceAddress, pioEnvironment } from '../tasks/fields.ts';
import { notify } from '../tasks/notify-task.ts';
import { aggregateArtifacts, buildWebapp } from '../tasks/release-tasks.ts';
import { deploymentRollbackHandler } from './deployment-rollback-handler.ts';
import { MIN_FREE_HEAP_BYTES } from './device-limits.ts';

/** One production device and the firmware environment it runs. */
const productionDevice = z
  .object({
    device_ip: deviceAddress,
    environment: pioEnvironment,
  })
  .describe('A production device');

/** A production device that failed verification after the deploy. */
const failedDevice = z
  .object({
    device_ip: deviceAddress,
    environment: pioEnvironment,
    summary: z.string().describe('Its health summary'),
  })
  .describe('A production device that failed verification');

/** What the release manager answers to the approval request. */
const approvalDecision = z.object({
  approved: z.boolean().describe('True to deploy to production'),
  approver: z.string().min(1).describe('Who decided'),
  comment: z.string().describe('Why'),
});

/** The part of the workflow scope every outcome of a release reports from. */
interface ReleaseScope {
  readonly input: RefOf<{ commit_sha: string; staging_device_ip: string }>;
  readonly aggregate_artifacts: TaskRefs<TaskOutput<typeof aggregateArtifacts>>;
  readonly staging_health_check: TaskRefs<TaskOutput<typeof deviceHealthCheck>>;
  readonly approval_gate: TaskRefs<z.output<typeof approvalDecision>>;
}

/** What every outcome reports (deployed, stopped before production, rolled back): one place. */
function releaseReport(s: ReleaseScope) {
  return {
    release_version: s.input.commit_sha,
    artifacts: s.aggregate_artifacts.output,
    staging: {
      device_ip: s.input.staging_device_ip,
      healthy: s.staging_health_check.output.healthy,
      summary: s.staging_health_check.output.summary,
    },
    approval: {
      approved: s.approval_gate.output.approved,
      approver: s.approval_gate.output.approver,
      comment: s.approval_gate.output.comment,
    },
  };
}

/** What `deployment_plan` computes up front: the input of every deploy and verification task. */
const deploymentPlan = z.object({
  staging_artifact_id: z.string(),
  production_deploys: z.array(deployFirmwareOta.input),
  production_checks: z.array(deviceHealthCheck.input),
});

/** What `verification_summary` makes of the production verification JOIN. */
const verificationSummary = z
  .object({
    all_healthy: z.boolean().describe('True when every production device passed'),
    failed_devices: z.array(failedDevice).describe('The devices that failed'),
    failed_summary: z.string().describe('"<ip>: <summary>; ..." of the failed devices; empty when all passed'),
  })
  .describe('Production verification result');

/**
 * jq: one deploy and one health-check input per production device, and the staging firmware. A
 * device whose environment was not built fails the task (jq error) before anything is flashed.
 */
const DEPLOYMENT_PLAN_QUERY = [
  '.firmware as $fw | .release_version as $version | .min_free_heap_bytes as $heap | {',
  'staging_artifact_id: ($fw[.staging_environment].artifact_id // error("no firmware was built for the staging environment " + .staging_environment)),',
  'production_deploys: [.production_devices[] | {device_ip: .device_ip, environment: .environment, artifact_id: ($fw[.environment].artifact_id // error("no firmware was built for environment " + .environment + " of device " + .device_ip)), build_signature: $version}],',
  'production_checks: [.production_devices[] | {device_ip: .device_ip, expected_build_signature: $version, min_free_heap_bytes: $heap}]',
  '}',
].join(' ');

/**
 * jq: the unhealthy devices among the production checks. `results` is the dynamic fork's list of
 * `{input, output}` (output null for a check that failed for good and left none), matched to the
 * devices by the device address each check was given, never by a forked task's reference name.
 */
const VERIFICATION_SUMMARY_QUERY = [
  '.devices as $devices',
  '| [.results[] | select(.output.healthy != true) | . as $r',
  '| ($devices | map(select(.device_ip == $r.input.device_ip)) | first) as $device',
  '| {device_ip: $r.input.device_ip, environment: $device.environment, summary: ($r.output.summary // "no health report")}] as $failed',
  '| {all_healthy: ($failed | length == 0), failed_devices: $failed, failed_summary: ($failed | map(.device_ip + ": " + .summary) | join("; "))}',
].join(' ');

/** Build a release in parallel, prove it on staging, get it approved, roll it out to production. */
export const multiStageDeployment = workflow(
  {
    name: 'multi-stage-deployment',
    version: 1,
    description:
      'Releases one commit: builds the firmware of every environment (dynamic fork, one platformio_compile per environment) in parallel with the web app; aggregate_artifacts checks every build and stores them all in the artifact store (a failed build stops the run); deployment_plan (jq) shapes the input of every deploy and check up front; the firmware goes to the staging device and is health-checked (unhealthy: the run ends FAILED, the staging device is left as it is for debugging); the approvers are notified and approve through a HUMAN task (output approved, approver, comment; 1 hour; optional). Only approved === true deploys: rejected or no answer ends the run COMPLETED with deployed=false. Production: one deploy_firmware_ota per device in parallel, then one device_health_check per device; devices that fail verification (and only those: healthy devices keep the release) are rolled back one after the other by deployment-rollback-handler (a sub-workflow in a loop, optional so that one failed rollback does not stop the others), then the run ends FAILED naming them. The web app bundle is stored with the release, not deployed. A device that does not answer at all fails its fork and the run (an OTA rollback needs a device that answers).',
    input: z.object({
      repo: z.string().min(1).describe('Repository, e.g. K1.node1'),
      branch: z.string().min(1).describe('Branch of the release commit'),
      commit_sha: commitSha,
      environments: z
        .array(pioEnvironment)
        .min(1)
        .default(['esp32-s3-devkitc-1'])
        .describe('PlatformIO environments to build firmware for, one parallel build each'),
      webapp_dir: z.string().min(1).default('webapp').describe('Directory of the web app in the repository'),
      staging_device_ip: deviceAddress.describe('The staging device'),
      staging_environment: pioEnvironment.default('esp32-s3-devkitc-1').describe('Environment the staging device runs; one of environments'),
      production_devices: z.array(productionDevice).min(1).describe('Production devices, each with the environment it runs (one of environments)'),
      min_free_heap_bytes: z.number().int().nonnegative().default(MIN_FREE_HEAP_BYTES).describe('Free heap below this is unhealthy, on staging and production'),
      notify_webhook_url: z.string().url().describe('Webhook (e.g. Slack) the approvers and the rollback reports go to'),
    }),
    output: z.object({
      release_version: z.string().describe('The released commit'),
      deployed: z.boolean().describe('True when every production device runs the release and passed verification'),
      artifacts: aggregateArtifacts.output.optional().describe('The stored release artifacts'),
      staging: z
        .object({
          device_ip: z.string().describe('The staging device'),
          healthy: z.boolean().describe('Staging device healthy after the deploy'),
          summary: z.string().describe('One line health summary'),
        })
        .optional()
        .describe('Staging result'),
      approval: z
        .object({
          approved: z.boolean().nullable().describe('The decision; null when nobody answered in time'),
          approver: z.string().nullable().describe('Who decided'),
          comment: z.string().nullable().describe('Why'),
        })
        .optional()
        .describe('The approval'),
      production_health: verificationSummary.optional(),
    }),
    variables: z.object({
      rollback_queue: z.array(failedDevice).default([]).describe('Devices still to roll back'),
    }),
    timeoutSeconds: 3 * 3600,
    example: {
      repo: 'K1.node1',
      branch: 'release/1.4',
      commit_sha: 'a3f9c2e17b4d5e6f8091a2b3c4d5e6f708192a3b',
      environments: ['esp32-s3-devkitc-1', 'esp32-c3-devkitm-1'],
      staging_device_ip: '192.168.1.50',
      staging_environment: 'esp32-s3-devkitc-1',
      production_devices: [
        { device_ip: '192.168.1.101', environment: 'esp32-s3-devkitc-1' },
        { device_ip: 'k1-hall.local:8080', environment: 'esp32-c3-devkitm-1' },
      ],
      notify_webhook_url: 'https://hooks.slack.com/services/T000/B000/XXXX',
    },
  },
  (f) =>
    f
      .jq('firmware_build_inputs', {
        input: (s) => ({ repo: s.input.repo, branch: s.input.branch, commit_sha: s.input.commit_sha, environments: s.input.environments }),
        query: '[.environments[] as $env | {repo: .repo, branch: .branch, commit_sha: .commit_sha, environment: $env}]',
        result: z.array(platformioCompile.input),
      })
      .fork('parallel_builds', [
        (b) => b.dynamicFork('firmware_builds', platformioCompile, (s) => s.firmware_build_inputs.output.result),
        (b) =>
          b.task(buildWebapp, (s) => ({
            repo: s.input.repo,
            branch: s.input.branch,
            commit_sha: s.input.commit_sha,
            webapp_dir: s.input.webapp_dir,
          })),
      ])
      .task(aggregateArtifacts, (s) => ({
        release_version: s.input.commit_sha,
        environments: s.input.environments,
        firmware_builds: s.firmware_builds_results.output.result,
        webapp_build: s.build_webapp.output,
      }))
      .jq('deployment_plan', {
        input: (s) => ({
          firmware: s.aggregate_artifacts.output.firmware,
          release_version: s.input.commit_sha,
          staging_environment: s.input.staging_environment,
          production_devices: s.input.production_devices,
          min_free_heap_bytes: s.input.min_free_heap_bytes,
        }),
        query: DEPLOYMENT_PLAN_QUERY,
        result: deploymentPlan,
      })
      .task('deploy_staging', deployFirmwareOta, (s) => ({
        device_ip: s.input.staging_device_ip,
        environment: s.input.staging_environment,
        artifact_id: s.deployment_plan.output.result.staging_artifact_id,
        build_signature: s.input.commit_sha,
      }))
      .task('staging_health_check', deviceHealthCheck, (s) => ({
        device_ip: s.input.staging_device_ip,
        expected_build_signature: s.input.commit_sha,
        min_free_heap_bytes: s.input.min_free_heap_bytes,
      }))
      .switch('staging_health_gate', (s) => s.staging_health_check.output.healthy, {
        false: (b) =>
          b.terminate('FAILED', {
            ref: 'stop_on_unhealthy_staging',
            reason: (s) => `Staging device ${s.input.staging_device_ip} is unhealthy after deploying ${s.input.commit_sha}: ${s.staging_health_check.output.summary}`,
            output: (s) => ({
              release_version: s.input.commit_sha,
              deployed: false,
              artifacts: s.aggregate_artifacts.output,
              staging: {
                device_ip: s.input.staging_device_ip,
                healthy: s.staging_health_check.output.healthy,
                summary: s.staging_health_check.output.summary,
              },
            }),
          }),
      })
      .task(
        'request_approval',
        notify,
        (s) => ({
          webhook_url: s.input.notify_webhook_url,
          severity: 'info',
          title: `Release ${s.input.commit_sha} waits for production approval`,
          message: `Staging device ${s.input.staging_device_ip} is healthy (${s.staging_health_check.output.summary}). Complete task approval_gate of workflow ${s.workflow.workflowId} with approved, approver and comment within 1 hour; no answer means no production deploy.`,
        }),
        { optional: true },
      )
      .human('approval_gate', {
        output: approvalDecision,
        input: (s) => ({
          release_version: s.input.commit_sha,
          staging_device_ip: s.input.staging_device_ip,
          staging_health: s.staging_health_check.output.summary,
          production_devices: s.input.production_devices,
          manifest_path: s.aggregate_artifacts.output.manifest_path,
        }),
        timeoutSeconds: 3600,
        optional: true,
        description: 'Production approval: complete with { approved, approver, comment } within 1 hour; a timeout counts as not approved.',
      })
      .switchScript('approval_decision', {
        input: (s) => ({ approved: s.approval_gate.output.approved }),
        script: ($) => `${$.approved} === true ? 'approved' : 'not_approved'`,
        cases: {
          not_approved: (b) =>
            b.terminate('COMPLETED', {
              ref: 'stop_not_approved',
              reason: (s) =>
                `Release ${s.input.commit_sha} was not deployed to production: approval ${s.approval_gate.status}, approved=${s.approval_gate.output.approved} by ${s.approval_gate.output.approver}: ${s.approval_gate.output.comment}`,
              output: (s) => ({ ...releaseReport(s), deployed: false }),
            }),
        },
      })
      .dynamicFork('production_deploys', deployFirmwareOta, (s) => s.deployment_plan.output.result.production_deploys)
      .dynamicFork('production_verification', deviceHealthCheck, (s) => s.deployment_plan.output.result.production_checks, {
        optional: true,
        description: 'Checks every production device; optional so that a device that does not answer is reported as unhealthy and rolled back instead of failing the join.',
      })
      .jq('verification_summary', {
        input: (s) => ({ results: s.production_verification_results.output.result, devices: s.input.production_devices }),
        query: VERIFICATION_SUMMARY_QUERY,
        result: verificationSummary,
      })
      .switch('production_verification_gate', (s) => s.verification_summary.output.result.all_healthy, {
        false: (b) =>
          b
            .setVariable((s) => ({ rollback_queue: s.verification_summary.output.result.failed_devices }), 'queue_rollbacks')
            .doWhile('rollback_loop', {
              body: (l) =>
                l
                  .subWorkflow(
                    'rollback_device',
                    deploymentRollbackHandler,
                    (s) => ({
                      failed_workflow_id: s.workflow.workflowId,
                      device_ip: s.variables.rollback_queue[0]!.device_ip,
                      environment: s.variables.rollback_queue[0]!.environment,
                      notify_webhook_url: s.input.notify_webhook_url,
                    }),
                    { optional: true, description: 'Rolls back the first queued device; optional so that one failed rollback does not stop the others.' },
                  )
                  .jq('rollback_queue_rest', {
                    input: (s) => ({ queue: s.variables.rollback_queue }),
                    query: '{queue: .queue[1:], remaining: (.queue[1:] | length)}',
                    result: z.object({ queue: z.array(failedDevice), remaining: z.number().int() }),
                  })
                  .setVariable((s) => ({ rollback_queue: s.rollback_queue_rest.output.result.queue }), 'dequeue_rollback'),
              // A count, not `.length` of a list: the script engine may see lists as host objects.
              condition: (c) => `${c.rollback_queue_rest.result.remaining} > 0`,
            })
            .terminate('FAILED', {
              ref: 'stop_on_failed_verification',
              reason: (s) =>
                `Production verification of ${s.input.commit_sha} failed on ${s.verification_summary.output.result.failed_summary}; those devices were rolled back with deployment-rollback-handler.`,
              output: (s) => ({ ...releaseReport(s), deployed: false, production_health: s.verification_summary.output.result }),
            }),
      })
      .output((s) => ({ ...releaseReport(s), deployed: true, production_health: s.verification_summary.output.result })),
);
