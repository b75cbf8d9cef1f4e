/**
 * `@k1/workflows/k1`: the K1.node1 workflows, their task contracts (and those bound to the K1
 * services), the worker process's K1 settings and metrics, and the GitHub webhook that starts the
 * firmware pipeline.
 * @packageDocumentation
 */
export * from './index.ts';
export * from './tasks/index.ts';
export { createK1Workers, k1ServicesFromConfig } from './workers/index.ts';
export type { K1Config, K1Services } from './workers/index.ts';
export { k1ConfigSchema } from './workers/index.ts';
export { K1_ENV_VARIABLES, K1_METRICS, k1WorkerSettings, recordDeviceHealth, recordFirmwareBuild } from './workers/index.ts';
export type { DeviceHealthSample, FirmwareBuildStatus, K1Settings } from './workers/index.ts';
export type { ArtifactFilter, ArtifactStore, PutOptions, StoredArtifact } from './services/artifact-store.ts';
export type { AnalysisRequest, AudioFiles, AudioFormat, DecodedPcm, FetchedSample } from './services/audio-files.ts';
export type { BuildLogFacts, MemoryUse } from './services/build-log.ts';
export type { BuildOutputs } from './services/build-outputs.ts';
export type { BuildTree, BuildWorktrees } from './services/build-worktrees.ts';
export { RunNotFoundError } from './services/conductor-runs.ts';
export type { ConductorRuns } from './services/conductor-runs.ts';
export type { DeviceApi } from './services/device-api.ts';
export type { CommitFile, CommitInfo, Git } from './services/git.ts';
export type { Notification, Notifier, NotifyResult } from './services/notify.ts';
export type { PatternResult, PatternService } from './services/pattern.ts';
export { FirmwareMismatchError, UploadError } from './services/platformio.ts';
export type { BuildResult, PlatformIO, UploadResult } from './services/platformio.ts';
export type { WebappBuild, WebappBuilder } from './services/webapp.ts';
export type { WebhookHandler } from '../src/webhook/github-webhook.ts';
export { createGithubWebhookHandler } from './webhook.ts';
export type { K1WebhookOptions, WebhookMode } from './webhook.ts';
