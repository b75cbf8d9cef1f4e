/** KAFKA_PUBLISH as conductor-oss 3.32.3 runs it (`KafkaPublishTask`) on a machine without a Kafka broker. */
import type { SystemTask } from './system-task.ts';

/** The producer's `max.block.ms` when the request gives none: conductor-oss 3.32.3's `conductor.tasks.kafka-publish.maxBlock` (observed: 500 ms). */
const DEFAULT_MAX_BLOCK_MS = 500;

/** The server's reasons for a request it cannot send (`KafkaPublishTask`). */
const MISSING_REQUEST = "Missing Kafka request. Task input MUST have a 'kafka_request' key with KafkaTask.Input as value. See documentation for KafkaTask for required input parameters";
const MISSING_SERVERS = 'No boot strap servers specified';
const MISSING_TOPIC = 'Missing Kafka topic. See documentation for KafkaTask for required input parameters';
const MISSING_VALUE = 'Missing Kafka value.  See documentation for KafkaTask for required input parameters';

const blank = (value: unknown): boolean => value === undefined || value === null || String(value).trim() === '';

/**
 * KAFKA_PUBLISH: a request without `kafka_request`, `bootStrapServers`, `topic` or `value` fails
 * at once with the server's reason. The runner has no Kafka client: any other request fails as
 * the server's does when no broker answers, after `maxBlockMs` (virtual time), with its reason
 * (`Failed to invoke kafka task due to: org.apache.kafka.common.errors.TimeoutException: Topic
 * <topic> not present in metadata after <maxBlockMs> ms.`). Mock the task to run a workflow past a
 * publish that succeeds.
 */
export const KAFKA_PUBLISH: SystemTask = {
  start(ctx, run) {
    const exec = ctx.execution;
    const request = run.inputData['kafka_request'];
    if (request === undefined || request === null) return ctx.finish(run, 'FAILED', {}, MISSING_REQUEST);
    const { bootStrapServers, topic, value, maxBlockMs } = request as Record<string, unknown>;
    if (blank(bootStrapServers)) return ctx.finish(run, 'FAILED', {}, MISSING_SERVERS);
    if (blank(topic)) return ctx.finish(run, 'FAILED', {}, MISSING_TOPIC);
    if (value === undefined || value === null) return ctx.finish(run, 'FAILED', {}, MISSING_VALUE);
    const block = typeof maxBlockMs === 'number' && Number.isInteger(maxBlockMs) ? maxBlockMs : DEFAULT_MAX_BLOCK_MS;
    ctx.engine.startRun(exec, run);
    ctx.clock.schedule(block, () => {
      if (run.status !== 'IN_PROGRESS' || exec.status !== 'RUNNING') return;
      ctx.finish(run, 'FAILED', {}, `Failed to invoke kafka task due to: org.apache.kafka.common.errors.TimeoutException: Topic ${String(topic)} not present in metadata after ${block} ms.`);
    });
  },
};
