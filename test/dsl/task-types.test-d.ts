import { describe, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { defineTask, workflow, type Ref } from '../../src/index.ts';
import { deploy, store } from './fixtures.ts';

const input = z.object({ env: z.string(), n: z.number(), kind: z.enum(['deploy', 'flash']), devices: z.array(z.object({ device: z.string() })) });
const output = z.object({ id: z.string() });
const meta = { name: 'w', version: 1, description: 'd', input, output } as const;

const flash = defineTask({
  name: 'flash',
  description: 'Flashes one device.',
  input: z.object({ device: z.string() }),
  output: z.object({ status: z.string(), bytes: z.number() }),
});
const child = workflow(
  { name: 'child', version: 1, description: 'c', input: z.object({ device: z.string() }), output: z.object({ stored: z.string() }) },
  (f) => f.task(store, (s) => ({ path: s.input.device })).output((s) => ({ stored: s.store.output.id })),
);

describe('types of the remaining task types', () => {
  it('dynamic: the name is one of the candidates, the input suits all, the output is what they share', () => {
    workflow(meta, (f) =>
      f
        .dynamic('pick', [deploy, flash], { task: (s) => s.input.kind, input: (s) => ({ device: s.input.env }) })
        // @ts-expect-error reason: "erase" is not a candidate's name
        .dynamic('bad_name', [deploy, flash], { task: () => 'erase', input: () => ({ device: 'd' }) })
        // @ts-expect-error reason: input.env is any string, not one of the candidates' names
        .dynamic('untyped_name', [deploy, flash], { task: (s) => s.input.env, input: () => ({ device: 'd' }) })
        // @ts-expect-error reason: device is a string for both candidates
        .dynamic('bad_input', [deploy, flash], { task: () => 'flash', input: (s) => ({ device: s.input.n }) })
        .output((s) => {
          expectTypeOf(s.pick.output.status).toMatchTypeOf<Ref<string>>();
          // @ts-expect-error reason: only flash outputs "bytes", so the dynamic task may not have it
          void s.pick.output.bytes;
          return { id: s.pick.output.status };
        }),
    );
  });

  it('startWorkflow: input checked against the target, output the new workflowId', () => {
    workflow(meta, (f) =>
      f
        .startWorkflow('kick', child, (s) => ({ device: s.input.env }))
        // @ts-expect-error reason: the target's "device" is a string
        .startWorkflow('bad', child, (s) => ({ device: s.input.n }))
        .output((s) => {
          expectTypeOf(s.kick.output.workflowId).toMatchTypeOf<Ref<string>>();
          return { id: s.kick.output.workflowId };
        }),
    );
  });

  it('kafkaPublish: the request is typed; noop has an empty output', () => {
    workflow(meta, (f) =>
      f
        .noop('nothing')
        .kafkaPublish('ok', (s) => ({ bootStrapServers: 'k:9092', topic: 't', value: { env: s.input.env } }))
        // @ts-expect-error reason: the request needs a topic
        .kafkaPublish('no_topic', () => ({ bootStrapServers: 'k:9092', value: 1 }))
        // @ts-expect-error reason: maxBlockMs is a number
        .kafkaPublish('bad_block', () => ({ bootStrapServers: 'k:9092', topic: 't', value: 1, maxBlockMs: '5s' }))
        .output(() => ({ id: 'x' })),
    );
  });

  it('forEach: loopItem is typed as the list item, loopIndex as a number, in the body and after', () => {
    workflow(meta, (f) =>
      f
        .forEach('each', {
          items: (s) => s.input.devices,
          body: (b) =>
            b.task(deploy, (s) => {
              expectTypeOf(s.each.output.loopItem.device).toMatchTypeOf<Ref<string>>();
              expectTypeOf(s.each.output.loopIndex).toMatchTypeOf<Ref<number>>();
              return { device: s.each.output.loopItem.device };
            }),
          condition: (c) => `${c.deploy.status} == 'ok' && ${c.loopIndex} < 3`,
        })
        .forEach('bad', {
          // @ts-expect-error reason: items must be a reference to a list; input.env is a string
          items: (s) => s.input.env,
          body: (b) => b.noop('inner'),
        })
        .output((s) => ({ id: s.deploy.output.status })),
    );
  });

  it('forEach: a body task may not read a field the item does not have', () => {
    workflow(meta, (f) =>
      f
        .forEach('each', {
          items: (s) => s.input.devices,
          // @ts-expect-error reason: an item has "device", not "name"
          body: (b) => b.task(deploy, (s) => ({ device: s.each.output.loopItem.name })),
        })
        .output(() => ({ id: 'x' })),
    );
  });

  it('dynamicForkWorkflow: items typed by the child input, results by its output', () => {
    workflow(meta, (f) =>
      f
        .dynamicForkWorkflow('rollout', child, (s) => s.input.devices)
        // @ts-expect-error reason: an item must be the child's input { device: string }
        .dynamicForkWorkflow('bad', child, () => [{ path: 'p' }])
        .output((s) => {
          expectTypeOf(s.rollout_results.output.result[0]!.output.stored).toMatchTypeOf<Ref<string | null>>();
          expectTypeOf(s.rollout_results.output.result[0]!.input.device).toMatchTypeOf<Ref<string>>();
          return { id: 'x' };
        }),
    );
  });

  it('taskDefinition overrides: only TaskDef settings, with their types', () => {
    workflow(meta, (f) =>
      f
        .task(store, () => ({ path: 'p' }), { taskDefinition: { timeoutSeconds: 30, retryLogic: 'FIXED' } })
        // @ts-expect-error reason: retryLogic is one of FIXED, LINEAR_BACKOFF, EXPONENTIAL_BACKOFF
        .task('again', store, () => ({ path: 'p' }), { taskDefinition: { retryLogic: 'SOMETIMES' } })
        .output(() => ({ id: 'x' })),
    );
  });

  it('workflow settings: rate limit policy and listener flag are typed', () => {
    workflow({ ...meta, rateLimitConfig: { rateLimitKey: 'k', concurrentExecLimit: 1, policy: 'REJECT' }, workflowStatusListenerEnabled: true }, (f) => f.output(() => ({ id: 'x' })));
    // @ts-expect-error reason: the policy is QUEUE or REJECT
    workflow({ ...meta, rateLimitConfig: { rateLimitKey: 'k', concurrentExecLimit: 1, policy: 'DROP' } }, (f) => f.output(() => ({ id: 'x' })));
  });
});
