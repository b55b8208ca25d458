import type { DomainEventOf, EventType } from '../../events/index.js';
import { addDays, addMonths, compareDates, frenchDate, isCalendarDate, type CalendarDate } from './calendar.js';
import { duplicatesOf, listIds, titreOf, today } from './common.js';
import type { DecisionContext, Decider } from './decider.js';
import { drawCandidate } from './draw.js';
import { conflict, notFound, ruleBroken } from './errors.js';
import { habilitationValidOn, type Habilitation } from './juror.js';
import { requirePermitted } from './permissions.js';

/**
 * One exam session, stream `session-<sessionId>`, from its creation in CERES to the validated PV
 * or its cancellation. The leaflet's obligations are enforced here (refusals) or recorded as
 * breaches (a late creation or late convocations are accepted, marked late, and the UD is told).
 *
 * Jury assignment needs the juror's habilitations, which live in another stream: the AssignJuror
 * command carries a snapshot of them (`habilitationsOf(jurorState)` from juror.ts), read by the
 * handler just before deciding. The decider picks the habilitation that fits the session.
 */

const sessionEventTypes = [
  'SessionCreated',
  'BreachRecorded',
  'CandidateRegistered',
  'CandidateWithdrawn',
  'AccommodationGranted',
  'JuryInformedOfAccommodations',
  'JuryAssigned',
  'TieDeclared',
  'JurorUnassigned',
  'ConvocationsSent',
  'PlateauTechniqueChecked',
  'SealsChecked',
  'FraudReported',
  'SanctionNotified',
  'PVSigned',
  'PVDocumentStored',
  'PVDocumentQuarantined',
  'ResultsRecordedInCeres',
  'PVTransmitted',
  'PVValidated',
  'PVRejected',
  'SessionCancelled',
  'CandidatePersonalDataErased',
] as const satisfies readonly EventType[];

export type SessionEventType = (typeof sessionEventTypes)[number];
export type SessionEvent = DomainEventOf<SessionEventType>;

export type Decision = DomainEventOf<'PVSigned'>['data']['decisions'][number]['decision'];

/** One line of the PV. */
export interface PvDecision {
  readonly candidateId: string;
  readonly decision: Decision;
  /** CCP obtained, for a réussite partielle only. */
  readonly ccpObtained: readonly string[];
  /** The jurors who evaluated the candidate: never one who declared a tie with them. */
  readonly evaluatorIds: readonly string[];
}

type SanctionKind = DomainEventOf<'SanctionNotified'>['data']['sanction'];

export type SessionCommand =
  | {
      readonly type: 'CreateSession';
      readonly sessionId: string;
      readonly centreId: string;
      /** The centre's name from the session manager's account, recorded for the pages and mails. */
      readonly centreName?: string;
      readonly department: string;
      readonly region: string;
      readonly plannedSessionId?: string;
      readonly ceresReference: string;
      readonly titreCode: string;
      readonly startDate: CalendarDate;
      readonly endDate: CalendarDate;
      readonly site: string;
      readonly candidateIds: readonly string[];
    }
  | { readonly type: 'RegisterCandidate'; readonly candidateId: string }
  | { readonly type: 'WithdrawCandidate'; readonly candidateId: string; readonly reason?: string }
  | {
      readonly type: 'AssignJuror';
      readonly jurorId: string;
      /** Snapshot of the juror's habilitations (juror stream), read by the handler. */
      readonly habilitations: readonly Habilitation[];
      /** Candidates with whom the juror declares a personal or professional tie. */
      readonly tiedCandidateIds: readonly string[];
    }
  | { readonly type: 'DeclareTie'; readonly jurorId: string; readonly candidateId: string }
  | { readonly type: 'UnassignJuror'; readonly jurorId: string; readonly reason: string }
  | {
      readonly type: 'GrantAccommodation';
      readonly candidateId: string;
      /** Id under which the handler stored the adaptation in the personal-data store. */
      readonly accommodationId: string;
    }
  | { readonly type: 'InformJuryOfAccommodations' }
  | { readonly type: 'SendConvocations'; readonly audience: 'jurors' | 'candidates' }
  | {
      readonly type: 'CheckPlateauTechnique';
      readonly durationMinutes: number;
      readonly jurorIds: readonly string[];
      readonly compliant: boolean;
      readonly remarks?: string;
    }
  | { readonly type: 'CheckSeals'; readonly presentCandidateIds: readonly string[]; readonly sealsIntact: boolean }
  | { readonly type: 'ReportFraud'; readonly candidateId: string; readonly facts: string }
  | {
      readonly type: 'NotifySanction';
      readonly candidateId: string;
      readonly sanction: SanctionKind;
      readonly banMonths?: number;
      readonly pronouncedOn: CalendarDate;
    }
  | {
      readonly type: 'SignPV';
      readonly decisions: readonly PvDecision[];
      readonly signatoryIds: readonly string[];
      readonly documentSha256: string;
    }
  | {
      readonly type: 'RecordPVDocument';
      readonly revision: number;
      readonly objectKey: string;
      readonly versionId: string;
      readonly sha256: string;
      readonly sizeBytes: number;
    }
  | {
      readonly type: 'QuarantinePVDocument';
      readonly objectKey: string;
      readonly reason: DomainEventOf<'PVDocumentQuarantined'>['data']['reason'];
    }
  | { readonly type: 'RecordResultsInCeres' }
  | { readonly type: 'TransmitPV' }
  | { readonly type: 'ValidatePV' }
  | { readonly type: 'RejectPV'; readonly reason: string }
  | { readonly type: 'CancelSession'; readonly reason: string }
  /** The candidate asked the centre to erase their personal data (right to erasure). */
  | { readonly type: 'EraseCandidatePersonalData'; readonly candidateId: string };

