import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { fromAttributeValue, fromItem, toAttributeValue, toItem, toKey } from '../../shared/aws/attributes.js';

/*
 * The attribute converter replaces @aws-sdk/util-dynamodb in the functions (issue 16): it must give
 * what the library gives, with the options the code used, for every value this system stores.
 */

const safe = (n: number) => n <= Number.MAX_SAFE_INTEGER && n >= Number.MIN_SAFE_INTEGER;
const number = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }).filter(safe),
  fc.constantFrom(0, -0, 0.1, -12.5, 1e-300, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER),
);
const scalar = fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), number, fc.boolean(), fc.constant(null), fc.constant(undefined));
const stringSet = fc.uniqueArray(fc.string(), { minLength: 1, maxLength: 5 }).map((members) => new Set(members));
const numberSet = fc.uniqueArray(fc.integer(), { minLength: 1, maxLength: 5 }).map((members) => new Set(members));
const bytes = fc.uint8Array({ maxLength: 8 });

const { value: storedValue } = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, stringSet, numberSet, bytes, tie('list'), tie('map')),
  list: fc.array(tie('value'), { maxLength: 4 }),
  // "__proto__" apart: marshall and unmarshall lose it, and the converter refuses it (tested below).
  map: fc.dictionary(
    fc.string().filter((name) => name !== '__proto__'),
    tie('value'),
    { maxKeys: 4 },
  ),
}));

const record = fc.dictionary(
  fc.string().filter((name) => name !== '__proto__'),
  storedValue,
  { maxKeys: 6 },
);

describe('attribute values, as util-dynamodb converts them', () => {
  it('writes an item exactly as marshall with removeUndefinedValues, for random nested values', () => {
    fc.assert(
      fc.property(record, (value) => {
        expect(toItem(value)).toEqual(marshall(value, { removeUndefinedValues: true }));
      }),
      { numRuns: 500 },
    );
  });

  it('reads an item exactly as unmarshall, for random nested values', () => {
    fc.assert(
      fc.property(record, (value) => {
        const item = marshall(value, { removeUndefinedValues: true });
        expect(fromItem(item)).toEqual(unmarshall(item));
      }),
      { numRuns: 500 },
    );
  });

  it('reads a number beyond the safe integers as a bigint, as unmarshall does, and writes it back unchanged', () => {
    const item = { big: { N: '123456789012345678901234567890' }, small: { N: '-12.5' } };
    expect(fromItem(item)).toEqual(unmarshall(item));
    expect(fromItem(item).big).toBe(123456789012345678901234567890n);
    expect(toItem(fromItem(item))).toEqual(item);
  });

  it('reads every attribute type', () => {
    const item = {
      s: { S: 'é' },
      n: { N: '4' },
      b: { BOOL: false },
      z: { NULL: true },
      l: { L: [{ S: 'a' }, { N: '1' }] },
      m: { M: { x: { SS: ['p', 'q'] } } },
      ns: { NS: ['1', '2'] },
      bin: { B: new Uint8Array([1, 2]) },
      bs: { BS: [new Uint8Array([3])] },
    };
    expect(fromItem(item)).toEqual(unmarshall(item));
    expect(() => fromAttributeValue({} as never)).toThrow(/Unsupported attribute value/);
  });

  it('refuses what the system never stores, naming where it is: NaN, infinities, empty or mixed sets, dates, maps, class instances', () => {
    expect(() => toItem({ count: Number.NaN })).toThrow(/item\.count: NaN/);
    expect(() => toItem({ list: [1, Number.POSITIVE_INFINITY] })).toThrow(/item\.list\[1\]: Infinity/);
    // Beyond the safe integers a number is imprecise: marshall refuses it too.
    for (const imprecise of [Number.MAX_SAFE_INTEGER + 2, -1e300]) {
      expect(() => marshall({ n: imprecise })).toThrow();
      expect(() => toItem({ n: imprecise })).toThrow(/item\.n: .* precise number/);
      expect(() => toItem({ ns: new Set([1, imprecise]) })).toThrow(/item\.ns: .* precise number/);
    }
    expect(() => toItem({ tags: new Set() })).toThrow(/item\.tags: a set/);
    expect(() => toItem({ tags: new Set(['a', 1]) })).toThrow(/item\.tags: a set/);
    expect(() => toItem({ nested: { at: new Date(0) } })).toThrow(/item\.nested\.at: \[object Date\]/);
    expect(() => toItem({ map: new Map([['a', 1]]) })).toThrow(/item\.map: \[object Map\]/);
    // The whole path, however deep, and still a TypeError.
    expect(() => toItem({ a: [{ b: [0, new Date(0)] }] })).toThrow(/^item\.a\[0\]\.b\[1\]: \[object Date\] cannot be stored/);
    expect(() => toAttributeValue([[1], [2, [Number.NaN]]], 'list')).toThrow(/^list\[1\]\[1\]\[0\]: NaN/);
    expect(() => toItem({ a: { b: { c: new Set() } } }, 'views')).toThrow(TypeError);
    // At the top level too: a Map or an array is not an item.
    expect(() => toItem(new Map([['a', 1]]))).toThrow(/item: \[object Map\] is not a plain object/);
    expect(() => toItem(['x'])).toThrow(/item: \[object Array\] is not a plain object/);
    class Thing {
      readonly x = 1;
    }
    expect(() => toAttributeValue(new Thing(), 'thing')).toThrow(/thing: \[object Object\]/);
    expect(() => toAttributeValue(() => 1)).toThrow(/value: \[object Function\]/);
  });

  it('writes a plain object without prototype as a map, and a bigint as a number', () => {
    const bare = Object.assign(Object.create(null) as Record<string, unknown>, { a: 'x' });
    expect(toAttributeValue(bare)).toEqual({ M: { a: { S: 'x' } } });
    expect(toAttributeValue(10n ** 20n)).toEqual(marshall({ v: 10n ** 20n }).v);
  });
});

