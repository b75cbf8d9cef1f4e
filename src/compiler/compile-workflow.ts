import type { WorkflowDef, WorkflowTask } from '../conductor-types.ts';
import { objectDefaults, toJsonSchema } from '../contract/json-schema.ts';
import type { AnyTaskContract } from '../contract/define-task.ts';
import { toTaskDef } from '../contract/task-def.ts';
import type { Node, NodeKind } from '../dsl/nodes.ts';
import type { AnyWorkflow } from '../dsl/workflow.ts';

/** Prefixes of the reference names the compiler makes for nodes the user did not name. */
const GENERATED_PREFIX: Record<NodeKind, string> = {
  Task: 'task',
  Fork: 'fork',
  Switch: 'switch',
  DoWhile: 'loop',
  SubWorkflow: 'sub_workflow',
  DynamicFork: 'dynamic_fork',
  Wait: 'wait',
  Human: 'human',
  Terminate: 'terminate',
  Http: 'http',
  Inline: 'inline',
  SetVariable: 'set_variable',
  JsonJq: 'jq',
  Event: 'event',
  Dynamic: 'dynamic',
  StartWorkflow: 'start_workflow',
  Noop: 'noop',
  KafkaPublish: 'kafka_publish',
  DynamicForkWorkflow: 'dynamic_fork',
  ExclusiveJoin: 'exclusive_join',
  Raw: 'raw',
};

/** The input parameter a DYNAMIC task reads its task name from (`dynamicTaskNameParam`). */
export const DYNAMIC_TASK_NAME_PARAM = 'taskToExecute';

/** Gives unnamed nodes deterministic, unique reference names: `<prefix>_<n>` in tree order. */
class RefNamer {
  private readonly taken = new Set<string>();
  private readonly counters = new Map<string, number>();
  private readonly assigned = new Map<Node, string>();

  constructor(nodes: readonly Node[]) {
    visit(nodes, (node) => {
      if (node.ref !== undefined) this.taken.add(node.ref);
    });
    visit(nodes, (node) => {
      if (node.ref === undefined) this.assigned.set(node, this.next(GENERATED_PREFIX[node.kind]));
    });
  }

  private next(prefix: string): string {
    let n = this.counters.get(prefix) ?? 0;
    let name: string;
    do name = `${prefix}_${++n}`;
    while (this.taken.has(name));
    this.counters.set(prefix, n);
    this.taken.add(name);
    return name;
  }

  refOf(node: Node): string {
    return node.ref ?? (this.assigned.get(node) as string);
  }
}

/** Calls `fn` on every node of a tree, depth first, in execution order. */
export function visit(nodes: readonly Node[], fn: (node: Node) => void): void {
  for (const node of nodes) {
    fn(node);
    for (const list of childLists(node)) visit(list, fn);
  }
}

/** The node lists nested in a node: fork branches, switch cases then default, loop body. */
export function childLists(node: Node): readonly (readonly Node[])[] {
  switch (node.kind) {
    case 'Fork':
      return node.branches;
    case 'Switch':
      return [...Object.values(node.cases), node.defaultCase];
    case 'DoWhile':
      return [node.body];
    case 'Raw':
      return [...(node.forkTasks ?? []), ...Object.values(node.decisionCases ?? {}), node.defaultCase ?? [], node.loopOver ?? []];
    default:
      return [];
  }
}

/** The task contracts a node runs (worker tasks, dynamic forks, DYNAMIC candidates): their TaskDefs must be registered. */
export function contractsOf(node: Node): readonly AnyTaskContract[] {
  switch (node.kind) {
    case 'Task':
      return [node.contract];
    case 'DynamicFork':
      return [node.contract];
    case 'Dynamic':
      return node.candidates;
    default:
      return [];
  }
}

/** The workflows a node starts (sub-workflows, START_WORKFLOW targets, dynamic forks of workflows): they must be registered. */
export function workflowsOf(node: Node): readonly AnyWorkflow[] {
  return node.kind === 'SubWorkflow' || node.kind === 'StartWorkflow' || node.kind === 'DynamicForkWorkflow' ? [node.workflow] : [];
}

