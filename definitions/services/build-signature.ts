const HEX_RUN = /[0-9a-f]{7,64}/gi;

/**
 * True when a build signature a device reports names the expected commit. The signature holds the
 * commit somewhere (e.g. "K1.node1 a1b2c3d 2025-01-10"); either side may be abbreviated, so a hex
 * run of 7+ digits matches when one is a prefix of the other. A non-hex expectation must appear
 * verbatim (case-insensitive).
 */
export function signatureMatches(reported: string, expected: string): boolean {
  const want = expected.trim().toLowerCase();
  if (want === '') return false;
  const have = reported.toLowerCase();
  if (!/^[0-9a-f]{7,64}$/.test(want)) return have.includes(want);
  return (have.match(HEX_RUN) ?? []).some((run) => run.startsWith(want) || want.startsWith(run));
}

/** True when two version labels name the same commit (one may be abbreviated). */
export function sameCommit(a: string, b: string): boolean {
  const x = a.trim().toLowerCase();
  const y = b.trim().toLowerCase();
  if (x === y) return true;
  const hex = /^[0-9a-f]{7,64}$/;
  return hex.test(x) && hex.test(y) && (x.startsWith(y) || y.startsWith(x));
}
