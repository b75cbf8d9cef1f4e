/**
 * The kinds of behaviour in which the runner used to differ from the real server (issue 13's
 * runner section, `../shared/cases/`), each with the value conductor-oss 3.32.3 gave for the same
 * definition, input and mocks (observed through `POST /api/workflow/test`, or with real workers
 * for the timing; the conformance suite's part 4 runs the same definitions on the server).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TaskDef, WorkflowDef, WorkflowTask } from '../../src/conductor-types.ts';
import { run, type TaskMock } from '../../src/testing.ts';
import { variantDefinition } from '../conformance/runner-variants.ts';
import { startHttpTarget, type RunningTarget } from '../support/http-target.ts';

const done = (output: Record<string, unknown>): TaskMock => ({ status: 'COMPLETED', output });
const F: TaskMock = { status: 'FAILED', output: {} };

const wf = (name: string, tasks: WorkflowTask[], extra: Partial<WorkflowDef> = {}): WorkflowDef => ({ name, version: 1, schemaVersion: 2, timeoutSeconds: 0, tasks, ...extra }) as WorkflowDef;
const task = (ref: string, type: string, extra: Partial<WorkflowTask> = {}): WorkflowTask => ({ name: ref, taskReferenceName: ref, type, ...extra }) as WorkflowTask;
const simple = (ref: string, inputParameters: Record<string, unknown> = {}, extra: Partial<WorkflowTask> = {}): WorkflowTask => task(ref, 'SIMPLE', { inputParameters, ...extra });
const inline = (ref: string, expression: string, inputs: Record<string, unknown> = {}, evaluatorType: unknown = 'javascript'): WorkflowTask =>
  task(ref, 'INLINE', { inputParameters: { ...(evaluatorType !== undefined && { evaluatorType }), expression, ...inputs } });
const taskDef = (def: Partial<TaskDef> & { name: string }): TaskDef => def as TaskDef;
const statuses = (result: Awaited<ReturnType<typeof run>>): string[] => result.tasks.map((t) => `${t.referenceTaskName} ${t.status}`);

describe('SWITCH and DECISION', () => {
  it('the default path: selectedCase is the evaluated value; the input holds case and hasChildren (../shared/cases/01)', async () => {
    // The definition part 4 of the conformance suite runs on the server.
    const result = await run(variantDefinition('switch-default-selected-case'), { kind: 'bulk' });
    expect(statuses(result)).toEqual(['pick_route COMPLETED', 'slow_lane COMPLETED']);
    expect(result.task('pick_route')?.outputData).toEqual({ evaluationResult: ['bulk'], selectedCase: 'bulk' });
    expect(result.task('pick_route')?.inputData).toEqual({ kind: 'bulk', case: 'bulk', hasChildren: 'true' });
  });

  it('a SWITCH case given as an empty list runs nothing (no default), and no hasChildren is written', async () => {
    const result = await run(
      wf('switch_js', [
        task('js', 'SWITCH', { evaluatorType: 'javascript', expression: '$.n > 2 ? "big" : $.n', inputParameters: { n: '${workflow.input.n}' }, decisionCases: { big: [], '1': [inline('one', '1')] }, defaultCase: [inline('other', "'other'")] }),
        inline('after', "'after'"),
      ]),
      { n: 5 },
    );
    expect(statuses(result)).toEqual(['js COMPLETED', 'after COMPLETED']);
    expect(result.task('js')?.inputData).toEqual({ n: 5, case: 'big' });
  });

  it('DECISION takes its default for an empty case, and its input holds only case and hasChildren', async () => {
    const result = await run(wf('decision_empty', [task('d', 'DECISION', { caseValueParam: 'c', inputParameters: { c: '${workflow.input.c}' }, decisionCases: { a: [] }, defaultCase: [inline('dflt', "'default'")] })]), { c: 'a' });
    expect(statuses(result)).toEqual(['d COMPLETED', 'dflt COMPLETED']);
    expect(result.task('d')?.inputData).toEqual({ case: 'a', hasChildren: 'true' });
    expect(result.task('d')?.outputData).toEqual({ caseOutput: ['a'] });
  });

  it('a SWITCH expression that throws fails the task, never retried, with GraalJS wording', async () => {
    const result = await run(wf('switch_error', [task('bad', 'SWITCH', { evaluatorType: 'javascript', expression: '$.missing.deeper', inputParameters: {}, decisionCases: { x: [inline('x', '1')] } })]));
    const reason = "Error evaluating the script `TypeError: Cannot read property 'deeper' of undefined` at line 1";
    expect([result.task('bad')?.status, result.task('bad')?.reasonForIncompletion]).toEqual(['FAILED', reason]);
    expect(result.reasonForIncompletion).toBe(`Task ${result.task('bad')?.taskId} failed with status: FAILED and reason: '${reason}'`);
  });
});

describe('INLINE evaluatorType (../shared/cases/03)', () => {
  it('value-param returns the input the expression names', async () => {
    const result = await run(wf('pick_amount', [inline('amount', 'total', { total: '${workflow.input.total}' }, 'value-param')]), { total: 42 });
    expect(result.output).toEqual({ result: 42 });
  });

  it.each([
    ['blank', '', "Empty 'evaluatorType' in INLINE task's input parameters. A non-empty String value must be provided."],
    ['unknown', 'lua', "Unknown evaluator 'lua' in INLINE task."],
  ])('%s: FAILED_WITH_TERMINAL_ERROR with the reason as output error', async (_kind, evaluatorType, reason) => {
    const result = await run(wf('inline_bad', [inline('amount', 'total', { total: 1 }, evaluatorType)]));
    const amount = result.task('amount');
    expect([result.status, amount?.status, amount?.reasonForIncompletion, amount?.outputData]).toEqual(['FAILED', 'FAILED_WITH_TERMINAL_ERROR', reason, { error: reason }]);
  });

  it('absent: javascript', async () => {
    expect((await run(wf('inline_absent', [inline('amount', '$.a * 2', { a: 21 }, undefined)]))).output).toEqual({ result: 42 });
  });

  it('an error the script throws has no line; one the engine raises has', async () => {
    const thrown = await run(wf('inline_throw', [inline('boom', "var a = 1;\nthrow new Error('bad ' + a)")]));
    expect(thrown.task('boom')?.reasonForIncompletion).toBe('Error evaluating the script `Error: bad 1`');
    const raised = await run(wf('inline_raise', [inline('boom', 'var a = 1;\n$.nothing.here')]));
    expect(raised.task('boom')?.reasonForIncompletion).toBe("Error evaluating the script `TypeError: Cannot read property 'here' of undefined` at line 2");
  });
});

describe('DO_WHILE', () => {
  it('items: loopItem and loopIndex per iteration (../shared/cases/02)', async () => {
    const result = await run(variantDefinition('do-while-items'), { tags: ['red', 'green', 'blue'] });
    expect(result.taskRefs).toEqual(['each_tag', 'label__1', 'label__2', 'label__3']);
    expect(result.task('label__2')?.inputData).toMatchObject({ tag: 'green', index: 1 });
    expect(result.task('each_tag')?.outputData).toEqual({
      '1': { label: { result: 'red#0' } },
      '2': { label: { result: 'green#1' } },
      '3': { label: { result: 'blue#2' } },
      iteration: 3,
      loopIndex: 2,
      loopItem: 'blue',
    });
  });

  it('items: an empty list runs nothing (iteration 0)', async () => {
    const result = await run(variantDefinition('do-while-items-empty'), { tags: [] });
    expect(statuses(result)).toEqual(['each_tag COMPLETED', 'after COMPLETED']);
    expect(result.task('each_tag')?.outputData).toEqual({ iteration: 0 });
  });

  it('keepLastN drops old iterations from the output and from the task list', async () => {
    const result = await run(
      wf('keep_last_n', [
        task('loop', 'DO_WHILE', {
          inputParameters: { keepLastN: 2, max: 4 },
          loopCondition: "if ($.loop['iteration'] < $.max) { true; } else { false; }",
          loopOver: [inline('gen', '({ iteration: $.it })', { it: '${loop.output.iteration}' }), simple('work', { n: '${gen.output.result.iteration}' })],
        }),
        inline('summary', '$.out', { out: '${loop.output}' }),
      ]),
      {},
      { mocks: { work__1: [done({ w: 1 })], work__2: [done({ w: 2 })], work__3: [done({ w: 3 })], work__4: [done({ w: 4 })] } },
    );
    expect(result.taskRefs).toEqual(['loop', 'gen__3', 'work__3', 'gen__4', 'work__4', 'summary']);
    expect(result.output).toEqual({ result: { '3': { gen: { result: { iteration: 3 } }, work: { w: 3 } }, '4': { gen: { result: { iteration: 4 } }, work: { w: 4 } }, iteration: 4 } });
  });

  it('the condition is true for true or a number above 0; a string is false', async () => {
    const result = await run(
      wf('truthiness', [
        task('by_number', 'DO_WHILE', { inputParameters: {}, loopCondition: '$.by_number.iteration < 3 ? 1 : 0', loopOver: [inline('n', '1')] }),
        task('by_string', 'DO_WHILE', { inputParameters: {}, loopCondition: "'true'", loopOver: [inline('s', '1')] }),
      ]),
    );
    expect(result.taskRefs).toEqual(['by_number', 'n__1', 'n__2', 'n__3', 'by_string', 's__1']);
  });

  it("an inner loop whose condition reads its own reference fails: inside the outer loop it is inner__1", async () => {
    const result = await run(
      wf('nested_loops', [
        task('outer', 'DO_WHILE', {
          inputParameters: {},
          loopCondition: '$.outer.iteration < 2',
          loopOver: [task('inner', 'DO_WHILE', { inputParameters: {}, loopCondition: "$.inner['iteration'] < 3", loopOver: [inline('body', '1')] })],
        }),
      ]),
    );
    const reason = "Unable to evaluate condition $.inner['iteration'] < 3, exception Error evaluating the script `TypeError: Cannot read property 'iteration' of undefined` at line 1";
    expect(statuses(result)).toEqual(['outer CANCELED', 'inner__1 FAILED_WITH_TERMINAL_ERROR', 'body__1 COMPLETED']);
    expect(result.task('inner__1')?.reasonForIncompletion).toBe(reason);
    expect(result.reasonForIncompletion).toBe(`Task ${result.task('inner__1')?.taskId} failed with status: FAILED and reason: '${reason}'`);
    expect(result.task('outer')?.outputData).toEqual({ '1': { body: { result: 1 }, inner: { '1': { body: { result: 1 } }, iteration: 1 } }, iteration: 1 });
  });
});

describe('dynamic forks: names, inputs, failures', () => {
  const fork = (ref: string, inputParameters: Record<string, unknown>, extra: Partial<WorkflowTask> = {}): WorkflowTask => task(ref, 'FORK_JOIN_DYNAMIC', { inputParameters, ...extra });
  const join = (ref: string): WorkflowTask => task(ref, 'JOIN', { joinOn: [] });

  it('scalar items are wrapped as {input, __index}; the JOIN output is keyed by the forked refs (../shared/cases/04)', async () => {
    const result = await run(wf('double_all', [fork('fan', { forkTaskName: 'double_it', forkTaskInputs: '${workflow.input.values}' }), join('gather')]), { values: [3, 5] }, {
      mocks: { _double_it_0: [done({ doubled: 6 })], _double_it_1: [done({ doubled: 10 })] },
    });
    expect(result.task('_double_it_0')?.inputData).toEqual({ input: 3, __index: 0 });
    expect(result.task('_double_it_0')?.taskType).toBe('double_it');
    expect(result.output).toEqual({ _double_it_0: { doubled: 6 }, _double_it_1: { doubled: 10 } });
    expect(result.task('fan')?.inputData).toMatchObject({ forkTaskName: 'double_it', forkedTasks: ['_double_it_0', '_double_it_1'], forkTaskInputs: [3, 5] });
  });

  it('without forkTaskName the forked task is named after the fork reference', async () => {
    const result = await run(wf('fan_unnamed', [fork('fan', { forkTaskInputs: [{ n: 1 }] }), join('gather')]), {}, { mocks: { _fan_0: [done({ r: 1 })] } });
    expect([result.task('_fan_0')?.taskType, result.task('_fan_0')?.inputData]).toEqual(['fan', { n: 1, __index: 0 }]);
  });

  it('the first dynamic fork names its tasks _<name>_<i>, later ones _<forkRef>_<name>_<i> (issue 12)', async () => {
    const result = await run(
      wf('three_forks', [
        fork('first', { forkTaskName: 'dev', forkTaskInputs: [{ d: 'a' }] }),
        join('first_join'),
        fork('second', { forkTaskName: 'dev', forkTaskInputs: [{ d: 'b' }, { d: 'c' }] }),
        join('second_join'),
        fork('third', { forkTaskName: 'check', forkTaskInputs: ['x'] }),
        join('third_join'),
      ]),
      {},
      { mocks: { _dev_0: [done({})], _second_dev_0: [done({})], _second_dev_1: [done({})], _third_check_0: [done({})] } },
    );
    expect(result.status).toBe('COMPLETED');
    expect(result.taskRefs).toEqual(['first', '_dev_0', 'first_join', 'second', '_second_dev_0', '_second_dev_1', 'second_join', 'third', '_third_check_0', 'third_join']);
  });

  it('a system task type without forkTaskName is named after the type; the item sets the task fields it has', async () => {
    const items = [1, 2].map((n) => ({ evaluatorType: 'javascript', expression: '$.n * 10', n }));
    const result = await run(wf('fan_inline', [fork('fan', { forkTaskType: 'INLINE', forkTaskInputs: items }), join('gather')]));
    expect(result.output).toEqual({ _INLINE_0: { result: 10 }, _INLINE_1: { result: 20 } });
    expect((result.task('fan')?.inputData['forkedTaskDefs'] as WorkflowTask[])[0]).toMatchObject({ name: 'INLINE', taskReferenceName: '_INLINE_0', type: 'INLINE', evaluatorType: 'javascript', expression: '$.n * 10', optional: false });
  });

  it('forkTaskWorkflow forks sub-workflows, each given its item (with __index) as input', async () => {
    const child = wf('child', [simple('leaf', { v: '${workflow.input.v}' })], { outputParameters: { got: '${leaf.output.r}', input: '${workflow.input}' } });
    const result = await run(wf('fan_children', [fork('fan', { forkTaskWorkflow: 'child', forkTaskWorkflowVersion: '1', forkTaskInputs: [{ v: 1 }, { v: 2 }] }), join('gather')]), {}, {
      registry: { workflows: [child] },
      subWorkflowMocks: { _fan_0: { taskRefToMockOutput: { leaf: [done({ r: 'one' })] } }, _fan_1: { taskRefToMockOutput: { leaf: [done({ r: 'two' })] } } },
    });
    expect(result.task('_fan_1')?.inputData).toMatchObject({ subWorkflowName: 'child', subWorkflowVersion: 1, workflowInput: { v: 2, __index: 1 } });
    expect(result.output).toMatchObject({ _fan_0: { got: 'one', input: { v: 1, __index: 0 } }, _fan_1: { got: 'two', input: { v: 2, __index: 1 } } });
  });

  it('a retried forked task keeps its input', async () => {
    const result = await run(wf('fan_retry', [fork('fan', { forkTaskName: 'flaky', forkTaskInputs: [{ device: 'd1' }] }), join('gather')]), {}, {
      registry: { tasks: [taskDef({ name: 'flaky', retryCount: 1, retryDelaySeconds: 0 })] },
      mocks: { _flaky_0: [F, done({ flashed: true })] },
    });
    expect(result.attempts('_flaky_0').map((t) => [t.status, t.retryCount, t.inputData])).toEqual([
      ['FAILED', 0, { device: 'd1', __index: 0 }],
      ['COMPLETED', 1, { device: 'd1', __index: 0 }],
    ]);
  });

  it("listed tasks: each one's own inputParameters merge with its entry of the input map, and are resolved", async () => {
    const result = await run(
      wf('fan_listed', [simple('plan'), fork('fan', { tasks: '${plan.output.tasks}', inputs: '${plan.output.inputs}' }, { dynamicForkTasksParam: 'tasks', dynamicForkTasksInputParamName: 'inputs' }), join('gather')]),
      { x: 'wf' },
      { mocks: { plan: [done({ tasks: [{ name: 'step', taskReferenceName: 's1', type: 'SIMPLE', inputParameters: { own: 'yes', from: '${workflow.input.x}' } }], inputs: { s1: { given: 1 } } })], s1: [done({ done: 1 })] } },
    );
    expect(result.task('s1')?.inputData).toEqual({ given: 1, own: 'yes', from: 'wf' });
  });

  it.each([
    ['no input map', { tasks: [{ name: 'step', taskReferenceName: 's1' }] }, { tasks: '${plan.output.tasks}' }, 'Input to the dynamically forked tasks is not a map -> expecting a map of K,V  but found null'],
    ['a task without a reference', { tasks: [{ name: 'step' }] }, { tasks: '${plan.output.tasks}', inputs: {} }, "Input 'tasks' is invalid. Cannot deserialize a list of Workflow Tasks from '[{name=step}]'"],
  ])('%s: the workflow FAILS with the server reason, no fork task is made', async (_kind, planned, inputParameters, reason) => {
    const result = await run(wf('fan_bad', [simple('plan'), fork('fan', inputParameters, { dynamicForkTasksParam: 'tasks', dynamicForkTasksInputParamName: 'inputs' }), join('gather')]), {}, { mocks: { plan: [done(planned)] } });
    expect([result.status, result.reasonForIncompletion, result.taskRefs]).toEqual(['FAILED', reason, ['plan']]);
  });
});

describe('task definitions and retries', () => {
  it("the TaskDef's inputTemplate fills keys left out and keys that resolve to null (../shared/cases/05)", async () => {
    const result = await run(wf('send_notice', [simple('mailer', { priority: '${workflow.input.priority}', sender: '${workflow.input.sender}', to: '${workflow.input.to}' })]), { sender: 'billing@example.com', to: 'ann@example.com' }, {
      registry: { tasks: [taskDef({ name: 'mailer', retryCount: 0, responseTimeoutSeconds: 60, inputTemplate: { priority: 'normal', sender: 'noreply@example.com', footer: 'sent by bot' } })] },
      mocks: { mailer: [done({ sent: true })] },
    });
    expect(result.task('mailer')?.inputData).toEqual({ priority: 'normal', sender: 'billing@example.com', to: 'ann@example.com', footer: 'sent by bot' });
  });

  it('a TaskDef without retry fields retries 3 times, attempts starting 0, 60, 120, 180 s after the first (../shared/cases/06)', async () => {
    const result = await run(wf('sync_stock', [simple('push', { sku: '${workflow.input.sku}' })]), { sku: 'A-1' }, {
      registry: { tasks: [taskDef({ name: 'push', timeoutSeconds: 30, responseTimeoutSeconds: 30 })] },
      mocks: { push: [F, F, F, done({ pushed: true })] },
    });
    const first = result.attempts('push')[0]?.startTime ?? 0;
    expect(result.attempts('push').map((t) => [t.status, t.retryCount, t.startTime - first])).toEqual([
      ['FAILED', 0, 0],
      ['FAILED', 1, 60_000],
      ['FAILED', 2, 120_000],
      ['COMPLETED', 3, 180_000],
    ]);
  });

  it("the WorkflowTask's retryCount overrides the TaskDef's", async () => {
    const result = await run(wf('retry_override', [simple('once', {}, { retryCount: 0 } as Partial<WorkflowTask>)]), {}, { registry: { tasks: [taskDef({ name: 'once', retryCount: 3, retryDelaySeconds: 0 })] }, mocks: { once: [F, done({})] } });
    expect([result.status, result.attempts('once').length]).toEqual(['FAILED', 1]);
  });

  it('a task type the runner does not know is a worker task that is never retried without a TaskDef', async () => {
    const result = await run(wf('user_task', [task('u', 'USER_TASK')]), {}, { mocks: { u: [F, done({})] } });
    expect([result.status, result.task('u')?.taskType, result.attempts('u').length]).toEqual(['FAILED', 'USER_TASK', 1]);
  });

  it('totalTimeoutSeconds ends the retrying with the server reason (../shared/cases/08)', async () => {
    const result = await run(wf('nightly_upload', [simple('upload', {}, { name: 'upload_batch' })]), {}, {
      registry: { tasks: [taskDef({ name: 'upload_batch', retryCount: 8, retryLogic: 'FIXED', retryDelaySeconds: 2, timeoutSeconds: 3, responseTimeoutSeconds: 2, timeoutPolicy: 'TIME_OUT_WF', totalTimeoutSeconds: 3 })] },
      mocks: { upload: [F, F, F, F, F, done({})] },
    });
    const last = result.attempts('upload').at(-1);
    expect(result.attempts('upload').map((t) => t.startTime - (result.attempts('upload')[0]?.startTime ?? 0))).toEqual([0, 2000, 4000]);
    expect(result.reasonForIncompletion).toBe(`Task ${last?.taskId}/upload_batch exceeded total timeout of 3 seconds (elapsed 4 seconds across all attempts). No further retries will be attempted.`);
  });

  it('timeouts read as the server words them', async () => {
    const slow: TaskMock = { status: 'COMPLETED', output: {}, executionTime: 90_000 };
    const taskTimeout = await run(wf('t1', [simple('work', {}, { name: 'slow' })]), {}, { registry: { tasks: [taskDef({ name: 'slow', retryCount: 0, timeoutSeconds: 3, responseTimeoutSeconds: 3, timeoutPolicy: 'TIME_OUT_WF' })] }, mocks: { work: [slow] } });
    expect([taskTimeout.status, taskTimeout.reasonForIncompletion]).toEqual(['TIMED_OUT', 'Task timed out after 3 seconds. Timeout configured as 3 seconds. Timeout policy configured to TIME_OUT_WF']);
    const pollTimeout = await run(wf('t2', [simple('work', {}, { name: 'unpolled' })]), {}, { registry: { tasks: [taskDef({ name: 'unpolled', retryCount: 0, pollTimeoutSeconds: 2, timeoutPolicy: 'TIME_OUT_WF' } as Partial<TaskDef> & { name: string })] } });
    await pollTimeout.advance(60_000);
    expect([pollTimeout.status, pollTimeout.reasonForIncompletion]).toEqual(['TIMED_OUT', 'Task poll timed out after 2 seconds. Poll timeout configured as 2 seconds. Timeout policy configured to TIME_OUT_WF']);
  });
});

describe('TERMINATE, SUB_WORKFLOW, JOIN, EVENT, START_WORKFLOW', () => {
  it('TERMINATE with TERMINATED starts the failure workflow', async () => {
    const onFailure = wf('on_failure', [inline('note', '$.r', { r: '${workflow.input.reason}' })]);
    const result = await run(wf('terminated', [inline('before', "'x'"), task('stop', 'TERMINATE', { inputParameters: { terminationStatus: 'TERMINATED', workflowOutput: { why: 'stopped' } } })], { failureWorkflow: 'on_failure' }), {}, { registry: { workflows: [onFailure] } });
    expect(result.status).toBe('TERMINATED');
    expect(result.reasonForIncompletion).toBe(`Workflow is TERMINATED by TERMINATE task: ${result.task('stop')?.taskId}`);
    expect(result.output).toEqual({ why: 'stopped', 'conductor.failure_workflow': result.failureWorkflow?.workflowId });
    expect(result.failureWorkflow?.output).toEqual({ result: result.reasonForIncompletion });
  });

  const child = wf('child', [simple('leaf', { v: '${workflow.input.v}' })], { outputParameters: { got: '${leaf.output.r}', input: '${workflow.input}' } });

  it('version 0 means the latest; the task input is the server bookkeeping with workflowInput', async () => {
    const v2 = { ...child, version: 2, outputParameters: { got: '${leaf.output.r}', version: 2 } } as WorkflowDef;
    const result = await run(wf('parent_v0', [task('sub', 'SUB_WORKFLOW', { subWorkflowParam: { name: 'child', version: 0 }, inputParameters: { v: 7 } })]), {}, {
      registry: { workflows: [child, v2] },
      subWorkflowMocks: { sub: { taskRefToMockOutput: { leaf: [done({ r: 'latest' })] } } },
    });
    expect(result.task('sub')?.inputData).toEqual({ subWorkflowName: 'child', subWorkflowVersion: 0, workflowInput: { v: 7 }, subWorkflowDefinition: null, subWorkflowTaskToDomain: null, priority: null, idempotencyKey: null, idempotencyStrategy: null });
    expect(result.output).toEqual({ subWorkflowId: result.subWorkflow('sub')?.workflowId, got: 'latest', version: 2 });
  });

  it('without inputParameters the child gets the whole task input', async () => {
    const result = await run(wf('parent_bare', [task('sub', 'SUB_WORKFLOW', { subWorkflowParam: { name: 'child', version: 1 } })]), {}, {
      registry: { workflows: [child] },
      subWorkflowMocks: { sub: { taskRefToMockOutput: { leaf: [done({ r: 'bare' })] } } },
    });
    expect(result.subWorkflow('sub')?.input).toEqual(result.task('sub')?.inputData);
  });

  it('an inline definition: the child input gets _systemMetadata.dynamic', async () => {
    const result = await run(wf('parent_inline', [task('sub', 'SUB_WORKFLOW', { subWorkflowParam: { name: 'inline_child', workflowDefinition: wf('inline_child', [inline('x', '1')]) }, inputParameters: { v: 1 } })]));
    expect(result.subWorkflow('sub')?.input).toEqual({ v: 1, _systemMetadata: { dynamic: true } });
    expect(result.task('sub')?.inputData).toMatchObject({ subWorkflowName: 'inline_child', subWorkflowVersion: null, subWorkflowDefinition: { name: 'inline_child', version: 1, schemaVersion: 2, restartable: true } });
  });

  it('a sub-workflow nobody registered: the server refuses to start the parent', async () => {
    await expect(run(wf('parent_missing', [task('sub', 'SUB_WORKFLOW', { subWorkflowParam: { name: 'nobody' } })]))).rejects.toThrow(
      "parent_missing cannot start: conductor-oss 3.32.3 refuses it: The Task nobody defined as a sub-workflow has no workflow definition available. Register that workflow (add it to run()'s registry), or give the SUB_WORKFLOW task a subWorkflowParam.version.",
    );
  });

  it('a version nobody registered fails the task', async () => {
    const result = await run(wf('parent_missing_version', [task('sub', 'SUB_WORKFLOW', { subWorkflowParam: { name: 'child', version: 9 } })]), {}, { registry: { workflows: [child] } });
    expect([result.task('sub')?.status, result.task('sub')?.reasonForIncompletion]).toEqual(['FAILED', 'No such workflow defined. name=child, version=9']);
  });

  it('a JOIN that completes at once does not end the workflow while a branch still runs', async () => {
    const result = await run(wf('join_empty', [task('fork', 'FORK_JOIN', { forkTasks: [[simple('a')], [simple('b')]] }), task('join', 'JOIN', { joinOn: [] }), inline('after', "'after'")]), {}, { mocks: { a: [done({ a: 1 })] } });
    expect(result.status).toBe('RUNNING');
    expect(statuses(result)).toEqual(['fork COMPLETED', 'a COMPLETED', 'b SCHEDULED', 'join COMPLETED', 'after COMPLETED']);
    await result.completeTask('b', { b: 1 });
    expect([result.status, result.output]).toEqual(['COMPLETED', { result: 'after' }]);
  });

  it('EVENT: input with sink and asyncComplete; output with the queue and the workflow; a sink the server lacks fails', async () => {
    const result = await run(wf('event_named', [task('emit', 'EVENT', { sink: 'conductor:queue', inputParameters: { what: '${workflow.input.what}' } })]), { what: 'built' });
    expect(result.task('emit')?.inputData).toEqual({ what: 'built', sink: 'conductor:queue', asyncComplete: false });
    expect(result.output).toEqual({ what: 'built', sink: 'conductor:queue', asyncComplete: false, event_produced: 'conductor:event_named:queue', workflowType: 'event_named', workflowVersion: 1, correlationId: null, taskToDomain: {}, workflowInstanceId: result.workflowId });
    const sqs = await run(wf('event_sqs', [task('send', 'EVENT', { sink: 'sqs:orders' })]));
    expect([sqs.status, sqs.task('send')?.reasonForIncompletion]).toEqual(['FAILED', `Error loading queue:sqs:orders, for task:${sqs.task('send')?.taskId}, error: Unknown queue type sqs`]);
  });

  it('START_WORKFLOW of a workflow nobody registered fails as the server words it', async () => {
    const result = await run(wf('start_unknown', [task('st', 'START_WORKFLOW', { inputParameters: { startWorkflow: { name: 'nobody', input: {} } } })]));
    expect(result.task('st')?.reasonForIncompletion).toBe('No such workflow defined. name=nobody, version=null');
  });
});

describe('HTTP against a real target', () => {
  let target: RunningTarget;
  beforeAll(async () => {
    target = await startHttpTarget();
  });
  afterAll(() => target.close());

  const call = (uri: string, extra: Record<string, unknown> = {}) => run(wf('http', [task('call', 'HTTP', { inputParameters: { http_request: { uri, method: 'GET', ...extra } } })]));

  it('2xx: the response with header names as the target sent them; the input gets asyncComplete', async () => {
    const result = await call(`${target.base}/ok`);
    expect(result.task('call')?.inputData).toEqual({ http_request: { uri: `${target.base}/ok`, method: 'GET' }, asyncComplete: false });
    expect(result.output).toEqual({ response: { statusCode: 200, reasonPhrase: 'OK', body: { ok: true, n: 1 }, headers: { 'Content-Type': ['application/json'], 'X-Trace-Id': ['k1-trace'], 'Content-Length': ['17'], Connection: ['close'] } } });
  });

  it.each([
    ['503 with a body', '/unavailable', {}, (base: string) => `503 Service Unavailable on GET request for "${base}/unavailable": "down for maintenance"`],
    ['404 without one', '/missing', {}, (base: string) => `404 Not Found on GET request for "${base}/missing": [no body]`],
    ['a read timeout', '/slow', { readTimeOut: 200 }, (base: string) => `I/O error on GET request for "${base}/slow": Read timed out`],
  ])('%s: FAILED, the text as output and in the reason', async (_kind, path, extra, text) => {
    const result = await call(`${target.base}${path}`, extra);
    const expected = text(target.base);
    expect([result.task('call')?.status, result.task('call')?.reasonForIncompletion, result.task('call')?.outputData]).toEqual(['FAILED', `Failed to invoke HTTP task due to: java.lang.Exception: ${expected}`, { response: `java.lang.Exception: ${expected}` }]);
  });

  it('an unreachable host', async () => {
    const result = await call(`http://127.0.0.1:${target.closedPort}/ok`);
    expect(result.task('call')?.reasonForIncompletion).toBe(`Failed to invoke HTTP task due to: java.lang.Exception: I/O error on GET request for "http://127.0.0.1:${target.closedPort}/ok": Connect to http://127.0.0.1:${target.closedPort} failed: Connection refused`);
  });
});

describe('JsonPath as Jayway reads it', () => {
  it('a filter followed by a property whose name starts with @', async () => {
    const result = await run(wf('json_path', [simple('src'), simple('read', { at: "${src.output.items[?(@.kind == 'b')].@odd}", plain: "${src.output.items[?(@.kind == 'a')].name}" })]), {}, {
      mocks: { src: [done({ items: [{ kind: 'a', name: 'x' }, { kind: 'b', name: 'y', '@odd': 'at-name' }] })] },
    });
    expect(result.task('read')?.inputData).toEqual({ at: ['at-name'], plain: ['x'] });
  });
});

describe('NOOP', () => {
  it('completes at once with empty input and output, whatever inputParameters say (conductor-oss 3.32.3, observed)', async () => {
    const result = await run(wf('noop', [task('nothing', 'NOOP', { inputParameters: { a: '${workflow.input.x}' } })], { outputParameters: { o: '${nothing.output}' } }), { x: 1 });
    expect(result.status).toBe('COMPLETED');
    expect(result.task('nothing')).toMatchObject({ taskType: 'NOOP', status: 'COMPLETED', inputData: {}, outputData: {}, pollCount: 0 });
    expect(result.output).toEqual({ o: {} });
  });
});

describe('run() takes the mocks the server takes', () => {
  const loop = wf('loop', [task('loop', 'DO_WHILE', { inputParameters: {}, loopCondition: 'false', loopOver: [simple('a'), inline('i', '1')] })]);

  it.each([
    ['a mock without output', { a__1: [{ status: 'COMPLETED' }] }, 'mocks["a__1"][0] has no output map: the server\'s test endpoint answers 500 to it (Cannot invoke "java.util.Map.size()" because "m" is null) and runs nothing; write { status: \'COMPLETED\', output: {} }.'],
    ['a status the server lacks', { a__1: [{ status: 'TIMED_OUT', output: {} }] }, 'mocks["a__1"][0]: status "TIMED_OUT" is not one the server takes'],
    ['a loop task keyed without its iteration', { a: [done({})] }, 'mocks["a"]: "a" is inside a DO_WHILE, where the server names each iteration\'s task a__1, a__2, ... and matches by that exact name; key them so: { a__1: [...], a__2: [...] }.'],
    ['a task the server runs itself', { i__1: [done({})] }, 'mocks["i__1"]: "i__1" is a INLINE task, which the server runs itself and never mocks'],
  ])('refuses %s, saying how to fix it', async (_kind, mocks, message) => {
    await expect(run(loop, {}, { mocks: mocks as never })).rejects.toThrow(message);
  });

  it('refuses a definition the server refuses (schemaVersion 1)', async () => {
    await expect(run({ ...wf('old', [inline('x', '1')]), schemaVersion: 1 })).rejects.toThrow('old cannot start: conductor-oss 3.32.3 refuses it: workflowDef schemaVersion: 2 is only supported. Set schemaVersion: 2.');
  });

  it("a sub-workflow's tasks take the mocks given for its SUB_WORKFLOW task, not the parent's", async () => {
    const child = wf('child', [simple('leaf')]);
    const parent = wf('parent', [simple('leaf'), task('sub', 'SUB_WORKFLOW', { subWorkflowParam: { name: 'child', version: 1 } })]);
    const result = await run(parent, {}, { registry: { workflows: [child] }, mocks: { leaf: [done({ from: 'parent' }), done({ never: true })] }, subWorkflowMocks: { sub: { taskRefToMockOutput: { leaf: [done({ from: 'child' })] } } } });
    expect(result.output).toEqual({ subWorkflowId: result.subWorkflow('sub')?.workflowId, from: 'child' });
  });
});
