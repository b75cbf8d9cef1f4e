import type { DefinitionIssue } from '../issues.ts';
import { hasKey, isJsonObject, isNonBlankString, isPresent, quote, type JsonObject } from './json-value.ts';
import { scriptSyntaxError } from './script-syntax.ts';

/** What a per-type rule gets: one raw task and how to name it. */
export interface TaskRuleInput {
  readonly task: JsonObject;
  /** The task as messages name it, e.g. `SWITCH "route"`. */
  readonly title: string;
  /** The issue path of one of the task's fields (or of the task itself). */
  readonly at: (field?: string) => string;
}

/** Checks the fields one task type needs; returns every problem. */
export type TaskTypeRule = (input: TaskRuleInput) => DefinitionIssue[];

const SWITCH_EVALUATORS = ['value-param', 'javascript', 'graaljs'];
const TERMINATION_STATUSES = ['COMPLETED', 'FAILED', 'TERMINATED'];
/**
 * `DateTimeUtils.parseDuration`: days, hours, minutes, seconds, each optional, in that order. The
 * same language as the server's pattern, written so that each run of spaces has one way to match
 * (the server's five adjacent `\s*` backtrack for seconds on 180 spaces and an `x`).
 */
const WAIT_DURATION = /^\s*(?:\d+\s*(?:days?|d)\s*)?(?:\d+\s*(?:hours?|hrs?|h)\s*)?(?:\d+\s*(?:minutes?|mins?|m)\s*)?(?:\d+\s*(?:seconds?|secs?|s)\s*)?$/i;
/** `DateTimeUtils.parseDate`: `yyyy-MM-dd HH:mm z`, `yyyy-MM-dd HH:mm` or `yyyy-MM-dd`. */
const WAIT_UNTIL = /^\d+-\d+-\d+(?: \d+:\d+(?: (?:[A-Za-z][\w/+:-]*|[+-]\d{2}:?\d{2}))?)?$/;

const inputs = (task: JsonObject): JsonObject => (isJsonObject(task.inputParameters) ? task.inputParameters : {});

/** True when an input (or the embedded TaskDef's inputTemplate) sets one of `keys`. */
function hasInput(task: JsonObject, keys: readonly string[]): boolean {
  const template = isJsonObject(task.taskDefinition) ? task.taskDefinition.inputTemplate : undefined;
  return keys.some((key) => hasKey(task.inputParameters, key) || hasKey(template, key));
}

// Values of the wrong JSON type are reported by json-binding.ts, so these only catch absence.
/** True when a list field is left out (the server's default is an empty list) or empty. */
const noItems = (value: unknown): boolean => (Array.isArray(value) ? value.length === 0 : value === undefined);
/** True when decisionCases is left out or has no case (a null one crashes the server: task-rules.ts). */
const noCases = (value: unknown): boolean => (isJsonObject(value) ? Object.keys(value).length === 0 : value === undefined);

/**
 * WAIT and TERMINATE read their inputParameters without a null check: conductor-oss 3.32.3
 * answers 500 "HV000028: Unexpected exception during isValid call" to `"inputParameters": null`.
 */
function nullInputs({ title, at }: TaskRuleInput): DefinitionIssue[] {
  return [
    {
      code: 'FIELD_NULL',
      severity: 'error',
      path: at('inputParameters'),
      message: `${title}: inputParameters is null; the server fails on it (500 "HV000028: Unexpected exception during isValid call") and registers nothing. Make inputParameters an object.`,
    },
  ];
}

/**
 * A parameter that names an input key should name one the task has; the server does not check
 * (the task reads null at run time), so this is a warning.
 */
function paramNamesInput(input: TaskRuleInput, field: string, code: string): DefinitionIssue[] {
  const name = input.task[field];
  if (typeof name !== 'string' || hasKey(input.task.inputParameters, name)) return [];
  const keys = Object.keys(inputs(input.task));
  return [
    {
      code,
      severity: 'warning',
      path: input.at(field),
      message: `${input.title} reads input parameter ${quote(name)} (${field}), but its inputParameters ${keys.length === 0 ? 'are empty' : `only have ${keys.map((k) => quote(k)).join(', ')}`}, so it always reads null. Add ${quote(name)} to inputParameters, or set ${field} to one of its keys.`,
    },
  ];
}