type SessionCommandType = SessionCommand['type'];

interface JuryMember {
  readonly jurorId: string;
  readonly habilitationId: string;
  /** Candidates the juror declared a tie with: they never evaluate them. */
  readonly tiedCandidateIds: readonly string[];
}

interface SealCheck {
  readonly checkedOn: CalendarDate;
  readonly presentCandidateIds: readonly string[];
  readonly seed: string;
  readonly drawnCandidateId: string;
  readonly sealsIntact: boolean;
}

interface SignedPv {
  readonly revision: number;
  readonly signedOn: CalendarDate;
  readonly decisions: readonly PvDecision[];
  readonly signatoryIds: readonly string[];
  readonly documentSha256: string;
  readonly document?: { readonly objectKey: string; readonly versionId: string };
  readonly resultsRecordedOn?: CalendarDate;
  readonly transmittedOn?: CalendarDate;
  readonly validatedOn?: CalendarDate;
  readonly rejection?: { readonly rejectedOn: CalendarDate; readonly reason: string };
}

interface Fraud {
  readonly candidateId: string;
  readonly reportedBy: 'jury' | 'session-manager';
  readonly reportedOn: CalendarDate;
  readonly sanction?: { readonly sanction: SanctionKind; readonly banMonths?: number; readonly notifiedOn: CalendarDate };
}

/** What every created session knows, whatever its status. */
export interface SessionData {
  readonly sessionId: string;
  readonly centreId: string;
  /** Absent from sessions created before centres had names, or by an account without one. */
  readonly centreName?: string | undefined;
  readonly department: string;
  readonly region: string;
  readonly plannedSessionId?: string;
  readonly ceresReference: string;
  readonly titreCode: string;
  readonly startDate: CalendarDate;
  readonly endDate: CalendarDate;
  readonly site: string;
  readonly createdOn: CalendarDate;
  readonly creationDeadline: CalendarDate;
  readonly late: boolean;
  /** Registered candidates, in registration order. */
  readonly candidateIds: readonly string[];
  /** Candidates withdrawn since: no longer registered, still named by the session's history. */
  readonly withdrawnCandidateIds: readonly string[];
  /** Candidates whose personal data was erased at their request: their ids stay, their data is gone. */
  readonly erasedCandidateIds: readonly string[];
  readonly jury: Readonly<Record<string, JuryMember>>;
  /** Accommodation id -> candidate and whether the jury was informed. */
  readonly accommodations: Readonly<Record<string, { readonly candidateId: string; readonly juryInformed: boolean }>>;
  readonly convokedJurorIds: readonly string[];
  readonly convokedCandidateIds: readonly string[];
  readonly plateau?: { readonly checkedOn: CalendarDate; readonly durationMinutes: number; readonly jurorIds: readonly string[]; readonly compliant: boolean };
  readonly frauds: readonly Fraud[];
  readonly breaches: readonly { readonly rule: string; readonly dueOn: CalendarDate; readonly doneOn: CalendarDate }[];
  readonly quarantinedDocuments: number;
}

export type SessionState =
  | { readonly status: 'none' }
  | (SessionData & { readonly status: 'created' })
  | (SessionData & { readonly status: 'started'; readonly seals: SealCheck })
  | (SessionData & {
      readonly status: 'pv-signed' | 'pv-transmitted' | 'pv-rejected' | 'pv-validated';
      readonly seals: SealCheck;
      readonly pv: SignedPv;
    })
  | (SessionData & { readonly status: 'cancelled'; readonly cancellation: { readonly cancelledOn: CalendarDate; readonly reason: string } });

type CreatedSession = Exclude<SessionState, { status: 'none' }>;

export const sessionStreamId = (sessionId: string): string => `session-${sessionId}`;

/** Session start − 3 months (clamped to the month's end): the CERES creation deadline. */
export const creationDeadline = (startDate: CalendarDate): CalendarDate => addMonths(startDate, -3);

/**
 * What keeps the jury from being complete: fewer than two jurors, or a candidate left with fewer
 * than two jurors free of ties. Empty when the session can start.
 */
export const juryGaps = (state: SessionData): string[] => {
  const members = Object.values(state.jury);
  const gaps: string[] = [];
  if (members.length < 2) gaps.push(`le jury compte ${members.length} membre(s), il en faut au moins deux`);
  for (const candidateId of state.candidateIds) {
    const free = members.filter((member) => !member.tiedCandidateIds.includes(candidateId)).length;
    if (members.length >= 2 && free < 2) {
      gaps.push(`le candidat ${candidateId} n’a que ${free} membre(s) du jury sans lien avec lui`);
    }
  }
  return gaps;
};

// ---------------------------------------------------------------- guards

const requireCreated = (state: SessionState): CreatedSession => {
  if (state.status === 'none') throw notFound('session.unknown', 'Cette session n’existe pas.');
  return state;
};

const requireNotStarted = (state: CreatedSession, what: string): Extract<SessionState, { status: 'created' }> => {
  if (state.status === 'cancelled') throw ruleBroken('session.cancelled', `La session est annulée : ${what} n’est plus possible.`);
  if (state.status !== 'created') throw ruleBroken('session.already-started', `La session a commencé : ${what} n’est plus possible.`);
  return state;
};

const requireRegistered = (state: SessionData, candidateId: string, field = 'candidateId'): void => {
  if (!state.candidateIds.includes(candidateId)) {
    throw notFound('candidate.not-registered', `Le candidat ${candidateId} n’est pas inscrit à cette session.`, { candidateIds: [candidateId], field });
  }
};

const requireJuror = (state: SessionData, jurorId: string, field = 'jurorId'): JuryMember => {
  const member = state.jury[jurorId];
  if (!member) {
    throw notFound('jury.not-assigned', `Le membre de jury ${jurorId} n’est pas désigné pour cette session.`, { jurorIds: [jurorId], field });
  }
  return member;
};

