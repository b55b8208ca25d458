/** Whatever the phase: cancellation, and a candidate's personal data erased on request. */
import { frenchDate } from '../calendar.js';
import { today } from '../common.js';
import { notFound, ruleBroken } from '../errors.js';
import { type Handler, requireCreated, requireNotStarted, requireText } from './guards.js';

export const cancelSession: Handler<'CancelSession'> = (command, state, context) => {
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
export const eraseCandidatePersonalData: Handler<'EraseCandidatePersonalData'> = (command, state) => {
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
