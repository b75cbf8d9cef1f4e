/**
 * Tests the workers example's workflow locally, with no server: `run()` executes it with
 * Conductor's semantics on a virtual clock. Run it with `npx vitest run examples/local-test`.
 */
import { describe, expect, it } from 'vitest';
import { run } from '@k1/workflows/testing';
import { sensorReport } from '../workers/definitions.ts';
import { exampleWorkers } from '../workers/workers.ts';

describe('example_sensor_report', () => {
  it('runs with the real workers: the same objects that poll a server', async () => {
    const result = await run(sensorReport, { sensor: 'attic' }, { workers: exampleWorkers({ signal: new AbortController().signal }) });
    expect(result.status).toBe('COMPLETED');
    expect(result.output).toEqual({ celsius: 31.5, label: 'hot' });
  });

  it('fails for good on an unknown sensor: a TerminalError is not retried', async () => {
    const result = await run(sensorReport, { sensor: 'garage' }, { workers: exampleWorkers({ signal: new AbortController().signal }) });
    expect(result.status).toBe('FAILED');
    expect(result.attempts('read').map((t) => t.status)).toEqual(['FAILED_WITH_TERMINAL_ERROR']);
    expect(result.reasonForIncompletion).toContain('unknown sensor "garage"');
  });

  it('mocks by task reference name, handles by task name', async () => {
    const result = await run(sensorReport, { sensor: 'anywhere' }, {
      mocks: { read: [{ status: 'FAILED', output: {} }, { status: 'COMPLETED', output: { celsius: 4 } }] },
      handlers: { example_classify: (task) => ({ label: Number(task.inputData['celsius']) < 12 ? 'cold' : 'mild' }) },
    });
    expect(result.output).toEqual({ celsius: 4, label: 'cold' });
    // The retry waited retryDelaySeconds (1 s) on the virtual clock, not in real time.
    const [first, second] = result.attempts('read');
    // The retry is scheduled at once with a callback of retryDelaySeconds and starts 1 s later.
    expect(second!.callbackAfterSeconds).toBe(1);
    expect(second!.startTime - first!.endTime).toBe(1000);
  });
});
