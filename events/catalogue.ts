import * as z from 'zod/mini';
import { defineEvent } from './define.js';
import {
  decisions,
  accommodationId,
  calendarDate,
  candidateId,
  ccpCode,
  centreId,
  departmentCode,
  habilitationId,
  jurorId,
  plannedSessionId,
  regionCode,
  sessionId,
  sha256,
  examTests,
  text,
  timeOfDay,
  titreCode,
} from './primitives.js';

/*
 * The event catalogue: the single source of truth for what can happen in tp-sessions.
 * Streams: `programme` (a centre's yearly programme), `juror` (a juror's habilitations),
 * `titre` (a titre professionnel and its revisions), `agrement` (a centre's agrément), `session` (one exam session from creation to the validated PV).
 */

/**
 * The centre's name as its session manager's account gives it (Cognito `custom:centreName`), never
 * as typed in a form: a centre cannot rename itself. An organisation's name, not personal data.
 * Optional in the events that carry it, so events recorded before it existed still parse.
 */
const centreName = text(120);

// ---------------------------------------------------------------- programme stream

const SessionPlanned = defineEvent({
  type: 'SessionPlanned',
  schemaVersion: 1,
  stream: 'programme',
  label: 'Session prévue au programme',
  description: "A session in a centre's yearly forecast programme (programmation prévisionnelle).",
  data: z.strictObject({
    plannedSessionId,
    centreId,
    year: z.int().check(z.gte(2000), z.lte(2100)),
    titreCode,
    expectedStart: calendarDate,
    expectedEnd: calendarDate,
    expectedCandidates: z.int().check(z.gte(1), z.lte(500)),
  }),
});

const ProgrammeSubmitted = defineEvent({
  type: 'ProgrammeSubmitted',
  schemaVersion: 1,
  stream: 'programme',
  label: 'Programmation prévisionnelle transmise',
  description:
    'The yearly programme, submitted or amended as a whole (revision 1 is the first submission). On time when before 31 January of the year, Europe/Paris. Sent to the UD of the centre and to the regional direction.',
  data: z.strictObject({
    centreId,
    centreName: z.optional(centreName),
    year: z.int().check(z.gte(2000), z.lte(2100)),
    revision: z.int().check(z.gte(1)),
    plannedSessionIds: z.array(plannedSessionId).check(z.maxLength(500)),
    withdrawnPlannedSessionIds: z.array(plannedSessionId).check(z.maxLength(500)),
    submittedOn: calendarDate,
    deadline: calendarDate,
    onTime: z.boolean(),
  }),
});

// ---------------------------------------------------------------- juror stream

const JurorHabilitated = defineEvent({
  type: 'JurorHabilitated',
  schemaVersion: 1,
  stream: 'juror',
  label: 'Membre de jury habilité',
  description:
    "A juror habilitated by the UD of the juror's department for one titre and a fixed period that cannot outlast the titre's validity; the professionalisation session precedes it.",
  data: z.strictObject({
    jurorId,
    habilitationId,
    titreCode,
    department: departmentCode,
    validFrom: calendarDate,
    validUntil: calendarDate,
    professionalisationDate: calendarDate,
  }),
});

const HabilitationWithdrawn = defineEvent({
  type: 'HabilitationWithdrawn',
  schemaVersion: 1,
  stream: 'juror',
  label: 'Habilitation retirée',
  description: 'The UD withdraws a habilitation before its end.',
  data: z.strictObject({
    jurorId,
    habilitationId,
    withdrawnOn: calendarDate,
    reason: text(500),
  }),
});

// ---------------------------------------------------------------- titre stream

