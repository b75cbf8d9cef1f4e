/**
 * How much an issue matters. `error`: the server refuses the definition (or, for the few rules
 * that are deliberately stricter, it cannot work); `gen`, `validate`, `register` and the dev
 * server stop on it. `warning`: the server registers the definition, but it will not do what it
 * seems to say (a reference that reads null, a script that fails at run time); printed, never
 * fatal unless asked (`k1-workflows validate --warnings=error`).
 */
export type IssueSeverity = 'error' | 'warning';

/**
 * One problem found in a definition: a stable code, how much it matters, where it is, and what
 * to do about it. `path` names workflow → task ref → field, e.g.
 * `firmware-ci-cd-pipeline → compile → inputParameters.repo`.
 */
export interface DefinitionIssue {
  /** Stable machine-readable code, e.g. `REF_UNKNOWN`. */
  readonly code: string;
  /** Whether the definition is refused (`error`) or only suspicious (`warning`); always set. */
  readonly severity: IssueSeverity;
  /** Where the problem is: workflow → task ref → field. */
  readonly path: string;
  /** What is wrong, ending with how to fix it. */
  readonly message: string;
}

/** Thrown when definitions are invalid; carries every issue found, not just the first. */
export class DefinitionError extends Error {
  /** Every problem found, in a stable order. */
  readonly issues: readonly DefinitionIssue[];

  constructor(issues: readonly DefinitionIssue[], what = 'definition') {
    super(`${issues.length} problem${issues.length === 1 ? '' : 's'} in ${what}:\n${formatIssues(issues)}`);
    this.name = 'DefinitionError';
    this.issues = issues;
  }
}

/** True for an issue of severity `error`. */
export function isError(issue: DefinitionIssue): boolean {
  return issue.severity === 'error';
}

/** Renders issues one per line as `CODE path: message`, warnings as `warning CODE path: message`. */
export function formatIssues(issues: readonly DefinitionIssue[]): string {
  return issues.map((i) => `  ${i.severity === 'warning' ? 'warning ' : ''}${i.code} ${i.path}: ${i.message}`).join('\n');
}

/** Joins path segments with the arrow used in every issue path. */
export function issuePath(...segments: readonly (string | undefined)[]): string {
  return segments.filter((s): s is string => s !== undefined && s !== '').join(' → ');
}
