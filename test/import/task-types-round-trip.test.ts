import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { projectDefaults } from '../../src/index.ts';
import { generate } from '../../src/gen/generate.ts';
import { importDefinitions } from '../../src/import/import-definitions.ts';
import { verifyImport, verifyReport } from '../../src/import/verify.ts';
import { taskTypeScenarios } from '../conformance/task-type-scenarios.ts';

/** The workflows of conformance part 7 (one per new DSL method), as gen writes them. */
const { workflows, contracts } = taskTypeScenarios('rt');
const [flash, erase] = contracts as [(typeof contracts)[number], (typeof contracts)[number]];
/** A DYNAMIC task whose name is written out: the importer can name its candidate. */
const pick = projectDefaults({ ownerEmail: 'conformance@k1.test' }).workflow({ name: 'rt_pick', version: 1, description: 'd', input: z.object({}), output: z.object({}) }, (f) =>
  f.dynamic('op', [flash, erase], { task: () => erase.name, input: () => ({ device: 'd' }) }, { optional: true }).output(() => ({})),
);
const generation = generate({ workflows: [...workflows, pick], tasks: contracts });
const given = {
  workflows: generation.workflows.map((def) => ({ source: `${def.name}.json`, def })),
  taskDefs: generation.tasks.map((def) => ({ source: `${def.name}.json`, def })),
};

describe('importing the remaining task types', () => {
  it('writes the new DSL methods; a DYNAMIC whose name is computed is kept verbatim, saying why', () => {
    const imported = importDefinitions(given);
    const source = imported.files.map((f) => f.content).join('\n');
    for (const call of ["task: () => 'rt_erase'", '.exclusiveJoin(', '.startWorkflow(', 'taskDefinition: {', '.noop(', '.kafkaPublish(', '.forEach(', 'keepLastN: 2', '.dynamicForkWorkflow(', 'workflowStatusListenerEnabled: true', 'rateLimitConfig: {']) {
      expect(source).toContain(call);
    }
    expect(source.match(/kept verbatim: .*/g)).toEqual([
      'kept verbatim: dynamic() needs its candidate tasks, which the JSON does not list: only a taskToExecute naming an imported task as text is written as dynamic()',
    ]);
  });

  it('round-trips every one equal', async () => {
    const report = verifyReport(await verifyImport(given));
    expect(report.at(-1)).toBe(`${generation.workflows.length} equal, 0 differ, 1 kept verbatim`);
  }, 120_000);
});
