/**
 * The K1 definitions `npm run gen` compiles: every workflow listed here (sub-workflows and
 * failure workflows included), every task contract they use, the schedules and the event handlers.
 */
import type { AnySchedule, AnyWorkflow } from '../src/index.ts';
import { patternNightlySchedule } from './schedules/pattern-nightly-regression.ts';
import { audioProcessingPipeline } from './workflows/audio-processing-pipeline.ts';
import { deploymentRollbackHandler } from './workflows/deployment-rollback-handler.ts';
import { firmwareBuildFailureHandler } from './workflows/firmware-build-failure-handler.ts';
import { firmwareCiCdPipeline } from './workflows/firmware-ci-cd-pipeline.ts';
import { k1PushEvent } from './workflows/k1-push-event.ts';
import { multiStageDeployment } from './workflows/multi-stage-deployment.ts';
import { patternGenerationTesting } from './workflows/pattern-generation-testing.ts';
import { patternNightlyRegression } from './workflows/pattern-nightly-regression.ts';

export {
  audioProcessingPipeline,
  deploymentRollbackHandler,
  firmwareBuildFailureHandler,
  firmwareCiCdPipeline,
  k1PushEvent,
  multiStageDeployment,
  patternGenerationTesting,
  patternNightlyRegression,
  patternNightlySchedule,
};
export { eventHandlers, k1PushStartsPipeline } from './events.ts';

/** Every K1 workflow, in the order they are documented. */
export const workflows: readonly AnyWorkflow[] = [
  firmwareCiCdPipeline,
  firmwareBuildFailureHandler,
  patternGenerationTesting,
  patternNightlyRegression,
  multiStageDeployment,
  audioProcessingPipeline,
  deploymentRollbackHandler,
  k1PushEvent,
];

/** Every K1 schedule: `gen` writes each to generated/schedules/<name>.json. */
export const schedules: readonly AnySchedule[] = [patternNightlySchedule];
