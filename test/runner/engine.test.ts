import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { NonRetryableException } from '@io-orkes/conductor-javascript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TaskDef, WorkflowDef, WorkflowTask } from '../../src/conductor-types.ts';
import { run } from '../../src/testing.ts';

const simple = (ref: string, inputParameters: Record<string, unknown> = {}, extra: Partial<WorkflowTask> = {}): WorkflowTask => ({
  name: extra.name ?? ref,
  taskReferenceName: ref,
  type: 'SIMPLE',
  inputParameters,
  ...extra,
});

const wf = (tasks: WorkflowTask[], extra: Partial<WorkflowDef> = {}): WorkflowDef => ({
  name: 'w',
  version: 1,
  schemaVersion: 2,
  timeoutSeconds: 0,
  tasks,
  ...extra,
});

const taskDef = (name: string, extra: Partial<TaskDef> = {}): TaskDef => ({
  name,
  retryCount: 0,
  retryDelaySeconds: 0,
  timeoutSeconds: 0,
  totalTimeoutSeconds: 0,
  responseTimeoutSeconds: 60,
  ...extra,
});

describe('SIMPLE tasks, handlers and mocks', () => {
  it('resolves inputs from the workflow and earlier tasks, and outputs from outputParameters', async () => {
    const result = await run(
      wf([simple('a', { x: '${workflow.input.n}' }), simple('b', { y: '${a.output.doubled}', text: 'n=${workflow.input.n}' })], {
        outputParameters: { final: '${b.output.echo}', fromA: '${a.output.doubled}' },
      }),
      { n: 21 },
      { handlers: { a: (t) => ({ doubled: (t.inputData['x'] as number) * 2 }), b: (t) => ({ echo: t.inputData }) } },
    );
    expect(result.status).toBe('COMPLETED');
    expect(result.output).toEqual({ final: { y: 42, text: 'n=21' }, fromA: 42 });
    expect(result.taskRefs).toEqual(['a', 'b']);
  });

  it('without outputParameters the output is the last task output; inputTemplate fills missing inputs', async () => {
    const result = await run(wf([simple('a', { v: '${workflow.input.v}' })], { inputTemplate: { v: 'default' } }), {}, { handlers: { a: (t) => ({ got: t.inputData['v'] }) } });
    expect(result.output).toEqual({ got: 'default' });
  });

  it('consumes mocks in order: a failure is retried at once and started after the TaskDef delay (conductor-oss 3.32.3), then succeeds', async () => {
    const result = await run(wf([simple('deploy')]), {}, {
      registry: { tasks: [taskDef('deploy', { retryCount: 3, retryLogic: 'FIXED', retryDelaySeconds: 60 })] },
      mocks: { deploy: [{ status: 'FAILED', output: {} }, { status: 'FAILED', output: {} }, { status: 'COMPLETED', output: { ok: true } }] },
    });
    expect(result.status).toBe('COMPLETED');
    expect(result.attempts('deploy').map((t) => [t.status, t.retryCount])).toEqual([
      ['FAILED', 0],
      ['FAILED', 1],
      ['COMPLETED', 2],
    ]);
    const [first, ...retries] = result.attempts('deploy');
    expect(result.attempts('deploy').map((t) => t.startTime - first!.startTime)).toEqual([0, 60_000, 120_000]);
    // Each retry is scheduled the moment its predecessor failed; only its start waits.
    expect(retries.map((t, i) => t.scheduledTime - result.attempts('deploy')[i]!.endTime)).toEqual([0, 0]);
  });

  it.each([
    ['LINEAR_BACKOFF', [0, 20_000, 60_000]],
    ['EXPONENTIAL_BACKOFF', [0, 10_000, 30_000]],
  ] as const)('%s retry delays', async (retryLogic, expected) => {
    const result = await run(wf([simple('t')]), {}, {
      registry: { tasks: [taskDef('t', { retryCount: 2, retryLogic, retryDelaySeconds: 10, backoffScaleFactor: 2 })] },
      mocks: { t: [{ status: 'FAILED', output: {} }, { status: 'FAILED', output: {} }, { status: 'COMPLETED', output: {} }] },
    });
    const first = result.attempts('t')[0]!.startTime;
    // LINEAR: 10 s x 2 x (n+1) = 20 s then 40 s; EXPONENTIAL: 10 s x 2^n = 10 s then 20 s.
    expect(result.attempts('t').map((a) => a.startTime - first)).toEqual(expected);
  });

  it('maxRetryDelaySeconds caps every backoff', async () => {
    const result = await run(wf([simple('t')]), {}, {
      registry: { tasks: [taskDef('t', { retryCount: 3, retryLogic: 'EXPONENTIAL_BACKOFF', retryDelaySeconds: 10, maxRetryDelaySeconds: 15 } as Partial<TaskDef>)] },
      mocks: { t: [{ status: 'FAILED', output: {} }, { status: 'FAILED', output: {} }, { status: 'FAILED', output: {} }, { status: 'COMPLETED', output: {} }] },
    });
    const starts = result.attempts('t').map((a) => a.startTime);
    // 10 s, then 20 s and 40 s capped to 15 s.
    expect(starts.slice(1).map((s, i) => s - starts[i]!)).toEqual([10_000, 15_000, 15_000]);
  });

  it('FAILED_WITH_TERMINAL_ERROR is never retried and fails the workflow with its reason', async () => {
    const result = await run(wf([simple('t'), simple('after')]), {}, {
      registry: { tasks: [taskDef('t', { retryCount: 5 })] },
      handlers: {
        t: () => {
          throw new NonRetryableException('bad input: environment');
        },
      },
    });
    expect(result.status).toBe('FAILED');
    expect(result.reasonForIncompletion).toBe(`Task ${result.task('t')?.taskId} failed with status: FAILED and reason: 'bad input: environment'`);
    expect(result.attempts('t')).toHaveLength(1);
    expect(result.task('t')?.status).toBe('FAILED_WITH_TERMINAL_ERROR');
    expect(result.task('after')).toBeUndefined();
  });

  it('an optional task that fails for good ends COMPLETED_WITH_ERRORS and the workflow goes on', async () => {
    const result = await run(wf([simple('opt', {}, { optional: true }), simple('next')]), {}, {
      registry: { tasks: [taskDef('opt')] },
      mocks: { opt: [{ status: 'FAILED', output: {} }], next: [{ status: 'COMPLETED', output: {} }] },
    });
    expect(result.status).toBe('COMPLETED');
    expect(result.task('opt')?.status).toBe('COMPLETED_WITH_ERRORS');
  });

  it('a task that outlives timeoutSeconds times out the workflow (TIME_OUT_WF) in virtual time', async () => {
    const result = await run(wf([simple('slow')]), {}, {
      registry: { tasks: [taskDef('slow', { timeoutSeconds: 300, responseTimeoutSeconds: 300, timeoutPolicy: 'TIME_OUT_WF' })] },
      mocks: { slow: [{ status: 'COMPLETED', output: {}, executionTime: 400_000 }] },
    });
    expect(result.status).toBe('TIMED_OUT');
    expect(result.task('slow')?.status).toBe('TIMED_OUT');
  });

  it('with timeoutPolicy RETRY a timed-out attempt is retried', async () => {
    const result = await run(wf([simple('slow')]), {}, {
      registry: { tasks: [taskDef('slow', { retryCount: 1, timeoutSeconds: 10, responseTimeoutSeconds: 10, timeoutPolicy: 'RETRY' })] },
      mocks: { slow: [{ status: 'COMPLETED', output: {}, executionTime: 20_000 }, { status: 'COMPLETED', output: { ok: 1 }, executionTime: 1000 }] },
    });
    expect(result.status).toBe('COMPLETED');
    expect(result.attempts('slow').map((a) => a.status)).toEqual(['TIMED_OUT', 'COMPLETED']);
  });

  it('a worker that does not report within responseTimeoutSeconds times the attempt out, and it is retried', async () => {
    const result = await run(wf([simple('quiet')]), {}, {
      registry: { tasks: [taskDef('quiet', { retryCount: 1, responseTimeoutSeconds: 60 })] },
      mocks: { quiet: [{ status: 'COMPLETED', output: {}, executionTime: 200_000 }, { status: 'COMPLETED', output: { ok: true }, executionTime: 1_000 }] },
    });
    const [first] = result.attempts('quiet');
    // conductor-oss 3.32.3's wording (DeciderService.timeoutTask).
    expect(result.attempts('quiet').map((a) => [a.status, a.reasonForIncompletion])).toEqual([
      ['TIMED_OUT', `responseTimeout: 60 exceeded for the taskId: ${first?.taskId} with Task Definition: quiet`],
      ['COMPLETED', undefined],
    ]);
    expect(result.status).toBe('COMPLETED');
  });

  it('a SIMPLE task nobody handles waits, and the run says RUNNING', async () => {
    const result = await run(wf([simple('unhandled')]), {});
    expect(result.status).toBe('RUNNING');
    expect(result.task('unhandled')?.status).toBe('SCHEDULED');
  });

  it('a waiting run stays RUNNING; the workflow timeout fires when the test lets time pass (TIME_OUT_WF; the default ALERT_ONLY only alerts)', async () => {
    const result = await run(wf([{ name: 'w8', taskReferenceName: 'w8', type: 'WAIT' }], { timeoutSeconds: 30, timeoutPolicy: 'TIME_OUT_WF' }), {});
    expect(result.status).toBe('RUNNING');
    await result.advance(29_999);
    expect(result.status).toBe('RUNNING');
    await result.advance(1);
    expect(result.status).toBe('TIMED_OUT');
    expect(result.reasonForIncompletion).toBe('Workflow timed out after 30 seconds. Timeout configured as 30 seconds. Timeout policy configured to TIME_OUT_WF');
    const alertOnly = await run(wf([{ name: 'w8', taskReferenceName: 'w8', type: 'WAIT' }], { timeoutSeconds: 30 }), {});
    await alertOnly.advance(60_000);
    expect(alertOnly.status).toBe('RUNNING');
  });
});

