import type { TaskDef, WorkflowDef, WorkflowTask } from '../conductor-types.ts';
import type { MetadataApi } from '../sync/metadata-api.ts';

/**
 * What a Conductor server adds to the definitions it stores, learned by registering minimal
 * definitions and reading them back (see {@link learnServerDefaults}): a field holding the value
 * it has here is the same as the field left out.
 */
export interface ServerDefaults {
  /** Which server this was learned from, e.g. `conductor-oss 3.32.3`. */
  readonly server: string;
  /** Fields the server sets on every write (times, authors): never part of a definition's content. */
  readonly bookkeeping: readonly string[];
  /** TaskDef fields the server fills in (`POST /api/metadata/taskdefs`). */
  readonly taskDef: Readonly<Record<string, unknown>>;
  /** WorkflowDef fields the server fills in (`POST /api/metadata/workflow`). */
  readonly workflowDef: Readonly<Record<string, unknown>>;
  /** WorkflowTask fields the server fills in, the same for every task type. */
  readonly workflowTask: Readonly<Record<string, unknown>>;
  /** Fields of a workflow task's embedded `taskDefinition` the server fills in. */
  readonly embeddedTaskDef: Readonly<Record<string, unknown>>;
  /** SchemaDef fields (`inputSchema`, `outputSchema`) the server fills in. */
  readonly schemaDef: Readonly<Record<string, unknown>>;
}

/** The task types whose stored form is probed, each in its smallest valid form. */
function probeTasks(task: string, child: string): WorkflowTask[] {
  const simple = (ref: string): WorkflowTask => ({ name: task, taskReferenceName: ref }) as WorkflowTask;
  return [
    simple('p_simple'),
    { name: 'p_switch', taskReferenceName: 'p_switch', type: 'SWITCH', evaluatorType: 'value-param', expression: 'x', inputParameters: { x: 'a' }, decisionCases: { a: [simple('p_case')] } },
    { name: 'p_fork', taskReferenceName: 'p_fork', type: 'FORK_JOIN', forkTasks: [[simple('p_branch')]] },
    { name: 'p_join', taskReferenceName: 'p_join', type: 'JOIN', joinOn: ['p_branch'] },
    { name: 'p_dyn', taskReferenceName: 'p_dyn', type: 'FORK_JOIN_DYNAMIC', dynamicForkTasksParam: 'tasks', dynamicForkTasksInputParamName: 'inputs' },
    { name: 'p_dyn_join', taskReferenceName: 'p_dyn_join', type: 'JOIN' },
    { name: 'p_loop', taskReferenceName: 'p_loop', type: 'DO_WHILE', loopCondition: 'false', loopOver: [simple('p_body')] },
    { name: 'p_sub', taskReferenceName: 'p_sub', type: 'SUB_WORKFLOW', subWorkflowParam: { name: child } },
    { name: 'p_http', taskReferenceName: 'p_http', type: 'HTTP', inputParameters: { http_request: { uri: 'http://127.0.0.1/', method: 'GET' } } },
    { name: 'p_inline', taskReferenceName: 'p_inline', type: 'INLINE', inputParameters: { evaluatorType: 'graaljs', expression: '1' } },
    { name: 'p_wait', taskReferenceName: 'p_wait', type: 'WAIT' },
    { name: 'p_human', taskReferenceName: 'p_human', type: 'HUMAN' },
    { name: 'p_event', taskReferenceName: 'p_event', type: 'EVENT', sink: 'conductor' },
    { name: 'p_embedded', taskReferenceName: 'p_embedded', taskDefinition: { name: 'p_embedded' } } as WorkflowTask,
    { name: 'p_terminate', taskReferenceName: 'p_terminate', type: 'TERMINATE', inputParameters: { terminationStatus: 'COMPLETED' } },
  ];
}

/** Fields of `stored` that `sent` did not have, with their values. */
function added(sent: object, stored: object, ignore: ReadonlySet<string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(stored)) if (!(key in sent) && !ignore.has(key)) out[key] = value;
  return out;
}

/** Fields whose values differ between two reads, or that only one read has. */
function changedKeys(a: object, b: object): string[] {
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  return [...new Set([...Object.keys(left), ...Object.keys(right)])].filter((k) => JSON.stringify(left[k]) !== JSON.stringify(right[k]));
}

function must<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`the server did not return ${what} right after registering it; is it a Conductor server?`);
  return value;
}

const sortKeys = (record: Record<string, unknown>): Record<string, unknown> => Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));

/**
 * Learns a server's {@link ServerDefaults}: registers minimal probe definitions (named
 * `k1_probe_*`, deleted again at the end, even when learning fails), reads them back, and records what the server added. Two
 * registrations a moment apart, and an update, tell the bookkeeping fields (times, authors) from
 * the defaults. Used to write `learned-defaults.ts` and, in the conformance suite, to check it
 * still holds.
 * @throws Error when a probe is refused or a check of the learned facts fails (e.g. task types
 * that get different defaults).
 */
