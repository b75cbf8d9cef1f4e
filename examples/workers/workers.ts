/** The handlers, bound to their contracts: input parsed and output checked by the contracts' schemas. */
import { createWorker, TerminalError, type WorkerBinding } from '@k1/workflows/worker';
import { classify, fetchReading } from './definitions.ts';

/** Readings of the sensors this example knows, in °C. */
const SENSORS: Readonly<Record<string, number>> = { attic: 31.5, cellar: 9, kitchen: 21 };

/** The label of a temperature in °C. */
function labelOf(celsius: number): 'cold' | 'mild' | 'hot' {
  if (celsius < 12) return 'cold';
  return celsius < 26 ? 'mild' : 'hot';
}

/** The example's workers; `signal` aborts handlers when the process stops. */
export function exampleWorkers({ signal }: WorkerBinding) {
  return [
    createWorker(fetchReading, async (input, ctx) => {
      const celsius = SENSORS[input.sensor];
      if (celsius === undefined) throw new TerminalError(`unknown sensor "${input.sensor}"; known: ${Object.keys(SENSORS).join(', ')}`);
      ctx.log(`read ${input.sensor}: ${celsius} °C`);
      return { celsius };
    }, { signal }),
    createWorker(classify, async (input) => ({ label: labelOf(input.celsius) }), { signal }),
  ];
}
