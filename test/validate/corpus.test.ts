import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { WorkflowDef } from '../../src/conductor-types.ts';
import { validateWorkflowDefs } from '../../src/validate/index.ts';

/** 76 workflow definitions from the conductor-oss server's own integration tests, read in place. */
const CORPUS_DIR = fileURLToPath(new URL('../../../shared/corpus/conductor-oss/test-harness/', import.meta.url));
const CORPUS_FILES = 76;
const present = existsSync(CORPUS_DIR);
const required = process.env.K1_REQUIRE_CORPUS === '1';

if (!present && !required) {
  console.warn(`corpus test skipped: ${CORPUS_DIR} does not exist (set K1_REQUIRE_CORPUS=1 to make this a failure).`);
}

function readCorpus(): { file: string; def: WorkflowDef }[] {
  return readdirSync(CORPUS_DIR)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => ({ file, def: JSON.parse(readFileSync(join(CORPUS_DIR, file), 'utf8')) as WorkflowDef }));
}

describe.skipIf(!present && !required)('the conductor-oss test-harness corpus', () => {
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
