/**
 * The rig's scenarios: each starts K1 workflows on the bench's server the way CI, a webhook or a
 * person would, lets the project's workers run them against fake devices and the fake `pio`, and
 * checks what happened, on the server (statuses, outputs) and on the devices (which firmware
 * they run, byte for byte).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { WorkflowExecutor, type Workflow } from '@io-orkes/conductor-javascript';
import type { Bench } from './bench.ts';
import { clickTrackWav } from './click-track.ts';
import type { FakeDevice } from './fake-device.ts';
import { commitToMain, RIG_ENVIRONMENTS } from './firmware-repo.ts';

/** What a scenario saw. */
export interface ScenarioOutcome {
  /** The status of the run the scenario is about. */
  readonly status: string;
  readonly workflowId: string;
  /** Every check that did not hold; empty when all did. */
  readonly problems: readonly string[];
  /** Figures worth printing (e.g. how long a restart took). */
  readonly notes?: readonly string[];
}

/** One rig scenario. */
export interface Scenario {
  /** `--scenario NAME`. */
  readonly name: string;
  /** The workflow the scenario is about. */
  readonly workflow: string;
  /** The status that run must end with. */
  readonly expected: 'COMPLETED' | 'FAILED';
  /** One line: what happens. */
  readonly description: string;
  /** Runs only on a cluster of this many instances or more (`npm run rig -- --cluster N`). */
  readonly needsInstances?: number;
  run(bench: Bench): Promise<ScenarioOutcome>;
}

/** Longest wait for one run, ms: covers a 60 s OTA retry delay on a real server and its ~30 s sweeps. */
const RUN_TIMEOUT_MS = 240_000;
const [ENV] = RIG_ENVIRONMENTS;
const REPO = 'K1.node1';

/** Collects the checks of one scenario. */
class Checks {
  readonly problems: string[] = [];
  that(ok: boolean, problem: string): void {
    if (!ok) this.problems.push(problem);
  }
  outcome(run: Workflow): ScenarioOutcome {
    return { status: run.status ?? 'UNKNOWN', workflowId: run.workflowId ?? '', problems: this.problems };
  }
}

/** Checks `test` every 100 ms (calling `refresh` before each new look) until it holds (true) or `timeoutMs` passes (false). */
async function waitUntil(test: () => boolean, timeoutMs: number, refresh?: () => Promise<void>): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!test()) {
    if (Date.now() >= deadline) return false;
    await new Promise((r) => setTimeout(r, 100));
    await refresh?.();
  }
  return true;
}

const taskOf = (run: Workflow, ref: string) => run.tasks?.find((t) => t.referenceTaskName === ref);
const output = (run: Workflow): Record<string, unknown> => (run.output ?? {}) as Record<string, unknown>;
const shortSha = (sha: string) => sha.slice(0, 12);

/** Checks that a device runs `commit` and that the bytes it took are the stored artifact `artifactId`. */
function runsArtifact(checks: Checks, label: string, device: FakeDevice, commit: string, artifactId: unknown): void {
  checks.that(device.state.build_signature.includes(commit), `${label} runs "${device.state.build_signature}", not ${shortSha(commit)}`);
  checks.that(device.state.firmware_sha256 === artifactId, `${label} took firmware ${device.state.firmware_sha256 ?? 'none'}, not the stored artifact ${String(artifactId)}`);
}

