import * as z from 'zod/mini';
import { hasIdPrefix, hasVisibleCharacter, isExistingDay } from './checks.js';

/**
 * How the validator compiler (events/compile.ts) writes a refinement: a predicate of
 * events/checks.ts called with the value and these arguments. A refinement without one cannot be
 * compiled, and the compiler says so.
 */
export interface CompiledRefinement {
  readonly predicate: 'isExistingDay' | 'hasIdPrefix' | 'isValidDate' | 'hasVisibleCharacter';
  readonly args: readonly string[];
}
export const compiledRefinements = new WeakMap<object, CompiledRefinement>();
/** Registers the compiled form of a refinement; returns the refinement. */
export const compiledAs = <T extends object>(refinement: T, compiled: CompiledRefinement): T => {
  compiledRefinements.set(refinement, compiled);
  return refinement;
};

/**
 * Building blocks shared by every event schema. Ids are pseudonymous: an event never carries a
 * name, a birth date, a contact or a diagnosis, so that erasing personal data never means editing
 * the immutable log.
 */

/** A stream id: `<aggregate>-<id>`, e.g. `session-ses_01J…`, `programme-ctr_lyon-1-2027`. */
export const streamId = z.string().check(z.regex(/^(session|juror|programme|agrement|titre)-[A-Za-z0-9_-]{3,120}$/, { message: 'Identifiant de flux invalide.' }));

/** A calendar date, `YYYY-MM-DD`, that exists (no 31 February). Dates are in Europe/Paris. */
export const calendarDate = z.string().check(
  z.regex(/^\d{4}-\d{2}-\d{2}$/, { message: 'Date attendue au format AAAA-MM-JJ.' }),
  compiledAs(
    z.refine((value: string) => isExistingDay(value), { message: "Cette date n'existe pas." }),
    { predicate: 'isExistingDay', args: [] },
  ),
);

/** The tests of a titre professionnel's session (mise en situation professionnelle, entretiens, questionnaire). */
export const examTests = ['mise-en-situation', 'questionnaire-professionnel', 'entretien-technique', 'entretien-final'] as const;

/** A time of day, `HH:MM` (24 h), in Europe/Paris as every date. */
export const timeOfDay = z.string().check(z.regex(/^([01]\d|2[0-3]):[0-5]\d$/, { message: 'Heure attendue au format HH:MM (de 00:00 à 23:59).' }));

/** Time-ordered event id (ULID, Crockford base 32). */
export const eventId = z.string().check(z.regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, { message: 'Identifiant ULID attendu.' }));

/** An instant, ISO 8601 with offset (UTC `Z` as written by the system). */
export const instant = z.iso.datetime({ offset: true, message: 'Horodatage ISO 8601 attendu.' });

/** Identifier of a French department: `01`..`95`, `2A`, `2B`, `971`..`976`. */
export const departmentCode = z.string().check(z.regex(/^(0[1-9]|[1-8]\d|9[0-5]|2A|2B|97[1-6])$/, { message: 'Code de département invalide.' }));

/** Identifier of a region, INSEE code (e.g. `84` for Auvergne-Rhône-Alpes). */
export const regionCode = z.string().check(z.regex(/^\d{2}$/, { message: 'Code de région invalide.' }));

const idPattern = /^[a-z]+_[0-9A-HJKMNP-TV-Z]{26}$|^[a-z]+_[a-z0-9-]{1,64}$/;

/** Pseudonymous id with a type prefix: `cand_01J…`, `jur_01J…`, `ses_01J…`, `ctr_lyon-1`. */
const entityId = (prefix: string) =>
  z.string().check(
    z.maxLength(80),
    z.regex(idPattern, { message: 'Identifiant invalide.' }),
    compiledAs(
      z.refine((value: string) => hasIdPrefix(value, prefix), { message: `Identifiant « ${prefix}_… » attendu.` }),
      { predicate: 'hasIdPrefix', args: [prefix] },
    ),
  );

export const centreId = entityId('ctr');
export const candidateId = entityId('cand');
export const jurorId = entityId('jur');
export const sessionId = entityId('ses');
export const plannedSessionId = entityId('pln');
export const habilitationId = entityId('hab');
export const accommodationId = entityId('acc');
const userId = z.string().check(z.minLength(1), z.maxLength(128));

/** RNCP code of a titre professionnel, e.g. `RNCP37274`. */
export const titreCode = z.string().check(z.regex(/^RNCP\d{3,6}$/, { message: 'Code RNCP attendu (ex. RNCP37274).' }));

/** Code of a CCP (certificat de compétences professionnelles) within a titre. */
export const ccpCode = z.string().check(z.regex(/^[A-Z0-9-]{2,40}$/, { message: 'Code de CCP invalide.' }));

/** Hex SHA-256 digest. */
export const sha256 = z.string().check(z.regex(/^[0-9a-f]{64}$/, { message: 'Empreinte SHA-256 (64 caractères hexadécimaux) attendue.' }));

/**
 * Free text written by a person: bounded, trimmed, never empty nor made of invisible characters
 * only (a zero-width space is refused as an empty field is). Escaped wherever it is shown.
 */
export const text = (max: number) =>
  z
    .string()
    .check(
      z.trim(),
      z.minLength(1, { message: 'Ce champ est obligatoire.' }),
      compiledAs(z.refine(hasVisibleCharacter, { message: 'Ce champ est obligatoire.' }), { predicate: 'hasVisibleCharacter', args: [] }),
      z.maxLength(max, { message: `${max} caractères au plus.` }),
    );

/** What an event concerns, for tenancy and history queries: the centre, its department and region. */
export const eventScope = z.strictObject({
  centreId: z.optional(centreId),
  department: z.optional(departmentCode),
  region: regionCode,
});
export type EventScope = z.infer<typeof eventScope>;

const roles = ['centre', 'ud', 'region', 'juror', 'system'] as const;
const role = z.enum(roles);
export type Role = z.infer<typeof role>;

/** Who did it: their role, their id and the scope their authority covers. */
export const actor = z.strictObject({
  role,
  id: userId,
  scope: z.strictObject({
    centreId: z.optional(centreId),
    department: z.optional(departmentCode),
    region: z.optional(regionCode),
    jurorId: z.optional(jurorId),
  }),
});
export type Actor = z.infer<typeof actor>;

/** The jury's decision for one candidate, as the PV records it. */
export const decisions = ['titre-obtenu', 'reussite-partielle', 'echec', 'absent'] as const;
