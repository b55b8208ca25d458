import type { StoredEvent } from '../../events/index.js';
import {
  agrementFold,
  defaultSettings,
  jurorFold,
  openSessionDeadlines,
  parisDate,
  programmeFold,
  sessionFold,
  titreFold,
  type AgrementEvent,
  type AgrementState,
  type DomainSettings,
  type JurorEvent,
  type JurorState,
  type ProgrammeEvent,
  type ProgrammeState,
  type SessionEvent,
  type SessionHistory,
  type SessionState,
  type TitreEvent,
  type TitreState,
} from '../domain/index.js';
import type { AgrementView, AggregateView, TitreView, JurorSessionView, JurorView, ProgrammeView, SessionView } from './model.js';

/**
 * Pure folds from events to views: `project(view, event) -> view`. The projector applies them in
 * stream order; `version` records the last event folded in.
 */

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * What the domain state folded alongside the view already knows: the open deadlines by the domain's
 * rules, and the withdrawn and erased candidates (the state's own lists, so the view never disagrees).
 */
/** The open deadlines a session view shows: the domain's, or none for a reader that shows none (the notifier's mails). */
type DeadlinesOf = (state: SessionState, settings: DomainSettings, history: SessionHistory) => SessionView['openDeadlines'];

const domainDeadlines: DeadlinesOf = (state, settings, history) => openSessionDeadlines(state, settings, history).map(({ kind, label, dueOn }) => ({ kind, label, dueOn }));

const withDeadlines = (
  view: Omit<SessionView, 'openDeadlines'>,
  state: SessionState,
  settings: DomainSettings,
  history: SessionHistory,
  deadlinesOf: DeadlinesOf,
): SessionView => ({
  ...view,
  ...(state.status === 'none'
    ? {}
    : {
        status: state.status,
        // The state keeps a withdrawal after a registration again under the same id; the view lists only those out.
        withdrawnCandidateIds: state.withdrawnCandidateIds.filter((id) => !state.candidateIds.includes(id)),
        erasedCandidateIds: state.erasedCandidateIds,
        frauds: state.frauds,
      }),
  openDeadlines: deadlinesOf(state, settings, history),
});

/**
 * Whether the jury knows every accommodation it must, by the state: those of registered candidates,
 * each told once (what the domain's InformJuryOfAccommodations still has to tell).
 */
const juryKnowsAccommodations = (state: SessionState): boolean =>
  state.status === 'none' || Object.values(state.accommodations).every((a) => a.juryInformed || !state.candidateIds.includes(a.candidateId));

const projectSessionView = (
  view: SessionView | undefined,
  event: StoredEvent,
  state: SessionState,
  settings: DomainSettings,
  history: SessionHistory,
  deadlinesOf: DeadlinesOf,
): SessionView | undefined => {
  if (event.type === 'SessionCreated') {
    const d = event.data;
    return withDeadlines(
      {
        kind: 'session',
        sessionId: d.sessionId,
        centreId: d.centreId,
        ...(d.centreName ? { centreName: d.centreName } : {}),
        department: d.department,
        region: d.region,
        titreCode: d.titreCode,
        ...(d.titreLabel ? { titreLabel: d.titreLabel } : {}),
        ceresReference: d.ceresReference,
        site: d.site,
        startDate: d.startDate,
        endDate: d.endDate,
        createdOn: d.createdOn,
        creationDeadline: d.creationDeadline,
        createdLate: d.late,
        ...(d.plannedSessionId ? { plannedSessionId: d.plannedSessionId } : {}),
        status: 'created',
        candidateIds: d.candidateIds,
        candidateCount: d.candidateIds.length,
        jury: [],
        accommodationIds: [],
        juryInformedOfAccommodations: false,
        fraudReportCount: 0,
        sanctionCount: 0,
        quarantinedUploads: [],
        results: { status: 'none', decisions: [] },
        formerJury: [],
        breaches: [],
        version: event.version,
      },
      state,
      settings,
      history,
      deadlinesOf,
    );
  }
  if (!view) return undefined;
  const next: Mutable<SessionView> = { ...view, version: event.version };
  switch (event.type) {
    case 'CandidateRegistered':
      if (!next.candidateIds.includes(event.data.candidateId)) next.candidateIds = [...next.candidateIds, event.data.candidateId];
      // A candidate registered again brings back an accommodation the jury was not told of.
      if (next.accommodationIds.length > 0) next.juryInformedOfAccommodations = juryKnowsAccommodations(state);
      break;
    case 'CandidateWithdrawn':
      next.candidateIds = next.candidateIds.filter((id) => id !== event.data.candidateId);
      // The jury needs no word of a withdrawn candidate's accommodation.
      if (next.accommodationIds.length > 0) next.juryInformedOfAccommodations = juryKnowsAccommodations(state);
      break;
    case 'AccommodationGranted':
      next.accommodationIds = [...next.accommodationIds, event.data.accommodationId];
      next.juryInformedOfAccommodations = false;
      break;
    case 'JuryInformedOfAccommodations':
      // The event names only the accommodations told this time: the earlier ones were told before.
      next.juryInformedOfAccommodations = juryKnowsAccommodations(state);
      break;
    case 'JuryAssigned':
      next.jury = [
        ...next.jury.filter((m) => m.jurorId !== event.data.jurorId),
        // The state's ties: a juror assigned again keeps those declared before being unassigned.
        {
          jurorId: event.data.jurorId,
          habilitationId: event.data.habilitationId,
          tiedCandidateIds: ('jury' in state ? state.jury[event.data.jurorId]?.tiedCandidateIds : undefined) ?? event.data.tiedCandidateIds,
        },
      ];
      // Designated again after leaving: a member once more, no longer a former one.
      next.formerJury = (next.formerJury ?? []).filter((m) => m.jurorId !== event.data.jurorId);
      break;
    case 'TieDeclared':
      next.jury = next.jury.map((m) =>
        m.jurorId === event.data.jurorId && !m.tiedCandidateIds.includes(event.data.candidateId) ? { ...m, tiedCandidateIds: [...m.tiedCandidateIds, event.data.candidateId] } : m,
      );
      break;
    case 'JurorUnassigned': {
      const leaving = next.jury.find((m) => m.jurorId === event.data.jurorId);
      next.jury = next.jury.filter((m) => m.jurorId !== event.data.jurorId);
      if (leaving) {
        next.formerJury = [
          ...(next.formerJury ?? []).filter((m) => m.jurorId !== leaving.jurorId),
          {
            jurorId: leaving.jurorId,
            habilitationId: leaving.habilitationId,
            unassignedOn: parisDate(new Date(event.occurredAt)),
            ...(leaving.convokedOn ? { convokedOn: leaving.convokedOn } : {}),
          },
        ];
      }
      break;
    }
    case 'ConvocationsSent':
      if (event.data.audience === 'jurors') {
        next.jurorConvocationsSentOn = event.data.sentOn;
        // Per member: one designated after the convocations went out has not been convoked. The
        // first convocation is the one that counts for the leave request (15 days ahead).
        const recipients = new Set<string>(event.data.recipientIds);
        next.jury = next.jury.map((m) => (recipients.has(m.jurorId) && !m.convokedOn ? { ...m, convokedOn: event.data.sentOn } : m));
      } else {
        next.candidateConvocationsSentOn = event.data.sentOn;
        next.convokedCandidateIds = [...new Set([...(next.convokedCandidateIds ?? []), ...event.data.recipientIds])];
      }
      break;
    case 'BreachRecorded':
      next.breaches = [...(next.breaches ?? []), { rule: event.data.rule, dueOn: event.data.dueOn, doneOn: event.data.doneOn }];
      break;
    case 'PlateauTechniqueChecked':
      next.plateauTechnique = { checkedOn: event.data.checkedOn, compliant: event.data.compliant };
      break;
    case 'PassagesScheduled':
      next.passages = { scheduledOn: event.data.scheduledOn, items: event.data.passages };
      break;
    case 'SealsChecked':
      next.sealsCheckedOn = event.data.checkedOn;
      break;
    case 'FraudReported':
      next.fraudReportCount += 1;
      break;
    case 'SanctionNotified':
      next.sanctionCount += 1;
      break;
    case 'PVSigned':
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
      if (next.pv) {
        const { rejection: _previous, ...pv } = next.pv;
        next.pv = { ...pv, transmittedOn: event.data.transmittedOn };
      }
      break;
    case 'PVValidated':
      if (next.pv) next.pv = { ...next.pv, validatedOn: event.data.validatedOn };
      next.results = { ...next.results, status: 'official' };
      break;
    case 'PVRejected':
      if (next.pv) next.pv = { ...next.pv, rejection: { rejectedOn: event.data.rejectedOn, reason: event.data.reason } };
      // The rejected PV's decisions no longer stand: the PV signed again will decide.
      next.results = { ...next.results, status: 'rejected' };
      break;
    case 'SessionCancelled':
      next.cancelled = { cancelledOn: event.data.cancelledOn, reason: event.data.reason };
      break;
    default:
      break;
  }
  next.candidateCount = next.candidateIds.length;
  return withDeadlines(next, state, settings, history, deadlinesOf);
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
        {
          plannedSessionId: d.plannedSessionId,
          titreCode: d.titreCode,
          expectedStart: d.expectedStart,
          expectedEnd: d.expectedEnd,
          expectedCandidates: d.expectedCandidates,
          withdrawn: false,
        },
      ],
      version: event.version,
    };
  }
  if (event.type === 'ProgrammeSubmitted') {
    const d = event.data;
    const withdrawn = new Set(d.withdrawnPlannedSessionIds);
    // A submission by an account without a name keeps the name an earlier one gave.
    const centreName = d.centreName ?? base.centreName;
    return {
      ...base,
      ...(centreName ? { centreName } : {}),
      plannedSessions: base.plannedSessions.map((p) => (withdrawn.has(p.plannedSessionId) ? { ...p, withdrawn: true } : p)),
      // The first submission decides whether the programme was on time; an amendment keeps that.
      submission: { revision: d.revision, submittedOn: d.submittedOn, deadline: d.deadline, onTime: base.submission?.onTime ?? d.onTime },
      version: event.version,
    };
  }
  return { ...base, version: event.version };
};