const TitreRecorded = defineEvent({
  type: 'TitreRecorded',
  schemaVersion: 1,
  stream: 'titre',
  label: 'Titre professionnel enregistré',
  description:
    "A titre professionnel as the regional direction recorded it, usually from France Compétences' RNCP open-data export: its label, its CCP blocks, the end of its registration and the date of its last revision. A later record replaces the whole; the professionalisation rule, the habilitations and the CCP lists of a partial success read it.",
  data: z.strictObject({
    titreCode,
    label: text(300),
    ccps: z.array(z.strictObject({ code: ccpCode, label: text(500) })).check(z.maxLength(30)),
    validUntil: calendarDate,
    revisedOn: z.optional(calendarDate),
    source: z.enum(['rncp', 'saisie']),
  }),
});

// ---------------------------------------------------------------- agrement stream

/** A site where an approved centre may hold sessions, as the agrément names it. */
const agreedSites = z.array(text(200)).check(z.minLength(1), z.maxLength(50));
const agreedTitres = z.array(titreCode).check(z.minLength(1), z.maxLength(100));

const AgrementRecorded = defineEvent({
  type: 'AgrementRecorded',
  schemaVersion: 1,
  stream: 'agrement',
  label: 'Agrément du centre enregistré',
  description:
    "The State's agrément of a centre, recorded by the regional direction or the UD of the centre's department: the titres, the sites and the period in which the centre may organise sessions. From then on the centre owes its yearly programme.",
  data: z.strictObject({
    centreId,
    centreName,
    department: departmentCode,
    region: regionCode,
    titreCodes: agreedTitres,
    sites: agreedSites,
    validFrom: calendarDate,
    validUntil: calendarDate,
  }),
});

const AgrementAmended = defineEvent({
  type: 'AgrementAmended',
  schemaVersion: 1,
  stream: 'agrement',
  label: 'Agrément du centre modifié',
  description: 'The agrément amended as a whole: its titres, sites and period replace the previous ones. Sessions already created keep their place.',
  data: z.strictObject({
    centreId,
    titreCodes: agreedTitres,
    sites: agreedSites,
    validFrom: calendarDate,
    validUntil: calendarDate,
    reason: text(500),
  }),
});

const AgrementWithdrawn = defineEvent({
  type: 'AgrementWithdrawn',
  schemaVersion: 1,
  stream: 'agrement',
  label: 'Agrément du centre retiré',
  description: 'The agrément withdrawn from that day: the centre may no longer create sessions, and no longer owes a programme.',
  data: z.strictObject({ centreId, withdrawnOn: calendarDate, reason: text(500) }),
});

// ---------------------------------------------------------------- session stream

const SessionCreated = defineEvent({
  type: 'SessionCreated',
  schemaVersion: 1,
  stream: 'session',
  label: 'Session créée dans CERES',
  description:
    'The session was created in CERES (the system records the reference, it does not call CERES). Due three months before the start; a later creation is accepted and marked late.',
  data: z.strictObject({
    sessionId,
    centreId,
    centreName: z.optional(centreName),
    department: departmentCode,
    region: regionCode,
    plannedSessionId: z.optional(plannedSessionId),
    ceresReference: text(40),
    titreCode,
    /** The titre's label in the catalogue the creation was decided with, for mails and pages. Optional: older events lack it. */
    titreLabel: z.optional(text(300)),
    startDate: calendarDate,
    endDate: calendarDate,
    site: text(200),
    candidateIds: z.array(candidateId).check(z.maxLength(500)),
    createdOn: calendarDate,
    creationDeadline: calendarDate,
    late: z.boolean(),
  }),
});

const BreachRecorded = defineEvent({
  type: 'BreachRecorded',
  schemaVersion: 1,
  stream: 'session',
  label: 'Manquement constaté',
  description: 'A step done later than the rules require (e.g. session created less than three months ahead); the UD is told.',
  data: z.strictObject({
    rule: z.string().check(z.minLength(1), z.maxLength(80)),
    dueOn: calendarDate,
    doneOn: calendarDate,
  }),
});