/** What a node compiler may need of its workflow: its owner (a HUMAN task's inline TaskDef carries it). */
interface WorkflowContext {
  readonly ownerEmail: string | undefined;
}

type Compiler<K extends NodeKind> = (node: Extract<Node, { kind: K }>, ref: string, compile: (nodes: readonly Node[]) => WorkflowTask[], workflow: WorkflowContext) => WorkflowTask[];

function system(type: string, ref: string, inputParameters: unknown, node: Node): WorkflowTask {
  return { name: ref, taskReferenceName: ref, type, inputParameters: inputParameters as Record<string, unknown>, ...common(node) };
}

function common(node: Node): Partial<WorkflowTask> {
  return {
    ...(node.description !== undefined && { description: node.description }),
    ...(node.optional === true && { optional: true }),
  };
}

function lastRef(tasks: readonly WorkflowTask[]): string {
  const last = tasks[tasks.length - 1];
  return last === undefined ? '' : last.taskReferenceName;
}

/**
 * jq of a dynamic fork's `<ref>_results` task. The JOIN's `joinOn` input lists the forked tasks'
 * reference names in item order, whatever the server named them (conductor-oss 3.32.3:
 * `_<task>_<i>` for the first dynamic fork of a run, `_<forkRef>_<task>_<i>` for later ones), so
 * the i-th item's output is looked up through it and no definition depends on those names. A task
 * that left no output (an optional one that failed) gives null.
 */
export const FORK_RESULTS_QUERY = '[range(0; .joinOn | length) as $i | {input: .items[$i], output: .outputs[.joinOn[$i]]}]';

/** A dynamic fork's JOIN and its `<resultsRef>` task, which lists each item with its task's output in item order. */
function forkResults(ref: string, joinRef: string, resultsRef: string): WorkflowTask[] {
  return [
    { name: joinRef, taskReferenceName: joinRef, type: 'JOIN', joinOn: [] },
    {
      name: resultsRef,
      taskReferenceName: resultsRef,
      type: 'JSON_JQ_TRANSFORM',
      description: `Lists each item of ${ref} with its task's output, in item order.`,
      inputParameters: {
        items: `\${${ref}.input.forkTaskInputs}`,
        joinOn: `\${${joinRef}.input.joinOn}`,
        outputs: `\${${joinRef}.output}`,
        queryExpression: FORK_RESULTS_QUERY,
      },
    },
  ];
}

