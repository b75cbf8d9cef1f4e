import type { DefinitionIssue, IssueSeverity } from '../issues.ts';

/** Issues of one workflow, all of one severity, each once (two rules may see the same value). */
export class FlowReport {
  readonly issues: DefinitionIssue[] = [];
  readonly settled = new Set<string>();
  private readonly seen = new Set<string>();

  constructor(
    readonly label: string,
    readonly severity: IssueSeverity,
  ) {}

  /** Adds an issue of the report's severity, unless the same one is there already. */
  add(code: string, path: string, message: string): void {
    const key = `${code}\u0000${path}\u0000${message}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.issues.push({ code, severity: this.severity, path, message });
  }
}