const requireText = (value: string, field: string, label: string): string => {
  const trimmed = value.trim();
  if (trimmed === '') throw ruleBroken('input.required', `${label} est obligatoire.`, { field });
  return trimmed;
};

// ---------------------------------------------------------------- decisions

type Handler<T extends SessionCommandType> = (command: Extract<SessionCommand, { type: T }>, state: SessionState, context: DecisionContext) => SessionEvent[];

const createSession: Handler<'CreateSession'> = (command, state, context) => {
  if (state.status !== 'none') throw conflict('session.already-created', `La session ${command.sessionId} existe déjà.`);
  const titre = titreOf(context, command.titreCode);
  if (!titre) throw notFound('session.titre-unknown', `Le titre ${command.titreCode} est inconnu.`, { field: 'titreCode' });
  for (const name of ['startDate', 'endDate'] as const) {
    if (!isCalendarDate(command[name])) throw ruleBroken('session.date-invalid', `La date ${command[name]} n’existe pas.`, { field: name });
  }
  if (compareDates(command.startDate, command.endDate) > 0) {
    throw ruleBroken('session.dates-inverted', 'La date de fin de la session précède sa date de début.', { field: 'endDate' });
  }
  const createdOn = today(context);
  if (compareDates(command.startDate, createdOn) < 0) {
    throw ruleBroken('session.start-in-past', `La session ne peut pas commencer dans le passé (${frenchDate(command.startDate)}).`, {
      field: 'startDate',
    });
  }
  if (compareDates(command.endDate, titre.validUntil) > 0) {
    throw ruleBroken('session.titre-expired', `Le titre ${titre.label} n’est plus valide après le ${frenchDate(titre.validUntil)}.`, {
      field: 'endDate',
    });
  }
  const [duplicate] = duplicatesOf(command.candidateIds);
  if (duplicate) {
    throw ruleBroken('candidate.duplicate', `Le candidat ${duplicate} figure deux fois dans la liste.`, { candidateIds: [duplicate], field: 'candidateIds' });
  }
  const deadline = creationDeadline(command.startDate);
  const late = compareDates(createdOn, deadline) > 0;
  const created: SessionEvent = {
    type: 'SessionCreated',
    data: {
      sessionId: command.sessionId,
      centreId: command.centreId,
      ...(command.centreName ? { centreName: command.centreName } : {}),
      department: command.department,
      region: command.region,
      ...(command.plannedSessionId ? { plannedSessionId: command.plannedSessionId } : {}),
      ceresReference: requireText(command.ceresReference, 'ceresReference', 'La référence CERES'),
      titreCode: command.titreCode,
      startDate: command.startDate,
      endDate: command.endDate,
      site: requireText(command.site, 'site', 'Le lieu de la session'),
      candidateIds: [...command.candidateIds],
      createdOn,
      creationDeadline: deadline,
      late,
    },
  };
  return late ? [created, { type: 'BreachRecorded', data: { rule: 'session.creation-late', dueOn: deadline, doneOn: createdOn } }] : [created];
};

const registerCandidate: Handler<'RegisterCandidate'> = (command, state) => {
  const session = requireCreated(state);
  requireNotStarted(session, 'l’inscription d’un candidat');
  if (session.candidateIds.includes(command.candidateId)) {
    throw conflict('candidate.already-registered', `Le candidat ${command.candidateId} est déjà inscrit.`);
  }
  return [{ type: 'CandidateRegistered', data: { candidateId: command.candidateId } }];
};

const withdrawCandidate: Handler<'WithdrawCandidate'> = (command, state) => {
  const session = requireCreated(state);
  requireNotStarted(session, 'le retrait d’un candidat');
  requireRegistered(session, command.candidateId);
  const reason = command.reason?.trim();
  return [{ type: 'CandidateWithdrawn', data: { candidateId: command.candidateId, ...(reason ? { reason } : {}) } }];
};

const assignJuror: Handler<'AssignJuror'> = (command, state) => {
  const session = requireCreated(state);
  requireNotStarted(session, 'la désignation d’un membre du jury');
  if (session.jury[command.jurorId]) throw conflict('jury.already-assigned', `Le membre de jury ${command.jurorId} est déjà désigné.`);
  const forTitre = command.habilitations.filter((h) => h.titreCode === session.titreCode && h.department === session.department);
  const valid = forTitre.find((h) => habilitationValidOn(h, session.startDate) && habilitationValidOn(h, session.endDate));
  if (!valid) {
    const reason =
      forTitre.length === 0
        ? `n’est pas habilité pour le titre ${session.titreCode} par l’unité départementale du ${session.department}`
        : `n’a pas d’habilitation valide du ${frenchDate(session.startDate)} au ${frenchDate(session.endDate)}`;
    throw ruleBroken('jury.not-habilitated', `Le membre de jury ${command.jurorId} ${reason}.`, { jurorIds: [command.jurorId] });
  }
  command.tiedCandidateIds.forEach((candidateId, index) => requireRegistered(session, candidateId, `tiedCandidateIds.${index}`));
  return [
    {
      type: 'JuryAssigned',
      data: { jurorId: command.jurorId, habilitationId: valid.habilitationId, tiedCandidateIds: [...new Set(command.tiedCandidateIds)] },
    },
  ];
};

const declareTie: Handler<'DeclareTie'> = (command, state) => {
  const session = requireCreated(state);
  if (session.status !== 'created' && session.status !== 'started') {
    throw ruleBroken('tie.too-late', 'Un lien ne peut plus être déclaré après la signature du procès-verbal ou l’annulation.');
  }
  const member = requireJuror(session, command.jurorId);
  requireRegistered(session, command.candidateId);
  if (member.tiedCandidateIds.includes(command.candidateId)) {
    throw conflict('tie.already-declared', `Le lien entre ${command.jurorId} et le candidat ${command.candidateId} est déjà déclaré.`);
  }
  return [{ type: 'TieDeclared', data: { jurorId: command.jurorId, candidateId: command.candidateId } }];
};

