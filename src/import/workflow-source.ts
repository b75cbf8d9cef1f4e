/**
 * One workflow definition (normalised JSON) → the source of its `workflow(...)` call: every task
 * as the DSL method that compiles back to it, or, where no method does, through the escape hatch
 * `.raw()` with the reason recorded.
 */
import { DYNAMIC_TASK_NAME_PARAM, FORK_RESULTS_QUERY } from '../compiler/compile-workflow.ts';
import { LEARNED_DEFAULTS } from '../conductor/learned-defaults.ts';
import { TASK_DEFAULTS, WORKFLOW_DEFAULTS } from '../contract/task-options.ts';
import { normalizeWorkflowTask } from '../sync/server-defaults.ts';
import type { WorkflowTask } from '../conductor-types.ts';
import { isJsonObject, type ContractInfo, type ImportNotes, type Json, type WorkflowInfo } from './model.ts';
import { layout, ValueRenderer, type RenderNotes } from './references.ts';
import { EMPTY, eventOutput, HTTP_REQUEST, KAFKA_REQUEST, RECORD, Scope, SYSTEM_OUTPUTS, taskRefs, UNKNOWN } from './scope.ts';
import { CONDUCTOR_SINK } from '../validate/task-type-rules.ts';
import { jsonLiteral, objectSchemaSource, propertyName, stringLiteral, type SchemaJson } from './zod-source.ts';

/** What the workflow's source refers to outside itself. */
export interface WorkflowContext {
  /** Contracts by task name. */
  readonly contracts: ReadonlyMap<string, ContractInfo>;
  /** Imported workflows by `name@version`, and by name for the highest version. */
  readonly workflows: ReadonlyMap<string, WorkflowInfo>;
}

/** The source of one workflow and what it needs imported. */
export interface WorkflowSource {
  /** The `workflow({...}, (f) => ...)` call. */
  readonly code: string;
  readonly contracts: ReadonlySet<string>;
  readonly workflows: ReadonlySet<string>;
  /** Whether the code calls `untypedRef`, so the file imports it. */
  readonly usesUntypedRef: boolean;
  /** What it kept verbatim or could not express. */
  readonly notes: ImportNotes;
}

/** Nested task lists a WorkflowTask may hold. */
const NESTED = ['forkTasks', 'decisionCases', 'defaultCase', 'loopOver'] as const;

interface Added {
  readonly code: string;
  readonly adds: Map<string, SchemaJson>;
  /** How many JSON tasks it consumed (a fork with its JOIN: 2). */
  readonly consumed: number;
}

interface FlowCode {
  /** The chain after the flow variable: `.task(...)\n.fork(...)`. */
  readonly chain: string;
  readonly adds: Map<string, SchemaJson>;
  readonly lastRef: string | undefined;
}

const tasksOf = (value: unknown): Json[] => (Array.isArray(value) ? value.filter(isJsonObject) : []);
const sameJson = (a: unknown, b: unknown): boolean => JSON.stringify(sorted(a)) === JSON.stringify(sorted(b));

function sorted(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sorted);
  if (!isJsonObject(value)) return value;
  return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sorted(value[k])]));
}

/** Keys of `task` outside `allowed` (a method cannot set them). */
function extraKeys(task: Json, allowed: readonly string[]): string[] {
  return Object.keys(task).filter((k) => !allowed.includes(k) && k !== 'name' && k !== 'taskReferenceName' && k !== 'type');
}

function schemaKeys(schema: SchemaJson): { keys: string[]; required: string[]; open: boolean } {
  const properties = isJsonObject(schema.properties) ? Object.keys(schema.properties) : [];
  return {
    keys: properties,
    required: Array.isArray(schema.required) ? (schema.required as string[]) : [],
    open: schema.additionalProperties === true || isJsonObject(schema.additionalProperties),
  };
}

/** Why `input` cannot be bound to an object of `schema` (a field it lacks, a required one missing), or undefined. */
function bindingProblem(input: Json, schema: SchemaJson, what: string): string | undefined {
  const { keys, required, open } = schemaKeys(schema);
  const unknown = open ? [] : Object.keys(input).filter((k) => !keys.includes(k));
  if (unknown.length > 0) return `${unknown.map((k) => `"${k}"`).join(', ')} not in ${what}`;
  const missing = required.filter((k) => !(k in input));
  return missing.length > 0 ? `${what} requires ${missing.map((k) => `"${k}"`).join(', ')}` : undefined;
}

/** `key: value` of each of `keys` the task sets. */
function optionEntries(task: Json, keys: readonly string[]): string[] {
  return keys.filter((k) => task[k] !== undefined).map((k) => `${k}: ${jsonLiteral(task[k])}`);
}

/** The options argument of a method (`, { optional: true }`), or nothing. */
function options(task: Json, keys: readonly string[]): string {
  const entries = optionEntries(task, keys);
  return entries.length === 0 ? '' : `, { ${entries.join(', ')} }`;
}

/** `(s) => body`, or `() => body` when the body reads nothing; an object literal in parentheses. */
function fn(body: string): string {
  return `${/\bs[.[]/.test(body) ? '(s)' : '()'} => ${body.startsWith('{') ? `(${body})` : body}`;
}

class Importer {
  readonly notes: ImportNotes = { verbatim: [], verbatimFields: [], lost: [] };
  readonly render: RenderNotes = { usesUntypedRef: false };
  readonly contracts = new Set<string>();
  readonly workflows = new Set<string>();
  /** The references the flow being written has added so far (what exclusiveJoin() may name). */
  private local: ReadonlyMap<string, SchemaJson> = new Map();

