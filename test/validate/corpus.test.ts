import { describe, expect, it } from 'vitest';
import { validateWorkflowDefs } from '../../src/validate/index.ts';
import { CORPUS_DIR, CORPUS_FILES, corpusPresent as present, readCorpus, skipCorpus } from '../support/corpus.ts';

describe.skipIf(skipCorpus)('the conductor-oss test-harness corpus', () => {
  it('is there', () => {
    expect(present, `the corpus is missing: expected ${CORPUS_FILES} workflow definitions in ${CORPUS_DIR}`).toBe(true);
  });

  // conductor-oss 3.32.3 as shipped registers every one of them (conformance part 3 shows it).
  it.skipIf(!present)('passes with zero issues, file by file, with the default context (ownerEmail optional, as on the server as shipped)', () => {
    const corpus = readCorpus();
    expect(corpus).toHaveLength(CORPUS_FILES);
    const problems = corpus.flatMap(({ file, def }) => validateWorkflowDefs([def]).map((i) => `${file}: ${i.severity} ${i.code} ${i.path}: ${i.message}`));
    expect(problems).toEqual([]);
  });

  it.skipIf(!present)('lacks ownerEmail in exactly the two files the corpus notes, and nothing else, when ownerEmail is required', () => {
    const problems = readCorpus().flatMap(({ file, def }) => validateWorkflowDefs([def], { requireOwnerEmail: true }).map((i) => `${file}: ${i.code}`));
    expect(problems).toEqual([
      'terminate_task_terminated_status_in_do_while_test.json: OWNER_EMAIL_MISSING',
      'terminate_task_terminated_status_test.json: OWNER_EMAIL_MISSING',
    ]);
  });
});