const unassignJuror: Handler<'UnassignJuror'> = (command, state) => {
  const session = requireCreated(state);
  requireNotStarted(session, 'le retrait d’un membre du jury');
  requireJuror(session, command.jurorId);
  return [{ type: 'JurorUnassigned', data: { jurorId: command.jurorId, reason: requireText(command.reason, 'reason', 'Le motif') } }];
};

const grantAccommodation: Handler<'GrantAccommodation'> = (command, state) => {
  const session = requireCreated(state);
  if (session.status !== 'created' && session.status !== 'started') {
    throw ruleBroken('accommodation.too-late', 'Un aménagement ne peut plus être accordé après la signature du procès-verbal ou l’annulation.');
  }
  requireRegistered(session, command.candidateId);
  if (session.accommodations[command.accommodationId]) {
    throw conflict('accommodation.already-granted', `L’aménagement ${command.accommodationId} est déjà enregistré.`);
  }
  return [{ type: 'AccommodationGranted', data: { candidateId: command.candidateId, accommodationId: command.accommodationId } }];
};

const informJury: Handler<'InformJuryOfAccommodations'> = (_command, state, context) => {
  const session = requireCreated(state);
  const pending = Object.entries(session.accommodations)
    .filter(([, accommodation]) => !accommodation.juryInformed && session.candidateIds.includes(accommodation.candidateId))
    .map(([id]) => id);
  if (pending.length === 0) throw ruleBroken('accommodation.none-pending', 'Aucun aménagement d’épreuve n’attend d’être communiqué au jury.');
  return [{ type: 'JuryInformedOfAccommodations', data: { accommodationIds: pending, informedOn: today(context) } }];
};

const sendConvocations: Handler<'SendConvocations'> = (command, state, context) => {
  const session = requireNotStarted(requireCreated(state), 'l’envoi des convocations');
  const sentOn = today(context);
  if (compareDates(sentOn, session.startDate) > 0) {
    throw ruleBroken('convocation.after-start', 'La date de début de la session est passée : les convocations ne peuvent plus être envoyées.');
  }
  const jurors = command.audience === 'jurors';
  const recipientIds = jurors ? Object.keys(session.jury) : [...session.candidateIds];
  if (recipientIds.length === 0) {
    throw ruleBroken(
      'convocation.no-recipient',
      jurors ? 'Aucun membre du jury n’est désigné : il n’y a personne à convoquer.' : 'Aucun candidat n’est inscrit : il n’y a personne à convoquer.',
    );
  }
  const days = jurors ? context.settings.jurorConvocationDays : context.settings.candidateConvocationDays;
  const dueOn = addDays(session.startDate, -days);
  const late = compareDates(sentOn, dueOn) > 0;
  const sent: SessionEvent = { type: 'ConvocationsSent', data: { audience: command.audience, recipientIds, sentOn, dueOn, late } };
  return late ? [sent, { type: 'BreachRecorded', data: { rule: jurors ? 'convocation.jurors-late' : 'convocation.candidates-late', dueOn, doneOn: sentOn } }] : [sent];
};

const checkPlateau: Handler<'CheckPlateauTechnique'> = (command, state, context) => {
  const session = requireNotStarted(requireCreated(state), 'la vérification du plateau technique avant le début');
  const checkedOn = today(context);
  if (compareDates(checkedOn, session.startDate) > 0) {
    throw ruleBroken('plateau.after-start', 'Le plateau technique doit être vérifié avant le début de la session.');
  }
  if (!Number.isInteger(command.durationMinutes) || command.durationMinutes < 1 || command.durationMinutes > 600) {
    throw ruleBroken('plateau.duration-invalid', 'La durée de la vérification doit être comprise entre 1 et 600 minutes.', { field: 'durationMinutes' });
  }
  if (command.jurorIds.length === 0) {
    throw ruleBroken('plateau.without-jury', 'Le plateau technique se vérifie avec le jury : indiquez au moins un membre présent.', { field: 'jurorIds' });
  }
  command.jurorIds.forEach((jurorId, index) => requireJuror(session, jurorId, `jurorIds.${index}`));
  const remarks = command.remarks?.trim();
  return [
    {
      type: 'PlateauTechniqueChecked',
      data: {
        checkedOn,
        durationMinutes: command.durationMinutes,
        jurorIds: [...new Set(command.jurorIds)],
        compliant: command.compliant,
        ...(remarks ? { remarks } : {}),
      },
    },
  ];
};

