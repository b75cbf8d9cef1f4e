import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { exports: Record<string, { 'k1-source': string; import: string; types: string }> };
mkdirSync('.tmp', { recursive: true });
const out = mkdtempSync(join(process.cwd(), '.tmp', 'dist-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('the published package', () => {
  it('builds to JavaScript whose entry points export exactly the curated API', async () => {
    execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json', '--outDir', out], { stdio: 'pipe' });
    const entry = (name: string) => join(out, pkg.exports[name]!.import.replace('./dist/', ''));
    const root = await import(pathToFileURL(entry('.')).href);
    expect(Object.keys(root).sort()).toEqual([
      'DefinitionError',
      'Flow',
      'SCHEDULER_INPUT_KEYS',
      'TASK_DEFAULTS',
      'WORKFLOW_DEFAULTS',
      'WorkflowInputError',
      'WorkflowRunError',
      'canonicalJson',
      'compileSchedule',
      'compileWorkflow',
      'completeTaskAction',
      'defineTask',
      'eventHandler',
      'failTaskAction',
      'formatIssues',
      'generate',
      'isEventHandler',
      'isSchedule',
      'isTaskContract',
      'isWorkflow',
      'nextFireTimes',
      'parseCron',
      'projectDefaults',
      'schedule',
      'startWorkflow',
      'startWorkflowAction',
      'toJsonSchema',
      'toTaskDef',
      'untypedRef',
      'waitForWorkflow',
      'withDefaults',
      'workflow',
    ]);
    const validate = await import(pathToFileURL(entry('./validate')).href);
    expect(Object.keys(validate).sort()).toEqual(['findReferences', 'looksLikeSchedule', 'validateEachWorkflowDef', 'validateEventHandler', 'validateScheduleDef', 'validateTaskDef', 'validateWorkflowDefs']);
    const worker = await import(pathToFileURL(entry('./worker')).href);
    expect(Object.keys(worker).sort()).toEqual([
      'TerminalError',
      'WORKER_ENV_VARIABLES',
      'WORKER_METRIC_NAMES',
      'WorkerError',
      'callBackLater',
      'createJsonLogger',
      'createWorker',
      'describeIssues',
      'jsonLogger',
      'normalizeServerUrl',
      'overdueHandler',
      'parseWorkerEnv',
      'runWorkers',
      'runWorkersOptions',
      'silentLogger',
    ]);
    const k1 = await import(pathToFileURL(entry('./k1')).href);
    expect(Object.keys(k1)).toEqual(expect.arrayContaining(['workflows', 'firmwareCiCdPipeline', 'createK1Workers', 'k1ServicesFromConfig', 'createGithubWebhookHandler']));
    expect((k1.workflows as { name: string }[]).map((w) => w.name)).toHaveLength(8);
    expect(Object.keys(k1)).toEqual(expect.arrayContaining(['eventHandlers', 'k1PushEvent', 'k1PushStartsPipeline']));
    expect(Object.keys(k1)).toEqual(expect.arrayContaining(['k1ConfigSchema', 'RunNotFoundError', 'FirmwareMismatchError', 'UploadError']));
    // The K1 worker settings and metrics: the application's, not the worker toolkit's.
    // The task contracts, as values a K1 service can bind (createWorker) or reference.
    expect(Object.keys(k1)).toEqual(expect.arrayContaining(['taskContracts', 'platformioCompile', 'deployFirmwareOta', 'notify', 'getLastGoodArtifact']));
    expect((k1.taskContracts as { kind: string }[]).every((c) => c.kind === 'TaskContract')).toBe(true);
    expect(Object.keys(k1)).toEqual(expect.arrayContaining(['k1WorkerSettings', 'K1_ENV_VARIABLES', 'K1_METRICS', 'recordFirmwareBuild', 'recordDeviceHealth']));
    const testing = await import(pathToFileURL(entry('./testing')).href);
    expect(Object.keys(testing).sort()).toEqual(['CONDUCTOR_VERSION', 'Registry', 'StartRefused', 'VirtualClock', 'WorkflowRun', 'loadGenerated', 'resolveParameters', 'run', 'runSchedule', 'startCluster', 'startConductor', 'toTestRequest']);
    // Inside the repository the "k1-source" condition gives the sources: the same API, entry by entry.
    for (const name of Object.keys(pkg.exports).filter((key) => key !== './package.json')) {
      const built = await import(pathToFileURL(entry(name)).href);
      const source = await import(pathToFileURL(join(process.cwd(), pkg.exports[name]!['k1-source'])).href);
      expect(Object.keys(source).sort(), name).toEqual(Object.keys(built).sort());
    }
  }, 120_000);

  it('resolves @k1/workflows to the sources inside the repository, under vitest, tsc and node --conditions=k1-source', async () => {
    const viaName = await import('@k1/workflows');
    const direct = await import('../src/index.ts');
    expect(viaName.defineTask).toBe(direct.defineTask);
    const tsconfig = readFileSync('tsconfig.json', 'utf8');
    expect(tsconfig).toMatch(/"customConditions": \["k1-source"\]/);
    const stdout = execFileSync(
      process.execPath,
      ['--conditions=k1-source', '--import', 'tsx', '--input-type=module', '-e', "const m = await import('@k1/workflows/testing'); console.log(import.meta.resolve('@k1/workflows/testing'), typeof m.run);"],
      { encoding: 'utf8' },
    );
    expect(stdout.trim()).toBe(`${pathToFileURL(join(process.cwd(), 'src/testing.ts')).href} function`);
  });

  it('keeps the condition out of what Node resolves without it: the published entry points are the built ones', () => {
    for (const [name, target] of Object.entries(pkg.exports)) {
      if (typeof target === 'string') continue;
      expect(Object.keys(target), name).toEqual(['k1-source', 'types', 'import']);
      expect(target.import, name).toMatch(/^\.\/dist\/.*\.js$/);
      expect(target.types, name).toBe(target.import.replace(/\.js$/, '.d.ts'));
    }
  });
});