  constructor(
    private readonly context: WorkflowContext,
    private readonly outputShape: SchemaJson,
    private readonly variablesShape: SchemaJson,
    /** The workflow's owner, which the inline TaskDef of a `human()` timeout carries. */
    private readonly ownerEmail: string | undefined,
  ) {}

  flow(tasks: readonly Json[], path: string, scope: Scope): FlowCode {
    const outer = this.local;
    try {
      return this.flowSteps(tasks, path, scope);
    } finally {
      this.local = outer;
    }
  }

  private flowSteps(tasks: readonly Json[], path: string, scope: Scope): FlowCode {
    let chain = '';
    let current = scope;
    const adds = new Map<string, SchemaJson>();
    this.local = adds;
    let lastRef: string | undefined;
    for (let i = 0; i < tasks.length; ) {
      const task = tasks[i] as Json;
      const step = this.step(task, tasks.slice(i + 1), `${path}[${i}]`, current);
      chain += `\n${step.code}`;
      for (const [k, v] of step.adds) adds.set(k, v);
      current = current.with(step.adds);
      i += step.consumed;
      lastRef = String((tasks[i - 1] as Json).taskReferenceName);
    }
    return { chain, adds, lastRef };
  }

  private branch(tasks: readonly Json[], path: string, scope: Scope): { code: string; flow: FlowCode } {
    const flow = this.flow(tasks, path, scope);
    return { code: flow.chain === '' ? '(b) => b' : `(b) =>\nb${flow.chain}`, flow };
  }

  private step(task: Json, next: readonly Json[], path: string, scope: Scope): Added {
    const type = typeof task.type === 'string' ? task.type : 'SIMPLE';
    const attempt = this.express(type, task, next, path, scope);
    if (typeof attempt !== 'string') return attempt;
    return this.raw(task, type, path, scope, attempt);
  }