const checkSeals: Handler<'CheckSeals'> = (command, state, context) => {
  const created = requireCreated(state);
  if (created.status === 'cancelled') throw ruleBroken('session.cancelled', 'La session est annulée.');
  if (created.status !== 'created') throw conflict('seals.already-checked', 'La vérification des plis a déjà été faite pour cette session.');
  const session = created;
  const checkedOn = today(context);
  if (checkedOn !== session.startDate) {
    throw ruleBroken('seals.not-day-one', `Les plis se vérifient le premier jour de la session, le ${frenchDate(session.startDate)}.`);
  }
  const gaps = juryGaps(session);
  if (gaps.length > 0) throw ruleBroken('jury.incomplete', `La session ne peut pas commencer : ${gaps.join(' ; ')}.`);
  if (!session.plateau) {
    throw ruleBroken('plateau.not-checked', 'La session ne peut pas commencer : le plateau technique n’a pas été vérifié avec le jury.');
  }
  const uninformed = Object.values(session.accommodations)
    .filter((a) => !a.juryInformed && session.candidateIds.includes(a.candidateId))
    .map((a) => a.candidateId);
  if (uninformed.length > 0) {
    throw ruleBroken(
      'accommodation.jury-not-informed',
      `La session ne peut pas commencer : le jury n’a pas été informé de l’aménagement d’épreuve du candidat ${listIds(uninformed)}.`,
      { candidateIds: uninformed },
    );
  }
  const present = [...new Set(command.presentCandidateIds)];
  if (present.length === 0) {
    throw ruleBroken('seals.no-candidate-present', 'Le tirage au sort se fait parmi les candidats présents : indiquez-en au moins un.', {
      field: 'presentCandidateIds',
    });
  }
  present.forEach((candidateId, index) => requireRegistered(session, candidateId, `presentCandidateIds.${index}`));
  const seed = context.newSeed();
  return [
    {
      type: 'SealsChecked',
      data: { checkedOn, presentCandidateIds: present, seed, drawnCandidateId: drawCandidate(seed, present), sealsIntact: command.sealsIntact },
    },
  ];
};

const reportFraud: Handler<'ReportFraud'> = (command, state, context) => {
  const session = requireCreated(state);
  if (session.status === 'created' || session.status === 'cancelled' || session.status === 'pv-validated') {
    throw ruleBroken('fraud.outside-session', 'Une fraude se signale pendant la session, avant la validation du procès-verbal.');
  }
  requireRegistered(session, command.candidateId);
  return [
    {
      type: 'FraudReported',
      data: {
        candidateId: command.candidateId,
        reportedBy: context.actor.role === 'juror' ? 'jury' : 'session-manager',
        reportedOn: today(context),
        facts: requireText(command.facts, 'facts', 'La description des faits'),
      },
    },
  ];
};

const notifySanction: Handler<'NotifySanction'> = (command, state, context) => {
  const session = requireCreated(state);
  const reports = session.frauds.filter((f) => f.candidateId === command.candidateId);
  if (reports.length === 0) {
    throw ruleBroken('sanction.without-fraud', `Aucune fraude n’a été signalée pour le candidat ${command.candidateId}.`, {
      candidateIds: [command.candidateId],
    });
  }
  // One sanction per fraud report: the oldest report without a sanction is the one decided.
  const fraud = reports.find((f) => !f.sanction);
  if (!fraud) throw conflict('sanction.already-notified', `Une sanction a déjà été notifiée au candidat ${command.candidateId}.`);
  const notifiedOn = today(context);
  if (!isCalendarDate(command.pronouncedOn) || compareDates(command.pronouncedOn, notifiedOn) > 0 || compareDates(command.pronouncedOn, fraud.reportedOn) < 0) {
    throw ruleBroken('sanction.date-invalid', 'La sanction est prononcée après le signalement de la fraude et au plus tard aujourd’hui.', {
      field: 'pronouncedOn',
    });
  }
  const ban = command.sanction === 'interdiction';
  if (ban !== (command.banMonths !== undefined)) {
    throw ruleBroken('sanction.ban-duration', 'Une durée d’interdiction (en mois) est requise pour une interdiction, et pour elle seulement.', {
      field: 'banMonths',
    });
  }
  if (command.banMonths !== undefined && (!Number.isInteger(command.banMonths) || command.banMonths < 1 || command.banMonths > 60)) {
    throw ruleBroken('sanction.ban-duration', 'La durée d’interdiction doit être comprise entre 1 et 60 mois.', { field: 'banMonths' });
  }
  return [
    {
      type: 'SanctionNotified',
      data: {
        candidateId: command.candidateId,
        sanction: command.sanction,
        ...(command.banMonths !== undefined ? { banMonths: command.banMonths } : {}),
        pronouncedOn: command.pronouncedOn,
        notifiedOn,
      },
    },
  ];
};

const sha256Pattern = /^[0-9a-f]{64}$/;

const checkDecisions = (session: SessionData, decisions: readonly PvDecision[], context: DecisionContext): void => {
  const titre = titreOf(context, session.titreCode);
  const ids = decisions.map((d) => d.candidateId);
  const [duplicate] = duplicatesOf(ids);
  if (duplicate) {
    throw ruleBroken('pv.duplicate-decision', `Le procès-verbal contient deux décisions pour le candidat ${duplicate}.`, { candidateIds: [duplicate] });
  }
  const unknown = ids.filter((id) => !session.candidateIds.includes(id));
  if (unknown.length > 0) {
    throw ruleBroken('pv.unknown-candidate', `Le procès-verbal cite un candidat qui n’est pas inscrit : ${listIds(unknown)}.`, { candidateIds: unknown });
  }
  const missing = session.candidateIds.filter((id) => !ids.includes(id));
  if (missing.length > 0) {
    throw ruleBroken('pv.missing-decision', `Le procès-verbal est incomplet : il manque la décision du jury pour le candidat ${listIds(missing)}.`, {
      candidateIds: missing,
    });
  }
  decisions.forEach((line, index) => {
    if (line.evaluatorIds.length === 0) {
      throw ruleBroken('pv.evaluator-missing', `Indiquez les membres du jury qui ont évalué le candidat ${line.candidateId}.`, {
        candidateIds: [line.candidateId],
        field: `decisions.${index}.evaluatorIds`,
      });
    }
    for (const jurorId of line.evaluatorIds) {
      const member = session.jury[jurorId];
      if (!member) {
        throw ruleBroken('pv.unknown-evaluator', `La personne ${jurorId} a évalué le candidat ${line.candidateId} mais ne fait pas partie du jury de la session.`, {
          jurorIds: [jurorId],
          candidateIds: [line.candidateId],
          field: `decisions.${index}.evaluatorIds`,
        });
      }
      if (member.tiedCandidateIds.includes(line.candidateId)) {
        throw ruleBroken(
          'jury.tie-with-candidate',
          `Le membre de jury ${jurorId} a déclaré un lien avec le candidat ${line.candidateId} : il ne peut ni l’évaluer ni délibérer à son sujet.`,
          { jurorIds: [jurorId], candidateIds: [line.candidateId], field: `decisions.${index}.evaluatorIds` },
        );
      }
    }
    const field = `decisions.${index}.ccpObtained`;
    if (line.decision !== 'reussite-partielle') {
      if (line.ccpObtained.length > 0) {
        throw ruleBroken('pv.ccp-unexpected', `Candidat ${line.candidateId} : les CCP obtenus ne se listent qu’en cas de réussite partielle.`, {
          candidateIds: [line.candidateId],
          field,
        });
      }
      return;
    }
    if (line.ccpObtained.length === 0) {
      throw ruleBroken('pv.ccp-missing', `Candidat ${line.candidateId} : une réussite partielle doit lister les CCP obtenus.`, {
        candidateIds: [line.candidateId],
        field,
      });
    }
    const codes = titre?.ccps.map((ccp) => ccp.code) ?? [];
    const foreign = line.ccpObtained.filter((code) => !codes.includes(code));
    if (foreign.length > 0) {
      throw ruleBroken('pv.ccp-not-in-titre', `Candidat ${line.candidateId} : ${listIds(foreign)} n’appartient pas au titre ${session.titreCode}.`, {
        candidateIds: [line.candidateId],
        field,
      });
    }
    if (new Set(line.ccpObtained).size >= codes.length) {
      throw ruleBroken('pv.partial-with-every-ccp', `Candidat ${line.candidateId} : tous les CCP sont obtenus, la décision est « titre obtenu ».`, {
        candidateIds: [line.candidateId],
        field,
      });
    }
  });
};

