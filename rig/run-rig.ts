/**
 * Runs rig scenarios against a Conductor server: registers generated/ there (as
 * `k1-workflows register` does), starts a bench (repository, store, fake devices, the project's
 * workers), runs each scenario in turn and reports `scenario NAME: STATUS (expected STATUS)` per
 * scenario and `N as expected, M not` last.
 */
import { join } from 'node:path';
import { readGenerated } from '../src/gen/read-generated.ts';
import { connectMetadataApi } from '../src/sync/metadata-api.ts';
import { registerDefinitions, registeredCleanly } from '../src/sync/register.ts';
import { planSync } from '../src/sync/sync-plan.ts';
import type { WorkerLogger } from '../src/worker/index.ts';
import { startBench, type ClusterControl } from './bench.ts';
import type { Scenario } from './scenarios.ts';

/** Options of {@link runRig}. */
export interface RigOptions {
  /** The Conductor server (the dev server or a real conductor-oss / Orkes one). */
  readonly serverUrl: string;
  /** The scenarios to run, in order. */
  readonly scenarios: readonly Scenario[];
  /** Where the report lines go. @default console.log */
  readonly out?: (line: string) => void;
  /** Where the workers log. @default silent */
  readonly logger?: WorkerLogger;
  /** The generated definitions to register. @default <repository>/generated */
  readonly generatedDir?: string;
  /** Keep the bench's temporary directory. @default false */
  readonly keepDir?: boolean;
  /** Replace changed workflows at a version the server has (a development server only, as `register --allow-overwrite`). @default false */
  readonly allowOverwrite?: boolean;
  /**
   * A cluster under the server: its instances get one worker group each, and scenarios that
   * need a cluster (`needsInstances`) run; without it those are skipped with a line saying so.
   */
  readonly cluster?: ClusterControl;
}

/** How one scenario went. */
export interface ScenarioResult {
  readonly name: string;
  readonly workflow: string;
  readonly expected: string;
  /** The status the scenario's run ended with; `ERROR` when the scenario itself failed. */
  readonly status: string;
  /** True when the status is the expected one and every check held. */
  readonly asExpected: boolean;
  /** Wall time of the scenario, seconds. */
  readonly seconds: number;
  readonly workflowId: string;
  readonly problems: readonly string[];
}

const GENERATED = join(import.meta.dirname, '..', 'generated');

/**
 * Registers generated/ on the server and runs `options.scenarios`. Throws when the definitions
 * cannot all be registered (the report names each one) or the bench cannot start.
 */
export async function runRig(options: RigOptions): Promise<ScenarioResult[]> {
  const out = options.out ?? ((line: string) => console.log(line));
  const api = await connectMetadataApi({ serverUrl: options.serverUrl });
  const plan = await planSync(api, await readGenerated(options.generatedDir ?? GENERATED));
  const outcomes = await registerDefinitions(api, plan, { allowOverwrite: options.allowOverwrite === true });
  if (!registeredCleanly(outcomes)) {
    const bad = outcomes.filter((o) => !['registered', 'updated', 'unchanged'].includes(o.result));
    throw new Error(`The K1 definitions could not all be registered on ${options.serverUrl}: ${bad.map((o) => `${o.result} ${o.kind} ${o.label}${o.reason ? ` (${o.reason})` : ''}`).join('; ')}`);
  }
  const sent = outcomes.filter((o) => o.result !== 'unchanged').length;
  out(`rig: ${outcomes.length} definitions on ${options.serverUrl} (${sent} sent)`);

  const bench = await startBench({
    serverUrl: options.serverUrl,
    ...(options.cluster && { workerServerUrls: options.cluster.urls, cluster: options.cluster }),
    ...(options.logger && { logger: options.logger }),
    ...(options.keepDir !== undefined && { keepDir: options.keepDir }),
  });
  const instances = options.cluster?.urls.length ?? 1;
  const results: ScenarioResult[] = [];
  try {
    for (const scenario of options.scenarios) {
      if ((scenario.needsInstances ?? 1) > instances) {
        out(`scenario ${scenario.name}: skipped (needs a cluster of ${scenario.needsInstances}: npm run rig -- --cluster ${scenario.needsInstances} ...)`);
        continue;
      }
      const began = performance.now();
      let status = 'ERROR';
      let workflowId = '';
      let problems: readonly string[];
      let notes: readonly string[] = [];
      try {
        const outcome = await scenario.run(bench);
        ({ status, workflowId, problems } = outcome);
        notes = outcome.notes ?? [];
      } catch (error) {
        problems = [`the scenario failed: ${error instanceof Error ? error.message : String(error)}`];
      }
      const result: ScenarioResult = {
        name: scenario.name,
        workflow: scenario.workflow,
        expected: scenario.expected,
        status,
        asExpected: status === scenario.expected && problems.length === 0,
        seconds: (performance.now() - began) / 1000,
        workflowId,
        problems,
      };
      results.push(result);
      out(`scenario ${result.name}: ${result.status} (expected ${result.expected}) in ${result.seconds.toFixed(1)} s${workflowId ? `, ${workflowId}` : ''}`);
      for (const note of notes) out(`  · ${note}`);
      for (const problem of problems) out(`  - ${problem}`);
    }
    const skipped = bench.workers.reduce((sum, w) => sum + Object.values(w.status().tasks).reduce((n, t) => n + t.duplicates, 0), 0);
    out(`rig: the workers skipped ${skipped} duplicate deliver${skipped === 1 ? 'y' : 'ies'} (a task the server handed out again while a worker held it)`);
  } finally {
    await bench.close();
  }
  const good = results.filter((r) => r.asExpected).length;
  out(`${good} as expected, ${results.length - good} not`);
  return results;
}
