/**
 * One problem found in a definition: a stable code, where it is, and what to do about it.
 * `path` names workflow → task ref → field, e.g. `firmware-ci-cd-pipeline → compile → inputParameters.repo`.
 */
export interface DefinitionIssue {
  /** Stable machine-readable code, e.g. `REF_UNKNOWN`. */
  readonly code: string;
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

/** Renders issues one per line as `CODE path: message`. */
export function formatIssues(issues: readonly DefinitionIssue[]): string {
  return issues.map((i) => `  ${i.code} ${i.path}: ${i.message}`).join('\n');
}

/** Joins path segments with the arrow used in every issue path. */
export function issuePath(...segments: readonly (string | undefined)[]): string {
  return segments.filter((s): s is string => s !== undefined && s !== '').join(' → ');
}
