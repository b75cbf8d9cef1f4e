import type { WorkflowDef } from '../conductor-types.ts';
import { MAX_NESTING_DEPTH, nestingDepth, nestingProblem } from '../json-depth.ts';
import { issuePath, type DefinitionIssue } from '../issues.ts';
import { checkDataFlow } from './data-flow.ts';
import type { Contracts } from './data-flow-values.ts';
import { validateForkJoins } from './fork-join-rules.ts';
import { bindingIssues } from './json-binding.ts';
import { describeJsonType, isJsonObject, isNonBlankString, isPresent, quote, wholeNumber, type JsonObject } from './json-value.ts';
import { validateReferences } from './reference-rules.ts';
import { taskTitle, validateTask } from './task-rules.ts';
import { subWorkflowCycles } from './sub-workflow-cycles.ts';
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
   * `conductor.app.ownerEmailMandatory=true` and Orkes do. Off by default because the server this
   * project pins and tests against, conductor-oss as shipped (its jar and its Docker image), sets
   * it to false and registers workflows without one; turn it on for Orkes or a server configured
   * so (`gen` does, so that generated definitions register everywhere).
   * @default false
   */
  readonly requireOwnerEmail?: boolean;
  /**
   * The task definitions (TaskDef JSON, as `generated/tasks/*.json` holds them), to check the data
   * flow against their `inputSchema`/`outputSchema`. Giving them turns on contract mode: every
   * data-flow finding (a reference to a field a schema does not have, a value that cannot fit the
   * input it feeds, a required input left out, a script reading a name `$` does not hold, ...)
   * is then an error, as the DSL's types refuse the same mistakes; without them, the same
   * findings (those the workflows' own schemas and scripts show) are warnings. `gen` gives them.
   */
  readonly taskDefs?: readonly unknown[];
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
  /** True for an inline sub-workflow definition, which the server does not check at registration. */
  readonly inline: boolean;
  /** What the data-flow rules read: task definitions and the workflows given. */
  readonly contracts: Contracts;
  /** Contract mode: data-flow findings are errors. */
  readonly strict: boolean;
}