/**
 * A script's syntax error as an issue. `checked`: the server parses this script at registration
 * (a SWITCH with evaluatorType "javascript", a DECISION's caseExpression) and answers 400
 * "Expression is not well formatted"; otherwise it registers the definition and the script fails
 * when it runs, which is a warning.
 */
function scriptIssue(input: TaskRuleInput, field: string, script: unknown, checked: boolean): DefinitionIssue[] {
  if (typeof script !== 'string') return [];
  const error = scriptSyntaxError(script);
  if (error === undefined) return [];
  const consequence = checked ? 'the server refuses it (400 "Expression is not well formatted")' : 'the server registers it, but the task fails when the script runs';
  return [
    {
      code: 'SCRIPT_SYNTAX',
      severity: checked ? 'error' : 'warning',
      path: input.at(field),
      message: `${input.title}: ${field} is not valid JavaScript (${error.message.replace(/ \(\d+:\d+\)$/, '')} at line ${error.line}, column ${error.column}), so ${consequence}. Fix the script's syntax.`,
    },
  ];
}

const SWITCH: TaskTypeRule = (input) => {
  const { task, title, at } = input;
  const issues: DefinitionIssue[] = [];
  if (!isPresent(task.evaluatorType)) {
    issues.push({
      code: 'SWITCH_EVALUATOR_MISSING',
      severity: 'error',
      path: at('evaluatorType'),
      message: `${title} has no evaluatorType; the server rejects it. Set evaluatorType to "value-param" (expression names an input parameter) or "graaljs" (expression is JavaScript).`,
    });
  } else if (!(typeof task.evaluatorType === 'string' && SWITCH_EVALUATORS.includes(task.evaluatorType))) {
    issues.push({
      code: 'SWITCH_EVALUATOR_UNKNOWN',
      severity: 'warning',
      path: at('evaluatorType'),
      message: `${title} has evaluatorType ${quote(task.evaluatorType)}, which the server registers but cannot evaluate, so the task fails when it runs. Use "value-param", "javascript" or "graaljs".`,
    });
  }
  // conductor-oss 3.32.3 asks for an expression only when evaluatorType is set, and only that it is not null.
  if (!isPresent(task.expression)) {
    issues.push({
      code: 'SWITCH_EXPRESSION_MISSING',
      severity: 'error',
      path: at('expression'),
      message: `${title} has no expression; the server rejects it. Set expression to the input parameter name (value-param) or a JavaScript expression.`,
    });
  } else if (!isNonBlankString(task.expression)) {
    issues.push({
      code: 'SWITCH_EXPRESSION_MISSING',
      severity: 'warning',
      path: at('expression'),
      message: `${title} has a blank expression, which the server registers, but no case can ever be chosen from it. Set expression to the input parameter name (value-param) or a JavaScript expression.`,
    });
  } else if (task.evaluatorType === 'value-param') {
    issues.push(...paramNamesInput(input, 'expression', 'VALUE_PARAM_NOT_INPUT'));
  } else {
    issues.push(...scriptIssue(input, 'expression', task.expression, task.evaluatorType === 'javascript'));
  }
  if (noCases(task.decisionCases)) {
    issues.push({
      code: 'SWITCH_CASES_EMPTY',
      severity: 'error',
      path: at('decisionCases'),
      message: `${title} has no decisionCases; the server rejects a switch without cases. Add at least one case, e.g. { "true": [ ...tasks ] }.`,
    });
  }
  return issues;
};

const DECISION: TaskTypeRule = (input) => {
  const { task, title, at } = input;
  const issues: DefinitionIssue[] = [];
  if (!isPresent(task.caseValueParam) && !isPresent(task.caseExpression)) {
    issues.push({
      code: 'DECISION_CASE_PARAM_MISSING',
      severity: 'error',
      path: at('caseValueParam'),
      message: `${title} has neither caseValueParam nor caseExpression; the server rejects it. Set caseValueParam to an input parameter name, or better, change the task to a SWITCH.`,
    });
  } else if (isPresent(task.caseExpression)) {
    // The server parses a DECISION's caseExpression whatever else the task says.
    issues.push(...scriptIssue(input, 'caseExpression', task.caseExpression, true));
  } else {
    issues.push(...paramNamesInput(input, 'caseValueParam', 'VALUE_PARAM_NOT_INPUT'));
  }
  if (noCases(task.decisionCases)) {
    issues.push({
      code: 'DECISION_CASES_EMPTY',
      severity: 'error',
      path: at('decisionCases'),
      message: `${title} has no decisionCases; the server rejects it. Add at least one case, e.g. { "true": [ ...tasks ] }.`,
    });
  }
  return issues;
};