const projectAgrement = (view: AgrementView | undefined, event: StoredEvent): AgrementView | undefined => {
  switch (event.type) {
    case 'AgrementRecorded':
      // A new agrément after a withdrawal starts afresh.
      return { kind: 'agrement', ...event.data, recordedOn: parisDate(new Date(event.occurredAt)), amendments: [], version: event.version };
    case 'AgrementAmended': {
      if (!view) return undefined;
      const { centreId: _centreId, reason, ...terms } = event.data;
      return { ...view, ...terms, amendments: [...view.amendments, { amendedOn: parisDate(new Date(event.occurredAt)), reason }], version: event.version };
    }
    case 'AgrementWithdrawn':
      return view ? { ...view, withdrawn: { withdrawnOn: event.data.withdrawnOn, reason: event.data.reason }, version: event.version } : undefined;
    default:
      return view ? { ...view, version: event.version } : undefined;
  }
};

const projectTitre = (view: TitreView | undefined, event: StoredEvent): TitreView | undefined => {
  if (event.type !== 'TitreRecorded') return view ? { ...view, version: event.version } : undefined;
  const { titreCode, revisedOn, ...titre } = event.data;
  const revisions = view?.revisions ?? [];
  return {
    kind: 'titre',
    code: titreCode,
    ...titre,
    ...(revisedOn ? { revisedOn } : {}),
    revisions: revisedOn && !revisions.includes(revisedOn) ? [...revisions, revisedOn].sort() : revisions,
    recordedOn: parisDate(new Date(event.occurredAt)),
    version: event.version,
  };
};

