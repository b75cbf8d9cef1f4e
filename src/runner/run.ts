import { NonRetryableException, type ConductorWorker, type Task } from '@io-orkes/conductor-javascript';
import { compileWorkflow, contractsOf, visit, workflowsOf } from '../compiler/compile-workflow.ts';
import type { TaskDef, WorkflowDef, WorkflowTask } from '../conductor-types.ts';
import { toTaskDef } from '../contract/task-def.ts';
import { readGenerated } from '../gen/read-generated.ts';
import { isWorkflow, type AnyWorkflow } from '../dsl/workflow.ts';
import { nestingProblem } from '../json-depth.ts';
import { DefinitionIndex } from './definition-index.ts';
import { Engine, type TaskExecutor } from './engine.ts';
import { snapshotOf, type Execution } from './execution.ts';
import { Registry } from './registry.ts';
import { checkMocks, MockQueues } from './mocks.ts';
import { startProblem, StartRefused } from './start-checks.ts';
import type { RunEvent, SubWorkflowMocks, TaskMocks, TaskOutcome, TaskRun, WorkerTask, WorkflowStatus } from './types.ts';
import { VirtualClock } from './virtual-clock.ts';
import type { EventExecution } from './event-delivery.ts';
import { isEventHandler, type EventHandler } from '../event/event-handler.ts';
import type { EventHandlerJson } from '../event/handler-json.ts';

/**
 * A task handler for the runner: gets the task, returns its output. Throw to fail the attempt
 * (retried per the TaskDef); throw the SDK's `NonRetryableException` to fail it for good.
 */
export type TaskHandler = (task: WorkerTask) => Record<string, unknown> | void | Promise<Record<string, unknown> | void>;

/** Options of {@link run}. */
export interface RunOptions {
  /** Handlers by task name. */
  readonly handlers?: Readonly<Record<string, TaskHandler>>;
  /** Workers in the SDK's `ConductorWorker` shape: the same objects that poll a real server. */
  readonly workers?: readonly ConductorWorker[];
  /**
   * Mocked results by exact task reference (`ref__2` inside a loop), the real server's
   * `POST /api/workflow/test` shape (`taskRefToMockOutput`): each with an `output`. They serve
   * this workflow's own tasks; see {@link RunOptions.subWorkflowMocks} for its children's.
   * Mocks the server would refuse or ignore are refused (see `checkMocks`).
   */
  readonly mocks?: TaskMocks;
  /** Mocks for the children of SUB_WORKFLOW tasks, by the SUB_WORKFLOW task's reference (the server's `subWorkflowTestRequest`). */
  readonly subWorkflowMocks?: Readonly<Record<string, SubWorkflowMocks>>;
  /**
   * Workflow and task definitions (sub-workflows, failure workflows, retry settings) and the event
   * handlers that get the messages EVENT tasks publish.
   */
  readonly registry?:
    | Registry
    | { readonly workflows?: readonly (WorkflowDef | AnyWorkflow)[]; readonly tasks?: readonly TaskDef[]; readonly eventHandlers?: readonly (EventHandler | EventHandlerJson)[] };
  /** The virtual clock, or the epoch milliseconds it starts at. @default 2026-01-01T00:00:00Z */
  readonly clock?: VirtualClock | number;
  readonly correlationId?: string;
  /**
   * The start request's `taskToDomain`: task name (or `*`) → comma-separated domains, as the server
   * takes it. A worker task mapped to domains goes to the first of them that one of `workers`
   * polls (a worker's `domain`), else waits in the last one (`NO_DOMAIN`: the default queue), as
   * on the server when nobody polls there; `handlers` poll without a domain. Sub-workflows and
   * START_WORKFLOW targets inherit it.
   */
  readonly taskToDomain?: Readonly<Record<string, string>>;
  /** Time limit of one JavaScript evaluation (SWITCH, DO_WHILE, INLINE, LAMBDA), ms: conductor-oss 3.32.3's ScriptEvaluator allows 4 s. @default 4000 */
  readonly scriptTimeoutMs?: number;
  /** Most tasks one workflow may schedule before it is failed as runaway. @default 1_000_000 */
  readonly maxTasks?: number;
}

/** A task's outcome from what a worker's execute() returned. */
export function toOutcome(result: unknown): TaskOutcome {
  const r = (result ?? {}) as Partial<TaskOutcome>;
  return {
    status: r.status ?? 'COMPLETED',
    outputData: r.outputData ?? {},
    ...(r.reasonForIncompletion !== undefined && { reasonForIncompletion: r.reasonForIncompletion }),
    ...(r.callbackAfterSeconds !== undefined && { callbackAfterSeconds: r.callbackAfterSeconds }),
    ...(r.logs !== undefined && { logs: r.logs.map((l) => (typeof l === 'string' ? l : String((l as { log?: string }).log ?? ''))) }),
  };
}

