const UNITS: readonly (readonly [RegExp, number])[] = [
  [/^(\d+)\s*(?:d|days?)$/i, 86_400],
  [/^(\d+)\s*(?:h|hrs?|hours?)$/i, 3_600],
  [/^(\d+)\s*(?:m|mins?|minutes?)$/i, 60],
  [/^(\d+)\s*(?:s|secs?|seconds?)$/i, 1],
];

/** Seconds in a WAIT duration such as `2d 3h 10m 5s` (the server's DateTimeUtils format). */
export function parseWaitDuration(text: string): number {
  const parts = text.trim().split(/\s+(?=\d)/);
  let total = 0;
  for (const part of parts) {
    const unit = UNITS.find(([pattern]) => pattern.test(part));
    if (unit === undefined) throw new Error(`WAIT duration "${text}" is not like "2d 3h 10m 5s"; fix the duration.`);
    total += Number((unit[0].exec(part) as RegExpExecArray)[1]) * unit[1];
  }
  return total;
}

/** Epoch milliseconds of a WAIT `until` (`yyyy-MM-dd HH:mm z`, `yyyy-MM-dd HH:mm` or `yyyy-MM-dd`, UTC unless a zone is given). */
export function parseWaitUntil(text: string): number {
  const match = /^(\d{4}-\d{2}-\d{2})(?:[ T](\d{2}:\d{2}))?(?:\s+(\S+))?$/.exec(text.trim());
  if (match === null) throw new Error(`WAIT until "${text}" is not like "2026-12-01 10:00 UTC"; fix the date.`);
  const zone = match[3] === undefined || /^(UTC|GMT|Z)$/i.test(match[3]) ? 'Z' : match[3];
  const time = Date.parse(`${match[1]}T${match[2] ?? '00:00'}:00${zone}`);
  if (Number.isNaN(time)) throw new Error(`WAIT until "${text}" has a zone this runner does not know; use UTC or an offset like +02:00.`);
  return time;
}
