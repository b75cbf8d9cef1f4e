import type { WorkflowDef, WorkflowTask } from '../conductor-types.ts';

/** A point a later node connects from, with the edge label it carries (a switch case). */
interface Exit {
  readonly id: string;
  readonly label?: string | undefined;
}

/** Escapes text for a quoted Mermaid label. */
function text(value: string): string {
  return value.replaceAll('"', '#quot;').replaceAll('\n', ' ');
}

/** The shape of a node per task type: [open, close]. */
function shape(type: string): readonly [string, string] {
  switch (type) {
    case 'SWITCH':
    case 'DECISION':
      return ['{', '}'];
    case 'FORK_JOIN':
    case 'FORK_JOIN_DYNAMIC':
    case 'JOIN':
    case 'DO_WHILE':
      return ['{{', '}}'];
    case 'SUB_WORKFLOW':
      return ['[[', ']]'];
    case 'HUMAN':
    case 'WAIT':
      return ['[/', '/]'];
    case 'TERMINATE':
      return ['([', '])'];
    default:
      return ['[', ']'];
  }
}

function labelOf(task: WorkflowTask): string {
  const type = task.type ?? 'SIMPLE';
  const input = task.inputParameters ?? {};
  if (type === 'SIMPLE') return task.name === task.taskReferenceName ? task.name : `${task.taskReferenceName}<br/>${task.name}`;
  if (type === 'TERMINATE') return `${task.taskReferenceName}<br/>TERMINATE ${String(input['terminationStatus'] ?? '')}`;
  if (type === 'SUB_WORKFLOW') return `${task.taskReferenceName}<br/>workflow ${task.subWorkflowParam?.name ?? task.name}`;
  if (type === 'FORK_JOIN_DYNAMIC') return `${task.taskReferenceName}<br/>one ${String(input['forkTaskName'] ?? 'task')} per item`;
  return `${task.taskReferenceName}<br/>${type}`;
}

class FlowchartWriter {
  private readonly lines: string[] = [];
  private count = 0;

  node(label: string, [open, close]: readonly [string, string]): string {
    const id = `n${++this.count}`;
    this.lines.push(`  ${id}${open}"${text(label)}"${close}`);
    return id;
  }

  connect(from: readonly Exit[], to: string): void {
    for (const exit of from) this.lines.push(exit.label === undefined ? `  ${exit.id} --> ${to}` : `  ${exit.id} -->|"${text(exit.label)}"| ${to}`);
  }

  /** Renders a task list entered from `entry`; returns where the flow leaves it. */
  tasks(tasks: readonly WorkflowTask[], entry: readonly Exit[]): Exit[] {
    let exits: Exit[] = [...entry];
    for (const task of tasks) exits = this.task(task, exits);
    return exits;
  }

  private task(task: WorkflowTask, entry: readonly Exit[]): Exit[] {
    const type = task.type ?? 'SIMPLE';
    const id = this.node(labelOf(task), shape(type));
    this.connect(entry, id);
    switch (type) {
      case 'SWITCH':
      case 'DECISION': {
        const exits = Object.entries(task.decisionCases ?? {}).flatMap(([value, list]) => this.tasks(list, [{ id, label: value }]));
        return [...exits, ...this.tasks(task.defaultCase ?? [], [{ id, label: 'default' }])];
      }
      case 'FORK_JOIN':
        return (task.forkTasks ?? []).flatMap((branch) => this.tasks(branch, [{ id }]));
      case 'DO_WHILE': {
        const body = this.tasks(task.loopOver ?? [], [{ id }]);
        this.connect(
          body.map((exit) => ({ id: exit.id, label: exit.label ?? 'repeat while condition holds' })),
          id,
        );
        return [{ id, label: 'done' }];
      }
      case 'TERMINATE':
        return [];
      default:
        return [{ id }];
    }
  }

  finish(def: WorkflowDef): string {
    const start = this.node('start', ['([', '])']);
    const exits = this.tasks(def.tasks, [{ id: start }]);
    const end = this.node('end', ['([', '])']);
    this.connect(exits, end);
    return ['flowchart TD', ...this.lines].join('\n');
  }
}

/**
 * Draws a workflow definition as a Mermaid flowchart: one node per task (shape by type), switch
 * cases as labelled edges, fork branches meeting at their JOIN, loops with a back edge, and
 * TERMINATE as an end of its own. Works on any Conductor JSON, not only DSL output.
 */
export function mermaidFlowchart(def: WorkflowDef): string {
  return new FlowchartWriter().finish(def);
}
