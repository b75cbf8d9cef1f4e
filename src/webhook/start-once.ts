import { WorkflowExecutor, type Client } from '@io-orkes/conductor-javascript';
import { startWorkflow } from '../client/typed-client.ts';
import type { AnyWorkflow, WorkflowInput } from '../dsl/workflow.ts';

/** A run of a workflow with a correlation id, as the server lists it. */
export interface CorrelatedRun {
  readonly workflowId: string;
  readonly status: string;
  /** Start time, ms since the epoch. */
  readonly startTime: number;
}

/** What {@link createStartOnce} asks of the server. */
export interface CorrelatedRuns {
  /** Every run of workflow `name` with this correlation id, finished ones included. */
  list(name: string, correlationId: string): Promise<CorrelatedRun[]>;
  /** Terminates a run (a duplicate), with a reason. */
  terminate(workflowId: string, reason: string): Promise<void>;
}

/**
 * The server's own answers: `GET /api/workflow/{name}/correlated/{correlationId}?includeClosed=true`
 * (served by conductor-oss 3.32.3, Orkes and the dev server) and `DELETE /api/workflow/{id}`.
 */
export function serverCorrelatedRuns(client: Client): CorrelatedRuns {
  const executor = new WorkflowExecutor(client);
  return {
    async list(name, correlationId) {
      const { data } = await client.get({
        url: '/api/workflow/{name}/correlated/{correlationId}',
        path: { name, correlationId },
        query: { includeClosed: true, includeTasks: false },
        throwOnError: true,
      });
      return ((data ?? []) as { workflowId?: string; status?: string; startTime?: number }[]).map((w) => ({ workflowId: w.workflowId ?? '', status: w.status ?? '', startTime: w.startTime ?? 0 }));
    },
    terminate: (workflowId, reason) => executor.terminate(workflowId, reason),
  };
}

/** The run every starter agrees on: the oldest, ties broken by id. */
const first = (runs: readonly CorrelatedRun[]): CorrelatedRun | undefined =>
  [...runs].sort((a, b) => a.startTime - b.startTime || (a.workflowId < b.workflowId ? -1 : 1))[0];

/** Starts `workflow` for one correlation id at most once; answers the run and whether it already existed. */
export type StartOnce<W extends AnyWorkflow> = (correlationId: string, input: WorkflowInput<W>) => Promise<{ workflowId: string; existing: boolean }>;

/**
 * Starts a workflow at most once per correlation id (a commit), on any server: conductor-oss
 * 3.32.3 ignores `idempotencyKey` (two starts with the same key and RETURN_EXISTING give two
 * runs; Orkes honours it), so the dedupe is done here. Deliveries in this process wait for the
 * same start; a run the server already has for the id, running or finished, is answered instead
 * of a new one; and when two processes start at the same moment, both look again after starting,
 * agree on the oldest run, and the one that started another terminates its own.
 */
export function createStartOnce<W extends AnyWorkflow>(client: Client, workflow: W, runs: CorrelatedRuns = serverCorrelatedRuns(client)): StartOnce<W> {
  const inFlight = new Map<string, Promise<{ workflowId: string; existing: boolean }>>();
  const start = async (correlationId: string, input: WorkflowInput<W>): Promise<{ workflowId: string; existing: boolean }> => {
    const before = first(await runs.list(workflow.name, correlationId));
    if (before !== undefined) return { workflowId: before.workflowId, existing: true };
    const mine = await startWorkflow(client, workflow, input, { correlationId });
    const winner = first(await runs.list(workflow.name, correlationId));
    if (winner === undefined || winner.workflowId === mine) return { workflowId: mine, existing: false };
    await runs.terminate(mine, `Duplicate start for ${correlationId}: run ${winner.workflowId} builds it.`);
    return { workflowId: winner.workflowId, existing: true };
  };
  return (correlationId, input) => {
    const running = inFlight.get(correlationId);
    if (running !== undefined) return running.then((r) => ({ ...r, existing: true }));
    const started = start(correlationId, input).finally(() => inFlight.delete(correlationId));
    inFlight.set(correlationId, started);
    return started;
  };
}