/** The failure workflow the server started for a failed run, checked against what Conductor passes it. */
async function failureHandler(bench: Bench, checks: Checks, failedRun: Workflow): Promise<void> {
  // conductor-oss 3.32.3 stores the run as FAILED first and adds conductor.failure_workflow to its
  // output once it has started the failure workflow, so a poller can see FAILED without the id.
  let failed = failedRun;
  await waitUntil(() => output(failed)['conductor.failure_workflow'] !== undefined, 15_000, async () => {
    failed = await bench.run(failedRun.workflowId ?? '');
  });
  const id = output(failed)['conductor.failure_workflow'];
  checks.that(typeof id === 'string', `the failed run names no failure workflow (output conductor.failure_workflow is ${JSON.stringify(id)})`);
  if (typeof id !== 'string') return;
  const handler = await bench.wait(id, RUN_TIMEOUT_MS);
  checks.that(handler.status === 'COMPLETED', `firmware-build-failure-handler ended ${handler.status}: ${handler.reasonForIncompletion ?? ''}`);
  const input = (handler.input ?? {}) as Record<string, unknown>;
  checks.that(input['workflowId'] === failed.workflowId, `the failure handler's input workflowId is ${JSON.stringify(input['workflowId'])}, not the failed run`);
  checks.that(input['failureStatus'] === 'FAILED', `the failure handler's input failureStatus is ${JSON.stringify(input['failureStatus'])}`);
  checks.that(input['reason'] === failed.reasonForIncompletion, `the failure handler's input reason is ${JSON.stringify(input['reason'])}, not the run's reason`);
  checks.that(input['commit_sha'] === (failed.input as Record<string, unknown>)['commit_sha'], "the failure handler did not get the failed run's input");
  const logs = (handler.output ?? {}) as Record<string, unknown>;
  checks.that(logs['failed_workflow_id'] === failed.workflowId, `the failure handler reported failed_workflow_id ${JSON.stringify(logs['failed_workflow_id'])}`);
}

/** A firmware pipeline run of `commit` to `device`. */
async function pipeline(bench: Bench, commit: string, branch: string, device: FakeDevice): Promise<Workflow> {
  const id = await bench.start('firmware-ci-cd-pipeline', { repo: REPO, branch, commit_sha: commit, device_ip: device.address }, commit);
  return bench.wait(id, RUN_TIMEOUT_MS);
}

/** A release of the 1.4 commit: staging plus one production device per rig environment. */
async function release(bench: Bench, production: readonly FakeDevice[], staging: FakeDevice, decide: Record<string, unknown> | undefined) {
  const { release: commit } = bench.repo.commits;
  const checks = new Checks();
  const id = await bench.start('multi-stage-deployment', {
    repo: REPO,
    branch: 'main',
    commit_sha: commit,
    environments: [...RIG_ENVIRONMENTS],
    staging_device_ip: staging.address,
    staging_environment: ENV,
    production_devices: production.map((d, i) => ({ device_ip: d.address, environment: RIG_ENVIRONMENTS[i % RIG_ENVIRONMENTS.length] })),
    notify_webhook_url: bench.notifyUrl,
  });
  if (decide !== undefined) {
    const waiting = await bench.waitForTask(id, 'approval_gate', RUN_TIMEOUT_MS);
    checks.that(waiting, 'approval_gate never waited for a person');
    if (waiting) await bench.completeTask(id, 'approval_gate', decide);
  }
  const run = await bench.wait(id, RUN_TIMEOUT_MS);
  return { run, checks, commit };
}

/** A spec of the LED pattern scenarios: what `pattern_source` must be (JSON, see docs/workflows/pattern-generation-testing.md). */
const PATTERN_SPEC = JSON.stringify({ effect: 'wave', palette: ['#0033ff', '#00ffcc'], speed: 1.2, audio_reactive: true });

/** A pattern-generation-testing run of pattern `name` on `device`, sampled for the shortest window (5 samples). */
async function patternRun(bench: Bench, name: string, device: FakeDevice): Promise<Workflow> {
  const id = await bench.start('pattern-generation-testing', { pattern_name: name, pattern_source: PATTERN_SPEC, device_ip: device.address, sample_seconds: 5 });
  return bench.wait(id, RUN_TIMEOUT_MS);
}

/** Starts deployment-rollback-handler for `device` by hand and checks it put the released firmware (artifact `goodId`) back. */
async function rollBack(bench: Bench, checks: Checks, device: FakeDevice, input: { failed_workflow_id: string; target_version?: string }, goodId: string | undefined): Promise<ScenarioOutcome> {
  const id = await bench.start('deployment-rollback-handler', { ...input, device_ip: device.address, environment: ENV, notify_webhook_url: bench.notifyUrl });
  const run = await bench.wait(id, RUN_TIMEOUT_MS);
  checks.that(output(run)['rolled_back_to'] === bench.repo.commits.released, `rolled back to ${JSON.stringify(output(run)['rolled_back_to'])}`);
  runsArtifact(checks, 'the device', device, bench.repo.commits.released, goodId);
  return checks.outcome(run);
}

