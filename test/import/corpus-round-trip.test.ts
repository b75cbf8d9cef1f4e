import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { importDefinitions } from '../../src/import/import-definitions.ts';
import { readWorkflowFile } from '../../src/import/read-definitions.ts';
import { verifyImport, verifyReport } from '../../src/import/verify.ts';
import { CORPUS_DIR, CORPUS_FILES, readCorpus, skipCorpus } from '../support/corpus.ts';

/**
 * The figures of `import --verify` over the corpus. Every definition re-emits equal; the tasks
 * kept verbatim are those the DSL has no method for, by reason (docs/importing.md).
 */
const VERBATIM_BY_TYPE: Record<string, number> = {
  BLOCKING_SYSTEM_TASK: 1,
  DECISION: 14,
  DO_WHILE: 4,
  EVENT: 2,
  EXCLUSIVE_JOIN: 1,
  FORK_JOIN: 25,
  FORK_JOIN_DYNAMIC: 2,
  INLINE: 6,
  JOIN: 27,
  JSON_JQ_TRANSFORM: 6,
  LAMBDA: 16,
  SET_VARIABLE: 2,
  SIMPLE: 12,
  START_WORKFLOW: 1,
  SUB_WORKFLOW: 14,
  SWITCH: 9,
  TERMINATE: 9,
  USER_TASK: 3,
  WAIT: 7,
};

describe.skipIf(skipCorpus)('importing the conductor-oss test-harness corpus', () => {
  const input = () => ({ workflows: readCorpus().flatMap(({ file }) => readWorkflowFile(join(CORPUS_DIR, file))) });

  it(`re-emits all ${CORPUS_FILES} definitions equal`, async () => {
    const result = await verifyImport(input());
    const summary = verifyReport(result).at(-1);
    console.log(`import --verify corpus: ${summary} (${Math.round(result.ms)} ms)`);
    expect(result.lines.filter((l) => !l.equal).map((l) => `${l.name}: ${l.difference}`)).toEqual([]);
    expect(summary).toBe('76 equal, 0 differ, 161 kept verbatim');
  }, 180_000);

  it('keeps verbatim only what the DSL cannot express, each with its reason', () => {
    const result = importDefinitions(input());
    const byType: Record<string, number> = {};
    for (const wf of result.workflows) {
      for (const v of wf.notes.verbatim) {
        byType[v.type] = (byType[v.type] ?? 0) + 1;
        expect(v.reason).not.toBe('');
      }
    }
    expect(byType).toEqual(VERBATIM_BY_TYPE);
    // Workflow fields without a DSL setting: failure workflows outside the corpus (a status listener has its setting).
    expect(result.workflows.flatMap((w) => w.notes.verbatimFields.map((f) => `${w.name}.${f}`)).sort()).toEqual([
      'RTOWF.failureWorkflow',
      'integration_test_template_wf.failureWorkflow',
      'integration_test_wf.failureWorkflow',
      'integration_test_wf_with_sub_wf.failureWorkflow',
    ]);
    expect(result.workflows.flatMap((w) => w.notes.lost)).toEqual([]);
  });
});