/** A failed outcome from an error a handler threw: terminal for a NonRetryableException. */
export function failureOutcome(error: unknown): TaskOutcome {
  const terminal = error instanceof NonRetryableException || (error as { name?: string })?.name === 'NonRetryableException';
  return { status: terminal ? 'FAILED_WITH_TERMINAL_ERROR' : 'FAILED', outputData: {}, reasonForIncompletion: error instanceof Error ? error.message : String(error) };
}

/** Executors of the workers that poll in a domain: domain → task name → executor. */
function domainExecutors(options: RunOptions): Map<string, Map<string, TaskExecutor>> {
  const map = new Map<string, Map<string, TaskExecutor>>();
  for (const worker of options.workers ?? []) {
    if (worker.domain === undefined || worker.domain === '') continue;
    const byName = map.get(worker.domain) ?? new Map<string, TaskExecutor>();
    byName.set(worker.taskDefName, (task) => worker.execute(task as Task).then(toOutcome, failureOutcome));
    map.set(worker.domain, byName);
  }
  return map;
}

function executors(options: RunOptions): Map<string, TaskExecutor> {
  const map = new Map<string, TaskExecutor>();
  for (const worker of options.workers ?? []) {
    if (worker.domain !== undefined && worker.domain !== '') continue;
    map.set(worker.taskDefName, (task) => worker.execute(task as Task).then(toOutcome, failureOutcome));
  }
  for (const [name, handler] of Object.entries(options.handlers ?? {})) {
    map.set(name, async (task) => {
      try {
        return { status: 'COMPLETED', outputData: (await handler(task)) ?? {} };
      } catch (error) {
        return failureOutcome(error);
      }
    });
  }
  return map;
}

/** How to fix a definition the server will not start. */
const START_FIXES = {
  schema: 'Set schemaVersion: 2.',
  subWorkflow: "Register that workflow (add it to run()'s registry), or give the SUB_WORKFLOW task a subWorkflowParam.version.",
} as const;

/** The definition a SUB_WORKFLOW task starts, when its name (or inline definition) is written out. */
function staticChildOf(task: WorkflowTask, registry: Registry): WorkflowDef | undefined {
  const param = task.subWorkflowParam;
  if (param?.workflowDefinition !== undefined && typeof param.workflowDefinition === 'object') return param.workflowDefinition as WorkflowDef;
  if (param?.name === undefined || param.name.includes('${')) return undefined;
  return registry.workflow(param.name, typeof param.version === 'number' && param.version > 0 ? param.version : undefined);
}

/** Adds a DSL workflow, its failure workflow, its sub-workflows and its contracts' TaskDefs. */
export function addDslWorkflow(registry: Registry, wf: AnyWorkflow, seen = new Set<AnyWorkflow>()): void {
  if (seen.has(wf)) return;
  seen.add(wf);
  registry.addWorkflow(compileWorkflow(wf));
  visit(wf.nodes, (node) => {
    for (const contract of contractsOf(node)) if (registry.task(contract.name) === undefined) registry.addTask(toTaskDef(contract));
    for (const child of workflowsOf(node)) addDslWorkflow(registry, child, seen);
  });
  if (wf.failureWorkflow !== undefined) addDslWorkflow(registry, wf.failureWorkflow, seen);
}

/** The registry `run()` uses: the one given, or one made from plain definitions and DSL workflows (with their sub-workflows and contracts). */
export function toRegistry(given: RunOptions['registry']): Registry {
  if (given instanceof Registry) return given;
  const registry = new Registry([], given?.tasks ?? []);
  for (const wf of given?.workflows ?? []) {
    if (isWorkflow(wf)) addDslWorkflow(registry, wf);
    else registry.addWorkflow(wf);
  }
  for (const handler of given?.eventHandlers ?? []) {
    if (!isEventHandler(handler)) {
      registry.addEventHandler(handler);
      continue;
    }
    registry.addEventHandler(handler.json);
    for (const wf of handler.workflows) addDslWorkflow(registry, wf);
  }
  return registry;
}

/**
 * Reads the definitions `npm run gen` wrote (`generated/workflows/*.json`, `generated/tasks/*.json`,
 * `generated/events/*.json`) into a registry, so tests run exactly what gets registered.
 */
export async function loadGenerated(dir = 'generated'): Promise<Registry> {
  const { workflows, tasks, eventHandlers } = await readGenerated(dir);
  return new Registry(workflows, tasks, eventHandlers);
}

