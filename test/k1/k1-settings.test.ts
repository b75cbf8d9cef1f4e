/**
 * The K1 workers' settings (definitions/workers/k1-settings.ts), read by parseWorkerEnv beside the
 * worker variables: one environment variable per K1 service setting.
 */
import { delimiter } from 'node:path';
import { describe, expect, it } from 'vitest';
import { K1_ENV_VARIABLES, k1WorkerSettings } from '../../definitions/workers/index.ts';
import { parseWorkerEnv, WORKER_ENV_VARIABLES, WorkerError, type EnvFileSystem } from '../../src/worker/index.ts';

/** A file system where /srv/K1.node1 is a directory and /usr/local/bin/pio a file. */
const kinds: Record<string, 'dir' | 'file'> = { '/srv/K1.node1': 'dir', '/usr/local/bin/pio': 'file', '/etc/hosts': 'file' };
const fs: EnvFileSystem = { kind: (path) => kinds[path] };
const base = { CONDUCTOR_SERVER_URL: 'http://conductor:8080/api', PROJECT_DIR: '/srv/K1.node1', ARTIFACT_DIR: '/var/lib/k1/artifacts' };
const parse = (env: Record<string, string | undefined>) => parseWorkerEnv(env, { fs, cwd: '/work', settings: k1WorkerSettings });
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

describe('the K1 worker settings', () => {
  it('reads a minimal environment, with the defaults', () => {
    expect(parse(base)).toEqual({
      conductor: { serverUrl: 'http://conductor:8080/api' },
      worker: { healthPort: 9464, healthHost: '127.0.0.1', shutdownTimeoutMs: 30_000 },
      settings: {
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

  it('reads every variable and resolves relative paths', () => {
    const config = parse({
      ...base,
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
    expect(config.settings).toEqual({
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
  });

  it('reports every missing variable at once, after the worker ones, each with an example', () => {
    const error = problems({ CONDUCTOR_SERVER_URL: '  ', PROJECT_DIR: '' });
    expect(error.problems.map((p) => p.path)).toEqual(['CONDUCTOR_SERVER_URL', 'PROJECT_DIR', 'ARTIFACT_DIR']);
    expect(error.message).toContain('The worker environment has 3 problem(s)');
    expect(error.message).toContain('ARTIFACT_DIR: is not set: give the directory of the artifact store. Example: ARTIFACT_DIR=/var/lib/k1/artifacts');
  });

  it('reports every malformed variable at once, saying what is wrong', () => {
    const error = problems({
      CONDUCTOR_SERVER_URL: 'conductor:8080',
      WORKER_CONCURRENCY: 'four',
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
    expect(byVariable['PROJECT_DIR']).toBe('is "/etc/hosts", a file, not a directory: give the directory of the K1.node1 checkout. Example: PROJECT_DIR=/srv/K1.node1');
    expect(byVariable['ARTIFACT_BASE_URL']).toBe('is "ftp://artifacts": the scheme must be http or https. Example: ARTIFACT_BASE_URL=https://artifacts.k1.example/');
    expect(byVariable['PIO_BIN']).toBe('is "./bin/pio", but no file is there: give the pio executable (or just "pio" to find it on PATH). Example: PIO_BIN=/usr/local/bin/pio');
    expect(byVariable['GIT_BIN']).toBe('is "/srv/K1.node1", but that is a directory: give the git executable (or just "git" to find it on PATH). Example: GIT_BIN=/usr/bin/git');
    expect(byVariable['DEVICE_TIMEOUT_MS']).toMatch(/^is "1e3", not a whole number/);
  });

  it('are variables of their own, none secret, two required, none a worker variable', () => {
    expect(k1WorkerSettings.variables).toBe(K1_ENV_VARIABLES);
    expect(K1_ENV_VARIABLES.filter((v) => v.secret)).toEqual([]);
    expect(K1_ENV_VARIABLES.filter((v) => v.required).map((v) => v.name)).toEqual(['PROJECT_DIR', 'ARTIFACT_DIR']);
    const worker = new Set(WORKER_ENV_VARIABLES.map((v) => v.name));
    expect(K1_ENV_VARIABLES.filter((v) => worker.has(v.name))).toEqual([]);
  });
});