/** `ValidNameConstraint`: the characters a workflow name may hold when name validation is on. */
const NAME_PATTERN = /^[A-Za-z0-9_<>{}#\s-]+$/;
/** The only dynamic failureWorkflow form the server reads: the name comes from a workflow input. */
const DYNAMIC_FAILURE_WORKFLOW = /^\$workflow\.input\.[^.{}]+$/;

/**
 * Checks raw Conductor WorkflowDefs the way conductor-oss 3.32.3 does at registration, and
 * beyond. Issues of severity `error` are what that server refuses (the JSON types it cannot read,
 * its constraints, its script and JsonPath checks), plus a few rules that are deliberately
 * stricter (a fork without a JOIN; with a {@link ValidationContext}: task definitions, sub-workflow
 * targets, duplicate definitions); `warning`s are what it registers but will not work as written
 * (references it does not check, scripts it parses only at run time, values it converts). Returns
 * every problem found; never throws, whatever the input holds.
 * @example
 * const issues = validateWorkflowDefs(defs, { taskNames: new Set(taskDefs.map((t) => t.name)), complete: true });
 * const errors = issues.filter(isError);
 * if (errors.length > 0) throw new DefinitionError(errors);
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
    requireOwnerEmail: context.requireOwnerEmail ?? false,
    inline: false,
    contracts: contractsOf(defs, context.taskDefs ?? []),
    strict: context.taskDefs !== undefined,
  };
  const firstIndex = new Map<string, number>();
  const cycles = subWorkflowCycles(defs.filter((def) => nestingDepth(def) <= MAX_NESTING_DEPTH));
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
          severity: 'error',
          path: label,
          message: `Workflow ${quote(def.name)} version ${versionOf(def)} is defined more than once (first as definition ${first + 1}); registering both would overwrite one with the other. Give it a new version or remove the copy.`,
        });
      }
    }
    if (nestingDepth(def) > MAX_NESTING_DEPTH) {
      // One line, and no rule walks it: a recursive walk of thousands of levels would run out of stack.
      issues.push({ code: 'WORKFLOW_TOO_DEEP', severity: 'error', path: label, message: `The definition is nested over ${MAX_NESTING_DEPTH} levels deep; conductor-oss 3.32.3 refuses it (${nestingProblem(def)}). Nest it less deeply.` });
      return issues;
    }
    issues.push(...checkDefinition(def, label, checking));
    const cycle = isJsonObject(def) && isNonBlankString(def.name) ? cycles.get(def.name) : undefined;
    if (cycle !== undefined) {
      issues.push({
        code: 'SUB_WORKFLOW_CYCLE',
        severity: 'warning',
        path: label,
        message: `Workflow ${quote(cycle[0] as string)} starts itself again through sub-workflows (${cycle.join(' → ')}): each run nests children until a condition ends the recursion, or without end (the local runner fails it at 100 levels). Break the cycle, or make sure a SWITCH ends it.`,
      });
    }
    return issues;
  });
}

/** Task definitions by name, and the workflows among `defs` a SUB_WORKFLOW can start (a version left out is the highest, as the server starts). */
function contractsOf(defs: readonly unknown[], taskDefs: readonly unknown[]): Contracts {
  const byName = new Map<string, JsonObject>();
  for (const def of taskDefs) if (isJsonObject(def) && typeof def.name === 'string' && !byName.has(def.name)) byName.set(def.name, def);
  const workflows = defs.filter((def): def is JsonObject => isJsonObject(def) && typeof def.name === 'string');
  return {
    taskDefs: byName,
    workflow: (name, version) => {
      const named = workflows.filter((def) => def.name === name);
      if (version !== undefined) return named.find((def) => versionOf(def) === version);
      return named.reduce<JsonObject | undefined>((best, def) => (best === undefined || versionOf(def) > versionOf(best) ? def : best), undefined);
    },
  };
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
        severity: 'error',
        path: label,
        message: `A workflow definition must be a JSON object, but this is ${describeJsonType(def)}. Replace it with an object that has "name", "version", "schemaVersion": 2 and "tasks".`,
      },
    ];
  }
  // An inline definition's JSON types are checked with its parent's (the server reads it as a WorkflowDef).
  const issues = checking.inline ? [] : bindingIssues(def, label);
  issues.push(...workflowFieldIssues(def, label, checking));
  const tasks = def.tasks;
  if (!Array.isArray(tasks) || tasks.length === 0) {
    if (!isPresent(tasks) || Array.isArray(tasks)) {
      issues.push({
        code: 'WORKFLOW_TASKS_EMPTY',
        severity: 'error',
        path: issuePath(label, 'tasks'),
        message: `The workflow has ${Array.isArray(tasks) ? 'an empty tasks list' : 'no tasks'}; the server rejects it. Add at least one task to "tasks".`,
      });
    }
    return inlineAsWarnings(issues, checking);
  }
  const tree = buildTaskTree(tasks);
  const firstByRef = new Map<string, TaskNode>();
  for (const node of allTasks(tree)) {
    if (node.ref !== undefined) {
      const first = firstByRef.get(node.ref);
      if (first === undefined) firstByRef.set(node.ref, node);
      else {
        issues.push({
          code: 'REF_DUPLICATE',
          severity: 'error',
          path: issuePath(label, node.ref, 'taskReferenceName'),
          message: `Reference name ${quote(node.ref)} is used at ${first.location} and again at ${node.location}; the server rejects duplicates, nested tasks included. Give the task at ${node.location} a unique taskReferenceName.`,
        });
      }
    }
    issues.push(...validateTask(node, label, checking.taskNames));
    if (node.type === 'SUB_WORKFLOW') issues.push(...subWorkflowIssues(node, label, checking));
    if (node.type === 'START_WORKFLOW') issues.push(...startWorkflowIssues(node, label, checking));
  }
  issues.push(...validateForkJoins(tree, label));
  issues.splice(0, issues.length, ...refLookupCrashes(tree, label, issues));
  const flow = checkDataFlow(def, tree, label, { contracts: checking.contracts, strict: checking.strict });
  issues.push(...flow.issues);
  issues.push(...validateReferences(tree, def.outputParameters, label, !checking.inline, flow.settled));
  return inlineAsWarnings(issues, checking);
}

