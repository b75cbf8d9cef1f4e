import { TaskClient, getTaskContext, type ConductorWorker, type Task } from '@io-orkes/conductor-javascript';
import type { ConductorClient } from './drain-mode.ts';

type Result = Awaited<ReturnType<ConductorWorker['execute']>>;

/**
 * The `outputData` key where the worker runtime records, in every result that gives a task back
 * to the queue (IN_PROGRESS: a handler's `callBackLater`, a hand-back at shutdown), the task's
 * `pollCount` at that moment. The server keeps an IN_PROGRESS result's output on the task and
 * hands it out with the next poll, so the next delivery reads it without a request; a COMPLETED
 * or FAILED result replaces the output, so it never reaches a workflow's data.
 */
export const HANDED_BACK_AT = '_k1HandedBackAtPollCount';

/** How long the hand-back waits for the task's current pollCount before using its own. */
const POLL_COUNT_TIMEOUT_MS = 1_000;

/**
 * Why a delivery of `task` must not run its handler, or undefined when it may.
 *
 * conductor-oss (3.32.3) can hand one task to the workers twice: its sweeper re-pushes a SCHEDULED
 * task it finds missing from the queue, and a worker that polled the task between the sweeper's
 * snapshot and its queue check has already taken it (pop, IN_PROGRESS, pollCount + 1, ack); the
 * next poll hands the same IN_PROGRESS task out again. Every poll counts in `pollCount`, so a
 * delivery is legitimate when it is the first (`pollCount` 1) or the first after a hand-back:
 * `pollCount` = the {@link HANDED_BACK_AT} recorded + 1. Anything else was handed out while an
 * earlier delivery still holds the task: that one reports the result.
 */
export function duplicateDelivery(task: Task): string | undefined {
  const pollCount = task.pollCount ?? 0;
  if (pollCount <= 1) return undefined;
  const mark = task.outputData?.[HANDED_BACK_AT];
  if (typeof mark === 'number' && pollCount === mark + 1) return undefined;
  const earlier =
    typeof mark === 'number'
      ? `it was handed back at pollCount ${mark}, so delivery ${mark + 1} took it over`
      : `no worker handed it back since delivery 1, so an earlier delivery still holds it`;
  return `The server handed out task ${task.taskId ?? ''} (${task.taskDefName ?? task.taskType ?? ''}) again, pollCount ${pollCount}: ${earlier}. Not executed here; the delivery that holds it reports its result. conductor-oss's sweeper can re-queue a task a worker polled a moment before (README, "Workers").`;
}

/**
 * `result` with the task's current pollCount recorded under {@link HANDED_BACK_AT} when it gives
 * the task back (IN_PROGRESS), so that the next delivery is told apart from a duplicate; any
 * other result unchanged. The count is read from the server (`GET /api/tasks/{id}`: deliveries
 * the server made meanwhile count), or is the task's own when the server does not answer within
 * a second: then a duplicate delivery made during this one leaves the next delivery unexecuted,
 * and the server times the attempt out and retries it, never running it twice.
 */
export async function markHandBack(client: ConductorClient, task: Task, result: Result): Promise<Result> {
  if (result.status !== 'IN_PROGRESS') return result;
  const own = task.pollCount ?? 0;
  let timer: NodeJS.Timeout | undefined;
  const current = await Promise.race([
    new TaskClient(client).getTask(task.taskId ?? '').then(
      (read) => read?.pollCount ?? own,
      () => own,
    ),
    new Promise<number>((resolve) => (timer = setTimeout(() => resolve(own), POLL_COUNT_TIMEOUT_MS))),
  ]);
  clearTimeout(timer);
  // The SDK sends an IN_PROGRESS result's outputData, else the output set on its task context.
  const output = result.outputData ?? getTaskContext()?.getOutput() ?? {};
  return { ...result, outputData: { ...output, [HANDED_BACK_AT]: Math.max(current, own) } };
}

const UNREPORTED = Symbol('k1-workflows: a result not to send');

/**
 * The result a worker answers for a duplicate delivery: {@link withUnreportedResults} drops it
 * instead of sending it, so the server hears nothing from this delivery.
 */
export function unreportedResult(): Result {
  // IN_PROGRESS without callbackAfterSeconds: the SDK sends it as it is (symbol key included).
  return { status: 'IN_PROGRESS', outputData: {}, [UNREPORTED]: true } as Result;
}

/**
 * `client` for the SDK's TaskManager: a task update carrying an {@link unreportedResult} is
 * answered "accepted, no next task" (204) without a request. Any update sent for a duplicate
 * delivery would be wrong: COMPLETED or FAILED ends the task while its holder still runs it, and
 * IN_PROGRESS puts it back in the queue for yet another delivery.
 */
export function withUnreportedResults(client: ConductorClient): ConductorClient {
  // What the SDK reads of an update's answer: `response` (204: accepted) and `data` (no next task).
  const accepted = () => Promise.resolve({ data: undefined, error: undefined, response: new Response(null, { status: 204 }) });
  const post = ((options: Parameters<ConductorClient['post']>[0]) =>
    (options.body as { [UNREPORTED]?: unknown } | undefined)?.[UNREPORTED] === true ? accepted() : client.post(options)) as ConductorClient['post'];
  return new Proxy(client, { get: (target, key, receiver) => (key === 'post' ? post : Reflect.get(target, key, receiver)) });
}
