import * as z from 'zod/mini';
import { isExistingDay } from '../../events/checks.js';
import { centreId, departmentCode, isEventType, regionCode, sessionId, type EventType } from '../../events/index.js';
import { addDays, parisOffsetMinutes } from '../domain/calendar.js';
import { AppError, type FieldError } from '../errors.js';

/**
 * The history request as the HTTP edge reads it from a query string: every filter optional, the
 * event types as one comma-separated value (API Gateway joins repeated parameters with commas).
 * Messages are French and name the field, so the CLI and the pages can show them as they are.
 */
export interface HistoryRequest {
  readonly sessionId?: string | undefined;
  readonly centreId?: string | undefined;
  readonly department?: string | undefined;
  readonly region?: string | undefined;
  readonly types?: readonly EventType[] | undefined;
  readonly actorId?: string | undefined;
  readonly from?: Date | undefined;
  readonly to?: Date | undefined;
  readonly order: 'asc' | 'desc';
  readonly limit: number;
  readonly cursor?: string | undefined;
}

/** Smallest and largest page a caller may ask for (the store's own bounds). */
const PAGE_SIZE = { min: 1, max: 500, default: 50 } as const;

const instantParam = z.string().check(
  z.trim(),
  z.refine((value) => /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(value) && !Number.isNaN(Date.parse(value)), {
    message: 'Date attendue au format AAAA-MM-JJ ou horodatage ISO 8601 (ex. 2027-03-01T09:00:00Z).',
  }),
  // Date.parse rolls 30 February over to 2 March: a day that does not exist is refused, not moved.
  z.refine((value) => Number.isNaN(Date.parse(value)) || isExistingDay(value.slice(0, 10)), { message: 'Cette date n’existe pas.' }),
);

const rawSchema = z.object({
  sessionId: z.optional(sessionId),
  centreId: z.optional(centreId),
  department: z.optional(departmentCode),
  region: z.optional(regionCode),
  type: z.optional(z.string().check(z.maxLength(2_000))),
  actor: z.optional(z.string().check(z.minLength(1), z.maxLength(128))),
  from: z.optional(instantParam),
  to: z.optional(instantParam),
  order: z.optional(z.enum(['asc', 'desc'], { message: 'Ordre « asc » (plus ancien d’abord) ou « desc » (plus récent d’abord) attendu.' })),
  limit: z.optional(z.string()),
  cursor: z.optional(z.string().check(z.maxLength(512, { message: 'Curseur invalide.' }))),
});

/** Query-string names this module reads; other names are ignored, like any web API does. */
const historyParamNames = Object.keys(rawSchema.shape) as readonly string[];

/** The instant Paris's wall clock reads `wall` at (`wall` in a Date's UTC fields); in the spring gap, the hour after it. */
const fromParisWallClock = (wall: number): Date => {
  // Summer time first: of the hour October's change repeats, the first passage is meant.
  for (const offset of [120, 60]) {
    const instant = new Date(wall - offset * 60_000);
    if (parisOffsetMinutes(instant) === offset) return instant;
  }
  return new Date(wall - 60 * 60_000);
};

/**
 * A date alone (`2027-03-01`) means the whole day in Paris for `to` and its start for `from`; the
 * CLI and people type dates, scripts type instants. The day ends just before the next one starts:
 * it lasts 23 hours in March and 25 in October. A date and time without offset is Paris time too,
 * not the time zone of whatever machine reads it (UTC on Lambda).
 */
const toInstant = (value: string, end: boolean): Date => {
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const day = end ? addDays(value, 1) : value;
    const start = fromParisWallClock(Date.parse(`${day}T00:00:00Z`));
    return new Date(end ? start.getTime() - 1 : start.getTime());
  }
  if (!/(Z|[+-]\d{2}:?\d{2})$/.test(value)) return fromParisWallClock(Date.parse(`${value}Z`));
  return new Date(value);
};

const invalid = (fields: FieldError[]) => new AppError('history.query.invalid', 'validation', 'Certains critères de recherche sont à corriger.', fields);

/**
 * Parses and checks a history query string. Throws a 400 AppError with one French message per
 * field: an unknown event type, an inverted period, a page size out of 1..500, a malformed id.
 */
export const parseHistoryRequest = (query: Readonly<Record<string, string | undefined>>): HistoryRequest => {
  const parsed = rawSchema.safeParse(Object.fromEntries(Object.entries(query).filter(([key, value]) => historyParamNames.includes(key) && value !== undefined && value !== '')));
  const fields: FieldError[] = [];
  // One message per field: the first is the most telling (a malformed id fails its pattern first).
  if (!parsed.success)
    for (const issue of parsed.error.issues) {
      const field = issue.path.map(String).join('.');
      if (!fields.some((known) => known.field === field)) fields.push({ field, message: issue.message });
    }
  const raw = parsed.success ? parsed.data : undefined;

  let types: EventType[] | undefined;
  if (raw?.type !== undefined) {
    const names = raw.type
      .split(',')
      .map((name) => name.trim())
      .filter((name) => name !== '');
    const unknown = names.filter((name) => !isEventType(name));
    if (unknown.length > 0)
      fields.push({ field: 'type', message: `Type d’événement inconnu : ${unknown.slice(0, 5).join(', ')}. Types possibles : voir la documentation des événements.` });
    else if (names.length > 30) fields.push({ field: 'type', message: '30 types au plus.' });
    else if (names.length > 0) types = [...new Set(names)] as EventType[];
  }

  let limit: number = PAGE_SIZE.default;
  if (raw?.limit !== undefined) {
    const value = Number(raw.limit);
    if (!/^\d+$/.test(raw.limit.trim()) || value < PAGE_SIZE.min || value > PAGE_SIZE.max)
      fields.push({ field: 'limit', message: `La taille de page doit être un nombre entier entre ${PAGE_SIZE.min} et ${PAGE_SIZE.max}.` });
    else limit = value;
  }

  const from = raw?.from !== undefined ? toInstant(raw.from, false) : undefined;
  const to = raw?.to !== undefined ? toInstant(raw.to, true) : undefined;
  if (from && to && from.getTime() > to.getTime()) fields.push({ field: 'to', message: 'La fin de la période précède son début : inversez les dates.' });

  if (fields.length > 0 || !raw) throw invalid(fields);
  return {
    sessionId: raw.sessionId,
    centreId: raw.centreId,
    department: raw.department,
    region: raw.region,
    types,
    actorId: raw.actor,
    from,
    to,
    order: raw.order ?? 'desc',
    limit,
    cursor: raw.cursor,
  };
};
