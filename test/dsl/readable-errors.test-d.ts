/**
 * The DSL's type errors say what is wrong: the error types themselves are asserted here (their
 * text is what `tsc` and `gen` print), and each mistake is shown where a user makes it.
 */
import { describe, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { workflow, type Ref, type RefOf } from '../../src/index.ts';
import type { Binding, Scope, ScriptNames } from '../../src/dsl/types.ts';
import { build, store } from './fixtures.ts';

const meta = { name: 'w', version: 1, description: 'd', input: z.object({ env: z.string(), n: z.number() }), output: z.object({ id: z.string() }) } as const;

type NotUpstream = { readonly __error: 'reference to a task that is not upstream: it runs later, in a parallel branch or in another case, or no task has this name; read only tasks that run before this one' };

describe('readable type errors', () => {
  it('a field of the wrong type names the field, what it takes and what it was given', () => {
    type Input = { environment: string; clean?: boolean | undefined; size: number | null };
    expectTypeOf<Binding<Input, { environment: 3 }>['environment']>().toEqualTypeOf<'error: input "environment" takes a string, not 3'>();
    expectTypeOf<Binding<Input, { clean: Ref<number> }>['clean']>().toEqualTypeOf<'error: input "clean" takes a boolean, but this reference reads a number' | undefined>();
    expectTypeOf<Binding<Input, { size: 'big' }>['size']>().toEqualTypeOf<'error: input "size" takes a number or null, not "big"'>();
    expectTypeOf<Binding<{ id: string }, { id: RefOf<string | null> }, 'output'>['id']>().toEqualTypeOf<'error: output "id" takes a string, but this reference reads a string or null'>();
    expectTypeOf<Binding<{ verdict: 'pass' | 'fail' }, { verdict: 'maybe' }>['verdict']>().toEqualTypeOf<'error: input "verdict" takes one of the values its contract lists, not "maybe"'>();
  });

  it('a field that fits keeps the type it may take', () => {
    expectTypeOf<Binding<{ environment: string }, { environment: 'esp32' }>['environment']>().toEqualTypeOf<string | Ref<string>>();
    expectTypeOf<Binding<{ environment: string }, { environment: RefOf<string> }>['environment']>().toEqualTypeOf<string | Ref<string>>();
  });

  it('a field the input does not have is named', () => {
    expectTypeOf<Binding<{ path: string }, { path: 'p'; pth: 'p' }>['pth']>().toEqualTypeOf<'error: "pth" is not a field here; remove it or check its name'>();
  });

  it('a name that is not in scope reads as an error saying the task is not upstream', () => {
    expectTypeOf<Scope<{ input: RefOf<{ env: string }> }>['later']>().toEqualTypeOf<NotUpstream>();
    expectTypeOf<Scope<{ input: RefOf<{ env: string }> }>['input']>().toEqualTypeOf<RefOf<{ env: string }>>();
    expectTypeOf<ScriptNames<{ check: RefOf<{ ok: boolean }> }>['chek']>().toEqualTypeOf<{ readonly __error: 'not a name this script can read: read the loop inputs, the loop itself, or a task of its body' }>();
  });

  it('shows each mistake where it is made', () => {
    workflow(meta, (f) =>
      f
        // @ts-expect-error error: input "environment" takes a string, but this reference reads a number (at the field, not "No overload matches this call")
        .task('compile', build, (s) => ({ environment: s.input.n }))
        // @ts-expect-error error: input "environment" takes a string, not 3
        .task('again', build, () => ({ environment: 3 }))
        .output(() => ({ id: 'x' })),
    );
    workflow(meta, (f) =>
      f
        // @ts-expect-error Property 'output' does not exist on type '{ readonly __error: "reference to a task that is not upstream: ..." }'
        .task(store, (s) => ({ path: s.later.output.bin }))
        .task('later', build, () => ({ environment: 'x' }))
        .output(() => ({ id: 'x' })),
    );
    workflow(meta, (f) =>
      f
        .fork('par', [
          (b) => b.task('left', build, () => ({ environment: 'x' })),
          // @ts-expect-error the reference into a parallel branch reads the not-upstream error type
          (b) => b.task('right', store, (s) => ({ path: s.left.output.bin })),
        ])
        .output(() => ({ id: 'x' })),
    );
    workflow(meta, (f) =>
      f
        .task('compile', build, () => ({ environment: 'x' }))
        .doWhile('loop', {
          body: (b) => b.task('check', store, (s) => ({ path: s.compile.output.bin })),
          // @ts-expect-error Property 'id' does not exist on type '{ readonly __error: "not a name this script can read: ..." }'
          condition: (c) => `${c.chek.id} == 'x'`,
        })
        // @ts-expect-error error: output "id" takes a string, not 3
        .output(() => ({ id: 3 })),
    );
  });
});
