import { describe, expect, it } from 'vitest';
import { resolveParameters, resolveString, type ExpressionDocument } from '../../src/runner/parameters.ts';

// Expected values were checked against the server's own code: ParametersUtils.replaceVariables
// run on Jayway JsonPath 2.10 + json-smart, with the document read by Jackson.

/** The guide's §2 document (the same as ParametersUtilsTest.testNestedPathExpressions). */
const guideDoc: ExpressionDocument = {
  name: 'conductor',
  version: 2,
  index: 1,
  mapValue: 'a',
  recordIds: [1, 2, 3],
  map: { a: [1, 2, 3], b: [2, 4, 5] },
};

/** A run's document, as the runner builds it. */
const runDoc: ExpressionDocument = {
  workflow: {
    input: {
      id: 'fw-42',
      count: 3,
      ratio: 0.5,
      tiny: 0.0001,
      big: 12345678.5,
      enabled: true,
      nothing: null,
      tags: ['a', 'b'],
      build: { target: 'esp32', flags: ['-O2', '-g'] },
      'a-b': 'dash',
      ключ: 'значение',
      数: 7,
      zip: '02134',
      template: 'Hello ${workflow.input.id}',
      escaped: 'cost $${price}',
      key: 'target',
      i: 1,
    },
    workflowId: 'wf-1',
    status: 'RUNNING',
    variables: { attempt: 2 },
  },
  t1: {
    input: {},
    output: {
      a: { b: { c: { d: { e: 'deep' } } } },
      items: [{ name: 'x', size: 1 }, { name: 'y', size: 5 }, { name: 'z' }],
      empty: [],
      text: 'plain',
      'weird key': 1,
      "it's": 2,
      'a/b': ['q"x', 'a/b', '\u2028', 'é'],
    },
    status: 'COMPLETED',
  },
};

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    Object.values(value).forEach(deepFreeze);
    Object.freeze(value);
  }
  return value;
}

describe('the guide §2 worked examples', () => {
  it.each([
    ['${name}', 'conductor'],
    ['${version}', 2],
    ['${recordIds[${index}]}', 2],
    ['${map.${mapValue}[${index}]}', 2],
    ['${map.b[${map.${mapValue}[${index}]}]}', 5],
    ['Name: ${name}; Version: ${version};', 'Name: conductor; Version: 2;'],
    ['$${name} ${version}', '${name} 2'],
  ])('%s → %j', (template, expected) => {
    expect(resolveString(template, guideDoc)).toBe(expected);
  });

  it('resolves objects and lists recursively', () => {
    expect(resolveParameters({ a: '${name}', b: ['${version}'] }, guideDoc)).toStrictEqual({
      a: 'conductor',
      b: [2],
    });
  });
});

