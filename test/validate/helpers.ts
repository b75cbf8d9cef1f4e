import { expect } from 'vitest';
import { validateCommand } from '../../src/cli/validate-command.ts';
import type { WorkflowDef } from '../../src/conductor-types.ts';
import type { DefinitionIssue } from '../../src/issues.ts';
import { validateWorkflowDefs } from '../../src/validate/index.ts';

/** A raw task object, as found in Conductor JSON. */
export type RawTask = Record<string, unknown>;

/** A SIMPLE task whose reference name is `ref` and task name `<ref>_task`. */
export function simple(ref: string, inputParameters: Record<string, unknown> = {}, extra: RawTask = {}): RawTask {
  return { name: `${ref}_task`, taskReferenceName: ref, type: 'SIMPLE', inputParameters, ...extra };
}

/** A fork with the given branches, followed by its JOIN on the last task of each branch. */
export function forkJoin(ref: string, branches: RawTask[][]): RawTask[] {
  const joinOn = branches.map((branch) => branch[branch.length - 1]?.taskReferenceName);
  return [
    { name: ref, taskReferenceName: ref, type: 'FORK_JOIN', forkTasks: branches },
    { name: `${ref}_join`, taskReferenceName: `${ref}_join`, type: 'JOIN', joinOn },
  ];
}

/** A valid workflow `demo` v1 around `tasks`; `extra` overrides or adds top-level fields. */
export function workflow(tasks: unknown[], extra: Record<string, unknown> = {}): WorkflowDef {
  return { name: 'demo', version: 1, schemaVersion: 2, ownerEmail: 'build@k1.test', timeoutSeconds: 600, tasks, ...extra } as WorkflowDef;
}

/** Validates one workflow `demo` v1 around `tasks` with the default context. */
export function check(tasks: unknown[], extra: Record<string, unknown> = {}): DefinitionIssue[] {
  return validateWorkflowDefs([workflow(tasks, extra)]);
}

/** A value-param SWITCH `route` on input `kind` with one case `a`; `changes` override fields. */
export function route(changes: RawTask = {}): RawTask {
  return {
    name: 'route',
    taskReferenceName: 'route',
    type: 'SWITCH',
    evaluatorType: 'value-param',
    expression: 'kind',
    inputParameters: { kind: '${workflow.input.kind}' },
    decisionCases: { a: [simple('a1')] },
    ...changes,
  };
}

/** Passes garbage to an API typed for Conductor JSON, as a JSON file could. */
export function raw<T>(value: unknown): T {
  return value as T;
}

/** What one expected issue must say: its code, its severity (the server's answer), its exact path, key parts and the closing fix. */
export interface ExpectedIssue {
  readonly code: string;
  readonly severity: 'error' | 'warning';
  readonly path: string;
  readonly says?: readonly string[];
  readonly fix: string;
}

/** Asserts that `issues` holds exactly one issue and that it matches `expected`. */
export function expectOnly(issues: readonly DefinitionIssue[], expected: ExpectedIssue): DefinitionIssue {
  expect(issues.map((i) => i.code), JSON.stringify(issues, null, 2)).toEqual([expected.code]);
  return expectIssue(issues[0], expected);
}

function expectIssue(issue: DefinitionIssue | undefined, expected: ExpectedIssue): DefinitionIssue {
  if (issue === undefined) throw new Error(`no ${expected.code} issue`);
  expect(issue.severity, `${expected.code} severity`).toBe(expected.severity);
  expect(issue.path).toBe(expected.path);
  for (const part of expected.says ?? []) expect(issue.message).toContain(part);
  expect(issue.message.endsWith(expected.fix), `message should end with the fix:\n  ${issue.message}\nexpected ending:\n  ${expected.fix}`).toBe(true);
  return issue;
}

/** Runs `k1-workflows validate` in process: its exit code and the lines it printed. */
export async function runValidate(...args: string[]): Promise<{ code: number; stdout: string[]; stderr: string[] }> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const code = await validateCommand(args, { stdout: (s) => stdout.push(s), stderr: (s) => stderr.push(s) });
  return { code, stdout, stderr };
}