  /** The DSL method for a task, or why there is none. */
  private express(type: string, task: Json, next: readonly Json[], path: string, scope: Scope): Added | string {
    const ref = String(task.taskReferenceName);
    const values = new ValueRenderer(scope, this.render);
    const input = isJsonObject(task.inputParameters) ? task.inputParameters : {};
    const selfNamed = task.name === ref;
    const one = (code: string, shape?: SchemaJson): Added => ({ code, adds: new Map(shape === undefined ? [] : [[ref, taskRefs(shape)]]), consumed: 1 });
    const systemOnly = (allowed: readonly string[]): string | undefined => {
      if (!selfNamed) return `its name "${String(task.name)}" differs from its reference name (the DSL names system tasks after their reference)`;
      const extra = extraKeys(task, allowed);
      return extra.length > 0 ? `the DSL method for ${type} has no ${extra.join(', ')}` : undefined;
    };
    switch (type) {
      case 'SIMPLE': {
        const contract = this.context.contracts.get(String(task.name));
        if (contract === undefined) return `no contract for task "${String(task.name)}"`;
        const extra = extraKeys(task, ['inputParameters', 'optional', 'startDelay', 'asyncComplete', 'retryCount', 'description', 'taskDefinition']);
        if (extra.length > 0) return `a worker task node has no ${extra.join(', ')}`;
        const problem = bindingProblem(input, contract.input, `the contract's input`);
        if (problem !== undefined) return problem;
        const overrides = task.taskDefinition === undefined ? undefined : taskDefOverrides(task.taskDefinition, contract.taskDef);
        if (typeof overrides === 'string') return overrides;
        this.contracts.add(String(task.name));
        const head = selfNamed ? contract.ident : `${stringLiteral(ref)}, ${contract.ident}`;
        const extras = [...optionEntries(task, ['optional', 'startDelay', 'asyncComplete', 'retryCount', 'description']), ...(overrides === undefined ? [] : [`taskDefinition: ${jsonLiteral(overrides)}`])];
        return one(`.task(${head}, ${fn(values.object(input, contract.input))}${extras.length > 0 ? `, ${layout('{', '}', extras)}` : ''})`, contract.output);
      }
      case 'FORK_JOIN':
        return this.fork(task, next, path, scope);
      case 'SWITCH':
        return this.switch(task, path, scope, values);
      case 'DO_WHILE': {
        const why = systemOnly(['inputParameters', 'loopCondition', 'loopOver', 'items']);
        if (why !== undefined) return why;
        if (typeof task.loopCondition !== 'string') return 'its loopCondition is not a string';
        const { keepLastN, ...loopInput } = input;
        if (keepLastN !== undefined && !(typeof keepLastN === 'number' && Number.isInteger(keepLastN) && keepLastN > 0)) return 'its keepLastN is not a whole number above 0';
        const keep = keepLastN === undefined ? [] : [`keepLastN: ${keepLastN}`];
        if (task.items !== undefined) {
          const items = typeof task.items === 'string' ? values.reference(task.items) : undefined;
          if (items === undefined || Object.keys(loopInput).length > 0) return 'forEach() takes items as one reference, and no other input';
          const shape = SYSTEM_OUTPUTS.forEach;
          const body = this.branch(tasksOf(task.loopOver), `${path}.loopOver`, scope.with(new Map([[ref, taskRefs(shape)]])));
          const parts = [`items: ${fn(items)}`, ...keep, `body: ${body.code}`, ...(task.loopCondition === '' ? [] : [`condition: ${stringLiteral(task.loopCondition)}`])];
          return { code: `.forEach(${stringLiteral(ref)}, {\n${parts.join(',\n')},\n})`, adds: new Map([[ref, taskRefs(shape)], ...body.flow.adds]), consumed: 1 };
        }
        const body = this.branch(tasksOf(task.loopOver), `${path}.loopOver`, scope.with(new Map([[ref, taskRefs(SYSTEM_OUTPUTS.loop)]])));
        const parts = [
          ...(Object.keys(loopInput).length > 0 ? [`input: ${fn(values.object(loopInput, undefined))}`] : []),
          `body: ${body.code}`,
          `condition: ${stringLiteral(task.loopCondition)}`,
          ...keep,
        ];
        const adds = new Map([[ref, taskRefs(SYSTEM_OUTPUTS.loop)], ...body.flow.adds]);
        return { code: `.doWhile(${stringLiteral(ref)}, {\n${parts.join(',\n')},\n})`, adds, consumed: 1 };
      }
      case 'DYNAMIC': {
        const why = systemOnly(['inputParameters', 'dynamicTaskNameParam', 'optional', 'description']);
        if (why !== undefined) return why;
        const { [DYNAMIC_TASK_NAME_PARAM]: chosen, ...rest } = input;
        const contract = typeof chosen === 'string' ? this.context.contracts.get(chosen) : undefined;
        if (task.dynamicTaskNameParam !== DYNAMIC_TASK_NAME_PARAM || contract === undefined) {
          return `dynamic() needs its candidate tasks, which the JSON does not list: only a ${DYNAMIC_TASK_NAME_PARAM} naming an imported task as text is written as dynamic()`;
        }
        const problem = bindingProblem(rest, contract.input, `the input of ${String(chosen)}`);
        if (problem !== undefined) return problem;
        this.contracts.add(chosen as string);
        const spec = layout('{', '}', [`task: () => ${stringLiteral(chosen as string)}`, `input: ${fn(values.object(rest, contract.input))}`]);
        return one(`.dynamic(${stringLiteral(ref)}, [${contract.ident}], ${spec}${options(task, ['optional', 'description'])})`, contract.output);
      }
      case 'EXCLUSIVE_JOIN': {
        const why = systemOnly(['inputParameters', 'joinOn', 'description']);
        if (why !== undefined) return why;
        const joinOn = Array.isArray(task.joinOn) ? task.joinOn : [];
        const shapes = joinOn.map((name) => (typeof name === 'string' ? this.local.get(name) : undefined));
        if (Object.keys(input).length > 0 || joinOn.length === 0 || shapes.some((shape) => shape === undefined)) {
          return 'exclusiveJoin() joins tasks added before it in the same flow, named in a non-empty joinOn, with no input';
        }
        // The fields every joined task's output has, of unknown type: what the DSL's union type lets a later task read.
        const fields = shapes.map((shape) => Object.keys(((shape as SchemaJson).properties as { output?: SchemaJson } | undefined)?.output?.properties ?? {}));
        const common = (fields[0] ?? []).filter((key) => fields.every((keys) => keys.includes(key)));
        const shape: SchemaJson = { type: 'object', properties: Object.fromEntries(common.map((key) => [key, UNKNOWN])) };
        return one(`.exclusiveJoin(${stringLiteral(ref)}, ${jsonLiteral(joinOn)}${options(task, ['description'])})`, shape);
      }
      case 'NOOP': {
        const why = systemOnly(['inputParameters', 'description']);
        if (why !== undefined) return why;
        if (Object.keys(input).length > 0) return 'noop() has no input';
        return one(`.noop(${stringLiteral(ref)}${options(task, ['description'])})`, EMPTY);
      }
      case 'KAFKA_PUBLISH': {
        const why = systemOnly(['inputParameters', 'optional', 'description']);
        if (why !== undefined) return why;
        const request = input.kafka_request;
        if (Object.keys(input).length !== 1 || !isJsonObject(request)) return 'its only input is not a kafka_request object';
        const problem = bindingProblem(request, KAFKA_REQUEST, 'kafkaPublish()');
        if (problem !== undefined) return problem;
        return one(`.kafkaPublish(${stringLiteral(ref)}, ${fn(values.object(request, KAFKA_REQUEST))}${options(task, ['optional', 'description'])})`, EMPTY);
      }
      case 'START_WORKFLOW': {
        const why = systemOnly(['inputParameters', 'optional', 'description']);
        if (why !== undefined) return why;
        const request = input.startWorkflow;
        if (Object.keys(input).length !== 1 || !isJsonObject(request)) return 'its only input is not a startWorkflow object';
        const { name, version, input: childInput = {}, correlationId, ...rest } = request;
        const key = `${String(name)}@${String(version)}`;
        const target = this.context.workflows.get(key);
        if (target === undefined || Object.keys(rest).length > 0 || !isJsonObject(childInput)) return `its startWorkflow is not a name, version, input and correlationId of an imported definition (${key})`;
        const problem = bindingProblem(childInput, target.input, `the input of ${String(name)}`);
        if (problem !== undefined) return problem;
        this.workflows.add(key);
        const extras = [...optionEntries(task, ['optional', 'description']), ...(correlationId === undefined ? [] : [`correlationId: ${fn(values.value(correlationId, { type: 'string' }))}`])];
        return one(
          `.startWorkflow(${stringLiteral(ref)}, ${target.ident}, ${fn(values.object(childInput, target.input))}${extras.length > 0 ? `, ${layout('{', '}', extras)}` : ''})`,
          SYSTEM_OUTPUTS.startWorkflow,
        );
      }
      case 'SUB_WORKFLOW': {
        const param = isJsonObject(task.subWorkflowParam) ? task.subWorkflowParam : {};
        const key = `${String(param.name)}@${String(param.version)}`;
        const child = this.context.workflows.get(key);
        if (child === undefined || Object.keys(param).some((k) => k !== 'name' && k !== 'version') || task.name !== param.name) {
          return `its subWorkflowParam is not a name and version among the imported definitions (${key})`;
        }
        const extra = extraKeys(task, ['inputParameters', 'subWorkflowParam', 'optional', 'description']);
        if (extra.length > 0) return `subWorkflow() has no ${extra.join(', ')}`;
        const problem = bindingProblem(input, child.input, `the input of ${String(param.name)}`);
        if (problem !== undefined) return problem;
        this.workflows.add(key);
        return one(`.subWorkflow(${stringLiteral(ref)}, ${child.ident}, ${fn(values.object(input, child.input))}${options(task, ['optional', 'description'])})`, child.output);
      }
      case 'FORK_JOIN_DYNAMIC':
        return this.dynamicFork(task, next, path, scope, values);
      case 'WAIT': {
        const why = systemOnly(['inputParameters']);
        if (why !== undefined) return why;
        if (Object.entries(input).some(([k, v]) => (k !== 'duration' && k !== 'until') || typeof v !== 'string')) return 'wait() takes only duration and until, as text';
        return one(`.wait(${stringLiteral(ref)}${Object.keys(input).length > 0 ? `, ${jsonLiteral(input)}` : ''})`, RECORD);
      }
      case 'HUMAN': {
        const why = systemOnly(['inputParameters', 'optional', 'description', 'taskDefinition']);
        if (why !== undefined) return why;
        const parts = ['output: z.object({}).passthrough()'];
        if (Object.keys(input).length > 0) parts.push(`input: ${fn(values.object(input, undefined))}`);
        if (task.taskDefinition !== undefined) {
          const seconds = (task.taskDefinition as Json).timeoutSeconds;
          const expected = normalizeWorkflowTask(humanTask(ref, seconds, this.ownerEmail) as WorkflowTask).taskDefinition;
          if (typeof seconds !== 'number' || !sameJson(expected, task.taskDefinition)) return 'its taskDefinition is not the one human() writes for a timeout';
          parts.push(`timeoutSeconds: ${seconds}`);
        }
        parts.push(...optionEntries(task, ['optional', 'description']));
        return one(`.human(${stringLiteral(ref)}, ${layout('{', '}', parts)})`, { type: 'object', additionalProperties: true });
      }
      case 'TERMINATE': {
        const why = systemOnly(['inputParameters']);
        if (why !== undefined) return why;
        const { terminationStatus: status, workflowOutput: output, terminationReason: reason, ...rest } = input;
        if (Object.keys(rest).length > 0) return `terminate() has no input ${Object.keys(rest).join(', ')}`;
        if (status !== 'COMPLETED' && status !== 'FAILED' && status !== 'TERMINATED') return 'its terminationStatus is not COMPLETED, FAILED or TERMINATED as text';
        if (!isJsonObject(output)) return 'it has no workflowOutput object (terminate() always writes one)';
        if (reason !== undefined && typeof reason !== 'string') return 'its terminationReason is not text';
        const { keys, open } = schemaKeys(this.outputShape);
        const unknown = open ? [] : Object.keys(output).filter((k) => !keys.includes(k));
        if (unknown.length > 0) return `its workflowOutput has ${unknown.join(', ')}, not in the workflow's output`;
        const parts = [
          `ref: ${stringLiteral(ref)}`,
          ...(reason !== undefined ? [`reason: ${fn(values.value(reason, { type: 'string' }))}`] : []),
          ...(Object.keys(output).length > 0 ? [`output: ${fn(values.object(output, this.outputShape))}`] : []),
        ];
        return { code: `.terminate(${stringLiteral(status)}, ${layout('{', '}', parts)})`, adds: new Map(), consumed: 1 };
      }
      case 'HTTP': {
        const why = systemOnly(['inputParameters', 'optional', 'description']);
        if (why !== undefined) return why;
        const request = input.http_request;
        if (Object.keys(input).length !== 1 || !isJsonObject(request)) return 'its only input is not an http_request object';
        const problem = bindingProblem(request, { ...HTTP_REQUEST, required: ['uri', 'method'] }, 'http()');
        if (problem !== undefined) return problem;
        if (!(HTTP_REQUEST.properties as { method: { enum: unknown[] } }).method.enum.includes(request.method)) return 'its method is not one http() takes';
        return one(`.http(${stringLiteral(ref)}, ${fn(values.object(request, HTTP_REQUEST))}${options(task, ['optional', 'description'])})`, SYSTEM_OUTPUTS.http);
      }
      case 'INLINE': {
        const why = systemOnly(['inputParameters']);
        if (why !== undefined) return why;
        const { evaluatorType, expression, ...rest } = input;
        if (evaluatorType !== 'javascript' || typeof expression !== 'string') return 'inline() writes evaluatorType javascript and a script as text';
        const inputCode = Object.keys(rest).length > 0 ? `input: ${fn(values.object(rest, undefined))}, ` : '';
        return one(`.inline(${stringLiteral(ref)}, { ${inputCode}script: ${stringLiteral(expression)} })`, SYSTEM_OUTPUTS.inline);
      }
      case 'SET_VARIABLE': {
        const why = systemOnly(['inputParameters']);
        if (why !== undefined) return why;
        return { code: `.setVariable(${fn(values.object(input, this.variablesShape))}, ${stringLiteral(ref)})`, adds: new Map(), consumed: 1 };
      }
      case 'JSON_JQ_TRANSFORM': {
        const why = systemOnly(['inputParameters']);
        if (why !== undefined) return why;
        const { queryExpression, ...rest } = input;
        if (typeof queryExpression !== 'string') return 'its queryExpression is not text';
        return one(`.jq(${stringLiteral(ref)}, { input: ${fn(values.object(rest, undefined))}, query: ${stringLiteral(queryExpression)} })`, SYSTEM_OUTPUTS.jq);
      }
      case 'EVENT': {
        const why = systemOnly(['inputParameters', 'sink', 'asyncComplete', 'description']);
        if (why !== undefined) return why;
        if (typeof task.sink !== 'string' || !CONDUCTOR_SINK.test(task.sink)) return `its sink ${JSON.stringify(task.sink)} is not "conductor" or "conductor:<name>", the queues event() takes`;
        if (task.asyncComplete !== undefined && typeof task.asyncComplete !== 'boolean') return 'its asyncComplete is not true or false';
        const parts = [
          `sink: ${stringLiteral(task.sink)}`,
          ...(Object.keys(input).length > 0 ? [`input: ${fn(values.object(input, undefined))}`] : []),
          ...(task.asyncComplete === true ? ['asyncComplete: true'] : []),
          ...optionEntries(task, ['description']),
        ];
        return one(`.event(${stringLiteral(ref)}, ${layout('{', '}', parts)})`, eventOutput(Object.keys(input)));
      }
      default:
        return `the DSL has no method for ${type}`;
    }
  }

