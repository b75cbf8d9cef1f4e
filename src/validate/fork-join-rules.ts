import { issuePath, type DefinitionIssue } from '../issues.ts';
import { describeJsonType, isPresent, quote } from './json-value.ts';
import { taskTitle } from './task-rules.ts';
import { allLists, nestedRefs, type TaskList, type TaskNode } from './task-tree.ts';

const FORKS = new Set(['FORK_JOIN', 'FORK_JOIN_DYNAMIC']);

/**
 * Checks how forks and joins sit in every task list of a workflow: each FORK_JOIN and
 * FORK_JOIN_DYNAMIC is immediately followed by a JOIN, each JOIN comes right after a fork, and
 * a static fork's JOIN waits (joinOn) only for tasks inside that fork's branches.
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
          path: issuePath(workflowLabel, node.label),
          message: `${taskTitle(node)} does not come right after a FORK_JOIN or FORK_JOIN_DYNAMIC, so it has no branches to join. Move it right after its fork, or remove it.`,
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
    path: issuePath(workflowLabel, fork.label),
    message: `${taskTitle(fork)} is not followed by a JOIN (${after}), so nothing waits for its branches and the workflow fails at run time. Add a JOIN task right after it${fork.type === 'FORK_JOIN' ? ' whose joinOn lists the last task of each branch' : ''}.`,
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
  const joinOn = join.raw.joinOn;
  if (isPresent(joinOn) && !(Array.isArray(joinOn) && joinOn.every((ref) => typeof ref === 'string'))) {
    return [
      {
        code: 'FIELD_TYPE',
        path,
        message: `${taskTitle(join)}: joinOn is ${describeJsonType(joinOn)}${Array.isArray(joinOn) ? ' with entries that are not strings' : ''}. Make it an array of task reference names, e.g. ${suggestion}.`,
      },
    ];
  }
  const refs: readonly string[] = Array.isArray(joinOn) ? joinOn : [];
  if (refs.length === 0) {
    return [
      {
        code: 'JOIN_ON_EMPTY',
        path,
        message: `${taskTitle(join)} after fork ${quote(fork.label)} has an empty joinOn, so it completes at once without waiting for the branches. List the last task of each branch in joinOn, e.g. ${suggestion}.`,
      },
    ];
  }
  const inside = new Set(nestedRefs(fork));
  return refs
    .filter((ref) => !inside.has(ref))
    .map((ref) => ({
      code: 'JOIN_ON_FOREIGN',
      path,
      message: `${taskTitle(join)} waits for ${quote(ref)}, which is not a task in the branches of fork ${quote(fork.label)}, so the join does not track it. Name only tasks inside the fork's branches in joinOn, e.g. ${suggestion}.`,
    }));
}
