import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { compileWorkflow, defineTask, untypedRef, workflow } from '../../src/index.ts';

const greet = defineTask({ name: 'greet', description: 'Greets.', input: z.object({ who: z.unknown() }), output: z.object({}).passthrough() });

describe('the escape hatch: Flow.raw(), untypedRef() and WorkflowSpec.raw', () => {
  it('compiles a raw task as given, its branches as DSL nodes, and its output readable after it', () => {
    const wf = workflow(
      { name: 'raw_demo', version: 1, description: '', input: z.object({ kind: z.unknown() }), output: z.object({ seen: z.unknown() }), raw: { workflowStatusListenerEnabled: true } },
      (f) =>
        f
          .raw('decide', { name: 'decide', type: 'DECISION', caseValueParam: 'kind', inputParameters: { kind: '${workflow.input.kind}' } }, {
            decisionCases: { a: (b) => b.task('greet_a', greet, () => ({ who: 'a' })) },
          })
          .task(greet, (s) => ({ who: s.decide.output.anything }))
          .output(() => ({ seen: untypedRef('greet_a.output.text') })),
    );
    const def = compileWorkflow(wf);
    expect(def.workflowStatusListenerEnabled).toBe(true);
    expect(def.tasks[0]).toEqual({
      name: 'decide',
      taskReferenceName: 'decide',
      type: 'DECISION',
      caseValueParam: 'kind',
      inputParameters: { kind: '${workflow.input.kind}' },
      decisionCases: { a: [{ name: 'greet', taskReferenceName: 'greet_a', type: 'SIMPLE', inputParameters: { who: 'a' } }] },
    });
    expect(def.tasks[1]?.inputParameters).toEqual({ who: '${decide.output.anything}' });
    expect(def.outputParameters).toEqual({ seen: '${greet_a.output.text}' });
  });

  it('refuses a reference name or nested list inside the raw JSON, and a raw workflow field the compiler writes', () => {
    expect(() =>
      workflow({ name: 'bad', version: 1, description: '', input: z.object({}), output: z.object({}) }, (f) =>
        f.raw('x', { name: 'x', type: 'EVENT', loopOver: [] } as never).output(() => ({})),
      ),
    ).toThrow('raw "x": give loopOver in the third argument, as branches, not in the task JSON.');
    const wf = workflow({ name: 'bad2', version: 1, description: '', input: z.object({}), output: z.object({}), raw: { timeoutSeconds: 5 } }, (f) => f.output(() => ({})));
    expect(() => compileWorkflow(wf)).toThrow('workflow "bad2": raw field "timeoutSeconds" is one the DSL writes itself; set it through its own setting instead.');
    expect(() => untypedRef('${a.b}')).toThrow("untypedRef: \"${a.b}\" is not a reference path; give the path inside ${...}, e.g. 'task_ref.output.field'.");
  });
});
