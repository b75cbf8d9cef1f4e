/**
 * SUB_WORKFLOW and START_WORKFLOW as conductor-oss 3.32.3 runs them (`SubWorkflowTaskMapper`,
 * `SubWorkflow`, `StartWorkflow`).
 */
import type { WorkflowDef, WorkflowTask } from '../conductor-types.ts';
import { storedWorkflowDef } from '../sync/server-defaults.ts';
import { resolveParameters } from './parameters.ts';
import { message, type SystemTask, type SystemTaskContext } from './system-task.ts';

const isMap = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The SUB_WORKFLOW task's input as the server writes it: `subWorkflowName`, `subWorkflowVersion`
 * (the given version; without one, the latest registered, looked up now), `subWorkflowDefinition`
 * (an inline definition, in the server's stored form), `subWorkflowTaskToDomain`, `priority`,
 * `idempotencyKey`, `idempotencyStrategy`, and `workflowInput`: the resolved inputParameters.
 * Undefined with the reason when no definition exists (the server fails the workflow).
 */
function subWorkflowInput(ctx: SystemTaskContext, wt: WorkflowTask, workflowInput: Record<string, unknown>): Record<string, unknown> | string {
  const param = (wt.subWorkflowParam ?? {}) as Record<string, unknown>;
  const resolved = resolveParameters({ name: param['name'], version: param['version'], priority: param['priority'], idempotencyKey: param['idempotencyKey'], idempotencyStrategy: param['idempotencyStrategy'] }, ctx.execution.doc) as Record<string, unknown>;
  let definition: unknown = param['workflowDefinition'];
  if (typeof definition === 'string') definition = resolveParameters(definition, ctx.execution.doc);
  const name = javaName(resolved['name']);
  let version: number | null = null;
  if (definition === undefined || definition === null) {
    const given = resolved['version'];
    if (given !== undefined && given !== null) version = typeof given === 'number' ? Math.trunc(given) : Number.parseInt(String(given), 10);
    else {
      const latest = ctx.registry.workflow(name);
      // conductor-oss 3.32.3's wording, trailing space included (SubWorkflowTaskMapper).
      if (latest === undefined) return `The Task ${name} defined as a sub-workflow has no workflow definition available `;
      version = latest.version ?? 1;
    }
  }
  return {
    subWorkflowName: name,
    priority: resolved['priority'] ?? null,
    subWorkflowVersion: version,
    subWorkflowTaskToDomain: isMap(param['taskToDomain']) ? param['taskToDomain'] : null,
    subWorkflowDefinition: isMap(definition) ? { createTime: 0, updateTime: 0, ...storedWorkflowDef(definition as unknown as WorkflowDef) } : null,
    idempotencyKey: resolved['idempotencyKey'] ?? null,
    idempotencyStrategy: resolved['idempotencyStrategy'] ?? null,
    workflowInput,
  };
}

/**
 * How deeply sub-workflows may nest in the runner: a cycle A → B → A fails the SUB_WORKFLOW task
 * that would start the 101st level, instead of starting children until the memory is gone. (Not
 * probed on conductor-oss 3.32.3: a cycle on a shared server would not stop.) The validator warns
 * of a cycle it can see in the definitions.
 */
export const MAX_SUB_WORKFLOW_DEPTH = 100;

/** The names of the workflows from the root down to `exec`. */
function ancestry(exec: SystemTaskContext['execution']): string[] {
  const names: string[] = [];
  for (let at: typeof exec | undefined = exec; at !== undefined; at = at.parent?.execution) names.unshift(at.def.name);
  return names;
}

/** Java's `toString()` of a name. */
function javaName(value: unknown): string {
  return value === undefined || value === null ? 'null' : String(value);
}

/**
 * SUB_WORKFLOW: starts the child (version 0 or none: the latest) with `workflowInput`, or with
 * the task's whole input when that is empty, as `SubWorkflow.start` does; an inline definition's
 * child gets `_systemMetadata: { dynamic: true }`. Its mocks are the parent's
 * `subWorkflowMocks[<this task's reference>]`. The engine ends the task when the child ends.
 */
export const SUB_WORKFLOW: SystemTask = {
  start(ctx, run) {
    const exec = ctx.execution;
    // A retry keeps the failed attempt's input, which already is the server's bookkeeping.
    const input = run.retryCount > 0 && 'subWorkflowName' in run.inputData ? run.inputData : subWorkflowInput(ctx, run.workflowTask, run.inputData);
    if (typeof input === 'string') {
      exec.unschedule(run);
      return ctx.engine.endWorkflow(exec, 'FAILED', input);
    }
    run.inputData = input;
    exec.publish(run);
    const inline = input['subWorkflowDefinition'] as WorkflowDef | null;
    const name = input['subWorkflowName'] as string;
    const version = input['subWorkflowVersion'] as number | null;
    const def = inline ?? ctx.registry.workflow(name, version === null || version === 0 ? undefined : version);
    if (def === undefined) {
      // conductor-oss 3.32.3 (WorkflowExecutor.startWorkflow) fails the task with this reason.
      return ctx.finish(run, 'FAILED', {}, `No such workflow defined. name=${name}, version=${version === null || version === 0 ? 'null' : version}`);
    }
    const chain = ancestry(exec);
    if (chain.length >= MAX_SUB_WORKFLOW_DEPTH) {
      const shown = [...chain.slice(0, 4), '...', ...chain.slice(-2), def.name].join(' → ');
      return ctx.finish(run, 'FAILED', {}, `Sub-workflow ${def.name} not started: workflows are nested ${chain.length} deep (${shown}), the most the runner starts; a cycle of sub-workflows? Break it, or end the recursion sooner.`);
    }
    const given = input['workflowInput'] as Record<string, unknown>;
    let childInput = Object.keys(given).length > 0 ? given : input;
    if (inline !== null) childInput = { ...childInput, _systemMetadata: { ...(isMap(childInput['_systemMetadata']) ? childInput['_systemMetadata'] : {}), dynamic: true } };
    ctx.engine.startRun(exec, run);
    let child;
    try {
      const taskToDomain = isMap(input['subWorkflowTaskToDomain']) ? (input['subWorkflowTaskToDomain'] as Record<string, string>) : undefined;
      child = ctx.engine.start(def, childInput, { correlationId: exec.correlationId, parent: { execution: exec, task: run }, mocks: exec.mocks?.child(run.referenceTaskName), taskToDomain });
    } catch (e) {
      // SubWorkflow.start: a child the server refuses to start fails the task with its message.
      return ctx.finish(run, 'FAILED', run.outputData, message(e));
    }
    run.subWorkflowId = child.id;
    run.outputData = { subWorkflowId: child.id };
    exec.publish(run);
  },
};

/**
 * START_WORKFLOW: starts `startWorkflow.name` (its version, or the latest) with its input and
 * completes with `{ workflowId }` at once; an unknown name fails the task as the server words it.
 * The new run takes the request's `correlationId` and `taskToDomain`, each defaulting to the
 * starter's (conductor-oss 3.32.3 `StartWorkflow`); it has no parent.
 */
export const START_WORKFLOW: SystemTask = {
  start(ctx, run) {
    // conductor-oss 3.32.3's wording (StartWorkflow.getRequest).
    if (run.inputData['startWorkflow'] === undefined || run.inputData['startWorkflow'] === null) return ctx.finish(run, 'FAILED', {}, "Missing 'startWorkflow' in input data.");
    const request = run.inputData['startWorkflow'] as { name?: string; version?: number; input?: Record<string, unknown>; correlationId?: string; taskToDomain?: Record<string, string> };
    const def = ctx.registry.workflow(request.name ?? '', request.version);
    if (def === undefined) return ctx.finish(run, 'FAILED', {}, `No such workflow defined. name=${request.name ?? null}, version=${request.version ?? null}`);
    try {
      const exec = ctx.execution;
      const taskToDomain = request.taskToDomain === undefined || Object.keys(request.taskToDomain).length === 0 ? exec.taskToDomain : request.taskToDomain;
      const child = ctx.engine.start(def, request.input ?? {}, { correlationId: request.correlationId || exec.correlationId, taskToDomain });
      ctx.finish(run, 'COMPLETED', { workflowId: child.id });
    } catch (e) {
      ctx.finish(run, 'FAILED', {}, message(e));
    }
  },
};
