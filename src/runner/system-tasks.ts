import { loadJq, type Jq } from 'jq-wasm';
import type { WorkflowDef, WorkflowTask } from '../conductor-types.ts';
import type { Engine } from './engine.ts';
import type { Execution } from './execution.ts';
import type { Registry } from './registry.ts';
import type { ScriptSandbox } from './script-sandbox.ts';
import type { TaskRun, TaskRunStatus } from './types.ts';
import type { Clock } from './virtual-clock.ts';
import { parseWaitDuration, parseWaitUntil } from './wait-time.ts';
import { resolveParameters } from './parameters.ts';

/** What a system task implementation gets from the engine. */
export interface SystemTaskContext {
  readonly engine: Engine;
  readonly execution: Execution;
  readonly sandbox: ScriptSandbox;
  readonly registry: Registry;
  readonly clock: Clock;
  /** Finishes the task and moves the workflow on. */
  readonly finish: (run: TaskRun, status: TaskRunStatus, output: Record<string, unknown>, reason?: string) => void;
  /** Waits for real work (an HTTP call) without letting virtual time pass. */
  readonly track: <T>(promise: Promise<T>, then: (value: T) => void, fail: (error: unknown) => void) => void;
}

/** A built-in task type. `mockable: false` for control flow, which always runs for real. */
interface SystemTask {
  readonly mockable?: boolean;
  /** Laid out with its first child tasks when scheduled (forks, switches), as the server's mappers do. */
  readonly expands?: boolean;
  readonly start: (ctx: SystemTaskContext, run: TaskRun) => void;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Conductor compares case values as text: Java's String.valueOf. */
function caseKey(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

function decide(ctx: SystemTaskContext, run: TaskRun, value: unknown): void {
  const wt = run.workflowTask;
  const key = caseKey(value);
  const cases = wt.decisionCases ?? {};
  const list = Object.hasOwn(cases, key) ? (cases[key] as WorkflowTask[]) : (wt.defaultCase ?? []);
  const output = wt.type === 'DECISION' ? { caseOutput: [key] } : { evaluationResult: [key], selectedCase: Object.hasOwn(cases, key) ? key : 'defaultCase' };
  ctx.engine.markDone(ctx.execution, run, 'COMPLETED', output);
  const first = list[0];
  if (first === undefined) ctx.engine.enqueue(() => ctx.engine.next(ctx.execution, wt));
  else ctx.engine.schedule(ctx.execution, first);
}

function evaluateCase(ctx: SystemTaskContext, run: TaskRun): void {
  const wt = run.workflowTask;
  let value: unknown;
  try {
    if (wt.type === 'DECISION') {
      value = wt.caseValueParam !== undefined ? run.inputData[wt.caseValueParam] : ctx.sandbox.evaluate(wt.caseExpression ?? 'null', run.inputData);
    } else if (wt.evaluatorType === 'value-param') {
      value = run.inputData[wt.expression ?? ''];
    } else {
      value = ctx.sandbox.evaluate(wt.expression ?? 'null', run.inputData);
    }
  } catch (e) {
    return ctx.finish(run, 'FAILED_WITH_TERMINAL_ERROR', {}, `${wt.type} expression failed: ${message(e)}`);
  }
  decide(ctx, run, value);
}

function joinRefs(exec: Execution, wt: WorkflowTask, iteration: number): string[] {
  const refs = exec.dynamicJoinOn.get(wt) ?? wt.joinOn ?? [];
  return iteration > 0 && !exec.dynamicJoinOn.has(wt) ? refs.map((r) => `${r}__${iteration}`) : refs;
}

function startJoin(ctx: SystemTaskContext, run: TaskRun): void {
  const exec = ctx.execution;
  run.inputData = { ...run.inputData, joinOn: joinRefs(exec, run.workflowTask, run.iteration) };
  run.status = 'IN_PROGRESS';
  run.startTime = ctx.clock.now();
  exec.publish(run);
  exec.joins.add(run);
  ctx.engine.checkJoins(exec);
}

/** The task right after `wt` in its list: the JOIN of a fork. */
function followingTask(exec: Execution, wt: WorkflowTask): WorkflowTask | undefined {
  const place = exec.index.placement(wt);
  return place?.list[place.index + 1];
}

function dynamicTasks(run: TaskRun): { tasks: WorkflowTask[]; inputs: Record<string, Record<string, unknown>> } | string {
  const wt = run.workflowTask;
  const input = run.inputData;
  if (input['forkTaskName'] !== undefined || input['forkTaskInputs'] !== undefined) {
    const name = String(input['forkTaskName'] ?? '');
    const items = input['forkTaskInputs'];
    if (!Array.isArray(items)) return `forkTaskInputs must be a list, got ${JSON.stringify(items ?? null)}`;
    const optional = wt.optional === true;
    const tasks = items.map((_, i) => ({ name, taskReferenceName: `_${name}_${i}`, type: String(input['forkTaskType'] ?? 'SIMPLE'), optional }));
    // The server adds the item's position to each forked task's input.
    const inputs = Object.fromEntries(
      items.map((item, i) => [`_${name}_${i}`, item !== null && typeof item === 'object' && !Array.isArray(item) ? { ...(item as object), __index: i } : item]),
    ) as Record<string, Record<string, unknown>>;
    return { tasks, inputs };
  }
  const tasks = input[wt.dynamicForkTasksParam ?? wt.dynamicForkJoinTasksParam ?? ''];
  const inputs = input[wt.dynamicForkTasksInputParamName ?? ''] ?? {};
  if (!Array.isArray(tasks)) return `${wt.dynamicForkTasksParam} must be a list of tasks, got ${JSON.stringify(tasks ?? null)}`;
  return { tasks: tasks as WorkflowTask[], inputs: inputs as Record<string, Record<string, unknown>> };
}

let jq: Jq | undefined;
let jqLoading: Promise<Jq> | undefined;

function runJq(ctx: SystemTaskContext, run: TaskRun, instance: Jq): void {
  try {
    const results = instance.json(run.inputData, String(run.inputData['queryExpression'] ?? '.'));
    ctx.finish(run, 'COMPLETED', { result: results[0] ?? null, resultList: results });
  } catch (e) {
    ctx.finish(run, 'FAILED', { error: message(e) }, `jq failed: ${message(e)}`);
  }
}

function subWorkflowDef(ctx: SystemTaskContext, wt: WorkflowTask): WorkflowDef | undefined {
  const param = wt.subWorkflowParam as ({ name?: string; version?: number; workflowDefinition?: WorkflowDef } | undefined);
  if (param?.workflowDefinition !== undefined && typeof param.workflowDefinition === 'object') return param.workflowDefinition;
  // The name (and version) may be expressions, e.g. `${workflow.input.subwf}`.
  const name = resolveParameters(param?.name ?? wt.name, ctx.execution.doc);
  const version = resolveParameters(param?.version, ctx.execution.doc);
  return ctx.registry.workflow(String(name), typeof version === 'number' ? version : version === undefined || version === null ? undefined : Number(version));
}

async function httpCall(request: Record<string, unknown>): Promise<{ ok: boolean; output: Record<string, unknown>; reason?: string }> {
  const uri = String(request['uri'] ?? request['url'] ?? '');
  const method = String(request['method'] ?? 'GET').toUpperCase();
  const headers: Record<string, string> = { ...((request['headers'] as Record<string, string> | undefined) ?? {}) };
  if (request['contentType'] !== undefined) headers['Content-Type'] = String(request['contentType']);
  if (request['accept'] !== undefined) headers['Accept'] = String(request['accept']);
  const body = request['body'];
  const timeoutMs = Number(request['readTimeOut'] ?? 30_000) + Number(request['connectionTimeOut'] ?? 0);
  const response = await fetch(uri, {
    method,
    headers,
    signal: AbortSignal.timeout(timeoutMs),
    ...(body !== undefined && method !== 'GET' && method !== 'HEAD' && { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text === '' ? null : JSON.parse(text);
  } catch {
    // Not JSON: the body stays text, as the server keeps it.
  }
  const responseHeaders: Record<string, string[]> = {};
  response.headers.forEach((value, key) => {
    responseHeaders[key] = [value];
  });
  const output = { response: { statusCode: response.status, reasonPhrase: response.statusText, headers: responseHeaders, body: parsed } };
  return response.ok ? { ok: true, output } : { ok: false, output, reason: `HTTP ${method} ${uri} answered ${response.status} ${response.statusText}` };
}

/** Every task type the engine runs itself; any other type goes to a worker or a mock. */
export const SYSTEM_TASKS: Readonly<Record<string, SystemTask>> = {
  SWITCH: { mockable: false, expands: true, start: evaluateCase },
  DECISION: { mockable: false, expands: true, start: evaluateCase },
  JOIN: { mockable: false, start: startJoin },
  EXCLUSIVE_JOIN: { mockable: false, start: startJoin },
  FORK_JOIN: {
    mockable: false,
    expands: true,
    start(ctx, run) {
      const exec = ctx.execution;
      ctx.engine.markDone(exec, run, 'COMPLETED', {});
      for (const branch of run.workflowTask.forkTasks ?? []) {
        const first = branch[0];
        if (first !== undefined) ctx.engine.schedule(exec, first);
      }
      const join = followingTask(exec, run.workflowTask);
      if (join !== undefined) ctx.engine.schedule(exec, join);
    },
  },
  FORK_JOIN_DYNAMIC: {
    mockable: false,
    expands: true,
    start(ctx, run) {
      const exec = ctx.execution;
      const found = dynamicTasks(run);
      if (typeof found === 'string') return ctx.finish(run, 'FAILED_WITH_TERMINAL_ERROR', {}, `dynamic fork ${run.referenceTaskName}: ${found}`);
      const notMap = found.tasks.find((t) => { const i = found.inputs[t.taskReferenceName]; return i !== undefined && (typeof i !== 'object' || i === null || Array.isArray(i)); });
      if (notMap !== undefined) {
        // The server fails the workflow while mapping, before the fork task exists.
        exec.unschedule(run);
        return ctx.engine.endWorkflow(exec, 'FAILED', `Input to the dynamically forked task "${notMap.taskReferenceName}" must be a JSON object; fix ${run.workflowTask.dynamicForkTasksInputParamName ?? 'forkTaskInputs'}.`);
      }
      ctx.engine.markDone(exec, run, 'COMPLETED', {});
      const join = followingTask(exec, run.workflowTask);
      if (join !== undefined) exec.dynamicJoinOn.set(join, found.tasks.map((t) => t.taskReferenceName));
      for (const task of found.tasks) ctx.engine.schedule(exec, task, undefined, found.inputs[task.taskReferenceName] ?? {});
      if (join !== undefined) ctx.engine.schedule(exec, join);
    },
  },
  DO_WHILE: {
    mockable: false,
    start(ctx, run) {
      const exec = ctx.execution;
      const loop = run.workflowTask;
      exec.loopIteration.set(loop.taskReferenceName, 1);
      run.status = 'IN_PROGRESS';
      run.startTime = ctx.clock.now();
      run.outputData = { iteration: 1 };
      exec.publish(run);
      const first = loop.loopOver?.[0];
      if (first === undefined) ctx.finish(run, 'COMPLETED', { iteration: 0 });
      else ctx.engine.schedule(exec, first);
    },
  },
  TERMINATE: {
    mockable: false,
    start(ctx, run) {
      const exec = ctx.execution;
      const status = String(run.inputData['terminationStatus'] ?? 'COMPLETED');
      const given = run.inputData['workflowOutput'];
      // A map is the output; any other value is wrapped as {output: value}.
      const output = given === undefined || given === null ? {} : typeof given === 'object' && !Array.isArray(given) ? (given as Record<string, unknown>) : { output: given };
      const final = status === 'FAILED' || status === 'TERMINATED' ? status : 'COMPLETED';
      const reason = (run.inputData['terminationReason'] as string | undefined) ?? `Workflow is ${final} by TERMINATE task: ${run.taskId}`;
      ctx.engine.markDone(exec, run, 'COMPLETED', output);
      exec.output = output;
      ctx.engine.endWorkflow(exec, final, reason, final === 'FAILED' ? { failedTask: run } : {});
    },
  },
  SET_VARIABLE: {
    mockable: false,
    start(ctx, run) {
      const exec = ctx.execution;
      exec.variables = { ...exec.variables, ...run.inputData };
      exec.doc['workflow'] = exec.workflowView();
      ctx.finish(run, 'COMPLETED', {});
    },
  },
  INLINE: {
    start(ctx, run) {
      try {
        const result = ctx.sandbox.evaluate(String(run.inputData['expression'] ?? 'null'), run.inputData);
        ctx.finish(run, 'COMPLETED', { result });
      } catch (e) {
        ctx.finish(run, 'FAILED_WITH_TERMINAL_ERROR', { error: message(e) }, message(e));
      }
    },
  },
  LAMBDA: {
    start(ctx, run) {
      try {
        // A LAMBDA script is a function body: it ends with `return`.
        const source = run.inputData['scriptExpression'] ?? run.workflowTask.scriptExpression ?? 'return null;';
        const result = ctx.sandbox.evaluate(`(function () { ${String(source)}\n})()`, run.inputData);
        ctx.finish(run, 'COMPLETED', { result });
      } catch (e) {
        ctx.finish(run, 'FAILED', { error: message(e) }, message(e));
      }
    },
  },
  JSON_JQ_TRANSFORM: {
    start(ctx, run) {
      if (jq !== undefined) return runJq(ctx, run, jq);
      jqLoading ??= loadJq();
      ctx.track(
        jqLoading,
        (instance) => {
          jq = instance;
          runJq(ctx, run, instance);
        },
        (e) => ctx.finish(run, 'FAILED', {}, `jq could not load: ${message(e)}`),
      );
    },
  },
  SUB_WORKFLOW: {
    start(ctx, run) {
      const exec = ctx.execution;
      const def = subWorkflowDef(ctx, run.workflowTask);
      if (def === undefined) {
        const name = run.workflowTask.subWorkflowParam?.name ?? run.workflowTask.name;
        return ctx.finish(run, 'FAILED_WITH_TERMINAL_ERROR', {}, `sub-workflow "${name}" is not registered; register it (or add it to the runner's registry).`);
      }
      ctx.engine.startRun(exec, run);
      const child = ctx.engine.start(def, run.inputData, { correlationId: exec.correlationId, parent: { execution: exec, task: run } });
      run.subWorkflowId = child.id;
      run.outputData = { subWorkflowId: child.id };
      exec.publish(run);
    },
  },
  HTTP: {
    start(ctx, run) {
      ctx.engine.startRun(ctx.execution, run);
      const request = (run.inputData['http_request'] ?? run.inputData) as Record<string, unknown>;
      ctx.track(
        httpCall(request),
        (result) => ctx.finish(run, result.ok ? 'COMPLETED' : 'FAILED', result.output, result.reason),
        (e) => ctx.finish(run, 'FAILED', {}, `HTTP request failed: ${message(e)}`),
      );
    },
  },
  WAIT: {
    start(ctx, run) {
      const exec = ctx.execution;
      ctx.engine.startRun(exec, run);
      const duration = run.inputData['duration'];
      const until = run.inputData['until'];
      let delayMs: number | undefined;
      try {
        if (typeof duration === 'string') delayMs = parseWaitDuration(duration) * 1000;
        else if (typeof until === 'string') delayMs = parseWaitUntil(until) - ctx.clock.now();
      } catch (e) {
        return ctx.finish(run, 'FAILED_WITH_TERMINAL_ERROR', {}, message(e));
      }
      if (delayMs !== undefined) ctx.clock.schedule(delayMs, () => ctx.finish(run, 'COMPLETED', run.outputData));
    },
  },
  HUMAN: {
    start(ctx, run) {
      ctx.engine.startRun(ctx.execution, run);
    },
  },
  EVENT: {
    start(ctx, run) {
      ctx.finish(run, 'COMPLETED', { ...run.inputData, event_produced: String(run.workflowTask.sink ?? '') });
    },
  },
  START_WORKFLOW: {
    start(ctx, run) {
      const request = (run.inputData['startWorkflow'] ?? {}) as { name?: string; version?: number; input?: Record<string, unknown>; correlationId?: string };
      const def = ctx.registry.workflow(request.name ?? '', request.version);
      if (def === undefined) return ctx.finish(run, 'FAILED', {}, `workflow "${request.name}" is not registered`);
      const child = ctx.engine.start(def, request.input ?? {}, { correlationId: request.correlationId });
      ctx.finish(run, 'COMPLETED', { workflowId: child.id });
    },
  },
};
