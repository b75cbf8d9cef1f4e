import { describe, expect, it } from 'vitest';
import { validateWorkflowDefs } from '../../src/validate/index.ts';
import { CORPUS_DIR, CORPUS_FILES, corpusPresent as present, readCorpus, skipCorpus } from '../support/corpus.ts';

describe.skipIf(skipCorpus)('the conductor-oss test-harness corpus', () => {
  it('is there', () => {
    expect(present, `the corpus is missing: expected ${CORPUS_FILES} workflow definitions in ${CORPUS_DIR}`).toBe(true);
  });

  // The server's own tests run with ownerEmail optional, so this is how the server saw them.
  it.skipIf(!present)('passes with zero issues, file by file, on a server where ownerEmail is optional', () => {
    const corpus = readCorpus();
    expect(corpus).toHaveLength(CORPUS_FILES);
    const problems = corpus.flatMap(({ file, def }) => validateWorkflowDefs([def], { requireOwnerEmail: false }).map((i) => `${file}: ${i.code} ${i.path}: ${i.message}`));
    expect(problems).toEqual([]);
  });

  it.skipIf(!present)('lacks ownerEmail in exactly the two files the corpus notes, and nothing else, with the default context', () => {
    const problems = readCorpus().flatMap(({ file, def }) => validateWorkflowDefs([def]).map((i) => `${file}: ${i.code}`));
    expect(problems).toEqual([
      'terminate_task_terminated_status_in_do_while_test.json: OWNER_EMAIL_MISSING',
      'terminate_task_terminated_status_test.json: OWNER_EMAIL_MISSING',
    ]);
  });
});