describe('ParametersUtilsTest', () => {
  const externalId = '{"taskRefName":"t001","workflowId":"w002"}';

  it('testReplace: a JSON string stays a string; $. paths read the root', () => {
    const doc = { name: 'conductor', version: 2, externalId };
    expect(resolveParameters({ k1: '${$.externalId}', k4: '${name}', k5: '${version}' }, doc)).toStrictEqual({
      k1: externalId,
      k4: 'conductor',
      k5: 2,
    });
  });

  it('testReplaceWithMapExpand: paths into an object; a missing key is null', () => {
    const doc = { externalId: { taskRefName: 't001', workflowId: 'w002' }, name: 'conductor', version: 2 };
    const input = { k2: '${externalId.taskRefName}', k3: '${__json_externalId.taskRefName}', k4: '${name}', k5: '${version}' };
    expect(resolveParameters(input, doc)).toStrictEqual({ k2: 't001', k3: null, k4: 'conductor', k5: 2 });
  });

  it('testReplaceConcurrent: a cached template reads each new document', () => {
    const inputParams = { k1: '${payload.someId}', k2: '${name}' };
    for (let i = 0; i < 1000; i++) {
      const doc = { payload: { event: 'conductor:TEST_EVENT', someId: `test-${i}` }, name: 'conductor', version: 2 };
      expect(resolveParameters(inputParams, doc)).toStrictEqual({ k1: `test-${i}`, k2: 'conductor' });
    }
  });

  it('testReplaceInputWithMapAndList: maps, lists, blank expressions, no mutation', () => {
    const doc = { name: 'conductor', version: 2, externalId };
    const input = deepFreeze({
      k1: '${$.externalId}',
      k2: '${name}',
      k3: '${version}',
      k4: '${}',
      k5: '${    }',
      map: { name: '${name}', version: '${version}' },
      list: ['${name}', '${version}'],
    });
    const copy = structuredClone(input);
    expect(resolveParameters(input, doc)).toStrictEqual({
      k1: externalId,
      k2: 'conductor',
      k3: 2,
      k4: '',
      k5: '',
      map: { name: 'conductor', version: 2 },
      list: ['conductor', 2],
    });
    expect(input).toStrictEqual(copy);
  });

  it('testNestedPathExpressions', () => {
    const doc = { ...guideDoc, map: { a: [1, 2, 3], b: [2, 4, 5], c: [3, 7, 8] } };
    const input = { k1: '${recordIds[${index}]}', k2: '${map.${mapValue}[${index}]}', k3: '${map.b[${map.${mapValue}[${index}]}]}' };
    expect(resolveParameters(input, doc)).toStrictEqual({ k1: 2, k2: 2, k3: 5 });
  });

  it('testReplaceWithEscapedTags', () => {
    const doc = { someString: 'conductor', someNumber: 2 };
    const input = deepFreeze({
      k1: '${$.someString} $${$.someNumber}${$.someNumber} ${$.someNumber}$${$.someString}',
      k2: '$${$.someString}afterText',
      k3: 'beforeText$${$.someString}',
      k4: '$${$.someString} afterText',
      k5: 'beforeText $${$.someString}',
      map: { a: '${someString}', b: '${someNumber}', c: '$${someString} ${someNumber}' },
      list: ['${someString}', '${someNumber}', '${someString} $${someNumber}'],
    });
    expect(resolveParameters(input, doc)).toStrictEqual({
      k1: 'conductor ${$.someNumber}2 2${$.someString}',
      k2: '${$.someString}afterText',
      k3: 'beforeText${$.someString}',
      k4: '${$.someString} afterText',
      k5: 'beforeText ${$.someString}',
      map: { a: 'conductor', b: 2, c: '${someString} 2' },
      list: ['conductor', 2, 'conductor ${someNumber}'],
    });
    expect(input.map.c).toBe('$${someString} ${someNumber}');
  });
});

describe('a lone ${...} gives the raw value', () => {
  it.each([
    ['${workflow.input.id}', 'fw-42'],
    ['${workflow.input.count}', 3],
    ['${workflow.input.ratio}', 0.5],
    ['${workflow.input.enabled}', true],
    ['${workflow.input.nothing}', null],
    ['${workflow.input.zip}', '02134'],
    ['${workflow.input.tags}', ['a', 'b']],
    ['${workflow.input.build}', { target: 'esp32', flags: ['-O2', '-g'] }],
    ['${workflow.variables.attempt}', 2],
    ['${workflow.status}', 'RUNNING'],
    ['${t1.status}', 'COMPLETED'],
    ['${t1.output.a.b}', { c: { d: { e: 'deep' } } }],
    ['${t1.output.a.b.c.d.e}', 'deep'],
  ])('%s', (template, expected) => {
    expect(resolveString(template, runDoc)).toStrictEqual(expected);
  });

  it('returns the document value itself, as the server does', () => {
    const build = (runDoc['workflow'] as { input: { build: unknown } }).input.build;
    expect(resolveString('${workflow.input.build}', runDoc)).toBe(build);
  });

  it('does not resolve again a value that holds ${ (it came from a task, not the template)', () => {
    expect(resolveString('${workflow.input.template}', runDoc)).toBe('Hello ${workflow.input.id}');
    expect(resolveString('${workflow.input.escaped}', runDoc)).toBe('cost $${price}');
  });
});

describe('missing paths read null, never an error', () => {
  it.each([
    '${workflow.input.missing}',
    '${nosuchtask.output.x}',
    '${workflow.input.count.x}', // a property of a number
    '${workflow.input.id.length}', // strings have no properties
    '${workflow.input.tags.0}', // a list has no property `0`
    '${workflow.input.tags.length}',
    '${t1.output.items[5]}',
    '${t1.output.empty[0]}',
    '${t1.output.a[0]}', // an index into an object
    '${workflow.input.id[0]}', // an index into a string
    '${constructor}',
    '${__proto__}',
    '${workflow.input.toString}',
    '${workflow.input.${workflow.input.missing}}', // reads `workflow.input.null`
    '${workflow.${}}', // `workflow.` is an invalid path
    '${ workflow.input.id}', // Jayway: a space inside a dotted property name
    '${t1.output.items[?(@.size >]}',
    // Filters only read the document (filter-eval.ts): a call or an assignment is refused.
    "${t1.output.items[?(@.name.toString() == 'x')]}",
    '${t1.output.items[?(@.size = 1)]}',
  ])('%s', (template) => {
    expect(resolveString(template, runDoc)).toBeNull();
  });
});