export async function learnServerDefaults(api: MetadataApi, server: string): Promise<ServerDefaults> {
  const suffix = Date.now().toString(36);
  try {
    return await learn(api, server, suffix);
  } finally {
    // conductor-oss 3.32.3 answers 200 to these deletes; a probe never registered answers 404, which is fine here.
    for (const name of [`k1_probe_workflow_${suffix}`, `k1_probe_child_${suffix}`]) await api.deleteWorkflowDef(name, 1).catch(() => undefined);
    for (const name of [`k1_probe_task_${suffix}`, `k1_probe_task2_${suffix}`]) await api.deleteTaskDef(name).catch(() => undefined);
  }
}

async function learn(api: MetadataApi, server: string, suffix: string): Promise<ServerDefaults> {
  const first = `k1_probe_task_${suffix}`;
  const second = `k1_probe_task2_${suffix}`;
  await api.createTaskDefs([{ name: first } as TaskDef]);
  const read1 = must(await api.getTaskDef(first), first);
  await new Promise((resolve) => setTimeout(resolve, 20));
  await api.createTaskDefs([{ name: second, inputSchema: { name: `k1_probe_schema_${suffix}` } } as unknown as TaskDef]);
  const read2 = must(await api.getTaskDef(second), second);
  await api.updateTaskDef({ name: first } as TaskDef);
  const read3 = must(await api.getTaskDef(first), first);
  const { inputSchema, ...read2Plain } = read2 as TaskDef & { inputSchema?: object };
  const taskBookkeeping = new Set([...changedKeys(read1, read2Plain), ...changedKeys(read1, read3)].filter((k) => k !== 'name'));

  const child = `k1_probe_child_${suffix}`;
  const childDef = { name: child, tasks: [{ name: first, taskReferenceName: 'only' }] } as WorkflowDef;
  await api.createWorkflowDef(childDef);
  const childRead = must(await api.getWorkflowDef(child, 1), child);
  await new Promise((resolve) => setTimeout(resolve, 20));
  const probe = `k1_probe_workflow_${suffix}`;
  const tasks = probeTasks(first, child);
  await api.createWorkflowDef({ name: probe, tasks } as WorkflowDef);
  const probeRead = must(await api.getWorkflowDef(probe, 1), probe);
  await api.upsertWorkflowDef(childDef);
  const childUpdated = must(await api.getWorkflowDef(child, 1), child);
  const { tasks: _probeTasks, ...probePlain } = probeRead;
  const { tasks: _childTasks, ...childPlain } = childRead;
  const { tasks: _updatedTasks, ...updatedPlain } = childUpdated;
  const workflowBookkeeping = new Set(
    [...changedKeys({ ...childPlain, name: '' }, { ...probePlain, name: '' }), ...changedKeys(childPlain, updatedPlain)].filter((k) => k !== 'name'),
  );
  const bookkeeping = new Set([...taskBookkeeping, ...workflowBookkeeping]);

  const storedTasks = probeRead.tasks;
  const perTask = tasks.map((sent, i) => added(sent, must(storedTasks[i], `task ${sent.taskReferenceName}`), new Set()));
  const workflowTask = perTask[0] as Record<string, unknown>;
  tasks.forEach((sent, i) => {
    const own = perTask[i] as Record<string, unknown>;
    const differs = Object.keys(workflowTask).filter((k) => k !== 'type' && (k in own ? JSON.stringify(own[k]) !== JSON.stringify(workflowTask[k]) : !(k in sent)));
    differs.push(...Object.keys(own).filter((k) => !(k in workflowTask)));
    if (differs.length > 0) throw new Error(`the server fills different defaults into ${sent.type ?? 'SIMPLE'} tasks (${differs.join(', ')}); teach learnServerDefaults per-type defaults.`);
  });
  const embeddedIndex = tasks.findIndex((t) => t.taskReferenceName === 'p_embedded');
  const embedded = must((storedTasks[embeddedIndex] as WorkflowTask | undefined)?.taskDefinition, 'the embedded taskDefinition');

  return {
    server,
    bookkeeping: [...bookkeeping].sort(),
    taskDef: sortKeys(added({ name: first }, read1, bookkeeping)),
    workflowDef: sortKeys(added({ name: probe, tasks }, probeRead, bookkeeping)),
    workflowTask: sortKeys(workflowTask),
    embeddedTaskDef: sortKeys(added({ name: 'p_embedded' }, embedded, new Set())),
    schemaDef: sortKeys(added({ name: '' }, must(inputSchema, 'the inputSchema'), new Set())),
  };
}
