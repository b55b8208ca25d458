import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../shared/eventStore/canonical.js';

/**
 * The definition every stored hash was computed with (entries sorted by `<`, undefined members
 * left out, sets as their sorted members): the chain of commits already written is checked with
 * canonicalJson, so its bytes must never change, however it is written.
 */
const reference = (value: unknown): string => {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (value instanceof Set) return reference([...(value as Set<unknown>)].map(String).sort());
  if (Array.isArray(value)) return `[${value.map((item) => reference(item === undefined ? null : item)).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${reference(v)}`).join(',')}}`;
};

const values = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constantFrom(null, undefined, true, false),
    fc.double(),
    fc.integer(),
    fc.string({ unit: 'grapheme' }),
    fc.string({ unit: 'binary' }),
    fc.array(tie('value')),
    fc.dictionary(fc.string({ unit: 'binary' }), tie('value')),
    fc.uniqueArray(fc.string()).map((members) => new Set(members)),
  ),
})).value;

describe('canonicalJson', () => {
  it('gives the bytes of the definition the stored hashes were computed with, for any JSON-like value', () => {
    fc.assert(
      fc.property(values, (value) => {
        expect(canonicalJson(value)).toBe(reference(value));
      }),
      { numRuns: 2000 },
    );
  });

  it('sorts keys by UTF-16 code units at every depth and leaves undefined members out', () => {
    expect(canonicalJson({ b: 1, a: [{ d: 1, c: undefined, B: 2 }], é: null, z: undefined })).toBe('{"a":[{"B":2,"d":1}],"b":1,"é":null}');
    expect(canonicalJson([undefined, 1])).toBe('[null,1]');
    expect(canonicalJson(new Set(['b', 'a']))).toBe('["a","b"]');
  });
});
