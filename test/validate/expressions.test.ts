import { describe, expect, it } from 'vitest';
import { findReferences, findUnclosedExpressions } from '../../src/validate/expressions.ts';

const roots = (value: unknown): (string | undefined)[] => findReferences(value).map((r) => r.root);

describe('findReferences', () => {
  it('finds a whole-string reference with its root and path', () => {
    expect(findReferences({ bin: '${compile.output.path}' }, 'inputParameters')).toEqual([
      { expression: 'compile.output.path', root: 'compile', at: 'inputParameters.bin' },
    ]);
  });

  it('finds every reference in interpolated text', () => {
    expect(roots('Name: ${workflow.input.name}; Version: ${build.output.version};')).toEqual(['workflow', 'build']);
  });

  it('looks into nested objects and arrays, naming the path of each string', () => {
    const refs = findReferences({ a: { b: ['x', '${t1.output}'] }, 'odd key': '${t2.output}' }, 'inputParameters');
    expect(refs.map((r) => r.at)).toEqual(['inputParameters.a.b[1]', 'inputParameters["odd key"]']);
  });

  it('strips indexes and quoted keys from the root', () => {
    expect(roots(['${loopTask[\'iteration\']}', '${items[0].id}', '${$.workflow.input}'])).toEqual(['loopTask', 'items', 'workflow']);
  });

  it('reports the outer and inner references of nested expressions', () => {
    expect(findReferences('${map.${key.output}[${i.output}]}').map((r) => [r.expression, r.root])).toEqual([
      ['map.${key.output}[${i.output}]', 'map'],
      ['key.output', 'key'],
      ['i.output', 'i'],
    ]);
  });

  it('leaves the root undefined when a nested expression computes it', () => {
    expect(roots('${${workflow.input.task}.output}')).toEqual([undefined, 'workflow']);
  });

  it('does not treat the $${ escape as a reference, but still sees references nested in it', () => {
    expect(roots('$${name} and $${a.${b.output}}')).toEqual(['b']);
  });

  it('does not treat ${} or ${  } as a reference', () => {
    expect(findReferences(['${}', 'x ${  } y'])).toEqual([]);
  });

  it('ignores numbers, booleans, null and plain strings', () => {
    expect(findReferences({ n: 1, b: true, z: null, s: 'workflow.input.x', d: '$.x' })).toEqual([]);
  });
});

describe('findUnclosedExpressions', () => {
  it('finds a string whose ${ is never closed, once', () => {
    expect(findUnclosedExpressions({ a: 'x ${workflow.input ${b', ok: '${t.output}' }, 'inputParameters')).toEqual([
      { at: 'inputParameters.a', text: 'x ${workflow.input ${b' },
    ]);
  });

  it('still finds the closed references around an unclosed one', () => {
    expect(roots('${a.output ${b.output}')).toEqual(['b']);
  });

  it('finds nothing in balanced text', () => {
    expect(findUnclosedExpressions(['${a}', '{ "json": true }', '$${x'])).toEqual([]);
  });
});
