import { describe, expect, it } from 'vitest';
import { check, expectOnly, simple, type ExpectedIssue } from './helpers.ts';

const loop = (inputParameters: Record<string, unknown>) => ({ name: 'l', taskReferenceName: 'loop', type: 'DO_WHILE', items: '${workflow.input.list}', loopCondition: '', inputParameters, loopOver: [simple('a1')] });
const kafka = (kafka_request: Record<string, unknown>) => ({ name: 'k', taskReferenceName: 'publish', type: 'KAFKA_PUBLISH', inputParameters: { kafka_request } });

describe('rules of the remaining task types', () => {
  const cases: [string, unknown[], ExpectedIssue][] = [
    [
      'HTTP_POLL, which conductor-oss 3.32.3 does not run',
      [{ name: 'p', taskReferenceName: 'poll', type: 'HTTP_POLL', inputParameters: { http_request: { uri: 'http://x', method: 'GET' } } }],
      { code: 'TASK_TYPE_UNSUPPORTED', severity: 'error', path: 'demo v1 → poll → type', says: ['HTTP_POLL "poll": conductor-oss 3.32.3 has no HTTP_POLL task', 'waits SCHEDULED for ever'], fix: 'Poll with an HTTP task inside a DO_WHILE whose loopCondition checks the response (a WAIT between tries), or with a worker.' },
    ],
    [
      'WAIT_FOR_WEBHOOK, which conductor-oss 3.32.3 does not run',
      [{ name: 'w', taskReferenceName: 'hook', type: 'WAIT_FOR_WEBHOOK', inputParameters: { matches: {} } }],
      { code: 'TASK_TYPE_UNSUPPORTED', severity: 'error', path: 'demo v1 → hook → type', says: ['no WAIT_FOR_WEBHOOK task'], fix: 'or an EVENT handler with a complete_task action.' },
    ],
    [
      'START_WORKFLOW without a request',
      [{ name: 's', taskReferenceName: 'kick', type: 'START_WORKFLOW', inputParameters: {} }],
      { code: 'START_WORKFLOW_REQUEST_MISSING', severity: 'warning', path: 'demo v1 → kick → inputParameters.startWorkflow', says: ["\"Missing 'startWorkflow' in input data.\""], fix: 'Set inputParameters.startWorkflow to { "name": "<workflow>", "version": <n>, "input": { ... } }.' },
    ],
    [
      'START_WORKFLOW naming no workflow',
      [{ name: 's', taskReferenceName: 'kick', type: 'START_WORKFLOW', inputParameters: { startWorkflow: { input: {} } } }],
      { code: 'START_WORKFLOW_NAME_MISSING', severity: 'warning', path: 'demo v1 → kick → inputParameters.startWorkflow.name', says: ['names no workflow to start'], fix: 'Set inputParameters.startWorkflow.name.' },
    ],
    [
      'KAFKA_PUBLISH without a topic',
      [kafka({ bootStrapServers: 'k:9092', value: 1 })],
      { code: 'KAFKA_REQUEST_FIELD_MISSING', severity: 'warning', path: 'demo v1 → publish → inputParameters.kafka_request.topic', says: ["KAFKA_PUBLISH \"publish\"'s kafka_request has no topic"], fix: 'Set inputParameters.kafka_request.topic.' },
    ],
    [
      'DO_WHILE with keepLastN as an expression',
      [loop({ keepLastN: '${workflow.input.keep}' })],
      { code: 'DO_WHILE_KEEP_LAST_N', severity: 'warning', path: 'demo v1 → loop → inputParameters.keepLastN', says: ['reads it unresolved', 'casts it to Integer'], fix: 'Set inputParameters.keepLastN to a literal whole number, 1 or more.' },
    ],
    [
      'DO_WHILE with keepLastN 0',
      [loop({ keepLastN: 0 })],
      { code: 'DO_WHILE_KEEP_LAST_N', severity: 'warning', path: 'demo v1 → loop → inputParameters.keepLastN', says: ['keepLastN 0', 'drops every iteration'], fix: 'Set inputParameters.keepLastN to a literal whole number, 1 or more.' },
    ],
  ];
  it.each(cases)('%s', (_what, tasks, expected) => {
    expectOnly(check(tasks, { inputParameters: ['list', 'keep'] }), expected);
  });

  it('a DO_WHILE over items with keepLastN, a NOOP, a DYNAMIC and a full KAFKA_PUBLISH and START_WORKFLOW have no issues', () => {
    const tasks = [
      loop({ keepLastN: 2 }),
      { name: 'n', taskReferenceName: 'n', type: 'NOOP' },
      { name: 'd', taskReferenceName: 'd', type: 'DYNAMIC', dynamicTaskNameParam: 'taskToExecute', inputParameters: { taskToExecute: 'a1_task' } },
      kafka({ bootStrapServers: 'k:9092', topic: 't', value: { a: 1 } }),
      { name: 's', taskReferenceName: 's', type: 'START_WORKFLOW', inputParameters: { startWorkflow: { name: 'demo', version: 1, input: {} } } },
    ];
    expect(check(tasks, { inputParameters: ['list'] })).toEqual([]);
  });
});
