import { describe, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { workflow, type Ref } from '../../src/index.ts';
import { build, deploy, store } from './fixtures.ts';

const input = z.object({ env: z.string(), n: z.number(), flag: z.boolean() });
const output = z.object({ id: z.string() });
const meta = { name: 'w', version: 1, description: 'd', input, output } as const;

const child = workflow(
  { name: 'child', version: 1, description: 'c', input: z.object({ path: z.string(), size: z.number() }), output: z.object({ stored: z.string() }) },
  (f) => f.task(store, (s) => ({ path: s.input.path, size: s.input.size })).output((s) => ({ stored: s.store.output.id })),
);

describe('typed references', () => {
  it('a task output reference has the field type of the contract output', () => {
    workflow(meta, (f) =>
      f
        .task('compile', build, (s) => {
          expectTypeOf(s.input.env).toMatchTypeOf<Ref<string>>();
          return { environment: s.input.env };
        })
        .task(store, (s) => {
          expectTypeOf(s.compile.output.size).toMatchTypeOf<Ref<number>>();
          expectTypeOf(s.compile.output.verdict).toMatchTypeOf<Ref<'pass' | 'fail'>>();
          return { path: s.compile.output.bin };
        })
        .output((s) => ({ id: s.store.output.id })),
    );
  });

  it('a reference of the wrong type is an error', () => {
    workflow(meta, (f) =>
      f
        // @ts-expect-error reason: environment is a string, input.n is a number
        .task('compile', build, (s) => ({ environment: s.input.n }))
        .output(() => ({ id: 'x' })),
    );
  });

  it('a literal of the wrong type is an error, a literal of the right type is accepted', () => {
    workflow(meta, (f) =>
      f
        .task('ok', build, () => ({ environment: 'esp32', clean: true }))
        // @ts-expect-error reason: clean is a boolean, not a string
        .task('bad', build, () => ({ environment: 'esp32', clean: 'yes' }))
        .output(() => ({ id: 'x' })),
    );
  });

  it('an output field that does not exist is an error', () => {
    workflow(meta, (f) =>
      f
        .task('compile', build, () => ({ environment: 'x' }))
        // @ts-expect-error reason: build has no output field "binary" (it is "bin")
        .task(store, (s) => ({ path: s.compile.output.binary }))
        .output(() => ({ id: 'x' })),
    );
  });

  it('an input field the task does not have is an error', () => {
    workflow(meta, (f) =>
      f
        // @ts-expect-error reason: store has no input "pth"
        .task(store, () => ({ path: 'p', pth: 'p' }))
        .output(() => ({ id: 'x' })),
    );
  });

  it('a reference to a task that is not upstream is an error', () => {
    workflow(meta, (f) =>
      f
        // @ts-expect-error reason: "compile" runs after this task, so it is not in scope here
        .task(store, (s) => ({ path: s.compile.output.bin }))
        .task('compile', build, () => ({ environment: 'x' }))
        .output(() => ({ id: 'x' })),
    );
  });

  it('a reference into a sibling fork branch is an error', () => {
    workflow(meta, (f) =>
      f
        .fork('par', [
          (b) => b.task('left', build, () => ({ environment: 'x' })),
          // @ts-expect-error reason: "left" runs in another branch, not before this task
          (b) => b.task('right', store, (s) => ({ path: s.left.output.bin })),
        ])
        .output(() => ({ id: 'x' })),
    );
  });

  it('reusing a reference name is an error with a sentence', () => {
    workflow(meta, (f) =>
      f
        .task('compile', build, () => ({ environment: 'x' }))
        // @ts-expect-error reason: the task reference "compile" is already used in this workflow
        .task('compile', build, () => ({ environment: 'y' }))
        .output(() => ({ id: 'x' })),
    );
  });

  it('a fork join output is typed by the last task of each branch', () => {
    workflow(meta, (f) =>
      f
        .fork('par', [(b) => b.task('left', build, () => ({ environment: 'x' })), (b) => b.task('right', store, () => ({ path: 'p' }))])
        .output((s) => {
          expectTypeOf(s.par_join.output.left.bin).toMatchTypeOf<Ref<string>>();
          expectTypeOf(s.par_join.output.right.id).toMatchTypeOf<Ref<string>>();
          return { id: s.right.output.id };
        }),
    );
  });

  it('a dynamic fork gives its results as a list of { input, output | null } in item order, and the JOIN no ref-keyed output', () => {
    workflow({ ...meta, input: z.object({ devices: z.array(z.object({ device: z.string() })) }) }, (f) =>
      f
        .dynamicFork('deploys', deploy, (s) => s.input.devices)
        .output((s) => {
          expectTypeOf(s.deploys_results.output.result).toMatchTypeOf<Ref<{ readonly input: { device: string }; readonly output: { status: string } | null }[]>>();
          expectTypeOf(s.deploys_results.output.result[0]!.output.status).toMatchTypeOf<Ref<string | null>>();
          // @ts-expect-error reason: the JOIN's output is keyed by names the server makes up; read deploys_results
          void s.deploys_join.output._deploy_0;
          return { id: 'x' };
        }),
    );
  });

  it('sub-workflow input is checked against the child input schema, its output typed as the child output', () => {
    workflow(meta, (f) =>
      f
        .subWorkflow('ok', child, (s) => ({ path: s.input.env, size: s.input.n }))
        // @ts-expect-error reason: the child's "size" is a number, input.env a string
        .subWorkflow('bad_type', child, (s) => ({ path: s.input.env, size: s.input.env }))
        // @ts-expect-error reason: the child requires "size"
        .subWorkflow('missing', child, (s) => ({ path: s.input.env }))
        .output((s) => {
          expectTypeOf(s.ok.output.stored).toMatchTypeOf<Ref<string>>();
          return { id: s.ok.output.stored };
        }),
    );
  });

  it('switch cases are typed by the value: unknown case keys are errors, case tasks become nullable', () => {
    workflow(meta, (f) =>
      f
        .task('compile', build, () => ({ environment: 'x' }))
        .switch('gate', (s) => s.compile.output.verdict, {
          pass: (b) => b.task('after_pass', store, () => ({ path: 'p' })),
          fail: (b) => b.terminate('FAILED'),
        })
        .switch('by_flag', (s) => s.input.flag, { true: (b) => b.task('flagged', store, () => ({ path: 'p' })) })
        .switch('bad', (s) => s.compile.output.verdict, {
          // @ts-expect-error reason: "maybe" is not a value of verdict ("pass" | "fail")
          maybe: (b) => b,
        })
        .output((s) => {
          expectTypeOf(s.after_pass.output.id).toMatchTypeOf<Ref<string | null>>();
          // @ts-expect-error reason: a case task may not have run, so its output is nullable
          expectTypeOf(s.after_pass.output.id).toMatchTypeOf<Ref<string>>();
          return { id: 'x' };
        }),
    );
  });

  it('workflow output and terminate output are typed by the output schema', () => {
    workflow(meta, (f) =>
      f
        .task('compile', build, () => ({ environment: 'x' }))
        // @ts-expect-error reason: the workflow output "id" is a string, size a number
        .terminate('COMPLETED', { output: (s) => ({ id: s.compile.output.size }) })
        // @ts-expect-error reason: the output schema requires "id"
        .output(() => ({})),
    );
  });

  it('an EVENT task takes only conductor sinks, and its output is its input plus what the server adds', () => {
    workflow(meta, (f) =>
      f
        .event('announce', { sink: 'conductor', input: (s) => ({ env: s.input.env, n: s.input.n }) })
        .event('queued', { sink: 'conductor:builds' })
        // @ts-expect-error reason: conductor-oss 3.32.3 has no sqs queues, only conductor ones
        .event('elsewhere', { sink: 'sqs:orders' })
        .output((s) => {
          expectTypeOf(s.announce.output.n).toMatchTypeOf<Ref<number>>();
          expectTypeOf(s.announce.output.event_produced).toMatchTypeOf<Ref<string>>();
          expectTypeOf(s.queued.output.workflowInstanceId).toMatchTypeOf<Ref<string>>();
          // @ts-expect-error reason: the EVENT task's input had no "missing"
          void s.announce.output.missing;
          return { id: s.announce.output.env };
        }),
    );
  });
});
