/**
 * schedule()'s types: the input is the workflow's input (zod input: defaults optional), the
 * schedule remembers its workflow, and `runSchedule` takes a DSL schedule or its JSON.
 */
import { describe, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { schedule, workflow, type Schedule, type WorkflowScheduleDef } from '../../src/index.ts';
import { runSchedule, type WorkflowRun } from '../../src/testing.ts';

const build = workflow(
  { name: 'typed_build', version: 1, description: 'Builds.', input: z.object({ branch: z.string(), clean: z.boolean().default(false) }), output: z.object({}) },
  (f) => f.output(() => ({})),
);

describe('schedule() types', () => {
  it('takes the input the workflow takes, defaults optional, and keeps the workflow type', () => {
    const nightly = schedule({ name: 'typed-nightly', cron: '@daily', zone: 'UTC', workflow: build, input: { branch: 'main' } });
    expectTypeOf(nightly).toEqualTypeOf<Schedule<typeof build>>();
    expectTypeOf(nightly.workflow.name).toEqualTypeOf<'typed_build'>();
    // @ts-expect-error branch is required by the workflow's input schema
    schedule({ name: 'typed-missing', cron: '@daily', zone: 'UTC', workflow: build, input: {} });
    // @ts-expect-error clean is a boolean in the workflow's input schema
    schedule({ name: 'typed-wrong', cron: '@daily', zone: 'UTC', workflow: build, input: { branch: 'main', clean: 'yes' } });
    // @ts-expect-error zone is required: the server's default (UTC) is said, not assumed
    schedule({ name: 'typed-zone', cron: '@daily', workflow: build, input: { branch: 'main' } });
  });

  it('runSchedule takes a schedule or its JSON and gives the runs', () => {
    expectTypeOf(runSchedule).parameter(0).toEqualTypeOf<Schedule | WorkflowScheduleDef>();
    expectTypeOf(runSchedule).returns.resolves.toEqualTypeOf<WorkflowRun[]>();
  });
});