  private fork(task: Json, next: readonly Json[], path: string, scope: Scope): Added | string {
    const ref = String(task.taskReferenceName);
    if (task.name !== ref) return `its name "${String(task.name)}" differs from its reference name`;
    const extra = extraKeys(task, ['forkTasks']);
    if (extra.length > 0) return `fork() has no ${extra.join(', ')}`;
    const branches = Array.isArray(task.forkTasks) ? task.forkTasks.map(tasksOf) : [];
    if (branches.length === 0 || branches.some((b) => b.length === 0)) return 'fork() needs at least one branch, none empty';
    const join = next[0];
    const joinRef = `${ref}_join`;
    const lastRefs = branches.map((b) => String((b[b.length - 1] as Json).taskReferenceName));
    if (join === undefined || join.type !== 'JOIN' || join.name !== joinRef || join.taskReferenceName !== joinRef || extraKeys(join, ['joinOn']).length > 0 || !sameJson(join.joinOn ?? [], lastRefs)) {
      return `the task after it is not the JOIN fork() writes (${joinRef}, joining the last task of each branch)`;
    }
    const adds = new Map<string, SchemaJson>([[ref, taskRefs(EMPTY)]]);
    const joinOutput: Record<string, SchemaJson> = {};
    const codes = branches.map((b, i) => {
      const branch = this.branch(b, `${path}.forkTasks[${i}]`, scope);
      for (const [k, v] of branch.flow.adds) adds.set(k, v);
      const last = branch.flow.lastRef as string;
      joinOutput[last] = ((branch.flow.adds.get(last)?.properties as Record<string, SchemaJson> | undefined)?.output ?? UNKNOWN);
      return branch.code;
    });
    adds.set(joinRef, taskRefs({ type: 'object', properties: joinOutput }));
    return { code: `.fork(${stringLiteral(ref)}, [\n${codes.join(',\n')},\n])`, adds, consumed: 2 };
  }

