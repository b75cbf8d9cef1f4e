import { describe, expect, it } from 'vitest';
import { scriptSyntaxError } from '../../src/validate/script-syntax.ts';

/**
 * Each script with what conductor-oss 3.32.3 answered when it was a SWITCH's "javascript"
 * expression (GraalJS parses it at registration): true for 200, false for 400 "Expression is not
 * well formatted".
 */
const SERVER: readonly [parses: boolean, script: string][] = [
  [false, 'return $.x'],
  [true, '$.a?.b ?? 1'],
  [true, '<!-- x\n1'],
  [false, 'await 1'],
  [true, '/(?<n>a)/v.test("a")'],
  [true, 'f(1,2,)'],
  [true, 'class A { #x = 1 }'],
  [false, '{a:1, b:2}'],
  [true, '({a:1})'],
  [true, ''],
  [true, '   '],
  [false, '1 +'],
  [true, 'function e() { return 1 } e();'],
  [false, 'let x = 1; let x = 2;'],
  [false, '"use strict"; with (a) {}'],
  [true, 'with (a) {}'],
  [true, 'x = 08'],
  [false, '"use strict"; 08'],
  [false, 'yield 1'],
  [true, 'import("x")'],
  [false, 'new.target'],
  [true, '#!/bin/x\n1'],
  [true, '`${a}`'],
  [true, '1n + 2n'],
  [true, 'a ||= b'],
  [false, 'break'],
  [false, 'continue'],
  [true, 'async () => await 1'],
  [false, 'import x from "y"'],
  [false, 'export const a = 1'],
  [false, 'let let = 1'],
  [true, 'var await = 1'],
  [false, 'super.x'],
  [true, '/a/gimsuyd'],
  [true, 'a?.[0]'],
  [true, '0b101 + 0o17'],
  [true, '1_000'],
  [false, 'if ($.x > 1 {'],
  [false, '(function () { return $.x > 1 ? "a" : "b"; })('],
];

describe('scriptSyntaxError', () => {
  it.each(SERVER)('parses=%s for %j, as GraalJS in conductor-oss 3.32.3', (parses, script) => {
    expect(scriptSyntaxError(script) === undefined).toBe(parses);
  });

  it('says where the error is, 1-based', () => {
    expect(scriptSyntaxError('if ($.x > 1 {')).toEqual({ message: 'Unexpected token (1:12)', line: 1, column: 13 });
  });
});