const signPv: Handler<'SignPV'> = (command, state, context) => {
  const session = requireCreated(state);
  if (session.status === 'created') throw ruleBroken('pv.session-not-started', 'La session n’a pas commencé (plis non vérifiés) : pas de procès-verbal.');
  if (session.status === 'cancelled') throw ruleBroken('session.cancelled', 'La session est annulée.');
  if (session.status !== 'started' && session.status !== 'pv-rejected') {
    throw conflict('pv.already-signed', 'Un procès-verbal signé est déjà en cours de traitement pour cette session.');
  }
  const signedOn = today(context);
  if (compareDates(signedOn, session.endDate) < 0) {
    throw ruleBroken('pv.before-end', `Le procès-verbal se signe à l’issue de la session, le ${frenchDate(session.endDate)} au plus tôt.`);
  }
  checkDecisions(session, command.decisions, context);
  const assigned = Object.keys(session.jury);
  const strangers = command.signatoryIds.filter((id) => !session.jury[id]);
  if (strangers.length > 0) {
    throw ruleBroken('pv.unknown-signatory', `Le procès-verbal est signé par ${listIds(strangers)}, qui n’est pas membre du jury.`, {
      jurorIds: strangers,
      field: 'signatoryIds',
    });
  }
  const unsigned = assigned.filter((id) => !command.signatoryIds.includes(id));
  if (unsigned.length > 0) {
    throw ruleBroken('pv.missing-signature', `Le procès-verbal doit être signé par tous les membres du jury : il manque la signature de ${listIds(unsigned)}.`, {
      jurorIds: unsigned,
      field: 'signatoryIds',
    });
  }
  if (!sha256Pattern.test(command.documentSha256)) {
    throw ruleBroken('pv.sha256-invalid', 'L’empreinte SHA-256 du procès-verbal doit compter 64 caractères hexadécimaux.', { field: 'documentSha256' });
  }
  return [
    {
      type: 'PVSigned',
      data: {
        revision: session.status === 'pv-rejected' ? session.pv.revision + 1 : 1,
        signedOn,
        decisions: command.decisions.map((d) => ({
          candidateId: d.candidateId,
          decision: d.decision,
          ccpObtained: [...new Set(d.ccpObtained)],
          evaluatorIds: [...new Set(d.evaluatorIds)],
        })),
        signatoryIds: [...new Set(command.signatoryIds)],
        documentSha256: command.documentSha256,
      },
    },
  ];
};

const requirePv = (state: SessionState): Extract<SessionState, { pv: SignedPv }> => {
  const session = requireCreated(state);
  if (!('pv' in session)) throw ruleBroken('pv.not-signed', 'Aucun procès-verbal signé n’a été enregistré pour cette session.');
  return session;
};

const recordPvDocument: Handler<'RecordPVDocument'> = (command, state) => {
  const session = requirePv(state);
  if (command.revision !== session.pv.revision) {
    throw ruleBroken('pv.document-revision', `Le fichier déposé concerne la version ${command.revision} du procès-verbal, la version en cours est la ${session.pv.revision}.`);
  }
  if (session.pv.document) throw conflict('pv.document-already-stored', 'Le fichier de cette version du procès-verbal est déjà déposé.');
  if (command.sha256 !== session.pv.documentSha256) {
    throw ruleBroken('pv.document-checksum-mismatch', 'Le fichier déposé ne correspond pas au procès-verbal signé (empreinte SHA-256 différente).');
  }
  return [
    {
      type: 'PVDocumentStored',
      data: { revision: command.revision, objectKey: command.objectKey, versionId: command.versionId, sha256: command.sha256, sizeBytes: command.sizeBytes },
    },
  ];
};

const quarantinePvDocument: Handler<'QuarantinePVDocument'> = (command, state) => {
  requireCreated(state);
  return [{ type: 'PVDocumentQuarantined', data: { objectKey: command.objectKey, reason: command.reason } }];
};

