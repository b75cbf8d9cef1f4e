/** Prints a table: a title line, a header, and one aligned row per item. */
export function printTable(title: string, header: readonly string[], rows: readonly (readonly (string | number)[])[]): void {
  const clip = (cell: string): string => (cell.length > 140 ? `${cell.slice(0, 137)}...` : cell);
  const cells = [header, ...rows].map((row) => row.map((cell) => clip(String(cell))));
  const widths = header.map((_, i) => Math.max(...cells.map((row) => (row[i] ?? '').length)));
  const line = (row: readonly string[]): string => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  ').trimEnd();
  console.log([`\n${title}`, line(cells[0] as string[]), line(widths.map((w) => '-'.repeat(w))), ...cells.slice(1).map(line)].join('\n'));
}

/** Prints a part's summary line: `conformance <part>: <text>`. */
export function printSummary(part: string, text: string): void {
  console.log(`conformance ${part}: ${text}`);
}
