import { describe, expect, it } from 'vitest';
import { jsonPathProblem } from '../../src/validate/json-path-syntax.ts';

/**
 * Each path with what Jayway JsonPath 2.9.0 (the jar inside conductor-oss 3.32.3) answered to
 * `JsonPath.compile`: true when it compiles. The checker agreed with that jar on 15,475 generated
 * paths; these are the readable ones, quirks included (`ids[0]x` and `ids[` compile, a leading
 * space does not).
 */
const JAYWAY: readonly [compiles: boolean, path: string][] = [
    [true, 'workflow.input.x'],
    [true, 'workflow.input.ids[0]'],
    [false, 'workflow.input.ids[0'],
    [true, 'workflow.input.ids[0]x'],
    [true, 'workflow.input.ids['],
    [false, 'workflow.input.'],
    [true, 'workflow.input..id'],
    [false, 'workflow.input.my value'],
    [true, 'workflow.input[\'my value\']'],
    [true, 'workflow.input[\'a\',\'b\']'],
    [false, 'workflow.input[\'a\',]'],
    [true, 'workflow.input[\'q\']'],
    [true, 'workflow.input[*].id'],
    [true, 'workflow.input.*'],
    [true, 'workflow.input.ids[-1]'],
    [true, 'workflow.input.ids[1:]'],
    [true, 'workflow.input.ids[:2]'],
    [true, 'workflow.input.ids[1:2:3]'],
    [false, 'workflow.input.ids[,1]'],
    [false, 'workflow.input.ids[1,]'],
    [false, 'workflow.input.ids[99999999999]'],
    [true, 'workflow.input.ids[ 0 ]'],
    [false, 'workflow.input.ids[a]'],
    [true, 'workflow.input.ids.length()'],
    [false, 'workflow.input.sum(@.a'],
    [true, 'workflow.input.items[?(@.id == 1)].name'],
    [false, 'workflow.input.items[?(@.id ==)]'],
    [true, 'workflow.input.items[?(@.x)]'],
    [true, 'workflow.input.items[?(!@.x)]'],
    [false, 'workflow.input.items[?(1)]'],
    [true, 'workflow.input.items[?(@.a > 2 && @.b < 3)]'],
    [false, 'workflow.input.items[?(@.a == 1 ||)]'],
    [true, 'workflow.input.items[?(@.a =~ /x.*/i)]'],
    [false, 'workflow.input.items[?(@.a nope 1)]'],
    [true, 'workflow.input.items[?(@.a in [1,2])]'],
    [false, 'workflow.input.items[?(@.a == 1.2.3)]'],
    [true, 'workflow.input.items[?(@.a == \'x\')]'],
    [true, 'workflow.input.items[?(@.a == true)]'],
    [false, 'workflow.input.items[?]'],
    [true, '$.workflow.input'],
    [true, '@.workflow'],
    [true, 'task[0].output'],
    [true, 'task.output.result'],
    [false, ' workflow.input'],
    [true, 'workflow.input '],
];

describe('jsonPathProblem', () => {
  it.each(JAYWAY)('compiles=%s for %j, as Jayway 2.9.0', (compiles, path) => {
    expect(jsonPathProblem(path) === undefined).toBe(compiles);
  });

  it("says why, in Jayway's words", () => {
    expect(jsonPathProblem('workflow.input.my value')).toBe("Use bracket notion ['my prop'] if your property contains blank characters. position: 17");
    expect(jsonPathProblem('workflow.input.')).toBe("Path must not end with a '.' or '..'");
  });
});
