/** EVENT as conductor-oss 3.32.3 runs it (`EventTaskMapper`, `Event`). */
import { publishedQueue, queueType } from '../event/queue-name.ts';
import type { SystemTask } from './system-task.ts';

/**
 * EVENT: its input is the resolved inputParameters plus `sink` and `asyncComplete`; its output
 * that input plus the workflow's `workflowInstanceId`, `workflowType`, `workflowVersion`,
 * `correlationId`, `taskToDomain` and `event_produced` (the queue). The server as shipped has
 * only `conductor` queues: a sink of another type fails the task as it words it. The message
 * (that output) goes to the event handlers listening on the queue.
 * With `asyncComplete` the task waits to be completed through the API (or by a handler).
 */
export const EVENT: SystemTask = {
  mapInput: (wt, input) => ({ ...input, sink: wt.sink ?? null, asyncComplete: wt.asyncComplete === true }),
  start(ctx, run) {
    const exec = ctx.execution;
    const sink = String(run.inputData['sink'] ?? '');
    const asyncComplete = run.inputData['asyncComplete'] === true;
    const queue = publishedQueue(sink, exec.def.name, run.referenceTaskName);
    const output = {
      ...run.inputData,
      workflowInstanceId: exec.id,
      workflowType: exec.def.name,
      workflowVersion: exec.def.version ?? 1,
      correlationId: exec.correlationId ?? null,
      taskToDomain: exec.taskToDomain,
      event_produced: queue,
    };
    const type = queueType(queue);
    if (type !== 'conductor') return ctx.finish(run, 'FAILED', output, `Error loading queue:${queue}, for task:${run.taskId}, error: Unknown queue type ${type}`);
    ctx.engine.publishEvent(queue, output);
    if (asyncComplete) {
      ctx.engine.startRun(exec, run);
      run.outputData = output;
      exec.publish(run);
      return;
    }
    ctx.finish(run, 'COMPLETED', output);
  },
};
