/**
 * Part 3, validator vs server: every corpus file, every generated workflow and the mutants made
 * from them (validator-mutations.ts) go to the real server (its validation endpoint, and a
 * register under a throw-away name) and through `validateEachWorkflowDef`. The validator must
 * refuse (an issue of severity error) everything the server refuses, and refuse nothing it
 * registers except by rules the allowlist names as deliberately stricter. Warnings are not
 * refusals.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DefinitionIssue } from '../../src/issues.ts';
import { readGenerated } from '../../src/gen/read-generated.ts';
import { validateEachWorkflowDef } from '../../src/validate/index.ts';
import { corpusPresent, readCorpus } from '../support/corpus.ts';
import { judge, verdictProblems, type Disagreement } from './allowlist.ts';
import { printSummary, printTable } from './report.ts';
import { conductorUrl } from './support.ts';
import { mutantsOf, MUTATION_KINDS } from './validator-mutations.ts';
import { askServer, inPool, type ServerVerdict } from './validator-server.ts';

type Source = 'corpus' | 'generated' | 'mutation';

/** One definition to judge. */
interface Case {
  readonly source: Source;
  /** The corpus or generated file, or the mutation kind. */
  readonly kind: string;
  /** Where it comes from: the file, or `<file> @ <task location>` for a mutant. */
  readonly where: string;
  /** For a mutant, the kind of place of the mutated task (`tasks>loopOver`) or `workflow`; else `-`. */
  readonly place: string;
  readonly def: Record<string, unknown>;
}

/** A judged case. */
interface Judged extends Case {
  readonly server: ServerVerdict;
  readonly serverRefuses: boolean;
  readonly errors: readonly DefinitionIssue[];
}

const MIN_MUTANTS = 300;
const RUN = `k1c3-${Date.now().toString(36)}`;
let judged: Judged[] = [];
const disagreements: Disagreement[] = [];

/** A refusal is an issue that is not a warning (issues from before severities existed count as errors). */
const isError = (issue: DefinitionIssue): boolean => (issue as { severity?: string }).severity !== 'warning';

function cases(generated: readonly Record<string, unknown>[]): Case[] {
  const corpus = corpusPresent ? readCorpus().map(({ file, def }) => ({ file, def: def as unknown as Record<string, unknown> })) : [];
  if (!corpusPresent) console.warn('part 3: the corpus is absent (../shared/corpus); judging generated definitions and their mutants only');
  const originals: Case[] = [
    ...corpus.map(({ file, def }): Case => ({ source: 'corpus', kind: file, where: file, place: '-', def })),
    ...generated.map((def): Case => {
      const file = `${String(def.name)}.v${String(def.version)}.json`;
      return { source: 'generated', kind: file, where: file, place: '-', def };
    }),
  ];
  // One mutant per signature and source (corpus or generated): the same kind on the same type of
  // task in the same place tests the same server rule.
  const signatures = new Set<string>();
  const mutants = originals.flatMap((original) =>
    mutantsOf(original.where, original.def).flatMap((m): Case[] => {
      const signature = `${original.source} ${m.signature}`;
      if (signatures.has(signature)) return [];
      signatures.add(signature);
      return [{ source: 'mutation', kind: m.kind, where: m.where, place: m.place, def: m.def }];
    }),
  );
  return [...originals, ...mutants];
}

beforeAll(async () => {
  const url = conductorUrl();
  const { workflows } = await readGenerated('generated');
  const all = cases(workflows as unknown as Record<string, unknown>[]);
  const started = Date.now();
  judged = await inPool(all, 4, async (c, i): Promise<Judged> => {
    const server = await askServer(url, c.def, `${RUN}-${i}-`);
    const errors = (validateEachWorkflowDef([c.def])[0] ?? []).filter(isError);
    // The server's answer is the register's; where no register was tried, the validation endpoint's.
    return { ...c, server, serverRefuses: (server.register ?? server.validate).status !== 200, errors };
  });
  console.log(`part 3: ${all.length} definitions judged by the server in ${((Date.now() - started) / 1000).toFixed(1)} s`);
});

afterAll(() => {
  report();
});

