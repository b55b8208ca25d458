import fc from 'fast-check';
import { decodeTime, encodeTime, isValid, monotonicFactory, ulid } from 'ulid';
import { describe, expect, it } from 'vitest';
import { encodeUlidTime, monotonicUlids, newId, newUlid, randomFraction, ulidBound } from '../../shared/platform/ids.js';

/** A repeatable source of fractions, so that two generators can be given the same randomness. */
const fractions = (seed: number) => {
  let state = seed >>> 0 || 1;
  return () => {
    // xorshift32
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 32;
  };
};

const TIME_MAX = 2 ** 48 - 1;

describe('ULIDs, as the ulid package makes them', () => {
  it('encode any time as the package does, and refuse what it refuses', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: TIME_MAX }), (ms) => {
        expect(encodeUlidTime(ms)).toBe(encodeTime(ms, 10));
      }),
    );
    for (const ms of [0, 1, 31, 32, 1_767_225_600_000, TIME_MAX]) expect(decodeTime(encodeUlidTime(ms) + '0'.repeat(16))).toBe(ms);
    for (const bad of [-1, TIME_MAX + 1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => encodeUlidTime(bad)).toThrow(RangeError);
      expect(() => encodeTime(bad, 10)).toThrow();
    }
  });

  it('give the package’s id from the same time and randomness', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: TIME_MAX }), fc.integer(), (ms, seed) => {
        expect(newUlid(ms, fractions(seed))).toBe(ulid(ms, fractions(seed)));
      }),
    );
  });

  it('give the package’s monotonic sequence: within a millisecond, across, and when the clock steps back', () => {
    fc.assert(
      fc.property(
        fc.integer(),
        fc.integer({ min: 1, max: 2_000_000_000_000 }),
        // Steps of the clock between two ids: mostly none (the same millisecond), some forward, some back.
        fc.array(fc.oneof(fc.constant(0), fc.constant(0), fc.integer({ min: 1, max: 5 }), fc.integer({ min: -5, max: -1 })), { maxLength: 200 }),
        (seed, start, steps) => {
          const ours = monotonicUlids(fractions(seed));
          const theirs = monotonicFactory(fractions(seed));
          let now = start;
          const ids: string[] = [];
          for (const step of [0, ...steps]) {
            // Never 0: the package reads 0 as "no time given" and takes the clock's (shared/platform/ids.ts).
            now = Math.max(1, now + step);
            const id = ours(now);
            expect(id).toBe(theirs(now));
            ids.push(id);
          }
          expect(new Set(ids).size).toBe(ids.length);
          expect([...ids].sort()).toEqual(ids);
        },
      ),
    );
  });

  it('carry from a last character Z into the ones before it, and refuse to repeat an id when no id is left in the millisecond', () => {
    // Characters are drawn last to first: a 'Z', then a '0', then 'Z's.
    const draws = () => {
      let count = 0;
      return () => (count++ === 1 ? 0 : 0.999);
    };
    const next = monotonicUlids(draws());
    const reference = monotonicFactory(draws());
    expect(next(1_000).slice(10)).toBe('ZZZZZZZZZZZZZZ0Z');
    reference(1_000);
    const carried = next(1_000);
    expect(carried.slice(10)).toBe('ZZZZZZZZZZZZZZ10');
    expect(carried).toBe(reference(1_000));

    const full = monotonicUlids(() => 0.999);
    expect(full(2_000).slice(10)).toBe('Z'.repeat(16));
    expect(() => full(2_000)).toThrow(RangeError);
    // The next millisecond starts afresh.
    expect(full(2_001).slice(0, 10)).toBe(encodeTime(2_001, 10));
  });

  it('refuse a time out of range without losing their place, where the package’s generator stays broken', () => {
    const next = monotonicUlids();
    const before = next(1_000);
    expect(() => next(2 ** 48)).toThrow(RangeError);
    expect(() => next(Number.NaN)).toThrow(RangeError);
    const after = next(1_001);
    expect(after > before).toBe(true);
    expect(after.slice(0, 10)).toBe(encodeTime(1_001, 10));
    // A first time below zero is out of range too, not "no id left".
    expect(() => monotonicUlids()(-5)).toThrow(/whole number of milliseconds/);
    // And 0 is the epoch, where the package would take the clock.
    expect(monotonicUlids()(0).slice(0, 10)).toBe('0000000000');
  });
});

describe('ULIDs drawn from a pool of cryptographic randomness', () => {
  it('are valid ULIDs carrying the current time', () => {
    const before = Date.now();
    const id = newUlid();
    expect(isValid(id)).toBe(true);
    expect(decodeTime(id)).toBeGreaterThanOrEqual(before);
    expect(decodeTime(id)).toBeLessThanOrEqual(Date.now());
    expect(newId('cand')).toMatch(/^cand_[0-7][0-9A-HJKMNP-TV-Z]{25}$/);
  });

  it('never repeat a random part, across refills of the pool (80 random bits each)', () => {
    // 600 ids draw 9,600 bytes: the 4 KB pool is drawn afresh twice. A pool read again without a
    // refill would repeat its parts every 256 ids.
    const parts = Array.from({ length: 600 }, () => newUlid(1_767_225_600_000).slice(10));
    expect(new Set(parts).size).toBe(parts.length);
  });

  it('increase strictly from one event id to the next, within one millisecond too', () => {
    const next = monotonicUlids();
    const ids = Array.from({ length: 5_000 }, () => next(1_767_225_600_000));
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
  });

  it('spread their random part over the whole alphabet, across refills of the pool', () => {
    const counts = new Map<string, number>();
    // 2,000 ids × 16 random characters: the 4 KB pool is refilled about eight times.
    for (let i = 0; i < 2_000; i += 1) for (const char of newUlid().slice(10)) counts.set(char, (counts.get(char) ?? 0) + 1);
    expect(counts.size).toBe(32);
    // Uniform means 1,000 of each (standard deviation about 31): outside 850 to 1,150, about five
    // deviations, is a biased draw (a byte taken modulo 200 doubles the low characters), not chance.
    for (const count of counts.values()) {
      expect(count).toBeGreaterThan(850);
      expect(count).toBeLessThan(1_150);
    }
    const drawn = Array.from({ length: 10_000 }, randomFraction);
    expect(Math.min(...drawn)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...drawn)).toBeLessThan(1);
  });

  it('bound the ids of a millisecond, for range queries by time', () => {
    const instant = new Date('2026-12-04T10:00:00.123Z');
    const low = ulidBound(instant, '0');
    const high = ulidBound(instant, 'Z');
    const inside = monotonicUlids()(instant.getTime());
    expect(low < inside && inside < high).toBe(true);
    expect(ulidBound(new Date(instant.getTime() - 1), 'Z') < low).toBe(true);
    // Before the epoch, the bound is the epoch's.
    expect(ulidBound(new Date(-5), '0')).toBe('0'.repeat(26));
  });
});
