import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { visit } from '../../src/compiler/compile-workflow.ts';
import { allWorkflowTasks } from '../../src/conductor-tasks.ts';
import type { AnyTaskContract, WorkflowDef, WorkflowTask } from '../../src/index.ts';
import { workflows } from '../../definitions/index.ts';

function simpleTaskNames(tasks: readonly WorkflowTask[]): string[] {
  return allWorkflowTasks(tasks).flatMap((t) =>
    (t.type ?? 'SIMPLE') === 'SIMPLE' ? [t.name] : t.type === 'FORK_JOIN_DYNAMIC' ? [String(t.inputParameters?.['forkTaskName'])] : [],
  );
}

describe('task contracts', () => {
  it('every SIMPLE task used by a generated workflow has exactly one task definition, and every definition is used', () => {
    const used = new Set(
      readdirSync('generated/workflows').flatMap((f) => simpleTaskNames((JSON.parse(readFileSync(`generated/workflows/${f}`, 'utf8')) as WorkflowDef).tasks)),
    );
    const defined = readdirSync('generated/tasks').map((f) => (JSON.parse(readFileSync(`generated/tasks/${f}`, 'utf8')) as { name: string }).name);
    expect(new Set(defined).size).toBe(defined.length);
    expect([...used].sort()).toEqual([...defined].sort());
  });

  it('each task name is one contract object, reused by every workflow that runs it', () => {
    const byName = new Map<string, Set<AnyTaskContract>>();
    for (const wf of workflows) {
      visit(wf.nodes, (node) => {
        if (node.kind === 'Task' || node.kind === 'DynamicFork') {
          const set = byName.get(node.contract.name) ?? new Set();
          set.add(node.contract);
          byName.set(node.contract.name, set);
        }
      });
    }
    const duplicated = [...byName].filter(([, contracts]) => contracts.size > 1).map(([name]) => name);
    expect(duplicated).toEqual([]);
    expect(byName.size).toBeGreaterThan(0);
  });
});
