/**
 * EventBridge cron expressions, `cron(minutes hours day-of-month month day-of-week year)`, evaluated
 * in a time zone (Europe/Paris for every schedule of the project). Supported: `*`, `?`, lists,
 * ranges, steps, month and weekday names, `L` in day-of-month. Day-of-week counts 1 = Sunday to
 * 7 = Saturday, as in EventBridge. An unsupported token fails at start, never silently.
 *
 * Daylight saving: a local time that does not exist (spring forward, 02:30 on the last Sunday of
 * March) fires at the first instant after the gap; a local time that happens twice (autumn) fires
 * once, at its first occurrence.
 */
export interface CronSchedule {
  readonly expression: string;
  readonly minutes: ReadonlySet<number>;
  readonly hours: ReadonlySet<number>;
  /** Empty with `anyDayOfMonth` when `?` or `*`. */
  readonly daysOfMonth: ReadonlySet<number>;
  readonly lastDayOfMonth: boolean;
  readonly anyDayOfMonth: boolean;
  readonly months: ReadonlySet<number>;
  readonly daysOfWeek: ReadonlySet<number>;
  readonly anyDayOfWeek: boolean;
  readonly years: ReadonlySet<number> | 'any';
}

const monthNames = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const dayNames = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

const parseField = (field: string, min: number, max: number, names: readonly string[] = [], nameBase = 1): Set<number> => {
  const values = new Set<number>();
  const toNumber = (token: string): number => {
    const index = names.indexOf(token.toUpperCase());
    const value = index >= 0 ? index + nameBase : Number(token);
    if (!Number.isInteger(value) || value < min || value > max) throw new Error(`value "${token}" out of ${min}-${max}`);
    return value;
  };
  for (const part of field.split(',')) {
    const [range = '', stepText] = part.split('/');
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) throw new Error(`bad step "${part}"`);
    let from: number;
    let to: number;
    if (range === '*') {
      from = min;
      to = max;
    } else if (range.includes('-')) {
      const [a = '', b = ''] = range.split('-');
      from = toNumber(a);
      to = toNumber(b);
    } else {
      from = toNumber(range);
      to = stepText === undefined ? from : max;
    }
    if (from > to) throw new Error(`bad range "${part}"`);
    for (let v = from; v <= to; v += step) values.add(v);
  }
  return values;
};

