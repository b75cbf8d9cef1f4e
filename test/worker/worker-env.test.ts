import { delimiter } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseWorkerEnv, runWorkersOptions, WORKER_ENV_VARIABLES, WorkerError, type EnvFileSystem } from '../../src/worker/index.ts';

/** A file system where /srv/K1.node1 is a directory and /usr/local/bin/pio a file. */
const kinds: Record<string, 'dir' | 'file'> = { '/srv/K1.node1': 'dir', '/usr/local/bin/pio': 'file', '/etc/hosts': 'file' };
const fs: EnvFileSystem = { kind: (path) => kinds[path] };
const base = { CONDUCTOR_SERVER_URL: 'http://conductor:8080/api', PROJECT_DIR: '/srv/K1.node1', ARTIFACT_DIR: '/var/lib/k1/artifacts' };
const parse = (env: Record<string, string | undefined>) => parseWorkerEnv(env, { fs, cwd: '/work' });
const problems = (env: Record<string, string | undefined>) => {
  try {
    parse(env);
  } catch (error) {
    expect(error).toBeInstanceOf(WorkerError);
    expect((error as WorkerError).code).toBe('INVALID_ENV');
    return error as WorkerError;
  }
  throw new Error('expected the environment to be rejected');
};

describe('parseWorkerEnv', () => {
  it('reads a minimal environment, with the defaults', () => {
    expect(parse(base)).toEqual({
      conductor: { serverUrl: 'http://conductor:8080/api' },
      worker: { healthPort: 9464, healthHost: '127.0.0.1', shutdownTimeoutMs: 30_000 },
      k1: {
        projectDir: '/srv/K1.node1',
        artifactDir: '/var/lib/k1/artifacts',
        artifactBaseUrl: 'file:///var/lib/k1/artifacts',
        artifactKeep: 10,
        pioBin: 'pio',
        gitBin: 'git',
        deviceTimeoutMs: 5_000,
        devicePort: 80,
        scratchDir: expect.stringMatching(/k1-workers$/),
        buildInWorktrees: true,
        sampleIntervalMs: 1_000,
      },
    });
  });

  it('reads every variable, resolves relative paths, and maps to runWorkers options', () => {
    const config = parse({
      ...base,
      CONDUCTOR_AUTH_KEY: 'key-id',
      CONDUCTOR_AUTH_SECRET: 'key-secret',
      WORKER_CONCURRENCY: '4',
      WORKER_POLL_INTERVAL_MS: '250',
      WORKER_DOMAIN: 'lab-bench-2',
      WORKER_ID: 'builder-1',
      HEALTH_PORT: '0',
      HEALTH_HOST: '0.0.0.0',
      SHUTDOWN_TIMEOUT_MS: '60000',
      ARTIFACT_DIR: 'artifacts',
      ARTIFACT_BASE_URL: 'https://artifacts.k1.example/',
      ARTIFACT_KEEP: '5',
      PIO_BIN: '/usr/local/bin/pio',
      DEVICE_TIMEOUT_MS: '2500',
      SCRATCH_DIR: 'tmp',
      DEVICE_PORT: '8080',
      BUILD_IN_WORKTREES: 'false',
      REPO_DIR: '/srv/K1.node1',
      REPO_NAME: 'K1.node1',
      GIT_FETCH_REMOTE: 'origin',
      GIT_PUSH_REMOTE: 'patterns/origin',
      BUILD_TIMEOUT_MS: '200000',
      UPLOAD_TIMEOUT_MS: '100000',
      NPM_BIN: 'npm',
      TAR_BIN: 'tar',
      WEBAPP_OUTPUT_DIR: 'build',
      PATTERN_DIR: 'src/patterns/gen',
      SAMPLE_DIRS: ['samples', '/srv/k1-samples'].join(delimiter),
      SAMPLE_INTERVAL_MS: '250',
    });
    expect(config.k1).toEqual({
      projectDir: '/srv/K1.node1',
      artifactDir: '/work/artifacts',
      artifactBaseUrl: 'https://artifacts.k1.example/',
      artifactKeep: 5,
      pioBin: '/usr/local/bin/pio',
      gitBin: 'git',
      deviceTimeoutMs: 2500,
      devicePort: 8080,
      scratchDir: '/work/tmp',
      buildInWorktrees: false,
      sampleIntervalMs: 250,
      repoDir: '/srv/K1.node1',
      repoName: 'K1.node1',
      sampleDirs: ['/work/samples', '/srv/k1-samples'],
      buildTimeoutMs: 200_000,
      uploadTimeoutMs: 100_000,
      npmBin: 'npm',
      tarBin: 'tar',
      fetchRemote: 'origin',
      pushRemote: 'patterns/origin',
      patternDir: 'src/patterns/gen',
      webappOutputDir: 'build',
    });
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

  it('reports every missing variable at once, each with an example', () => {
    const error = problems({ CONDUCTOR_SERVER_URL: '  ', PROJECT_DIR: '' });
    expect(error.problems.map((p) => p.path)).toEqual(['CONDUCTOR_SERVER_URL', 'PROJECT_DIR', 'ARTIFACT_DIR']);
    expect(error.message).toContain('The worker environment has 3 problem(s)');
    expect(error.message).toContain("CONDUCTOR_SERVER_URL: is not set: give the Conductor server's base URL. Example: CONDUCTOR_SERVER_URL=http://localhost:8080");
    expect(error.message).toContain('ARTIFACT_DIR: is not set: give the directory of the artifact store. Example: ARTIFACT_DIR=/var/lib/k1/artifacts');
  });

  it('reports every malformed variable at once, saying what is wrong', () => {
    const error = problems({
      CONDUCTOR_SERVER_URL: 'conductor:8080',
      WORKER_CONCURRENCY: 'four',
      WORKER_POLL_INTERVAL_MS: '0',
      WORKER_DOMAIN: 'lab bench',
      HEALTH_PORT: '70000',
      HEALTH_HOST: 'http://0.0.0.0',
      SHUTDOWN_TIMEOUT_MS: '30s',
      PROJECT_DIR: '/etc/hosts',
      ARTIFACT_DIR: '/etc/hosts',
      ARTIFACT_BASE_URL: 'ftp://artifacts',
      ARTIFACT_KEEP: '-1',
      PIO_BIN: './bin/pio',
      GIT_BIN: '/srv/K1.node1',
      DEVICE_TIMEOUT_MS: '1e3',
      DEVICE_PORT: '0',
      BUILD_IN_WORKTREES: 'sometimes',
      REPO_DIR: '/nowhere',
      REPO_NAME: 'K1 node1',
      GIT_FETCH_REMOTE: '--upload-pack=evil',
      PATTERN_DIR: '../outside',
      SAMPLE_INTERVAL_MS: '0',
    });
    const byVariable = Object.fromEntries(error.problems.map((p) => [p.path, p.message]));
    expect(Object.keys(byVariable)).toEqual([
      'CONDUCTOR_SERVER_URL',
      'WORKER_CONCURRENCY',
      'WORKER_POLL_INTERVAL_MS',
      'WORKER_DOMAIN',
      'HEALTH_PORT',
      'HEALTH_HOST',
      'SHUTDOWN_TIMEOUT_MS',
      'PROJECT_DIR',
      'ARTIFACT_DIR',
      'ARTIFACT_BASE_URL',
      'ARTIFACT_KEEP',
      'PIO_BIN',
      'GIT_BIN',
      'DEVICE_TIMEOUT_MS',
      'DEVICE_PORT',
      'BUILD_IN_WORKTREES',
      'REPO_DIR',
      'REPO_NAME',
      'GIT_FETCH_REMOTE',
      'PATTERN_DIR',
      'SAMPLE_INTERVAL_MS',
    ]);
    expect(byVariable['BUILD_IN_WORKTREES']).toBe('is "sometimes": give true or false. Example: BUILD_IN_WORKTREES=true');
    expect(byVariable['GIT_FETCH_REMOTE']).toMatch(/^is "--upload-pack=evil": give the name of a git remote/);
    expect(byVariable['PATTERN_DIR']).toBe('is "../outside": give a directory of PROJECT_DIR as a relative path that stays inside it. Example: PATTERN_DIR=src/patterns/generated');
    // "conductor:8080" parses as a URL with the scheme "conductor:".
    expect(byVariable['CONDUCTOR_SERVER_URL']).toBe('is "conductor:8080": the scheme must be http or https. Example: CONDUCTOR_SERVER_URL=http://localhost:8080');
    expect(byVariable['WORKER_CONCURRENCY']).toBe('is "four", not a whole number from 1 to 1000. Example: WORKER_CONCURRENCY=4');
    expect(byVariable['HEALTH_PORT']).toBe('is "70000", not a whole number from 0 to 65535. Example: HEALTH_PORT=9464');
    expect(byVariable['SHUTDOWN_TIMEOUT_MS']).toMatch(/^is "30s", not a whole number/);
    expect(byVariable['PROJECT_DIR']).toBe('is "/etc/hosts", a file, not a directory: give the directory of the K1.node1 checkout. Example: PROJECT_DIR=/srv/K1.node1');
    expect(byVariable['PIO_BIN']).toBe('is "./bin/pio", but no file is there: give the pio executable (or just "pio" to find it on PATH). Example: PIO_BIN=/usr/local/bin/pio');
    expect(byVariable['GIT_BIN']).toBe('is "/srv/K1.node1", but that is a directory: give the git executable (or just "git" to find it on PATH). Example: GIT_BIN=/usr/bin/git');
    expect(byVariable['DEVICE_TIMEOUT_MS']).toMatch(/^is "1e3", not a whole number/);
  });

  it('rejects half an Orkes key, naming the missing half, and never prints a secret', () => {
    const secret = 'Sup3r-S3cret-Value';
    const onlySecret = problems({ ...base, CONDUCTOR_AUTH_SECRET: secret });
    expect(onlySecret.problems.map((p) => p.path)).toEqual(['CONDUCTOR_AUTH_KEY']);
    expect(onlySecret.message).toMatch(/CONDUCTOR_AUTH_KEY: is not set but CONDUCTOR_AUTH_SECRET is: Orkes needs both halves/);

    const onlyKey = problems({ ...base, CONDUCTOR_AUTH_KEY: 'key-id-123', WORKER_CONCURRENCY: 'x' });
    expect(onlyKey.problems.map((p) => p.path)).toEqual(['CONDUCTOR_AUTH_SECRET', 'WORKER_CONCURRENCY']);

    // A secret in every bad value it could leak through: none of them is echoed.
    const leaky = problems({ ...base, CONDUCTOR_AUTH_SECRET: secret, CONDUCTOR_SERVER_URL: `https://admin:${secret}@conductor example` });
    expect(leaky.message).not.toContain(secret);
    expect(leaky.message).toContain('CONDUCTOR_SERVER_URL: is "https://***@conductor example", not a URL');
    const leakyHost = problems({ ...base, CONDUCTOR_AUTH_SECRET: secret, CONDUCTOR_SERVER_URL: `ftp://admin:${secret}@conductor` });
    expect(leakyHost.message).not.toContain(secret);
    expect(JSON.stringify(leakyHost.problems)).not.toContain(secret);
  });

  it('documents every variable it reads, secrets marked', () => {
    expect(WORKER_ENV_VARIABLES.filter((v) => v.secret).map((v) => v.name)).toEqual(['CONDUCTOR_AUTH_KEY', 'CONDUCTOR_AUTH_SECRET']);
    expect(WORKER_ENV_VARIABLES.filter((v) => v.required).map((v) => v.name)).toEqual(['CONDUCTOR_SERVER_URL', 'PROJECT_DIR', 'ARTIFACT_DIR']);
  });
});
