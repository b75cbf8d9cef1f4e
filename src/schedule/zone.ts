import { closestName } from '../validate/closest-name.ts';

/** The zones a schedule may name: the canonical IANA names this Node.js knows, and `UTC` (the server's default). */
export function knownZones(): readonly string[] {
  return ['UTC', ...Intl.supportedValuesOf('timeZone')];
}

/**
 * Why `zone` cannot be a schedule's `zoneId`, or undefined when it can. conductor-oss 3.32.3
 * passes it to Java's `ZoneId.of`, and a name it does not know makes the save a 500; this accepts
 * only canonical IANA names (and `UTC`), so aliases (`Europe/Kiev`), offsets (`+01:00`) and
 * abbreviations (`CET`) are refused with the canonical name to use.
 */
export function zoneProblem(zone: string): string | undefined {
  const zones = knownZones();
  if (zones.includes(zone)) return undefined;
  const canonical = canonicalZone(zone);
  const near = canonical !== undefined && zones.includes(canonical) ? canonical : closestName(zone, zones);
  return `"${zone}" is not an IANA time zone name this checker knows${near === undefined ? '.' : `; did you mean "${near}"?`} Use a name such as "Europe/Berlin" or "UTC".`;
}

/** The canonical name Intl resolves an alias to (`Europe/Kiev` → `Europe/Kyiv`), when it knows it. */
function canonicalZone(zone: string): string | undefined {
  try {
    return new Intl.DateTimeFormat('en', { timeZone: zone }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}
