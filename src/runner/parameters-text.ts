/**
 * How the server turns a resolved value into text when it is interpolated into a string:
 * ParametersUtils calls `Objects.toString(value)` on what Jayway returned.
 */

/**
 * `Objects.toString` of a value as Jackson deserialised it (LinkedHashMap, ArrayList, Integer,
 * Double, String): `{a=1, b=[x, y]}`, `[1, 2]`, strings without quotes, null as `null`.
 * @example javaToString({ a: [1, 'x'] }) // → '{a=[1, x]}'
 */
export function javaToString(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return javaNumber(value);
  if (Array.isArray(value)) return `[${value.map(javaToString).join(', ')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value).map(([key, item]) => `${key}=${javaToString(item)}`);
    return `{${entries.join(', ')}}`;
  }
  return String(value);
}

/**
 * `toString` of the list Jayway returns for an indefinite path: a json-smart `JSONArray`, whose
 * `toString` is compact JSON with json-smart's default (web-safe) escaping.
 * @example jsonSmartToString(['a/b', { x: 1 }]) // → '["a\\/b",{"x":1}]'
 */
export function jsonSmartToString(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return `"${escapeForWeb(value)}"`;
  if (typeof value === 'number') return javaNumber(value);
  if (Array.isArray(value)) return `[${value.map(jsonSmartToString).join(',')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value).map(([key, item]) => `"${escapeForWeb(key)}":${jsonSmartToString(item)}`);
    return `{${entries.join(',')}}`;
  }
  return String(value);
}

/**
 * Jackson reads `1` as an Integer and `1.5` as a Double, whose `toString` switches to
 * `1.5E-4` style outside [10^-3, 10^7). JSON numbers carry no int/double mark once parsed in
 * JavaScript, so integral values print as integers (a Double `1.0` prints as `1` here).
 */
function javaNumber(value: number): string {
  const magnitude = Math.abs(value);
  if (Number.isInteger(value) && magnitude < 1e21) return String(value);
  if (magnitude >= 1e-3 && magnitude < 1e7) return String(value);
  const [mantissa = '', exponent = ''] = value.toExponential().split('e');
  return `${mantissa.includes('.') ? mantissa : `${mantissa}.0`}E${Number(exponent)}`;
}

/** json-smart's `JStylerObj.ESCAPE4Web`. */
function escapeForWeb(text: string): string {
  return text.replace(/["\\/\b\f\n\r\t\u0000-\u001f\u007f-\u009f\u2000-\u20ff]/g, (char) => {
    const short = SHORT_ESCAPES[char];
    if (short !== undefined) return short;
    return `\\u${char.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
  });
}

const SHORT_ESCAPES: Readonly<Record<string, string>> = {
  '"': '\\"',
  '\\': '\\\\',
  '/': '\\/',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
};

/** Java's `String.hashCode`, as a 32-bit unsigned number. */
function javaStringHash(text: string): number {
  let hash = 0;
  for (let i = 0; i < text.length; i++) hash = (Math.imul(31, hash) + text.charCodeAt(i)) >>> 0;
  return hash;
}

/**
 * The keys of `map` in the order a `java.util.HashMap` holding them iterates (a table of 16
 * buckets, doubled while more than 3/4 full; by bucket, then in insertion order), for messages the
 * server builds from a HashMap's `toString` (a DYNAMIC task's input, `DynamicTaskMapper`).
 * @example javaToString(inHashMapOrder({ device: 'd1', taskToExecute: null })) // → '{taskToExecute=null, device=d1}'
 */
export function inHashMapOrder(map: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const keys = Object.keys(map);
  let buckets = 16;
  while (keys.length > buckets * 0.75) buckets *= 2;
  const bucketOf = (key: string): number => {
    const hash = javaStringHash(key);
    return ((hash ^ (hash >>> 16)) >>> 0) & (buckets - 1);
  };
  const ordered = keys.map((key, i) => ({ key, bucket: bucketOf(key), i })).sort((a, b) => a.bucket - b.bucket || a.i - b.i);
  return Object.fromEntries(ordered.map(({ key }) => [key, map[key]]));
}
