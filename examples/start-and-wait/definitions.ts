/**
 * A workflow made of tasks the server runs itself (INLINE, JSON_JQ_TRANSFORM), so it completes
 * without any worker: the smallest thing to start and wait for.
 */
import { z } from 'zod';
import { workflow } from '@k1/workflows';

export const wordCount = workflow(
  {
    name: 'example_word_count',
    version: 1,
    description: 'Counts the words of a text and names the longest.',
    input: z.object({ text: z.string() }),
    output: z.object({ words: z.number(), longest: z.string() }),
  },
  (f) => f
    .inline('split', { input: (s) => ({ text: s.input.text }), script: (p) => `${p.text}.split(/\\s+/).filter(function (w) { return w.length > 0; })`, result: z.array(z.string()) })
    .jq('measure', { input: (s) => ({ words: s.split.output.result }), query: '{ words: (.words | length), longest: (.words | max_by(length)) }', result: z.object({ words: z.number(), longest: z.string() }) })
    .output((s) => ({ words: s.measure.output.result.words, longest: s.measure.output.result.longest })),
);
