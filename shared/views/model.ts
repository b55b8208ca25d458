import type { Decision, SessionState } from '../domain/index.js';
import type { QuarantineReason } from '../vault/quarantineReasons.js';

/**
 * The read models the pages show. Each is a plain JSON document kept by the projector from the
 * events of one stream; `version` is the last event version of that stream folded into it, which
 * is what makes redelivery harmless (an event at or below it is skipped).
 */

/** A centre as a view or an event names it: its id, and its name once an event recorded one. */
export interface CentreRef {
  readonly centreId: string;
  readonly centreName?: string | undefined;
}

/** Each test of a titre professionnel's session, as the order of passage names it (pages and mails). */
export const examTestLabels: Readonly<Record<string, string>> = {
  'mise-en-situation': 'Mise en situation professionnelle',
  'questionnaire-professionnel': 'Questionnaire professionnel',
  'entretien-technique': 'Entretien technique',
  'entretien-final': 'Entretien final',
};

/** What a centre is called on a page or in a mail: its name when known, else its id. */
export const centreLabel = (centre: CentreRef): string => centre.centreName ?? centre.centreId;

/**
 * Where a session stands, from its creation in CERES to the validated PV: the domain's own statuses
 * (the view takes its status from the session state folded alongside it); labels live in the French
 * formatting (`sessionStatusLabels`).
 */
export const sessionStatuses = ['created', 'started', 'pv-signed', 'pv-transmitted', 'pv-rejected', 'pv-validated', 'cancelled'] as const satisfies readonly Exclude<
  SessionState['status'],
  'none'
>[];
export type SessionStatus = (typeof sessionStatuses)[number];
// Every status of a created session is listed above (the reverse of the `satisfies`).
const everyStatusListed: readonly SessionStatus[] = [] as Exclude<SessionState['status'], 'none'>[];
void everyStatusListed;

interface JuryMemberView {
  readonly jurorId: string;
  readonly habilitationId: string;
  readonly tiedCandidateIds: readonly string[];
  /** The day the jury's convocations reached this member; absent when they joined after them. */
  readonly convokedOn?: string;
}

/** A juror who left the jury: kept so that their « Mes convocations » page says so. */
interface FormerJurorView {
  readonly jurorId: string;
  readonly habilitationId: string;
  /** Calendar day in Paris of the unassignment. */
  readonly unassignedOn: string;
  /** Whether the convocation had reached them before they left. */
  readonly convokedOn?: string;
}

/** A step done later than the rules require (`BreachRecorded`): the UD and the region see it. */
interface BreachView {
  /** Stable rule id, e.g. `session.creation-late`, `convocation.jurors-late`. */
  readonly rule: string;
  readonly dueOn: string;
  readonly doneOn: string;
}

export interface CandidateResultView {
  readonly candidateId: string;
  readonly decision: Decision;
  readonly ccpObtained: readonly string[];
}

/** A deadline still open on a session or programme, as the pages list it. */
interface OpenDeadlineView {
  /** Stable kind, e.g. `juror-convocations`, `pv-transmission`. */
  readonly kind: string;
  /** French label. */
  readonly label: string;
  readonly dueOn: string;
}

interface FraudView {
  readonly candidateId: string;
  readonly reportedBy: 'jury' | 'session-manager';
  readonly reportedOn: string;
  readonly sanction?: { readonly sanction: string; readonly banMonths?: number; readonly notifiedOn: string };
}

interface PvView {
  readonly revision: number;
  readonly signedOn: string;
  readonly documentSha256: string;
  readonly signatoryIds: readonly string[];
  /** The signed file in the vault, once the intake accepted it. */
  readonly document?: { readonly objectKey: string; readonly versionId: string; readonly sha256: string; readonly sizeBytes: number };
  readonly transmittedOn?: string;
  readonly validatedOn?: string;
  readonly rejection?: { readonly rejectedOn: string; readonly reason: string };
  readonly resultsRecordedInCeresOn?: string;
}

