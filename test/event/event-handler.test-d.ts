import { describe, it } from 'vitest';
import { z } from 'zod';
import { eventHandler, startWorkflowAction, workflow } from '../../src/index.ts';

const target = workflow(
  { name: 'target', version: 1, description: 'Builds.', input: z.object({ sha: z.string(), retries: z.number().default(1) }), output: z.object({}) },
  (f) => f.wait('hold').output(() => ({})),
);

describe('event handler types', () => {
  it('types a start_workflow input by the workflow input: a value of the field type or a ${...} from the message', () => {
    startWorkflowAction(target, { sha: '${sha}' });
    startWorkflowAction(target, { sha: 'abc', retries: '${attempts}' });
    startWorkflowAction(target, { sha: 'abc', retries: 2 });
    // @ts-expect-error reason: sha is required by the workflow's input
    startWorkflowAction(target, { retries: 2 });
    // @ts-expect-error reason: retries is a number; "two" is neither a number nor a ${...}
    startWorkflowAction(target, { sha: 'abc', retries: 'two' });
    // @ts-expect-error reason: the workflow's input has no "branch"
    startWorkflowAction(target, { sha: 'abc', branch: '${branch}' });
  });

  it('takes only conductor events and at least one action', () => {
    eventHandler({ name: 'h', event: 'conductor:relay:publish', actions: [startWorkflowAction(target, { sha: '${sha}' })] });
    // @ts-expect-error reason: only conductor queues exist on conductor-oss 3.32.3
    eventHandler({ name: 'h', event: 'sqs:relay:publish', actions: [startWorkflowAction(target, { sha: '${sha}' })] });
    // @ts-expect-error reason: a handler needs at least one action
    eventHandler({ name: 'h', event: 'conductor:relay:publish', actions: [] });
  });
});
