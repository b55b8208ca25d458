import { describe, expect, it } from 'vitest';
import { ceresLabel } from '../../shared/web/format.js';

describe('a session named by its CERES reference', () => {
  it('says CERES once: before a bare number, not again before a reference that starts with it', () => {
    expect(ceresLabel('2027-0042')).toBe('CERES 2027-0042');
    expect(ceresLabel('CERES-2027-0042')).toBe('CERES-2027-0042');
    expect(ceresLabel('ceres 881')).toBe('ceres 881');
    // A reference that merely contains the word is still prefixed.
    expect(ceresLabel('LYON-CERES-1')).toBe('CERES LYON-CERES-1');
  });
});
