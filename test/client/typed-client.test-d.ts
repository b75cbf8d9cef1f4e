import type { Client } from '@io-orkes/conductor-javascript';
import { describe, expectTypeOf, it } from 'vitest';
import { firmwareCiCdPipeline, multiStageDeployment } from '../../definitions/index.ts';
import { startWorkflow, waitForWorkflow, type WorkflowId } from '../../src/index.ts';

declare const client: Client;

describe('typed client', () => {
  it('input is the workflow input: defaults may be left out, wrong types and unknown workflows are errors', async () => {
    const id = await startWorkflow(client, firmwareCiCdPipeline, { repo: 'K1.node1', branch: 'main', commit_sha: 'a1b2c3d', device_ip: '10.0.0.2' });
    expectTypeOf(id).toEqualTypeOf<WorkflowId<typeof firmwareCiCdPipeline>>();
    // @ts-expect-error reason: commit_sha is required
    await startWorkflow(client, firmwareCiCdPipeline, { repo: 'K1.node1', branch: 'main', device_ip: '10.0.0.2' });
    // @ts-expect-error reason: max_flash_percent is a number
    await startWorkflow(client, firmwareCiCdPipeline, { repo: 'r', branch: 'b', commit_sha: 'a1b2c3d', device_ip: 'd', max_flash_percent: '70' });
  });

  it('output is typed from the workflow the id came from', async () => {
    const id = await startWorkflow(client, firmwareCiCdPipeline, { repo: 'r', branch: 'b', commit_sha: 'a1b2c3d', device_ip: 'd' });
    const done = await waitForWorkflow(client, id);
    expectTypeOf(done.output.deployment_status).toEqualTypeOf<'deployed' | 'already_deployed'>();
    expectTypeOf(done.output.metrics.flash_percent).toEqualTypeOf<number>();
    // @ts-expect-error reason: the firmware pipeline has no "deployed" output (multi-stage-deployment has)
    done.output.deployed;
    const release = await waitForWorkflow(client, '' as WorkflowId<typeof multiStageDeployment>);
    expectTypeOf(release.output.deployed).toEqualTypeOf<boolean>();
  });
});