const stored = (run: Workflow, environment: string): unknown =>
  ((output(run)['artifacts'] as { firmware?: Record<string, { artifact_id?: string }> } | undefined)?.firmware ?? {})[environment]?.artifact_id;

/**
 * Problems where the workers did a task twice: a task id executed more than once, or two attempts
 * of one task reference in a run both executed by the workers (an attempt the server timed out
 * while its result was on the way, then retried).
 */
function doneTwice(bench: Bench, runs: readonly Workflow[]): string[] {
  const problems = [...bench.executions].filter(([, n]) => n > 1).map(([id, n]) => `task ${id} was executed ${n} times`);
  for (const run of runs) {
    const executed = new Map<string, number>();
    for (const task of run.tasks ?? []) {
      if ((bench.executions.get(task.taskId ?? '') ?? 0) > 0) executed.set(task.referenceTaskName ?? '', (executed.get(task.referenceTaskName ?? '') ?? 0) + 1);
    }
    for (const [ref, n] of executed) if (n > 1) problems.push(`${ref} of ${run.workflowId} was done ${n} times by the workers`);
  }
  return problems;
}

/** Every scenario, in the order `--all` runs them. */
export const SCENARIOS: readonly Scenario[] = [
  {
    name: 'happy-path',
    workflow: 'firmware-ci-cd-pipeline',
    expected: 'COMPLETED',
    description: 'A push to main is built, gated, stored, flashed over the air and health-checked.',
    async run(bench) {
      const checks = new Checks();
      const device = await bench.device();
      const run = await pipeline(bench, bench.repo.commits.release, 'main', device);
      checks.that(output(run)['deployment_status'] === 'deployed', `deployment_status is ${JSON.stringify(output(run)['deployment_status'])}`);
      runsArtifact(checks, 'the device', device, bench.repo.commits.release, output(run)['artifact_id']);
      return checks.outcome(run);
    },
  },
  {
    name: 'quality-gate-failure',
    workflow: 'firmware-ci-cd-pipeline',
    expected: 'FAILED',
    description: 'A commit that builds with warnings fails the gate; nothing is flashed; the failure workflow starts with the server\'s input.',
    async run(bench) {
      const checks = new Checks();
      const device = await bench.device();
      const run = await pipeline(bench, bench.repo.commits.warnings, 'experiment', device);
      checks.that(taskOf(run, 'stop_on_failed_gate')?.status === 'COMPLETED', 'the run did not stop at the quality gate');
      checks.that(/^Quality gates failed for [0-9a-f]+: /.test(run.reasonForIncompletion ?? ''), `reason: ${run.reasonForIncompletion}`);
      checks.that(device.uploads.length === 0, `the device was flashed ${device.uploads.length} time(s)`);
      await failureHandler(bench, checks, run);
      return checks.outcome(run);
    },
  },
  {
    name: 'build-failure',
    workflow: 'firmware-ci-cd-pipeline',
    expected: 'FAILED',
    description: 'A commit that does not compile fails; the failure handler collects the compiler error.',
    async run(bench) {
      const checks = new Checks();
      const device = await bench.device();
      const run = await pipeline(bench, bench.repo.commits.broken, 'experiment', device);
      checks.that((run.reasonForIncompletion ?? '').includes('build failed'), `reason: ${run.reasonForIncompletion}`);
      checks.that(device.uploads.length === 0, `the device was flashed ${device.uploads.length} time(s)`);
      await failureHandler(bench, checks, run);
      return checks.outcome(run);
    },
  },
  {
    name: 'ota-retry',
    workflow: 'firmware-ci-cd-pipeline',
    expected: 'COMPLETED',
    description:
      'The device refuses the first OTA upload; deploy_firmware_ota is retried 60 s later and flashes the same stored build, although another pipeline built another commit meanwhile.',
    async run(bench) {
      const checks = new Checks();
      const device = await bench.device({ otaFailures: 1 });
      const id = await bench.start('firmware-ci-cd-pipeline', { repo: REPO, branch: 'main', commit_sha: bench.repo.commits.release, device_ip: device.address });
      // During the retry delay, another pipeline builds and deploys the hotfix elsewhere.
      const refused = await waitUntil(() => device.requests.some((r) => r.startsWith('POST /fake/ota')), RUN_TIMEOUT_MS);
      checks.that(refused, 'the first upload never reached the device');
      const other = await pipeline(bench, bench.repo.commits.hotfix, 'main', await bench.device());
      checks.that(other.status === 'COMPLETED', `the pipeline in between ended ${other.status}: ${other.reasonForIncompletion ?? ''}`);
      const run = await bench.wait(id, RUN_TIMEOUT_MS);
      const attempts = run.tasks?.filter((t) => t.referenceTaskName === 'deploy_firmware_ota').map((t) => t.status) ?? [];
      checks.that(attempts.join(',') === 'FAILED,COMPLETED', `deploy_firmware_ota attempts: ${attempts.join(', ') || 'none'}`);
      runsArtifact(checks, 'the device', device, bench.repo.commits.release, output(run)['artifact_id']);
      return checks.outcome(run);
    },
  },
  {
    name: 'two-pipelines-at-once',
    workflow: 'firmware-ci-cd-pipeline',
    expected: 'COMPLETED',
    description: 'Two pushes build and deploy at the same time, to two devices: each device runs its own commit, byte for byte the artifact its run stored.',
    async run(bench) {
      const checks = new Checks();
      const { release: first, hotfix: second } = bench.repo.commits;
      const devices = [await bench.device(), await bench.device()] as const;
      const [a, b] = await Promise.all([pipeline(bench, first, 'main', devices[0]), pipeline(bench, second, 'main', devices[1])]);
      checks.that(b.status === 'COMPLETED', `the second pipeline ended ${b.status}: ${b.reasonForIncompletion ?? ''}`);
      runsArtifact(checks, 'the first device', devices[0], first, output(a)['artifact_id']);
      runsArtifact(checks, 'the second device', devices[1], second, output(b)['artifact_id']);
      return checks.outcome(a);
    },
  },
  {
    name: 'device-unhealthy',
    workflow: 'firmware-ci-cd-pipeline',
    expected: 'FAILED',
    description: 'The device runs short of memory on the new build: the health check fails the run, and the failure handler runs.',
    async run(bench) {
      const checks = new Checks();
      const device = await bench.device({ lowHeapFirmware: [bench.repo.commits.release] });
      const run = await pipeline(bench, bench.repo.commits.release, 'main', device);
      checks.that(taskOf(run, 'stop_on_unhealthy_device')?.status === 'COMPLETED', 'the run did not stop at the device health gate');
      checks.that((run.reasonForIncompletion ?? '').includes('free heap'), `reason: ${run.reasonForIncompletion}`);
      await failureHandler(bench, checks, run);
      return checks.outcome(run);
    },
  },
  {
    name: 'release-approved',
    workflow: 'multi-stage-deployment',
    expected: 'COMPLETED',
    description: 'A release goes to staging, a person approves it, every production device gets it and is verified; none is rolled back.',
    async run(bench) {
      const staging = await bench.device();
      const production = [await bench.device(), await bench.device()];
      const { run, checks, commit } = await release(bench, production, staging, { approved: true, approver: 'maria.k', comment: 'staging soak looked good' });
      const out = output(run);
      checks.that(out['deployed'] === true, `deployed is ${JSON.stringify(out['deployed'])}: ${run.reasonForIncompletion ?? ''}`);
      checks.that(isDeepStrictEqual(out['production_health'], { all_healthy: true, failed_devices: [], failed_summary: '' }), `production_health: ${JSON.stringify(out['production_health'])}`);
      checks.that(taskOf(run, 'rollback_loop') === undefined, 'a rollback ran');
      runsArtifact(checks, 'the staging device', staging, commit, stored(run, ENV));
      production.forEach((device, i) => runsArtifact(checks, `production device ${i + 1}`, device, commit, stored(run, RIG_ENVIRONMENTS[i % RIG_ENVIRONMENTS.length] ?? ENV)));
      return checks.outcome(run);
    },
  },
  {
    name: 'release-rejected',
    workflow: 'multi-stage-deployment',
    expected: 'COMPLETED',
    description: 'A person rejects the release: the run completes with deployed=false and production keeps its firmware.',
    async run(bench) {
      const staging = await bench.device();
      const production = [await bench.device(), await bench.device()];
      const { run, checks } = await release(bench, production, staging, { approved: false, approver: 'maria.k', comment: 'heap too close to the floor' });
      checks.that(output(run)['deployed'] === false, `deployed is ${JSON.stringify(output(run)['deployed'])}`);
      checks.that(isDeepStrictEqual(output(run)['approval'], { approved: false, approver: 'maria.k', comment: 'heap too close to the floor' }), `approval: ${JSON.stringify(output(run)['approval'])}`);
      production.forEach((device, i) => checks.that(device.uploads.length === 0, `production device ${i + 1} was flashed`));
      return checks.outcome(run);
    },
  },
  {
    name: 'rollback-after-failed-deploy',
    workflow: 'deployment-rollback-handler',
    expected: 'COMPLETED',
    description: 'A deploy leaves the device unhealthy; started by hand, the rollback handler puts the last good firmware back.',
    async run(bench) {
      const checks = new Checks();
      const [good] = await bench.seedGoodFirmware(bench.repo.commits.released);
      const device = await bench.device({ lowHeapFirmware: [bench.repo.commits.release] });
      const failed = await pipeline(bench, bench.repo.commits.release, 'main', device);
      checks.that(failed.status === 'FAILED', `the deploy to roll back ended ${failed.status}`);
      return rollBack(bench, checks, device, { failed_workflow_id: failed.workflowId ?? '' }, good?.id);
    },
  },
  {
    name: 'pattern-without-baseline',
    workflow: 'pattern-generation-testing',
    expected: 'COMPLETED',
    description: 'A new LED pattern is generated, built, flashed and measured; with no baseline nothing regresses and its report is stored.',
    async run(bench) {
      const checks = new Checks();
      const device = await bench.device();
      const run = await patternRun(bench, 'aurora_new', device);
      checks.that(output(run)['baseline_found'] === false, `baseline_found is ${JSON.stringify(output(run)['baseline_found'])}`);
      checks.that(output(run)['regression'] === false, `regression is ${JSON.stringify(output(run)['regression'])}`);
      checks.that(device.state.active_pattern === 'aurora_new', `the device shows pattern ${device.state.active_pattern}`);
      checks.that(device.state.build_signature.includes(String(output(run)['commit_sha'])), `the device runs "${device.state.build_signature}", not the pattern build ${String(output(run)['commit_sha'])}`);
      return checks.outcome(run);
    },
  },
  {
    name: 'pattern-with-baseline',
    workflow: 'pattern-generation-testing',
    expected: 'COMPLETED',
    description: 'A pattern tested before is tested again: compared with its stored baseline, it does not regress.',
    async run(bench) {
      const checks = new Checks();
      const device = await bench.device();
      const first = await patternRun(bench, 'aurora_waves', device);
      checks.that(first.status === 'COMPLETED', `the baseline run ended ${first.status}: ${first.reasonForIncompletion ?? ''}`);
      const run = await patternRun(bench, 'aurora_waves', device);
      checks.that(output(run)['baseline_found'] === true, `baseline_found is ${JSON.stringify(output(run)['baseline_found'])}`);
      checks.that(output(run)['regression'] === false, `regression is ${JSON.stringify(output(run)['regression'])}: ${JSON.stringify(output(run)['regressions'])}`);
      return checks.outcome(run);
    },
  },
  {
    name: 'audio',
    workflow: 'audio-processing-pipeline',
    expected: 'COMPLETED',
    description: 'A 120 bpm click track is decoded and analysed in three parallel tasks; the features are stored.',
    async run(bench) {
      const checks = new Checks();
      writeFileSync(join(bench.samplesDir, 'clicks-120.wav'), clickTrackWav(120, 8));
      const id = await bench.start('audio-processing-pipeline', { sample_location: 'clicks-120.wav' });
      const run = await bench.wait(id, RUN_TIMEOUT_MS);
      const tempo = Number(output(run)['tempo_bpm']);
      checks.that(Math.abs(tempo - 120) < 3, `tempo_bpm is ${tempo}, not about 120`);
      checks.that(Number(output(run)['onset_count']) >= 14, `onset_count is ${String(output(run)['onset_count'])} for 16 clicks`);
      return checks.outcome(run);
    },
  },
  {
    name: 'staging-unhealthy',
    workflow: 'multi-stage-deployment',
    expected: 'FAILED',
    description: 'The release leaves the staging device short of memory: the run fails before anyone is asked, and production is not touched.',
    async run(bench) {
      const staging = await bench.device({ lowHeapFirmware: [bench.repo.commits.release] });
      const production = [await bench.device(), await bench.device()];
      const { run, checks } = await release(bench, production, staging, undefined);
      checks.that(taskOf(run, 'stop_on_unhealthy_staging')?.status === 'COMPLETED', 'the run did not stop at the staging health gate');
      checks.that(taskOf(run, 'approval_gate') === undefined, 'a person was asked to approve');
      production.forEach((device, i) => checks.that(device.uploads.length === 0, `production device ${i + 1} was flashed`));
      return checks.outcome(run);
    },
  },
  {
    name: 'release-production-rollback',
    workflow: 'multi-stage-deployment',
    expected: 'FAILED',
    description: 'Approved, the release leaves one production device unhealthy: that device alone is rolled back to the last good firmware, the other keeps the release, and the run fails naming it.',
    async run(bench) {
      const good = await bench.seedGoodFirmware(bench.repo.commits.released);
      const staging = await bench.device();
      const production = [await bench.device(), await bench.device({ lowHeapFirmware: [bench.repo.commits.release] })] as const;
      const { run, checks, commit } = await release(bench, production, staging, { approved: true, approver: 'maria.k', comment: 'go' });
      const failed = (output(run)['production_health'] as { failed_devices?: { device_ip: string }[] } | undefined)?.failed_devices ?? [];
      checks.that(isDeepStrictEqual(failed.map((d) => d.device_ip), [production[1].address]), `failed devices: ${JSON.stringify(failed)}`);
      runsArtifact(checks, 'the healthy production device', production[0], commit, stored(run, RIG_ENVIRONMENTS[0]));
      const rolledBackTo = good.find((a) => a.environment === RIG_ENVIRONMENTS[1]);
      runsArtifact(checks, 'the rolled back production device', production[1], bench.repo.commits.released, rolledBackTo?.id);
      return checks.outcome(run);
    },
  },
  {
    name: 'rollback-to-target-version',
    workflow: 'deployment-rollback-handler',
    expected: 'COMPLETED',
    description: 'A person rolls a device back to a chosen version (target_version) by hand.',
    async run(bench) {
      const checks = new Checks();
      const [good] = await bench.seedGoodFirmware(bench.repo.commits.released);
      await bench.seedGoodFirmware(bench.repo.commits.hotfix);
      const device = await bench.device({ build_signature: `K1.node1 ${bench.repo.commits.release} 2026-01-06T10:00:00Z` });
      return rollBack(bench, checks, device, { failed_workflow_id: 'by-hand', target_version: bench.repo.commits.released }, good?.id);
    },
  },
  {
    name: 'rollback-still-unhealthy',
    workflow: 'deployment-rollback-handler',
    expected: 'FAILED',
    description: 'The device stays unhealthy on the firmware it is rolled back to: the team is told (error) and the run fails naming the device.',
    async run(bench) {
      const checks = new Checks();
      await bench.seedGoodFirmware(bench.repo.commits.released);
      const device = await bench.device({ lowHeapFirmware: [bench.repo.commits.released, bench.repo.commits.release] });
      const id = await bench.start('deployment-rollback-handler', { failed_workflow_id: 'by-hand', device_ip: device.address, environment: ENV, target_version: bench.repo.commits.released, notify_webhook_url: bench.notifyUrl });
      const run = await bench.wait(id, RUN_TIMEOUT_MS);
      checks.that((run.reasonForIncompletion ?? '').startsWith(`Device ${device.address} is still unhealthy after rolling back`), `reason: ${run.reasonForIncompletion}`);
      checks.that(
        bench.notifications.some((n) => JSON.stringify(n).includes(`Rollback of ${device.address} failed`)),
        'nobody was told that the rollback failed',
      );
      return checks.outcome(run);
    },
  },
  {
    name: 'push-delivered-twice',
    workflow: 'firmware-ci-cd-pipeline',
    expected: 'COMPLETED',
    description: 'GitHub delivers a new push twice at the same moment to the webhook: one pipeline runs, and the device gets that commit.',
    async run(bench) {
      const checks = new Checks();
      const device = await bench.device();
      // A commit no scenario built before: the webhook answers the run a commit already has.
      const commit = commitToMain(bench.repo, `K1.node1 1.4.2: pushed at ${new Date().toISOString()}`);
      const answers = await bench.deliverPush(device.address, commit, ['delivery-1', 'delivery-1']);
      const ids = [...new Set(answers.map((a) => String(a['workflowId'])))];
      checks.that(ids.length === 1, `the deliveries answered ${ids.length} different runs: ${ids.join(', ')}`);
      const listed = await bench.runsOfCommit('firmware-ci-cd-pipeline', commit);
      checks.that(listed.length === 1, `the server has ${listed.length} runs for ${shortSha(commit)}`);
      const run = await bench.wait(ids[0] ?? '', RUN_TIMEOUT_MS);
      runsArtifact(checks, 'the device', device, commit, output(run)['artifact_id']);
      return checks.outcome(run);
    },
  },
  {
    name: 'instance-kill',
    workflow: 'firmware-ci-cd-pipeline',
    expected: 'COMPLETED',
    needsInstances: 2,
    description:
      'Two pipelines run across the cluster, one started on each instance; the last instance is SIGKILLed mid-run, between tasks of its workers, and restarted: both complete, each device runs its commit, and no task is done twice.',
    async run(bench) {
      const checks = new Checks();
      const cluster = bench.cluster;
      if (cluster === undefined || cluster.urls.length < 2) throw new Error('instance-kill needs a cluster of 2 or more instances: npm run rig -- --cluster 2 ...');
      const victim = cluster.urls.length - 1;
      const victimWorkers = bench.workers[victim];
      if (victimWorkers === undefined) throw new Error(`instance-kill needs a worker group polling instance ${victim + 1}`);
      const { release: first, hotfix: second } = bench.repo.commits;
      const devices = [await bench.device(), await bench.device()] as const;
      const onVictim = new WorkflowExecutor(await bench.clientOf(cluster.urls[victim] as string));
      const ids = [
        await bench.start('firmware-ci-cd-pipeline', { repo: REPO, branch: 'main', commit_sha: first, device_ip: devices[0].address }, first),
        await onVictim.startWorkflow({ name: 'firmware-ci-cd-pipeline', version: 1, input: { repo: REPO, branch: 'main', commit_sha: second, device_ip: devices[1].address }, correlationId: second }),
      ] as const;
      // Mid-run: both runs have done a task and neither has ended. Between tasks of the victim's
      // workers: a result they hold could not be reported until the instance is back, and the
      // SDK retries a report only at 10 s, 30 s, 60 s..., after a 30 s responseTimeoutSeconds.
      let runs: Workflow[] = [];
      const midRun = await waitUntil(
        () => runs.length === 2 && runs.every((r) => (r.tasks ?? []).some((t) => t.status === 'COMPLETED') && r.status === 'RUNNING') && victimWorkers.status().inFlight === 0,
        RUN_TIMEOUT_MS,
        async () => {
          runs = await Promise.all(ids.map((id) => bench.run(id)));
        },
      );
      checks.that(midRun, `the runs never were both mid-run with the victim's workers idle (statuses ${runs.map((r) => r.status).join(', ')})`);
      await cluster.kill(victim);
      const killed = performance.now();
      await cluster.restart(victim);
      const restartSeconds = (performance.now() - killed) / 1000;
      const [a, b] = await Promise.all(ids.map((id) => bench.wait(id, RUN_TIMEOUT_MS)));
      if (a === undefined || b === undefined) throw new Error('a run vanished');
      checks.that(b.status === 'COMPLETED', `the run started on instance ${victim + 1} ended ${b.status}: ${b.reasonForIncompletion ?? ''}`);
      runsArtifact(checks, 'the first device', devices[0], first, output(a)['artifact_id']);
      runsArtifact(checks, 'the second device', devices[1], second, output(b)['artifact_id']);
      for (const problem of doneTwice(bench, [a, b])) checks.that(false, problem);
      return { ...checks.outcome(a), notes: [`instance ${victim + 1} SIGKILLed and healthy again after ${restartSeconds.toFixed(1)} s`] };
    },
  },
];
