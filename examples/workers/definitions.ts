/** Two task contracts and the workflow that chains them: workers in workers.ts answer both. */
import { z } from 'zod';
import { defineTask, workflow } from '@k1/workflows';

export const fetchReading = defineTask({
  name: 'example_fetch_reading',
  description: 'Reads a sensor.',
  input: z.object({ sensor: z.string() }),
  output: z.object({ celsius: z.number() }),
  retryCount: 2,
  retryDelaySeconds: 1,
  timeoutSeconds: 20,
});

export const classify = defineTask({
  name: 'example_classify',
  description: 'Names a temperature.',
  input: z.object({ celsius: z.number() }),
  output: z.object({ label: z.enum(['cold', 'mild', 'hot']) }),
  timeoutSeconds: 20,
});

export const sensorReport = workflow(
  {
    name: 'example_sensor_report',
    version: 1,
    description: 'Reads a sensor and labels its temperature.',
    input: z.object({ sensor: z.string() }),
    output: z.object({ celsius: z.number(), label: z.enum(['cold', 'mild', 'hot']) }),
  },
  (f) => f
    .task('read', fetchReading, (s) => ({ sensor: s.input.sensor }))
    .task('label', classify, (s) => ({ celsius: s.read.output.celsius }))
    .output((s) => ({ celsius: s.read.output.celsius, label: s.label.output.label })),
);

/** Every contract the workers serve. */
export const tasks = [fetchReading, classify];
