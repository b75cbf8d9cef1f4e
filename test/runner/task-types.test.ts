import type { ConductorWorker } from '@io-orkes/conductor-javascript';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineTask, workflow } from '../../src/index.ts';
import { run } from '../../src/testing.ts';

const flash = defineTask({ name: 'types_flash', description: 'Flashes.', input: z.object({ device: z.string() }), output: z.object({ status: z.string() }), retryCount: 0 });
const erase = defineTask({ name: 'types_erase', description: 'Erases.', input: z.object({ device: z.string() }), output: z.object({ status: z.string() }), retryCount: 0 });
const child = workflow(
  { name: 'types_child', version: 1, description: 'One device.', input: z.object({ device: z.string() }), output: z.object({ status: z.string() }) },
  (f) => f.task(flash, (s) => ({ device: s.input.device })).output((s) => ({ status: s.types_flash.output.status })),
);
const handlers = {
  types_flash: ({ inputData }: { inputData: Record<string, unknown> }) => ({ status: `flashed ${String(inputData['device'])}` }),
  types_erase: ({ inputData }: { inputData: Record<string, unknown> }) => ({ status: `erased ${String(inputData['device'])}` }),
};

describe('the runner on the remaining task types', () => {
  const chooser = workflow(
    { name: 'types_dynamic', version: 1, description: 'd', input: z.object({ op: z.enum(['types_flash', 'types_erase']) }), output: z.object({ status: z.string() }) },
    (f) => f.dynamic('op', [flash, erase], { task: (s) => s.input.op, input: () => ({ device: 'd1' }) }).output((s) => ({ status: s.op.output.status })),
  );

  it('DYNAMIC runs the worker task its input names, as that task (taskType and definition)', async () => {
    const result = await run(chooser, { op: 'types_erase' }, { handlers });
    expect(result.status).toBe('COMPLETED');
    expect(result.output).toEqual({ status: 'erased d1' });
    expect(result.task('op')).toMatchObject({ taskType: 'types_erase', taskDefName: 'types_erase', inputData: { device: 'd1', taskToExecute: 'types_erase' } });
  });

  it("DYNAMIC runs under its own ad-hoc TaskDef, as the server does: the chosen task's retries do not apply", async () => {
    const retried = defineTask({ name: 'types_retried', description: 'Fails.', input: z.object({ device: z.string() }), output: z.object({ status: z.string() }), retryCount: 2, retryDelaySeconds: 1 });
    const picker = workflow(
      { name: 'types_dynamic_retry', version: 1, description: 'd', input: z.object({}), output: z.object({}) },
      (f) => f.dynamic('op', [retried], { task: () => 'types_retried', input: () => ({ device: 'd1' }) }).output(() => ({})),
    );
    const result = await run(picker, {}, { handlers: { types_retried: () => { throw new Error('flash failed'); } } });
    expect(result.status).toBe('FAILED');
    expect(result.attempts('op')).toHaveLength(1);
  });

  it('DYNAMIC naming a task nobody defined is scheduled under that name and waits for a worker, as on the server', async () => {
    const result = await run(chooser, { op: 'types_format' as 'types_erase' }, { handlers });
    expect(result.status).toBe('RUNNING');
    expect(result.task('op')).toMatchObject({ status: 'SCHEDULED', taskType: 'types_format', taskDefName: 'types_format' });
  });

  it('DYNAMIC without a name fails the workflow with the server reason, before any task', async () => {
    const result = await run(chooser, {}, { handlers });
    expect(result.status).toBe('FAILED');
    expect(result.reasonForIncompletion).toBe('Cannot map a dynamic task based on the parameter and input. Parameter= taskToExecute, input= {taskToExecute=null, device=d1}');
    expect(result.output).toEqual({});
    expect(result.taskRefs).toEqual([]);
  });

  it('START_WORKFLOW starts the target and completes at once with its id; the target runs on its own', async () => {
    const starter = workflow(
      { name: 'types_starter', version: 1, description: 'd', input: z.object({}), output: z.object({ id: z.string() }) },
      (f) => f.startWorkflow('kick', child, () => ({ device: 'd2' })).output((s) => ({ id: s.kick.output.workflowId })),
    );
    const result = await run(starter, {}, { handlers, correlationId: 'corr-1' });
    expect(result.status).toBe('COMPLETED');
    expect(result.output['id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(result.task('kick')?.inputData).toEqual({ startWorkflow: { name: 'types_child', version: 1, input: { device: 'd2' } } });
  });

  it('NOOP completes with empty input and output; KAFKA_PUBLISH without a broker fails after maxBlockMs with the server reason', async () => {
    const publisher = workflow(
      { name: 'types_kafka', version: 1, description: 'd', input: z.object({}), output: z.object({}) },
      (f) =>
        f
          .noop('nothing')
          .kafkaPublish('announce', () => ({ bootStrapServers: '127.0.0.1:1', topic: 'types_builds', value: { ok: true }, maxBlockMs: 2000 }))
          .output(() => ({})),
    );
    const result = await run(publisher, {});
    expect(result.task('nothing')).toMatchObject({ status: 'COMPLETED', inputData: {}, outputData: {} });
    expect(result.status).toBe('FAILED');
    const announce = result.task('announce');
    expect(announce).toMatchObject({ status: 'FAILED', outputData: {} });
    expect(announce?.reasonForIncompletion).toBe('Failed to invoke kafka task due to: org.apache.kafka.common.errors.TimeoutException: Topic types_builds not present in metadata after 2000 ms.');
    expect((announce?.endTime ?? 0) - (announce?.startTime ?? 0)).toBe(2000);
  });

  it('forEach walks the list with typed loopItem/loopIndex, and keepLastN keeps the last iterations', async () => {
    const each = workflow(
      { name: 'types_each', version: 1, description: 'd', input: z.object({ devices: z.array(z.string()) }), output: z.object({ last: z.string() }) },
      (f) =>
        f
          .forEach('each', { items: (s) => s.input.devices, keepLastN: 2, body: (b) => b.task('one', flash, (s) => ({ device: `${s.each.output.loopItem}#${s.each.output.loopIndex}` })) })
          .output((s) => ({ last: s.one.output.status })),
    );
    const result = await run(each, { devices: ['a', 'b', 'c'] }, { handlers });
    expect(result.status).toBe('COMPLETED');
    expect(result.output).toEqual({ last: 'flashed c#2' });
    expect(result.task('each')?.outputData).toEqual({ iteration: 3, loopIndex: 2, loopItem: 'c', '2': { one: { status: 'flashed b#1' } }, '3': { one: { status: 'flashed c#2' } } });
    expect(result.taskRefs).toEqual(['each', 'one__2', 'one__3']);
  });

  it('dynamicForkWorkflow runs one child per item and lists their outputs in item order', async () => {
    const rollout = workflow(
      { name: 'types_rollout', version: 1, description: 'd', input: z.object({ devices: z.array(z.object({ device: z.string() })) }), output: z.object({ statuses: z.array(z.unknown()) }) },
      (f) => f.dynamicForkWorkflow('roll', child, (s) => s.input.devices).output((s) => ({ statuses: s.roll_results.output.result })),
    );
    const result = await run(rollout, { devices: [{ device: 'x' }, { device: 'y' }] }, { handlers });
    expect(result.status).toBe('COMPLETED');
    expect(result.output['statuses']).toEqual([
      { input: { device: 'x' }, output: expect.objectContaining({ status: 'flashed x' }) },
      { input: { device: 'y' }, output: expect.objectContaining({ status: 'flashed y' }) },
    ]);
  });

  it('taskToDomain: a mapped task goes to the worker polling its domain; with none polling there it waits', async () => {
    const one = workflow(
      { name: 'types_domain', version: 1, description: 'd', input: z.object({}), output: z.object({ status: z.string() }) },
      (f) => f.task(flash, () => ({ device: 'z' })).output((s) => ({ status: s.types_flash.output.status })),
    );
    const worker = (domain: string | undefined, status: string): ConductorWorker => ({
      taskDefName: 'types_flash',
      ...(domain !== undefined && { domain }),
      execute: async () => ({ status: 'COMPLETED', outputData: { status } }),
    });
    const workers = [worker(undefined, 'default queue'), worker('lab', 'lab bench')];
    const inLab = await run(one, {}, { workers, taskToDomain: { '*': 'lab' } });
    expect(inLab.output).toEqual({ status: 'lab bench' });
    expect(inLab.task('types_flash')?.domain).toBe('lab');
    expect(inLab.toJSON()['taskToDomain']).toEqual({ '*': 'lab' });
    const fallback = await run(one, {}, { workers, taskToDomain: { types_flash: 'attic,NO_DOMAIN' } });
    expect(fallback.output).toEqual({ status: 'default queue' });
    const nobody = await run(one, {}, { workers, taskToDomain: { types_flash: 'attic' } });
    expect(nobody.status).toBe('RUNNING');
    expect(nobody.task('types_flash')).toMatchObject({ status: 'SCHEDULED', domain: 'attic' });
  });
});
