import { z } from 'zod';
import { defineTask } from '../../src/index.ts';

/** Small contracts for DSL and compiler tests. */
export const build = defineTask({
  name: 'build',
  description: 'Builds.',
  input: z.object({ environment: z.string().describe('Env'), clean: z.boolean().default(false) }),
  output: z.object({
    bin: z.string(),
    size: z.number(),
    verdict: z.enum(['pass', 'fail']),
    ok: z.boolean(),
    files: z.array(z.object({ path: z.string() })),
  }),
  retryCount: 1,
});

export const store = defineTask({
  name: 'store',
  description: 'Stores.',
  input: z.object({ path: z.string(), size: z.number().optional() }),
  output: z.object({ id: z.string() }),
});

export const deploy = defineTask({
  name: 'deploy',
  description: 'Deploys to one device.',
  input: z.object({ device: z.string() }),
  output: z.object({ status: z.string() }),
});
