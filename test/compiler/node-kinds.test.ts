import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { compileWorkflow, workflow, type RootFlow, type FinishedFlow } from '../../src/index.ts';
import { build, deploy, store } from '../dsl/fixtures.ts';

const input = z.object({ env: z.string().default('esp32'), n: z.number(), devices: z.array(z.object({ device: z.string() })) });
const output = z.object({ id: z.string().optional() });

/** Compiles a one-off workflow and returns its tasks. */
function tasksOf(build: (f: RootFlow<typeof input, typeof output, z.ZodObject<{ count: z.ZodNumber }>>) => FinishedFlow<any>) {
  const wf = workflow({ name: 'wf', version: 1, description: 'd', input, output, variables: z.object({ count: z.number() }), ownerEmail: 'build-team@example.com' }, build);
  return compileWorkflow(wf).tasks;
}

describe('compiled JSON per node kind', () => {
  it('task: SIMPLE with resolved references, interpolation and options', () => {
    const tasks = tasksOf((f) =>
      f
        .task('compile', build, (s) => ({ environment: `env-${s.input.env}`, clean: true }), { optional: true, startDelay: 5, description: 'Compile it' })
        .task(store, (s) => ({ path: s.compile.output.bin, size: s.compile.output.size }))
        .output((s) => ({ id: s.store.output.id })),
    );
    expect(tasks).toEqual([
      {
        name: 'build',
        taskReferenceName: 'compile',
        type: 'SIMPLE',
        description: 'Compile it',
        optional: true,
        startDelay: 5,
        inputParameters: { environment: 'env-${workflow.input.env}', clean: true },
      },
      { name: 'store', taskReferenceName: 'store', type: 'SIMPLE', inputParameters: { path: '${compile.output.bin}', size: '${compile.output.size}' } },
    ]);
  });

  it('references: nested objects, list indexes and odd keys', () => {
    const tasks = tasksOf((f) =>
      f
        .task('compile', build, (s) => ({ environment: s.input.env }))
        .task(store, (s) => ({ path: s.compile.output.files[0]!.path }))
        .output((s) => ({ id: s.workflow.workflowId })),
    );
    expect(tasks[1]?.inputParameters).toEqual({ path: '${compile.output.files[0].path}' });
  });

  it('fork: FORK_JOIN then a JOIN on the last task of each branch', () => {
    const tasks = tasksOf((f) =>
      f
        .fork('builds', [
          (b) => b.task('a', build, (s) => ({ environment: s.input.env })),
          (b) => b.task('b1', build, () => ({ environment: 'web' })).task('b2', store, (s) => ({ path: s.b1.output.bin })),
        ])
        .output((s) => ({ id: s.builds_join.output.b2.id })),
    );
    expect(tasks).toEqual([
      {
        name: 'builds',
        taskReferenceName: 'builds',
        type: 'FORK_JOIN',
        inputParameters: {},
        forkTasks: [
          [{ name: 'build', taskReferenceName: 'a', type: 'SIMPLE', inputParameters: { environment: '${workflow.input.env}' } }],
          [
            { name: 'build', taskReferenceName: 'b1', type: 'SIMPLE', inputParameters: { environment: 'web' } },
            { name: 'store', taskReferenceName: 'b2', type: 'SIMPLE', inputParameters: { path: '${b1.output.bin}' } },
          ],
        ],
      },
      { name: 'builds_join', taskReferenceName: 'builds_join', type: 'JOIN', joinOn: ['a', 'b2'] },
    ]);
  });

  it('fork: an empty branch is an error naming the branch', () => {
    expect(() => tasksOf((f) => f.fork('par', [(b) => b.task('a', store, () => ({ path: 'x' })), (b) => b]).output(() => ({})))).toThrow(
      'fork "par": branch 2 has no task; add one or remove the branch.',
    );
  });

  it('switch (value-param): cases, default, and the value as an input parameter', () => {
    const tasks = tasksOf((f) =>
      f
        .task('compile', build, () => ({ environment: 'x' }))
        .switch(
          'gate',
          (s) => s.compile.output.verdict,
          { fail: (b) => b.terminate('FAILED', { reason: (s) => `bad ${s.compile.output.bin}` }) },
          (b) => b.task(store, () => ({ path: 'p' })),
        )
        .output(() => ({})),
    );
    expect(tasks[1]).toEqual({
      name: 'gate',
      taskReferenceName: 'gate',
      type: 'SWITCH',
      evaluatorType: 'value-param',
      expression: 'switchCaseValue',
      inputParameters: { switchCaseValue: '${compile.output.verdict}' },
      decisionCases: {
        fail: [
          {
            name: 'terminate_1',
            taskReferenceName: 'terminate_1',
            type: 'TERMINATE',
            inputParameters: { terminationStatus: 'FAILED', terminationReason: 'bad ${compile.output.bin}', workflowOutput: {} },
          },
        ],
      },
      defaultCase: [{ name: 'store', taskReferenceName: 'store', type: 'SIMPLE', inputParameters: { path: 'p' } }],
    });
  });

  it('switch (javascript): the script reads its inputs as $.name', () => {
    const tasks = tasksOf((f) =>
      f
        .switchScript('size_gate', {
          input: (s) => ({ n: s.input.n }),
          script: ($) => `${$.n} > 10 ? 'big' : 'small'`,
          cases: { big: (b) => b.task(store, () => ({ path: 'big' })) },
        })
        .output(() => ({})),
    );
    expect(tasks[0]).toMatchObject({
      type: 'SWITCH',
      evaluatorType: 'javascript',
      expression: "$.n > 10 ? 'big' : 'small'",
      inputParameters: { n: '${workflow.input.n}' },
      defaultCase: [],
    });
  });

  it('doWhile: loop condition over body outputs, inputs and the iteration', () => {
    const tasks = tasksOf((f) =>
      f
        .doWhile('retry', {
          input: (s) => ({ max: s.input.n }),
          body: (b) => b.task('attempt', build, () => ({ environment: 'x' })),
          condition: (c) => `${c.retry.iteration} < ${c.max} && !${c.attempt.ok}`,
        })
        .output((s) => ({ id: s.attempt.output.bin })),
    );
    expect(tasks).toEqual([
      {
        name: 'retry',
        taskReferenceName: 'retry',
        type: 'DO_WHILE',
        inputParameters: { max: '${workflow.input.n}' },
        loopCondition: '$.retry.iteration < $.max && !$.attempt.ok',
        loopOver: [{ name: 'build', taskReferenceName: 'attempt', type: 'SIMPLE', inputParameters: { environment: 'x' } }],
      },
    ]);
  });

  it('subWorkflow: SUB_WORKFLOW naming the child and its version', () => {
    const child = workflow(
      { name: 'child', version: 3, description: 'c', input: z.object({ path: z.string() }), output: z.object({ id: z.string() }) },
      (f) => f.task(store, (s) => ({ path: s.input.path })).output((s) => ({ id: s.store.output.id })),
    );
    const tasks = tasksOf((f) => f.subWorkflow('run_child', child, (s) => ({ path: s.input.env })).output((s) => ({ id: s.run_child.output.id })));
    expect(tasks).toEqual([
      {
        name: 'child',
        taskReferenceName: 'run_child',
        type: 'SUB_WORKFLOW',
        inputParameters: { path: '${workflow.input.env}' },
        subWorkflowParam: { name: 'child', version: 3 },
      },
    ]);
  });

  it('dynamicFork: FORK_JOIN_DYNAMIC over a list, a JOIN on all, and the results listed by item through the JOIN\'s joinOn', () => {
    const tasks = tasksOf((f) => f.dynamicFork('deploy_all', deploy, (s) => s.input.devices).output(() => ({})));
    expect(tasks).toEqual([
      {
        name: 'deploy_all',
        taskReferenceName: 'deploy_all',
        type: 'FORK_JOIN_DYNAMIC',
        inputParameters: { forkTaskName: 'deploy', forkTaskInputs: '${workflow.input.devices}' },
      },
      { name: 'deploy_all_join', taskReferenceName: 'deploy_all_join', type: 'JOIN', joinOn: [] },
      {
        name: 'deploy_all_results',
        taskReferenceName: 'deploy_all_results',
        type: 'JSON_JQ_TRANSFORM',
        description: "Lists each item of deploy_all with its task's output, in item order.",
        inputParameters: {
          items: '${deploy_all.input.forkTaskInputs}',
          joinOn: '${deploy_all_join.input.joinOn}',
          outputs: '${deploy_all_join.output}',
          queryExpression: '[range(0; .joinOn | length) as $i | {input: .items[$i], output: .outputs[.joinOn[$i]]}]',
        },
      },
    ]);
  });

  it('wait and human: WAIT with a duration, HUMAN with its timeout as an inline task definition', () => {
    const tasks = tasksOf((f) =>
      f
        .wait('cool_down', { duration: '10m' })
        .human('approval', { output: z.object({ approved: z.boolean() }), timeoutSeconds: 3600, input: (s) => ({ env: s.input.env }) })
        .output(() => ({})),
    );
    expect(tasks).toEqual([
      { name: 'cool_down', taskReferenceName: 'cool_down', type: 'WAIT', inputParameters: { duration: '10m' } },
      {
        name: 'approval',
        taskReferenceName: 'approval',
        type: 'HUMAN',
        inputParameters: { env: '${workflow.input.env}' },
        taskDefinition: {
          name: 'approval',
          ownerEmail: 'build-team@example.com',
          retryCount: 0,
          timeoutSeconds: 3600,
          responseTimeoutSeconds: 3600,
          totalTimeoutSeconds: 0,
          timeoutPolicy: 'RETRY',
        },
      },
    ]);
  });

  it('terminate: status, reason and typed workflow output; generated refs skip taken names', () => {
    const tasks = tasksOf((f) =>
      f
        .task('terminate_1', store, () => ({ path: 'x' }))
        .terminate('COMPLETED', { output: (s) => ({ id: s.terminate_1.output.id }) })
        .output(() => ({})),
    );
    expect(tasks[1]).toEqual({
      name: 'terminate_2',
      taskReferenceName: 'terminate_2',
      type: 'TERMINATE',
      inputParameters: { terminationStatus: 'COMPLETED', workflowOutput: { id: '${terminate_1.output.id}' } },
    });
  });

  it('http, inline, setVariable and jq', () => {
    const tasks = tasksOf((f) =>
      f
        .http('call', (s) => ({ uri: `http://127.0.0.1/${s.input.env}`, method: 'POST', body: { n: s.input.n } }))
        .inline('calc', { input: (s) => ({ code: s.call.output.response.statusCode }), script: ($) => `${$.code} + 1`, result: z.number() })
        .setVariable((s) => ({ count: s.calc.output.result }))
        .jq('shape', { input: (s) => ({ devices: s.input.devices }), query: '[.devices[].device]', result: z.array(z.string()) })
        .output(() => ({})),
    );
    expect(tasks).toEqual([
      {
        name: 'call',
        taskReferenceName: 'call',
        type: 'HTTP',
        inputParameters: { http_request: { uri: 'http://127.0.0.1/${workflow.input.env}', method: 'POST', body: { n: '${workflow.input.n}' } } },
      },
      {
        name: 'calc',
        taskReferenceName: 'calc',
        type: 'INLINE',
        inputParameters: { code: '${call.output.response.statusCode}', evaluatorType: 'javascript', expression: '$.code + 1' },
      },
      { name: 'set_variable_1', taskReferenceName: 'set_variable_1', type: 'SET_VARIABLE', inputParameters: { count: '${calc.output.result}' } },
      {
        name: 'shape',
        taskReferenceName: 'shape',
        type: 'JSON_JQ_TRANSFORM',
        inputParameters: { devices: '${workflow.input.devices}', queryExpression: '[.devices[].device]' },
      },
    ]);
  });

  it('event: EVENT with its sink, the input as the payload, asyncComplete only when set; a later task reads its output', () => {
    const tasks = tasksOf((f) =>
      f
        .event('announce', { sink: 'conductor', input: (s) => ({ env: s.input.env, n: s.input.n }) })
        .event('hold', { sink: 'conductor:builds', asyncComplete: true, description: 'Waits for a handler' })
        .task(store, (s) => ({ path: s.announce.output.event_produced, size: s.announce.output.n }))
        .output(() => ({})),
    );
    expect(tasks).toEqual([
      { name: 'announce', taskReferenceName: 'announce', type: 'EVENT', sink: 'conductor', inputParameters: { env: '${workflow.input.env}', n: '${workflow.input.n}' } },
      { name: 'hold', taskReferenceName: 'hold', type: 'EVENT', sink: 'conductor:builds', asyncComplete: true, description: 'Waits for a handler', inputParameters: {} },
      { name: 'store', taskReferenceName: 'store', type: 'SIMPLE', inputParameters: { path: '${announce.output.event_produced}', size: '${announce.output.n}' } },
    ]);
  });

  it('event: a sink the server lacks is refused, naming the task and the sinks it has', () => {
    for (const sink of ['sqs:orders', 'kafka:builds', 'conductor:', 'conductor:a:b', 'conductorx']) {
      expect(() => tasksOf((f) => f.event('emit', { sink: sink as 'conductor' }).output(() => ({})))).toThrow(
        `event "emit": sink ${JSON.stringify(sink)} is not a queue conductor-oss 3.32.3 has; use "conductor" (queue conductor:<workflow>:emit) or "conductor:<name>"`,
      );
    }
  });
});

