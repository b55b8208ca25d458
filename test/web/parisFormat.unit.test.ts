import { describe, expect, it } from 'vitest';
import { parisDateTime } from '../../shared/history/timelinePage.js';
import { formatDate, formatDayLong } from '../../shared/mail/render.js';
import { parisDate } from '../../shared/domain/calendar.js';
import { frenchDate } from '../../shared/web/format.js';

/**
 * The dates users read (pages, mails, timelines) are written without Intl, so that no cold start
 * loads ICU's zone data: each agrees with what Intl writes in French for Europe/Paris.
 */
const icu = (options: Intl.DateTimeFormatOptions) => new Intl.DateTimeFormat('fr-FR', options);

describe('French dates written without Intl', () => {
  it("a mail's date reads as Intl writes it in French, but the first of the month as an ordinal (« 1er mars 2027 »), every day of 2026 to 2028", () => {
    const long = icu({ day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
    for (let time = Date.UTC(2026, 0, 1); time < Date.UTC(2029, 0, 1); time += 86_400_000) {
      const date = new Date(time).toISOString().slice(0, 10);
      expect(formatDate(date), date).toBe(long.format(new Date(time)).replace(/^1 /, '1er '));
    }
  });

  it('a day named with its weekday reads as Intl writes it in French (« lundi 7 juin 2027 », « mardi 1er juin 2027 »), every day of 2026 to 2028', () => {
    const long = icu({ weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
    for (let time = Date.UTC(2026, 0, 1); time < Date.UTC(2029, 0, 1); time += 86_400_000) {
      const date = new Date(time).toISOString().slice(0, 10);
      expect(formatDayLong(date), date).toBe(long.format(new Date(time)).replace(/ 1 /, ' 1er '));
    }
  });

  it("a page's date of an instant is its Paris day, dd/mm/yyyy, as Intl writes it, every hour of 2027", () => {
    const day = icu({ timeZone: 'Europe/Paris', day: '2-digit', month: '2-digit', year: 'numeric' });
    const iso = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit', day: '2-digit' });
    for (let time = Date.UTC(2027, 0, 1); time < Date.UTC(2028, 0, 1); time += 3_600_000) {
      const instant = new Date(time);
      expect(frenchDate(instant), instant.toISOString()).toBe(day.format(instant));
      expect(frenchDate(instant.toISOString()), instant.toISOString()).toBe(day.format(instant));
      expect(parisDate(instant), instant.toISOString()).toBe(iso.format(instant));
    }
    expect(frenchDate('2027-03-04')).toBe('04/03/2027');
    expect(frenchDate('pas une date')).toBe('pas une date');
  });

  it("a timeline's instant is its Paris day and minute (« 01/03/2027 09:05 »), as Intl writes it, every 7 minutes of 2027", () => {
    const minute = icu({ timeZone: 'Europe/Paris', day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    for (let time = Date.UTC(2027, 0, 1); time < Date.UTC(2028, 0, 1); time += 7 * 60_000) {
      const instant = new Date(time);
      expect(parisDateTime(instant), instant.toISOString()).toBe(minute.format(instant).replace(',', ''));
    }
    expect(parisDateTime('2027-03-01T08:05:00Z')).toBe('01/03/2027 09:05');
  });
});
