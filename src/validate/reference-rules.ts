import { issuePath, type DefinitionIssue } from '../issues.ts';
import { findReferences, findUnclosedExpressions, type ExpressionReference } from './expressions.ts';
import { jsonPathProblem } from './json-path-syntax.ts';
import { isJsonObject, quote } from './json-value.ts';
import { refusedReferences } from './server-references.ts';
import { taskTitle } from './task-rules.ts';
import { allTasks, nestedRefs, type TaskList, type TaskNode, type TaskStep } from './task-tree.ts';

/**
 * Roots Conductor resolves without a task: the workflow itself and the system parameters of
 * `EnvUtils.SystemParameters` (the server's tests use `${CPEWF_TASK_ID}`).
 */
export const BUILT_IN_ROOTS: ReadonlySet<string> = new Set(['workflow', 'CPEWF_TASK_ID', 'NETFLIX_ENV', 'NETFLIX_STACK']);

/** The fields of a task whose `${...}` expressions are resolved against the running workflow, as [field, value] pairs. */
export function expressionFields(node: TaskNode): [string, unknown][] {
  const { raw } = node;
  const fields: [string, unknown][] = [
    ['inputParameters', raw.inputParameters],
    ['expression', raw.expression],
    ['caseExpression', raw.caseExpression],
  ];
  if (isJsonObject(raw.subWorkflowParam)) {
    // An inline workflowDefinition has its own tasks and is checked as a workflow of its own.
    const { workflowDefinition: _inline, ...param } = raw.subWorkflowParam;
    fields.push(['subWorkflowParam', param]);
  }
  return fields;
}

/**
 * Checks every `${...}` reference in a workflow. Errors where conductor-oss 3.32.3 refuses the
 * workflow (server-references.ts: the top-level tasks' inputParameters). Everywhere else,
 * warnings, since the server registers the workflow and the reference reads null at run time:
 * in tasks (top-level and nested) a reference should name `workflow`, a system parameter, or a
 * task that has run before this one; in the workflow's outputParameters any task of the
 * workflow; and every path should be one Jayway compiles.
 *
 * "Before" means: earlier in the same list, earlier in an enclosing list (including the
 * enclosing task itself), or anywhere inside an earlier sibling (a previous fork's branches,
 * a previous switch's cases, a previous loop's body). Inside a DO_WHILE every task of the body
 * and the loop itself may be read, since later body tasks ran in the previous iteration.
 * `settled` holds expressions (`expressionKey(path, expression)`) another rule reported already:
 * the data-flow rules' REF_READS_NULL, which names the same reference where a value is needed.
 */
export function validateReferences(tasks: TaskList, outputParameters: unknown, workflowLabel: string, serverChecked = true, settled: ReadonlySet<string> = new Set()): DefinitionIssue[] {
  const checker = new ReferenceChecker(tasks, workflowLabel, serverChecked, settled);
  checker.walk(tasks, new Set());
  checker.checkOutput(outputParameters);
  return checker.issues;
}

/** Key of one expression at one place (its issue path), to keep a warning from repeating what another rule reported. */
export const expressionKey = (path: string, expression: string): string => `${path}\u0000${expression}`;

class ReferenceChecker {
  readonly issues: DefinitionIssue[] = [];
  private readonly byRef = new Map<string, TaskNode>();
  /** Expressions the server refuses, already reported as errors. */
  private readonly refused = new Set<string>();

  /**
   * @param serverChecked false for an inline sub-workflow definition, whose references the server does not check.
   * @param settled expressions another rule already reported (the data-flow rules: a reference that reads null where a value is needed).
   */
  constructor(
    tasks: TaskList,
    private readonly workflowLabel: string,
    serverChecked: boolean,
    private readonly settled: ReadonlySet<string>,
  ) {
    for (const node of allTasks(tasks)) if (node.ref !== undefined && !this.byRef.has(node.ref)) this.byRef.set(node.ref, node);
    const refused = serverChecked ? refusedReferences(tasks.tasks, new Set(this.byRef.keys()), workflowLabel) : [];
    for (const { issue, expression } of refused) {
      this.issues.push(issue);
      this.refused.add(expressionKey(issue.path, expression));
    }
  }

  walk(list: TaskList, before: ReadonlySet<string>): void {
    const visible = new Set(before);
    for (const node of list.tasks) {
      const own = node.ref === undefined ? [] : [node.ref];
      const scope = node.type === 'DO_WHILE' ? new Set([...visible, ...own, ...nestedRefs(node)]) : visible;
      this.checkTask(node, scope);
      const inside = new Set([...scope, ...own]);
      for (const child of node.children) this.walk(child, inside);
      for (const ref of [...own, ...nestedRefs(node)]) visible.add(ref);
    }
  }

