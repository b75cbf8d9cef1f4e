import { issuePath, type DefinitionIssue } from '../issues.ts';
import { quote } from './json-value.ts';
import { taskTitle } from './task-rules.ts';
import { allLists, nestedRefs, type TaskList, type TaskNode } from './task-tree.ts';

const FORKS = new Set(['FORK_JOIN', 'FORK_JOIN_DYNAMIC']);

/**
 * Checks how forks and joins sit in every task list of a workflow: each FORK_JOIN and
 * FORK_JOIN_DYNAMIC is immediately followed by a JOIN (an error, deliberately stricter than
 * conductor-oss 3.32.3, which registers it and FAILS the workflow when it reaches the fork:
 * "Fork task definition is not followed by a join task.  Check the blueprint", or for a dynamic
 * fork "Dynamic join definition is not followed by a join task."), and, as warnings (the server registers
 * them): each JOIN comes right after a fork, and a static fork's JOIN waits (joinOn) for the
 * tasks of that fork's branches (an empty joinOn completes at once).
 */
export function validateForkJoins(tasks: TaskList, workflowLabel: string): DefinitionIssue[] {
  const issues: DefinitionIssue[] = [];
  for (const list of allLists(tasks)) {
    list.tasks.forEach((node, i) => {
      const next = list.tasks[i + 1];
      const previous = list.tasks[i - 1];
      if (FORKS.has(node.type)) {
        if (next?.type !== 'JOIN') issues.push(forkWithoutJoin(node, next, workflowLabel));
        else if (node.type === 'FORK_JOIN') issues.push(...joinOnIssues(node, next, workflowLabel));
      }
      if (node.type === 'JOIN' && !(previous !== undefined && FORKS.has(previous.type))) {
        issues.push({
          code: 'JOIN_WITHOUT_FORK',
          severity: 'warning',
          path: issuePath(workflowLabel, node.label),
          message: `${taskTitle(node)} does not come right after a FORK_JOIN or FORK_JOIN_DYNAMIC, so it has no branches to join (the server registers it; it only waits for its joinOn). Move it right after its fork, or remove it.`,
        });
      }
    });
  }
  return issues;
}

function forkWithoutJoin(fork: TaskNode, next: TaskNode | undefined, workflowLabel: string): DefinitionIssue {
  const after = next === undefined ? 'it is the last task of its list' : `the next task is ${taskTitle(next)}`;
  return {
    code: 'FORK_WITHOUT_JOIN',
    severity: 'error',
    path: issuePath(workflowLabel, fork.label),
    message: `${taskTitle(fork)} is not followed by a JOIN (${after}). The server registers it, but the workflow FAILS when it reaches the fork ("${fork.type === 'FORK_JOIN' ? 'Fork task definition' : 'Dynamic join definition'} is not followed by a join task."). Add a JOIN task right after it${fork.type === 'FORK_JOIN' ? ' whose joinOn lists the last task of each branch' : ''}.`,
  };
}

function joinOnIssues(fork: TaskNode, join: TaskNode, workflowLabel: string): DefinitionIssue[] {
  // A fork without readable branches is already reported; its JOIN has nothing to be checked against.
  if (fork.children.length === 0) return [];
  const path = issuePath(workflowLabel, join.label, 'joinOn');
  const lastOfEachBranch = fork.children.flatMap((branch) => {
    const ref = branch.tasks[branch.tasks.length - 1]?.ref;
    return ref === undefined ? [] : [ref];
  });
  const suggestion = quote(lastOfEachBranch);
  // A joinOn of the wrong JSON type is reported by json-binding.ts.
  const joinOn = join.raw.joinOn;
  if (joinOn !== undefined && joinOn !== null && !Array.isArray(joinOn)) return [];
  const refs: readonly string[] = Array.isArray(joinOn) ? joinOn.filter((ref): ref is string => typeof ref === 'string') : [];
  if (refs.length === 0) {
    return [
      {
        code: 'JOIN_ON_EMPTY',
        severity: 'warning',
        path,
        message: `${taskTitle(join)} after fork ${quote(fork.label)} has an empty joinOn, so it completes at once without waiting for the branches (the server registers it). List the last task of each branch in joinOn, e.g. ${suggestion}.`,
      },
    ];
  }
  const inside = new Set(nestedRefs(fork));
  return refs
    .filter((ref) => !inside.has(ref))
    .map((ref) => ({
      code: 'JOIN_ON_FOREIGN',
      severity: 'warning',
      path,
      message: `${taskTitle(join)} waits for ${quote(ref)}, which is not a task in the branches of fork ${quote(fork.label)}, so the join does not track it. Name only tasks inside the fork's branches in joinOn, e.g. ${suggestion}.`,
    }));
}
