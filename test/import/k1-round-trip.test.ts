import { describe, expect, it } from 'vitest';
import { importDefinitions } from '../../src/import/import-definitions.ts';
import { verifyImport, verifyReport } from '../../src/import/verify.ts';
import { generatedK1 } from './support.ts';

describe('importing the generated K1 definitions', () => {
  it('re-emits every workflow and task definition equal, with no task kept verbatim', async () => {
    const result = await verifyImport(generatedK1());
    console.log(`import --verify generated/: ${verifyReport(result).at(-1)} (${Math.round(result.ms)} ms)`);
    expect(verifyReport(result)).toEqual([
      'equal audio-processing-pipeline',
      'equal deployment-rollback-handler',
      'equal firmware-build-failure-handler',
      'equal firmware-ci-cd-pipeline',
      'equal k1-push-event',
      'equal multi-stage-deployment',
      'equal pattern-generation-testing',
      'equal pattern-nightly-regression',
      '8 equal, 0 differ, 0 kept verbatim',
    ]);
  }, 120_000);

  it('re-emits every workflow equal without its task definitions too (outputs nothing is known of)', async () => {
    const result = await verifyImport({ workflows: generatedK1().workflows });
    expect(verifyReport(result).at(-1)).toBe('8 equal, 0 differ, 0 kept verbatim');
  }, 120_000);

  it('lays the source out like definitions/: a file per workflow, task groups, imports between them', () => {
    const result = importDefinitions(generatedK1());
    expect(result.files.map((f) => f.path)).toEqual([
      'index.ts',
      'tasks/audio-processing-pipeline-tasks.ts',
      'tasks/deployment-rollback-handler-tasks.ts',
      'tasks/firmware-build-failure-handler-tasks.ts',
      'tasks/firmware-ci-cd-pipeline-tasks.ts',
      'tasks/multi-stage-deployment-tasks.ts',
      'tasks/pattern-generation-testing-tasks.ts',
      'tasks/shared-tasks.ts',
      'workflows/audio-processing-pipeline.ts',
      'workflows/deployment-rollback-handler.ts',
      'workflows/firmware-build-failure-handler.ts',
      'workflows/firmware-ci-cd-pipeline.ts',
      'workflows/k1-push-event.ts',
      'workflows/multi-stage-deployment.ts',
      'workflows/pattern-generation-testing.ts',
      'workflows/pattern-nightly-regression.ts',
    ]);
    const file = (path: string): string => result.files.find((f) => f.path === path)?.content ?? '';
    const pipeline = file('workflows/firmware-ci-cd-pipeline.ts');
    // The failure workflow and the sub-workflow are imported from their own files.
    expect(pipeline).toContain("import { firmwareBuildFailureHandler } from './firmware-build-failure-handler.ts';");
    expect(pipeline).toContain('failureWorkflow: firmwareBuildFailureHandler,');
    expect(file('workflows/multi-stage-deployment.ts')).toContain("import { deploymentRollbackHandler } from './deployment-rollback-handler.ts';");
    // References are typed where the DSL types them, in template literals too.
    expect(file('workflows/firmware-build-failure-handler.ts')).toContain(
      'text: `Firmware pipeline ${s.input.workflowId} ${s.input.failureStatus} on ${s.input.repo}@${s.input.commit_sha}: ${s.input.reason}`,',
    );
    // Contracts carry the task definitions' schemas as zod, and the options that differ from the project's defaults.
    expect(file('tasks/deployment-rollback-handler-tasks.ts')).toContain("selected_by: z.enum(['target_version', 'last_good']).describe('Whether target_version or the last-good rule chose it'),");
    expect(file('tasks/deployment-rollback-handler-tasks.ts')).toMatch(/retryLogic: 'FIXED',\n\s+timeoutSeconds: 60,\n\s+responseTimeoutSeconds: 60,/);
    expect(file('index.ts')).toContain('export const workflows: readonly AnyWorkflow[] = [');
    // The EVENT task comes back as .event(), its input typed, a later reference to its output too.
    expect(file('workflows/k1-push-event.ts')).toMatch(/\.event\('publish_push', \{\n\s+sink: 'conductor',\n\s+input: \(s\) => \(\{\n\s+branch: s\.input\.branch,/);
    expect(file('workflows/k1-push-event.ts')).toContain('event: s.publish_push.output.event_produced');
  });
});