describe('compiled workflow', () => {
  it('emits every setting explicitly, input defaults as inputTemplate, the schemas unenforced, and the failure workflow by name', () => {
    const handler = workflow(
      { name: 'handler', version: 1, description: 'h', input: z.object({ workflowId: z.string() }), output: z.object({}) },
      (f) => f.task(store, (s) => ({ path: s.input.workflowId })).output(() => ({})),
    );
    const wf = workflow(
      {
        name: 'main',
        version: 2,
        description: 'Main.',
        input,
        output,
        variables: z.object({ count: z.number().default(0) }),
        failureWorkflow: handler,
        timeoutSeconds: 120,
        ownerEmail: 'build-team@example.com',
      },
      (f) => f.task(store, () => ({ path: 'p' })).output((s) => ({ id: s.store.output.id })),
    );
    const { tasks, ...def } = compileWorkflow(wf);
    expect(tasks).toHaveLength(1);
    expect(def).toEqual({
      name: 'main',
      description: 'Main.',
      version: 2,
      schemaVersion: 2,
      ownerEmail: 'build-team@example.com',
      timeoutSeconds: 120,
      timeoutPolicy: 'TIME_OUT_WF',
      restartable: true,
      failureWorkflow: 'handler',
      inputParameters: ['env', 'n', 'devices'],
      inputTemplate: { env: 'esp32' },
      variables: { count: 0 },
      outputParameters: { id: '${store.output.id}' },
      inputSchema: {
        name: 'main_input',
        version: 2,
        type: 'JSON',
        data: {
          $schema: 'http://json-schema.org/draft-07/schema#',
          type: 'object',
          properties: {
            env: { type: 'string', default: 'esp32' },
            n: { type: 'number' },
            devices: { type: 'array', items: { type: 'object', properties: { device: { type: 'string' } }, required: ['device'], additionalProperties: false } },
          },
          required: ['n', 'devices'],
          additionalProperties: false,
        },
      },
      outputSchema: {
        name: 'main_output',
        version: 2,
        type: 'JSON',
        data: { $schema: 'http://json-schema.org/draft-07/schema#', type: 'object', properties: { id: { type: 'string' } }, additionalProperties: false },
      },
      enforceSchema: false,
    });
  });

  it('builders are immutable: a flow can be extended twice without one seeing the other', () => {
    let first: readonly unknown[] = [];
    let second: readonly unknown[] = [];
    workflow({ name: 'w', version: 1, description: 'd', input, output }, (f) => {
      const base = f.task('a', store, () => ({ path: 'a' }));
      first = base.task('b', store, () => ({ path: 'b' })).nodes;
      second = base.task('c', store, () => ({ path: 'c' })).nodes;
      return base.output(() => ({}));
    });
    expect(first.map((n) => (n as { ref: string }).ref)).toEqual(['a', 'b']);
    expect(second.map((n) => (n as { ref: string }).ref)).toEqual(['a', 'c']);
  });
});