const FORK_JOIN: TaskTypeRule = ({ task, title, at }) => {
  const branches = task.forkTasks;
  if (noItems(branches)) {
    return [
      {
        code: 'FORK_EMPTY',
        severity: 'error',
        path: at('forkTasks'),
        message: `${title} has no branches; the server rejects an empty fork. Add at least one branch to forkTasks, or remove the fork.`,
      },
    ];
  }
  if (!Array.isArray(branches)) return [];
  return branches.flatMap((branch: unknown, i): DefinitionIssue[] =>
    Array.isArray(branch) && branch.length === 0
      ? [
          {
            code: 'FORK_BRANCH_EMPTY',
            severity: 'warning',
            path: at(`forkTasks[${i}]`),
            message: `Branch ${i} of ${title} has no tasks; the server registers it, but the branch does nothing. Add a task to the branch, or remove it.`,
          },
        ]
      : [],
  );
};

const FORK_JOIN_DYNAMIC: TaskTypeRule = (input) => {
  const { task, title, at } = input;
  const notInputs = (): DefinitionIssue[] =>
    ['dynamicForkJoinTasksParam', 'dynamicForkTasksParam', 'dynamicForkTasksInputParamName'].flatMap((field) => paramNamesInput(input, field, 'DYNAMIC_FORK_PARAM_NOT_INPUT'));
  // conductor-oss 3.32.3: inputParameters.forkTaskInputs is valid on its own, whatever else is set.
  if (hasKey(task.inputParameters, 'forkTaskInputs')) return notInputs();
  const legacy = isPresent(task.dynamicForkJoinTasksParam);
  const tasksParam = isPresent(task.dynamicForkTasksParam);
  const inputName = isPresent(task.dynamicForkTasksInputParamName);
  if (legacy && (tasksParam || inputName)) {
    return [
      {
        code: 'DYNAMIC_FORK_PARAMS_CONFLICT',
        severity: 'error',
        path: at('dynamicForkJoinTasksParam'),
        message: `${title} sets the deprecated dynamicForkJoinTasksParam together with dynamicForkTasksParam/dynamicForkTasksInputParamName; the server rejects the mix. Remove dynamicForkJoinTasksParam.`,
      },
    ];
  }
  if (!legacy && !(tasksParam && inputName)) {
    const missing = tasksParam ? 'dynamicForkTasksInputParamName' : inputName ? 'dynamicForkTasksParam' : 'both dynamicForkTasksParam and dynamicForkTasksInputParamName';
    return [
      {
        code: 'DYNAMIC_FORK_PARAMS_MISSING',
        severity: 'error',
        path: at(tasksParam ? 'dynamicForkTasksInputParamName' : 'dynamicForkTasksParam'),
        message: `${title} does not say what to fork: ${missing} ${missing.startsWith('both') ? 'are' : 'is'} missing and inputParameters has no forkTaskInputs; the server rejects it. Set inputParameters.forkTaskName and inputParameters.forkTaskInputs (one fork per item), or set both dynamicForkTasksParam and dynamicForkTasksInputParamName.`,
      },
    ];
  }
  return notInputs();
};

const DO_WHILE: TaskTypeRule = (input) => {
  const { task, title, at } = input;
  const issues: DefinitionIssue[] = [];
  const ref = isNonBlankString(task.taskReferenceName) ? task.taskReferenceName : 'loop';
  // The server only requires the field: an empty condition runs the body once.
  if (!isPresent(task.loopCondition)) {
    issues.push({
      code: 'DO_WHILE_CONDITION_MISSING',
      severity: 'error',
      path: at('loopCondition'),
      message: `${title} has no loopCondition; the server rejects it. Set loopCondition to JavaScript that returns true while the loop should go on, e.g. "$.${ref}['iteration'] < 3".`,
    });
  } else {
    issues.push(...scriptIssue(input, 'loopCondition', task.loopCondition, false));
  }
  // DoWhile reads keepLastN from the definition, unresolved, and casts it to Integer.
  const keep = inputs(task).keepLastN;
  if (keep !== undefined && keep !== null && !(typeof keep === 'number' && Number.isInteger(keep) && keep > 0)) {
    issues.push({
      code: 'DO_WHILE_KEEP_LAST_N',
      severity: 'warning',
      path: at('inputParameters.keepLastN'),
      message: `${title} has keepLastN ${quote(keep)}; the server registers it, but reads it unresolved as a whole number (DoWhile casts it to Integer): text, an expression included, fails the loop when it runs, and 0 or less drops every iteration's output. Set inputParameters.keepLastN to a literal whole number, 1 or more.`,
    });
  }
  if (noItems(task.loopOver)) {
    issues.push({
      code: 'DO_WHILE_BODY_EMPTY',
      severity: 'error',
      path: at('loopOver'),
      message: `${title} has no tasks in loopOver; the server rejects an empty loop. Add the tasks to repeat to loopOver.`,
    });
  }
  return issues;
};

