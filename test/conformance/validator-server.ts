/**
 * Part 3's oracle: what the real server says about one WorkflowDef, through its validation
 * endpoint and through a register under a throw-away name (removed again right after).
 */

/** One answer of the server: the HTTP status and what it said. */
export interface ServerAnswer {
  readonly status: number;
  /** The message, with the validation errors' messages when there are any. */
  readonly message: string;
}

/** What the server said about one definition. */
export interface ServerVerdict {
  /** `POST /api/metadata/workflow/validate`. */
  readonly validate: ServerAnswer;
  /**
   * `POST /api/metadata/workflow` under a throw-away name; undefined when the definition's name is
   * neither text nor missing (renaming it would change what is tested).
   */
  readonly register: ServerAnswer | undefined;
}

interface ErrorBody {
  readonly message?: string;
  readonly validationErrors?: readonly { readonly path?: string; readonly message?: string }[];
}

async function post(url: string, body: unknown): Promise<ServerAnswer> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const text = await response.text();
  if (response.ok) return { status: response.status, message: '' };
  try {
    const error = JSON.parse(text) as ErrorBody;
    const details = (error.validationErrors ?? []).map((e) => e.message ?? '').filter((m) => m !== '');
    return { status: response.status, message: [error.message ?? '', ...details].join(' | ') };
  } catch {
    return { status: response.status, message: text.slice(0, 200) };
  }
}

/**
 * A name only this run uses, derived from the definition's own so that what the name holds
 * (characters outside the name pattern, spaces) is still what the server sees. Blank and missing
 * names are kept: the server must refuse them as they are.
 */
function throwAwayName(prefix: string, name: string | undefined | null): string | undefined | null {
  return typeof name === 'string' && name.trim() !== '' ? `${prefix}${name}` : name;
}

/**
 * Asks the server about `def` both ways (only the validation endpoint when its name is not text).
 * A definition that registers is deleted again (the version read back, since the server coerces
 * "3" and 1.5 to whole numbers).
 * @param prefix unique to this run and definition, e.g. `k1c3-lx2a-17-`; names registered are `prefix + name`.
 */
export async function askServer(baseUrl: string, def: unknown, prefix: string): Promise<ServerVerdict> {
  const api = `${baseUrl}/api/metadata/workflow`;
  const validate = await post(`${api}/validate`, def);
  const isObject = typeof def === 'object' && def !== null && !Array.isArray(def);
  const given = isObject ? (def as Record<string, unknown>).name : undefined;
  if (given !== undefined && given !== null && typeof given !== 'string') return { validate, register: undefined };
  const name = throwAwayName(prefix, given);
  const register = await post(api, isObject ? { ...def, name } : def);
  if (register.status === 200 && typeof name === 'string') await unregister(api, name);
  return { validate, register };
}

async function unregister(api: string, name: string): Promise<void> {
  const path = `${api}/${encodeURIComponent(name)}`;
  for (const version of await storedVersions(api, name)) {
    const removed = await fetch(`${path}/${version}`, { method: 'DELETE' });
    if (!removed.ok) throw new Error(`registered ${JSON.stringify(name)} v${version} but cannot delete it (${removed.status})`);
  }
}

/** The versions stored under `name`: the latest as read back, or (for a negative version, which reads back as 404) from the list of all. */
async function storedVersions(api: string, name: string): Promise<number[]> {
  const latest = await fetch(`${api}/${encodeURIComponent(name)}`);
  if (latest.ok) return [((await latest.json()) as { version: number }).version];
  const all = (await (await fetch(`${api}/names-and-versions`)).json()) as Record<string, readonly { version: number }[]>;
  const versions = (all[name] ?? []).map((v) => v.version);
  if (versions.length === 0) throw new Error(`registered ${JSON.stringify(name)} but cannot find it on the server (${latest.status}); remove it by hand`);
  return versions;
}

/** Runs `work` over `items` with at most `limit` in flight, keeping the order of results. */
export async function inPool<T, R>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
