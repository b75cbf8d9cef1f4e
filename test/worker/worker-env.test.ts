import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseWorkerEnv, runWorkersOptions, WORKER_ENV_VARIABLES, WorkerError, type EnvFileSystem, type WorkerSettings } from '../../src/worker/index.ts';

/** A file system where /srv/data is a directory and /etc/hosts a file. */
const kinds: Record<string, 'dir' | 'file'> = { '/srv/data': 'dir', '/etc/hosts': 'file' };
const fs: EnvFileSystem = { kind: (path) => kinds[path] };
const base = { CONDUCTOR_SERVER_URL: 'http://conductor:8080/api' };
const parse = (env: Record<string, string | undefined>) => parseWorkerEnv(env, { fs, cwd: '/work' });
const problems = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(WorkerError);
    expect((error as WorkerError).code).toBe('INVALID_ENV');
    return error as WorkerError;
  }
  throw new Error('expected the environment to be rejected');
};

/** An application's own settings: one required directory and one number. */
const appSettings: WorkerSettings<{ dataDir: string; batch: number }> = {
  variables: [
    { name: 'DATA_DIR', required: true, secret: false, description: 'Where the data is', example: '/srv/data' },
    { name: 'BATCH_SIZE', required: false, secret: false, description: 'Items a batch', example: '50', default: '10' },
  ],
  parse(env) {
    const raw = env.required('DATA_DIR', 'the data directory');
    const dataDir = raw === undefined ? '' : resolve(env.cwd, raw);
    if (raw !== undefined && env.fs.kind(dataDir) !== 'dir') env.bad('DATA_DIR', `is ${env.shown(raw)}, not a directory: give the data directory.`);
    return { dataDir, batch: env.int('BATCH_SIZE', 1, 1000, 10) as number };
  },
};

