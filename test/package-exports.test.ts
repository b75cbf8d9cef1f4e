import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { exports: Record<string, { import: string; types: string }> };
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
      'TASK_DEFAULTS',
      'WORKFLOW_DEFAULTS',
      'WorkflowInputError',
      'WorkflowRunError',
      'canonicalJson',
      'compileWorkflow',
      'defineTask',
      'formatIssues',
      'generate',
      'isTaskContract',
      'isWorkflow',
      'startWorkflow',
      'toJsonSchema',
      'toTaskDef',
      'untypedRef',
      'waitForWorkflow',
      'workflow',
    ]);
    const validate = await import(pathToFileURL(entry('./validate')).href);
    expect(Object.keys(validate).sort()).toEqual(['findReferences', 'validateEachWorkflowDef', 'validateTaskDef', 'validateWorkflowDefs']);
    const worker = await import(pathToFileURL(entry('./worker')).href);
    expect(Object.keys(worker)).toEqual(expect.arrayContaining(['createWorker', 'runWorkers', 'TerminalError', 'callBackLater', 'recordFirmwareBuild', 'recordDeviceHealth', 'parseWorkerEnv']));
    const k1 = await import(pathToFileURL(entry('./k1')).href);
    expect(Object.keys(k1)).toEqual(expect.arrayContaining(['workflows', 'firmwareCiCdPipeline', 'createK1Workers', 'k1ServicesFromConfig', 'createGithubWebhookHandler']));
    expect((k1.workflows as { name: string }[]).map((w) => w.name)).toHaveLength(6);
    const testing = await import(pathToFileURL(entry('./testing')).href);
    expect(Object.keys(testing).sort()).toEqual(['CONDUCTOR_VERSION', 'Registry', 'StartRefused', 'VirtualClock', 'WorkflowRun', 'loadGenerated', 'resolveParameters', 'run', 'startConductor', 'toTestRequest']);
  }, 60_000);
});