  private switch(task: Json, path: string, scope: Scope, values: ValueRenderer): Added | string {
    const ref = String(task.taskReferenceName);
    if (task.name !== ref) return `its name "${String(task.name)}" differs from its reference name`;
    const extra = extraKeys(task, ['inputParameters', 'evaluatorType', 'expression', 'decisionCases', 'defaultCase']);
    if (extra.length > 0) return `switch() has no ${extra.join(', ')}`;
    const input = isJsonObject(task.inputParameters) ? task.inputParameters : {};
    const cases = isJsonObject(task.decisionCases) ? task.decisionCases : {};
    const adds = new Map<string, SchemaJson>([[ref, taskRefs(SYSTEM_OUTPUTS.switch)]]);
    const caseCodes = Object.entries(cases).map(([key, list]) => {
      const branch = this.branch(tasksOf(list), `${path}.decisionCases.${key}`, scope);
      for (const [k, v] of branch.flow.adds) adds.set(k, v);
      return `${propertyName(key)}: ${branch.code}`;
    });
    const defaults = tasksOf(task.defaultCase);
    let defaultCode: string | undefined;
    let defaultAdds = new Map<string, SchemaJson>();
    if (defaults.length > 0) {
      const branch = this.branch(defaults, `${path}.defaultCase`, scope);
      defaultCode = branch.code;
      defaultAdds = branch.flow.adds;
    }
    if (task.evaluatorType === 'value-param' && task.expression === 'switchCaseValue' && Object.keys(input).length === 1 && typeof input.switchCaseValue === 'string') {
      const value = values.reference(input.switchCaseValue);
      if (value !== undefined) {
        const code = `.switch(${stringLiteral(ref)}, ${value.startsWith('s') ? '(s)' : '()'} => ${value}, ${layout('{', '}', caseCodes)}${defaultCode === undefined ? '' : `, ${defaultCode}`})`;
        return { code, adds, consumed: 1 };
      }
    }
    if (task.evaluatorType === 'javascript' && typeof task.expression === 'string') {
      for (const [k, v] of defaultAdds) adds.set(k, v);
      const parts = [`input: ${fn(values.object(input, undefined))}`, `script: ${stringLiteral(task.expression)}`, `cases: ${layout('{', '}', caseCodes)}`];
      if (defaultCode !== undefined) parts.push(`default: ${defaultCode}`);
      return { code: `.switchScript(${stringLiteral(ref)}, {\n${parts.join(',\n')},\n})`, adds, consumed: 1 };
    }
    return 'switch() reads one value as switchCaseValue (value-param), switchScript() a javascript expression';
  }

