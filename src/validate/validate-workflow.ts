import type { WorkflowDef } from '../conductor-types.ts';
import { issuePath, type DefinitionIssue } from '../issues.ts';
import { validateForkJoins } from './fork-join-rules.ts';
import { describeJsonType, isJsonObject, isNonBlankString, isPresent, quote, type JsonObject } from './json-value.ts';
import { validateReferences } from './reference-rules.ts';
import { taskTitle, validateTask } from './task-rules.ts';
import { allTasks, buildTaskTree, type TaskNode } from './task-tree.ts';

/** What else the validator may assume about the definitions it is given. */
export interface ValidationContext {
  /** When given, the name of every SIMPLE task must be in it (a task definition exists for it). */
  readonly taskNames?: ReadonlySet<string>;
  /**
   * When true, the definitions are the whole generation: every SUB_WORKFLOW target
   * (`subWorkflowParam.name`, and `version` when given) and every `failureWorkflow` must be
   * among them. Names computed at run time (`${...}`, `$workflow.input.x`) are not checked.
   * @default false
   */
  readonly complete?: boolean;
  /**
   * Require `ownerEmail` on every workflow, as servers with
   * `conductor.app.ownerEmailMandatory=true` (the code default, and always on Orkes) do.
   * @default true
   */
  readonly requireOwnerEmail?: boolean;
}

/** A workflow of the generation, as SUB_WORKFLOW and failureWorkflow targets are looked up. */
interface KnownWorkflow {
  readonly name: string;
  readonly version: number;
}

interface Checking {
  readonly taskNames: ReadonlySet<string> | undefined;
  /** The generation's workflows in complete mode; undefined when targets are not checked. */
  readonly known: readonly KnownWorkflow[] | undefined;
  readonly requireOwnerEmail: boolean;
}