  checkOutput(outputParameters: unknown): void {
    const everything = new Set(this.byRef.keys());
    for (const reference of findReferences(outputParameters, 'outputParameters')) {
      const { expression, root, at } = reference;
      const path = issuePath(this.workflowLabel, at);
      if (this.checkPath(reference, path) || root === undefined || BUILT_IN_ROOTS.has(root) || everything.has(root)) continue;
      this.issues.push({
        code: 'REF_UNKNOWN',
        severity: 'warning',
        path,
        message: `${quote(`\${${expression}}`)} references ${quote(root)}, which is not a task in this workflow, so it reads null (the server does not check outputParameters). Reference "workflow" or the taskReferenceName of one of its tasks.`,
      });
    }
    this.checkUnclosed(outputParameters, 'outputParameters', undefined);
  }

  private checkTask(node: TaskNode, visible: ReadonlySet<string>): void {
    for (const [field, value] of expressionFields(node)) {
      for (const reference of findReferences(value, field)) {
        const { expression, root, at } = reference;
        const path = issuePath(this.workflowLabel, node.label, at);
        if (this.checkPath(reference, path) || root === undefined || BUILT_IN_ROOTS.has(root) || visible.has(root)) continue;
        const shown = quote(`\${${expression}}`);
        const target = this.byRef.get(root);
        if (target === undefined) {
          this.issues.push({
            code: 'REF_UNKNOWN',
            severity: 'warning',
            path,
            message: `${shown} references ${quote(root)}, which is not a task in this workflow, so it reads null (the server checks references only in top-level tasks' inputParameters). Reference "workflow" or the taskReferenceName of a task that runs before this one.`,
          });
        } else {
          const { reason, fix } = describeOrder(node, target);
          this.issues.push({ code: 'REF_NOT_UPSTREAM', severity: 'warning', path, message: `${shown} references ${quote(root)}, ${reason}, so it reads null there (the server does not check the order). ${fix}` });
        }
      }
      this.checkUnclosed(value, field, node);
    }
  }

  /**
   * True when the expression is already settled: refused by the server (reported as an error),
   * or a path Jayway cannot compile (reported here as a warning: it reads null at run time).
   */
  private checkPath({ expression }: ExpressionReference, path: string): boolean {
    if (this.refused.has(expressionKey(path, expression)) || this.settled.has(expressionKey(path, expression))) return true;
    // Nested expressions are resolved before the path is compiled: only plain paths can be checked.
    if (expression.includes('${')) return false;
    const problem = jsonPathProblem(expression);
    if (problem === undefined) return false;
    this.issues.push({
      code: 'JSONPATH_INVALID',
      severity: 'warning',
      path,
      message: `${quote(`\${${expression}}`)} is not a JsonPath the server can compile (${problem}), so it reads null at run time (the server refuses it only in top-level tasks' inputParameters). Fix the path, e.g. close its brackets, use ['my key'] for names with spaces, and do not end it with a dot.`,
    });
    return true;
  }

  private checkUnclosed(value: unknown, field: string, node: TaskNode | undefined): void {
    for (const { at, text } of findUnclosedExpressions(value, field)) {
      this.issues.push({
        code: 'EXPRESSION_UNCLOSED',
        severity: 'warning',
        path: issuePath(this.workflowLabel, node?.label, at),
        message: `${quote(text)} opens "\${" without a closing "}", so Conductor passes it on as plain text. Close the expression with "}", or write "$\${" for a literal "\${".`,
      });
    }
  }
}

/** Says why `target` has not run when `from` starts, and what to do about it. */
export function describeOrder(from: TaskNode, target: TaskNode): { reason: string; fix: string } {
  const before = 'Reference only tasks that run before this one';
  if (from === target) return { reason: "which is this task itself: a task's input is resolved before it runs", fix: `${before}.` };
  let k = 0;
  while (k < from.trail.length && k < target.trail.length && sameStep(from.trail[k], target.trail[k])) k++;
  const mine = from.trail[k];
  const theirs = target.trail[k];
  if (mine === undefined) return { reason: `which runs inside ${taskTitle(from)}, after its input is resolved`, fix: `${before}.` };
  if (theirs === undefined || mine.list === theirs.list) {
    return { reason: `which runs after ${quote(from.label)}`, fix: `${before}, or move ${quote(target.label)} earlier.` };
  }
  const owner = mine.owner;
  const ownerName = quote(owner?.label ?? '');
  if (owner?.type === 'FORK_JOIN') {
    return {
      reason: `which runs in a parallel branch of fork ${ownerName} and may not have finished`,
      fix: `Read it after the fork's JOIN, or move ${quote(target.label)} before the fork.`,
    };
  }
  return {
    reason: `which is in another case of ${ownerName}, so it never runs in the same pass as this task`,
    fix: `${before}, or move ${quote(target.label)} before ${ownerName}.`,
  };
}

function sameStep(a: TaskStep | undefined, b: TaskStep | undefined): boolean {
  return a !== undefined && b !== undefined && a.list === b.list && a.index === b.index;
}
