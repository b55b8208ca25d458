/** Before the session: its creation in CERES, candidates, jury, accommodations and convocations. */
import { addDays, compareDates, frenchDate, isCalendarDate } from '../calendar.js';
import { duplicatesOf, listIds, titreOf, today } from '../common.js';
import { DomainError, conflict, notFound, ruleBroken } from '../errors.js';
import { agreedSite, requireAgreed } from '../agrement.js';
import { habilitationValidOn } from '../juror.js';
import { type SessionEvent, creationDeadline, juryGaps } from './model.js';
import { type Handler, habilitatedFor, requireCreated, requireNotStarted, requireRegistered, requireJuror, requireText } from './guards.js';

export const createSession: Handler<'CreateSession'> = (command, state, context) => {
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
  const ceresReference = requireText(command.ceresReference, 'ceresReference', 'La référence CERES');
  const site = requireText(command.site, 'site', 'Le lieu de la session');
  requireAgreed(command.agrement, { titre, site, startDate: command.startDate, endDate: command.endDate });
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
      ceresReference,
      titreCode: command.titreCode,
      titreLabel: titre.label,
      startDate: command.startDate,
      endDate: command.endDate,
      // As the agrément spells it, so that the pages and mails show one name per site.
      site: agreedSite(command.agrement ?? { sites: [] }, site) ?? site,
      candidateIds: [...command.candidateIds],
      createdOn,
      creationDeadline: deadline,
      late,
    },
  };
  return late ? [created, { type: 'BreachRecorded', data: { rule: 'session.creation-late', dueOn: deadline, doneOn: createdOn } }] : [created];
};

export const registerCandidate: Handler<'RegisterCandidate'> = (command, state) => {
  const session = requireCreated(state);
  requireNotStarted(session, 'l’inscription d’un candidat');
  if (session.candidateIds.includes(command.candidateId)) {
    throw conflict('candidate.already-registered', `Le candidat ${command.candidateId} est déjà inscrit.`);
  }
  return [{ type: 'CandidateRegistered', data: { candidateId: command.candidateId } }];
};

export const withdrawCandidate: Handler<'WithdrawCandidate'> = (command, state) => {
  const session = requireCreated(state);
  requireNotStarted(session, 'le retrait d’un candidat');
  requireRegistered(session, command.candidateId);
  const reason = command.reason?.trim();
  return [{ type: 'CandidateWithdrawn', data: { candidateId: command.candidateId, ...(reason ? { reason } : {}) } }];
};