/**
 * INLINE: the script is an input parameter, so its `${...}` expressions are replaced by their
 * values before it runs; it is parsed only then, so a syntax error is a warning. Each
 * `${...}` is checked here as if it were an identifier.
 */
const INLINE: TaskTypeRule = (input) => {
  const { evaluatorType, expression } = inputs(input.task);
  if ((evaluatorType !== 'javascript' && evaluatorType !== 'graaljs') || typeof expression !== 'string') return [];
  return scriptIssue(input, 'inputParameters.expression', withoutExpressions(expression), false);
};

/** Replaces each `${...}` (nested ones included) by an identifier: an INLINE script as it is parsed once its expressions are resolved. */
export function withoutExpressions(script: string): string {
  let text = script;
  for (let previous = ''; previous !== text; ) {
    previous = text;
    text = text.replace(/(?<!\$)\$\{[^${}]*\}/g, '_resolved_');
  }
  return text;
}

const SUB_WORKFLOW: TaskTypeRule = ({ task, title, at }) => {
  const param = task.subWorkflowParam;
  if (!isPresent(param)) {
    return [
      {
        code: 'SUB_WORKFLOW_PARAM_MISSING',
        severity: 'error',
        path: at('subWorkflowParam'),
        message: `${title} has no subWorkflowParam; the server rejects it. Set subWorkflowParam to { "name": "<workflow>", "version": <n> }.`,
      },
    ];
  }
  if (isJsonObject(param) && !isNonBlankString(param.name) && !isPresent(param.workflowDefinition)) {
    return [
      {
        code: 'SUB_WORKFLOW_NAME_MISSING',
        severity: 'warning',
        path: at('subWorkflowParam.name'),
        message: `${title} has no subWorkflowParam.name; the server registers it, but the task fails when it runs, having no workflow to start. Set subWorkflowParam.name to the workflow to start (or give an inline workflowDefinition).`,
      },
    ];
  }
  return [];
};

const DYNAMIC: TaskTypeRule = (input) => {
  if (isPresent(input.task.dynamicTaskNameParam)) return paramNamesInput(input, 'dynamicTaskNameParam', 'DYNAMIC_PARAM_NOT_INPUT');
  return [
    {
      code: 'DYNAMIC_NAME_PARAM_MISSING',
      severity: 'error',
      path: input.at('dynamicTaskNameParam'),
      message: `${input.title} has no dynamicTaskNameParam; the server rejects it. Set dynamicTaskNameParam to the input parameter that holds the task name to run.`,
    },
  ];
};

/** A system task that takes its request from one input (or the registered TaskDef's inputTemplate). */
function requiresInput(keys: readonly string[], code: string, fix: string): TaskTypeRule {
  return ({ task, title, at }) =>
    hasInput(task, keys)
      ? []
      : [
          {
            code,
            severity: 'error',
            path: at(`inputParameters.${keys[0] ?? ''}`),
            message: `${title} has no inputParameters.${keys[0] ?? ''}; the server rejects it unless the registered task definition's inputTemplate supplies one. ${fix}`,
          },
        ];
}

const TERMINATE: TaskTypeRule = (input) => {
  if (input.task.inputParameters === null) return nullInputs(input);
  const { task, title, at } = input;
  const issues: DefinitionIssue[] = [];
  // `optional` as the server reads it: true, "true" in any of its spellings, or a non-zero number.
  const optional = task.optional === true || (typeof task.optional === 'string' && task.optional.toLowerCase() === 'true') || (typeof task.optional === 'number' && task.optional !== 0);
  if (optional) {
    issues.push({
      code: 'TERMINATE_OPTIONAL',
      severity: 'error',
      path: at('optional'),
      message: `${title} is optional; the server rejects an optional TERMINATE. Remove "optional": true.`,
    });
  }
  const status = inputs(task).terminationStatus;
  if (typeof status !== 'string' || !TERMINATION_STATUSES.includes(status)) {
    issues.push({
      code: 'TERMINATE_STATUS',
      severity: 'error',
      path: at('inputParameters.terminationStatus'),
      message: `${title} has terminationStatus ${isPresent(status) ? quote(status) : 'missing'}; the server needs the literal text COMPLETED, FAILED or TERMINATED (not an expression). Set inputParameters.terminationStatus to one of them.`,
    });
  }
  return issues;
};

