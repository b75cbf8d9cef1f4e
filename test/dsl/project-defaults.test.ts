/**
 * The toolkit has no default owner; a project gives its own once with projectDefaults, whose
 * defineTask and workflow fill it in wherever a contract or workflow sets none.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { compileWorkflow, DefinitionError, defineTask, projectDefaults, toTaskDef, workflow, type EmptySchema, type RootFlow } from '../../src/index.ts';
import { K1_OWNER_EMAIL } from '../../definitions/project.ts';
import { taskContracts } from '../../definitions/tasks/index.ts';
import { workflows as k1Workflows } from '../../definitions/index.ts';

const io = { input: z.object({ n: z.number() }), output: z.object({ n: z.number() }) };
const spec = { name: 'double', description: 'Doubles.', ...io };
const flowSpec = { name: 'flow', version: 1, description: 'Waits for a person.', ...io };
const waitForPerson = (f: RootFlow<typeof io.input, typeof io.output, EmptySchema>) =>
  f.human('approve', { output: z.object({}), timeoutSeconds: 60 }).output((s) => ({ n: s.input.n }));

describe('projectDefaults', () => {
  const team = projectDefaults({ ownerEmail: 'team@example.com' });

  it("fills the project's owner into a contract and a workflow that set none; one that sets its own keeps it", () => {
    expect(team.defaults).toEqual({ ownerEmail: 'team@example.com' });
    expect(toTaskDef(team.defineTask(spec)).ownerEmail).toBe('team@example.com');
    expect(toTaskDef(team.defineTask({ ...spec, ownerEmail: 'other@example.com' })).ownerEmail).toBe('other@example.com');
    const def = compileWorkflow(team.workflow(flowSpec, waitForPerson));
    expect(def.ownerEmail).toBe('team@example.com');
    // A human() timeout's inline TaskDef belongs to its workflow's owner.
    expect(def.tasks[0]?.taskDefinition?.ownerEmail).toBe('team@example.com');
    const own = compileWorkflow(team.workflow({ ...flowSpec, ownerEmail: 'other@example.com' }, waitForPerson));
    expect([own.ownerEmail, own.tasks[0]?.taskDefinition?.ownerEmail]).toEqual(['other@example.com', 'other@example.com']);
  });

  it('leaves the owner out where neither the definition nor a project gives one: the toolkit has no default', () => {
    expect('ownerEmail' in toTaskDef(defineTask(spec))).toBe(false);
    const def = compileWorkflow(workflow(flowSpec, waitForPerson));
    expect('ownerEmail' in def).toBe(false);
    expect(def.tasks[0]?.taskDefinition).toBeDefined();
    expect('ownerEmail' in (def.tasks[0]?.taskDefinition ?? {})).toBe(false);
  });

  it('refuses an owner that is not an email address, where the project gives it and where a contract does', () => {
    expect(() => projectDefaults({ ownerEmail: 'the build team' })).toThrow(DefinitionError);
    expect(() => projectDefaults({ ownerEmail: 'the build team' })).toThrow('PROJECT_OWNER_EMAIL_INVALID projectDefaults → ownerEmail: ownerEmail is "the build team", not an email address. Set it to the owning team\'s address');
    expect(() => defineTask({ ...spec, ownerEmail: 'the build team' })).toThrow(/TASKDEF_OWNER_EMAIL_INVALID task double → ownerEmail/);
  });
});

describe('the K1 project', () => {
  it('owns every K1 task contract and workflow through definitions/project.ts', () => {
    expect(taskContracts.filter((c) => c.options.ownerEmail !== K1_OWNER_EMAIL).map((c) => c.name)).toEqual([]);
    expect(k1Workflows.filter((w) => w.ownerEmail !== K1_OWNER_EMAIL).map((w) => w.name)).toEqual([]);
  });
});
