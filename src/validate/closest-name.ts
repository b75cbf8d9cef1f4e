/** "Did you mean": the known name nearest to a misspelt one, for the fixes issue messages suggest. */

/** Edit distance (insertions, deletions, substitutions, each 1) between two texts. */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min((previous[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = row;
  }
  return previous[b.length] ?? 0;
}

/**
 * The name among `known` closest to `name` (case ignored), when it is close enough to be a likely
 * typo: at most a third of the longer name's letters differ (and at least 2 may). Undefined when
 * none is.
 * @example closestName('temperatur_ok', ['temperature_ok', 'humidity']) // → 'temperature_ok'
 */
export function closestName(name: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const d = distance(name.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance && d <= Math.max(2, Math.floor(Math.max(name.length, candidate.length) / 3))) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}
