import * as z from 'zod/mini';
import {
  calendarDate,
  candidateId,
  ccpCode,
  centreId,
  decisions,
  departmentCode,
  habilitationId,
  jurorId,
  plannedSessionId,
  sessionId,
  sha256,
  examTests,
  text,
  timeOfDay,
  titreCode,
} from '../../events/primitives.js';
import { sessionStatuses } from '../views/model.js';
import { dateField } from './validation.js';
import { builtOnAccess, once } from '../platform/lazy.js';

/*
 * The input schemas of the API: the JSON bodies and query strings, also what the HTML forms send
 * once coerced (shared/http/validation.ts `coerceForm`). Strict objects: unknown fields are refused.
 * The OpenAPI document is generated from these same schemas.
 */

const date = dateField(calendarDate);
const name = text(100);
const email = z.email({ message: 'Adresse électronique invalide.' }).check(z.maxLength(254));
const phone = z.string().check(z.trim(), z.regex(/^\+?[0-9 .-]{6,20}$/, { message: 'Numéro de téléphone invalide.' }));

/** Most bytes of an imported CSV file, as its messages say (« 2 Mo »). */
const MAX_CSV_BYTES = 2_000_000;
/**
 * An imported CSV file: not empty, at most 2 Mo in UTF-8. The length in characters bounds it first
 * (one character is at least one byte; the OpenAPI document states it), then its bytes: accented
 * text takes two per letter.
 */
const csvFile = (empty: string, tooLarge: string) =>
  z.string().check(
    z.minLength(1, { message: empty }),
    z.maxLength(MAX_CSV_BYTES, { message: tooLarge }),
    z.refine((content) => Buffer.byteLength(content, 'utf8') <= MAX_CSV_BYTES, { message: tooLarge, abort: true }),
  );

/** What an agrément allows: titres, sites (one per line in the form) and its period. */
const agrementTerms = once(() => ({
  titreCodes: z.array(titreCode).check(z.minLength(1, { message: 'Indiquez au moins un titre.' }), z.maxLength(100)),
  sites: z.array(text(200)).check(z.minLength(1, { message: 'Indiquez au moins un lieu.' }), z.maxLength(50)),
  validFrom: date,
  validUntil: date,
}));

const candidateIdentityInput = once(() =>
  z.strictObject({
    lastName: name,
    firstName: name,
    birthDate: date,
    email: z.optional(email),
    phone: z.optional(phone),
  }),
);

const plannedSessionInput = once(() =>
  z.strictObject({
    plannedSessionId: z.optional(plannedSessionId),
    titreCode,
    expectedStart: date,
    expectedEnd: date,
    expectedCandidates: z.int().check(z.gte(1), z.lte(500)),
  }),
);

