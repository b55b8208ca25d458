/** What every phase's handlers check first (the session exists, has not started, knows the candidate or juror), and the handlers' type. */
import type { DecisionContext } from '../decider.js';
import { notFound, ruleBroken } from '../errors.js';
import type { CreatedSession, JuryMember, SessionCommand, SessionCommandType, SessionData, SessionEvent, SessionState } from './model.js';

export const requireCreated = (state: SessionState): CreatedSession => {
  if (state.status === 'none') throw notFound('session.unknown', 'Cette session n’existe pas.');
  return state;
};

export const requireNotStarted = (state: CreatedSession, what: string): Extract<SessionState, { status: 'created' }> => {
  if (state.status === 'cancelled') throw ruleBroken('session.cancelled', `La session est annulée : ${what} n’est plus possible.`);
  if (state.status !== 'created') throw ruleBroken('session.already-started', `La session a commencé : ${what} n’est plus possible.`);
  return state;
};

export const requireRegistered = (state: SessionData, candidateId: string, field = 'candidateId'): void => {
  if (!state.candidateIds.includes(candidateId)) {
    throw notFound('candidate.not-registered', `Le candidat ${candidateId} n’est pas inscrit à cette session.`, { candidateIds: [candidateId], field });
  }
};

export const requireJuror = (state: SessionData, jurorId: string, field = 'jurorId'): JuryMember => {
  const member = state.jury[jurorId];
  if (!member) {
    throw notFound('jury.not-assigned', `Le membre de jury ${jurorId} n’est pas désigné pour cette session.`, { jurorIds: [jurorId], field });
  }
  return member;
};

export const requireText = (value: string, field: string, label: string): string => {
  const trimmed = value.trim();
  if (trimmed === '') throw ruleBroken('input.required', `${label} est obligatoire.`, { field });
  return trimmed;
};

export type Handler<T extends SessionCommandType> = (command: Extract<SessionCommand, { type: T }>, state: SessionState, context: DecisionContext) => SessionEvent[];