const WAIT: TaskTypeRule = (input) => {
  if (input.task.inputParameters === null) return nullInputs(input);
  const { task, title, at } = input;
  const issues: DefinitionIssue[] = [];
  const { duration, until } = inputs(task);
  const given = (value: unknown): boolean => isPresent(value) && String(value).trim() !== '';
  const literal = (value: unknown): boolean => typeof value !== 'string' || !value.startsWith('${');
  if (given(duration) && given(until)) {
    issues.push({
      code: 'WAIT_BOTH',
      severity: 'error',
      path: at('inputParameters'),
      message: `${title} sets both duration and until; the server rejects that. Keep only one of inputParameters.duration and inputParameters.until.`,
    });
  }
  if (given(duration) && literal(duration) && !(typeof duration === 'string' && WAIT_DURATION.test(duration))) {
    issues.push({
      code: 'WAIT_DURATION_FORMAT',
      severity: 'error',
      path: at('inputParameters.duration'),
      message: `${title} has duration ${quote(duration)}, which the server cannot parse. Write it as days, hours, minutes, seconds in that order, e.g. "2d 3h 10m 5s" or "30s".`,
    });
  }
  if (given(until) && literal(until) && !(typeof until === 'string' && WAIT_UNTIL.test(until))) {
    issues.push({
      code: 'WAIT_UNTIL_FORMAT',
      severity: 'error',
      path: at('inputParameters.until'),
      message: `${title} has until ${quote(until)}, which the server cannot parse. Write it as "yyyy-MM-dd HH:mm z", e.g. "2030-01-31 18:30 UTC".`,
    });
  }
  return issues;
};

/**
 * The queues conductor-oss 3.32.3 as shipped publishes to (`Event.computeQueueName`, `EventQueues`):
 * `conductor` and `conductor:<name>`. It registers any sink, but a sink of another type (amqp,
 * sqs, kafka, nats) fails the task at run time with `Unknown queue type`, so that is a warning.
 */
export const CONDUCTOR_SINK = /^conductor(?::[^:\s]+)?$/;

const EVENT: TaskTypeRule = ({ task, title, at }) => {
  if (!isPresent(task.sink)) {
    return [
      {
        code: 'EVENT_SINK_MISSING',
        severity: 'error',
        path: at('sink'),
        message: `${title} has no sink; the server rejects it. Set sink to where the event goes: "conductor" or "conductor:<name>".`,
      },
    ];
  }
  const sink = task.sink;
  if (typeof sink === 'string' && !sink.includes('${') && !CONDUCTOR_SINK.test(sink)) {
    return [
      {
        code: 'EVENT_SINK_UNSUPPORTED',
        severity: 'warning',
        path: at('sink'),
        message: `${title} publishes to ${quote(sink)}, a queue conductor-oss 3.32.3 does not have (the task fails with "Unknown queue type"; only conductor queues are built in). Use "conductor" or "conductor:<name>".`,
      },
    ];
  }
  return [];
};

/**
 * Task types conductor-oss 3.32.3 does not run (Orkes has them). The server registers a
 * definition using one, but has no system task of that name: the task waits SCHEDULED for a
 * worker polling a queue named after the type, for ever (observed on the real server, a run
 * started and read back). Refused here, each with what to use instead.
 */
export const UNSUPPORTED_TASK_TYPES: Readonly<Record<string, string>> = {
  HTTP_POLL: 'Poll with an HTTP task inside a DO_WHILE whose loopCondition checks the response (a WAIT between tries), or with a worker.',
  WAIT_FOR_WEBHOOK:
    'Use a WAIT task (no duration) that the webhook receiver completes through the API (POST /api/tasks with the task id, or POST /api/tasks/{workflowId}/{ref}/COMPLETED), or an EVENT handler with a complete_task action.',
};

