/**
 * The K1 definitions `npm run gen` compiles: every workflow listed here (sub-workflows and
 * failure workflows included) and every task contract they use.
 */
import type { AnyWorkflow } from '../src/index.ts';
import { firmwareBuildFailureHandler } from './workflows/firmware-build-failure-handler.ts';
import { firmwareCiCdPipeline } from './workflows/firmware-ci-cd-pipeline.ts';

export { firmwareBuildFailureHandler, firmwareCiCdPipeline };

/** Every K1 workflow, in the order they are documented. */
export const workflows: readonly AnyWorkflow[] = [firmwareCiCdPipeline, firmwareBuildFailureHandler];