/** Parses `cron(0 7 * * ? *)`; throws with the expression in the message when it is not supported. */
export const parseCron = (expression: string): CronSchedule => {
  const inner = /^cron\((.*)\)$/.exec(expression.trim())?.[1];
  const fields = inner?.trim().split(/\s+/);
  if (!fields || fields.length !== 6) throw new Error(`Unsupported schedule expression ${expression}: expected cron(min hour day month weekday year)`);
  const [min = '', hour = '', dom = '', month = '', dow = '', year = ''] = fields;
  try {
    if (dom !== '?' && dow !== '?') throw new Error('one of day-of-month and day-of-week must be "?"');
    if (/[W#]/.test(dom + dow) || /L/.test(dow)) throw new Error('W, # and L in day-of-week are not supported offline');
    const lastDayOfMonth = dom === 'L';
    return {
      expression,
      minutes: parseField(min, 0, 59),
      hours: parseField(hour, 0, 23),
      anyDayOfMonth: dom === '?' || dom === '*',
      lastDayOfMonth,
      daysOfMonth: dom === '?' || dom === '*' || lastDayOfMonth ? new Set() : parseField(dom, 1, 31),
      months: parseField(month, 1, 12, monthNames),
      anyDayOfWeek: dow === '?' || dow === '*',
      daysOfWeek: dow === '?' || dow === '*' ? new Set() : parseField(dow, 1, 7, dayNames),
      years: year === '*' ? 'any' : parseField(year, 1970, 2199),
    };
  } catch (error) {
    throw new Error(`Unsupported schedule expression ${expression}: ${(error as Error).message}`, { cause: error });
  }
};

interface LocalParts {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
const formatter = (timeZone: string) => {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
    formatters.set(timeZone, f);
  }
  return f;
};

/** The wall-clock date and time of an instant in a time zone. */
const localParts = (instant: Date, timeZone: string): LocalParts => {
  const parts = Object.fromEntries(
    formatter(timeZone)
      .formatToParts(instant)
      .map((p) => [p.type, p.value]),
  );
  return { year: Number(parts.year), month: Number(parts.month), day: Number(parts.day), hour: Number(parts.hour), minute: Number(parts.minute) };
};

/** Offset of the zone from UTC at an instant, in milliseconds (Paris: +1 h in winter, +2 h in summer). */
const offsetAt = (utcMs: number, timeZone: string): number => {
  const p = localParts(new Date(utcMs), timeZone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute);
  return asUtc - Math.floor(utcMs / 60_000) * 60_000;
};

/**
 * The instant at which a wall-clock time happens in a zone. A time inside the spring-forward gap
 * maps to the end of the gap; a time that happens twice maps to the first one.
 */
const zonedToUtc = (local: LocalParts, timeZone: string): Date => {
  const wall = Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute);
  const candidates = [offsetAt(wall - 86_400_000 / 2, timeZone), offsetAt(wall + 86_400_000 / 2, timeZone)];
  const exact = candidates
    .map((offset) => wall - offset)
    .filter((utc) => {
      const p = localParts(new Date(utc), timeZone);
      return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute) === wall;
    })
    .sort((a, b) => a - b);
  if (exact[0] !== undefined) return new Date(exact[0]);
  // In the gap: the wall time never shows; fire when the clock jumps past it.
  const before = wall - Math.max(...candidates);
  const after = wall - Math.min(...candidates);
  for (let utc = Math.min(before, after); utc <= Math.max(before, after) + 3_600_000; utc += 60_000) {
    const p = localParts(new Date(utc), timeZone);
    if (Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute) > wall) return new Date(utc);
  }
  return new Date(after);
};

const daysInMonth = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();

const dayMatches = (cron: CronSchedule, year: number, month: number, day: number): boolean => {
  if (cron.years !== 'any' && !cron.years.has(year)) return false;
  if (!cron.months.has(month)) return false;
  const weekday = new Date(Date.UTC(year, month - 1, day)).getUTCDay() + 1;
  const domOk = cron.anyDayOfMonth || (cron.lastDayOfMonth ? day === daysInMonth(year, month) : cron.daysOfMonth.has(day));
  const dowOk = cron.anyDayOfWeek || cron.daysOfWeek.has(weekday);
  return domOk && dowOk;
};

/** Every instant in (after, until] at which the schedule fires, in order. */
export const occurrencesBetween = (cron: CronSchedule, after: Date, until: Date, timeZone: string): Date[] => {
  if (until.getTime() <= after.getTime()) return [];
  const found: Date[] = [];
  const start = localParts(after, timeZone);
  const cursor = new Date(Date.UTC(start.year, start.month - 1, start.day));
  const hours = [...cron.hours].sort((a, b) => a - b);
  const minutes = [...cron.minutes].sort((a, b) => a - b);
  // One day past the end covers zones ahead of UTC.
  const lastDay = until.getTime() + 86_400_000 * 2;
  for (; cursor.getTime() <= lastDay; cursor.setUTCDate(cursor.getUTCDate() + 1)) {
    const year = cursor.getUTCFullYear();
    const month = cursor.getUTCMonth() + 1;
    const day = cursor.getUTCDate();
    if (!dayMatches(cron, year, month, day)) continue;
    const seen = new Set<number>();
    for (const hour of hours) {
      for (const minute of minutes) {
        const at = zonedToUtc({ year, month, day, hour, minute }, timeZone);
        const ms = at.getTime();
        if (seen.has(ms)) continue;
        seen.add(ms);
        if (ms > after.getTime() && ms <= until.getTime()) found.push(at);
      }
    }
  }
  return found.sort((a, b) => a.getTime() - b.getTime());
};

/** The calendar day, `YYYY-MM-DD`, of an instant in a zone. */
export const localDay = (instant: Date, timeZone: string): string => {
  const p = localParts(instant, timeZone);
  return `${p.year}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
};
