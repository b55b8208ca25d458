/** What every phase's handlers check first (the session exists, has not started, knows the candidate or juror), and the handlers' type. */
import { compareDates, frenchDate, type CalendarDate } from '../calendar.js';
import { listIds } from '../common.js';
import type { DecisionContext } from '../decider.js';
import { notFound, ruleBroken } from '../errors.js';
import { habilitationValidOn, type Habilitation } from '../juror.js';
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

/**
 * Whether `habilitations` (a jury member's, as their own stream holds them now) still allow them to
 * sit on this session on `asOf`: one for its titre and department covers its days and was not
 * withdrawn on or before `asOf` (a renewal after a withdrawal counts).
 */
export const habilitatedFor = (
  session: Pick<SessionData, 'titreCode' | 'department' | 'startDate' | 'endDate'>,
  habilitations: readonly Habilitation[],
  asOf: CalendarDate,
): boolean =>
  habilitations.some(
    (h) =>
      h.titreCode === session.titreCode &&
      h.department === session.department &&
      habilitationValidOn(h, session.startDate) &&
      habilitationValidOn(h, session.endDate) &&
      (h.withdrawnOn === undefined || compareDates(asOf, h.withdrawnOn) < 0),
  );

/**
 * The jury members the UD struck off: no habilitation of theirs still allows them to sit on `asOf`
 * ({@link habilitatedFor}), with the date their assignment's habilitation was withdrawn. A member
 * absent from `juryHabilitations` is not checked.
 */
export const struckOffMembers = (
  session: SessionData,
  juryHabilitations: Readonly<Record<string, readonly Habilitation[]>>,
  asOf: CalendarDate,
): { readonly jurorId: string; readonly on?: CalendarDate }[] =>
  Object.values(session.jury).flatMap((member) => {
    const habilitations = juryHabilitations[member.jurorId];
    if (!habilitations || habilitatedFor(session, habilitations, asOf)) return [];
    const on = habilitations.find((h) => h.habilitationId === member.habilitationId)?.withdrawnOn;
    return [{ jurorId: member.jurorId, ...(on ? { on } : {}) }];
  });

/**
 * What a refusal says of the struck-off members ({@link struckOffMembers}): « l’habilitation de X a
 * été retirée (le …) par l’unité départementale », in the plural for several.
 */
export const struckOffWording = (struckOff: readonly { readonly jurorId: string; readonly on?: CalendarDate }[]): string => {
  const dates = struckOff.flatMap((w) => (w.on ? [frenchDate(w.on)] : []));
  const several = struckOff.length > 1;
  return `${several ? 'les habilitations de' : 'l’habilitation de'} ${listIds(struckOff.map((w) => w.jurorId))} ${several ? 'ont été retirées' : 'a été retirée'}${dates.length > 0 ? ` (le ${dates.join(', le ')})` : ''} par l’unité départementale`;
};

export type Handler<T extends SessionCommandType> = (command: Extract<SessionCommand, { type: T }>, state: SessionState, context: DecisionContext) => SessionEvent[];