export interface SessionView {
  readonly kind: 'session';
  readonly sessionId: string;
  readonly centreId: string;
  /** The centre's name at the session's creation (`SessionCreated`); absent when none was known then (pages show the id). */
  readonly centreName?: string;
  readonly department: string;
  readonly region: string;
  readonly titreCode: string;
  /** The titre's label at the session's creation; absent for sessions created before it was recorded. */
  readonly titreLabel?: string;
  readonly ceresReference: string;
  readonly site: string;
  readonly startDate: string;
  readonly endDate: string;
  readonly createdOn: string;
  readonly creationDeadline: string;
  /** Created less than three months ahead. */
  readonly createdLate: boolean;
  readonly plannedSessionId?: string;
  readonly status: SessionStatus;
  readonly candidateIds: readonly string[];
  readonly candidateCount: number;
  readonly jury: readonly JuryMemberView[];
  readonly accommodationIds: readonly string[];
  readonly juryInformedOfAccommodations: boolean;
  readonly jurorConvocationsSentOn?: string;
  readonly candidateConvocationsSentOn?: string;
  /** The candidates a convocation was sent to. Optional: views saved before it lack it until `npm run rebuild-views`. */
  readonly convokedCandidateIds?: readonly string[];
  readonly plateauTechnique?: { readonly checkedOn: string; readonly compliant: boolean };
  /** The order of passage posted last: each candidate's tests, in order (day, time). */
  readonly passages?: {
    readonly scheduledOn: string;
    readonly items: readonly {
      readonly candidateId: string;
      readonly test: 'mise-en-situation' | 'questionnaire-professionnel' | 'entretien-technique' | 'entretien-final';
      readonly on: string;
      readonly at: string;
    }[];
  };
  readonly sealsCheckedOn?: string;
  readonly fraudReportCount: number;
  readonly sanctionCount: number;
  readonly pv?: PvView;
  /** Quarantined uploads, newest last, so the centre sees why a file was refused. */
  readonly quarantinedUploads: readonly { readonly objectKey: string; readonly reason: QuarantineReason }[];
  /**
   * Results: none before a PV is signed; `provisional` while the UD has not validated the PV (they
   * bind nobody); `official` after validation; `rejected` once the UD rejected the PV, until it is
   * signed again (its decisions no longer stand).
   */
  readonly results: { readonly status: 'none' | 'provisional' | 'official' | 'rejected'; readonly decisions: readonly CandidateResultView[] };
  readonly openDeadlines: readonly OpenDeadlineView[];
  readonly cancelled?: { readonly cancelledOn: string; readonly reason: string };
  /**
   * Jurors unassigned and not designated again. Optional, like `breaches`: views saved before
   * these fields existed lack them until `npm run rebuild-views`.
   */
  readonly formerJury?: readonly FormerJurorView[];
  readonly breaches?: readonly BreachView[];
  /**
   * Candidates withdrawn from the session (no longer in `candidateIds`): the centre may still erase
   * their data. Copied from the domain state folded with the view; optional like `formerJury`.
   */
  readonly withdrawnCandidateIds?: readonly string[];
  /** Candidates, registered or withdrawn, whose personal data was erased at their request. Same source, same caveat. */
  readonly erasedCandidateIds?: readonly string[];
  /**
   * Frauds reported, oldest first: whom, when, by whom, and the sanction once the UD notified it
   * (the facts stay in the events, read in the history). Same source, same caveat.
   */
  readonly frauds?: readonly FraudView[];
  readonly version: number;
}

/**
 * One juror's part in one session, for the juror's « Mes convocations » page: a small item kept
 * beside the session's view, rewritten when what it shows changes. Carries no candidate and no
 * other juror. `version` is the session event that last changed it, so a redelivery or an older
 * writer never overwrites a newer item.
 */
