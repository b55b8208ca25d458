/**
 * Calendar dates in Europe/Paris. A date is a `YYYY-MM-DD` string: the rules count in days and
 * months, never in hours, so arithmetic runs on dates alone (UTC midnight internally) and a
 * daylight-saving change can never move a due date. Only `parisDate` looks at an instant.
 */

/** `YYYY-MM-DD`, a day in Europe/Paris. Lexicographic order is chronological order. */
export type CalendarDate = string;

/** 01:00 UTC on the last Sunday of a month (1–12) of a year: when Paris changes its clocks. */
const lastSundayAtOneUtc = (year: number, month: number): number => {
  const lastDay = new Date(Date.UTC(year, month, 0));
  return Date.UTC(year, month - 1, lastDay.getUTCDate() - lastDay.getUTCDay(), 1);
};

/**
 * Minutes Paris is ahead of UTC at an instant: 120 in summer time, from 01:00 UTC on the last
 * Sunday of March to 01:00 UTC on the last Sunday of October (the EU rule since 1996, Directive
 * 2000/84/EC), 60 otherwise. Computed rather than asked of `Intl`: the first time-zone-aware
 * `Intl.DateTimeFormat` of a process loads ICU's zone data, about 15 ms of every cold start.
 * test/domain/calendar.unit.test.ts checks it against `Intl`, hour by hour, over 2020–2040.
 */
export const parisOffsetMinutes = (instant: Date): number => {
  const time = instant.getTime();
  if (Number.isNaN(time)) throw new RangeError('Invalid time value');
  const year = instant.getUTCFullYear();
  return time >= lastSundayAtOneUtc(year, 3) && time < lastSundayAtOneUtc(year, 10) ? 120 : 60;
};

/** The instant as Paris's wall clock reads it, in a Date's UTC fields (`getUTCHours()` is the Paris hour). */
export const parisWallClock = (instant: Date): Date => new Date(instant.getTime() + parisOffsetMinutes(instant) * 60_000);

/** The Paris calendar date of an instant: 23:30 UTC on 31 January is 1 February in Paris. */
export const parisDate = (instant: Date): CalendarDate => parisWallClock(instant).toISOString().slice(0, 10);

const datePattern = /^(\d{4})-(\d{2})-(\d{2})$/;

const toParts = (date: CalendarDate): [number, number, number] => {
  const match = datePattern.exec(date);
  if (!match) throw new RangeError(`Not a calendar date: ${date}`);
  return [Number(match[1]), Number(match[2]), Number(match[3])];
};

const fromUtc = (ms: number): CalendarDate => new Date(ms).toISOString().slice(0, 10);

const daysInMonth = (year: number, month: number): number => new Date(Date.UTC(year, month, 0)).getUTCDate();

/** Whether a string is a date that exists (`2027-02-29` does not). */
export const isCalendarDate = (value: string): boolean => {
  const match = datePattern.exec(value);
  if (!match) return false;
  const [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  return m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth(y, m);
};

/** `date` plus `days` (negative to go back). */
export const addDays = (date: CalendarDate, days: number): CalendarDate => {
  const [y, m, d] = toParts(date);
  return fromUtc(Date.UTC(y, m - 1, d + days));
};

/**
 * `date` plus `months`, clamped to the end of the target month: three months before 31 May is
 * 28 February (29 in a leap year), one month after 31 January is the last day of February.
 */
export const addMonths = (date: CalendarDate, months: number): CalendarDate => {
  const [y, m, d] = toParts(date);
  const index = y * 12 + (m - 1) + months;
  const year = Math.floor(index / 12);
  const month = index - year * 12 + 1;
  const day = Math.min(d, daysInMonth(year, month));
  return fromUtc(Date.UTC(year, month - 1, day));
};

/** `date` plus `years`, 29 February clamped to 28 February in a common year. */
export const addYears = (date: CalendarDate, years: number): CalendarDate => addMonths(date, years * 12);

/** Negative when a is before b, 0 when equal, positive after. */
export const compareDates = (a: CalendarDate, b: CalendarDate): number => (a < b ? -1 : a > b ? 1 : 0);

/** Number of days from a to b (positive when b is later). */
export const daysBetween = (a: CalendarDate, b: CalendarDate): number => {
  const [ay, am, ad] = toParts(a);
  const [by, bm, bd] = toParts(b);
  return Math.round((Date.UTC(by, bm - 1, bd) - Date.UTC(ay, am - 1, ad)) / 86_400_000);
};

/** Every date from start to end, both included. */
export const datesBetween = (start: CalendarDate, end: CalendarDate): CalendarDate[] => {
  const dates: CalendarDate[] = [];
  for (let date = start; date <= end; date = addDays(date, 1)) dates.push(date);
  return dates;
};

/** `31/01/2027`, the way French users read dates. */
export const frenchDate = (date: CalendarDate): string => {
  const [y, m, d] = toParts(date);
  return `${String(d).padStart(2, '0')}/${String(m).padStart(2, '0')}/${y}`;
};