const CandidateRegistered = defineEvent({
  type: 'CandidateRegistered',
  schemaVersion: 1,
  stream: 'session',
  label: 'Candidat inscrit',
  description: 'A candidate added to the session after its creation (pseudonymous id only).',
  data: z.strictObject({ candidateId }),
});

const CandidateWithdrawn = defineEvent({
  type: 'CandidateWithdrawn',
  schemaVersion: 1,
  stream: 'session',
  label: 'Candidat retiré',
  description: 'A candidate withdrawn from the session before it starts.',
  data: z.strictObject({ candidateId, reason: z.optional(text(500)) }),
});

const AccommodationGranted = defineEvent({
  type: 'AccommodationGranted',
  schemaVersion: 1,
  stream: 'session',
  label: 'Aménagement d’épreuve accordé',
  description:
    'A candidate with a recognised disability gets adapted tests. The event carries only a reference: the adaptation itself is health data and lives in the personal-data store; a diagnosis is never stored.',
  data: z.strictObject({ candidateId, accommodationId }),
});

const JuryInformedOfAccommodations = defineEvent({
  type: 'JuryInformedOfAccommodations',
  schemaVersion: 1,
  stream: 'session',
  label: 'Jury informé des aménagements',
  description: 'The session manager informed the jury of the adapted tests, as the leaflet requires.',
  data: z.strictObject({ accommodationIds: z.array(accommodationId).check(z.minLength(1)), informedOn: calendarDate }),
});

const JuryAssigned = defineEvent({
  type: 'JuryAssigned',
  schemaVersion: 1,
  stream: 'session',
  label: 'Membre de jury désigné',
  description:
    "A juror habilitated for the session's titre by the UD of its department, valid on every day of the session, joins the jury, with the ties they declared with candidates.",
  data: z.strictObject({
    jurorId,
    habilitationId,
    tiedCandidateIds: z.array(candidateId).check(z.maxLength(500)),
  }),
});

const TieDeclared = defineEvent({
  type: 'TieDeclared',
  schemaVersion: 1,
  stream: 'session',
  label: 'Lien déclaré avec un candidat',
  description: 'A juror declares a personal or professional tie with a candidate; they will not evaluate that candidate.',
  data: z.strictObject({ jurorId, candidateId }),
});

const JurorUnassigned = defineEvent({
  type: 'JurorUnassigned',
  schemaVersion: 1,
  stream: 'session',
  label: 'Membre de jury retiré',
  description: 'A juror leaves the jury before the session.',
  data: z.strictObject({ jurorId, reason: text(500) }),
});

const ConvocationsSent = defineEvent({
  type: 'ConvocationsSent',
  schemaVersion: 1,
  stream: 'session',
  label: 'Convocations envoyées',
  description: 'Convocations sent to the jurors (at least 15 days ahead by default) or to the candidates.',
  data: z.strictObject({
    audience: z.enum(['jurors', 'candidates']),
    recipientIds: z.array(z.union([jurorId, candidateId])).check(z.minLength(1), z.maxLength(500)),
    sentOn: calendarDate,
    dueOn: calendarDate,
    late: z.boolean(),
  }),
});

const PlateauTechniqueChecked = defineEvent({
  type: 'PlateauTechniqueChecked',
  schemaVersion: 1,
  stream: 'session',
  label: 'Plateau technique vérifié',
  description: 'The jury and the session manager checked the plateau technique against the référentiel, before the start (about one hour).',
  data: z.strictObject({
    checkedOn: calendarDate,
    durationMinutes: z.int().check(z.gte(1), z.lte(600)),
    jurorIds: z.array(jurorId).check(z.minLength(1)),
    compliant: z.boolean(),
    remarks: z.optional(text(1000)),
  }),
});

