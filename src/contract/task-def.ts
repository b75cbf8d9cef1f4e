import type { TaskDef } from '../conductor-types.ts';
import type { AnyTaskContract } from './define-task.ts';
import { toJsonSchema } from './json-schema.ts';

/**
 * Compiles a task contract to the Conductor TaskDef JSON: every option explicit, the input and
 * output keys, and both JSON Schemas (as SchemaDefs, not enforced by the server).
 */
export function toTaskDef(contract: AnyTaskContract): TaskDef {
  const o = contract.options;
  return {
    name: contract.name,
    description: contract.description,
    ...(o.ownerEmail !== undefined && { ownerEmail: o.ownerEmail }),
    retryCount: o.retryCount,
    retryLogic: o.retryLogic,
    retryDelaySeconds: o.retryDelaySeconds,
    backoffScaleFactor: o.backoffScaleFactor,
    timeoutSeconds: o.timeoutSeconds,
    responseTimeoutSeconds: o.responseTimeoutSeconds,
    totalTimeoutSeconds: o.totalTimeoutSeconds,
    timeoutPolicy: o.timeoutPolicy,
    pollTimeoutSeconds: o.pollTimeoutSeconds,
    rateLimitPerFrequency: o.rateLimitPerFrequency,
    rateLimitFrequencyInSeconds: o.rateLimitFrequencyInSeconds,
    concurrentExecLimit: o.concurrentExecLimit,
    inputKeys: Object.keys(contract.input.shape),
    outputKeys: Object.keys(contract.output.shape),
    inputSchema: { name: `${contract.name}_input`, version: 1, type: 'JSON', data: toJsonSchema(contract.input) },
    outputSchema: { name: `${contract.name}_output`, version: 1, type: 'JSON', data: toJsonSchema(contract.output) },
    enforceSchema: false,
  };
}
