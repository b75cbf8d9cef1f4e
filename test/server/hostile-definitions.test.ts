/**
 * Hostile definitions against the dev server (issue 15): each is refused or ends within its
 * bound, and the server still answers meanwhile and afterwards.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevServer, type DevServer } from '../../src/server/index.ts';
import { client, eventually, wf } from './support.ts';

let server: DevServer;
let api: ReturnType<typeof client>;

beforeAll(async () => {
  server = await startDevServer();
  api = client(server.url);
  const forever = wf('hostile_forever', [
    {
      name: 'forever',
      taskReferenceName: 'forever',
      type: 'DO_WHILE',
      loopCondition: 'true',
      loopOver: [{ name: 'sv', taskReferenceName: 'sv', type: 'SET_VARIABLE', inputParameters: { i: '${forever.output.iteration}' } }],
    },
  ]);
  const plain = wf('hostile_plain', [{ name: 'calc', taskReferenceName: 'calc', type: 'INLINE', inputParameters: { evaluatorType: 'javascript', expression: '$.a + 1', a: '${workflow.input.a}' } }]);
  expect((await api.put('/api/metadata/workflow', [forever, plain])).status).toBe(200);
});

afterAll(async () => {
  await server?.close();
});

/** The server still answers: a plain workflow runs to the end. */
async function stillAnswers(): Promise<void> {
  const started = performance.now();
  const id = (await api.post('/api/workflow/hostile_plain', { a: 41 })).text;
  const done = await eventually(async () => {
    const run = (await api.get(`/api/workflow/${id}`)).json as { status: string; output: unknown };
    return run.status === 'COMPLETED' ? run : undefined;
  });
  expect(done.output).toEqual({ result: 42 });
  expect(performance.now() - started).toBeLessThan(2_000);
}

describe('hostile definitions: the dev server keeps answering', () => {
  it('a DO_WHILE on true does not block the server: it answers while the loop runs, and the loop can be terminated', async () => {
    const id = (await api.post('/api/workflow/hostile_forever', {})).text;
    const asked = performance.now();
    const running = (await api.get(`/api/workflow/${id}?includeTasks=false`)).json as { status: string };
    expect(running.status).toBe('RUNNING');
    expect(performance.now() - asked).toBeLessThan(1_000);
    await stillAnswers();
    expect((await api.del(`/api/workflow/${id}?reason=enough`)).status).toBe(200);
    const ended = await eventually(async () => {
      const run = (await api.get(`/api/workflow/${id}?includeTasks=false`)).json as { status: string; reasonForIncompletion?: string };
      return run.status === 'TERMINATED' ? run : undefined;
    });
    expect(ended.reasonForIncompletion).toBe('enough');
  });

  it('a body nested deeper than 1000 levels gets the server\'s 500, not a stack trace', async () => {
    let deep = '1';
    for (let i = 0; i < 5000; i++) deep = `[${deep}]`;
    const answer = await api.postRaw('/api/workflow/hostile_plain', `{"a":${deep}}`);
    expect([answer.status, (answer.json as { message: string }).message]).toEqual([
      500,
      'JSON parse error: Document nesting depth (1001) exceeds the maximum allowed (1000, from `StreamReadConstraints.getMaxNestingDepth()`)',
    ]);
    await stillAnswers();
  });

  it('a test run whose mock executionTime is not a number gets the server\'s 500', async () => {
    const answer = await api.post('/api/workflow/test', {
      name: 'hostile_mock',
      version: 1,
      workflowDef: wf('hostile_mock', [{ name: 's', taskReferenceName: 's', type: 'SIMPLE' }]),
      taskRefToMockOutput: { s: [{ status: 'COMPLETED', output: {}, executionTime: 'soon' }] },
    });
    expect([answer.status, (answer.json as { message: string }).message]).toEqual([500, 'JSON parse error: Cannot deserialize value of type `long` from String "soon": not a valid `long` value']);
    await stillAnswers();
  });
});
