/**
 * deploy/docker-compose.yml without Docker: what `docker compose config` would reject, and what
 * would only fail once running (a dependency without a healthcheck, a variable the workers do not
 * read, a secret written in the file, a port nobody listens on).
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { clusterProperties } from '../../src/conductor/cluster-properties.ts';
import { CONDUCTOR_VERSION } from '../../src/conductor/version.ts';
import { parseWebhookEnv } from '../../definitions/webhook-env.ts';
import { parseWorkerEnv, WORKER_ENV_VARIABLES } from '../../src/worker/worker-env.ts';
import { k1WorkerSettings } from '../../definitions/workers/k1-settings.ts';
import {
  COMPOSE_DURATION,
  COMPOSE_FILE,
  composeServices,
  containerPortsOf,
  DEPLOY,
  ENV_EXAMPLE,
  environmentOf,
  exists,
  hostAndPort,
  interpolate,
  isRecord,
  listFiles,
  mountsOf,
  parseEnvFile,
  parseYamlStrict,
  readJson,
  readProperties,
  readYaml,
  record,
  ROOT,
  stringsIn,
  variablesIn,
  type ComposeService,
} from './deploy-files.ts';

const compose = readYaml(COMPOSE_FILE);
const services = composeServices(compose);
const envExample = parseEnvFile(readFileSync(ENV_EXAMPLE, 'utf8'), 'deploy/.env.example');
const uses = stringsIn(compose).flatMap(variablesIn);
/** Secrets: environment keys whose values must come from deploy/.env. */
const SECRET_KEY = /(PASSWORD|SECRET|TOKEN|CREDENTIALS|_KEY)$|_KEY_/;

/** The compose file as Compose sees it with `env` (the example's values, placeholders filled in). */
function resolvedWith(env: ReadonlyMap<string, string>): Record<string, ComposeService> {
  return composeServices(interpolate(compose, env).value);
}

/** The example's values, with the required values the user must fill in given placeholders. */
const filledEnv = new Map([...envExample].map(([k, v]) => [k, v === '' && uses.some((u) => u.name === k && u.operator.endsWith('?')) ? `placeholder-${k.toLowerCase()}` : v]));
const resolved = resolvedWith(filledEnv);

const dependenciesOf = (service: ComposeService): Record<string, Record<string, unknown>> => {
  const deps = service.depends_on;
  if (deps === undefined) return {};
  if (Array.isArray(deps)) return Object.fromEntries(deps.map((d) => [String(d), {}]));
  return Object.fromEntries(Object.entries(record(deps, 'depends_on')).map(([k, v]) => [k, record(v, `depends_on.${k}`)]));
};

describe('every file under deploy/ parses', () => {
  const files = listFiles(DEPLOY, ['.yml', '.yaml', '.json']);

  it('finds the compose file, the Prometheus and Grafana configs and the dashboards', () => {
    expect(files.map((f) => f.slice(DEPLOY.length + 1)).sort()).toEqual(
      expect.arrayContaining(['docker-compose.yml', 'prometheus/prometheus.yml', 'prometheus/alerts.yml', 'grafana/provisioning/datasources/prometheus.yml', 'grafana/provisioning/dashboards/dashboards.yml']),
    );
    expect(files.filter((f) => f.endsWith('.json')).length).toBeGreaterThanOrEqual(2);
  });

  it.each(files.map((f) => [f.slice(ROOT.length), f]))('%s', (_name, file) => {
    if (file.endsWith('.json')) expect(() => readJson(file)).not.toThrow();
    else expect(readYaml(file)).toBeTypeOf('object');
  });

  it('rejects a duplicate key, as Prometheus and Compose do', () => {
    expect(() => parseYamlStrict('a: 1\nb: 2\na: 3\n')).toThrow(/not valid YAML/);
    expect(() => parseYamlStrict('groups:\n  - name: x\n    name: y\n')).toThrow(/not valid YAML/);
  });
});