describe('JsonPath features, as Jayway reads them', () => {
  it.each([
    ['${t1.output.items[0].name}', 'x'],
    ['${t1.output.items[-1]}', { name: 'z' }],
    ["${workflow.input['a-b']}", 'dash'],
    ['${workflow.input["a-b"]}', 'dash'],
    ['${workflow.input.a-b}', 'dash'],
    ["${t1.output['weird key']}", 1],
    ["${t1.output['it\\'s']}", 2],
    ["${['t1']['output']['text']}", 'plain'],
    ['${t1.output.items[ 1 ].size}', 5],
    ['${workflow.input.ключ}', 'значение'],
    ["${workflow.input['ключ']}", 'значение'],
    ['${workflow.input.数}', 7],
    ['${workflow.input.id }', 'fw-42'],
    ['${$.workflow.input.id}', 'fw-42'],
    ['${@.workflow.input.id}', 'fw-42'],
    ['${t1.output.items.length()}', 3],
    ['${t1.output.a.length()}', 1],
    ['${t1.output.text.length()}', null],
  ])('definite %s → %j', (template, expected) => {
    expect(resolveString(template, runDoc)).toStrictEqual(expected);
  });

  it.each([
    ['${t1.output.items[*].name}', ['x', 'y', 'z']],
    ['${t1.output.items[*].size}', [1, 5]],
    ['${t1.output.items[?(@.size > 1)].name}', ['y']],
    ['${t1.output.items[?(@.size > 1)]}', [{ name: 'y', size: 5 }]],
    ["${t1.output.items[?(@.name == 'z' || @.size == 1)].name}", ['x', 'z']],
    ["${t1.output.items[?(@['size'] >= 5 ? true : @.name == 'x')].name}", ['x', 'y']],
    ['${t1.output.items[?(@.constructor)]}', []], // own properties only
    ['${t1.output.items[?(@.size)].name}', ['x', 'y']],
    ['${t1.output.items[0:2].name}', ['x', 'y']],
    ['${t1.output.items[0,2].name}', ['x', 'z']],
    ['${t1.output..name}', ['x', 'y', 'z']],
    ['${workflow.input.build.*}', ['esp32', ['-O2', '-g']]],
    ['${t1.output.empty[*]}', []],
    ['${t1.output.missing[*]}', []],
    ['${t1.output.text[*]}', []],
    ['${t1.output.items[*].name[0]}', []],
  ])('indefinite %s → a list %j', (template, expected) => {
    expect(resolveString(template, runDoc)).toStrictEqual(expected);
  });

  it('ignores one character left after a token, as Jayway does', () => {
    expect(resolveString('${t1.output.items[0]x}', runDoc)).toStrictEqual({ name: 'x', size: 1 });
    expect(resolveString('${t1.output.text[}', runDoc)).toBe('plain');
  });

  it('reads the whole document from $', () => {
    expect(resolveString('${$}', guideDoc)).toBe(guideDoc);
  });
});

describe('nested expressions resolve inside out', () => {
  it.each([
    ['${workflow.input.build.${workflow.input.key}}', 'esp32'],
    ['${workflow.input.tags[${workflow.input.i}]}', 'b'],
    ['${workflow.input.build.flags[${workflow.input.i}]}', '-g'],
    ['pre-${workflow.input.tags[${workflow.input.i}]}', 'pre-b'],
  ])('%s → %j', (template, expected) => {
    expect(resolveString(template, runDoc)).toBe(expected);
  });

  it('builds the inner path as text: a list becomes `[1, 2, 3]`, an index list on the root', () => {
    expect(resolveString('${${map.a}}', guideDoc)).toStrictEqual([]);
  });
});

