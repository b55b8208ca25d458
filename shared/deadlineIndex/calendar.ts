/**
 * Calendar dates (`YYYY-MM-DD`) in Europe/Paris. Deadlines are days, not instants: arithmetic is
 * done on UTC midnights so that a daylight-saving change never shifts a day.
 */
const toUtc = (date: string): Date => {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d));
};
const fromUtc = (date: Date): string => date.toISOString().slice(0, 10);

export const addDays = (date: string, days: number): string => {
  const at = toUtc(date);
  at.setUTCDate(at.getUTCDate() + days);
  return fromUtc(at);
};

/** Same day n months later (or earlier), clamped to the month's last day (31 May - 3 months = 28/29 February). */
export const addMonths = (date: string, months: number): string => {
  const at = toUtc(date);
  const day = at.getUTCDate();
  at.setUTCDate(1);
  at.setUTCMonth(at.getUTCMonth() + months);
  const last = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + 1, 0)).getUTCDate();
  at.setUTCDate(Math.min(day, last));
  return fromUtc(at);
};

const parisDay = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit', day: '2-digit' });

/** The calendar day in Paris at an instant. */
export const parisDate = (instant: Date): string => parisDay.format(instant);

/** Every day from `from` to `to`, both included (empty when from > to). */
export const daysBetween = (from: string, to: string): string[] => {
  const days: string[] = [];
  for (let day = from; day <= to; day = addDays(day, 1)) days.push(day);
  return days;
};
