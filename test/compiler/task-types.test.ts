import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { compileWorkflow, DefinitionError, toTaskDef, workflow, type FinishedFlow, type RootFlow } from '../../src/index.ts';
import { build, deploy, store } from '../dsl/fixtures.ts';

const input = z.object({ env: z.string(), kind: z.enum(['build', 'store']), devices: z.array(z.object({ device: z.string() })), names: z.array(z.string()) });
const output = z.object({ id: z.string().optional() });
const child = workflow(
  { name: 'child', version: 3, description: 'c', input: z.object({ device: z.string() }), output: z.object({ status: z.string() }) },
  (f) => f.task(deploy, (s) => ({ device: s.input.device })).output((s) => ({ status: s.deploy.output.status })),
);
/** Two contracts that take the same input, for DYNAMIC. */
const lint = deploy;
const flash = { ...deploy, name: 'flash' as const };

function tasksOf(body: (f: RootFlow<typeof input, typeof output, z.ZodObject<{}>>) => FinishedFlow<any>) {
  return compileWorkflow(workflow({ name: 'wf', version: 1, description: 'd', input, output }, body)).tasks;
}

describe('compiled JSON of the remaining task types', () => {
  it('dynamic: DYNAMIC reading the task name from taskToExecute, the input beside it', () => {
    const tasks = tasksOf((f) =>
      f.dynamic('pick', [lint, flash], { task: () => 'flash', input: (s) => ({ device: s.input.env }) }, { optional: true }).output(() => ({})),
    );
    expect(tasks).toEqual([
      {
        name: 'pick',
        taskReferenceName: 'pick',
        type: 'DYNAMIC',
        dynamicTaskNameParam: 'taskToExecute',
        optional: true,
        inputParameters: { device: '${workflow.input.env}', taskToExecute: 'flash' },
      },
    ]);
  });

  it('startWorkflow: START_WORKFLOW with the target name, version, input and correlation id', () => {
    const tasks = tasksOf((f) =>
      f.startWorkflow('kick', child, (s) => ({ device: s.input.env }), { correlationId: (s) => s.workflow.workflowId }).output((s) => ({ id: s.kick.output.workflowId })),
    );
    expect(tasks).toEqual([
      {
        name: 'kick',
        taskReferenceName: 'kick',
        type: 'START_WORKFLOW',
        inputParameters: { startWorkflow: { name: 'child', version: 3, input: { device: '${workflow.input.env}' }, correlationId: '${workflow.workflowId}' } },
      },
    ]);
  });

  it('noop and kafkaPublish', () => {
    const tasks = tasksOf((f) =>
      f
        .noop('nothing', { description: 'placeholder' })
        .kafkaPublish('announce', (s) => ({ bootStrapServers: 'kafka:9092', topic: 'builds', value: { env: s.input.env }, maxBlockMs: 1000 }))
        .output(() => ({})),
    );
    expect(tasks).toEqual([
      { name: 'nothing', taskReferenceName: 'nothing', type: 'NOOP', description: 'placeholder', inputParameters: {} },
      {
        name: 'announce',
        taskReferenceName: 'announce',
        type: 'KAFKA_PUBLISH',
        inputParameters: { kafka_request: { bootStrapServers: 'kafka:9092', topic: 'builds', value: { env: '${workflow.input.env}' }, maxBlockMs: 1000 } },
      },
    ]);
  });

  it('forEach: DO_WHILE with items, an empty condition, keepLastN, and the body reading loopItem/loopIndex', () => {
    const tasks = tasksOf((f) =>
      f
        .forEach('each', {
          items: (s) => s.input.devices,
          keepLastN: 2,
          body: (b) => b.task('one', deploy, (s) => ({ device: `${s.each.output.loopItem.device}#${s.each.output.loopIndex}` })),
        })
        .output(() => ({})),
    );
    expect(tasks).toEqual([
      {
        name: 'each',
        taskReferenceName: 'each',
        type: 'DO_WHILE',
        inputParameters: { keepLastN: 2 },
        items: '${workflow.input.devices}',
        loopCondition: '',
        loopOver: [{ name: 'deploy', taskReferenceName: 'one', type: 'SIMPLE', inputParameters: { device: '${each.output.loopItem.device}#${each.output.loopIndex}' } }],
      },
    ]);
  });

  it('forEach: a condition ends the loop early; doWhile takes keepLastN', () => {
    const tasks = tasksOf((f) =>
      f
        .forEach('each', { items: (s) => s.input.names, body: (b) => b.task('one', deploy, (s) => ({ device: s.each.output.loopItem })), condition: (c) => `${c.one.status} != 'failed' && ${c.loopIndex} < 5` })
        .doWhile('again', { keepLastN: 1, condition: (c) => `${c.again.iteration} < 3`, body: (b) => b.task('two', store, () => ({ path: 'p' })) })
        .output(() => ({})),
    );
    expect(tasks[0]?.loopCondition).toBe("$.one.status != 'failed' && $.loopIndex < 5");
    expect(tasks[1]).toMatchObject({ type: 'DO_WHILE', inputParameters: { keepLastN: 1 }, loopCondition: '$.again.iteration < 3' });
    expect(tasks[1]).not.toHaveProperty('items');
  });

  it('forEach and doWhile refuse a keepLastN that is not a whole number above 0, forEach a literal list', () => {
    expect(() => tasksOf((f) => f.doWhile('l', { keepLastN: 0, condition: 'false', body: (b) => b.noop('n') }).output(() => ({})))).toThrow(
      'loop "l": keepLastN is 0; give a whole number of iterations to keep, 1 or more.',
    );
    expect(() => tasksOf((f) => f.forEach('l', { items: () => ['a'] as never, body: (b) => b.noop('n') }).output(() => ({})))).toThrow(
      'forEach "l": items must be a reference to a list (e.g. (s) => s.input.devices), not ["a"]; the server reads items as an expression.',
    );
  });

  it('dynamicForkWorkflow: FORK_JOIN_DYNAMIC of sub-workflows (version as text), the JOIN and the results', () => {
    const tasks = tasksOf((f) => f.dynamicForkWorkflow('rollout', child, (s) => s.input.devices).output(() => ({})));
    expect(tasks[0]).toEqual({
      name: 'rollout',
      taskReferenceName: 'rollout',
      type: 'FORK_JOIN_DYNAMIC',
      inputParameters: { forkTaskWorkflow: 'child', forkTaskWorkflowVersion: '3', forkTaskInputs: '${workflow.input.devices}' },
    });
    expect(tasks[1]).toEqual({ name: 'rollout_join', taskReferenceName: 'rollout_join', type: 'JOIN', joinOn: [] });
    expect(tasks[2]).toMatchObject({
      taskReferenceName: 'rollout_results',
      type: 'JSON_JQ_TRANSFORM',
      inputParameters: { items: '${rollout.input.forkTaskInputs}', joinOn: '${rollout_join.input.joinOn}', outputs: '${rollout_join.output}' },
    });
  });

  it('taskDefinition: the contract TaskDef with the per-use settings, embedded in the task', () => {
    const tasks = tasksOf((f) => f.task('slow', build, () => ({ environment: 'x' }), { taskDefinition: { timeoutSeconds: 1200, retryCount: 0 } }).output(() => ({})));
    expect(tasks[0]?.taskDefinition).toEqual({ ...toTaskDef(build), timeoutSeconds: 1200, retryCount: 0 });
  });

  it('taskDefinition: settings that break a TaskDef rule are refused where written, naming the option', () => {
    expect(() => tasksOf((f) => f.task(store, () => ({ path: 'p' }), { taskDefinition: { responseTimeoutSeconds: 900, timeoutSeconds: 60 } }).output(() => ({})))).toThrow(DefinitionError);
    expect(() => tasksOf((f) => f.task(store, () => ({ path: 'p' }), { taskDefinition: { responseTimeoutSeconds: 900, timeoutSeconds: 60 } }).output(() => ({})))).toThrow(/responseTimeoutSeconds/);
  });

  it('workflow settings: status listener, rate limit with the server default policy; no tags', () => {
    const def = compileWorkflow(
      workflow(
        {
          name: 'wf',
          version: 1,
          description: 'd',
          input,
          output,
          workflowStatusListenerEnabled: true,
          workflowStatusListenerSink: 'conductor:wf_status',
          rateLimitConfig: { rateLimitKey: '${workflow.correlationId}', concurrentExecLimit: 2 },
        },
        (f) => f.noop('n').output(() => ({})),
      ),
    );
    expect(def).toMatchObject({
      workflowStatusListenerEnabled: true,
      workflowStatusListenerSink: 'conductor:wf_status',
      rateLimitConfig: { rateLimitKey: '${workflow.correlationId}', concurrentExecLimit: 2, policy: 'QUEUE' },
    });
    expect(def).not.toHaveProperty('tags');
    expect(compileWorkflow(workflow({ name: 'plain', version: 1, description: 'd', input, output }, (f) => f.noop('n').output(() => ({}))))).not.toHaveProperty('workflowStatusListenerEnabled');
  });

  it('rateLimitConfig: a limit below 1 or an empty key is refused, naming the field', () => {
    const wf = (limit: { rateLimitKey: string; concurrentExecLimit: number }) =>
      workflow({ name: 'wf', version: 1, description: 'd', input, output, rateLimitConfig: limit }, (f) => f.noop('n').output(() => ({})));
    expect(() => wf({ rateLimitKey: 'k', concurrentExecLimit: 0 })).toThrow('workflow "wf": rateLimitConfig.concurrentExecLimit is 0; give the number of runs allowed at once, 1 or more.');
    expect(() => wf({ rateLimitKey: ' ', concurrentExecLimit: 1 })).toThrow(/rateLimitConfig.rateLimitKey is empty/);
  });
});