const recordResults: Handler<'RecordResultsInCeres'> = (_command, state, context) => {
  const session = requirePv(state);
  if (session.status !== 'pv-signed') throw conflict('pv.not-awaiting-results', 'Le procès-verbal en cours a déjà été transmis ou traité.');
  if (session.pv.resultsRecordedOn) throw conflict('pv.results-already-recorded', 'Les résultats de cette version du procès-verbal sont déjà enregistrés dans CERES.');
  return [{ type: 'ResultsRecordedInCeres', data: { recordedOn: today(context), pvRevision: session.pv.revision } }];
};

const transmitPv: Handler<'TransmitPV'> = (_command, state, context) => {
  const session = requirePv(state);
  if (session.status !== 'pv-signed') throw conflict('pv.already-transmitted', 'Ce procès-verbal a déjà été transmis.');
  if (!session.pv.document) {
    throw ruleBroken('pv.document-missing', 'Déposez d’abord le fichier du procès-verbal signé : il sera transmis à l’unité départementale.');
  }
  if (!session.pv.resultsRecordedOn) {
    throw ruleBroken('pv.results-not-recorded', 'Enregistrez d’abord les résultats dans CERES, puis transmettez le procès-verbal.');
  }
  return [{ type: 'PVTransmitted', data: { transmittedOn: today(context), pvRevision: session.pv.revision, department: session.department } }];
};

const requireTransmitted = (state: SessionState): Extract<SessionState, { pv: SignedPv }> => {
  const session = requirePv(state);
  if (session.status !== 'pv-transmitted') throw ruleBroken('pv.not-transmitted', 'Aucun procès-verbal transmis n’attend d’instruction pour cette session.');
  return session;
};

const validatePv: Handler<'ValidatePV'> = (_command, state, context) => {
  const session = requireTransmitted(state);
  return [{ type: 'PVValidated', data: { validatedOn: today(context), pvRevision: session.pv.revision } }];
};

const rejectPv: Handler<'RejectPV'> = (command, state, context) => {
  const session = requireTransmitted(state);
  return [
    {
      type: 'PVRejected',
      data: { rejectedOn: today(context), pvRevision: session.pv.revision, reason: requireText(command.reason, 'reason', 'Le motif du rejet') },
    },
  ];
};

const cancelSession: Handler<'CancelSession'> = (command, state, context) => {
  const session = requireCreated(state);
  requireNotStarted(session, 'l’annulation');
  return [{ type: 'SessionCancelled', data: { cancelledOn: today(context), reason: requireText(command.reason, 'reason', 'Le motif de l’annulation') } }];
};

/**
 * The right to erasure (GDPR art. 17), asked by the candidate to the centre that registered them:
 * accepted whatever the session's status (even cancelled or with a validated PV), for a candidate
 * registered now or withdrawn before. The event records that it was done; the handler then erases
 * the personal-data store. A second request for the same candidate records nothing.
 */
const eraseCandidatePersonalData: Handler<'EraseCandidatePersonalData'> = (command, state) => {
  const session = requireCreated(state);
  const { candidateId } = command;
  if (!session.candidateIds.includes(candidateId) && !session.withdrawnCandidateIds.includes(candidateId)) {
    throw notFound('erasure.candidate-unknown', `Le candidat ${candidateId} n’a jamais été inscrit à cette session : ses données ne peuvent pas y être effacées.`, {
      candidateIds: [candidateId],
    });
  }
  if (session.erasedCandidateIds.includes(candidateId)) return [];
  // GDPR art. 17(3)(e): data needed for a legal claim is kept. While a fraud report on the candidate
  // awaits the UD's decision, the UD needs their identity to notify the sanction.
  const pending = session.frauds.find((fraud) => fraud.candidateId === candidateId && !fraud.sanction);
  if (pending) {
    throw ruleBroken(
      'erasure.fraud-pending',
      `Les données du candidat ${candidateId} sont conservées tant que la fraude signalée le ${frenchDate(pending.reportedOn)} attend la décision de l’unité départementale : l’effacement sera possible une fois la sanction notifiée.`,
      { candidateIds: [candidateId] },
    );
  }
  return [{ type: 'CandidatePersonalDataErased', data: { sessionId: session.sessionId, candidateId, ground: 'demande-du-candidat' } }];
};

const handlers: { [T in SessionCommandType]: Handler<T> } = {
  CreateSession: createSession,
  RegisterCandidate: registerCandidate,
  WithdrawCandidate: withdrawCandidate,
  AssignJuror: assignJuror,
  DeclareTie: declareTie,
  UnassignJuror: unassignJuror,
  GrantAccommodation: grantAccommodation,
  InformJuryOfAccommodations: informJury,
  SendConvocations: sendConvocations,
  CheckPlateauTechnique: checkPlateau,
  CheckSeals: checkSeals,
  ReportFraud: reportFraud,
  NotifySanction: notifySanction,
  SignPV: signPv,
  RecordPVDocument: recordPvDocument,
  QuarantinePVDocument: quarantinePvDocument,
  RecordResultsInCeres: recordResults,
  TransmitPV: transmitPv,
  ValidatePV: validatePv,
  RejectPV: rejectPv,
  CancelSession: cancelSession,
  EraseCandidatePersonalData: eraseCandidatePersonalData,
};

/**
 * Who may run the command is checked first, by the permission table (permissions.ts), on the
 * session's centre, department and jury (a creation on the centre it names); a command on a
 * session that does not exist is left to its handler's 404.
 */
const decide = (command: SessionCommand, state: SessionState, context: DecisionContext): SessionEvent[] => {
  if (state.status !== 'none') {
    const aboutJurorId = 'jurorId' in command ? command.jurorId : undefined;
    requirePermitted(context.actor, command.type, { centreId: state.centreId, department: state.department, jurorIds: Object.keys(state.jury), aboutJurorId });
  } else if (command.type === 'CreateSession') requirePermitted(context.actor, command.type, command);
  return (handlers[command.type] as Handler<SessionCommandType>)(command, state, context);
};

