import type { MetadataClient, TaskDef, WorkflowDef } from '@io-orkes/conductor-javascript';
import { describe, expectTypeOf, it } from 'vitest';
import { compileWorkflow, toTaskDef } from '../../src/index.ts';
import { firmwareCiCdPipeline } from '../../definitions/index.ts';
import { platformioCompile } from '../../definitions/tasks/build-tasks.ts';

describe('compiled JSON against the official SDK types', () => {
  it('a compiled workflow is a WorkflowDef the SDK registers', () => {
    const def = compileWorkflow(firmwareCiCdPipeline);
    expectTypeOf(def).toMatchTypeOf<WorkflowDef>();
    expectTypeOf(def).toMatchTypeOf<Parameters<MetadataClient['registerWorkflowDef']>[0]>();
  });

  it('a compiled task contract is a TaskDef the SDK registers', () => {
    const def = toTaskDef(platformioCompile);
    expectTypeOf(def).toMatchTypeOf<TaskDef>();
    expectTypeOf([def]).toMatchTypeOf<Parameters<MetadataClient['registerTasks']>[0]>();
  });
});