function unsupported(type: string, fix: string): TaskTypeRule {
  return ({ title, at }) => [
    {
      code: 'TASK_TYPE_UNSUPPORTED',
      severity: 'error',
      path: at('type'),
      message: `${title}: conductor-oss 3.32.3 has no ${type} task (an Orkes task type); it registers the definition, but the task then waits SCHEDULED for ever, as a worker task nobody polls. ${fix}`,
    },
  ];
}

/** START_WORKFLOW fails when it runs without a request naming the workflow (`StartWorkflow.getRequest`); the server registers it. */
const START_WORKFLOW: TaskTypeRule = ({ task, title, at }) => {
  const request = inputs(task).startWorkflow;
  if (!isPresent(request)) {
    return [
      {
        code: 'START_WORKFLOW_REQUEST_MISSING',
        severity: 'warning',
        path: at('inputParameters.startWorkflow'),
        message: `${title} has no inputParameters.startWorkflow; the server registers it, but the task fails when it runs ("Missing 'startWorkflow' in input data."). Set inputParameters.startWorkflow to { "name": "<workflow>", "version": <n>, "input": { ... } }.`,
      },
    ];
  }
  if (isJsonObject(request) && !isNonBlankString(request.name)) {
    return [
      {
        code: 'START_WORKFLOW_NAME_MISSING',
        severity: 'warning',
        path: at('inputParameters.startWorkflow.name'),
        message: `${title} names no workflow to start; the server registers it, but the task fails when it runs ("startWorkflow validation failed"). Set inputParameters.startWorkflow.name.`,
      },
    ];
  }
  return [];
};

/** KAFKA_PUBLISH: the request must be there (the server refuses it otherwise) and, when written out, name the brokers, topic and value it fails without. */
const KAFKA_PUBLISH: TaskTypeRule = (input) => {
  const missingRequest = requiresInput(['kafka_request'], 'KAFKA_REQUEST_MISSING', 'Add inputParameters.kafka_request with "bootStrapServers", "topic" and "value".')(input);
  if (missingRequest.length > 0) return missingRequest;
  const request = inputs(input.task).kafka_request;
  if (!isJsonObject(request)) return [];
  return (['bootStrapServers', 'topic', 'value'] as const)
    .filter((field) => !isPresent(request[field]) || (field !== 'value' && !isNonBlankString(request[field])))
    .map((field) => ({
      code: 'KAFKA_REQUEST_FIELD_MISSING',
      severity: 'warning' as const,
      path: input.at(`inputParameters.kafka_request.${field}`),
      message: `${input.title}'s kafka_request has no ${field}; the server registers it, but the task fails when it runs. Set inputParameters.kafka_request.${field}.`,
    }));
};

/**
 * The registration rules of each task type (`WorkflowTaskTypeConstraint`), keyed by `type`, with
 * the severity the server gives them: errors for what it refuses, warnings for what it registers
 * but fails on at run time (INLINE's script), and the types the server does not run
 * ({@link UNSUPPORTED_TASK_TYPES}). Types without an entry (SIMPLE, JOIN, LAMBDA, NOOP,
 * SET_VARIABLE, HUMAN, USER_TASK, EXCLUSIVE_JOIN, ...) have no rules of their own.
 */
export const TASK_TYPE_RULES: Readonly<Record<string, TaskTypeRule>> = {
  SWITCH,
  DECISION,
  FORK_JOIN,
  FORK_JOIN_DYNAMIC,
  DO_WHILE,
  SUB_WORKFLOW,
  INLINE,
  DYNAMIC,
  HTTP: requiresInput(['http_request', 'uri', 'method'], 'HTTP_REQUEST_MISSING', 'Add inputParameters.http_request with at least "uri" and "method".'),
  KAFKA_PUBLISH,
  START_WORKFLOW,
  ...Object.fromEntries(Object.entries(UNSUPPORTED_TASK_TYPES).map(([type, fix]) => [type, unsupported(type, fix)])),
  JSON_JQ_TRANSFORM: requiresInput(['queryExpression'], 'JQ_QUERY_MISSING', 'Add inputParameters.queryExpression with the jq program to run.'),
  TERMINATE,
  WAIT,
  EVENT,
};

/** Applies the rules of a task's type; types without rules give no issues. */
export function validateTaskType(type: string, input: TaskRuleInput): DefinitionIssue[] {
  const rule = Object.hasOwn(TASK_TYPE_RULES, type) ? TASK_TYPE_RULES[type] : undefined;
  return rule === undefined ? [] : rule(input);
}