/** `ValidNameConstraint`: the characters a workflow name may hold when name validation is on. */
const NAME_PATTERN = /^[A-Za-z0-9_<>{}#\s-]+$/;
const TIMEOUT_POLICIES = ['TIME_OUT_WF', 'ALERT_ONLY'];
/** The only dynamic failureWorkflow form the server reads: the name comes from a workflow input. */
const DYNAMIC_FAILURE_WORKFLOW = /^\$workflow\.input\.[^.{}]+$/;

/**
 * Checks raw Conductor WorkflowDefs the way the server does at registration, and beyond: task
 * references everywhere, fork/join pairing, and (with a {@link ValidationContext}) task
 * definitions and sub-workflow targets. Returns every problem found; never throws, whatever the
 * input holds.
 * @example
 * const issues = validateWorkflowDefs(defs, { taskNames: new Set(taskDefs.map((t) => t.name)), complete: true });
 * if (issues.length > 0) throw new DefinitionError(issues);
 */
export function validateWorkflowDefs(defs: readonly WorkflowDef[], context: ValidationContext = {}): DefinitionIssue[] {
  return validateEachWorkflowDef(defs, context).flat();
}

/**
 * Like {@link validateWorkflowDefs}, but returns the issues of each definition on its own, in
 * the order of `defs`, so a caller can tell which file each came from.
 */
export function validateEachWorkflowDef(defs: readonly unknown[], context: ValidationContext = {}): DefinitionIssue[][] {
  const checking: Checking = {
    taskNames: context.taskNames,
    known: context.complete === true ? defs.flatMap((def) => (isJsonObject(def) && isNonBlankString(def.name) ? [{ name: def.name, version: versionOf(def) }] : [])) : undefined,
    requireOwnerEmail: context.requireOwnerEmail ?? true,
  };
  const firstIndex = new Map<string, number>();
  return defs.map((def, index) => {
    const label = labelOf(def, index);
    const issues: DefinitionIssue[] = [];
    if (isJsonObject(def) && isNonBlankString(def.name)) {
      const key = `${def.name}\u0000${versionOf(def)}`;
      const first = firstIndex.get(key);
      if (first === undefined) firstIndex.set(key, index);
      else {
        issues.push({
          code: 'WORKFLOW_DUPLICATE',
          path: label,
          message: `Workflow ${quote(def.name)} version ${versionOf(def)} is defined more than once (first as definition ${first + 1}); registering both would overwrite one with the other. Give it a new version or remove the copy.`,
        });
      }
    }
    issues.push(...checkDefinition(def, label, checking));
    return issues;
  });
}

/** The server's default version is 1. */
function versionOf(def: JsonObject): number {
  return typeof def.version === 'number' ? def.version : 1;
}

function labelOf(def: unknown, index: number): string {
  if (!isJsonObject(def) || !isNonBlankString(def.name)) return `workflow #${index + 1}`;
  return isPresent(def.version) ? `${def.name} v${String(def.version)}` : def.name;
}

function checkDefinition(def: unknown, label: string, checking: Checking): DefinitionIssue[] {
  if (!isJsonObject(def)) {
    return [
      {
        code: 'WORKFLOW_NOT_OBJECT',
        path: label,
        message: `A workflow definition must be a JSON object, but this is ${describeJsonType(def)}. Replace it with an object that has "name", "version", "schemaVersion": 2 and "tasks".`,
      },
    ];
  }
  const issues = workflowFieldIssues(def, label, checking);
  const tasks = def.tasks;
  if (!Array.isArray(tasks) || tasks.length === 0) {
    issues.push({
      code: 'WORKFLOW_TASKS_EMPTY',
      path: issuePath(label, 'tasks'),
      message: `The workflow has ${Array.isArray(tasks) ? 'an empty tasks list' : isPresent(tasks) ? `tasks that is ${describeJsonType(tasks)}` : 'no tasks'}; the server rejects it. Add at least one task to "tasks".`,
    });
    return issues;
  }
  const tree = buildTaskTree(tasks, label, issues);
  const firstByRef = new Map<string, TaskNode>();
  for (const node of allTasks(tree)) {
    if (node.ref !== undefined) {
      const first = firstByRef.get(node.ref);
      if (first === undefined) firstByRef.set(node.ref, node);
      else {
        issues.push({
          code: 'REF_DUPLICATE',
          path: issuePath(label, node.ref, 'taskReferenceName'),
          message: `Reference name ${quote(node.ref)} is used at ${first.location} and again at ${node.location}; the server rejects duplicates, nested tasks included. Give the task at ${node.location} a unique taskReferenceName.`,
        });
      }
    }
    issues.push(...validateTask(node, label, checking.taskNames));
    if (node.type === 'SUB_WORKFLOW') issues.push(...subWorkflowIssues(node, label, checking));
  }
  issues.push(...validateForkJoins(tree, label));
  issues.push(...validateReferences(tree, def.outputParameters, label));
  return issues;
}

function workflowFieldIssues(def: JsonObject, label: string, checking: Checking): DefinitionIssue[] {
  const issues: DefinitionIssue[] = [];
  const at = (field: string): string => issuePath(label, field);
  if (!isNonBlankString(def.name)) {
    issues.push({
      code: 'WORKFLOW_NAME_MISSING',
      path: at('name'),
      message: `The workflow has no name (${isPresent(def.name) ? describeJsonType(def.name) : 'missing'}); the server rejects it. Set "name" to a name made of letters, digits and _ or -.`,
    });
  } else if (!NAME_PATTERN.test(def.name)) {
    issues.push({
      code: 'WORKFLOW_NAME_PATTERN',
      path: at('name'),
      message: `Workflow name ${quote(def.name)} has characters other than letters, digits, spaces and _ - < > { } #, which servers with name validation reject. Rename it, e.g. ${quote(def.name.replace(/[^A-Za-z0-9_<>{}#\s-]/g, '_'))}.`,
    });
  }
  if (isPresent(def.version) && !(typeof def.version === 'number' && Number.isInteger(def.version))) {
    issues.push({
      code: 'FIELD_TYPE',
      path: at('version'),
      message: `version is ${quote(def.version)}, not a whole number. Set "version" to a whole number such as 1.`,
    });
  }
  if (isPresent(def.schemaVersion) && def.schemaVersion !== 2) {
    issues.push({
      code: 'SCHEMA_VERSION',
      path: at('schemaVersion'),
      message: `schemaVersion is ${quote(def.schemaVersion)}, but the server only supports 2. Set "schemaVersion": 2.`,
    });
  }
  if (isPresent(def.timeoutPolicy) && !(typeof def.timeoutPolicy === 'string' && TIMEOUT_POLICIES.includes(def.timeoutPolicy))) {
    issues.push({
      code: 'TIMEOUT_POLICY',
      path: at('timeoutPolicy'),
      message: `timeoutPolicy ${quote(def.timeoutPolicy)} is not a workflow timeout policy. Use "TIME_OUT_WF" or "ALERT_ONLY".`,
    });
  }
  if (isPresent(def.timeoutSeconds) && !(typeof def.timeoutSeconds === 'number' && Number.isInteger(def.timeoutSeconds) && def.timeoutSeconds >= 0)) {
    issues.push({
      code: 'FIELD_TYPE',
      path: at('timeoutSeconds'),
      message: `timeoutSeconds is ${quote(def.timeoutSeconds)}. Set it to a whole number of seconds, 0 or more (0 means no limit).`,
    });
  }
  if (checking.requireOwnerEmail && !isNonBlankString(def.ownerEmail)) {
    issues.push({
      code: 'OWNER_EMAIL_MISSING',
      path: at('ownerEmail'),
      message: 'The workflow has no ownerEmail; servers that make it mandatory (the default, and Orkes) reject it. Set "ownerEmail" to the owning team\'s address.',
    });
  }
  if (isPresent(def.inputParameters) && !(Array.isArray(def.inputParameters) && def.inputParameters.every((name) => typeof name === 'string'))) {
    issues.push({
      code: 'FIELD_TYPE',
      path: at('inputParameters'),
      message: `inputParameters is ${describeJsonType(def.inputParameters)}; for a workflow it lists the input names. Make it an array of strings, e.g. ["repo", "branch"].`,
    });
  }
  if (isPresent(def.outputParameters) && !isJsonObject(def.outputParameters)) {
    issues.push({
      code: 'FIELD_TYPE',
      path: at('outputParameters'),
      message: `outputParameters is ${describeJsonType(def.outputParameters)}. Make it an object mapping each output name to a value or "\${...}" expression.`,
    });
  }
  issues.push(...failureWorkflowIssues(def, at, checking));
  return issues;
}

function failureWorkflowIssues(def: JsonObject, at: (field: string) => string, checking: Checking): DefinitionIssue[] {
  const target = def.failureWorkflow;
  if (!isPresent(target) || target === '') return [];
  if (typeof target !== 'string') {
    return [
      {
        code: 'FIELD_TYPE',
        path: at('failureWorkflow'),
        message: `failureWorkflow is ${describeJsonType(target)}. Set it to the name of the workflow to start when this one fails.`,
      },
    ];
  }
  if (target.startsWith('$')) {
    if (DYNAMIC_FAILURE_WORKFLOW.test(target)) return [];
    return [
      {
        code: 'FAILURE_WORKFLOW_EXPRESSION',
        path: at('failureWorkflow'),
        message: `failureWorkflow ${quote(target)} is not a form the server resolves: it only reads "$workflow.input.<name>" (no braces), so this one names no workflow. Write it as "$workflow.input.<name>" or use a literal workflow name.`,
      },
    ];
  }
  const version = typeof def.failureWorkflowVersion === 'number' ? def.failureWorkflowVersion : undefined;
  const problem = checking.known === undefined ? undefined : missingTarget(checking.known, target, version);
  if (problem === undefined) return [];
  return [
    {
      code: 'FAILURE_WORKFLOW_UNKNOWN',
      path: at('failureWorkflow'),
      message: `failureWorkflow names ${problem}, so nothing would run when this workflow fails. Add that workflow to the definitions, or fix failureWorkflow${version === undefined ? '' : '/failureWorkflowVersion'}.`,
    },
  ];
}

function subWorkflowIssues(node: TaskNode, label: string, checking: Checking): DefinitionIssue[] {
  const param = node.raw.subWorkflowParam;
  if (!isJsonObject(param)) return [];
  const inline = param.workflowDefinition;
  if (isJsonObject(inline)) {
    // Inline definitions are not registered, so they need no ownerEmail and no duplicate check.
    return checkDefinition(inline, issuePath(label, node.label, 'subWorkflowParam.workflowDefinition'), { ...checking, requireOwnerEmail: false });
  }
  if (checking.known === undefined || typeof param.name !== 'string' || param.name.includes('${')) return [];
  const version = typeof param.version === 'number' ? param.version : undefined;
  const problem = missingTarget(checking.known, param.name, version);
  if (problem === undefined) return [];
  return [
    {
      code: 'SUB_WORKFLOW_UNKNOWN',
      path: issuePath(label, node.label, 'subWorkflowParam'),
      message: `${taskTitle(node)} starts workflow ${problem}. Add that workflow to the definitions, or fix subWorkflowParam.name${version === undefined ? '' : '/version'}.`,
    },
  ];
}

/** Describes why `name` (at `version`, when given) is not among `known`; undefined when it is. */
function missingTarget(known: readonly KnownWorkflow[], name: string, version: number | undefined): string | undefined {
  const versions = known.filter((k) => k.name === name).map((k) => k.version);
  if (versions.length === 0) return `${quote(name)}, which is not among the definitions`;
  if (version !== undefined && !versions.includes(version)) {
    return `${quote(name)} version ${version}, but the definitions only have version${versions.length === 1 ? '' : 's'} ${versions.join(', ')}`;
  }
  return undefined;
}
