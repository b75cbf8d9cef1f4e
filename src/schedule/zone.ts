import { closestName } from '../validate/closest-name.ts';

/** Canonical IANA names this Node.js lists, and `UTC`: the names suggestions are drawn from. */
export function knownZones(): readonly string[] {
  return ['UTC', ...Intl.supportedValuesOf('timeZone')];
}

/** True when this Node.js's time zone database (ICU's copy of IANA's) knows `zone`, links included. */
function intlKnows(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/**
 * Why `zone` cannot be a schedule's `zoneId`, or undefined when it can. conductor-oss 3.32.3
 * passes it to Java's `ZoneId.of`: every name of the IANA database is accepted there, links and
 * old names included (seen on the server: `Asia/Kolkata` and `Asia/Calcutta`, `Europe/Kyiv` and
 * `Europe/Kiev`, `US/Pacific`, `GMT`, `CET`, `EST5EDT`, `Etc/GMT+1` all saved), and a name it does
 * not know makes the save a 500. This accepts the names the IANA database of this Node.js knows
 * (not only the canonical ones: on Node 20 ICU lists `Asia/Calcutta` and leaves `Asia/Kolkata`
 * out of its canonical list, though it knows both). Offsets (`+01:00`), which Java also takes,
 * are refused: the fire times shown by `gen` are computed by zone name; use `Etc/GMT-1` (the sign
 * inverted, as IANA has it) or a region.
 */
export function zoneProblem(zone: string): string | undefined {
  if (zone === 'UTC' || (/^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(zone) && intlKnows(zone))) return undefined;
  const zones = knownZones();
  const near = closestName(zone, zones);
  const offset = /^(?:UTC|GMT|UT)?[+-]\d/.test(zone) ? ' An offset is not taken here: use a region, or Etc/GMT-1 for +01:00 (IANA inverts the sign).' : '';
  return `"${zone}" is not an IANA time zone name this checker knows${near === undefined ? '.' : `; did you mean "${near}"?`}${offset} Use a name such as "Europe/Berlin" or "UTC".`;
}
