/** "Did you mean": the known name nearest to a misspelt one, for the fixes issue messages suggest. */

/** Edit distance (insertions, deletions, substitutions and swaps of neighbours, each 1) between two texts. */
function distance(a: string, b: string): number {
  const rows: number[][] = [Array.from({ length: b.length + 1 }, (_, j) => j)];
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const above = rows[i - 1] as number[];
      let d = Math.min((above[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (above[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, ((rows[i - 2] as number[])[j - 2] ?? 0) + 1);
      row[j] = d;
    }
    rows.push(row);
  }
  return (rows[a.length] as number[])[b.length] ?? 0;
}

/**
 * The name among `known` closest to `name` (case ignored), when it is close enough to be a likely
 * typo: at most a third of the longer name's letters differ (at least one may). Undefined when
 * none is.
 * @example closestName('temperatur_ok', ['temperature_ok', 'humidity']) // → 'temperature_ok'
 */
export function closestName(name: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const d = distance(name.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance && d <= Math.max(1, Math.floor(Math.max(name.length, candidate.length) / 3))) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}
