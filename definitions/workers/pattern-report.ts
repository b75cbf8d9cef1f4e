import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { writeJsonAtomic } from '../services/fs-utils.ts';
import type { ArtifactStore, StoredArtifact } from '../services/artifact-store.ts';
import { generateTestReport } from '../tasks/pattern-tasks.ts';

/** Marks a JSON file as a pattern test report. */
export const REPORT_KIND = 'k1-pattern-test-report';

/**
 * The pattern test report file: generate_test_report's input as it was given (one contract, no
 * second field list), plus what the report adds. Later runs read `measured` and
 * `comparison.regression` of it as their baseline.
 */
export const patternReportSchema = generateTestReport.input.extend({
  kind: z.literal(REPORT_KIND),
  generated_at: z.string(),
  regression: z.boolean(),
  /** Markdown. */
  summary: z.string(),
});

export type PatternReport = z.infer<typeof patternReportSchema>;
type ReportInput = z.infer<typeof generateTestReport.input>;

const fmt = (x: number | null, unit = ''): string => (x === null ? 'n/a' : `${Number(x.toFixed(2))}${unit}`);
const pct = (x: number | null): string => (x === null ? 'n/a' : `${x > 0 ? '+' : ''}${x.toFixed(1)}%`);

/** The one-line verdict, e.g. "spectrum_bars: 58.2 fps (-3.1%), no regression". */
export function reportLine(input: ReportInput): string {
  const c = input.comparison;
  const change = c.baseline_found ? ` (${pct(c.fps_change_percent)})` : '';
  const verdict = !c.baseline_found ? 'no baseline' : c.regression ? `REGRESSION: ${c.regressions.join('; ')}` : 'no regression';
  return `${input.pattern_name}: ${input.measured.fps.toFixed(1)} fps${change}, ${verdict}`;
}

/** The Markdown summary kept in the report. */
export function reportMarkdown(input: ReportInput): string {
  const m = input.measured;
  const b = input.comparison.baseline;
  const rows = [
    ['fps', fmt(m.fps), fmt(b?.fps ?? null), pct(input.comparison.fps_change_percent)],
    ['avg render time (ms)', fmt(m.avg_render_time_ms), fmt(b?.avg_render_time_ms ?? null), pct(input.comparison.avg_render_time_change_percent)],
    ['max render time (ms)', fmt(m.max_render_time_ms), fmt(b?.max_render_time_ms ?? null), ''],
    ['audio latency (ms)', fmt(m.audio_latency_ms), fmt(b?.audio_latency_ms ?? null), ''],
    ['lowest free heap (B)', String(m.free_heap_bytes), b ? String(b.free_heap_bytes) : 'n/a', ''],
  ];
  const size = input.build_metrics;
  return [
    `# Pattern ${input.pattern_name}`,
    '',
    `**${reportLine(input)}**`,
    '',
    `Commit \`${input.commit_sha}\`, -${input.optimization_level}, ${input.environment}, device ${input.device_ip}, ${input.sample_count} samples.`,
    size.flash_percent !== undefined || size.ram_percent !== undefined ? `Flash ${fmt(size.flash_percent ?? null, '%')}, RAM ${fmt(size.ram_percent ?? null, '%')}, ${size.warning_count ?? 'n/a'} warnings.` : '',
    '',
    `| metric | measured | baseline${input.comparison.baseline_id ? ` (${input.comparison.baseline_id.slice(0, 12)})` : ''} | change |`,
    '|---|---|---|---|',
    ...rows.map((r) => `| ${r.join(' | ')} |`),
    '',
    input.comparison.summary,
    '',
  ].join('\n');
}

/** Writes the report JSON to `<workDir>/reports/`; returns its path and one-line verdict. */
export async function writePatternReport(workDir: string, input: ReportInput, now: Date): Promise<{ path: string; line: string }> {
  const report: PatternReport = {
    kind: REPORT_KIND,
    generated_at: now.toISOString(),
    ...input,
    regression: input.comparison.regression,
    summary: reportMarkdown(input),
  };
  const stamp = now.toISOString().replace(/[:.]/g, '-');
  const path = join(workDir, 'reports', `${input.pattern_name}-${input.commit_sha.slice(0, 12)}-${stamp}.json`);
  await writeJsonAtomic(path, report);
  return { path, line: reportLine(input) };
}

/** Reads a stored report; undefined when the file is not a pattern report. */
export async function readPatternReport(artifact: StoredArtifact): Promise<PatternReport | undefined> {
  try {
    const parsed = patternReportSchema.safeParse(JSON.parse(await readFile(artifact.path, 'utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** Most stored reports read when looking for the latest baseline. */
const BASELINE_SCAN_LIMIT = 50;

/** The newest stored report (by store time) of `pattern` on `environment` without a regression. */
export async function latestBaseline(store: Pick<ArtifactStore, 'list'>, pattern: string, environment: string): Promise<{ artifact: StoredArtifact; report: PatternReport } | undefined> {
  const candidates = (await store.list({ category: 'reports', environment })).filter((a) => a.version.startsWith(`${pattern}-`)).slice(0, BASELINE_SCAN_LIMIT);
  for (const artifact of candidates) {
    const report = await readPatternReport(artifact);
    if (report && report.pattern_name === pattern && !report.regression) return { artifact, report };
  }
  return undefined;
}
