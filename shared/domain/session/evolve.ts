/** The session's fold: each event applied to the state, in stream order. */
import type { Fold } from '../decider.js';
import type { SessionEvent, SessionState, SignedPv } from './model.js';

const withPv = (state: SessionState, update: (pv: SignedPv) => SignedPv, status?: 'pv-signed' | 'pv-transmitted' | 'pv-rejected' | 'pv-validated'): SessionState =>
  'pv' in state ? { ...state, status: status ?? state.status, pv: update(state.pv) } : state;

export const evolve = (state: SessionState, event: SessionEvent): SessionState => {
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
    case 'JuryAssigned': {
      // A juror assigned again keeps the ties declared before being unassigned.
      const former = state.formerTies?.[event.data.jurorId] ?? [];
      const tiedCandidateIds = [...new Set([...former, ...event.data.tiedCandidateIds])];
      return { ...state, jury: { ...state.jury, [event.data.jurorId]: { ...event.data, tiedCandidateIds } } };
    }
    case 'TieDeclared': {
      const member = state.jury[event.data.jurorId];
      if (!member) return state;
      return {
        ...state,
        jury: { ...state.jury, [member.jurorId]: { ...member, tiedCandidateIds: [...member.tiedCandidateIds, event.data.candidateId] } },
      };
    }
    case 'JurorUnassigned': {
      const { [event.data.jurorId]: removed, ...jury } = state.jury;
      const ties = [...new Set([...(state.formerTies?.[event.data.jurorId] ?? []), ...(removed?.tiedCandidateIds ?? [])])];
      return {
        ...state,
        jury,
        convokedJurorIds: state.convokedJurorIds.filter((id) => id !== event.data.jurorId),
        ...(ties.length > 0 ? { formerTies: { ...state.formerTies, [event.data.jurorId]: ties } } : {}),
      };
    }
    case 'ConvocationsSent':
      return event.data.audience === 'jurors'
        ? { ...state, convokedJurorIds: [...new Set([...state.convokedJurorIds, ...event.data.recipientIds])] }
        : { ...state, convokedCandidateIds: [...new Set([...state.convokedCandidateIds, ...event.data.recipientIds])] };
    case 'PlateauTechniqueChecked': {
      const { remarks: _remarks, ...plateau } = event.data;
      return { ...state, plateau };
    }
    case 'PassagesScheduled':
      return { ...state, passages: { scheduledOn: event.data.scheduledOn, passages: event.data.passages } };
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

export const initialSessionState: SessionState = { status: 'none' };

export const sessionFold: Fold<SessionState, SessionEvent> = { initialState: initialSessionState, evolve };