/** One compiler per node kind; a new kind does not compile until it has one. */
const COMPILERS: { [K in NodeKind]: Compiler<K> } = {
  Task: (node, ref) => [
    {
      name: node.contract.name,
      taskReferenceName: ref,
      type: 'SIMPLE',
      inputParameters: node.input as Record<string, unknown>,
      ...common(node),
      ...(node.startDelay !== undefined && node.startDelay > 0 && { startDelay: node.startDelay }),
      ...(node.asyncComplete === true && { asyncComplete: true }),
      ...(node.retryCount !== undefined && { retryCount: node.retryCount }),
      ...(node.taskDefinition !== undefined && { taskDefinition: toTaskDef(node.taskDefinition) }),
    },
  ],
  Fork: (node, ref, compile) => {
    const branches = node.branches.map(compile);
    return [
      { ...system('FORK_JOIN', ref, {}, node), forkTasks: branches },
      { name: node.joinRef, taskReferenceName: node.joinRef, type: 'JOIN', joinOn: branches.map(lastRef) },
    ];
  },
  Switch: (node, ref, compile) => [
    {
      ...system('SWITCH', ref, node.input, node),
      evaluatorType: node.evaluator,
      expression: node.expression,
      decisionCases: Object.fromEntries(Object.entries(node.cases).map(([key, nodes]) => [key, compile(nodes)])),
      defaultCase: compile(node.defaultCase),
    },
  ],
  DoWhile: (node, ref, compile) => [
    {
      ...system('DO_WHILE', ref, { ...(node.input as object), ...(node.keepLastN !== undefined && { keepLastN: node.keepLastN }) }, node),
      ...(node.items !== undefined && { items: node.items }),
      loopCondition: node.condition,
      loopOver: compile(node.body),
    } as WorkflowTask,
  ],
  SubWorkflow: (node, ref) => [
    {
      ...system('SUB_WORKFLOW', ref, node.input, node),
      name: node.workflow.name,
      subWorkflowParam: { name: node.workflow.name, version: node.workflow.version },
    },
  ],
  DynamicFork: (node, ref) => [
    system('FORK_JOIN_DYNAMIC', ref, { forkTaskName: node.contract.name, forkTaskInputs: node.items }, node),
    ...forkResults(ref, node.joinRef, node.resultsRef),
  ],
  DynamicForkWorkflow: (node, ref) => [
    // conductor-oss 3.32.3 casts forkTaskWorkflowVersion to a String (ForkJoinDynamicTaskMapper): a number fails the fork.
    system('FORK_JOIN_DYNAMIC', ref, { forkTaskWorkflow: node.workflow.name, forkTaskWorkflowVersion: String(node.workflow.version), forkTaskInputs: node.items }, node),
    ...forkResults(ref, node.joinRef, node.resultsRef),
  ],
  Dynamic: (node, ref) => [
    { ...system('DYNAMIC', ref, { ...(node.input as object), [DYNAMIC_TASK_NAME_PARAM]: node.taskName }, node), dynamicTaskNameParam: DYNAMIC_TASK_NAME_PARAM },
  ],
  StartWorkflow: (node, ref) => [
    system(
      'START_WORKFLOW',
      ref,
      {
        startWorkflow: {
          name: node.workflow.name,
          version: node.workflow.version,
          input: node.input,
          ...(node.correlationId !== undefined && { correlationId: node.correlationId }),
        },
      },
      node,
    ),
  ],
  Noop: (node, ref) => [system('NOOP', ref, {}, node)],
  ExclusiveJoin: (node, ref) => [{ ...system('EXCLUSIVE_JOIN', ref, {}, node), joinOn: [...node.joinOn] }],
  KafkaPublish: (node, ref) => [system('KAFKA_PUBLISH', ref, { kafka_request: node.request }, node)],
  Wait: (node, ref) => [
    system('WAIT', ref, { ...(node.duration !== undefined && { duration: node.duration }), ...(node.until !== undefined && { until: node.until }) }, node),
  ],
  Human: (node, ref, _compile, workflow) => [
    {
      ...system('HUMAN', ref, node.input, node),
      ...(node.timeoutSeconds !== undefined && {
        taskDefinition: {
          name: ref,
          ...(workflow.ownerEmail !== undefined && { ownerEmail: workflow.ownerEmail }),
          retryCount: 0,
          timeoutSeconds: node.timeoutSeconds,
          responseTimeoutSeconds: node.timeoutSeconds,
          totalTimeoutSeconds: 0,
          // RETRY (with no retries left) marks the task TIMED_OUT and lets `optional` decide;
          // TIME_OUT_WF would time the whole workflow out whatever `optional` says.
          timeoutPolicy: 'RETRY',
        },
      }),
    },
  ],
  Terminate: (node, ref) => [
    system(
      'TERMINATE',
      ref,
      { terminationStatus: node.status, workflowOutput: node.output, ...(node.reason !== undefined && { terminationReason: node.reason }) },
      node,
    ),
  ],
  Http: (node, ref) => [system('HTTP', ref, { http_request: node.request }, node)],
  Inline: (node, ref) => [
    system('INLINE', ref, { ...(node.input as object), evaluatorType: 'javascript', expression: node.script }, node),
  ],
  SetVariable: (node, ref) => [system('SET_VARIABLE', ref, node.input, node)],
  JsonJq: (node, ref) => [system('JSON_JQ_TRANSFORM', ref, { ...(node.input as object), queryExpression: node.query }, node)],
  Event: (node, ref) => [
    { ...system('EVENT', ref, node.input, node), sink: node.sink, ...(node.asyncComplete === true && { asyncComplete: true }) },
  ],
  Raw: (node, ref, compile) => [
    {
      ...(node.task as unknown as WorkflowTask),
      taskReferenceName: ref,
      ...(node.forkTasks !== undefined && { forkTasks: node.forkTasks.map(compile) }),
      ...(node.decisionCases !== undefined && {
        decisionCases: Object.fromEntries(Object.entries(node.decisionCases).map(([key, nodes]) => [key, compile(nodes)])),
      }),
      ...(node.defaultCase !== undefined && { defaultCase: compile(node.defaultCase) }),
      ...(node.loopOver !== undefined && { loopOver: compile(node.loopOver) }),
    },
  ],
};

