import * as z from 'zod';
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
  text,
  titreCode,
} from '../../events/index.js';
import { sessionStatuses } from '../views/model.js';
import { dateField } from './validation.js';

/*
 * The input schemas of the API: the JSON bodies and query strings, also what the HTML forms send
 * once coerced (shared/http/validation.ts `coerceForm`). Strict objects: unknown fields are refused.
 * The OpenAPI document is generated from these same schemas.
 */

const date = dateField(calendarDate);
const name = text(100);
const email = z.email({ message: 'Adresse électronique invalide.' }).max(254);
const phone = z
  .string()
  .trim()
  .regex(/^\+?[0-9 .-]{6,20}$/, { message: 'Numéro de téléphone invalide.' });

/** What an agrément allows: titres, sites (one per line in the form) and its period. */
const agrementTerms = {
  titreCodes: z.array(titreCode).min(1, { message: 'Indiquez au moins un titre.' }).max(100),
  sites: z.array(text(200)).min(1, { message: 'Indiquez au moins un lieu.' }).max(50),
  validFrom: date,
  validUntil: date,
};

const candidateIdentityInput = z.strictObject({
  lastName: name,
  firstName: name,
  birthDate: date,
  email: email.optional(),
  phone: phone.optional(),
});

const plannedSessionInput = z.strictObject({
  plannedSessionId: plannedSessionId.optional(),
  titreCode,
  expectedStart: date,
  expectedEnd: date,
  expectedCandidates: z.number().int().min(1).max(500),
});

export const schemas = {
  empty: z.strictObject({}),
  submitProgramme: z.strictObject({ sessions: z.array(plannedSessionInput).min(1).max(200) }),
  createSession: z.strictObject({
    plannedSessionId: plannedSessionId.optional(),
    ceresReference: text(40),
    titreCode,
    startDate: date,
    endDate: date,
    site: text(200),
    candidates: z.array(candidateIdentityInput).min(1).max(500),
  }),
  registerCandidate: candidateIdentityInput,
  withdrawCandidate: z.strictObject({ reason: text(500).optional() }),
  // A ticked box (forms) or `true` (JSON): a stray click or an empty body never erases anything.
  eraseCandidatePersonalData: z.strictObject({
    confirmed: z
      .boolean({ error: 'Cochez la case pour confirmer l’effacement : il est définitif.' })
      .refine((value) => value, { message: 'Cochez la case pour confirmer l’effacement : il est définitif.' })
      .meta({ description: 'Doit valoir true : confirme l’effacement, qui est définitif.' }),
  }),
  grantAccommodation: z.strictObject({ candidateId, adaptation: text(1000) }),
  assignJuror: z.strictObject({ jurorId, tiedCandidateIds: z.array(candidateId).max(500) }),
  declareTie: z.strictObject({ candidateId }),
  unassignJuror: z.strictObject({ reason: text(500) }),
  sendConvocations: z.strictObject({ audience: z.enum(['jurors', 'candidates']) }),
  checkPlateau: z.strictObject({
    durationMinutes: z.number().int().min(1).max(600),
    jurorIds: z.array(jurorId).min(1).max(20),
    compliant: z.boolean(),
    remarks: text(1000).optional(),
  }),
  checkSeals: z.strictObject({ presentCandidateIds: z.array(candidateId).min(1).max(500), sealsIntact: z.boolean() }),
  reportFraud: z.strictObject({ candidateId, facts: text(2000) }),
  notifySanction: z.strictObject({
    candidateId,
    sanction: z.enum(['avertissement', 'annulation-epreuve', 'exclusion-session', 'interdiction']),
    banMonths: z.number().int().min(1).max(60).optional(),
    pronouncedOn: date,
  }),
  presignPv: z.strictObject({
    sha256,
    sizeBytes: z
      .number()
      .int()
      .min(1)
      .max(20 * 1024 * 1024),
  }),
  signPv: z.strictObject({
    decisions: z
      .array(
        z.strictObject({
          candidateId,
          decision: z.enum(decisions),
          ccpObtained: z.array(ccpCode).max(20),
          /** Defaults to every jury member without a tie with the candidate. */
          evaluatorIds: z.array(jurorId).min(1).max(20).optional(),
        }),
      )
      .min(1)
      .max(500),
    signatoryIds: z.array(jurorId).min(2).max(20),
    documentSha256: sha256,
  }),
  rejectPv: z.strictObject({ reason: text(1000) }),
  cancelSession: z.strictObject({ reason: text(500) }),
  habilitateJuror: z.strictObject({
    jurorId: jurorId.optional(),
    lastName: name.optional(),
    firstName: name.optional(),
    email: email.optional(),
    titreCode,
    department: departmentCode,
    validFrom: date,
    validUntil: date,
    professionalisationDate: date,
  }),
  withdrawHabilitation: z.strictObject({ reason: text(500) }),
  recordAgrement: z.strictObject({
    centreId,
    centreName: text(120),
    /** The centre's mailbox: its programme reminders go there until its session manager signs in. */
    email,
    department: departmentCode,
    ...agrementTerms,
  }),
  amendAgrement: z.strictObject({ ...agrementTerms, reason: text(500) }),
  withdrawAgrement: z.strictObject({ reason: text(500) }),
  importTitres: z.strictObject({
    fiches: z
      .string()
      .min(1, { message: 'Le fichier des fiches est vide.' })
      .max(2_000_000, { message: 'Le fichier dépasse 2 Mo : ne gardez que les titres professionnels (TP).' }),
    blocs: z.string().min(1, { message: 'Le fichier des blocs est vide.' }).max(2_000_000, { message: 'Le fichier dépasse 2 Mo : ne gardez que les titres professionnels (TP).' }),
  }),
  importAgrements: z.strictObject({ csv: z.string().min(1, { message: 'Le fichier est vide.' }).max(2_000_000, { message: 'Le fichier dépasse 2 Mo.' }) }),
  // Query strings.
  listSessions: z.strictObject({ cursor: z.string().max(2000).optional() }),
  listJurors: z.strictObject({ titreCode: titreCode.optional() }),
  listAgrements: z.strictObject({ department: departmentCode.optional() }),
  listCentresBehind: z.strictObject({ year: z.string().regex(/^20\d{2}$/, { message: 'Année invalide.' }) }),
  listRegionSessions: z.strictObject({
    department: departmentCode.optional(),
    status: z.enum(sessionStatuses).optional(),
    cursor: z.string().max(2000).optional(),
  }),
  listJurorSessions: z.strictObject({ when: z.enum(['upcoming', 'past']).optional(), cursor: z.string().max(2000).optional() }),
} as const;

/** Path parameters, validated like the rest. */
export const params = { sessionId, jurorId, candidateId, habilitationId, centreId, year: z.string().regex(/^20\d{2}$/, { message: 'Année invalide.' }) } as const;
