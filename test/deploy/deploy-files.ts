/**
 * Reading deploy/ the way its consumers do, for the tests: YAML strictly (a duplicate key is an
 * error, as it is for Prometheus), `.env` files, and Compose's `${VAR}` interpolation.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, posix, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDocument } from 'yaml';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const DEPLOY = join(ROOT, 'deploy');
export const COMPOSE_FILE = join(DEPLOY, 'docker-compose.yml');
export const ENV_EXAMPLE = join(DEPLOY, '.env.example');

/** Parses YAML strictly: any error or warning (duplicate keys included) throws, naming the file. */
export function parseYamlStrict(text: string, name = 'YAML'): unknown {
  const doc = parseDocument(text, { uniqueKeys: true, strict: true, prettyErrors: true });
  const problems = [...doc.errors, ...doc.warnings].map((e) => e.message);
  if (problems.length > 0) throw new Error(`${name} is not valid YAML:\n${problems.join('\n')}`);
  return doc.toJS({ maxAliasCount: 100 }) as unknown;
}

export function readYaml(path: string): unknown {
  return parseYamlStrict(readFileSync(path, 'utf8'), relative(ROOT, path));
}

export function readJson(path: string): unknown {
  return JSON.parse(readFileSync(path, 'utf8')) as unknown;
}

/** Every file under `dir` whose name ends with one of `extensions` (with the dot), sorted. */
export function listFiles(dir: string, extensions: readonly string[]): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listFiles(path, extensions));
    else if (extensions.some((ext) => entry.name.endsWith(ext))) out.push(path);
  }
  return out.sort();
}

export const exists = (path: string): boolean => {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
};

export const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** A record, or a test failure naming what was expected. */
export function record(value: unknown, what: string): Record<string, unknown> {
  if (!isRecord(value)) throw new Error(`${what} must be a mapping, got ${JSON.stringify(value)}`);
  return value;
}

/** `KEY=value` lines of a .env file (comments and blank lines skipped); throws on a bad line or a duplicate. */
export function parseEnvFile(text: string, name = '.env'): Map<string, string> {
  const env = new Map<string, string>();
  text.split('\n').forEach((line, i) => {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const match = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(trimmed);
    if (match === null) throw new Error(`${name}:${i + 1}: not KEY=value: ${line}`);
    const [, key, value] = match as unknown as [string, string, string];
    if (env.has(key)) throw new Error(`${name}:${i + 1}: ${key} is set twice`);
    env.set(key, value);
  });
  return env;
}

/** One `${NAME...}` or `$NAME` in a Compose value. */
export interface VariableUse {
  readonly name: string;
  /** '' for a bare `${NAME}`, else one of `:-`, `-`, `:?`, `?`, `:+`, `+`. */
  readonly operator: string;
  /** The default, error message or alternative after the operator. */
  readonly argument: string;
}

const VARIABLE = /\$(?:\$|\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*)|(.?))/g;

/** The variables a Compose string uses; throws on a `$` Compose would reject (write `$$` for a literal one). */
export function variablesIn(value: string): VariableUse[] {
  const uses: VariableUse[] = [];
  for (const m of value.matchAll(VARIABLE)) {
    if (m[0] === '$$') continue;
    if (m[5] !== undefined) throw new Error(`invalid interpolation in ${JSON.stringify(value)} at «${m[0]}»: write $$ for a literal $`);
    const name = m[1] ?? m[4];
    if (name !== undefined) uses.push({ name, operator: m[2] ?? '', argument: m[3] ?? '' });
  }
  return uses;
}

/** Every string inside a parsed YAML value. */
export function stringsIn(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(stringsIn);
  if (isRecord(value)) return [...Object.keys(value), ...Object.values(value).flatMap(stringsIn)];
  return [];
}

/** The result of interpolating with an environment, and the required variables (`:?`, `?`) it left unset. */
export interface Interpolation<T> {
  readonly value: T;
  readonly unsetRequired: readonly string[];
}

/** Compose's interpolation of one string with `env`. */
export function interpolateString(value: string, env: ReadonlyMap<string, string>): Interpolation<string> {
  const unsetRequired: string[] = [];
  const out = value.replace(VARIABLE, (whole, braced: string | undefined, operator: string | undefined, argument: string | undefined, bare: string | undefined) => {
    if (whole === '$$') return '$';
    const name = braced ?? bare;
    if (name === undefined) throw new Error(`invalid interpolation in ${JSON.stringify(value)}`);
    const current = env.get(name);
    const set = current !== undefined;
    const nonEmpty = set && current !== '';
    switch (operator ?? '') {
      case ':-':
        return nonEmpty ? current : (argument ?? '');
      case '-':
        return set ? current : (argument ?? '');
      case ':?':
        if (!nonEmpty) unsetRequired.push(name);
        return current ?? '';
      case '?':
        if (!set) unsetRequired.push(name);
        return current ?? '';
      case ':+':
        return nonEmpty ? (argument ?? '') : '';
      case '+':
        return set ? (argument ?? '') : '';
      default:
        return current ?? '';
    }
  });
  return { value: out, unsetRequired };
}