/** Compiles a node list to Conductor WorkflowTasks, naming unnamed nodes with `namer`. */
function compileNodes(nodes: readonly Node[], namer: RefNamer, workflow: WorkflowContext): WorkflowTask[] {
  const compile = (list: readonly Node[]): WorkflowTask[] => compileNodes(list, namer, workflow);
  return nodes.flatMap((node) => (COMPILERS[node.kind] as Compiler<NodeKind>)(node, namer.refOf(node), compile, workflow));
}

/**
 * Compiles a DSL workflow to the Conductor WorkflowDef JSON the server registers: schemaVersion 2,
 * every setting explicit, zod input defaults as `inputTemplate`, and the input and output schemas
 * as SchemaDefs (`inputSchema`, `outputSchema`) with `enforceSchema: false`, as task definitions
 * carry theirs: conductor-oss 3.32.3 stores and returns them without enforcing them (the
 * validator's data-flow rules read them), and Orkes, which enforces a workflow's schemas when
 * `enforceSchema` is true (its default), leaves the input to the DSL's own checks. The spec's
 * `raw` fields are added as given.
 * @throws TypeError when a `raw` field is one the compiler writes.
 */
export function compileWorkflow(wf: AnyWorkflow): WorkflowDef {
  const def = compileSettings(wf);
  for (const key of Object.keys(wf.raw ?? {})) {
    if (key in def) throw new TypeError(`workflow "${wf.name}": raw field "${key}" is one the DSL writes itself; set it through its own setting instead.`);
  }
  return { ...def, ...wf.raw };
}

function compileSettings(wf: AnyWorkflow): WorkflowDef {
  const inputTemplate = objectDefaults(wf.input);
  const variables = wf.variables === undefined ? {} : objectDefaults(wf.variables);
  return {
    name: wf.name,
    description: wf.description,
    version: wf.version,
    schemaVersion: 2,
    ...(wf.ownerEmail !== undefined && { ownerEmail: wf.ownerEmail }),
    timeoutSeconds: wf.timeoutSeconds,
    timeoutPolicy: wf.timeoutPolicy,
    restartable: wf.restartable,
    ...(wf.failureWorkflow !== undefined && { failureWorkflow: wf.failureWorkflow.name }),
    ...(wf.workflowStatusListenerEnabled !== undefined && { workflowStatusListenerEnabled: wf.workflowStatusListenerEnabled }),
    ...(wf.workflowStatusListenerSink !== undefined && { workflowStatusListenerSink: wf.workflowStatusListenerSink }),
    // The SDK's RateLimitConfig type lacks `policy`, which the server has (and writes back).
    ...(wf.rateLimitConfig !== undefined && { rateLimitConfig: wf.rateLimitConfig as WorkflowDef['rateLimitConfig'] }),
    inputParameters: Object.keys(wf.input.shape),
    ...(Object.keys(inputTemplate).length > 0 && { inputTemplate }),
    ...(Object.keys(variables).length > 0 && { variables }),
    outputParameters: wf.outputParameters as Record<string, unknown>,
    inputSchema: { name: `${wf.name}_input`, version: wf.version, type: 'JSON', data: toJsonSchema(wf.input) },
    outputSchema: { name: `${wf.name}_output`, version: wf.version, type: 'JSON', data: toJsonSchema(wf.output) },
    enforceSchema: false,
    tasks: compileNodes(wf.nodes, new RefNamer(wf.nodes), { ownerEmail: wf.ownerEmail }),
  };
}
