import { z } from 'zod';
import { completeTaskAction, eventHandler, projectDefaults, startWorkflowAction } from '../../src/index.ts';

/** The scenario's owner: gen, which part 9 runs it through, requires one. */
const { workflow } = projectDefaults({ ownerEmail: 'conformance@k1.test' });

/**
 * The event scenario the runner tests and conformance part 9 share, its names prefixed: a
 * publisher whose EVENT task `announce` publishes `{ sha, branch, waiter_id }`, a target that
 * builds a sha, a waiter (a WAIT task `wait_for_push`), and the handler `<prefix>_on_main`: on a
 * message of branch `main` it starts the target (correlationId = the publisher's id) and completes
 * the waiter named in the message.
 */
export function eventScenario(prefix: string) {
  const publisher = workflow(
    { name: `${prefix}_publisher`, version: 1, description: 'Publishes a push.', timeoutSeconds: 600, input: z.object({ sha: z.string(), branch: z.string(), waiter_id: z.string() }), output: z.object({}) },
    (f) => f.event('announce', { sink: 'conductor', input: (s) => ({ sha: s.input.sha, branch: s.input.branch, waiter_id: s.input.waiter_id }) }).output(() => ({})),
  );
  const target = workflow(
    { name: `${prefix}_target`, version: 1, description: 'Builds a sha.', timeoutSeconds: 600, input: z.object({ sha: z.string(), by: z.string() }), output: z.object({ sha: z.string() }) },
    (f) => f.inline('mark', { input: (s) => ({ sha: s.input.sha }), script: '$.sha' }).output((s) => ({ sha: s.input.sha })),
  );
  const waiter = workflow(
    { name: `${prefix}_waiter`, version: 1, description: 'Waits for a push.', timeoutSeconds: 600, input: z.object({}), output: z.object({ sha: z.string() }) },
    (f) => f.wait('wait_for_push').output((s) => ({ sha: s.wait_for_push.output['sha'] as never })),
  );
  const onMain = eventHandler({
    name: `${prefix}_on_main`,
    event: `conductor:${prefix}_publisher:announce`,
    condition: "$.branch == 'main'",
    actions: [
      startWorkflowAction(target, { sha: '${sha}', by: '${workflowType}' }, { correlationId: '${workflowInstanceId}' }),
      completeTaskAction({ workflowId: '${waiter_id}', taskRefName: 'wait_for_push', output: { sha: '${sha}' } }),
    ],
  });
  return { publisher, target, waiter, onMain };
}