/** Compose's interpolation of a whole parsed file (values only, as Compose does). */
export function interpolate(value: unknown, env: ReadonlyMap<string, string>): Interpolation<unknown> {
  const unset: string[] = [];
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') {
      const r = interpolateString(v, env);
      unset.push(...r.unsetRequired);
      return r.value;
    }
    if (Array.isArray(v)) return v.map(walk);
    if (isRecord(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return { value: walk(value), unsetRequired: [...new Set(unset)] };
}

/** A Prometheus duration (`1m`, `1h30m`, `500ms`, `0s`...). */
export const PROMETHEUS_DURATION = /^(?!$)(\d+y)?(\d+w)?(\d+d)?(\d+h)?(\d+m)?(\d+s)?(\d+ms)?$/;
/** A Compose duration (Go's format: `10s`, `1m30s`, `1.5s`). */
export const COMPOSE_DURATION = /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/;

/** A Compose service, as the tests read it. */
export interface ComposeService {
  readonly image?: string;
  readonly build?: unknown;
  readonly command?: unknown;
  readonly environment?: Record<string, unknown>;
  readonly volumes?: unknown[];
  readonly ports?: unknown[];
  readonly expose?: unknown[];
  readonly depends_on?: unknown;
  readonly healthcheck?: Record<string, unknown>;
  readonly [key: string]: unknown;
}

export function composeServices(compose: unknown): Record<string, ComposeService> {
  const services = record(record(compose, 'the compose file').services, 'services');
  return Object.fromEntries(Object.entries(services).map(([name, s]) => [name, record(s, `service ${name}`) as ComposeService]));
}

/** A service's environment as strings (map or list form). */
export function environmentOf(service: ComposeService): Record<string, string> {
  const env = service.environment;
  if (env === undefined) return {};
  if (Array.isArray(env)) {
    return Object.fromEntries(
      env.map((entry) => {
        const [key, ...rest] = String(entry).split('=');
        return [key, rest.join('=')];
      }),
    );
  }
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v === null || v === undefined ? '' : String(v)]));
}

/** A service's volume mounts: source (host path relative to deploy/, or volume name), target, whether a bind. */
export interface Mount {
  readonly source: string;
  readonly target: string;
  readonly bind: boolean;
}

export function mountsOf(service: ComposeService): Mount[] {
  return (service.volumes ?? []).map((v) => {
    if (typeof v === 'string') {
      const [source = '', target = ''] = v.split(':');
      return { source, target, bind: source.startsWith('.') || source.startsWith('/') || source.startsWith('$') };
    }
    const long = record(v, 'a volume');
    return { source: String(long.source ?? ''), target: String(long.target ?? ''), bind: long.type === 'bind' };
  });
}

/** Maps a path inside a service's container to the file in deploy/ that a bind mount puts there. */
export function hostPathFor(service: ComposeService, containerPath: string): string | undefined {
  for (const mount of mountsOf(service)) {
    if (!mount.bind || mount.source.startsWith('$')) continue;
    const rest = containerPath === mount.target ? '' : containerPath.startsWith(`${mount.target}/`) ? containerPath.slice(mount.target.length + 1) : undefined;
    if (rest !== undefined) return resolve(DEPLOY, mount.source, rest);
  }
  return undefined;
}

/** The ports a service listens on inside the network: `expose`, and the container side of `ports`. */
export function containerPortsOf(service: ComposeService): number[] {
  const ports = (service.expose ?? []).map((p) => Number(p));
  for (const p of service.ports ?? []) {
    const parts = String(p).split(':');
    ports.push(Number(parts[parts.length - 1]));
  }
  return [...new Set(ports)];
}

/** `host:port` of a URL or target. */
export function hostAndPort(target: string): { host: string; port: number } {
  const url = new URL(target.includes('://') ? target : `http://${target}`);
  return { host: url.hostname, port: Number(url.port || (url.protocol === 'https:' ? 443 : 80)) };
}

/** The key=value lines of a Java properties file (comments and blank lines skipped), in order. */
export function readProperties(path: string): Map<string, string> {
  return new Map(
    readFileSync(path, 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '' && !l.trim().startsWith('#'))
      .map((l) => {
        const at = l.indexOf('=');
        return [l.slice(0, at).trim(), l.slice(at + 1).trim()] as const;
      }),
  );
}

/** A Markdown heading's GitHub anchor. */
export function anchorOf(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/** The anchors of every heading of a Markdown file. */
export function markdownAnchors(text: string): Set<string> {
  return new Set(
    text
      .split('\n')
      .filter((line) => /^#{1,6}\s/.test(line))
      .map((line) => anchorOf(line.replace(/^#{1,6}\s+/, ''))),
  );
}

export const posixRelative = (path: string): string => relative(ROOT, path).split('\\').join(posix.sep);