/** Prints the confusion matrices, the off-diagonal cells by kind, and where the two endpoints differ. */
function report(): void {
  const sources: (Source | 'total')[] = ['corpus', 'generated', 'mutation', 'total'];
  const cell = (rows: readonly Judged[], server: boolean, validator: boolean): Judged[] => rows.filter((j) => j.serverRefuses === server && j.errors.length > 0 === validator);
  const matrix = sources.map((source) => {
    const rows = source === 'total' ? judged : judged.filter((j) => j.source === source);
    return [source, rows.length, cell(rows, true, true).length, cell(rows, true, false).length, cell(rows, false, true).length, cell(rows, false, false).length];
  });
  printTable('Part 3: validator vs server (server refuses/accepts × validator refuses/accepts)', ['source', 'definitions', 'both refuse', 'MISS: server refuses, validator accepts', 'validator-only refusal', 'both accept'], matrix);

  const offDiagonal = new Map<string, { count: number; example: Judged }>();
  for (const j of judged) {
    if (j.serverRefuses === j.errors.length > 0) continue;
    const key = `${j.serverRefuses ? 'MISS' : 'validator-only'}\u0000${j.source}\u0000${j.kind}\u0000${j.place}`;
    const seen = offDiagonal.get(key);
    offDiagonal.set(key, { count: (seen?.count ?? 0) + 1, example: seen?.example ?? j });
  }
  printTable(
    'Part 3: off-diagonal cells by kind and place (one example each)',
    ['cell', 'source', 'kind', 'place', 'n', 'example', 'server said / validator errors'],
    [...offDiagonal.entries()].map(([key, { count, example }]) => {
      const [cellName = '', source = '', kind = '', place = ''] = key.split('\u0000');
      const answer = example.server.register ?? example.server.validate;
      const said = example.serverRefuses ? `${answer.status} ${answer.message}` : [...new Set(example.errors.map((e) => e.code))].join(', ');
      return [cellName, source, kind, place, count, example.where, said.replace(/\s+/g, ' ')];
    }),
  );

  const endpointsDiffer = judged.filter((j) => j.server.register !== undefined && j.server.validate.status === 200 !== (j.server.register.status === 200));
  printTable(
    'Part 3: where /workflow/validate and a register answer differently',
    ['kind', 'where', 'validate', 'register'],
    endpointsDiffer.map((j) => [j.kind, j.where, `${j.server.validate.status} ${j.server.validate.message}`, `${j.server.register?.status ?? ''} ${j.server.register?.message ?? ''}`]),
  );

  const total = matrix[matrix.length - 1] ?? [];
  const verdict = judge('validator', disagreements);
  const mutantKinds = new Set(judged.filter((j) => j.source === 'mutation').map((j) => j.kind)).size;
  printSummary(
    'validator',
    `${judged.length} definitions (${judged.filter((j) => j.source === 'mutation').length} mutants of ${mutantKinds} kinds): ${String(total[3])} misses, ${String(total[4])} validator-only refusals (${verdict.allowed.length} disagreements allowlisted, ${verdict.unlisted.length} unlisted); validate and register differ on ${endpointsDiffer.length}`,
  );
}

describe('part 3: validator vs server', () => {
  it(`judges every corpus file, every generated workflow and at least ${MIN_MUTANTS} mutants of ${MUTATION_KINDS.length} kinds`, () => {
    const mutants = judged.filter((j) => j.source === 'mutation');
    expect(mutants.length).toBeGreaterThanOrEqual(MIN_MUTANTS);
    expect(judged.filter((j) => j.source === 'generated').length).toBeGreaterThan(0);
    // Every kind of mutation fits somewhere, or the table holds a kind that tests nothing.
    expect(MUTATION_KINDS.map((k) => k.kind).filter((kind) => !mutants.some((m) => m.kind === kind))).toEqual([]);
  });

  it('the server registers every corpus file and every generated workflow as they are', () => {
    const refused = judged.filter((j) => j.source !== 'mutation' && j.serverRefuses).map((j) => `${j.where}: ${(j.server.register ?? j.server.validate).message}`);
    expect(refused).toEqual([]);
  });

  it('the validator refuses everything the server refuses, and only that, outside the allowlist', () => {
    for (const j of judged) {
      if (j.serverRefuses && j.errors.length === 0) {
        const answer = j.server.register ?? j.server.validate;
        disagreements.push({ key: `miss ${j.kind} ${j.where}`, detail: `server ${answer.status} ${answer.message}; the validator has no error` });
      }
      if (!j.serverRefuses) {
        for (const code of new Set(j.errors.map((e) => e.code))) {
          const issue = j.errors.find((e) => e.code === code) as DefinitionIssue;
          disagreements.push({ key: `validator-only ${code} ${j.kind} ${j.where}`, detail: `the server registers it; the validator says ${issue.path}: ${issue.message}` });
        }
      }
    }
    expect(verdictProblems('validator', judge('validator', disagreements))).toEqual([]);
  });
});
