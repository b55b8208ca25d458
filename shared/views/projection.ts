import type { StoredEvent } from '../../events/index.js';
import { defaultSettings, type DomainSettings } from '../domain/decider.js';
import { sessionDeadlines } from '../deadlineIndex/rules.js';
import type { AggregateView, JurorView, ProgrammeView, SessionView } from './model.js';

/**
 * Pure folds from events to views: `project(view, event) -> view`. The projector applies them in
 * stream order; `version` records the last event folded in.
 */

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

const withDeadlines = (view: Omit<SessionView, 'openDeadlines'>, settings: DomainSettings): SessionView => ({
  ...view,
  openDeadlines: sessionDeadlines(view, settings).map(({ kind, label, dueOn }) => ({ kind, label, dueOn })),
});

const projectSession = (view: SessionView | undefined, event: StoredEvent, settings: DomainSettings): SessionView | undefined => {
  if (event.type === 'SessionCreated') {
    const d = event.data;
    return withDeadlines(
      {
        kind: 'session',
        sessionId: d.sessionId,
        centreId: d.centreId,
        department: d.department,
        region: d.region,
        titreCode: d.titreCode,
        ceresReference: d.ceresReference,
        site: d.site,
        startDate: d.startDate,
        endDate: d.endDate,
        createdOn: d.createdOn,
        creationDeadline: d.creationDeadline,
        createdLate: d.late,
        ...(d.plannedSessionId ? { plannedSessionId: d.plannedSessionId } : {}),
        status: 'scheduled',
        candidateIds: d.candidateIds,
        candidateCount: d.candidateIds.length,
        jury: [],
        accommodationIds: [],
        juryInformedOfAccommodations: false,
        fraudReportCount: 0,
        sanctionCount: 0,
        quarantinedUploads: [],
        results: { status: 'none', decisions: [] },
        version: event.version,
      },
      settings,
    );
  }
  if (!view) return undefined;
  const next: Mutable<SessionView> = { ...view, version: event.version };
  switch (event.type) {
    case 'CandidateRegistered':
      if (!next.candidateIds.includes(event.data.candidateId)) next.candidateIds = [...next.candidateIds, event.data.candidateId];
      break;
    case 'CandidateWithdrawn':
      next.candidateIds = next.candidateIds.filter((id) => id !== event.data.candidateId);
      break;
    case 'AccommodationGranted':
      next.accommodationIds = [...next.accommodationIds, event.data.accommodationId];
      next.juryInformedOfAccommodations = false;
      break;
    case 'JuryInformedOfAccommodations':
      next.juryInformedOfAccommodations = next.accommodationIds.every((id) => event.data.accommodationIds.includes(id));
      break;
    case 'JuryAssigned':
      next.jury = [
        ...next.jury.filter((m) => m.jurorId !== event.data.jurorId),
        { jurorId: event.data.jurorId, habilitationId: event.data.habilitationId, tiedCandidateIds: event.data.tiedCandidateIds },
      ];
      break;
    case 'TieDeclared':
      next.jury = next.jury.map((m) =>
        m.jurorId === event.data.jurorId && !m.tiedCandidateIds.includes(event.data.candidateId)
          ? { ...m, tiedCandidateIds: [...m.tiedCandidateIds, event.data.candidateId] }
          : m,
      );
      break;
    case 'JurorUnassigned':
      next.jury = next.jury.filter((m) => m.jurorId !== event.data.jurorId);
      break;
    case 'ConvocationsSent':
      if (event.data.audience === 'jurors') next.jurorConvocationsSentOn = event.data.sentOn;
      else next.candidateConvocationsSentOn = event.data.sentOn;
      break;
    case 'PlateauTechniqueChecked':
      next.plateauTechnique = { checkedOn: event.data.checkedOn, compliant: event.data.compliant };
      break;
    case 'SealsChecked':
      next.sealsCheckedOn = event.data.checkedOn;
      if (next.status === 'scheduled') next.status = 'held';
      break;
    case 'FraudReported':
      next.fraudReportCount += 1;
      break;
    case 'SanctionNotified':
      next.sanctionCount += 1;
      break;
    case 'PVSigned':
      next.status = 'pv-signed';
      next.pv = { revision: event.data.revision, signedOn: event.data.signedOn, documentSha256: event.data.documentSha256, signatoryIds: event.data.signatoryIds };
      next.results = {
        status: 'provisional',
        decisions: event.data.decisions.map(({ candidateId, decision, ccpObtained }) => ({ candidateId, decision, ccpObtained })),
      };
      break;
    case 'PVDocumentStored':
      if (next.pv) {
        const { objectKey, versionId, sha256, sizeBytes } = event.data;
        next.pv = { ...next.pv, document: { objectKey, versionId, sha256, sizeBytes } };
      }
      break;
    case 'PVDocumentQuarantined':
      next.quarantinedUploads = [...next.quarantinedUploads, { objectKey: event.data.objectKey, reason: event.data.reason }];
      break;
    case 'ResultsRecordedInCeres':
      if (next.pv) next.pv = { ...next.pv, resultsRecordedInCeresOn: event.data.recordedOn };
      break;
    case 'PVTransmitted':
      next.status = 'pv-transmitted';
      if (next.pv) {
        const { rejection: _previous, ...pv } = next.pv;
        next.pv = { ...pv, transmittedOn: event.data.transmittedOn };
      }
      break;
    case 'PVValidated':
      next.status = 'pv-validated';
      if (next.pv) next.pv = { ...next.pv, validatedOn: event.data.validatedOn };
      next.results = { ...next.results, status: 'official' };
      break;
    case 'PVRejected':
      next.status = 'pv-rejected';
      if (next.pv) next.pv = { ...next.pv, rejection: { rejectedOn: event.data.rejectedOn, reason: event.data.reason } };
      break;
    case 'SessionCancelled':
      next.status = 'cancelled';
      next.cancelled = { cancelledOn: event.data.cancelledOn, reason: event.data.reason };
      break;
    default:
      break;
  }
  next.candidateCount = next.candidateIds.length;
  return withDeadlines(next, settings);
};