type ViewKind = AggregateView['kind'];

/** Which view a stream feeds, from its id (`session-…`, `juror-…`, `programme-…`). */
const viewKindOf = (streamId: string): ViewKind => {
  const prefix = streamId.slice(0, streamId.indexOf('-'));
  if (prefix === 'session' || prefix === 'juror' || prefix === 'programme' || prefix === 'agrement' || prefix === 'titre') return prefix;
  throw new Error(`Unknown stream ${streamId}`);
};

/**
 * A view and the domain state of the same aggregate, folded together: the state gives the open
 * deadlines by the domain's own rules, so pages, mails and the daily run agree on them.
 */
export type Projected =
  | { readonly kind: 'session'; readonly view: SessionView; readonly state: SessionState; readonly history?: SessionHistory }
  | { readonly kind: 'juror'; readonly view: JurorView; readonly state: JurorState }
  | { readonly kind: 'programme'; readonly view: ProgrammeView; readonly state: ProgrammeState }
  | { readonly kind: 'agrement'; readonly view: AgrementView; readonly state: AgrementState }
  | { readonly kind: 'titre'; readonly view: TitreView; readonly state: TitreState };

// The stream id decides the aggregate; events of a stream belong to its decider by construction.
const asSessionEvent = (event: StoredEvent) => event as unknown as SessionEvent;
const asJurorEvent = (event: StoredEvent) => event as unknown as JurorEvent;
const asProgrammeEvent = (event: StoredEvent) => event as unknown as ProgrammeEvent;
const asAgrementEvent = (event: StoredEvent) => event as unknown as AgrementEvent;
const asTitreEvent = (event: StoredEvent) => event as unknown as TitreEvent;