describe('reading a commit item (the event store reads every commit with fromItem)', () => {
  it('gives exactly what unmarshall gives for the strings, numbers and string set a commit holds', () => {
    const raw = marshall({
      pk: 'session-ses_01',
      sk: 12,
      firstVersion: 20,
      lastVersion: 21,
      events: '[{"id":"01J","type":"CandidateRegistered","data":{"candidateId":"cand_1"}}]',
      eventTypes: new Set(['CandidateRegistered', 'CandidateWithdrawn']),
      idempotencyKey: 'k-1',
      region: '84',
      recordedAt: '2027-03-01T08:00:00.000Z',
      prevHash: '0'.repeat(64),
      hash: 'f'.repeat(64),
    });
    const read = fromItem(raw);
    expect(read).toEqual(unmarshall(raw));
    expect(read.eventTypes).toBeInstanceOf(Set);
    expect(read.sk).toBe(12);
  });

  it('converts any other type as unmarshall does (a commit never holds one, a tampered item may)', () => {
    const raw = marshall({ sk: 1, flag: true, nothing: null, list: ['a', 1], map: { nested: 'x' }, numbers: new Set([1, 2]) });
    expect(fromItem(raw)).toEqual(unmarshall(raw));
  });
});

describe('keys and expression values', () => {
  it('refuse an undefined member, naming it, as plain marshall did, where an item leaves it out', () => {
    expect(() => toKey({ pk: 'session-ses_01', sk: undefined })).toThrow(/key\.sk: undefined/);
    expect(() => toKey({ ':pk': undefined }, 'values')).toThrow(/values\.:pk: undefined/);
    expect(() => marshall({ pk: 'x', sk: undefined })).toThrow();
    expect(toItem({ pk: 'x', sk: undefined })).toEqual({ pk: { S: 'x' } });
  });

  it('convert a complete key exactly as marshall does', () => {
    fc.assert(
      fc.property(fc.record({ pk: fc.string(), sk: fc.oneof(fc.string(), fc.integer()) }), (key) => {
        expect(toKey(key)).toEqual(marshall(key));
      }),
      { numRuns: 200 },
    );
  });
});

describe('an attribute named __proto__', () => {
  it('is refused when writing, at any depth, rather than set as the prototype of the item', () => {
    expect(() => toItem(JSON.parse('{"__proto__": {"x": 1}}') as object)).toThrow(/item\.__proto__: "__proto__" cannot be an attribute name/);
    expect(() => toItem(JSON.parse('{"a": [{"__proto__": false}]}') as object)).toThrow(/item\.a\[0\]\.__proto__: "__proto__" cannot be an attribute name/);
  });

  it('is read as an attribute of the record, never as its prototype, and inherited keys of an item are not read', () => {
    const item = JSON.parse('{"__proto__": {"M": {"polluted": {"BOOL": true}}}, "a": {"S": "x"}}') as Record<string, AttributeValue>;
    const record = fromItem(item);
    expect(Object.getPrototypeOf(record)).toBe(Object.prototype);
    expect(Object.keys(record).sort()).toEqual(['__proto__', 'a']);
    expect((record as { polluted?: unknown }).polluted).toBeUndefined();
    const inheriting = Object.assign(Object.create({ BOOL: { BOOL: true } }) as Record<string, AttributeValue>, { a: { S: 'x' } });
    expect(fromItem(inheriting)).toEqual({ a: 'x' });
  });
});
