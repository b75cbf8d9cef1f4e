/**
 * Keys that lead a definition object (one with a `name`), in this order, so generated files read
 * top-down; all other keys, and every key of other objects, are sorted.
 */
const LEADING_KEYS = ['name', 'taskReferenceName', 'type', 'description', 'version'];

function keyRank(key: string): number {
  const i = LEADING_KEYS.indexOf(key);
  return i === -1 ? LEADING_KEYS.length : i;
}

function compareKeys(a: string, b: string): number {
  return keyRank(a) - keyRank(b) || byCodeUnit(a, b);
}

function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  const keys = Object.keys(value);
  for (const key of keys.sort(keys.includes('name') ? compareKeys : byCodeUnit)) {
    const item = (value as Record<string, unknown>)[key];
    if (item !== undefined) out[key] = canonical(item);
  }
  return out;
}

/**
 * Serialises JSON canonically: stable key order (a few leading keys, then sorted), arrays in
 * their given order, two-space indent, a final newline. Equal values give identical bytes.
 */
export function canonicalJson(value: unknown): string {
  return `${JSON.stringify(canonical(value), null, 2)}\n`;
}