/**
 * conductor-oss 3.32.3 looks up each task named in a top-level task's inputParameters
 * (`${ref.…}`) with `WorkflowDef.getTaskByRefName`, which walks every task, nested ones included,
 * calling `getTaskReferenceName().equals(ref)`: a task without a reference name (which a loop body
 * may have: its tasks are registered unchecked) met before the task looked up, or anywhere when
 * none matches, makes the save a 500 "HV000028: Unexpected exception during isValid call" (seen
 * on the server: a SUB_WORKFLOW in a DO_WHILE's loopOver without taskReferenceName). The loop's
 * REF_MISSING warning becomes an error there.
 */
function refLookupCrashes(tree: ReturnType<typeof buildTaskTree>, label: string, issues: readonly DefinitionIssue[]): DefinitionIssue[] {
  const all = allTasks(tree);
  const unnamed = all.findIndex((node) => node.raw['taskReferenceName'] === undefined || node.raw['taskReferenceName'] === null);
  if (unnamed < 0) return [...issues];
  const looked = tree.tasks.flatMap((node) => [...JSON.stringify(node.raw['inputParameters'] ?? {}).matchAll(/\$\{([^.}\s]+)\./g)].map((m) => m[1] as string)).filter((ref) => ref !== 'workflow');
  const crashing = looked.find((ref) => {
    const at = all.findIndex((node) => node.ref === ref);
    return at < 0 || at > unnamed;
  });
  if (crashing === undefined) return [...issues];
  const node = all[unnamed] as TaskNode;
  const path = issuePath(label, node.label, 'taskReferenceName');
  return [
    ...issues.filter((issue) => !(issue.code === 'REF_MISSING' && issue.path === path)),
    {
      code: 'REF_MISSING',
      severity: 'error',
      path,
      message: `The task at ${node.location} has no taskReferenceName, and the server, looking up "${crashing}" (read by a top-level task), fails on it with 500 "HV000028: Unexpected exception during isValid call" and registers nothing. Set "taskReferenceName" to a name unique in this workflow.`,
    },
  ];
}

/**
 * conductor-oss 3.32.3 reads an inline sub-workflow definition but checks none of its rules at
 * registration: they fail when the sub-workflow starts, so they are warnings there.
 */
function inlineAsWarnings(issues: DefinitionIssue[], checking: Checking): DefinitionIssue[] {
  if (!checking.inline) return issues;
  return issues.map((issue) =>
    issue.severity === 'warning' ? issue : { ...issue, severity: 'warning', message: `The server registers inline sub-workflow definitions without checking them, so this fails only when the sub-workflow starts: ${issue.message}` },
  );
}

function workflowFieldIssues(def: JsonObject, label: string, checking: Checking): DefinitionIssue[] {
  const issues: DefinitionIssue[] = [];
  const at = (field: string): string => issuePath(label, field);
  if (!isPresent(def.name) || def.name === '') {
    issues.push({
      code: 'WORKFLOW_NAME_MISSING',
      severity: 'error',
      path: at('name'),
      message: 'The workflow has no name; the server rejects it. Set "name" to a name made of letters, digits and _ or -.',
    });
  } else if (typeof def.name === 'string' && def.name.trim() === '') {
    issues.push({
      code: 'WORKFLOW_NAME_MISSING',
      severity: 'warning',
      path: at('name'),
      message: 'The workflow name is blank; the server registers it, but it cannot be started or found by a name. Set "name" to a name made of letters, digits and _ or -.',
    });
  } else if (typeof def.name === 'string' && !NAME_PATTERN.test(def.name)) {
    issues.push({
      code: 'WORKFLOW_NAME_PATTERN',
      severity: 'warning',
      path: at('name'),
      message: `Workflow name ${quote(def.name)} has characters other than letters, digits, spaces and _ - < > { } #, which servers with conductor.app.workflow.name-validation.enabled=true reject (conductor-oss as shipped does not check). Rename it, e.g. ${quote(def.name.replace(/[^A-Za-z0-9_<>{}#\s-]/g, '_'))}.`,
    });
  }
  // schemaVersion is a Java int: left out it is 2, but null is read as 0.
  const schemaVersion = def.schemaVersion === undefined ? 2 : def.schemaVersion === null ? 0 : wholeNumber(def.schemaVersion);
  if (schemaVersion !== undefined && schemaVersion !== 2) {
    issues.push({
      code: 'SCHEMA_VERSION',
      severity: 'error',
      path: at('schemaVersion'),
      message: `schemaVersion is ${quote(def.schemaVersion)}, but the server only supports 2. Set "schemaVersion": 2.`,
    });
  }
  const timeoutSeconds = wholeNumber(def.timeoutSeconds);
  if (timeoutSeconds !== undefined && timeoutSeconds < 0) {
    issues.push({
      code: 'WORKFLOW_TIMEOUT_NEGATIVE',
      severity: 'warning',
      path: at('timeoutSeconds'),
      message: `timeoutSeconds is ${quote(def.timeoutSeconds)}; the server registers it, but a negative limit means nothing. Set it to a whole number of seconds, 0 or more (0 means no limit).`,
    });
  }
  if (checking.requireOwnerEmail && !isNonBlankString(def.ownerEmail)) {
    issues.push({
      code: 'OWNER_EMAIL_MISSING',
      severity: 'error',
      path: at('ownerEmail'),
      message: 'The workflow has no ownerEmail; servers that make it mandatory (conductor.app.ownerEmailMandatory=true, and Orkes) reject it. Set "ownerEmail" to the owning team\'s address.',
    });
  }
  issues.push(...failureWorkflowIssues(def, at, checking));
  return issues;
}

