/**
 * Part 4's common ground: a workflow run, from the real server's `GET /api/workflow/{id}` or from
 * the runner's `WorkflowRun.toJSON()`, reduced to what both must agree on (status, reason, output,
 * each task's ref, type, status, retry count, input, output and reason, and the children of
 * SUB_WORKFLOW tasks), with ids replaced by names and times left out.
 */

/** The fields of the API's Workflow and Task that part 4 reads. */
export interface ApiWorkflow {
  readonly workflowId: string;
  readonly workflowName?: string;
  readonly workflowType?: string;
  readonly status: string;
  readonly reasonForIncompletion?: string | null;
  readonly output?: Record<string, unknown>;
  readonly variables?: Record<string, unknown>;
  readonly tasks: readonly ApiTask[];
}

/** A task of an {@link ApiWorkflow}. */
export interface ApiTask {
  readonly taskId: string;
  readonly referenceTaskName: string;
  readonly taskType: string;
  readonly status: string;
  readonly retryCount?: number;
  readonly inputData?: Record<string, unknown>;
  readonly outputData?: Record<string, unknown>;
  readonly reasonForIncompletion?: string | null;
  readonly subWorkflowId?: string | null;
  /** Epoch ms the attempt started (0: never). */
  readonly startTime?: number;
}

/** One task as both sides must show it. */
export interface TaskView {
  readonly ref: string;
  readonly type: string;
  readonly status: string;
  readonly retryCount: number;
  readonly input: unknown;
  readonly output: unknown;
  readonly reason: string | null;
}

/** One run as both sides must show it. */
export interface RunView {
  readonly status: string;
  readonly reason: string | null;
  readonly output: unknown;
  readonly variables: unknown;
  readonly tasks: readonly TaskView[];
  /** The child of each SUB_WORKFLOW task (its latest attempt), by the task's reference. */
  readonly children: Readonly<Record<string, RunView>>;
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

/**
 * The view of `workflow`, with `children` the API workflows of its SUB_WORKFLOW tasks by id.
 * Every id becomes a name: `<workflow NAME>`, `<task REF#RETRY>`; an id neither side can name
 * reads `<id>`.
 */
export function viewOf(workflow: ApiWorkflow, children: ReadonlyMap<string, ApiWorkflow>): RunView {
  const names = new Map<string, string>();
  nameIds(workflow, children, names, 'workflow');
  return view(workflow, children, names);
}

function nameIds(workflow: ApiWorkflow, children: ReadonlyMap<string, ApiWorkflow>, names: Map<string, string>, label: string): void {
  names.set(workflow.workflowId, `<${label}>`);
  const of = label === 'workflow' ? '' : ` of ${label}`;
  for (const task of workflow.tasks) {
    const attempt = `${task.referenceTaskName}#${task.retryCount ?? 0}`;
    names.set(task.taskId, `<task ${attempt}${of}>`);
    if (!task.subWorkflowId) continue;
    const child = children.get(task.subWorkflowId);
    if (child !== undefined) nameIds(child, children, names, `child of ${attempt}${of}`);
    else names.set(task.subWorkflowId, `<child of ${attempt}${of}>`);
  }
}

function view(workflow: ApiWorkflow, children: ReadonlyMap<string, ApiWorkflow>, names: ReadonlyMap<string, string>): RunView {
  const latest = new Map<string, ApiTask>();
  for (const task of workflow.tasks) latest.set(task.referenceTaskName, task);
  const childViews: Record<string, RunView> = {};
  for (const [ref, task] of latest) {
    const child = task.subWorkflowId ? children.get(task.subWorkflowId) : undefined;
    if (child !== undefined) childViews[ref] = view(child, children, names);
  }
  return {
    status: workflow.status,
    reason: masked(workflow.reasonForIncompletion ?? null, names) as string | null,
    output: masked(workflow.output ?? {}, names),
    variables: masked(workflow.variables ?? {}, names),
    tasks: workflow.tasks.map((task) => ({
      ref: task.referenceTaskName,
      type: task.taskType,
      status: task.status,
      retryCount: task.retryCount ?? 0,
      input: masked(task.inputData ?? {}, names),
      output: masked(task.outputData ?? {}, names),
      reason: masked(task.reasonForIncompletion ?? null, names) as string | null,
    })),
    children: childViews,
  };
}

/** Keys whose values are times: left out. */
const TIMES: ReadonlySet<string> = new Set(['createTime', 'updateTime']);

/**
 * `value` with every id in its strings (and keys) replaced by its name, and times left out. The
 * `taskToDomain` the test endpoint gives every run (`{"*": <random domain>}`, so no worker takes
 * its tasks) reads `{}`, what a plain start shows.
 */
function masked(value: unknown, names: ReadonlyMap<string, string>): unknown {
  if (typeof value === 'string') return value.replace(UUID, (id) => names.get(id) ?? '<id>');
  if (Array.isArray(value)) return value.map((item) => masked(item, names));
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value).filter(([key]) => !TIMES.has(key));
    return Object.fromEntries(entries.map(([key, item]) => [masked(key, names) as string, key === 'taskToDomain' && isTestDomain(item) ? {} : masked(item, names)]));
  }
  return value;
}

function isTestDomain(value: unknown): boolean {
  return isRecord(value) && Object.keys(value).length === 1 && typeof value['*'] === 'string' && UUID.test(value['*']) && (UUID.lastIndex = 0) === 0;
}

/**
 * The first place where two views differ, as `path: server … ≠ runner …`, or undefined when they
 * agree. Object keys compare as sets (order aside); lists in order.
 */
export function firstDifference(server: unknown, runner: unknown, path = ''): string | undefined {
  if (Object.is(server, runner)) return undefined;
  const describe = (v: unknown): string => {
    const text = JSON.stringify(v) ?? 'undefined';
    return text.length > 70 ? `${text.slice(0, 67)}...` : text;
  };
  const here = path === '' ? '(root)' : path;
  if (Array.isArray(server) && Array.isArray(runner)) {
    for (let i = 0; i < Math.max(server.length, runner.length); i++) {
      const label = labelOf(server[i] ?? runner[i], i);
      if (i >= server.length) return `${path}[${label}]: server has no such entry, runner ${describe(runner[i])}`;
      if (i >= runner.length) return `${path}[${label}]: runner has no such entry, server ${describe(server[i])}`;
      const found = firstDifference(server[i], runner[i], `${path}[${label}]`);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (isRecord(server) && isRecord(runner)) {
    for (const key of new Set([...Object.keys(server), ...Object.keys(runner)])) {
      const sub = path === '' ? key : `${path}.${key}`;
      if (!(key in runner)) return `${sub}: runner lacks it, server ${describe(server[key])}`;
      if (!(key in server)) return `${sub}: server lacks it, runner ${describe(runner[key])}`;
      const found = firstDifference(server[key], runner[key], sub);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (typeof server === 'string' && typeof runner === 'string') {
    let at = 0;
    while (server[at] === runner[at]) at++;
    const from = Math.max(0, at - 20);
    const cut = (text: string): string => JSON.stringify(`${from > 0 ? '…' : ''}${text.slice(from, at + 50)}${text.length > at + 50 ? '…' : ''}`);
    return `${here} (from character ${at}): server ${cut(server)} ≠ runner ${cut(runner)}`;
  }
  return `${here}: server ${describe(server)} ≠ runner ${describe(runner)}`;
}

function labelOf(item: unknown, index: number): string {
  return isRecord(item) && typeof item['ref'] === 'string' ? `${index} ${item['ref']}` : String(index);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