  private dynamicFork(task: Json, next: readonly Json[], path: string, scope: Scope, values: ValueRenderer): Added | string {
    const ref = String(task.taskReferenceName);
    if (task.name !== ref) return `its name "${String(task.name)}" differs from its reference name`;
    const extra = extraKeys(task, ['inputParameters', 'optional', 'description']);
    if (extra.length > 0) return `dynamicFork() has no ${extra.join(', ')}`;
    const input = isJsonObject(task.inputParameters) ? task.inputParameters : {};
    const childKey = `${String(input.forkTaskWorkflow)}@${String(input.forkTaskWorkflowVersion)}`;
    const child = typeof input.forkTaskWorkflow === 'string' ? this.context.workflows.get(childKey) : undefined;
    const contract = typeof input.forkTaskName === 'string' ? this.context.contracts.get(input.forkTaskName) : undefined;
    const forked = child ?? contract;
    if (forked === undefined || Object.keys(input).length !== (child === undefined ? 2 : 3) || !('forkTaskInputs' in input)) {
      return 'dynamicFork() forks one named task over forkTaskInputs (forkTaskName as text), dynamicForkWorkflow() an imported workflow (forkTaskWorkflow and its version as text)';
    }
    const [join, results] = next;
    const joinRef = `${ref}_join`;
    const resultsRef = `${ref}_results`;
    if (join === undefined || join.type !== 'JOIN' || join.name !== joinRef || join.taskReferenceName !== joinRef || Object.keys(join).length !== 3) {
      return `the task after it is not the JOIN dynamicFork() writes (${joinRef})`;
    }
    const expected = {
      name: resultsRef,
      taskReferenceName: resultsRef,
      type: 'JSON_JQ_TRANSFORM',
      description: `Lists each item of ${ref} with its task's output, in item order.`,
      inputParameters: { items: `\${${ref}.input.forkTaskInputs}`, joinOn: `\${${joinRef}.input.joinOn}`, outputs: `\${${joinRef}.output}`, queryExpression: FORK_RESULTS_QUERY },
    };
    if (results === undefined || !sameJson(results, expected)) return `the tasks after it are not the JOIN and ${resultsRef} dynamicFork() writes`;
    if (child === undefined) this.contracts.add(input.forkTaskName as string);
    else this.workflows.add(childKey);
    const items = values.value(input.forkTaskInputs, { type: 'array', items: forked.input });
    const resultShape = { type: 'object', properties: { result: { type: 'array', items: { type: 'object', properties: { input: forked.input, output: forked.output } } } } };
    const adds = new Map<string, SchemaJson>([[ref, taskRefs(EMPTY)], [joinRef, taskRefs(EMPTY)], [resultsRef, taskRefs(resultShape)]]);
    const method = child === undefined ? 'dynamicFork' : 'dynamicForkWorkflow';
    return { code: `.${method}(${stringLiteral(ref)}, ${forked.ident}, ${fn(items)}${options(task, ['optional', 'description'])})`, adds, consumed: 3 };
  }

  private raw(task: Json, type: string, path: string, scope: Scope, reason: string): Added {
    const ref = String(task.taskReferenceName);
    this.notes.verbatim.push({ path, ref, type, reason });
    const json: Json = { name: task.name, type };
    for (const [key, value] of Object.entries(task)) if (key !== 'taskReferenceName' && !(NESTED as readonly string[]).includes(key)) json[key] = value;
    const nested: string[] = [];
    if (Array.isArray(task.forkTasks)) {
      nested.push(`forkTasks: ${layout('[', ']', task.forkTasks.map((b, i) => this.branch(tasksOf(b), `${path}.forkTasks[${i}]`, scope).code))}`);
    }
    if (isJsonObject(task.decisionCases)) {
      const cases = Object.entries(task.decisionCases).map(([k, list]) => `${propertyName(k)}: ${this.branch(tasksOf(list), `${path}.decisionCases.${k}`, scope).code}`);
      nested.push(`decisionCases: ${layout('{', '}', cases)}`);
    }
    if (Array.isArray(task.defaultCase)) nested.push(`defaultCase: ${this.branch(tasksOf(task.defaultCase), `${path}.defaultCase`, scope).code}`);
    if (Array.isArray(task.loopOver)) {
      nested.push(`loopOver: ${this.branch(tasksOf(task.loopOver), `${path}.loopOver`, scope.with(new Map([[ref, taskRefs(RECORD)]]))).code}`);
    }
    const code = `.raw(${stringLiteral(ref)}, ${jsonLiteral(json)}${nested.length > 0 ? `, ${layout('{', '}', nested)}` : ''})`;
    return { code: `// kept verbatim: ${reason.replaceAll('\n', ' ')}\n${code}`, adds: new Map([[ref, taskRefs(RECORD)]]), consumed: 1 };
  }
}

