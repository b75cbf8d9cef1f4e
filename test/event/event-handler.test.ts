import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { validateCommand } from '../../src/cli/validate-command.ts';
import { compileWorkflow, completeTaskAction, DefinitionError, eventHandler, failTaskAction, generate, startWorkflowAction, workflow } from '../../src/index.ts';
import { validateEventHandler } from '../../src/validate/index.ts';

const relay = workflow(
  { name: 'relay', version: 1, description: 'Publishes a push.', ownerEmail: 'k1@example.com', input: z.object({ sha: z.string(), branch: z.string() }), output: z.object({}) },
  (f) => f.event('publish', { sink: 'conductor', input: (s) => ({ sha: s.input.sha, branch: s.input.branch }) }).event('named', { sink: 'conductor:pushes' }).output(() => ({})),
);
const target = workflow(
  { name: 'target', version: 3, description: 'Builds.', ownerEmail: 'k1@example.com', input: z.object({ sha: z.string(), retries: z.number().default(1) }), output: z.object({}) },
  (f) => f.wait('hold').output(() => ({})),
);

const handler = eventHandler({
  name: 'relay-starts-target',
  event: 'conductor:relay:publish',
  condition: "$.branch == 'main'",
  actions: [startWorkflowAction(target, { sha: '${sha}' }, { correlationId: '${workflowInstanceId}' }), completeTaskAction({ workflowId: '${waiter}', taskRefName: 'hold', output: { sha: '${sha}' } }), failTaskAction({ taskId: '${task}', reason: 'refused' })],
});

describe('eventHandler()', () => {
  it('writes every field the server fills in, active unless told otherwise', () => {
    expect(handler.json).toEqual({
      name: 'relay-starts-target',
      event: 'conductor:relay:publish',
      condition: "$.branch == 'main'",
      actions: [
        { action: 'start_workflow', start_workflow: { name: 'target', version: 3, correlationId: '${workflowInstanceId}', input: { sha: '${sha}' } }, expandInlineJSON: false },
        { action: 'complete_task', complete_task: { workflowId: '${waiter}', taskRefName: 'hold', output: { sha: '${sha}' } }, expandInlineJSON: false },
        { action: 'fail_task', fail_task: { taskId: '${task}', reasonForIncompletion: 'refused', output: {} }, expandInlineJSON: false },
      ],
      active: true,
    });
    const off = eventHandler({ name: 'off', event: 'conductor:relay:pushes', actions: [startWorkflowAction(target, { sha: 'fixed' })], active: false });
    expect(off.json.active).toBe(false);
    expect(off.json).not.toHaveProperty('condition');
  });

  it('refuses a handler without actions', () => {
    expect(() => eventHandler({ name: 'empty', event: 'conductor:relay:publish', actions: [] as never })).toThrow('event handler "empty": actions is empty; the server refuses a handler without one.');
  });
});

describe('gen with event handlers', () => {
  it('writes generated/events/<name>.json and lists it in the manifest', () => {
    const generation = generate({ workflows: [relay, target], eventHandlers: [handler] });
    const file = generation.files.find((f) => f.path === 'generated/events/relay-starts-target.json');
    expect(JSON.parse(file?.content ?? 'null')).toEqual(handler.json);
    const manifest = JSON.parse(generation.files.find((f) => f.path === 'generated/manifest.json')?.content ?? '{}') as { eventHandlers: { name: string; file: string }[] };
    expect(manifest.eventHandlers.map((h) => [h.name, h.file])).toEqual([['relay-starts-target', 'generated/events/relay-starts-target.json']]);
    expect(generation.eventHandlers).toEqual([handler.json]);
    expect(generation.warnings).toEqual([]);
  });

  const refused = (event: string, extra: Partial<Parameters<typeof eventHandler>[0]> = {}, workflows = [relay, target]): string[] => {
    try {
      generate({ workflows, eventHandlers: [eventHandler({ name: 'h', event: event as 'conductor:a:b', actions: [startWorkflowAction(target, { sha: '${sha}' })], ...extra })] });
    } catch (e) {
      if (e instanceof DefinitionError) return e.issues.map((i) => `${i.code} ${i.path}: ${i.message}`);
      throw e;
    }
    return [];
  };

  it.each([
    ['no queue type', 'relay_publish', 'EVENT_HANDLER_EVENT event handler h → event: event "relay_publish" is not a queue conductor-oss 3.32.3 has ("Illegal event": only conductor queues are built in); the server would store it and then fail every refresh of its event queues, for every handler. Write "conductor:<workflow>:<EVENT task reference>".'],
    ['a queue type the server lacks', 'sqs:relay:publish', 'EVENT_HANDLER_EVENT event handler h → event: event "sqs:relay:publish" is not a queue conductor-oss 3.32.3 has ("Unknown queue type sqs": only conductor queues are built in)'],
    ['no task part', 'conductor:relay', 'EVENT_HANDLER_EVENT event handler h → event: event "conductor:relay" is not "conductor:<workflow>:<name>", the only form an EVENT task publishes.'],
    ['an unknown workflow', 'conductor:rellay:publish', 'EVENT_HANDLER_UNKNOWN_WORKFLOW event handler h → event: event "conductor:rellay:publish" names workflow "rellay", which is not among the definitions (did you mean "relay"?)'],
    ['a task that is no EVENT task', 'conductor:target:hold', 'EVENT_HANDLER_UNKNOWN_TASK event handler h → event: event "conductor:target:hold" is published by no EVENT task: target has no EVENT task with a conductor sink.'],
    ['a name no sink has', 'conductor:relay:pushed', 'EVENT_HANDLER_UNKNOWN_TASK event handler h → event: event "conductor:relay:pushed" is published by no EVENT task: relay publishes "conductor:relay:publish", "conductor:relay:pushes".'],
  ])('refuses an event string with %s, naming the field, and writes nothing', (_what, event, says) => {
    const issues = refused(event);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toContain(says);
  });

  it('refuses a start of a workflow outside the generation, an unsafe name and two handlers of one name', () => {
    expect(refused('conductor:relay:publish', {}, [relay])).toEqual([
      'EVENT_HANDLER_WORKFLOW_MISSING event handler h → actions: it starts workflow target v3, which is not in `workflows`; gen would not register it. Add it to the exported workflows.',
      'EVENT_HANDLER_UNKNOWN_WORKFLOW event handler h → actions[0].start_workflow.name: start_workflow names workflow "target", which is not among the definitions; the server would fail every start. Name a workflow of the generation.',
    ]);
    expect(refused('conductor:relay:publish', { name: 'a/b' })[0]).toMatch(/^UNSAFE_NAME event handler a\/b → name: /);
    const twice = () => generate({ workflows: [relay, target], eventHandlers: [handler, eventHandler({ name: handler.name, event: 'conductor:relay:pushes', actions: [startWorkflowAction(target, { sha: 'x' })] })] });
    expect(twice).toThrow('EVENT_HANDLER_DUPLICATE event handler relay-starts-target → name: two different event handlers are named "relay-starts-target"');
  });

  it('warns of an inactive handler and of a condition that is not JavaScript', () => {
    const generation = generate({ workflows: [relay, target], eventHandlers: [eventHandler({ name: 'h', event: 'conductor:relay:pushes', condition: '$.branch ==', active: false, actions: [startWorkflowAction(target, { sha: '${sha}' })] })] });
    expect(generation.warnings.map((w) => `${w.code} ${w.path}`)).toEqual(['EVENT_HANDLER_CONDITION event handler h → condition', 'EVENT_HANDLER_INACTIVE event handler h → active']);
  });
});