// ---------------------------------------------------------------- evolution

const withPv = (state: SessionState, update: (pv: SignedPv) => SignedPv, status?: 'pv-signed' | 'pv-transmitted' | 'pv-rejected' | 'pv-validated'): SessionState =>
  'pv' in state ? { ...state, status: status ?? state.status, pv: update(state.pv) } : state;

const evolve = (state: SessionState, event: SessionEvent): SessionState => {
  if (event.type === 'SessionCreated') {
    const { candidateIds, plannedSessionId, ...rest } = event.data;
    return {
      status: 'created',
      ...rest,
      ...(plannedSessionId ? { plannedSessionId } : {}),
      candidateIds,
      withdrawnCandidateIds: [],
      erasedCandidateIds: [],
      jury: {},
      accommodations: {},
      convokedJurorIds: [],
      convokedCandidateIds: [],
      frauds: [],
      breaches: [],
      quarantinedDocuments: 0,
    };
  }
  if (state.status === 'none') return state;
  switch (event.type) {
    case 'BreachRecorded':
      return { ...state, breaches: [...state.breaches, event.data] };
    case 'CandidateRegistered':
      return { ...state, candidateIds: [...state.candidateIds, event.data.candidateId] };
    case 'CandidateWithdrawn':
      return {
        ...state,
        candidateIds: state.candidateIds.filter((id) => id !== event.data.candidateId),
        withdrawnCandidateIds: [...state.withdrawnCandidateIds.filter((id) => id !== event.data.candidateId), event.data.candidateId],
      };
    case 'AccommodationGranted':
      return {
        ...state,
        accommodations: { ...state.accommodations, [event.data.accommodationId]: { candidateId: event.data.candidateId, juryInformed: false } },
      };
    case 'JuryInformedOfAccommodations': {
      const accommodations = { ...state.accommodations };
      for (const id of event.data.accommodationIds) {
        const accommodation = accommodations[id];
        if (accommodation) accommodations[id] = { ...accommodation, juryInformed: true };
      }
      return { ...state, accommodations };
    }
    case 'JuryAssigned':
      return { ...state, jury: { ...state.jury, [event.data.jurorId]: { ...event.data } } };
    case 'TieDeclared': {
      const member = state.jury[event.data.jurorId];
      if (!member) return state;
      return {
        ...state,
        jury: { ...state.jury, [member.jurorId]: { ...member, tiedCandidateIds: [...member.tiedCandidateIds, event.data.candidateId] } },
      };
    }
    case 'JurorUnassigned': {
      const { [event.data.jurorId]: _removed, ...jury } = state.jury;
      return { ...state, jury, convokedJurorIds: state.convokedJurorIds.filter((id) => id !== event.data.jurorId) };
    }
    case 'ConvocationsSent':
      return event.data.audience === 'jurors'
        ? { ...state, convokedJurorIds: [...new Set([...state.convokedJurorIds, ...event.data.recipientIds])] }
        : { ...state, convokedCandidateIds: [...new Set([...state.convokedCandidateIds, ...event.data.recipientIds])] };
    case 'PlateauTechniqueChecked': {
      const { remarks: _remarks, ...plateau } = event.data;
      return { ...state, plateau };
    }
    case 'SealsChecked':
      return state.status === 'created' ? { ...state, status: 'started', seals: { ...event.data } } : state;
    case 'FraudReported': {
      const { facts: _facts, ...fraud } = event.data;
      return { ...state, frauds: [...state.frauds, fraud] };
    }
    case 'SanctionNotified': {
      const { candidateId, pronouncedOn: _pronounced, ...sanction } = event.data;
      const decided = state.frauds.findIndex((fraud) => fraud.candidateId === candidateId && !fraud.sanction);
      return { ...state, frauds: state.frauds.map((fraud, index) => (index === decided ? { ...fraud, sanction } : fraud)) };
    }
    case 'PVSigned':
      return 'seals' in state ? { ...state, status: 'pv-signed', pv: { ...event.data } } : state;
    case 'PVDocumentStored':
      return withPv(state, (pv) => (pv.revision === event.data.revision ? { ...pv, document: { objectKey: event.data.objectKey, versionId: event.data.versionId } } : pv));
    case 'PVDocumentQuarantined':
      return { ...state, quarantinedDocuments: state.quarantinedDocuments + 1 };
    case 'ResultsRecordedInCeres':
      return withPv(state, (pv) => ({ ...pv, resultsRecordedOn: event.data.recordedOn }));
    case 'PVTransmitted':
      return withPv(state, (pv) => ({ ...pv, transmittedOn: event.data.transmittedOn }), 'pv-transmitted');
    case 'PVValidated':
      return withPv(state, (pv) => ({ ...pv, validatedOn: event.data.validatedOn }), 'pv-validated');
    case 'PVRejected':
      return withPv(state, (pv) => ({ ...pv, rejection: { rejectedOn: event.data.rejectedOn, reason: event.data.reason } }), 'pv-rejected');
    case 'SessionCancelled':
      return { ...state, status: 'cancelled', cancellation: { ...event.data } };
    case 'CandidatePersonalDataErased':
      return state.erasedCandidateIds.includes(event.data.candidateId) ? state : { ...state, erasedCandidateIds: [...state.erasedCandidateIds, event.data.candidateId] };
  }
};

export const sessionDecider: Decider<SessionCommand, SessionState, SessionEvent> = {
  initialState: { status: 'none' },
  decide,
  evolve,
};

/** The session event types, for stream filters and tests. */
export const sessionEvents: readonly SessionEventType[] = sessionEventTypes;
