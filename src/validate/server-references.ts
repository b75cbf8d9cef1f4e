/**
 * The one reference check conductor-oss 3.32.3 makes at registration
 * (`TaskReferenceNameUniqueConstraint` → `ConstraintParamUtil.validateInputParam`), exactly as it
 * makes it: only the inputParameters of the workflow's top-level tasks; each string is split
 * before every `${` (not after a `$`) and after every `}`; a piece that starts with `${` and ends
 * with `}` must be a path Jayway compiles, and unless it is a system parameter its first
 * `.`-separated part must be `workflow` or the reference name of a task anywhere in the workflow
 * (so `${ref[0]}` and `${workflow['input']}` are refused: their first part is not a name).
 * Inner expressions of nested ones (`${a.${b}}`) are checked, the outer ones are not.
 */
import { issuePath, type DefinitionIssue } from '../issues.ts';
import { visitStrings } from './expressions.ts';
import { jsonPathProblem } from './json-path-syntax.ts';
import { isJsonObject, quote } from './json-value.ts';
import type { TaskNode } from './task-tree.ts';

/** `EnvUtils.SystemParameters`. The server also accepts names of its own environment variables and system properties, which cannot be known here. */
const SYSTEM_PARAMETERS = new Set(['CPEWF_TASK_ID', 'NETFLIX_ENV', 'NETFLIX_STACK']);
const PIECES = /(?=(?<!\$)\$\{)|(?<=\})/;

/** One expression the server refuses, with where it is. */
export interface RefusedExpression {
  readonly issue: DefinitionIssue;
  /** The field path in the task, e.g. `inputParameters.repo`. */
  readonly at: string;
  /** The text between `${` and `}`. */
  readonly expression: string;
}

/**
 * The references in top-level tasks' inputParameters that the server refuses, as errors.
 * @param refs every task reference name of the workflow, nested tasks included
 */
export function refusedReferences(topLevel: readonly TaskNode[], refs: ReadonlySet<string>, workflowLabel: string): RefusedExpression[] {
  const refused: RefusedExpression[] = [];
  for (const node of topLevel) {
    if (!isJsonObject(node.raw.inputParameters)) continue;
    visitStrings(node.raw.inputParameters, 'inputParameters', (text, at) => {
      if (!text.includes('${')) return;
      for (const piece of text.split(PIECES)) {
        if (!(piece.startsWith('${') && piece.endsWith('}'))) continue;
        const expression = piece.slice(2, -1);
        const path = issuePath(workflowLabel, node.label, at);
        const problem = jsonPathProblem(expression);
        if (problem !== undefined) {
          refused.push({ at, expression, issue: { code: 'JSONPATH_INVALID', severity: 'error', path, message: `${quote(piece)} is not a JsonPath the server can compile (${problem}); the server refuses the workflow. Fix the path, e.g. close its brackets, use ['my key'] for names with spaces, and do not end it with a dot.` } });
        } else if (!SYSTEM_PARAMETERS.has(expression)) {
          const first = expression.split('.')[0] ?? '';
          if (first !== 'workflow' && !refs.has(first)) {
            refused.push({
              at,
              expression,
              issue: {
                code: 'REF_UNKNOWN',
                severity: 'error',
                path,
                message: `${quote(piece)} starts with ${quote(first)}, which is not "workflow" nor the taskReferenceName of a task in this workflow; the server refuses the workflow. Reference "workflow" or a task's taskReferenceName, followed by a dot (write ${quote('${ref.output[0]}')}, not ${quote('${ref[0]}')}).`,
              },
            });
          }
        }
      }
    });
  }
  return refused;
}
