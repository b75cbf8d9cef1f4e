import type { TestProject } from 'vitest/node';
import { startConductor, type RunningConductor } from '../../src/conductor/start-conductor.ts';
import { CONDUCTOR_VERSION } from '../../src/conductor/version.ts';
import { formatAllowlist } from './allowlist.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Base URL of the real Conductor server every part talks to. */
    conductorUrl: string;
  }
}

/** Starts the pinned server once for every part (or uses `K1_CONDUCTOR_URL`), and prints the allowlist. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  let conductor: RunningConductor | undefined;
  const given = process.env.K1_CONDUCTOR_URL;
  if (given) {
    console.log(`conformance: against ${given} (K1_CONDUCTOR_URL), expected to run conductor-oss ${CONDUCTOR_VERSION}`);
  } else {
    conductor = await startConductor();
    console.log(`conformance: conductor-oss ${conductor.version} healthy on ${conductor.url} after ${(conductor.startMs / 1000).toFixed(1)} s (log: ${conductor.logFile})`);
  }
  project.provide('conductorUrl', given ?? (conductor as RunningConductor).url);
  console.log(formatAllowlist());
  return async () => {
    await conductor?.stop();
  };
}
