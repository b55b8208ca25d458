import { decodeTime, isValid } from 'ulid';
import { describe, expect, it } from 'vitest';
import { monotonicUlids, newUlid, randomFraction } from '../../shared/platform/ids.js';

describe('ULIDs drawn from a pool of cryptographic randomness', () => {
  it('are valid ULIDs carrying the current time', () => {
    const before = Date.now();
    const id = newUlid();
    expect(isValid(id)).toBe(true);
    expect(decodeTime(id)).toBeGreaterThanOrEqual(before);
    expect(decodeTime(id)).toBeLessThanOrEqual(Date.now());
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
    // Uniform means 1,000 of each; a generator stuck on part of the alphabet would be far off.
    for (const count of counts.values()) expect(count).toBeGreaterThan(700);
    const fractions = Array.from({ length: 10_000 }, randomFraction);
    expect(Math.min(...fractions)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...fractions)).toBeLessThan(1);
  });
});