describe('parseWorkerEnv', () => {
  it('reads a minimal environment, with the defaults, and no settings of an application', () => {
    expect(parse(base)).toEqual({
      conductor: { serverUrl: 'http://conductor:8080/api' },
      worker: { healthPort: 9464, healthHost: '127.0.0.1', shutdownTimeoutMs: 30_000 },
      settings: undefined,
    });
  });

  it('reads every variable and maps them to runWorkers options', () => {
    const auth = { CONDUCTOR_AUTH_KEY: 'key-id', CONDUCTOR_AUTH_SECRET: 'key-secret' };
    const polling = { WORKER_CONCURRENCY: '4', WORKER_POLL_INTERVAL_MS: '250', WORKER_DOMAIN: 'lab-bench-2', WORKER_ID: 'builder-1' };
    const health = { HEALTH_PORT: '0', HEALTH_HOST: '0.0.0.0', SHUTDOWN_TIMEOUT_MS: '60000' };
    const config = parse({ ...base, ...auth, ...polling, ...health });
    expect(runWorkersOptions(config)).toEqual({
      serverUrl: 'http://conductor:8080/api',
      keyId: 'key-id',
      keySecret: 'key-secret',
      concurrency: 4,
      pollInterval: 250,
      domain: 'lab-bench-2',
      workerId: 'builder-1',
      healthPort: 0,
      healthHost: '0.0.0.0',
      shutdownTimeoutMs: 60_000,
    });
  });

  it('reads the settings an application passes, after the worker variables', () => {
    const config = parseWorkerEnv({ ...base, DATA_DIR: '/srv/data', BATCH_SIZE: '25' }, { fs, cwd: '/work', settings: appSettings });
    expect(config.settings).toEqual({ dataDir: '/srv/data', batch: 25 });
    expect(config.conductor).toEqual({ serverUrl: 'http://conductor:8080/api' });
  });

  it("reports the application's problems with the worker ones, in one error, each with the example of its own variables", () => {
    const error = problems(() => parseWorkerEnv({ WORKER_CONCURRENCY: '0', DATA_DIR: '/etc/hosts', BATCH_SIZE: 'lots' }, { fs, cwd: '/work', settings: appSettings }));
    expect(error.problems.map((p) => p.path)).toEqual(['CONDUCTOR_SERVER_URL', 'WORKER_CONCURRENCY', 'DATA_DIR', 'BATCH_SIZE']);
    expect(error.message).toContain('The worker environment has 4 problem(s)');
    expect(error.problems[2]?.message).toBe('is "/etc/hosts", not a directory: give the data directory. Example: DATA_DIR=/srv/data');
    expect(error.problems[3]?.message).toBe('is "lots", not a whole number from 1 to 1000. Example: BATCH_SIZE=50');
    const missing = problems(() => parseWorkerEnv(base, { fs, settings: appSettings }));
    expect(missing.problems).toEqual([{ path: 'DATA_DIR', message: 'is not set: give the data directory. Example: DATA_DIR=/srv/data' }]);
  });

  it('reports every missing variable at once, each with an example', () => {
    const error = problems(() => parse({ CONDUCTOR_SERVER_URL: '  ' }));
    expect(error.problems.map((p) => p.path)).toEqual(['CONDUCTOR_SERVER_URL']);
    expect(error.message).toContain('The worker environment has 1 problem(s)');
    expect(error.message).toContain("CONDUCTOR_SERVER_URL: is not set: give the Conductor server's base URL. Example: CONDUCTOR_SERVER_URL=http://localhost:8080");
  });

  it('reports every malformed variable at once, saying what is wrong', () => {
    const error = problems(() =>
      parse({
        CONDUCTOR_SERVER_URL: 'conductor:8080',
        WORKER_CONCURRENCY: 'four',
        WORKER_POLL_INTERVAL_MS: '0',
        WORKER_DOMAIN: 'lab bench',
        HEALTH_PORT: '70000',
        HEALTH_HOST: 'http://0.0.0.0',
        SHUTDOWN_TIMEOUT_MS: '30s',
      }),
    );
    const byVariable = Object.fromEntries(error.problems.map((p) => [p.path, p.message]));
    expect(Object.keys(byVariable)).toEqual(['CONDUCTOR_SERVER_URL', 'WORKER_CONCURRENCY', 'WORKER_POLL_INTERVAL_MS', 'WORKER_DOMAIN', 'HEALTH_PORT', 'HEALTH_HOST', 'SHUTDOWN_TIMEOUT_MS']);
    // "conductor:8080" parses as a URL with the scheme "conductor:".
    expect(byVariable['CONDUCTOR_SERVER_URL']).toBe('is "conductor:8080": the scheme must be http or https. Example: CONDUCTOR_SERVER_URL=http://localhost:8080');
    expect(byVariable['WORKER_CONCURRENCY']).toBe('is "four", not a whole number from 1 to 1000. Example: WORKER_CONCURRENCY=4');
    expect(byVariable['HEALTH_PORT']).toBe('is "70000", not a whole number from 0 to 65535. Example: HEALTH_PORT=9464');
    expect(byVariable['SHUTDOWN_TIMEOUT_MS']).toMatch(/^is "30s", not a whole number/);
  });

  it('rejects half an Orkes key, naming the missing half, and never prints a secret', () => {
    const secret = 'Sup3r-S3cret-Value';
    const onlySecret = problems(() => parse({ ...base, CONDUCTOR_AUTH_SECRET: secret }));
    expect(onlySecret.problems.map((p) => p.path)).toEqual(['CONDUCTOR_AUTH_KEY']);
    expect(onlySecret.message).toMatch(/CONDUCTOR_AUTH_KEY: is not set but CONDUCTOR_AUTH_SECRET is: Orkes needs both halves/);

    const onlyKey = problems(() => parse({ ...base, CONDUCTOR_AUTH_KEY: 'key-id-123', WORKER_CONCURRENCY: 'x' }));
    expect(onlyKey.problems.map((p) => p.path)).toEqual(['CONDUCTOR_AUTH_SECRET', 'WORKER_CONCURRENCY']);

    // A secret in every bad value it could leak through: none of them is echoed.
    const leaky = problems(() => parse({ ...base, CONDUCTOR_AUTH_SECRET: secret, CONDUCTOR_SERVER_URL: `https://admin:${secret}@conductor example` }));
    expect(leaky.message).not.toContain(secret);
    expect(leaky.message).toContain('CONDUCTOR_SERVER_URL: is "https://***@conductor example", not a URL');
    const leakyHost = problems(() => parse({ ...base, CONDUCTOR_AUTH_SECRET: secret, CONDUCTOR_SERVER_URL: `ftp://admin:${secret}@conductor` }));
    expect(leakyHost.message).not.toContain(secret);
    expect(JSON.stringify(leakyHost.problems)).not.toContain(secret);
  });

  it('documents every variable it reads, secrets marked, and none of an application', () => {
    expect(WORKER_ENV_VARIABLES.filter((v) => v.secret).map((v) => v.name)).toEqual(['CONDUCTOR_AUTH_KEY', 'CONDUCTOR_AUTH_SECRET']);
    expect(WORKER_ENV_VARIABLES.filter((v) => v.required).map((v) => v.name)).toEqual(['CONDUCTOR_SERVER_URL']);
    expect(WORKER_ENV_VARIABLES.map((v) => v.name).every((name) => /^(CONDUCTOR|WORKER|HEALTH|SHUTDOWN)_/.test(name))).toBe(true);
  });
});