const projectJuror = (view: JurorView | undefined, event: StoredEvent): JurorView | undefined => {
  if (event.type === 'JurorHabilitated') {
    const { jurorId, habilitationId, titreCode, department, validFrom, validUntil, professionalisationDate } = event.data;
    const others = (view?.habilitations ?? []).filter((h) => h.habilitationId !== habilitationId);
    return {
      kind: 'juror',
      jurorId,
      department,
      habilitations: [...others, { habilitationId, titreCode, department, validFrom, validUntil, professionalisationDate }],
      version: event.version,
    };
  }
  if (!view) return undefined;
  if (event.type === 'HabilitationWithdrawn') {
    return {
      ...view,
      habilitations: view.habilitations.map((h) =>
        h.habilitationId === event.data.habilitationId ? { ...h, withdrawn: { withdrawnOn: event.data.withdrawnOn, reason: event.data.reason } } : h,
      ),
      version: event.version,
    };
  }
  return { ...view, version: event.version };
};

const projectProgramme = (view: ProgrammeView | undefined, event: StoredEvent): ProgrammeView | undefined => {
  const base: ProgrammeView | undefined =
    view ??
    (event.type === 'SessionPlanned' || event.type === 'ProgrammeSubmitted'
      ? {
          kind: 'programme',
          centreId: event.data.centreId,
          year: event.data.year,
          ...(event.scope.department ? { department: event.scope.department } : {}),
          region: event.scope.region,
          plannedSessions: [],
          version: 0,
        }
      : undefined);
  if (!base) return undefined;
  if (event.type === 'SessionPlanned') {
    const d = event.data;
    return {
      ...base,
      plannedSessions: [
        ...base.plannedSessions.filter((p) => p.plannedSessionId !== d.plannedSessionId),
        { plannedSessionId: d.plannedSessionId, titreCode: d.titreCode, expectedStart: d.expectedStart, expectedEnd: d.expectedEnd, expectedCandidates: d.expectedCandidates, withdrawn: false },
      ],
      version: event.version,
    };
  }
  if (event.type === 'ProgrammeSubmitted') {
    const d = event.data;
    const withdrawn = new Set(d.withdrawnPlannedSessionIds);
    return {
      ...base,
      plannedSessions: base.plannedSessions.map((p) => (withdrawn.has(p.plannedSessionId) ? { ...p, withdrawn: true } : p)),
      // The first submission decides whether the programme was on time; an amendment keeps that.
      submission: { revision: d.revision, submittedOn: d.submittedOn, deadline: d.deadline, onTime: base.submission?.onTime ?? d.onTime },
      version: event.version,
    };
  }
  return { ...base, version: event.version };
};

export type ViewKind = AggregateView['kind'];

/** Which view a stream feeds, from its id (`session-…`, `juror-…`, `programme-…`). */
export const viewKindOf = (streamId: string): ViewKind => {
  const prefix = streamId.slice(0, streamId.indexOf('-'));
  if (prefix === 'session' || prefix === 'juror' || prefix === 'programme') return prefix;
  throw new Error(`Unknown stream ${streamId}`);
};

/** Folds one event into the view of its stream. Undefined while the stream's first event is missing. */
export const project = (view: AggregateView | undefined, event: StoredEvent, settings: DomainSettings = defaultSettings): AggregateView | undefined => {
  switch (viewKindOf(event.streamId)) {
    case 'session':
      return projectSession(view?.kind === 'session' ? view : undefined, event, settings);
    case 'juror':
      return projectJuror(view?.kind === 'juror' ? view : undefined, event);
    case 'programme':
      return projectProgramme(view?.kind === 'programme' ? view : undefined, event);
  }
};

/** Folds a whole stream, from nothing. */
export const projectAll = (events: readonly StoredEvent[], settings: DomainSettings = defaultSettings): AggregateView | undefined =>
  events.reduce<AggregateView | undefined>((view, event) => project(view, event, settings), undefined);
