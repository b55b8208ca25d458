import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { drawCandidate, drawIndex } from '../../shared/domain/draw.js';

const seedOf = (i: number): string => createHash('sha256').update(`seed-${i}`).digest('hex').slice(0, 32);
const hexSeed = fc.stringMatching(/^[0-9a-f]{32}$/);

/** Pearson's chi-square statistic of observed counts against a uniform distribution. */
const chiSquare = (counts: readonly number[], total: number): number => {
  const expected = total / counts.length;
  return counts.reduce((sum, count) => sum + (count - expected) ** 2 / expected, 0);
};

describe('draw by lot', () => {
  it('gives the same candidate for the same seed and the same candidates, whatever their order', () => {
    fc.assert(
      fc.property(hexSeed, fc.uniqueArray(fc.stringMatching(/^cand_[a-z0-9]{1,8}$/), { minLength: 1, maxLength: 30 }), (seed, ids) => {
        const drawn = drawCandidate(seed, ids);
        expect(ids).toContain(drawn);
        expect(drawCandidate(seed, [...ids].reverse())).toBe(drawn);
        expect(drawCandidate(seed, ids)).toBe(drawn);
      }),
    );
  });

  it('draws every index with the same frequency (chi-square over 12,000 seeds, 5 and 7 candidates)', () => {
    for (const [count, critical] of [
      [5, 18.47], // 4 degrees of freedom, p = 0.001
      [7, 22.46], // 6 degrees of freedom, p = 0.001
    ] as const) {
      const counts: number[] = Array.from({ length: count }, () => 0);
      const total = 12_000;
      for (let i = 0; i < total; i += 1) {
        const index = drawIndex(seedOf(i), count);
        counts[index] = (counts[index] ?? 0) + 1;
      }
      expect(counts.every((c) => c > 0)).toBe(true);
      expect(chiSquare(counts, total)).toBeLessThan(critical);
    }
  });

  it('stays in range and uses rejection sampling for counts that do not divide 2^32', () => {
    fc.assert(
      fc.property(hexSeed, fc.integer({ min: 1, max: 1000 }), (seed, count) => {
        const index = drawIndex(seed, count);
        expect(Number.isInteger(index)).toBe(true);
        expect(index).toBeGreaterThanOrEqual(0);
        expect(index).toBeLessThan(count);
      }),
    );
    // A count just above 2^31 rejects almost half of the words, so later words and rounds are used.
    const big = 2 ** 31 + 1;
    const values = new Set(Array.from({ length: 50 }, (_, i) => drawIndex(seedOf(i), big)));
    expect(values.size).toBe(50);
    for (const value of values) expect(value).toBeLessThan(big);
  });

  it('is reproducible from the recorded seed: a known seed gives a known index', () => {
    const seed = '0123456789abcdef0123456789abcdef';
    const word = createHash('sha256').update(`${seed}:0`).digest().readUInt32BE(0);
    // 10 divides neither 2^32 exactly, but the first word is below the limit with near certainty.
    const limit = Math.floor(2 ** 32 / 10) * 10;
    expect(word < limit).toBe(true);
    expect(drawIndex(seed, 10)).toBe(word % 10);
  });

  it('skips a rejected word and lets the next one decide, into later rounds when needed', () => {
    // With n = 2^31 + 1 only words below n are kept: about half are rejected.
    const count = 2 ** 31 + 1;
    const words = (seed: string, round: number) => {
      const digest = createHash('sha256').update(`${seed}:${round}`).digest();
      return Array.from({ length: 8 }, (_, i) => digest.readUInt32BE(i * 4));
    };
    let laterWord = 0;
    let laterRound = 0;
    for (let i = 0; i < 2000; i += 1) {
      const seed = seedOf(i);
      const kept = [0, 1, 2].flatMap((round) => words(seed, round)).find((word) => word < count);
      expect(drawIndex(seed, count)).toBe(kept);
      const first = words(seed, 0);
      if ((first[0] ?? 0) >= count) laterWord += 1;
      if (first.every((word) => word >= count)) laterRound += 1;
    }
    expect(laterWord).toBeGreaterThan(0);
    expect(laterRound).toBeGreaterThan(0);
  });

  it('refuses to draw among nobody', () => {
    expect(() => drawIndex('00', 0)).toThrow(RangeError);
    expect(() => drawIndex('00', 1.5)).toThrow(RangeError);
    expect(() => drawCandidate('00', [])).toThrow(RangeError);
    expect(drawIndex('00', 1)).toBe(0);
  });
});