export interface JurorSessionView extends Pick<
  SessionView,
  'sessionId' | 'centreId' | 'centreName' | 'department' | 'region' | 'titreCode' | 'ceresReference' | 'site' | 'startDate' | 'endDate' | 'status'
> {
  readonly kind: 'juror-session';
  readonly jurorId: string;
  readonly habilitationId: string;
  /** Whether the juror is in the jury now; false once unassigned (then `unassignedOn`). */
  readonly assigned: boolean;
  readonly unassignedOn?: string;
  readonly convokedOn?: string;
  readonly cancelledOn?: string;
  readonly version: number;
}

export interface HabilitationView {
  readonly habilitationId: string;
  readonly titreCode: string;
  readonly department: string;
  readonly validFrom: string;
  readonly validUntil: string;
  readonly professionalisationDate: string;
  readonly withdrawn?: { readonly withdrawnOn: string; readonly reason: string };
}

export interface JurorView {
  readonly kind: 'juror';
  readonly jurorId: string;
  /** Department of the UD that habilitated the juror most recently (where the juror lives). */
  readonly department: string;
  readonly habilitations: readonly HabilitationView[];
  readonly version: number;
}

interface PlannedSessionView {
  readonly plannedSessionId: string;
  readonly titreCode: string;
  readonly expectedStart: string;
  readonly expectedEnd: string;
  readonly expectedCandidates: number;
  readonly withdrawn: boolean;
}

export interface ProgrammeView {
  readonly kind: 'programme';
  readonly centreId: string;
  /** The centre's name at its latest submission that carried one (`ProgrammeSubmitted`). */
  readonly centreName?: string;
  readonly year: number;
  readonly department?: string;
  readonly region: string;
  readonly plannedSessions: readonly PlannedSessionView[];
  /** Undefined until the first submission. */
  readonly submission?: { readonly revision: number; readonly submittedOn: string; readonly deadline: string; readonly onTime: boolean };
  readonly version: number;
}

/** A centre's agrément as the region, the UD and the centre read it. */
export interface AgrementView {
  readonly kind: 'agrement';
  readonly centreId: string;
  readonly centreName: string;
  readonly department: string;
  readonly region: string;
  readonly titreCodes: readonly string[];
  readonly sites: readonly string[];
  readonly validFrom: string;
  readonly validUntil: string;
  /** When it was recorded, and each amendment since (the latest last). */
  readonly recordedOn: string;
  readonly amendments: readonly { readonly amendedOn: string; readonly reason: string }[];
  readonly withdrawn?: { readonly withdrawnOn: string; readonly reason: string };
  readonly version: number;
}

/** A titre professionnel as recorded, with the dates of the revisions seen. */
export interface TitreView {
  readonly kind: 'titre';
  readonly code: string;
  readonly label: string;
  readonly ccps: readonly { readonly code: string; readonly label: string }[];
  readonly validUntil: string;
  readonly revisedOn?: string;
  /** Every revision date recorded for the titre, oldest first. */
  readonly revisions: readonly string[];
  readonly source: 'rncp' | 'saisie';
  /** The day (Europe/Paris) of the last record. */
  readonly recordedOn: string;
  readonly version: number;
}

export type AggregateView = SessionView | JurorView | ProgrammeView | AgrementView | TitreView;

/** A centre's name as one event gave it: the event's id (a ULID, in recording order) orders names. */
export interface CentreNameMark {
  readonly centreName: string;
  readonly eventId: string;
}

/** A centre that has no programme for the year, or sent it after 31 January. */
export interface CentreBehind {
  readonly centreId: string;
  /** The newest name the centre's events gave, when one did. */
  readonly centreName?: string;
  readonly year: number;
  readonly reason: 'no-programme' | 'programme-late';
}

/** One page of a list, with an opaque cursor for the next one. */
export interface Page<T> {
  readonly items: readonly T[];
  readonly nextCursor?: string;
}
