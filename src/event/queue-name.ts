/** The names of conductor-oss 3.32.3's event queues, as EVENT tasks and event handlers spell them. */

/**
 * The queue an EVENT task publishes to (`Event.computeQueueName`): sink `conductor` becomes
 * `conductor:<workflow name>:<task reference>`, `conductor:<name>` becomes
 * `conductor:<workflow name>:<name>`; any other sink is its own queue name. An event handler
 * listens on exactly this text (its `event`).
 */
export function publishedQueue(sink: string, workflowName: string, ref: string): string {
  if (sink === 'conductor') return `conductor:${workflowName}:${ref}`;
  if (sink.startsWith('conductor:')) return `conductor:${workflowName}:${sink.replaceAll('conductor:', '')}`;
  return sink;
}

/** The queue type of an event or queue name: the text before the first `:` (`EventQueues.getQueue`). */
export function queueType(queue: string): string {
  const i = queue.indexOf(':');
  return i === -1 ? queue : queue.slice(0, i);
}
