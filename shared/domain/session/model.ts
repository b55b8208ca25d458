/** The session's model: its event types, commands and state, which the phases (preparation, dayOne, pv, lifecycle) decide on and evolve folds. */
import type { DomainEventOf, EventType } from '../../../events/index.js';
import { addMonths, type CalendarDate } from '../calendar.js';
import type { Agrement } from '../agrement.js';
import type { Habilitation } from '../juror.js';

export const sessionEventTypes = [
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
  'PassagesScheduled',
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
      /** The centre's agrément as its stream says just before deciding; undefined when none was recorded. */
      readonly agrement: Agrement | undefined;
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
  | {
      readonly type: 'UnassignJuror';
      readonly jurorId: string;
      readonly reason: string;
      /**
       * The member's habilitations as their own stream holds them now, when the application folded
       * them (after day one): a member the UD struck off may then still be removed.
       */
      readonly habilitations?: readonly Habilitation[];
    }
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
  | {
      readonly type: 'SchedulePassages';
      /** The whole schedule: each candidate's tests, with their day and time (Europe/Paris). */
      readonly passages: readonly Passage[];
    }
  | {
      readonly type: 'CheckSeals';
      readonly presentCandidateIds: readonly string[];
      readonly sealsIntact: boolean;
      /**
       * Each jury member's habilitations as their own stream holds them now (the application folds
       * them just before deciding): one withdrawn since the assignment no longer counts. A member
       * absent from it is not checked.
       */
      readonly juryHabilitations: Readonly<Record<string, readonly Habilitation[]>>;
    }
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
      /** Each jury member's habilitations as their own stream holds them now, as for CheckSeals: a member struck off since day one may not sign. */
      readonly juryHabilitations: Readonly<Record<string, readonly Habilitation[]>>;
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

export type SessionCommandType = SessionCommand['type'];

export interface JuryMember {
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

export interface SignedPv {
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

/** One test of one candidate: its nature, day and time (Europe/Paris, `HH:MM`). */
type Passage = DomainEventOf<'PassagesScheduled'>['data']['passages'][number];

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
  /**
   * The ties of jurors unassigned since they declared them, by juror: a tie is a fact about the
   * juror and the candidate, not about the assignment, so a juror assigned again keeps them.
   */
  readonly formerTies?: Readonly<Record<string, readonly string[]>>;
  /** Accommodation id -> candidate and whether the jury was informed. */
  readonly accommodations: Readonly<Record<string, { readonly candidateId: string; readonly juryInformed: boolean }>>;
  readonly convokedJurorIds: readonly string[];
  readonly convokedCandidateIds: readonly string[];
  readonly plateau?: { readonly checkedOn: CalendarDate; readonly durationMinutes: number; readonly jurorIds: readonly string[]; readonly compliant: boolean };
  /** The order of passage the session manager posted last (date, time and nature of each test). */
  readonly passages?: { readonly scheduledOn: CalendarDate; readonly passages: readonly Passage[] };
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

export type CreatedSession = Exclude<SessionState, { status: 'none' }>;

export const sessionStreamId = (sessionId: string): string => `session-${sessionId}`;

/** Session start − 3 months (clamped to the month's end): the CERES creation deadline. */
export const creationDeadline = (startDate: CalendarDate): CalendarDate => addMonths(startDate, -3);

/**
 * The registered candidates with an accommodation the jury has not been told of, once each: the
 * session manager informs the jury of every adapted test (leaflet), before day one and, for an
 * accommodation granted during the session, before the PV is signed.
 */
export const candidatesWithUninformedJury = (state: SessionData): string[] => [
  ...new Set(
    Object.values(state.accommodations)
      .filter((accommodation) => !accommodation.juryInformed && state.candidateIds.includes(accommodation.candidateId))
      .map((accommodation) => accommodation.candidateId),
  ),
];

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
