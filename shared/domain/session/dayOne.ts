/** The first day and the exam: plateau technique, seals and the draw, frauds and sanctions. */
import { compareDates, frenchDate, isCalendarDate } from '../calendar.js';
import { listIds, today } from '../common.js';
import { drawCandidate } from '../draw.js';
import { conflict, ruleBroken } from '../errors.js';
import { candidatesWithUninformedJury, juryGaps } from './model.js';
import { type Handler, requireCreated, requireNotStarted, requireRegistered, requireJuror, requireText, struckOffMembers, struckOffWording } from './guards.js';

export const checkPlateau: Handler<'CheckPlateauTechnique'> = (command, state, context) => {
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

export const checkSeals: Handler<'CheckSeals'> = (command, state, context) => {
  const created = requireCreated(state);
  if (created.status === 'cancelled') throw ruleBroken('session.cancelled', 'La session est annulée.');
  if (created.status !== 'created') throw conflict('seals.already-checked', 'La vérification des plis a déjà été faite pour cette session.');
  const session = created;
  const checkedOn = today(context);
  if (checkedOn !== session.startDate) {
    throw ruleBroken('seals.not-day-one', `Les plis se vérifient le premier jour de la session, le ${frenchDate(session.startDate)}.`);
  }
  // A member no longer habilitated for the whole session: the habilitation of the assignment was
  // withdrawn since, and no other (a renewal) covers the session's days, as for the assignment.
  const withdrawn = struckOffMembers(session, command.juryHabilitations, checkedOn);
  if (withdrawn.length > 0) {
    throw ruleBroken(
      'jury.habilitation-withdrawn',
      `La session ne peut pas commencer : ${struckOffWording(withdrawn)}. Retirez ${withdrawn.length > 1 ? 'ces membres' : 'ce membre'} du jury et désignez-en un autre.`,
      { jurorIds: withdrawn.map((w) => w.jurorId) },
    );
  }
  const gaps = juryGaps(session);
  if (gaps.length > 0) throw ruleBroken('jury.incomplete', `La session ne peut pas commencer : ${gaps.join(' ; ')}.`);
  if (!session.plateau) {
    throw ruleBroken('plateau.not-checked', 'La session ne peut pas commencer : le plateau technique n’a pas été vérifié avec le jury.');
  }
  // Checked « avec le jury »: a check whose jurors were all unassigned since was not made with this jury.
  if (!session.plateau.jurorIds.some((jurorId) => session.jury[jurorId])) {
    throw ruleBroken(
      'plateau.not-checked',
      `La session ne peut pas commencer : le plateau technique a été vérifié avec ${listIds(session.plateau.jurorIds)}, ${session.plateau.jurorIds.length > 1 ? 'qui ne font' : 'qui ne fait'} plus partie du jury. Vérifiez-le à nouveau avec un membre du jury.`,
      { jurorIds: [...session.plateau.jurorIds] },
    );
  }
  const uninformed = candidatesWithUninformedJury(session);
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

export const reportFraud: Handler<'ReportFraud'> = (command, state, context) => {
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

export const notifySanction: Handler<'NotifySanction'> = (command, state, context) => {
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