describe('validateEventHandler on raw JSON', () => {
  const defs = [compileWorkflow(relay), compileWorkflow(target)];
  it('refuses what the server refuses (no name, no event, no actions) and task actions that name no task', () => {
    const issues = validateEventHandler({ actions: [{ action: 'complete_task', complete_task: { taskRefName: 'x' } }, { action: 'nap' }], active: true }, defs, 'h.json');
    expect(issues.map((i) => `${i.code} ${i.path}`)).toEqual(['EVENT_HANDLER_NAME h.json → name', 'EVENT_HANDLER_EVENT h.json → event', 'EVENT_HANDLER_ACTION h.json → actions[0].complete_task', 'EVENT_HANDLER_ACTION h.json → actions[1].action']);
    expect(validateEventHandler({ name: 'n', event: 'conductor:relay:publish', actions: [], active: true }, defs).map((i) => i.message)).toEqual([
      'actions is empty or missing; the server refuses it ("No actions specified. Please specify at-least one action"). Add a start_workflow, complete_task or fail_task action.',
    ]);
  });
});

describe('k1-workflows validate with event handler files', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'k1-events-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const write = async (name: string, value: unknown): Promise<string> => {
    const path = join(dir, name);
    await writeFile(path, JSON.stringify(value));
    return path;
  };
  const validate = async (...args: string[]) => {
    const stdout: string[] = [];
    const stderr: string[] = [];
    const code = await validateCommand(args, { stdout: (s) => stdout.push(s), stderr: (s) => stderr.push(s) });
    return { code, stdout, stderr };
  };

  it('recognises a handler file by its shape and passes it with the workflows it names', async () => {
    const files = [await write('relay.json', compileWorkflow(relay)), await write('target.json', compileWorkflow(target)), await write('h.json', handler.json)];
    expect(await validate(...files)).toEqual({ code: 0, stdout: ['validate: 3 files, 2 workflow definitions, 0 task definitions, 1 event handler: no problems.'], stderr: [] });
  });

  it('refuses a bad event string, naming the file and the field', async () => {
    const relayFile = await write('relay.json', compileWorkflow(relay));
    const bad = await write('bad.json', { ...handler.json, event: 'kafka:relay:publish' });
    const result = await validate(relayFile, await write('target.json', compileWorkflow(target)), bad);
    expect(result.code).toBe(1);
    expect(result.stderr).toEqual([expect.stringMatching(/^.*bad\.json: EVENT_HANDLER_EVENT event handler relay-starts-target → event: event "kafka:relay:publish" is not a queue conductor-oss 3\.32\.3 has \("Unknown queue type kafka"/)]);
    const alone = await validate(await write('alone.json', handler.json));
    expect(alone.code).toBe(1);
    expect(alone.stderr.join('\n')).toContain('EVENT_HANDLER_UNKNOWN_WORKFLOW event handler relay-starts-target → event: event "conductor:relay:publish" names workflow "relay", which is not among the definitions');
  });
});