type ProjectedSession = Extract<Projected, { readonly kind: 'session' }>;

const projectSessionEvent = (previous: ProjectedSession | undefined, event: StoredEvent, settings: DomainSettings, deadlinesOf: DeadlinesOf): ProjectedSession | undefined => {
  const state = sessionFold.evolve(previous?.state ?? sessionFold.initialState, asSessionEvent(event));
  // The state forgets a rejection once the PV is signed again; the PV's transmission delay still counts from it.
  const history: SessionHistory = event.type === 'PVRejected' ? { lastPvRejectedOn: event.data.rejectedOn } : (previous?.history ?? {});
  const view = projectSessionView(previous?.view, event, state, settings, history, deadlinesOf);
  return view ? { kind: 'session', view, state, history } : undefined;
};

/** Folds one event into the view of its stream. Undefined while the stream's first event is missing. */
const project = (current: Projected | undefined, event: StoredEvent, settings: DomainSettings = defaultSettings): Projected | undefined => {
  switch (viewKindOf(event.streamId)) {
    case 'session':
      return projectSessionEvent(current?.kind === 'session' ? current : undefined, event, settings, domainDeadlines);
    case 'juror': {
      const previous = current?.kind === 'juror' ? current : undefined;
      const state = jurorFold.evolve(previous?.state ?? jurorFold.initialState, asJurorEvent(event));
      const view = projectJuror(previous?.view, event);
      return view ? { kind: 'juror', view, state } : undefined;
    }
    case 'programme': {
      const previous = current?.kind === 'programme' ? current : undefined;
      const state = programmeFold.evolve(previous?.state ?? programmeFold.initialState, asProgrammeEvent(event));
      const view = projectProgramme(previous?.view, event);
      return view ? { kind: 'programme', view, state } : undefined;
    }
    case 'agrement': {
      const previous = current?.kind === 'agrement' ? current : undefined;
      const state = agrementFold.evolve(previous?.state ?? agrementFold.initialState, asAgrementEvent(event));
      const view = projectAgrement(previous?.view, event);
      return view ? { kind: 'agrement', view, state } : undefined;
    }
    case 'titre': {
      const previous = current?.kind === 'titre' ? current : undefined;
      const state = titreFold.evolve(previous?.state ?? titreFold.initialState, asTitreEvent(event));
      const view = projectTitre(previous?.view, event);
      return view ? { kind: 'titre', view, state } : undefined;
    }
  }
};