const PassagesScheduled = defineEvent({
  type: 'PassagesScheduled',
  schemaVersion: 1,
  stream: 'session',
  label: 'Ordre de passage affiché',
  description:
    'The session manager posts the date, the time, the order of passage of the candidates and the nature of the tests (leaflet). Each one replaces the previous schedule as a whole; the candidates are named by their pseudonymous ids only.',
  data: z.strictObject({
    scheduledOn: calendarDate,
    passages: z
      .array(
        z.strictObject({
          candidateId,
          test: z.enum(examTests),
          on: calendarDate,
          at: timeOfDay,
        }),
      )
      .check(z.minLength(1), z.maxLength(2000)),
  }),
});

const SealsChecked = defineEvent({
  type: 'SealsChecked',
  schemaVersion: 1,
  stream: 'session',
  label: 'Plis cachetés vérifiés',
  description:
    'Day one: candidates present (identity checked); one of them, drawn by lot with a recorded seed so the draw can be replayed, checks with the session manager that the envelopes are sealed.',
  data: z.strictObject({
    checkedOn: calendarDate,
    presentCandidateIds: z.array(candidateId).check(z.minLength(1)),
    seed: z.string().check(z.regex(/^[0-9a-f]{32}$/)),
    drawnCandidateId: candidateId,
    sealsIntact: z.boolean(),
  }),
});

const FraudReported = defineEvent({
  type: 'FraudReported',
  schemaVersion: 1,
  stream: 'session',
  label: 'Fraude signalée',
  description: 'A fraud report, by the jury or the session manager; it is mentioned in the PV.',
  data: z.strictObject({
    candidateId,
    reportedBy: z.enum(['jury', 'session-manager']),
    reportedOn: calendarDate,
    facts: text(2000),
  }),
});

const SanctionNotified = defineEvent({
  type: 'SanctionNotified',
  schemaVersion: 1,
  stream: 'session',
  label: 'Sanction notifiée',
  description: 'The UD pronounced a sanction after a fraud report and notified it to the candidate.',
  data: z.strictObject({
    candidateId,
    sanction: z.enum(['avertissement', 'annulation-epreuve', 'exclusion-session', 'interdiction']),
    banMonths: z.optional(z.int().check(z.gte(1), z.lte(60))),
    pronouncedOn: calendarDate,
    notifiedOn: calendarDate,
  }),
});

const PVSigned = defineEvent({
  type: 'PVSigned',
  schemaVersion: 1,
  stream: 'session',
  label: 'Procès-verbal signé',
  description:
    'The jury deliberated alone and drew up the PV: one decision for every candidate, signed by every assigned juror, with the SHA-256 of the signed document. A rejected PV is signed again with a higher revision.',
  data: z.strictObject({
    revision: z.int().check(z.gte(1)),
    signedOn: calendarDate,
    decisions: z
      .array(
        z.strictObject({
          candidateId,
          decision: z.enum(decisions),
          ccpObtained: z.array(ccpCode).check(z.maxLength(20)),
          evaluatorIds: z.array(jurorId).check(z.minLength(1)),
        }),
      )
      .check(z.minLength(1)),
    signatoryIds: z.array(jurorId).check(z.minLength(2)),
    documentSha256: sha256,
  }),
});

const PVDocumentStored = defineEvent({
  type: 'PVDocumentStored',
  schemaVersion: 1,
  stream: 'session',
  label: 'Procès-verbal signé déposé',
  description: 'The signed PV file passed the intake checks and sits in the vault: object key, version id and SHA-256.',
  data: z.strictObject({
    revision: z.int().check(z.gte(1)),
    objectKey: z.string().check(z.minLength(1), z.maxLength(512)),
    versionId: z.string().check(z.minLength(1), z.maxLength(1024)),
    sha256,
    sizeBytes: z.int().check(z.gte(1)),
  }),
});

const PVDocumentQuarantined = defineEvent({
  type: 'PVDocumentQuarantined',
  schemaVersion: 1,
  stream: 'session',
  label: 'Fichier de procès-verbal refusé',
  description: 'An uploaded file failed the intake checks (not a PDF, wrong checksum, unexpected) and was quarantined; the centre is told why.',
  data: z.strictObject({
    objectKey: z.string().check(z.minLength(1), z.maxLength(512)),
    reason: z.enum(['not-pdf', 'checksum-mismatch', 'too-large', 'unexpected']),
  }),
});