/** The HUMAN task `human()` compiles for a timeout in a workflow owned by `ownerEmail` (compile-workflow.ts), to recognise it. */
function humanTask(ref: string, timeoutSeconds: unknown, ownerEmail: string | undefined): Json {
  return {
    name: ref,
    taskReferenceName: ref,
    type: 'HUMAN',
    taskDefinition: {
      name: ref,
      ...(ownerEmail !== undefined && { ownerEmail }),
      retryCount: 0,
      timeoutSeconds,
      responseTimeoutSeconds: timeoutSeconds,
      totalTimeoutSeconds: 0,
      timeoutPolicy: 'RETRY',
    },
  };
}

/** Input, output and variables of a workflow as zod source, with the shapes its flow reads. */
export interface WorkflowSchemas {
  readonly input: { readonly code: string; readonly shape: SchemaJson };
  readonly output: { readonly code: string; readonly shape: SchemaJson };
  readonly variables: { readonly code: string; readonly shape: SchemaJson } | undefined;
}

/** A schema of fields of unknown type (some with defaults), for a definition that gives no JSON Schema. */
function unknownFields(keys: readonly string[], defaults: Json, what: string): { code: string; shape: SchemaJson } {
  if (keys.length === 0) return { code: 'z.object({})', shape: { type: 'object', properties: {} } };
  const fields = keys.map((k) => `${propertyName(k)}: z.unknown()${k in defaults ? `.default(${jsonLiteral(defaults[k])})` : ''},`);
  return {
    code: `z.object({\n// TODO: the definition gives no schema for its ${what}; replace z.unknown() with each field's type.\n${fields.join('\n')}\n})`,
    shape: { type: 'object', properties: Object.fromEntries(keys.map((k) => [k, UNKNOWN])) },
  };
}

/** The SET_VARIABLE keys of a task tree, in order. */
function setVariableKeys(tasks: readonly Json[], into: Set<string>): void {
  for (const task of tasks) {
    if (task.type === 'SET_VARIABLE' && isJsonObject(task.inputParameters)) for (const k of Object.keys(task.inputParameters)) into.add(k);
    for (const key of NESTED) {
      const value = task[key];
      if (key === 'decisionCases' && isJsonObject(value)) for (const list of Object.values(value)) setVariableKeys(tasksOf(list), into);
      else if (key === 'forkTasks' && Array.isArray(value)) for (const list of value) setVariableKeys(tasksOf(list), into);
      else setVariableKeys(tasksOf(value), into);
    }
  }
}

/** The schemas a workflow definition declares or implies, with what of them zod cannot carry. */
export function workflowSchemas(def: Json, lost: string[]): WorkflowSchemas {
  const name = String(def.name);
  const template = isJsonObject(def.inputTemplate) ? def.inputTemplate : {};
  const inputKeys = [...new Set([...(Array.isArray(def.inputParameters) ? def.inputParameters.map(String) : []), ...Object.keys(template)])];
  const outputKeys = isJsonObject(def.outputParameters) ? Object.keys(def.outputParameters) : [];
  const fromSchema = (key: 'inputSchema' | 'outputSchema', suffix: string): { code: string; shape: SchemaJson } | undefined => {
    const schemaDef = def[key];
    if (!isJsonObject(schemaDef) || !isJsonObject(schemaDef.data)) return undefined;
    const { name: schemaName, version, type, data, ...rest } = schemaDef;
    if (schemaName !== `${name}_${suffix}` || (version ?? 1) !== (def.version ?? 1) || type !== 'JSON' || Object.keys(rest).length > 0) {
      lost.push(`${key}: the DSL names it ${name}_${suffix}, at the workflow's version, type JSON`);
    }
    const source = objectSchemaSource(data as SchemaJson, suffix === 'input' ? inputKeys : outputKeys);
    lost.push(...source.lost.map((l) => `${key}.data${l}`));
    return { code: source.code, shape: data as SchemaJson };
  };
  const input = fromSchema('inputSchema', 'input') ?? unknownFields(inputKeys, template, 'input');
  const output = fromSchema('outputSchema', 'output') ?? unknownFields(outputKeys, {}, 'output');
  const declared = isJsonObject(def.variables) ? def.variables : {};
  const written = new Set(Object.keys(declared));
  setVariableKeys(tasksOf(def.tasks), written);
  const variables = written.size === 0 ? undefined : unknownFields([...written], declared, 'variables');
  return { input, output, variables };
}

/** Workflow fields the `workflow()` spec or its flow carries. */
/** The TaskDef options a worker task's `taskDefinition` may override: the defaulted ones and the owner. */
const TASK_OPTION_NAMES: readonly string[] = [...Object.keys(TASK_DEFAULTS), 'ownerEmail'];

const WORKFLOW_FIELDS = new Set([
  'name', 'description', 'version', 'schemaVersion', 'ownerEmail', 'timeoutSeconds', 'timeoutPolicy', 'restartable', 'failureWorkflow',
  'inputParameters', 'inputTemplate', 'variables', 'outputParameters', 'inputSchema', 'outputSchema', 'enforceSchema', 'tasks',
]);

/**
 * The per-use settings (`TaskNodeOptions.taskDefinition`) of a worker task's embedded TaskDef: the
 * TaskDef options in which it differs from the contract's task definition; every other field must
 * be the contract's. A string says why it cannot be written so.
 */
