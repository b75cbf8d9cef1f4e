/** What `tsc` says of contradicting timeout options written as literals (CheckedTimeouts). */
import { describe, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { defineTask, type IsGreater } from '../../src/index.ts';

const input = z.object({ a: z.string() });
const output = z.object({ b: z.number() });

describe('timeout options tsc checks', () => {
  it('compares whole number literals', () => {
    expectTypeOf<IsGreater<1000, 999>>().toEqualTypeOf<true>();
    expectTypeOf<IsGreater<999, 1000>>().toEqualTypeOf<false>();
    expectTypeOf<IsGreater<600, 600>>().toEqualTypeOf<false>();
    expectTypeOf<IsGreater<610, 601>>().toEqualTypeOf<true>();
    expectTypeOf<IsGreater<number, 5>>().toEqualTypeOf<false>();
    expectTypeOf<IsGreater<1.5, 1>>().toEqualTypeOf<false>();
  });

  it('accepts timeouts that agree, a timeout of 0 (no limit), and values it cannot know', () => {
    const limit: number = 5;
    defineTask({ name: 'a', description: 'x', input, output, timeoutSeconds: 300 });
    defineTask({ name: 'b', description: 'x', input, output, timeoutSeconds: 300, responseTimeoutSeconds: 300 });
    defineTask({ name: 'c', description: 'x', input, output, timeoutSeconds: 0, responseTimeoutSeconds: 900 });
    defineTask({ name: 'd', description: 'x', input, output, timeoutSeconds: 1000, responseTimeoutSeconds: 999, totalTimeoutSeconds: 3000 });
    defineTask({ name: 'e', description: 'x', input, output, timeoutSeconds: limit, responseTimeoutSeconds: 1000 });
    expectTypeOf(defineTask({ name: 'f', description: 'x', input, output }).name).toEqualTypeOf<'f'>();
  });

  it('refuses a response timeout above the timeout, and a timeout above the total, naming both values', () => {
    // @ts-expect-error error: responseTimeoutSeconds 1000 is more than timeoutSeconds 999, which the server refuses
    defineTask({ name: 'g', description: 'x', input, output, timeoutSeconds: 999, responseTimeoutSeconds: 1000 });
    // @ts-expect-error error: timeoutSeconds 600 is more than totalTimeoutSeconds 300
    defineTask({ name: 'h', description: 'x', input, output, timeoutSeconds: 600, totalTimeoutSeconds: 300 });
  });
});