const ResultsRecordedInCeres = defineEvent({
  type: 'ResultsRecordedInCeres',
  schemaVersion: 1,
  stream: 'session',
  label: 'Résultats enregistrés dans CERES',
  description: 'The session manager recorded the results in CERES.',
  data: z.strictObject({ recordedOn: calendarDate, pvRevision: z.int().check(z.gte(1)) }),
});

const PVTransmitted = defineEvent({
  type: 'PVTransmitted',
  schemaVersion: 1,
  stream: 'session',
  label: 'Procès-verbal transmis à l’unité départementale',
  description: "The session manager sent the signed PV to the UD of the centre's department.",
  data: z.strictObject({ transmittedOn: calendarDate, pvRevision: z.int().check(z.gte(1)), department: departmentCode }),
});

const PVValidated = defineEvent({
  type: 'PVValidated',
  schemaVersion: 1,
  stream: 'session',
  label: 'Procès-verbal validé',
  description: 'An agent of the UD of the session’s department instructed and validated the PV: results become official.',
  data: z.strictObject({ validatedOn: calendarDate, pvRevision: z.int().check(z.gte(1)) }),
});

const PVRejected = defineEvent({
  type: 'PVRejected',
  schemaVersion: 1,
  stream: 'session',
  label: 'Procès-verbal rejeté',
  description: 'The UD rejected the PV with a reason; the centre corrects it and the jury signs again.',
  data: z.strictObject({ rejectedOn: calendarDate, pvRevision: z.int().check(z.gte(1)), reason: text(1000) }),
});

const SessionCancelled = defineEvent({
  type: 'SessionCancelled',
  schemaVersion: 1,
  stream: 'session',
  label: 'Session annulée',
  description: 'The session was cancelled before it started; its deadlines close.',
  data: z.strictObject({ cancelledOn: calendarDate, reason: text(500) }),
});

const CandidatePersonalDataErased = defineEvent({
  type: 'CandidatePersonalDataErased',
  schemaVersion: 1,
  stream: 'session',
  label: 'Données personnelles effacées à la demande du candidat',
  description:
    "The session manager erased a candidate's personal data (identity, contacts, adaptations) at the candidate's request (GDPR art. 17). Carries only the pseudonymous ids and the ground: the immutable log never held the data, so the history and its hash chain stay whole. The retention purge (bulk, scheduled) does not record this event.",
  data: z.strictObject({ sessionId, candidateId, ground: z.enum(['demande-du-candidat']) }),
});

/** Every event type, in lifecycle order. */
export const eventDefinitions = [
  SessionPlanned,
  ProgrammeSubmitted,
  JurorHabilitated,
  HabilitationWithdrawn,
  TitreRecorded,
  AgrementRecorded,
  AgrementAmended,
  AgrementWithdrawn,
  SessionCreated,
  BreachRecorded,
  CandidateRegistered,
  CandidateWithdrawn,
  AccommodationGranted,
  JuryInformedOfAccommodations,
  JuryAssigned,
  TieDeclared,
  JurorUnassigned,
  ConvocationsSent,
  PlateauTechniqueChecked,
  PassagesScheduled,
  SealsChecked,
  FraudReported,
  SanctionNotified,
  PVSigned,
  PVDocumentStored,
  PVDocumentQuarantined,
  ResultsRecordedInCeres,
  PVTransmitted,
  PVValidated,
  PVRejected,
  SessionCancelled,
  CandidatePersonalDataErased,
] as const;

export type EventDefinitionUnion = (typeof eventDefinitions)[number];
export type EventType = EventDefinitionUnion['type'];
export const eventTypes = eventDefinitions.map((d) => d.type) as unknown as readonly [EventType, ...EventType[]];
