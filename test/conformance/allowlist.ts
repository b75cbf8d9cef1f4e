import { readFileSync } from 'node:fs';

/** The parts of the conformance suite, each with its own section of the allowlist. */
export type Part = 'registration' | 'k1-workflows' | 'validator' | 'runner' | 'dev-server' | 'schedules';

/** One known disagreement with the real server, accepted for a stated reason. */
export interface AllowEntry {
  /** The disagreement's key as the part reports it; a trailing `*` matches any rest. */
  readonly key: string;
  /** Why it is accepted, and what would end it (an issue number, a rule that is deliberately stricter). */
  readonly reason: string;
}

/** A difference between the library and the real server, found by a part. */
export interface Disagreement {
  /** Stable key, e.g. `corpus/simple_workflow.json: status`. */
  readonly key: string;
  /** What each side did. */
  readonly detail: string;
}

const FILE = new URL('./allowlist.json', import.meta.url);

/** The allowlist file, read fresh: `{ [part]: AllowEntry[] }`. */
export function readAllowlist(): Record<Part, readonly AllowEntry[]> {
  return JSON.parse(readFileSync(FILE, 'utf8')) as Record<Part, readonly AllowEntry[]>;
}

const matches = (entry: AllowEntry, key: string): boolean => (entry.key.endsWith('*') ? key.startsWith(entry.key.slice(0, -1)) : entry.key === key);

/** The allowlist as the suite prints it before any part runs. */
export function formatAllowlist(): string {
  const list = readAllowlist();
  const lines = [`allowlist (test/conformance/allowlist.json): ${Object.values(list).reduce((n, e) => n + e.length, 0)} accepted disagreement(s)`];
  for (const [part, entries] of Object.entries(list)) {
    for (const entry of entries) lines.push(`  [${part}] ${entry.key}: ${entry.reason}`);
  }
  return lines.join('\n');
}

/** How a part's disagreements stand against its allowlist section. */
export interface Verdict {
  /** Disagreements nobody accepted: each fails the part. */
  readonly unlisted: readonly Disagreement[];
  /** Disagreements the allowlist accepts. */
  readonly allowed: readonly Disagreement[];
  /** Allowlist entries that matched nothing: the library agrees now, so remove them. */
  readonly stale: readonly AllowEntry[];
}

/** Sorts a part's disagreements into unlisted and allowed, and finds stale allowlist entries. */
export function judge(part: Part, disagreements: readonly Disagreement[]): Verdict {
  const entries = readAllowlist()[part] ?? [];
  const used = new Set<AllowEntry>();
  const unlisted: Disagreement[] = [];
  const allowed: Disagreement[] = [];
  for (const d of disagreements) {
    const entry = entries.find((e) => matches(e, d.key));
    if (entry === undefined) unlisted.push(d);
    else {
      used.add(entry);
      allowed.push(d);
    }
  }
  return { unlisted, allowed, stale: entries.filter((e) => !used.has(e)) };
}

/** One line per problem of a verdict, for a failing assertion's message. */
export function verdictProblems(part: Part, verdict: Verdict): string[] {
  return [
    ...verdict.unlisted.map((d) => `disagreement not in the allowlist: ${d.key}: ${d.detail}`),
    ...verdict.stale.map((e) => `allowlist entry [${part}] ${e.key} matches nothing now; remove it from test/conformance/allowlist.json`),
  ];
}