function taskDefOverrides(embedded: unknown, registered: Json | undefined): Json | string {
  if (!isJsonObject(embedded) || registered === undefined) return 'its taskDefinition is not an object over a given task definition';
  // Both come normalised: a field left out is at the server's default for its kind of TaskDef.
  const embeddedValue = (key: string): unknown => embedded[key] ?? LEARNED_DEFAULTS.embeddedTaskDef[key];
  const registeredValue = (key: string): unknown => registered[key] ?? LEARNED_DEFAULTS.taskDef[key];
  for (const key of Object.keys(embedded)) {
    if (!TASK_OPTION_NAMES.includes(key) && !sameJson(embeddedValue(key), registeredValue(key))) {
      return `its taskDefinition's ${key} differs from the task definition's (taskDefinition overrides only TaskDef options)`;
    }
  }
  const overrides: Json = {};
  for (const key of TASK_OPTION_NAMES) if (!sameJson(embeddedValue(key), registeredValue(key))) overrides[key] = embeddedValue(key) ?? null;
  return overrides;
}

/** Whether a workflow setting's value is one the DSL's setting of that name takes (else it stays in `raw`). */
function settingFits(key: 'workflowStatusListenerEnabled' | 'workflowStatusListenerSink' | 'rateLimitConfig', value: unknown): boolean {
  if (key === 'workflowStatusListenerEnabled') return typeof value === 'boolean';
  if (key === 'workflowStatusListenerSink') return typeof value === 'string';
  if (!isJsonObject(value) || extraKeys(value, ['rateLimitKey', 'concurrentExecLimit', 'policy']).length > 0) return false;
  const { rateLimitKey, concurrentExecLimit, policy } = value;
  return typeof rateLimitKey === 'string' && rateLimitKey.trim() !== '' && Number.isInteger(concurrentExecLimit) && (concurrentExecLimit as number) > 0 && (policy === 'QUEUE' || policy === 'REJECT');
}

/**
 * The `workflow(...)` call for a normalised workflow definition (server defaults stripped, see
 * compare.ts): settings, schemas, and the flow. What cannot be expressed is recorded in the
 * notes (verbatim tasks, lost fields), never dropped silently.
 */
export function workflowSource(def: Json, context: WorkflowContext): WorkflowSource {
  const lost: string[] = [];
  const raw: Json = {};
  for (const key of Object.keys(def)) if (!WORKFLOW_FIELDS.has(key)) raw[key] = def[key];
  if (def.schemaVersion !== undefined && def.schemaVersion !== 2) lost.push('schemaVersion: the DSL writes 2');
  if (def.enforceSchema !== undefined && def.enforceSchema !== false) lost.push('enforceSchema: the DSL writes false');
  const schemas = workflowSchemas(def, lost);
  const importer = new Importer(context, schemas.output.shape, schemas.variables?.shape ?? { type: 'object', properties: {} }, typeof def.ownerEmail === 'string' ? def.ownerEmail : undefined);
  importer.notes.lost.push(...lost);
  const scope = Scope.root(schemas.input.shape, schemas.variables?.shape ?? { type: 'object', properties: {} });
  const flow = importer.flow(tasksOf(def.tasks), 'tasks', scope);
  const values = new ValueRenderer(scope.with(flow.adds), importer.render);
  const output = isJsonObject(def.outputParameters) ? def.outputParameters : {};

  const spec: string[] = [`name: ${stringLiteral(String(def.name))}`, `version: ${jsonLiteral(def.version ?? 1)}`, `description: ${stringLiteral(typeof def.description === 'string' ? def.description : '')}`];
  spec.push(`input: ${schemas.input.code}`, `output: ${schemas.output.code}`);
  if (schemas.variables !== undefined) spec.push(`variables: ${schemas.variables.code}`);
  if (def.ownerEmail !== undefined) spec.push(`ownerEmail: ${jsonLiteral(def.ownerEmail)}`);
  // Absent fields are the server's defaults (conductor-oss 3.32.3 stores timeoutSeconds 0 and
  // timeoutPolicy ALERT_ONLY); the DSL's own defaults differ, so they are written out.
  const timeoutSeconds = def.timeoutSeconds ?? 0;
  if (timeoutSeconds !== WORKFLOW_DEFAULTS.timeoutSeconds) spec.push(`timeoutSeconds: ${jsonLiteral(timeoutSeconds)}`);
  const timeoutPolicy = def.timeoutPolicy ?? 'ALERT_ONLY';
  if (timeoutPolicy !== WORKFLOW_DEFAULTS.timeoutPolicy) spec.push(`timeoutPolicy: ${jsonLiteral(timeoutPolicy)}`);
  if (def.restartable === false) spec.push('restartable: false');
  for (const key of ['workflowStatusListenerEnabled', 'workflowStatusListenerSink', 'rateLimitConfig'] as const) {
    if (def[key] === undefined || !settingFits(key, def[key])) continue;
    spec.push(`${key}: ${jsonLiteral(def[key])}`);
    delete raw[key];
  }
  if (typeof def.failureWorkflow === 'string') {
    const target = context.workflows.get(def.failureWorkflow);
    if (target === undefined) raw.failureWorkflow = def.failureWorkflow;
    else {
      spec.push(`failureWorkflow: ${target.ident}`);
      importer.workflows.add(def.failureWorkflow);
    }
  }
  if (Object.keys(raw).length > 0) {
    spec.push(`raw: ${jsonLiteral(raw)}`);
    importer.notes.verbatimFields.push(...Object.keys(raw));
  }
  const chain = `${flow.chain}\n.output(${fn(values.object(output, schemas.output.shape))})`;
  const code = `workflow(\n{\n${spec.map((s) => `${s},`).join('\n')}\n},\n(f) =>\nf${chain},\n)`;
  return { code, contracts: importer.contracts, workflows: importer.workflows, usesUntypedRef: importer.render.usesUntypedRef, notes: importer.notes };
}