/**
 * A workflow run in the local runner: its state now, and the calls that move it on from outside
 * (completing a HUMAN or WAIT task, terminating).
 */
export class WorkflowRun {
  /** @internal Made by {@link run}. */
  constructor(
    private readonly engine: Engine,
    private readonly execution: Execution,
  ) {}

  /** The workflow id. */
  get workflowId(): string {
    return this.execution.id;
  }
  /** COMPLETED, FAILED, TERMINATED, TIMED_OUT, or RUNNING while it waits on a person, a timer or a worker. */
  get status(): WorkflowStatus {
    return this.execution.status;
  }
  get output(): Record<string, unknown> {
    return this.execution.output;
  }
  get input(): Record<string, unknown> {
    return this.execution.input;
  }
  get variables(): Record<string, unknown> {
    return this.execution.variables;
  }
  get reasonForIncompletion(): string | undefined {
    return this.execution.reasonForIncompletion;
  }
  /** Every task attempt, in the order they were scheduled. */
  get tasks(): readonly TaskRun[] {
    return this.execution.tasks;
  }
  /** What happened, in order, with virtual timestamps. */
  get events(): readonly RunEvent[] {
    return this.execution.events;
  }
  /** The reference names of the tasks, in scheduling order (retries repeat a name). */
  get taskRefs(): string[] {
    return this.execution.tasks.map((t) => t.referenceTaskName);
  }
  /** The latest attempt of the task with this reference name (`ref`, or `ref__2` in a loop). */
  task(ref: string): TaskRun | undefined {
    return this.execution.byRef.get(ref);
  }
  /** Every attempt of the task with this reference name. */
  attempts(ref: string): TaskRun[] {
    return this.execution.tasks.filter((t) => t.referenceTaskName === ref);
  }
  /** The failure workflow this run started, if it failed and names one. */
  get failureWorkflow(): WorkflowRun | undefined {
    const id = this.execution.failureWorkflowId;
    const exec = id === undefined ? undefined : this.engine.executions.get(id);
    return exec === undefined ? undefined : new WorkflowRun(this.engine, exec);
  }
  /** The child run of a SUB_WORKFLOW task: of its latest attempt by reference, or of the attempt given. */
  subWorkflow(task: string | TaskRun): WorkflowRun | undefined {
    const id = (typeof task === 'string' ? this.task(task) : task)?.subWorkflowId;
    const exec = id === undefined ? undefined : this.engine.executions.get(id);
    return exec === undefined ? undefined : new WorkflowRun(this.engine, exec);
  }

  private pending(ref: string): TaskRun {
    const run = this.task(ref);
    if (run === undefined) throw new Error(`no task "${ref}" in workflow ${this.execution.def.name}; the tasks are: ${this.taskRefs.join(', ')}.`);
    if (run.status !== 'IN_PROGRESS' && run.status !== 'SCHEDULED') throw new Error(`task "${ref}" is ${run.status}, not waiting; only a SCHEDULED or IN_PROGRESS task can be completed.`);
    return run;
  }

  /** Completes a waiting task (a HUMAN approval, a manual WAIT) with `output`, then runs on. */
  async completeTask(ref: string, output: Record<string, unknown> = {}): Promise<this> {
    this.engine.update(this.execution, this.pending(ref), 'COMPLETED', output);
    await this.engine.settle();
    return this;
  }

  /** Fails a waiting task (retried per its TaskDef unless `terminal`), then runs on. */
  async failTask(ref: string, reason: string, options: { terminal?: boolean } = {}): Promise<this> {
    this.engine.update(this.execution, this.pending(ref), options.terminal === true ? 'FAILED_WITH_TERMINAL_ERROR' : 'FAILED', {}, reason);
    await this.engine.settle();
    return this;
  }

  /** Terminates the run as a user would through the API: no failure workflow starts. */
  async terminate(reason = 'Terminated through the API.'): Promise<this> {
    this.engine.endWorkflow(this.execution, 'TERMINATED', reason, { byApi: true });
    await this.engine.settle();
    return this;
  }

  /**
   * Lets `ms` of virtual time pass, firing the timeouts due in it (a HUMAN task's, a worker's that
   * never answered, the workflow's), then runs on. Time never passes by itself towards a timeout.
   */
  async advance(ms: number): Promise<this> {
    if (!(this.engine.clock instanceof VirtualClock)) throw new Error('advance() needs the virtual clock; this run uses real time.');
    this.engine.clock.advanceBy(ms);
    await this.engine.settle();
    return this;
  }

