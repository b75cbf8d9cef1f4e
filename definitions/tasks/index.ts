/**
 * The K1 task contracts, one a worker task: what each task takes and gives and its TaskDef
 * settings. The workflows reference them, `createK1Workers` binds each to its K1 service, and
 * another K1 service may bind or start one through them (`@k1/workflows/k1`).
 */
import type { AnyTaskContract } from '../../src/index.ts';
import { storeArtifact } from './artifact-tasks.ts';
import { aggregateFeatures, decodeAndResample, detectBeatTempo, detectOnsets, extractSpectralFeatures, fetchAudioSample } from './audio-tasks.ts';
import { cleanBuildEnv, collectBuildLogs, extractBuildMetrics, platformioCompile, validateBuild, validateCommit } from './build-tasks.ts';
import { deployFirmwareOta, deviceHealthCheck } from './device-tasks.ts';
import { notify } from './notify-task.ts';
import { comparePerformance, generatePattern, generateTestReport, validatePatternOnDevice } from './pattern-tasks.ts';
import { aggregateArtifacts, buildWebapp } from './release-tasks.ts';
import { getLastGoodArtifact } from './rollback-tasks.ts';

export {
  aggregateArtifacts,
  aggregateFeatures,
  buildWebapp,
  cleanBuildEnv,
  collectBuildLogs,
  comparePerformance,
  decodeAndResample,
  deployFirmwareOta,
  detectBeatTempo,
  detectOnsets,
  deviceHealthCheck,
  extractBuildMetrics,
  extractSpectralFeatures,
  fetchAudioSample,
  generatePattern,
  generateTestReport,
  getLastGoodArtifact,
  notify,
  platformioCompile,
  storeArtifact,
  validateBuild,
  validateCommit,
  validatePatternOnDevice,
};

/** Every K1 task contract, in the order of their files: one worker each (`createK1Workers`). */
export const taskContracts: readonly AnyTaskContract[] = [
  storeArtifact,
  fetchAudioSample,
  decodeAndResample,
  extractSpectralFeatures,
  detectBeatTempo,
  detectOnsets,
  aggregateFeatures,
  validateCommit,
  cleanBuildEnv,
  platformioCompile,
  extractBuildMetrics,
  validateBuild,
  collectBuildLogs,
  deployFirmwareOta,
  deviceHealthCheck,
  notify,
  generatePattern,
  validatePatternOnDevice,
  comparePerformance,
  generateTestReport,
  buildWebapp,
  aggregateArtifacts,
  getLastGoodArtifact,
];
