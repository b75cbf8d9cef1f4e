/**
 * Part 7's scenarios: one DSL workflow per new task type (issue 19), with the workers that serve
 * it and what must happen. Every name carries the run's prefix, so the shared server keeps runs
 * of different sessions apart.
 */
import { z } from 'zod';
import { projectDefaults, type AnyTaskContract, type AnyWorkflow } from '../../src/index.ts';

/** The scenarios' owner: gen, which part 7 runs them through, requires one. */
const { defineTask, workflow } = projectDefaults({ ownerEmail: 'conformance@k1.test' });

/** A worker: the output for a polled task's input. */
export type Handler = (input: Record<string, unknown>) => Record<string, unknown>;

/** One scenario: a workflow, its input, its workers, and how it must end. */
export interface TaskTypeScenario {
  readonly name: string;
  readonly workflow: AnyWorkflow;
  readonly input: Record<string, unknown>;
  readonly correlationId?: string;
  readonly taskToDomain?: Readonly<Record<string, string>>;
  /** Workers by task name; `@<domain>` after the name polls in that domain. */
  readonly workers: Readonly<Record<string, Handler>>;
  /** RUNNING: the run waits for ever (read after a few seconds, then terminated). */
  readonly expected: 'COMPLETED' | 'FAILED' | 'RUNNING';
}

