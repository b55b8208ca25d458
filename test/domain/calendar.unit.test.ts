import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays, addMonths, addYears, compareDates, datesBetween, daysBetween, frenchDate, isCalendarDate, parisDate, parisOffsetMinutes } from '../../shared/domain/calendar.js';

describe('Paris calendar', () => {
  it('gives the Paris date of an instant, not the UTC one', () => {
    expect(parisDate(new Date('2027-01-31T22:59:59Z'))).toBe('2027-01-31');
    expect(parisDate(new Date('2027-01-31T23:00:00Z'))).toBe('2027-02-01');
    // Summer time: UTC+2.
    expect(parisDate(new Date('2027-07-14T21:59:59Z'))).toBe('2027-07-14');
    expect(parisDate(new Date('2027-07-14T22:00:00Z'))).toBe('2027-07-15');
  });

  it('puts three months before 31 May on the last day of February, leap years included', () => {
    expect(addMonths('2027-05-31', -3)).toBe('2027-02-28');
    expect(addMonths('2028-05-31', -3)).toBe('2028-02-29');
    expect(addMonths('2027-06-15', -3)).toBe('2027-03-15');
    expect(addMonths('2027-01-31', 1)).toBe('2027-02-28');
    expect(addMonths('2027-02-15', -3)).toBe('2026-11-15');
    expect(addMonths('2027-11-30', 2)).toBe('2028-01-30');
    expect(addYears('2028-02-29', 1)).toBe('2029-02-28');
    expect(addYears('2027-03-10', -2)).toBe('2025-03-10');
  });

  it('adds days across daylight-saving changes without moving the date', () => {
    // Clocks change on 28 March and 31 October 2027 in Paris.
    expect(addDays('2027-03-27', 1)).toBe('2027-03-28');
    expect(addDays('2027-03-28', 1)).toBe('2027-03-29');
    expect(addDays('2027-10-31', -15)).toBe('2027-10-16');
    expect(addDays('2027-03-01', -1)).toBe('2027-02-28');
    expect(addDays('2027-12-31', 1)).toBe('2028-01-01');
    expect(daysBetween('2027-03-20', '2027-04-05')).toBe(16);
    expect(daysBetween('2027-04-05', '2027-03-20')).toBe(-16);
  });

  it('keeps the Paris date of the morning mail on both sides of a daylight-saving change', () => {
    expect(parisDate(new Date('2027-03-28T06:00:00Z'))).toBe('2027-03-28');
    expect(parisDate(new Date('2027-10-31T06:00:00Z'))).toBe('2027-10-31');
    expect(parisDate(new Date('2027-03-27T23:30:00Z'))).toBe('2027-03-28');
    expect(parisDate(new Date('2027-10-30T22:30:00Z'))).toBe('2027-10-31');
  });

  it('compares dates in calendar order', () => {
    expect(compareDates('2027-01-31', '2027-02-01')).toBeLessThan(0);
    expect(compareDates('2027-02-01', '2027-01-31')).toBeGreaterThan(0);
    expect(compareDates('2027-02-01', '2027-02-01')).toBe(0);
  });

  it('lists the days of a session, both ends included', () => {
    expect(datesBetween('2027-02-27', '2027-03-01')).toEqual(['2027-02-27', '2027-02-28', '2027-03-01']);
    expect(datesBetween('2027-03-01', '2027-03-01')).toEqual(['2027-03-01']);
  });

  it('tells dates that exist from those that do not', () => {
    expect(isCalendarDate('2028-02-29')).toBe(true);
    expect(isCalendarDate('2027-12-31')).toBe(true);
    expect(isCalendarDate('2027-01-01')).toBe(true);
    expect(isCalendarDate('2027-02-29')).toBe(false);
    expect(isCalendarDate('2027-13-01')).toBe(false);
    expect(isCalendarDate('2027-00-10')).toBe(false);
    expect(isCalendarDate('2027-04-31')).toBe(false);
    expect(isCalendarDate('2027-04-00')).toBe(false);
    expect(isCalendarDate('27-04-01')).toBe(false);
    expect(isCalendarDate('x2027-04-01')).toBe(false);
    expect(isCalendarDate('2027-04-01x')).toBe(false);
  });

  it('refuses arithmetic on something that is not a date', () => {
    expect(() => addDays('31/01/2027', 1)).toThrow(RangeError);
  });

  it('writes dates the French way', () => {
    expect(frenchDate('2027-01-05')).toBe('05/01/2027');
  });

  it('adding then removing days gives the same date back, and adding months never overflows the month', () => {
    const date = fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2090-12-31T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
    fc.assert(
      fc.property(date, fc.integer({ min: -2000, max: 2000 }), (d, n) => {
        expect(addDays(addDays(d, n), -n)).toBe(d);
        expect(daysBetween(d, addDays(d, n))).toBe(n);
      }),
    );
    fc.assert(
      fc.property(date, fc.integer({ min: -36, max: 36 }), (d, n) => {
        const moved = addMonths(d, n);
        expect(isCalendarDate(moved)).toBe(true);
        expect(Number(moved.slice(8))).toBeLessThanOrEqual(Number(d.slice(8)));
      }),
    );
  });
});

describe('Paris time without ICU', () => {
  // The reference: ICU's zone data, as Intl reads it.
  const icuDate = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit', day: '2-digit' });
  const icuOffset = (instant: Date): number => {
    const name = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Paris', timeZoneName: 'longOffset' })
      .formatToParts(instant)
      .find((part) => part.type === 'timeZoneName')?.value;
    const match = /GMT([+-])(\d{2}):(\d{2})/.exec(name ?? '');
    return match ? (match[1] === '-' ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3])) : 0;
  };

  it('gives the Paris calendar date Intl gives, every hour from 2020 to 2040', () => {
    const mismatches: string[] = [];
    for (let time = Date.UTC(2020, 0, 1); time < Date.UTC(2041, 0, 1); time += 3_600_000) {
      const instant = new Date(time);
      if (parisDate(instant) !== icuDate.format(instant)) mismatches.push(instant.toISOString());
    }
    expect(mismatches).toEqual([]);
  });

  it('changes the offset at the very minute Paris changes its clocks, as Intl does', () => {
    for (let year = 2020; year <= 2040; year += 1) {
      for (const month of [3, 10]) {
        const lastDay = new Date(Date.UTC(year, month, 0));
        const switchAt = Date.UTC(year, month - 1, lastDay.getUTCDate() - lastDay.getUTCDay(), 1);
        for (const instant of [new Date(switchAt - 60_000), new Date(switchAt), new Date(switchAt + 60_000)]) {
          expect(parisOffsetMinutes(instant), instant.toISOString()).toBe(icuOffset(instant));
        }
      }
    }
    expect(parisOffsetMinutes(new Date('2027-03-28T00:59:59.999Z'))).toBe(60);
    expect(parisOffsetMinutes(new Date('2027-03-28T01:00:00.000Z'))).toBe(120);
    expect(parisOffsetMinutes(new Date('2027-10-31T01:00:00.000Z'))).toBe(60);
  });

  it('refuses an invalid instant, as Intl does', () => {
    expect(() => parisDate(new Date(Number.NaN))).toThrow(RangeError);
  });
});
