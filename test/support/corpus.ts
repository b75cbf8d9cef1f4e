import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { WorkflowDef } from '../../src/conductor-types.ts';

/** 76 workflow definitions from the conductor-oss server's own integration tests, read in place. */
export const CORPUS_DIR = fileURLToPath(new URL('../../../shared/corpus/conductor-oss/test-harness/', import.meta.url));
/** How many definitions the corpus holds. */
export const CORPUS_FILES = 76;
/** Whether the corpus is beside this checkout (a user's fresh clone has none). */
export const corpusPresent = existsSync(CORPUS_DIR);
/** CI sets K1_REQUIRE_CORPUS=1: there a missing corpus fails instead of skipping. */
export const corpusRequired = process.env.K1_REQUIRE_CORPUS === '1';
/** True when corpus tests should be skipped (and say so). */
export const skipCorpus = !corpusPresent && !corpusRequired;

if (skipCorpus) {
  console.warn(`corpus tests skipped: ${CORPUS_DIR} does not exist (set K1_REQUIRE_CORPUS=1 to make this a failure).`);
}

/** Every corpus definition with its file name, in file-name order. */
export function readCorpus(): { file: string; def: WorkflowDef }[] {
  return readdirSync(CORPUS_DIR)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => ({ file, def: JSON.parse(readFileSync(join(CORPUS_DIR, file), 'utf8')) as WorkflowDef }));
}