export const assignJuror: Handler<'AssignJuror'> = (command, state) => {
  const session = requireCreated(state);
  // Before day one; later only to fill a gap that a tie declared since has opened (a candidate left
  // without two members free of ties), else that candidate's line of the PV could never be signed.
  const fillsGap = (session.status === 'started' || session.status === 'pv-rejected') && juryGaps(session).length > 0;
  if (!fillsGap) requireNotStarted(session, 'la désignation d’un membre du jury');
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

export const declareTie: Handler<'DeclareTie'> = (command, state) => {
  const session = requireCreated(state);
  // A PV rejected by the UD is deliberated and signed again: a tie found meanwhile still counts for it.
  if (session.status !== 'created' && session.status !== 'started' && session.status !== 'pv-rejected') {
    throw ruleBroken('tie.too-late', 'Un lien ne peut plus être déclaré après la signature du procès-verbal (sauf s’il a été rejeté) ou l’annulation.');
  }
  const member = requireJuror(session, command.jurorId);
  requireRegistered(session, command.candidateId);
  if (member.tiedCandidateIds.includes(command.candidateId)) {
    throw conflict('tie.already-declared', `Le lien entre ${command.jurorId} et le candidat ${command.candidateId} est déjà déclaré.`);
  }
  return [{ type: 'TieDeclared', data: { jurorId: command.jurorId, candidateId: command.candidateId } }];
};

export const unassignJuror: Handler<'UnassignJuror'> = (command, state, context) => {
  const session = requireCreated(state);
  // Before day one; later only a member the UD struck off (the PV could not be signed with them),
  // until the PV is signed: the gap they leave may then be filled (assignJuror).
  const struckOff =
    (session.status === 'started' || session.status === 'pv-rejected') && command.habilitations !== undefined && !habilitatedFor(session, command.habilitations, today(context));
  if (!struckOff) requireNotStarted(session, 'le retrait d’un membre du jury');
  requireJuror(session, command.jurorId);
  return [{ type: 'JurorUnassigned', data: { jurorId: command.jurorId, reason: requireText(command.reason, 'reason', 'Le motif') } }];
};

export const grantAccommodation: Handler<'GrantAccommodation'> = (command, state) => {
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

export const informJury: Handler<'InformJuryOfAccommodations'> = (_command, state, context) => {
  const session = requireCreated(state);
  if (session.status === 'cancelled') throw ruleBroken('session.cancelled', 'La session est annulée : son jury n’a plus à être informé des aménagements.');
  const pending = Object.entries(session.accommodations)
    .filter(([, accommodation]) => !accommodation.juryInformed && session.candidateIds.includes(accommodation.candidateId))
    .map(([id]) => id);
  if (pending.length === 0) throw ruleBroken('accommodation.none-pending', 'Aucun aménagement d’épreuve n’attend d’être communiqué au jury.');
  return [{ type: 'JuryInformedOfAccommodations', data: { accommodationIds: pending, informedOn: today(context) } }];
};

export const sendConvocations: Handler<'SendConvocations'> = (command, state, context) => {
  const session = requireNotStarted(requireCreated(state), 'l’envoi des convocations');
  const sentOn = today(context);
  if (compareDates(sentOn, session.startDate) > 0) {
    throw ruleBroken('convocation.after-start', 'La date de début de la session est passée : les convocations ne peuvent plus être envoyées.');
  }
  const jurors = command.audience === 'jurors';
  const everyone = jurors ? Object.keys(session.jury) : [...session.candidateIds];
  if (everyone.length === 0) {
    throw ruleBroken(
      'convocation.no-recipient',
      jurors ? 'Aucun membre du jury n’est désigné : il n’y a personne à convoquer.' : 'Aucun candidat n’est inscrit : il n’y a personne à convoquer.',
    );
  }
  // Sent again (a member designated, a candidate registered since): only those not convoked yet,
  // so nobody gets a second convocation, nor a second event in their calendar.
  const convoked = jurors ? session.convokedJurorIds : session.convokedCandidateIds;
  const recipientIds = everyone.filter((id) => !convoked.includes(id));
  if (recipientIds.length === 0) {
    throw conflict('convocation.already-sent', jurors ? 'Tous les membres du jury ont déjà reçu leur convocation.' : 'Tous les candidats inscrits ont déjà reçu leur convocation.');
  }
  const days = jurors ? context.settings.jurorConvocationDays : context.settings.candidateConvocationDays;
  const dueOn = addDays(session.startDate, -days);
  const late = compareDates(sentOn, dueOn) > 0;
  const sent: SessionEvent = { type: 'ConvocationsSent', data: { audience: command.audience, recipientIds, sentOn, dueOn, late } };
  return late ? [sent, { type: 'BreachRecorded', data: { rule: jurors ? 'convocation.jurors-late' : 'convocation.candidates-late', dueOn, doneOn: sentOn } }] : [sent];
};

/**
 * The order of passage the session manager posts (leaflet: « il affiche la date, l’heure, l’ordre
 * de passage des candidats et la nature des épreuves »), as a whole, until the PV is signed: each
 * registered candidate at least once, each test of a candidate once, on one of the session's days.
 * The passages are kept in the order of passage (day, time, then as given).
 */
export const schedulePassages: Handler<'SchedulePassages'> = (command, state, context) => {
  const session = requireCreated(state);
  if (session.status !== 'created' && session.status !== 'started') {
    throw ruleBroken('passages.too-late', 'L’ordre de passage ne peut plus être modifié après la signature du procès-verbal ou l’annulation de la session.');
  }
  if (command.passages.length === 0) {
    throw ruleBroken('passages.empty', 'Indiquez au moins une épreuve : le candidat, l’épreuve, le jour et l’heure.', { field: 'passages' });
  }
  const fields: { field: string; message: string }[] = [];
  const unknown = new Set<string>();
  const seen = new Map<string, number>();
  const starts = new Map<string, number>();
  command.passages.forEach((passage, index) => {
    if (!session.candidateIds.includes(passage.candidateId)) {
      unknown.add(passage.candidateId);
      fields.push({ field: `passages.${index}.candidateId`, message: `Le candidat ${passage.candidateId} n’est pas inscrit à cette session.` });
    }
    if (!isCalendarDate(passage.on) || compareDates(passage.on, session.startDate) < 0 || compareDates(passage.on, session.endDate) > 0) {
      const days =
        session.startDate === session.endDate
          ? `le ${frenchDate(session.startDate)}, jour de la session`
          : `entre le ${frenchDate(session.startDate)} et le ${frenchDate(session.endDate)}, dates de la session`;
      fields.push({ field: `passages.${index}.on`, message: `Le jour de l’épreuve doit être ${days}.` });
    }
    const key = `${passage.candidateId}#${passage.test}`;
    const first = seen.get(key);
    if (first === undefined) seen.set(key, index);
    else fields.push({ field: `passages.${index}.test`, message: `Cette épreuve est déjà prévue pour ce candidat, à la ligne ${first + 1}.` });
    // No length is recorded per test, so only the same start is surely a clash: one candidate cannot begin two tests at once.
    const slot = `${passage.candidateId}#${passage.on}#${passage.at}`;
    const sameStart = starts.get(slot);
    if (sameStart === undefined) starts.set(slot, index);
    else if (first === undefined)
      fields.push({ field: `passages.${index}.at`, message: `Ce candidat commence déjà une autre épreuve ce jour à cette heure, à la ligne ${sameStart + 1}.` });
  });
  if (fields.length > 0) {
    throw new DomainError(
      'passages.invalid',
      `L’ordre de passage n’est pas valable : ${fields.map((field) => field.message).join(' ')}`,
      'rule',
      { candidateIds: [...unknown] },
      fields,
    );
  }
  const scheduled = new Set(command.passages.map((passage) => passage.candidateId));
  const missing = session.candidateIds.filter((candidateId) => !scheduled.has(candidateId));
  if (missing.length > 0) {
    throw ruleBroken(
      'passages.candidate-missing',
      `L’ordre de passage doit prévoir chaque candidat inscrit : ${missing.length > 1 ? 'il manque les candidats' : 'il manque le candidat'} ${listIds(missing)}.`,
      { candidateIds: missing, field: 'passages' },
    );
  }
  const ordered = command.passages
    .map((passage, index) => ({ passage, index }))
    .sort((a, b) => compareDates(a.passage.on, b.passage.on) || a.passage.at.localeCompare(b.passage.at) || a.index - b.index)
    .map(({ passage }) => ({ candidateId: passage.candidateId, test: passage.test, on: passage.on, at: passage.at }));
  return [{ type: 'PassagesScheduled', data: { scheduledOn: today(context), passages: ordered } }];
};