describe('the compose file', () => {
  it('names the project and has no obsolete "version"', () => {
    const c = record(compose, 'compose');
    expect(c.name).toBe('k1-workflows');
    expect(c.version).toBeUndefined();
  });

  it('has Conductor (server and UI), PostgreSQL, Redis, Prometheus, Grafana, the workers and the webhook', () => {
    expect(Object.keys(services).sort()).toEqual(['conductor-server', 'grafana', 'k1-webhook', 'k1-workers', 'postgres', 'prometheus', 'redis']);
    // The version the conformance suite runs is the version deployed: one setting, src/conductor/version.ts.
    expect(resolved['conductor-server']?.image).toBe(`conductoross/conductor:${CONDUCTOR_VERSION}`);
    expect(readFileSync('deploy/.env.example', 'utf8')).toContain(`CONDUCTOR_IMAGE=conductoross/conductor:${CONDUCTOR_VERSION}\n`);
    // 3.30.2 fixed the unauthenticated code execution through INLINE tasks reported for 3.21.21 and later
    const [major = 0, minor = 0, patch = 0] = (resolved['conductor-server']?.image ?? '').split(':')[1]?.split('.').map(Number) ?? [];
    expect(major * 1e6 + minor * 1e3 + patch, 'pin conductoross/conductor 3.30.2 or later').toBeGreaterThanOrEqual(3_030_002);
    expect(containerPortsOf(services['conductor-server'] as ComposeService)).toEqual(expect.arrayContaining([8080, 5000]));
  });

  it.each(Object.entries(services))('%s has a pinned image or a build of this repository', (name, service) => {
    expect(service.image !== undefined || service.build !== undefined, `${name} needs image or build`).toBe(true);
    if (service.build !== undefined) {
      const build = record(service.build, `${name}.build`);
      const context = resolve(DEPLOY, String(build.context));
      expect(context).toBe(resolve(ROOT));
      expect(exists(join(context, String(build.dockerfile ?? 'Dockerfile')))).toBe(true);
    } else {
      const image = resolved[name]?.image ?? '';
      expect(image, `${name}: pin a tag`).toMatch(/:[\w][\w.-]*$/);
      expect(image).not.toMatch(/:latest$/);
    }
  });

  it.each(Object.entries(services))('%s has a healthcheck with valid durations', (name, service) => {
    const hc = record(service.healthcheck, `${name}.healthcheck`);
    expect(Array.isArray(hc.test) && ['CMD', 'CMD-SHELL'].includes(String(hc.test[0])), `${name}: test must be ["CMD", ...] or ["CMD-SHELL", "..."]`).toBe(true);
    for (const key of ['interval', 'timeout', 'start_period']) if (hc[key] !== undefined) expect(String(hc[key]), `${name}.healthcheck.${key}`).toMatch(COMPOSE_DURATION);
    expect(Number.isInteger(hc.retries)).toBe(true);
  });

  it('depends only on services that exist, are healthy first, and form no cycle', () => {
    for (const [name, service] of Object.entries(services)) {
      for (const [target, options] of Object.entries(dependenciesOf(service))) {
        expect(services[target], `${name} depends on ${target}, which is not a service`).toBeDefined();
        expect(options.condition, `${name} -> ${target}: wait for service_healthy`).toBe('service_healthy');
        expect(services[target]?.healthcheck, `${target} needs a healthcheck, ${name} waits for it`).toBeDefined();
      }
    }
    const visiting = new Set<string>();
    const done = new Set<string>();
    const visit = (name: string, path: string[]): void => {
      if (done.has(name)) return;
      if (visiting.has(name)) throw new Error(`dependency cycle: ${[...path, name].join(' -> ')}`);
      visiting.add(name);
      for (const target of Object.keys(dependenciesOf(services[name] as ComposeService))) visit(target, [...path, name]);
      visiting.delete(name);
      done.add(name);
    };
    for (const name of Object.keys(services)) visit(name, []);
    expect(Object.keys(dependenciesOf(services['conductor-server'] as ComposeService)).sort()).toEqual(['postgres', 'redis']);
    expect(Object.keys(dependenciesOf(services['k1-workers'] as ComposeService))).toEqual(['conductor-server']);
  });

  it('keeps state in named volumes it declares, and bind-mounts files that exist', () => {
    const declared = Object.keys(record(record(compose, 'compose').volumes, 'volumes'));
    const used = new Set<string>();
    for (const [name, service] of Object.entries(services)) {
      for (const mount of mountsOf(service)) {
        expect(mount.target, `${name}: a mount needs a target`).toMatch(/^\//);
        if (!mount.bind) {
          expect(declared, `${name} mounts volume ${mount.source}, not declared under volumes:`).toContain(mount.source);
          used.add(mount.source);
        } else if (!mount.source.startsWith('$')) {
          expect(exists(resolve(DEPLOY, mount.source)), `${name} mounts ${mount.source}, which is not in deploy/`).toBe(true);
        }
      }
    }
    expect(declared.sort()).toEqual([...used].sort());
    for (const stateful of ['postgres', 'prometheus', 'grafana', 'k1-workers']) {
      expect(mountsOf(services[stateful] as ComposeService).some((m) => !m.bind), `${stateful} keeps its data in a named volume`).toBe(true);
    }
  });

  it('publishes each host port once, and the unauthenticated ones on BIND_ADDRESS only', () => {
    const published: string[] = [];
    for (const [name, service] of Object.entries(services)) {
      for (const port of service.ports ?? []) {
        const parts = String(port).split(':');
        expect(parts.length, `${name}: ${String(port)}`).toBeGreaterThanOrEqual(2);
        published.push(parts[parts.length - 2] as string);
        if (name !== 'k1-webhook') expect(String(port), `${name} is published without authentication`).toMatch(/^\$\{BIND_ADDRESS:-127\.0\.0\.1\}:/);
      }
    }
    expect(new Set(published).size).toBe(published.length);
    expect(services.redis?.ports).toBeUndefined();
    expect(services.postgres?.ports).toBeUndefined();
  });
});

describe('variables and secrets', () => {
  it('uses only variables deploy/.env.example lists, and the example lists only variables it uses', () => {
    const used = [...new Set(uses.map((u) => u.name))].sort();
    expect(used.filter((v) => !envExample.has(v)), 'add these to deploy/.env.example').toEqual([]);
    expect([...envExample.keys()].filter((v) => !used.includes(v)), 'deploy/.env.example lists variables the compose file does not use').toEqual([]);
  });

  it('gives each optional variable the same default in the example and in the compose file', () => {
    for (const use of uses.filter((u) => u.operator === ':-')) expect(envExample.get(use.name), `${use.name}: deploy/.env.example and the compose default differ`).toBe(use.argument);
  });

  it('writes no secret into the compose file: each comes from deploy/.env, required, without a default', () => {
    for (const [name, service] of Object.entries(services)) {
      for (const [key, value] of Object.entries(environmentOf(service))) {
        if (!SECRET_KEY.test(key)) continue;
        const vars = variablesIn(value);
        expect(vars.length === 1 && value === `\${${vars[0]?.name}${vars[0]?.operator}${vars[0]?.argument}}`, `${name}.${key} must be just a \${VAR} reference, not ${value}`).toBe(true);
        expect(vars[0]?.operator === ':?' || (vars[0]?.operator === ':-' && vars[0]?.argument === ''), `${name}.${key}: no default value for a secret`).toBe(true);
      }
    }
    for (const [key, value] of envExample) if (SECRET_KEY.test(key)) expect(value, `deploy/.env.example: leave ${key} empty`).toBe('');
  });

  it('contains nothing that looks like a credential, anywhere under deploy/', () => {
    const suspicious = /(-----BEGIN [A-Z ]*PRIVATE KEY-----|\bgh[pousr]_[A-Za-z0-9]{20,}|\bAKIA[0-9A-Z]{16}\b|\bxox[baprs]-[A-Za-z0-9-]{10,}|(password|secret|token)[ \t]*[:=][ \t]*["']?[^\s"'$<{][^\s"']{5,})/i;
    for (const file of listFiles(DEPLOY, ['.yml', '.yaml', '.json', '.properties', '.example'])) {
      const hit = suspicious.exec(readFileSync(file, 'utf8'));
      expect(hit?.[0], `${file}`).toBeUndefined();
    }
  });

  it('stops with a message when a required value is missing', () => {
    const unset = interpolate(compose, new Map()).unsetRequired;
    expect([...unset].sort()).toEqual(['GITHUB_WEBHOOK_SECRET', 'GRAFANA_ADMIN_PASSWORD', 'K1_DEVICE_IP', 'K1_PROJECT_DIR', 'POSTGRES_PASSWORD']);
    expect([...interpolate(compose, envExample).unsetRequired].sort(), 'the example leaves exactly the secrets for the user to fill in').toEqual(['GITHUB_WEBHOOK_SECRET', 'GRAFANA_ADMIN_PASSWORD', 'POSTGRES_PASSWORD']);
  });

  it('keeps deploy/.env out of git and out of the image', () => {
    expect(readFileSync(join(DEPLOY, '.gitignore'), 'utf8').split('\n')).toContain('.env');
    expect(readFileSync(join(ROOT, '.dockerignore'), 'utf8').split('\n')).toEqual(expect.arrayContaining(['.env', '**/.env', 'deploy', 'node_modules', '.git']));
  });
});

describe('the K1 workers service', () => {
  const workers = resolved['k1-workers'] as ComposeService;
  const env = environmentOf(workers);
  const variables = [...WORKER_ENV_VARIABLES, ...k1WorkerSettings.variables];
  const known = new Set(variables.map((v) => v.name));

  it('runs the workers script as the container\'s own process (not through npm, which does not pass SIGTERM on), from the image built with the repository Dockerfile', () => {
    expect(workers.command).toEqual(['node', '--import', 'tsx', 'scripts/workers.ts']);
    expect(workers.init).toBe(true);
    const scripts = record(record(readJson(join(ROOT, 'package.json')), 'package.json').scripts, 'scripts');
    expect(scripts.workers).toBeTypeOf('string');
    expect(scripts.webhook).toBeTypeOf('string');
  });

  it('sets only variables the workers read (src/worker/worker-env.ts, definitions/workers/k1-settings.ts), and every required one', () => {
    const extra = Object.keys(env).filter((k) => !known.has(k));
    expect(extra, 'not read by the workers').toEqual(['PLATFORMIO_CORE_DIR']);
    for (const v of variables.filter((x) => x.required)) expect(env[v.name], v.name).toBeTruthy();
  });

  it('is a configuration parseWorkerEnv accepts: the compose Conductor, health on 0.0.0.0:9464', () => {
    const config = parseWorkerEnv(env, { fs: { kind: (path) => (path === '/srv/K1.node1' || path === '/var/lib/k1/artifacts' ? 'dir' : undefined) }, settings: k1WorkerSettings });
    expect(config.conductor).toEqual({ serverUrl: 'http://conductor-server:8080' });
    expect(config.worker.healthHost).toBe('0.0.0.0');
    expect(config.worker.healthPort).toBe(9464);
    expect(config.worker.shutdownTimeoutMs).toBeLessThan(45_000); // stop_grace_period
    expect(workers.stop_grace_period).toBe('45s');
    expect(containerPortsOf(workers)).toContain(config.worker.healthPort);
    expect(JSON.stringify(workers.healthcheck?.test)).toContain(`127.0.0.1:${config.worker.healthPort}/health`);
    expect(config.settings.projectDir).toBe(mountsOf(workers).find((m) => m.bind)?.target);
    expect(mountsOf(workers).map((m) => m.target)).toEqual(expect.arrayContaining([config.settings.artifactDir, env.PLATFORMIO_CORE_DIR]));
  });

  it('takes Orkes credentials from deploy/.env, empty (no auth) by default', () => {
    const withOrkes = resolvedWith(new Map([...filledEnv, ['CONDUCTOR_SERVER_URL', 'https://k1.orkesconductor.io'], ['CONDUCTOR_AUTH_KEY', 'key-id'], ['CONDUCTOR_AUTH_SECRET', 'key-secret']]));
    for (const name of ['k1-workers', 'k1-webhook']) {
      const e = environmentOf(withOrkes[name] as ComposeService);
      expect([e.CONDUCTOR_SERVER_URL, e.CONDUCTOR_AUTH_KEY, e.CONDUCTOR_AUTH_SECRET]).toEqual(['https://k1.orkesconductor.io', 'key-id', 'key-secret']);
    }
    const config = parseWorkerEnv(environmentOf(withOrkes['k1-workers'] as ComposeService), { fs: { kind: () => 'dir' }, settings: k1WorkerSettings });
    expect(config.conductor).toEqual({ serverUrl: 'https://k1.orkesconductor.io', keyId: 'key-id', keySecret: 'key-secret' });
  });
});

describe('the webhook service', () => {
  const webhook = resolved['k1-webhook'] as ComposeService;
  const env = environmentOf(webhook);

  it('runs the webhook script as the container\'s own process, with a configuration parseWebhookEnv accepts', () => {
    expect(webhook.command).toEqual(['node', '--import', 'tsx', 'scripts/webhook.ts']);
    const parsed = parseWebhookEnv(env);
    if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
    expect(parsed.config.serverUrl).toBe('http://conductor-server:8080');
    expect(parsed.config.host).toBe('0.0.0.0');
    expect(containerPortsOf(webhook)).toContain(parsed.config.port);
    expect(JSON.stringify(webhook.healthcheck?.test)).toContain(`127.0.0.1:${parsed.config.port}/health`);
  });

  it('sets only the variables in the header of scripts/webhook.ts', () => {
    const header = readFileSync(join(ROOT, 'scripts/webhook.ts'), 'utf8').split('*/')[0] ?? '';
    for (const key of Object.keys(env)) expect(header, `${key} is not documented in scripts/webhook.ts`).toMatch(new RegExp(`\\b${key.replace(/^CONDUCTOR_AUTH_(KEY|SECRET)$/, 'CONDUCTOR_AUTH_KEY')}\\b`));
  });
});

describe('the Conductor server service', () => {
  const server = services['conductor-server'] as ComposeService;
  const env = environmentOf(server);
  const configPath = resolve(DEPLOY, mountsOf(server).find((m) => m.target === `/app/config/${env.CONFIG_PROP}`)?.source ?? 'missing');
  const properties = readProperties(configPath);

  it('mounts the config file CONFIG_PROP names into /app/config, where the image reads it', () => {
    expect(env.CONFIG_PROP).toBe('config-k1.properties');
    expect(exists(configPath)).toBe(true);
  });

  it('is the configuration the cluster is tested with (startCluster): the same keys and values, compose services for the addresses', () => {
    const tested = clusterProperties({ jdbcUrl: 'jdbc:postgresql://postgres:5432/conductor', dbUser: 'conductor', dbPassword: 'from SPRING_DATASOURCE_PASSWORD', redisAddress: 'redis://redis:6379' });
    const { 'spring.datasource.password': password, ...withoutPassword } = tested;
    expect(password).toBeDefined();
    for (const [key, value] of Object.entries(withoutPassword)) expect(properties.get(key), key).toBe(value);
    expect(properties.has('spring.datasource.password'), 'the password comes from the environment').toBe(false);
    expect(environmentOf(server).SPRING_DATASOURCE_PASSWORD).toBe(environmentOf(services.postgres as ComposeService).POSTGRES_PASSWORD);
    const db = hostAndPort((properties.get('spring.datasource.url') ?? '').replace(/^jdbc:postgresql:/, 'postgresql:'));
    expect(containerPortsOf(services[db.host] as ComposeService)).toContain(db.port);
    const lock = hostAndPort(properties.get('conductor.redis-lock.serverAddress') ?? '');
    expect(containerPortsOf(services[lock.host] as ComposeService)).toContain(lock.port);
    expect(environmentOf(services.postgres as ComposeService).POSTGRES_USER).toBe(properties.get('spring.datasource.username'));
    expect(environmentOf(services.postgres as ComposeService).POSTGRES_DB).toBe('conductor');
  });

  it('exports Prometheus metrics on /actuator/prometheus', () => {
    expect(properties.get('conductor.metrics-prometheus.enabled')).toBe('true');
    expect(properties.get('management.endpoints.web.exposure.include')?.split(',')).toContain('prometheus');
  });

  it('sets no property twice', () => {
    const keys = readFileSync(configPath, 'utf8')
      .split('\n')
      .filter((l) => l.includes('=') && !l.trim().startsWith('#'))
      .map((l) => l.split('=')[0]?.trim());
    expect(new Set(keys).size).toBe(keys.length);
  });
});

describe('the Dockerfile and .dockerignore', () => {
  const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
  const ignored = readFileSync(join(ROOT, '.dockerignore'), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));

  it('builds on Node 20 with npm ci and runs the workers script directly (SIGTERM reaches it)', () => {
    expect(dockerfile).toMatch(/^FROM node:20[\w.-]*$/m);
    expect(dockerfile).toMatch(/^RUN npm ci\b/m);
    expect(dockerfile).toMatch(/^COPY package\.json package-lock\.json \.\/$/m);
    expect(dockerfile).toMatch(/^CMD \["node", "--import", "tsx", "scripts\/workers\.ts"\]$/m);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/platformio==/);
  });

  it('keeps out of the build context what must not be copied, and not what the image runs', () => {
    expect(ignored).toEqual(expect.arrayContaining(['node_modules', '.git', '.env', '**/.env']));
    for (const needed of ['package.json', 'package-lock.json', 'src', 'scripts', 'definitions', 'generated', 'tsconfig.json']) {
      expect(ignored.filter((pattern) => pattern === needed || pattern === `${needed}/` || pattern === '*'), `${needed} is needed in the image`).toEqual([]);
    }
  });

  it('the environment the Dockerfile defaults is the one compose sets', () => {
    const env = environmentOf(services['k1-workers'] as ComposeService);
    for (const key of ['HEALTH_HOST', 'HEALTH_PORT', 'ARTIFACT_DIR', 'SCRATCH_DIR', 'PLATFORMIO_CORE_DIR']) {
      expect(dockerfile, key).toMatch(new RegExp(`\\b${key}=${(env[key] ?? '').replace(/\./g, '\\.')}\\b`));
    }
  });
});

describe('Compose interpolation as the tests read it', () => {
  it('follows Compose: defaults, required values, $$ escapes, and rejects a stray $', () => {
    const env = new Map([
      ['SET', 'v'],
      ['EMPTY', ''],
    ]);
    const r = interpolate({ a: '${SET:-d} ${EMPTY:-d} ${EMPTY-d} ${UNSET-d} $$HOME ${MISSING:?set it} $SET' }, env);
    expect(r.value).toEqual({ a: 'v d  d $HOME  v' });
    expect(r.unsetRequired).toEqual(['MISSING']);
    expect(() => variablesIn('cost: 5$')).toThrow(/invalid interpolation/);
    expect(() => variablesIn('${BAD:x}')).toThrow(/invalid interpolation/);
    expect(isRecord(compose)).toBe(true);
  });
});
