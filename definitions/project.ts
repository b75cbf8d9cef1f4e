/**
 * The K1 project's defaults: every K1 task contract and workflow is defined with the
 * `defineTask` and `workflow` of this module, which give it K1's owner unless it names its own.
 */
import { projectDefaults } from '../src/index.ts';

/** The team that owns the K1 definitions: the `ownerEmail` of every K1 TaskDef and WorkflowDef. */
export const K1_OWNER_EMAIL = 'build-system@k1.reinvented';

const k1 = projectDefaults({ ownerEmail: K1_OWNER_EMAIL });

/** `defineTask` with the K1 defaults: the contract's `ownerEmail` is {@link K1_OWNER_EMAIL} unless it gives one. */
export const defineTask = k1.defineTask;

/** `workflow` with the K1 defaults: the workflow's `ownerEmail` is {@link K1_OWNER_EMAIL} unless it gives one. */
export const workflow = k1.workflow;