describe('control flow', () => {
  it('SWITCH value-param picks the case by its text value, default otherwise; output has the selected case', async () => {
    const def = wf([
      {
        name: 'sw',
        taskReferenceName: 'sw',
        type: 'SWITCH',
        evaluatorType: 'value-param',
        expression: 'v',
        inputParameters: { v: '${workflow.input.flag}' },
        decisionCases: { true: [simple('yes')] },
        defaultCase: [simple('no')],
      },
      simple('after'),
    ]);
    const handlers = { yes: () => ({}), no: () => ({}), after: () => ({}) };
    const yes = await run(def, { flag: true }, { handlers });
    expect(yes.taskRefs).toEqual(['sw', 'yes', 'after']);
    expect(yes.task('sw')?.outputData).toEqual({ evaluationResult: ['true'], selectedCase: 'true' });
    const no = await run(def, { flag: false }, { handlers });
    expect(no.taskRefs).toEqual(['sw', 'no', 'after']);
  });

  it('SWITCH javascript evaluates with $ bound to the inputs', async () => {
    const def = wf([
      {
        name: 'sw',
        taskReferenceName: 'sw',
        type: 'SWITCH',
        evaluatorType: 'javascript',
        expression: '$.n > 10 ? "big" : "small"',
        inputParameters: { n: '${workflow.input.n}' },
        decisionCases: { big: [simple('big')], small: [simple('small')] },
      },
    ]);
    const result = await run(def, { n: 11 }, { handlers: { big: () => ({}), small: () => ({}) } });
    expect(result.taskRefs).toEqual(['sw', 'big']);
  });

  it('FORK_JOIN runs branches and the JOIN collects the joined tasks outputs; the output is the last task in the list', async () => {
    const def = wf([
      { name: 'f', taskReferenceName: 'f', type: 'FORK_JOIN', forkTasks: [[simple('a1'), simple('a2')], [simple('b1')]] },
      { name: 'j', taskReferenceName: 'j', type: 'JOIN', joinOn: ['a2', 'b1'] },
    ]);
    const result = await run(def, {}, { handlers: { a1: () => ({ v: 1 }), a2: () => ({ v: 2 }), b1: () => ({ v: 3 }) } });
    expect(result.status).toBe('COMPLETED');
    expect(result.task('j')?.outputData).toEqual({ a2: { v: 2 }, b1: { v: 3 } });
    expect(result.taskRefs).toEqual(['f', 'a1', 'b1', 'j', 'a2']);
    expect(result.output).toEqual({ v: 2 });
  });

  it('a failed branch task fails the workflow', async () => {
    const def = wf([
      { name: 'f', taskReferenceName: 'f', type: 'FORK_JOIN', forkTasks: [[simple('a')], [simple('b')]] },
      { name: 'j', taskReferenceName: 'j', type: 'JOIN', joinOn: ['a', 'b'] },
    ]);
    const result = await run(def, {}, { registry: { tasks: [taskDef('a'), taskDef('b')] }, mocks: { a: [{ status: 'FAILED', output: {} }], b: [{ status: 'COMPLETED', output: {} }] } });
    expect(result.status).toBe('FAILED');
  });

  it('FORK_JOIN_DYNAMIC runs one task per item and the JOIN waits for all', async () => {
    const def = wf([
      {
        name: 'df',
        taskReferenceName: 'df',
        type: 'FORK_JOIN_DYNAMIC',
        inputParameters: { forkTaskName: 'deploy', forkTaskInputs: '${workflow.input.devices}' },
      },
      { name: 'dj', taskReferenceName: 'dj', type: 'JOIN' },
    ]);
    const result = await run(def, { devices: [{ ip: '10.0.0.1' }, { ip: '10.0.0.2' }] }, { handlers: { deploy: (t) => ({ done: t.inputData['ip'] }) } });
    expect(result.status).toBe('COMPLETED');
    expect(result.taskRefs).toEqual(['df', '_deploy_0', '_deploy_1', 'dj']);
    expect(result.task('dj')?.outputData).toEqual({ _deploy_0: { done: '10.0.0.1' }, _deploy_1: { done: '10.0.0.2' } });
    expect(result.task('_deploy_1')?.inputData).toEqual({ ip: '10.0.0.2', __index: 1 });
  });

  it('DO_WHILE names iterations ref__N, outputs each iteration, and reads $.ref in the condition', async () => {
    const def = wf([
      {
        name: 'loop',
        taskReferenceName: 'loop',
        type: 'DO_WHILE',
        inputParameters: { max: '${workflow.input.max}' },
        loopCondition: '$.loop.iteration < $.max && $.step.n < 100',
        loopOver: [simple('step', { i: '${loop.output.iteration}' })],
      },
      simple('after', { last: '${step.output.n}' }),
    ]);
    const result = await run(def, { max: 3 }, { handlers: { step: (t) => ({ n: (t.inputData['i'] as number) * 10 }), after: (t) => t.inputData } });
    expect(result.status).toBe('COMPLETED');
    expect(result.taskRefs).toEqual(['loop', 'step__1', 'step__2', 'step__3', 'after']);
    expect(result.task('loop')?.outputData).toEqual({ iteration: 3, 1: { step: { n: 10 } }, 2: { step: { n: 20 } }, 3: { step: { n: 30 } } });
    expect(result.task('after')?.outputData).toEqual({ last: 30 });
  });

  it('10,000 loop iterations of system tasks run without growing the stack', async () => {
    const def = wf([
      {
        name: 'loop',
        taskReferenceName: 'loop',
        type: 'DO_WHILE',
        loopCondition: '$.loop.iteration < 10000',
        loopOver: [{ name: 'sv', taskReferenceName: 'sv', type: 'SET_VARIABLE', inputParameters: { i: '${loop.output.iteration}' } }],
      },
    ]);
    const result = await run(def, {});
    expect(result.reasonForIncompletion, result.reasonForIncompletion).toBeUndefined();
    expect(result.status).toBe('COMPLETED');
    expect(result.variables).toEqual({ i: 10000 });
  });

  it('TERMINATE ends the workflow with its status, reason and output; nothing after it runs', async () => {
    const def = wf([
      {
        name: 't',
        taskReferenceName: 't',
        type: 'TERMINATE',
        inputParameters: { terminationStatus: 'COMPLETED', terminationReason: 'nothing to do', workflowOutput: { deployed: false } },
      },
      simple('never'),
    ]);
    const result = await run(def, {});
    expect(result.status).toBe('COMPLETED');
    expect(result.output).toEqual({ deployed: false });
    expect(result.task('t')?.outputData).toEqual({ deployed: false });
    expect(result.reasonForIncompletion).toBe('nothing to do');
    expect(result.task('never')).toBeUndefined();
  });

  it('SET_VARIABLE merges into workflow.variables, which later tasks read', async () => {
    const def = wf([
      { name: 'sv', taskReferenceName: 'sv', type: 'SET_VARIABLE', inputParameters: { count: 1, who: '${workflow.input.who}' } },
      { name: 'sv2', taskReferenceName: 'sv2', type: 'SET_VARIABLE', inputParameters: { count: 2 } },
      simple('read', { c: '${workflow.variables.count}', w: '${workflow.variables.who}' }),
    ]);
    const result = await run(def, { who: 'k1' }, { handlers: { read: (t) => t.inputData } });
    expect(result.variables).toEqual({ count: 2, who: 'k1' });
    expect(result.output).toEqual({ c: 2, w: 'k1' });
  });

  it('INLINE returns {result}; a script error is a terminal failure; the script cannot reach the process', async () => {
    const ok = await run(wf([{ name: 'i', taskReferenceName: 'i', type: 'INLINE', inputParameters: { evaluatorType: 'javascript', expression: '$.a + $.b', a: 2, b: 3 } }]), {});
    expect(ok.output).toEqual({ result: 5 });
    const escape = await run(
      wf([{ name: 'i', taskReferenceName: 'i', type: 'INLINE', inputParameters: { evaluatorType: 'javascript', expression: 'this.constructor.constructor("return process")().exit(1)' } }]),
      {},
    );
    expect(escape.status).toBe('FAILED');
    expect(escape.task('i')?.status).toBe('FAILED_WITH_TERMINAL_ERROR');
    const loop = await run(wf([{ name: 'i', taskReferenceName: 'i', type: 'INLINE', inputParameters: { evaluatorType: 'javascript', expression: 'while(true){}' } }]), {}, { scriptTimeoutMs: 50 });
    expect([loop.task('i')?.status, loop.task('i')?.reasonForIncompletion]).toEqual(['FAILED', 'Script not evaluated within 0.05 seconds, interrupted.']);
  });

  it('JSON_JQ_TRANSFORM runs jq: result and resultList', async () => {
    const result = await run(
      wf([{ name: 'jq', taskReferenceName: 'jq', type: 'JSON_JQ_TRANSFORM', inputParameters: { devices: '${workflow.input.devices}', queryExpression: '.devices | map(.ip)' } }]),
      { devices: [{ ip: 'a' }, { ip: 'b' }] },
    );
    expect(result.output).toEqual({ result: ['a', 'b'], resultList: [['a', 'b']] });
  });

  it('WAIT with a duration completes by itself after that virtual time; HUMAN waits for the API', async () => {
    const def = wf([
      { name: 'w8', taskReferenceName: 'w8', type: 'WAIT', inputParameters: { duration: '1h 30m' } },
      { name: 'approve', taskReferenceName: 'approve', type: 'HUMAN' },
      simple('after', { approved: '${approve.output.approved}' }),
    ]);
    const result = await run(def, {}, { handlers: { after: (t) => t.inputData } });
    expect(result.status).toBe('RUNNING');
    expect(result.task('w8')!.endTime - result.task('w8')!.startTime).toBe(90 * 60 * 1000);
    expect(result.task('approve')?.status).toBe('IN_PROGRESS');
    await result.completeTask('approve', { approved: true });
    expect(result.status).toBe('COMPLETED');
    expect(result.output).toEqual({ approved: true });
  });

  it('SUB_WORKFLOW runs the child from the registry; its output becomes the task output; its failure fails the task', async () => {
    const child = wf([simple('c', { v: '${workflow.input.v}' })], { name: 'child', outputParameters: { doubled: '${c.output.d}' } });
    const parent = wf([{ name: 'child', taskReferenceName: 'sub', type: 'SUB_WORKFLOW', subWorkflowParam: { name: 'child', version: 1 }, inputParameters: { v: 4 } }]);
    const ok = await run(parent, {}, { registry: { workflows: [child] }, handlers: { c: (t) => ({ d: (t.inputData['v'] as number) * 2 }) } });
    expect(ok.status).toBe('COMPLETED');
    expect(ok.task('sub')?.outputData).toMatchObject({ doubled: 8 });
    expect(ok.subWorkflow('sub')?.status).toBe('COMPLETED');
    const bad = await run(parent, {}, { registry: { workflows: [child], tasks: [taskDef('c')] }, subWorkflowMocks: { sub: { taskRefToMockOutput: { c: [{ status: 'FAILED', output: {} }] } } } });
    expect(bad.task('sub')?.status).toBe('FAILED');
    expect(bad.status).toBe('FAILED');
    const childId = bad.subWorkflow('sub')?.workflowId;
    const childReason = `Task ${bad.subWorkflow('sub')?.task('c')?.taskId} failed with status: FAILED and reason: 'null'`;
    // conductor-oss 3.32.3 (SubWorkflow.updateTaskStatus) names the child in the task's reason.
    expect(bad.task('sub')?.reasonForIncompletion).toBe(`Sub workflow child.1/${childId} failure reason: ${childReason}`);
  });

  it('a failed workflow starts its failureWorkflow with Conductor input shape; an API terminate does not', async () => {
    const handler = wf([simple('h', { id: '${workflow.input.workflowId}' })], { name: 'on-failure' });
    const main = wf([simple('boom')], { failureWorkflow: 'on-failure' });
    const result = await run(main, { repo: 'K1' }, {
      registry: { workflows: [handler], tasks: [taskDef('boom')] },
      mocks: { boom: [{ status: 'FAILED', output: {} }] },
      handlers: { h: (t) => t.inputData },
    });
    expect(result.status).toBe('FAILED');
    const failure = result.failureWorkflow;
    expect(failure?.status).toBe('COMPLETED');
    expect(failure?.input).toMatchObject({ repo: 'K1', workflowId: result.workflowId, failureStatus: 'FAILED', failureTaskId: result.task('boom')?.taskId });
    expect(failure?.input['reason']).toBe(`Task ${result.task('boom')?.taskId} failed with status: FAILED and reason: 'null'`);
    expect(failure?.output).toEqual({ id: result.workflowId });
    expect(result.output).toEqual({ 'conductor.failure_workflow': failure?.workflowId });
    const waiting = await run(wf([{ name: 'x', taskReferenceName: 'x', type: 'HUMAN' }], { failureWorkflow: 'on-failure' }), {}, { registry: { workflows: [handler] } });
    await waiting.terminate();
    expect(waiting.status).toBe('TERMINATED');
    expect(waiting.failureWorkflow).toBeUndefined();
  });
});

describe('HTTP tasks', () => {
  let server: Server;
  let base: string;
  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        res.writeHead(req.url === '/fail' ? 503 : 200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ method: req.method, url: req.url, body: body === '' ? null : JSON.parse(body) }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('makes a real request and outputs the response; a 5xx fails the task', async () => {
    const http = (ref: string, path: string): WorkflowTask => ({
      name: ref,
      taskReferenceName: ref,
      type: 'HTTP',
      inputParameters: { http_request: { uri: `${base}${path}`, method: 'POST', body: { n: '${workflow.input.n}' } } },
    });
    const ok = await run(wf([http('call', '/hook')]), { n: 7 });
    expect(ok.status).toBe('COMPLETED');
    expect(ok.output).toMatchObject({ response: { statusCode: 200, body: { method: 'POST', url: '/hook', body: { n: 7 } } } });
    const bad = await run(wf([http('call', '/fail')]), { n: 7 });
    expect(bad.status).toBe('FAILED');
    expect(bad.reasonForIncompletion).toContain('503');
  });
});