describe('interpolation prints values as Java does', () => {
  it('prints scalars, null and missing values', () => {
    const template =
      'id=${workflow.input.id}, n=${workflow.input.count}, r=${workflow.input.ratio}, t=${workflow.input.tiny}, ' +
      'b=${workflow.input.big}, on=${workflow.input.enabled}, none=${workflow.input.nothing}, gone=${workflow.input.missing}';
    expect(resolveString(template, runDoc)).toBe(
      'id=fw-42, n=3, r=0.5, t=1.0E-4, b=1.23456785E7, on=true, none=null, gone=null',
    );
  });

  it("prints a document's objects and lists with Java's toString", () => {
    expect(resolveString('tags=${workflow.input.tags} build=${workflow.input.build}', runDoc)).toBe(
      'tags=[a, b] build={target=esp32, flags=[-O2, -g]}',
    );
  });

  it("prints an indefinite path's list as json-smart JSON", () => {
    expect(resolveString('names=${t1.output.items[*].name} flags=${workflow.input.build.flags}', runDoc)).toBe(
      'names=["x","y","z"] flags=[-O2, -g]',
    );
    expect(resolveString('items ${t1.output.items[?(@.size > 1)]}', runDoc)).toBe('items [{"name":"y","size":5}]');
    expect(resolveString('${t1.output.a/b[*]} and ${t1.output.a/b}', runDoc)).toBe(
      '["q\\"x","a\\/b","\\u2028","é"] and [q"x, a/b, \u2028, é]',
    );
  });

  it('joins several expressions and text', () => {
    expect(resolveString('${workflow.workflowId}-${t1.status}', runDoc)).toBe('wf-1-COMPLETED');
    expect(resolveString('{${workflow.input.id}}', runDoc)).toBe('{fw-42}');
  });

  it('turns $${ into ${ in substituted values too (the server unescapes the whole string)', () => {
    expect(resolveString('x ${workflow.input.escaped}', runDoc)).toBe('x cost ${price}');
    expect(resolveString('x ${workflow.input.template}', runDoc)).toBe('x Hello ${workflow.input.id}');
  });
});

describe('escapes, blanks and unbalanced braces', () => {
  it.each([
    ['$${workflow.input.id}', '${workflow.input.id}'],
    ['$${}', '${}'],
    ['$$', '$$'],
    ['a$${b', 'a${b'],
    ['${workflow.input.id} $$${workflow.input.count}', 'fw-42 $${workflow.input.count}'],
    ['${}', ''],
    ['${ }', ''],
    ['${\t}', ''],
    ['a${}b', 'ab'],
    ['no expressions', 'no expressions'],
    ['${workflow.input.id', '${workflow.input.id'],
    ['${workflow.input.id}}', 'fw-42}'],
    // Java's matcher finds nothing more after a `${` that is never closed.
    ['${a ${workflow.input.id}', '${a ${workflow.input.id}'],
    ['${workflow.input.id} ${a', 'fw-42 ${a'],
    ['${a ${workflow.input.id}} ${workflow.input.count}', 'null 3'],
  ])('%j → %j', (template, expected) => {
    expect(resolveString(template, runDoc)).toBe(expected);
  });
});

describe('resolveParameters', () => {
  it('keeps values that are not strings', () => {
    const template = { n: 1, f: 1.5, t: true, z: false, nil: null, list: [0, null, '${workflow.input.count}'] };
    expect(resolveParameters(template, runDoc)).toStrictEqual({ ...template, list: [0, null, 3] });
    expect(resolveParameters(7, runDoc)).toBe(7);
    expect(resolveParameters(null, runDoc)).toBeNull();
  });

  it('returns new objects and lists, leaving a frozen template as it was', () => {
    const template = deepFreeze({ deep: { er: { list: [{ id: '${workflow.input.id}' }, ['${t1.output.items[*].size}']] } }, plain: { a: 1 } });
    const resolved = resolveParameters(template, runDoc) as typeof template;
    expect(resolved).toStrictEqual({ deep: { er: { list: [{ id: 'fw-42' }, [[1, 5]]] } }, plain: { a: 1 } });
    expect(resolved.plain).not.toBe(template.plain);
    expect(resolved.deep.er.list).not.toBe(template.deep.er.list);
  });

  it('keeps a __proto__ key as data and does not resolve keys', () => {
    const template = JSON.parse('{"__proto__": "${workflow.input.id}", "${workflow.input.id}": 1}') as unknown;
    const resolved = resolveParameters(template, runDoc) as Record<string, unknown>;
    expect(Object.getPrototypeOf(resolved)).toBe(Object.prototype);
    expect(Object.entries(resolved)).toStrictEqual([
      ['__proto__', 'fw-42'],
      ['${workflow.input.id}', 1],
    ]);
  });
});
