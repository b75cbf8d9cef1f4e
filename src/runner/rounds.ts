/**
 * What conductor-oss 3.32.3 records of a task that the server runs inside its decide, matched on
 * purpose where it looks like a server bug.
 *
 * One `decide(workflowId)` loads the workflow once and works on it in memory, round after round
 * (`WorkflowExecutorOps.decide`: the decider, then every pending synchronous system task, then
 * `updateTasks`), until a round changes nothing. Within it, objects are shared by reference: a
 * task's input holds the very maps `${...}` read (`ParametersUtils.getTaskInputV2` builds its
 * document from `task.getOutputData()`, `workflow.getVariables()` ...), a DO_WHILE rewrites the
 * current iteration's entry of its own output each round, SET_VARIABLE puts into the variables
 * map, INLINE adds its result to the output map a loop's entry already holds. A task's stored
 * input and output are what those shared maps held when it was last written: for a synchronous
 * task, at the end of the round after the one it completed in (the decider marks it executed and
 * writes it once more). So an INLINE that read `${loop.output}` shows the loop's next iteration
 * count, and one that read `${workflow.variables}` shows what the SET_VARIABLE after it set.
 * The next decide reads everything back from the database: what was not written is gone (a
 * DO_WHILE is written only when it starts an iteration, ends or fails, so its current
 * iteration's entry is not there until it rewrites it).
 *
 * The engine's queue plays the rounds: an action enqueued by an action of level n has level
 * n + 1, and a level ends when the first action of the next one runs (or the queue drains,
 * which ends the decide). This book keeps what a level's end does: the writes of the tasks due,
 * then each running loop's look at its current iteration.
 */
import type { Execution } from './execution.ts';
import { restoreStoredOutput, rewriteIteration } from './loop.ts';
import { plainCopy } from './plain-copy.ts';
import type { TaskRun } from './types.ts';

/** Task types the server runs inside its decide (`isAsync()` false): their input keeps the shared maps until their last write. */
export const DECIDE_TASKS: ReadonlySet<string> = new Set(['INLINE', 'LAMBDA', 'JSON_JQ_TRANSFORM', 'SET_VARIABLE', 'TERMINATE', 'SWITCH', 'DECISION']);

/** A synchronous task's last write: its input and output, copied at the end of level `due`. */
interface DueWrite {
  readonly run: TaskRun;
  readonly due: number;
}

/** The engine's rounds: the current level, the writes that are due, the loops that look at their iteration each round. */
export class Rounds {
  /** The level of the action running now (or of the last one). */
  level = 0;
  private due: DueWrite[] = [];
  private readonly loops = new Map<TaskRun, Execution>();
  /** Per running loop, its run's `changes` after its last look: nothing changed since, nothing to look at. */
  private readonly looked = new WeakMap<TaskRun, number>();

  /**
   * A task the server runs inside its decide has ended now. It is written for the last time at
   * the end of the next round; a task that ended while the decider scheduled it (a SWITCH, a
   * DECISION, a JSON_JQ_TRANSFORM) ran in the round the queue's next level plays, so one level later.
   */
  ended(run: TaskRun, whileScheduling: boolean): void {
    if (DECIDE_TASKS.has(run.workflowTask.type ?? '')) this.due.push({ run, due: this.level + (whileScheduling ? 2 : 1) });
  }

  /** A DO_WHILE runs: it rewrites its current iteration's entry each round until it ends. */
  loopRunning(exec: Execution, run: TaskRun): void {
    this.loops.set(run, exec);
  }

  /**
   * Synchronous tasks queued to run: they read what the loops' look writes (with the writes still
   * due, the only ones that do; a worker task's input is a copy, and a loop looks at itself).
   */
  decideTasksQueued = 0;

  /** The end of the current level: the writes due, then every running loop's look, when anything will read it. */
  endLevel(): void {
    this.write(this.level);
    if (this.due.length > 0 || this.decideTasksQueued > 0) this.lookAtLoops();
  }

  /**
   * The end of a decide (the queue drained): the level's end, then every write still due. What
   * was not written is gone: a running loop's output is what the server stored, which is what
   * its API shows of a waiting run and what the next decide reads back.
   */
  endDecide(): void {
    // The round that changes nothing: the loops' look shows only in what is still to be written.
    if (this.due.length > 0) this.endLevel();
    this.write(Number.POSITIVE_INFINITY);
    for (const [run, exec] of this.loops) {
      if (run.status !== 'IN_PROGRESS' || (exec.status !== 'RUNNING' && exec.status !== 'PAUSED')) this.loops.delete(run);
      else restoreStoredOutput(exec, run);
    }
  }

  /**
   * A decide of `exec` begins (a task completed from outside: a mock, a worker, the API): it reads
   * back what the server stored. Already so when the last decide ended; not yet when an outside
   * event comes while the queue still holds work.
   */
  beginDecide(exec: Execution): void {
    this.write(Number.POSITIVE_INFINITY);
    for (const [run, owner] of this.loops) if (owner === exec && run.status === 'IN_PROGRESS') restoreStoredOutput(exec, run);
  }

  private write(upTo: number): void {
    if (this.due.length === 0) return;
    const later: DueWrite[] = [];
    for (const entry of this.due) {
      if (entry.due > upTo) {
        later.push(entry);
        continue;
      }
      // Copies: what the shared maps hold now is what the server stored.
      entry.run.inputData = plainCopy(entry.run.inputData);
      entry.run.outputData = plainCopy(entry.run.outputData);
    }
    this.due = later;
  }

  private lookAtLoops(): void {
    for (const [run, exec] of this.loops) {
      if (run.status !== 'IN_PROGRESS' || (exec.status !== 'RUNNING' && exec.status !== 'PAUSED')) this.loops.delete(run);
      else if (exec.status === 'RUNNING' && this.looked.get(run) !== exec.changes) {
        rewriteIteration(exec, run);
        this.looked.set(run, exec.changes);
      }
    }
  }
}
