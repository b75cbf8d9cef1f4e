/** plainCopy gives what structuredClone gives for task data, at less cost on the plain parts. */
import { describe, expect, it } from 'vitest';
import { plainCopy } from '../../src/runner/plain-copy.ts';

describe('plainCopy', () => {
  it('copies plain objects and arrays deeply: changing the original never shows in the copy', () => {
    const original = { a: 1, list: [1, { b: 'x' }, null], nested: { deep: { n: true } }, nothing: null };
    const copy = plainCopy(original);
    expect(copy).toEqual(structuredClone(original));
    original.list.push(4);
    (original.list[1] as { b: string }).b = 'changed';
    original.nested.deep.n = false;
    expect(copy).toEqual({ a: 1, list: [1, { b: 'x' }, null], nested: { deep: { n: true } }, nothing: null });
  });

  it('keeps a __proto__ key as data, as structuredClone does', () => {
    const parsed = JSON.parse('{"__proto__": {"polluted": true}, "a": 1}') as Record<string, unknown>;
    const copy = plainCopy(parsed);
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(Object.hasOwn(copy, '__proto__')).toBe(true);
    expect((copy as { polluted?: unknown }).polluted).toBeUndefined();
    expect(JSON.stringify(copy)).toBe(JSON.stringify(structuredClone(parsed)));
  });

  it('gives what structuredClone gives for what is not plain data', () => {
    class Result {
      constructor(readonly size = 3) {}
    }
    const when = new Date(0);
    const value = { when, map: new Map([['k', 1]]), result: new Result(), bare: Object.assign(Object.create(null), { x: 1 }), skipped: undefined };
    const copy = plainCopy(value);
    expect(copy).toEqual(structuredClone(value));
    expect(copy.when).toBeInstanceOf(Date);
    expect(copy.when).not.toBe(when);
    expect(copy.map).toBeInstanceOf(Map);
    expect(Object.getPrototypeOf(copy.result)).toBe(Object.prototype);
    expect(Object.getPrototypeOf(copy.bare)).toBe(Object.prototype);
    expect(Object.hasOwn(copy, 'skipped')).toBe(true);
    expect(() => plainCopy({ f: () => 1 })).toThrow(/could not be cloned/);
  });

  it('copies data nested past 1000 levels, and a cycle, as structuredClone does', () => {
    let deep: unknown = 'leaf';
    for (let i = 0; i < 1500; i++) deep = [deep];
    let copied = plainCopy(deep);
    expect(copied).not.toBe(deep);
    for (let i = 0; i < 1500; i++) copied = (copied as unknown[])[0];
    expect(copied).toBe('leaf');
    const cyclic: Record<string, unknown> = { name: 'c' };
    cyclic['self'] = cyclic;
    const copy = plainCopy(cyclic);
    let at: Record<string, unknown> = copy;
    for (let i = 0; i < 1500; i++) at = at['self'] as Record<string, unknown>;
    expect(at['name']).toBe('c');
  });
});