function failureWorkflowIssues(def: JsonObject, at: (field: string) => string, checking: Checking): DefinitionIssue[] {
  const target = def.failureWorkflow;
  // A failureWorkflow of the wrong JSON type is reported by json-binding.ts.
  if (typeof target !== 'string' || target === '') return [];
  if (target.startsWith('$')) {
    if (DYNAMIC_FAILURE_WORKFLOW.test(target)) return [];
    return [
      {
        code: 'FAILURE_WORKFLOW_EXPRESSION',
        severity: 'warning',
        path: at('failureWorkflow'),
        message: `failureWorkflow ${quote(target)} is not a form the server resolves: it registers it, but only reads "$workflow.input.<name>" (no braces), so this one names no workflow. Write it as "$workflow.input.<name>" or use a literal workflow name.`,
      },
    ];
  }
  const version = typeof def.failureWorkflowVersion === 'number' ? def.failureWorkflowVersion : undefined;
  const problem = checking.known === undefined ? undefined : missingTarget(checking.known, target, version);
  if (problem === undefined) return [];
  return [
    {
      code: 'FAILURE_WORKFLOW_UNKNOWN',
      severity: 'error',
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
    return checkDefinition(inline, issuePath(label, node.label, 'subWorkflowParam.workflowDefinition'), { ...checking, requireOwnerEmail: false, inline: true });
  }
  if (checking.known === undefined || typeof param.name !== 'string' || param.name.includes('${')) return [];
  const version = typeof param.version === 'number' ? param.version : undefined;
  const problem = missingTarget(checking.known, param.name, version);
  if (problem === undefined) return [];
  return [
    {
      code: 'SUB_WORKFLOW_UNKNOWN',
      severity: 'error',
      path: issuePath(label, node.label, 'subWorkflowParam'),
      message: `${taskTitle(node)} starts workflow ${problem}. Add that workflow to the definitions, or fix subWorkflowParam.name${version === undefined ? '' : '/version'}.`,
    },
  ];
}

/**
 * A START_WORKFLOW whose target is not among the definitions: the server registers it, and the
 * task fails when it runs (`StartWorkflow` cannot find the definition).
 */
function startWorkflowIssues(node: TaskNode, label: string, checking: Checking): DefinitionIssue[] {
  const request = isJsonObject(node.raw.inputParameters) ? node.raw.inputParameters['startWorkflow'] : undefined;
  if (checking.known === undefined || !isJsonObject(request) || typeof request['name'] !== 'string' || request['name'].includes('${')) return [];
  const version = typeof request['version'] === 'number' ? request['version'] : undefined;
  const problem = missingTarget(checking.known, request['name'], version);
  if (problem === undefined) return [];
  return [
    {
      code: 'START_WORKFLOW_UNKNOWN',
      severity: 'error',
      path: issuePath(label, node.label, 'inputParameters.startWorkflow'),
      message: `${taskTitle(node)} starts workflow ${problem}, so the task would fail when it runs. Add that workflow to the definitions (for gen: list it in workflows), or fix startWorkflow.name${version === undefined ? '' : '/version'}.`,
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
