import { describe, expect, it } from 'vitest';
import { occurrencesBetween, parseCron } from '../../infra/offline/cron.js';

const paris = 'Europe/Paris';
const between = (expression: string, from: string, to: string) => occurrencesBetween(parseCron(expression), new Date(from), new Date(to), paris).map((d) => d.toISOString());

describe('EventBridge cron in Europe/Paris', () => {
  it('fires a daily 07:00 at 06:00 UTC in winter and 05:00 UTC in summer', () => {
    expect(between('cron(0 7 * * ? *)', '2027-03-27T00:00:00Z', '2027-03-29T00:00:00Z')).toEqual(['2027-03-27T06:00:00.000Z', '2027-03-28T05:00:00.000Z']);
    expect(between('cron(0 7 * * ? *)', '2027-10-30T00:00:00Z', '2027-11-01T00:00:00Z')).toEqual(['2027-10-30T05:00:00.000Z', '2027-10-31T06:00:00.000Z']);
  });

  it('fires a time skipped by the spring change when the clock jumps, and a repeated autumn time once', () => {
    expect(between('cron(30 2 * * ? *)', '2027-03-28T00:00:00Z', '2027-03-28T12:00:00Z')).toEqual(['2027-03-28T01:00:00.000Z']);
    expect(between('cron(30 2 * * ? *)', '2027-10-31T00:00:00Z', '2027-10-31T12:00:00Z')).toEqual(['2027-10-31T00:30:00.000Z']);
  });

  it('reads weekdays 1 = Sunday as EventBridge does, names, ranges, lists, steps and L', () => {
    expect(between('cron(0 9 ? * MON-FRI *)', '2027-01-01T00:00:00Z', '2027-01-06T00:00:00Z')).toEqual([
      '2027-01-01T08:00:00.000Z',
      '2027-01-04T08:00:00.000Z',
      '2027-01-05T08:00:00.000Z',
    ]);
    expect(between('cron(0 9 ? * 1 *)', '2027-01-01T00:00:00Z', '2027-01-10T00:00:00Z')).toEqual(['2027-01-03T08:00:00.000Z']);
    expect(between('cron(0/30 8,10 1 JAN ? 2027)', '2026-12-31T00:00:00Z', '2027-01-02T00:00:00Z')).toEqual([
      '2027-01-01T07:00:00.000Z',
      '2027-01-01T07:30:00.000Z',
      '2027-01-01T09:00:00.000Z',
      '2027-01-01T09:30:00.000Z',
    ]);
    expect(between('cron(0 12 L * ? *)', '2027-02-01T00:00:00Z', '2027-03-01T00:00:00Z')).toEqual(['2027-02-28T11:00:00.000Z']);
  });

  it('refuses what it cannot honour, naming the expression', () => {
    expect(() => parseCron('rate(1 day)')).toThrow(/rate\(1 day\)/);
    expect(() => parseCron('cron(0 7 * * MON *)')).toThrow(/day-of-month/);
    expect(() => parseCron('cron(0 7 ? * 2#1 *)')).toThrow(/not supported/);
    expect(() => parseCron('cron(0 25 * * ? *)')).toThrow(/out of/);
  });
});