export const schemas = builtOnAccess({
  empty: () => z.strictObject({}),
  submitProgramme: () => z.strictObject({ sessions: z.array(plannedSessionInput()).check(z.minLength(1), z.maxLength(200)) }),
  createSession: () =>
    z.strictObject({
      plannedSessionId: z.optional(plannedSessionId),
      ceresReference: text(40),
      titreCode,
      startDate: date,
      endDate: date,
      site: text(200),
      candidates: z.array(candidateIdentityInput()).check(z.minLength(1), z.maxLength(500)),
    }),
  registerCandidate: () => candidateIdentityInput(),
  withdrawCandidate: () => z.strictObject({ reason: z.optional(text(500)) }),
  // A ticked box (forms) or `true` (JSON): a stray click or an empty body never erases anything.
  eraseCandidatePersonalData: () =>
    z.strictObject({
      confirmed: z
        .boolean({ error: 'Cochez la case pour confirmer l’effacement : il est définitif.' })
        .check(z.refine((value) => value, { message: 'Cochez la case pour confirmer l’effacement : il est définitif.' }))
        .clone()
        .register(z.globalRegistry, { description: 'Doit valoir true : confirme l’effacement, qui est définitif.' }),
    }),
  grantAccommodation: () => z.strictObject({ candidateId, adaptation: text(1000) }),
  assignJuror: () => z.strictObject({ jurorId, tiedCandidateIds: z.array(candidateId).check(z.maxLength(500)) }),
  declareTie: () => z.strictObject({ candidateId }),
  unassignJuror: () => z.strictObject({ reason: text(500) }),
  sendConvocations: () => z.strictObject({ audience: z.enum(['jurors', 'candidates']) }),
  checkPlateau: () =>
    z.strictObject({
      durationMinutes: z.int().check(z.gte(1), z.lte(600)),
      jurorIds: z.array(jurorId).check(z.minLength(1), z.maxLength(20)),
      compliant: z.boolean(),
      remarks: z.optional(text(1000)),
    }),
  schedulePassages: () =>
    z.strictObject({
      passages: z.array(z.strictObject({ candidateId, test: z.enum(examTests), on: calendarDate, at: timeOfDay })).check(z.minLength(1), z.maxLength(2000)),
    }),
  checkSeals: () => z.strictObject({ presentCandidateIds: z.array(candidateId).check(z.minLength(1), z.maxLength(500)), sealsIntact: z.boolean() }),
  reportFraud: () => z.strictObject({ candidateId, facts: text(2000) }),
  notifySanction: () =>
    z.strictObject({
      candidateId,
      sanction: z.enum(['avertissement', 'annulation-epreuve', 'exclusion-session', 'interdiction']),
      banMonths: z.optional(z.int().check(z.gte(1), z.lte(60))),
      pronouncedOn: date,
    }),
  presignPv: () =>
    z.strictObject({
      sha256,
      sizeBytes: z.int().check(z.gte(1), z.lte(20 * 1024 * 1024)),
    }),
  signPv: () =>
    z.strictObject({
      decisions: z
        .array(
          z.strictObject({
            candidateId,
            decision: z.enum(decisions),
            ccpObtained: z.array(ccpCode).check(z.maxLength(20)),
            /** Defaults to every jury member without a tie with the candidate. */
            evaluatorIds: z.optional(z.array(jurorId).check(z.minLength(1), z.maxLength(20))),
          }),
        )
        .check(z.minLength(1), z.maxLength(500)),
      signatoryIds: z.array(jurorId).check(z.minLength(2), z.maxLength(20)),
      documentSha256: sha256,
    }),
  rejectPv: () => z.strictObject({ reason: text(1000) }),
  cancelSession: () => z.strictObject({ reason: text(500) }),
  habilitateJuror: () =>
    z.strictObject({
      jurorId: z.optional(jurorId),
      lastName: z.optional(name),
      firstName: z.optional(name),
      email: z.optional(email),
      titreCode,
      department: departmentCode,
      validFrom: date,
      validUntil: date,
      professionalisationDate: date,
    }),
  withdrawHabilitation: () => z.strictObject({ reason: text(500) }),
  recordAgrement: () =>
    z.strictObject({
      centreId,
      centreName: text(120),
      /** The centre's mailbox: its programme reminders go there until its session manager signs in. */
      email,
      department: departmentCode,
      ...agrementTerms(),
    }),
  amendAgrement: () => z.strictObject({ ...agrementTerms(), reason: text(500) }),
  withdrawAgrement: () => z.strictObject({ reason: text(500) }),
  importTitres: () =>
    z.strictObject({
      fiches: csvFile('Le fichier des fiches est vide.', 'Le fichier dépasse 2 Mo : ne gardez que les titres professionnels (TP).'),
      blocs: csvFile('Le fichier des blocs est vide.', 'Le fichier dépasse 2 Mo : ne gardez que les titres professionnels (TP).'),
    }),
  importAgrements: () => z.strictObject({ csv: csvFile('Le fichier est vide.', 'Le fichier dépasse 2 Mo.') }),
  // Query strings.
  listSessions: () => z.strictObject({ cursor: z.optional(z.string().check(z.maxLength(2000))) }),
  listJurors: () => z.strictObject({ titreCode: z.optional(titreCode) }),
  listAgrements: () => z.strictObject({ department: z.optional(departmentCode) }),
  listCentresBehind: () => z.strictObject({ year: z.string().check(z.regex(/^20\d{2}$/, { message: 'Année invalide.' })) }),
  listRegionSessions: () =>
    z.strictObject({
      department: z.optional(departmentCode),
      status: z.optional(z.enum(sessionStatuses)),
      cursor: z.optional(z.string().check(z.maxLength(2000))),
    }),
  listJurorSessions: () => z.strictObject({ when: z.optional(z.enum(['upcoming', 'past'])), cursor: z.optional(z.string().check(z.maxLength(2000))) }),
});

/** Path parameters, validated like the rest. */
export const params = { sessionId, jurorId, candidateId, habilitationId, centreId, year: z.string().check(z.regex(/^20\d{2}$/, { message: 'Année invalide.' })) } as const;
