/**
 * `@k1/workflows/k1`: the K1.node1 workflows, their task contracts bound to the K1 services, and
 * the GitHub webhook that starts the firmware pipeline.
 * @packageDocumentation
 */
export * from './index.ts';
export { createK1Workers, k1ServicesFromConfig } from './workers/index.ts';
export type { K1Config, K1Services } from './workers/index.ts';
export { k1ConfigSchema } from './workers/index.ts';
export type { ArtifactFilter, ArtifactStore, PutOptions, StoredArtifact } from '../src/k1/artifact-store.ts';
export type { AnalysisRequest, AudioFiles, AudioFormat, DecodedPcm, FetchedSample } from '../src/k1/audio-files.ts';
export type { BuildLogFacts, MemoryUse } from '../src/k1/build-log.ts';
export type { BuildOutputs } from '../src/k1/build-outputs.ts';
export type { BuildTree, BuildWorktrees } from '../src/k1/build-worktrees.ts';
export { RunNotFoundError } from '../src/k1/conductor-runs.ts';
export type { ConductorRuns } from '../src/k1/conductor-runs.ts';
export type { DeviceApi } from '../src/k1/device-api.ts';
export type { CommitFile, CommitInfo, Git } from '../src/k1/git.ts';
export type { Notification, Notifier, NotifyResult } from '../src/k1/notify.ts';
export type { PatternResult, PatternService } from '../src/k1/pattern.ts';
export { FirmwareMismatchError, UploadError } from '../src/k1/platformio.ts';
export type { BuildResult, PlatformIO, UploadResult } from '../src/k1/platformio.ts';
export type { WebappBuild, WebappBuilder } from '../src/k1/webapp.ts';
export type { WebhookHandler } from '../src/webhook/github-webhook.ts';
export { createGithubWebhookHandler } from './webhook.ts';
export type { K1WebhookOptions } from './webhook.ts';
