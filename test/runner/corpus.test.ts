import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TaskDef, WorkflowDef } from '../../src/conductor-types.ts';
import { run } from '../../src/testing.ts';
import { CORPUS_DIR, skipCorpus } from '../support/corpus.ts';
import { CORPUS_CASES } from './corpus-cases.ts';

const read = (file: string): WorkflowDef => JSON.parse(readFileSync(join(CORPUS_DIR, file), 'utf8')) as WorkflowDef;

describe.skipIf(skipCorpus)('conductor-oss corpus workflows run with the outcome the server integration tests expect', () => {
  it('has at least 20 distinct corpus workflows', () => {
    expect(new Set(CORPUS_CASES.map((c) => c.file)).size).toBeGreaterThanOrEqual(20);
  });

  it.each(CORPUS_CASES.map((c, i) => [`${i + 1}. ${c.file} (${c.source})`, c] as const))('%s', async (_name, c) => {
    // Fields a case leaves out get the server's defaults, in the runner as on the server.
    const tasks = Object.entries(c.taskDefs ?? {}).map(([name, def]) => ({ name, ...def }) as TaskDef);
    const result = await run(read(c.file), c.input, {
      registry: { workflows: (c.needs ?? []).map(read), tasks },
      mocks: c.mocks,
      ...(c.subWorkflowMocks !== undefined && { subWorkflowMocks: c.subWorkflowMocks }),
    });
    expect({ status: result.status, reason: result.reasonForIncompletion }).toMatchObject({ status: c.expect.status });
    if (c.expect.taskRefs !== undefined) expect(result.taskRefs).toEqual(c.expect.taskRefs);
    for (const [ref, status] of Object.entries(c.expect.taskStatuses ?? {})) expect({ ref, status: result.task(ref)?.status }).toEqual({ ref, status });
    if (c.expect.output !== undefined) expect(result.output).toMatchObject(c.expect.output);
    if (c.expect.reasonContains !== undefined) expect(result.reasonForIncompletion ?? '').toContain(c.expect.reasonContains);
    if (c.expect.variables !== undefined) expect(result.variables).toMatchObject(c.expect.variables);
  });
});