  /**
   * What event handlers did with the messages EVENT tasks published, in this run's engine (this
   * run, the runs it started, and the ones started with {@link startWorkflow}): one entry per
   * action run, or one SKIPPED entry when a handler's condition did not hold.
   */
  get eventExecutions(): readonly EventExecution[] {
    return this.engine.eventExecutions;
  }

  /** Another run of the same engine by id: one an event handler started, say (`eventExecutions[i].output.workflowId`). */
  workflowRun(workflowId: string): WorkflowRun | undefined {
    const exec = this.engine.executions.get(workflowId);
    return exec === undefined ? undefined : new WorkflowRun(this.engine, exec);
  }

  /**
   * Starts another workflow on this run's engine (same registry, clock and event handlers), then
   * runs on: how a test has one run publish an event that another run waits for.
   * @throws StartRefused as {@link run} does; Error when `workflow` is a name not in the registry.
   */
  async startWorkflow(workflow: WorkflowDef | string, input: Record<string, unknown> = {}, options: { readonly correlationId?: string } = {}): Promise<WorkflowRun> {
    const def = typeof workflow === 'string' ? this.engine.registryWorkflow(workflow) : workflow;
    if (def === undefined) throw new Error(`workflow "${String(workflow)}" is not in the registry; pass it in options.registry.`);
    const exec = this.engine.start(def, input, { correlationId: options.correlationId });
    await this.engine.settle();
    return new WorkflowRun(this.engine, exec);
  }

  /** A plain copy in the shape the Conductor API returns. */
  toJSON(): Record<string, unknown> {
    return snapshotOf(this.execution);
  }
}

/**
 * Runs a workflow in process, with Conductor's semantics, until it ends or waits on something
 * from outside. `workflow` is generated JSON, a name in the registry, or a DSL workflow.
 * @throws StartRefused when conductor-oss 3.32.3 would refuse to start it (a schemaVersion other
 * than 2; a SUB_WORKFLOW without a version whose workflow is not registered; a definition, input
 * or mocks nested over 1000 levels deep), and Error for
 * mocks the server would refuse or ignore (see `checkMocks`); both messages say how to fix it.
 *
 * @example
 * ```ts
 * const registry = await loadGenerated();
 * const result = await run('firmware-ci-cd-pipeline', { repo: 'K1.node1', ... }, {
 *   registry,
 *   mocks: { platformio_compile: [{ status: 'COMPLETED', output: { success: true, ... } }] },
 * });
 * expect(result.status).toBe('COMPLETED');
 * ```
 */
export async function run(workflow: WorkflowDef | AnyWorkflow | string, input: Record<string, unknown> = {}, options: RunOptions = {}): Promise<WorkflowRun> {
  const registry = toRegistry(options.registry);
  let def: WorkflowDef | undefined;
  if (typeof workflow === 'string') {
    def = registry.workflow(workflow);
    if (def === undefined) throw new Error(`workflow "${workflow}" is not in the registry; pass it in options.registry (loadGenerated() reads generated/).`);
  } else if (isWorkflow(workflow)) {
    addDslWorkflow(registry, workflow);
    def = registry.workflow(workflow.name, workflow.version) as WorkflowDef;
  } else {
    def = workflow;
  }
  const clock = options.clock instanceof VirtualClock ? options.clock : new VirtualClock(options.clock);
  for (const [what, value] of [['definition', def], ['input', input], ['mocks', options.mocks], ['subWorkflowMocks', options.subWorkflowMocks]] as const) {
    const tooDeep = value === def ? DefinitionIndex.of(def).nestingProblem() : nestingProblem(value);
    if (tooDeep !== undefined) throw new StartRefused(`${def.name} cannot start: conductor-oss 3.32.3 refuses its ${what}: ${tooDeep}. Nest it less deeply.`);
  }
  const problem = startProblem(def, registry);
  if (problem !== undefined) throw new StartRefused(`${def.name} cannot start: conductor-oss 3.32.3 refuses it: ${problem.trim()}. ${START_FIXES[problem.startsWith('workflowDef') ? 'schema' : 'subWorkflow']}`);
  checkMocks(def, options.mocks, options.subWorkflowMocks, (task) => staticChildOf(task, registry));
  const engine = new Engine({ registry, executors: executors(options), domainExecutors: domainExecutors(options), clock, scriptTimeoutMs: options.scriptTimeoutMs, maxTasks: options.maxTasks });
  const mocks = new MockQueues(options.mocks, options.subWorkflowMocks);
  const execution = engine.start(def, input, { correlationId: options.correlationId, mocks, taskToDomain: options.taskToDomain });
  await engine.settle();
  return new WorkflowRun(engine, execution);
}
