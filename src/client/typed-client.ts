import { WorkflowExecutor, type Client, type Workflow } from '@io-orkes/conductor-javascript';
import type { AnyWorkflow, WorkflowInput, WorkflowOutput } from '../dsl/workflow.ts';

declare const workflowType: unique symbol;

/** A workflow id that remembers which workflow it runs, so waiting on it gives typed output. */
export type WorkflowId<W extends AnyWorkflow> = string & { readonly [workflowType]?: W };

/** Thrown before anything is sent when the input does not match the workflow's input schema. */
export class WorkflowInputError extends Error {
  override readonly name = 'WorkflowInputError';
  constructor(
    readonly workflow: string,
    readonly issues: readonly { readonly path: string; readonly message: string }[],
  ) {
    super(`Input for ${workflow} does not match its schema: ${issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; ')}. Fix the input; nothing was sent.`);
  }
}

/** Thrown when a workflow ends FAILED, TERMINATED or TIMED_OUT, or does not end in time. */
export class WorkflowRunError extends Error {
  override readonly name = 'WorkflowRunError';
  constructor(
    readonly workflowId: string,
    readonly status: 'FAILED' | 'TERMINATED' | 'TIMED_OUT' | 'RUNNING' | 'PAUSED',
    readonly reasonForIncompletion: string | undefined,
  ) {
    super(
      status === 'RUNNING' || status === 'PAUSED'
        ? `Workflow ${workflowId} is still ${status} after the wait; wait longer (timeoutMs) or look at it in the Conductor UI.`
        : `Workflow ${workflowId} ended ${status}${reasonForIncompletion ? `: ${reasonForIncompletion}` : ''}.`,
    );
  }
}

/** Options of {@link startWorkflow}. */
export interface StartOptions {
  readonly correlationId?: string;
  /**
   * Sent with RETURN_EXISTING: Orkes then returns the existing run for a key it has seen. conductor-oss
   * 3.32.3 ignores it (the same key twice gives two runs): do not rely on it there (the webhook
   * dedupes by itself, see createStartOnce).
   */
  readonly idempotencyKey?: string;
  /**
   * Task name (or `*` for every worker task) → comma-separated domains: the run's worker tasks are
   * queued in the first of those domains where a worker polled lately, else in the last one
   * (`NO_DOMAIN`: the default queue), and only workers polling in that domain get them.
   * Sub-workflows and START_WORKFLOW targets inherit it (conductor-oss 3.32.3).
   */
  readonly taskToDomain?: Readonly<Record<string, string>>;
}

/**
 * Starts `workflow` with `input`, checked against its zod input schema first (defaults applied);
 * returns the id, typed so that {@link waitForWorkflow} knows the output.
 * @example `const id = await startWorkflow(client, firmwareCiCdPipeline, { repo: 'K1.node1', ... });`
 */
export async function startWorkflow<W extends AnyWorkflow>(client: Client, workflow: W, input: WorkflowInput<W>, options: StartOptions = {}): Promise<WorkflowId<W>> {
  const parsed = workflow.input.safeParse(input);
  if (!parsed.success) {
    throw new WorkflowInputError(workflow.name, parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
  }
  const id = await new WorkflowExecutor(client).startWorkflow({
    name: workflow.name,
    version: workflow.version,
    input: parsed.data as Record<string, unknown>,
    ...(options.correlationId !== undefined && { correlationId: options.correlationId }),
    ...(options.taskToDomain !== undefined && { taskToDomain: { ...options.taskToDomain } }),
    ...(options.idempotencyKey !== undefined && { idempotencyKey: options.idempotencyKey, idempotencyStrategy: 'RETURN_EXISTING' as const }),
  });
  return id as WorkflowId<W>;
}

/** A finished run with its output typed by the workflow. */
export interface CompletedWorkflow<W extends AnyWorkflow> {
  readonly workflowId: string;
  readonly status: 'COMPLETED';
  readonly output: WorkflowOutput<W>;
  readonly execution: Workflow;
}

/**
 * Polls a run until it ends: its typed output when COMPLETED, a {@link WorkflowRunError} carrying
 * the status and reason when FAILED, TERMINATED or TIMED_OUT, or when `timeoutMs` passes first.
 */
export async function waitForWorkflow<W extends AnyWorkflow>(
  client: Client,
  id: WorkflowId<W>,
  options: { readonly timeoutMs?: number; readonly pollMs?: number } = {},
): Promise<CompletedWorkflow<W>> {
  const executor = new WorkflowExecutor(client);
  const deadline = Date.now() + (options.timeoutMs ?? 600_000);
  for (;;) {
    const execution = await executor.getWorkflow(id, false);
    const status = execution.status ?? 'RUNNING';
    if (status === 'COMPLETED') return { workflowId: id, status, output: (execution.output ?? {}) as WorkflowOutput<W>, execution };
    if (status === 'FAILED' || status === 'TERMINATED' || status === 'TIMED_OUT') throw new WorkflowRunError(id, status, execution.reasonForIncompletion);
    if (Date.now() >= deadline) throw new WorkflowRunError(id, status === 'PAUSED' ? 'PAUSED' : 'RUNNING', execution.reasonForIncompletion);
    await new Promise((r) => setTimeout(r, options.pollMs ?? 1000));
  }
}
