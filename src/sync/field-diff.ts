/** One field that differs between the generated definition and the server's copy. */
export interface FieldDiff {
  /** Dotted path, e.g. `tasks[2].inputParameters.environment` or `timeoutSeconds`. */
  readonly path: string;
  /** Value in generated/ (undefined: not there). */
  readonly local: unknown;
  /** Value on the server (undefined: not there). */
  readonly remote: unknown;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function join(path: string, key: string | number): string {
  return typeof key === 'number' ? `${path}[${key}]` : path === '' ? key : `${path}.${key}`;
}

/** The leaf fields where two JSON values differ, objects by key and lists by position. */
export function fieldDiffs(local: unknown, remote: unknown, path = ''): FieldDiff[] {
  if (isObject(local) && isObject(remote)) {
    const keys = [...new Set([...Object.keys(local), ...Object.keys(remote)])].sort();
    return keys.flatMap((key) => fieldDiffs(local[key], remote[key], join(path, key)));
  }
  if (Array.isArray(local) && Array.isArray(remote)) {
    const length = Math.max(local.length, remote.length);
    return Array.from({ length }, (_, i) => fieldDiffs(local[i], remote[i], join(path, i))).flat();
  }
  return JSON.stringify(local) === JSON.stringify(remote) ? [] : [{ path: path === '' ? '(whole definition)' : path, local, remote }];
}