/**
 * What a juror's « Mes convocations » shows of one session, for every juror in the jury or who
 * left it: only the session's own facts and the juror's own part (no candidate, no other juror).
 */
export const jurorSessionsOf = (view: SessionView): Omit<JurorSessionView, 'version'>[] => {
  const common = {
    kind: 'juror-session' as const,
    sessionId: view.sessionId,
    centreId: view.centreId,
    ...(view.centreName ? { centreName: view.centreName } : {}),
    department: view.department,
    region: view.region,
    titreCode: view.titreCode,
    ceresReference: view.ceresReference,
    site: view.site,
    startDate: view.startDate,
    endDate: view.endDate,
    status: view.status,
    ...(view.cancelled ? { cancelledOn: view.cancelled.cancelledOn } : {}),
  };
  return [
    ...view.jury.map((m) => ({ ...common, jurorId: m.jurorId, habilitationId: m.habilitationId, assigned: true, ...(m.convokedOn ? { convokedOn: m.convokedOn } : {}) })),
    ...(view.formerJury ?? []).map((m) => ({
      ...common,
      jurorId: m.jurorId,
      habilitationId: m.habilitationId,
      assigned: false,
      unassignedOn: m.unassignedOn,
      ...(m.convokedOn ? { convokedOn: m.convokedOn } : {}),
    })),
  ];
};

const jurorSnapshot = (projected: Projected | undefined): Map<string, { readonly json: string; readonly item: Omit<JurorSessionView, 'version'> }> =>
  new Map(projected?.kind === 'session' ? jurorSessionsOf(projected.view).map((item) => [item.jurorId, { json: JSON.stringify(item), item }] as const) : []);

/**
 * Folds events (in stream order, right after `current`) and tells which juror items changed, each
 * stamped with the version of the last event that changed it. Event by event, so the stamps are
 * the same however the events were batched: the live projector and a rebuild write equal items.
 */
export const projectWithJurorSessions = (
  current: Projected | undefined,
  events: readonly StoredEvent[],
  settings: DomainSettings = defaultSettings,
): { readonly projected: Projected | undefined; readonly jurorSessions: readonly JurorSessionView[] } => {
  let projected = current;
  let before = jurorSnapshot(current);
  const changed = new Map<string, JurorSessionView>();
  for (const event of events) {
    projected = project(projected, event, settings);
    const after = jurorSnapshot(projected);
    for (const [jurorId, { json, item }] of after) if (before.get(jurorId)?.json !== json) changed.set(jurorId, { ...item, version: event.version });
    before = after;
  }
  return { projected, jurorSessions: [...changed.values()] };
};

/** Folds a whole stream, from nothing. */
export const projectAll = (events: readonly StoredEvent[], settings: DomainSettings = defaultSettings): Projected | undefined =>
  events.reduce<Projected | undefined>((projected, event) => project(projected, event, settings), undefined);

/**
 * A session stream's view, folded from nothing: what {@link projectAll} gives for a session stream,
 * without the other aggregates' folds and views, for the notifier (issue 16). Undefined for events
 * of another stream.
 */
const foldSessionView = (events: readonly StoredEvent[], settings: DomainSettings, deadlinesOf: DeadlinesOf): SessionView | undefined => {
  let projected: ProjectedSession | undefined;
  for (const event of events) {
    if (viewKindOf(event.streamId) !== 'session') return undefined;
    projected = projectSessionEvent(projected, event, settings, deadlinesOf);
  }
  return projected?.view;
};

export const sessionViewOf = (events: readonly StoredEvent[], settings: DomainSettings = defaultSettings): SessionView | undefined =>
  foldSessionView(events, settings, domainDeadlines);

/**
 * The session view as the notifier's mails read it: without its open deadlines, which no mail shows
 * (the daily run mails them), so the notifier's bundle leaves the deadline rules out.
 */
export const sessionViewForMails = (events: readonly StoredEvent[]): SessionView | undefined => foldSessionView(events, defaultSettings, () => []);