/** The scenarios with names prefixed by `p` (letters, digits and `_`), and every contract and workflow they use. */
export function taskTypeScenarios(p: string): { scenarios: TaskTypeScenario[]; contracts: AnyTaskContract[]; workflows: AnyWorkflow[] } {
  const device = z.object({ device: z.string() });
  const status = z.object({ status: z.string() });
  const flash = defineTask({ name: `${p}_flash` as string, description: 'Flashes a device.', input: device, output: status, retryCount: 0, timeoutSeconds: 60 });
  const erase = defineTask({ name: `${p}_erase` as string, description: 'Erases a device.', input: device, output: status, retryCount: 0, timeoutSeconds: 60 });
  const work = (verb: string): Handler => (input) => ({ status: `${verb} ${String(input['device'])}` });
  const workers = { [flash.name]: work('flashed'), [erase.name]: work('erased') };

  const child = workflow(
    { name: `${p}_child`, version: 1, description: 'Flashes one device.', input: device, output: status, timeoutSeconds: 120 },
    (f) => f.task('flash', flash, (s) => ({ device: s.input.device })).output((s) => ({ status: s.flash.output.status })),
  );
  const dynamic = workflow(
    { name: `${p}_dynamic`, version: 1, description: 'DYNAMIC.', input: z.object({ op: z.string() }), output: status, timeoutSeconds: 120 },
    (f) => f.dynamic('op', [flash, erase], { task: (s) => s.input.op, input: () => ({ device: 'd1' }) }).output((s) => ({ status: s.op.output.status })),
  );
  const starter = workflow(
    { name: `${p}_starter`, version: 1, description: 'START_WORKFLOW and NOOP.', input: z.object({}), output: z.object({ id: z.string() }), timeoutSeconds: 120 },
    (f) => f.noop('nothing').startWorkflow('kick', child, () => ({ device: 'd2' })).output((s) => ({ id: s.kick.output.workflowId })),
  );
  const kafka = workflow(
    { name: `${p}_kafka`, version: 1, description: 'KAFKA_PUBLISH, no broker.', input: z.object({}), output: z.object({}), timeoutSeconds: 120 },
    (f) => f.kafkaPublish('announce', () => ({ bootStrapServers: '127.0.0.1:1', topic: `${p}_topic`, value: { ok: true }, maxBlockMs: 1000 })).output(() => ({})),
  );
  const each = workflow(
    { name: `${p}_each`, version: 1, description: 'DO_WHILE items, keepLastN.', input: z.object({ devices: z.array(z.string()) }), output: z.object({ last: z.string() }), timeoutSeconds: 120 },
    (f) =>
      f
        .forEach('each', { items: (s) => s.input.devices, keepLastN: 2, body: (b) => b.task('one', flash, (s) => ({ device: `${s.each.output.loopItem}#${s.each.output.loopIndex}` })) })
        .output((s) => ({ last: s.one.output.status })),
  );
  const rollout = workflow(
    { name: `${p}_rollout`, version: 1, description: 'Dynamic fork of sub-workflows.', input: z.object({ devices: z.array(device) }), output: z.object({ results: z.array(z.unknown()) }), timeoutSeconds: 120 },
    (f) => f.dynamicForkWorkflow('roll', child, (s) => s.input.devices).output((s) => ({ results: s.roll_results.output.result })),
  );
  const exclusive = workflow(
    { name: `${p}_exclusive`, version: 1, description: 'EXCLUSIVE_JOIN after a switch.', input: z.object({ op: z.string() }), output: z.object({ status: z.string().nullable() }), timeoutSeconds: 120 },
    (f) =>
      f
        .switch('route', (s) => s.input.op, {
          flash: (b) => b.task('by_flash', flash, () => ({ device: 'd4' })),
          erase: (b) => b.task('by_erase', erase, () => ({ device: 'd4' })),
        })
        .exclusiveJoin('joined', ['by_flash', 'by_erase'])
        .output((s) => ({ status: s.joined.output.status })),
  );
  const limited = workflow(
    {
      name: `${p}_limited`,
      version: 1,
      description: 'Workflow settings: a status listener, a rate limit, a per-use TaskDef.',
      input: z.object({}),
      output: status,
      timeoutSeconds: 120,
      workflowStatusListenerEnabled: true,
      workflowStatusListenerSink: `conductor:${p}_status`,
      rateLimitConfig: { rateLimitKey: '${workflow.correlationId}', concurrentExecLimit: 1 },
    },
    (f) => f.task('flash', flash, () => ({ device: 'd3' }), { taskDefinition: { timeoutSeconds: 90, retryCount: 1, retryLogic: 'FIXED', retryDelaySeconds: 1 } }).output((s) => ({ status: s.flash.output.status })),
  );
  const scenarios: TaskTypeScenario[] = [
    { name: 'DYNAMIC runs the task its input names', workflow: dynamic, input: { op: erase.name }, workers, expected: 'COMPLETED' },
    { name: 'DYNAMIC naming an unknown task waits for its worker', workflow: dynamic, input: { op: `${p}_format` }, workers, expected: 'RUNNING' },
    { name: 'DYNAMIC without a name fails the workflow', workflow: dynamic, input: {}, workers, expected: 'FAILED' },
    { name: 'START_WORKFLOW and NOOP', workflow: starter, input: {}, correlationId: `${p}-corr`, workers, expected: 'COMPLETED' },
    { name: 'KAFKA_PUBLISH without a broker', workflow: kafka, input: {}, workers, expected: 'FAILED' },
    { name: 'forEach with keepLastN', workflow: each, input: { devices: ['a', 'b', 'c'] }, workers, expected: 'COMPLETED' },
    { name: 'EXCLUSIVE_JOIN takes the case that ran', workflow: exclusive, input: { op: 'erase' }, workers, expected: 'COMPLETED' },
    { name: 'dynamic fork of sub-workflows', workflow: rollout, input: { devices: [{ device: 'x' }, { device: 'y' }] }, workers, expected: 'COMPLETED' },
    {
      name: 'taskToDomain: the worker polling the domain gets the task',
      workflow: limited,
      input: {},
      correlationId: `${p}-limited`,
      taskToDomain: { [flash.name]: `${p}_lab` },
      workers: { [`${flash.name}@${p}_lab`]: work('lab-flashed'), [erase.name]: work('erased') },
      expected: 'COMPLETED',
    },
  ];
  return { scenarios, contracts: [flash, erase], workflows: [child, dynamic, starter, kafka, each, rollout, exclusive, limited] };
}
