import { addDays, compareDates, type CalendarDate } from './calendar.js';
import type { DomainSettings } from './decider.js';
import { habilitationValidOn, jurorStreamId, type JurorState } from './juror.js';
import { programmeDeadline, programmeStreamId, type ProgrammeState } from './programme.js';
import { creationDeadline, juryGaps, sessionStreamId, type SessionState } from './session.js';

/**
 * Deadlines the daily run watches (DOMAIN.md's table). Each aggregate gives its open deadlines from
 * its state; a deadline whose step is done, or whose session is cancelled, is no longer returned,
 * so an index rebuilt from `open…Deadlines` after every commit stops reminding by itself.
 */

/** Who is told: the centre, the UD of the department, the regional direction, the jurors of the session, one juror. */
export type Audience = 'centre' | 'ud' | 'region' | 'jurors' | 'juror';

export type DeadlineKind = 'yearly-programme' | 'session-creation' | 'juror-convocations' | 'jury-complete' | 'habilitation-expiry' | 'pv-transmission' | 'pv-validation';

export interface Deadline {
  /** Stable: `<streamId>/<kind>[/<subject>]`. The same step keeps its id when its due date moves. */
  readonly id: string;
  readonly kind: DeadlineKind;
  /** Stream of the aggregate the deadline belongs to. */
  readonly streamId: string;
  /** What inside the aggregate it is about (a planned session id, a session id), or `-`. */
  readonly subject: string;
  /** French, for mails and pages. */
  readonly label: string;
  /** Last day (Europe/Paris) to do the step. */
  readonly dueOn: CalendarDate;
  /** Day the reminder goes out: `dueOn − reminderLeadDays`. */
  readonly remindOn: CalendarDate;
  /** Reminded on `remindOn`, while the step is not done. */
  readonly remind: readonly Audience[];
  /** Alerted once, the day after `dueOn`, if the step is still not done. */
  readonly alert: readonly Audience[];
  /** Scope for routing mails: the centre, the department, the juror. */
  readonly scope: { readonly centreId?: string; readonly centreName?: string; readonly department?: string; readonly jurorId?: string; readonly sessionId?: string };
}

export const deadlineLabels: Readonly<Record<DeadlineKind, string>> = {
  'yearly-programme': 'Programmation prévisionnelle annuelle (avant le 31 janvier)',
  'session-creation': 'Création de la session dans CERES (trois mois avant son début)',
  'juror-convocations': 'Convocation des membres du jury',
  'jury-complete': 'Jury complet (au moins deux membres habilités, sans lien avec les candidats) la veille de la session',
  'habilitation-expiry': 'Habilitation du membre de jury valable pour la session',
  'pv-transmission': 'Transmission du procès-verbal signé à l’unité départementale',
  'pv-validation': 'Validation du procès-verbal par l’unité départementale',
};

const deadline = (
  settings: DomainSettings,
  streamId: string,
  kind: DeadlineKind,
  dueOn: CalendarDate,
  remind: Audience[],
  alert: Audience[],
  scope: Deadline['scope'],
  subject = '-',
): Deadline => ({
  id: subject === '-' ? `${streamId}/${kind}` : `${streamId}/${kind}/${subject}`,
  kind,
  streamId,
  subject,
  label: deadlineLabels[kind],
  dueOn,
  remindOn: addDays(dueOn, -settings.reminderLeadDays),
  remind,
  alert,
  scope,
});

/**
 * Open deadlines of a centre's yearly programme: the programme itself until it is submitted, then
 * the creation in CERES of each planned session not yet created (`createdPlannedSessionIds`, from
 * the sessions' SessionCreated events), due three months before its expected start.
 */
export const openProgrammeDeadlines = (
  state: ProgrammeState,
  settings: DomainSettings,
  programme: { readonly centreId: string; readonly centreName?: string | undefined; readonly year: number; readonly department?: string },
  createdPlannedSessionIds: readonly string[] = [],
): Deadline[] => {
  const streamId = programmeStreamId(programme.centreId, programme.year);
  const scope = {
    centreId: programme.centreId,
    ...(programme.centreName ? { centreName: programme.centreName } : {}),
    ...(programme.department ? { department: programme.department } : {}),
  };
  if (state.status === 'none') {
    return [deadline(settings, streamId, 'yearly-programme', programmeDeadline(programme.year), ['centre'], ['ud', 'region'], scope)];
  }
  return Object.values(state.planned)
    .filter((planned) => !createdPlannedSessionIds.includes(planned.plannedSessionId))
    .map((planned) => deadline(settings, streamId, 'session-creation', creationDeadline(planned.expectedStart), ['centre'], ['ud'], scope, planned.plannedSessionId));
};

/** What the session's state forgets and its deadlines need, folded from its stream by the caller. */
export interface SessionHistory {
  /** Day the UD last rejected a PV of the session (`PVRejected`): a PV signed again drops it from the state. */
  readonly lastPvRejectedOn?: CalendarDate | undefined;
}

/** Open deadlines of a session: convocations, jury, PV transmission, PV validation. */
export const openSessionDeadlines = (state: SessionState, settings: DomainSettings, history: SessionHistory = {}): Deadline[] => {
  if (state.status === 'none' || state.status === 'cancelled' || state.status === 'pv-validated') return [];
  const streamId = sessionStreamId(state.sessionId);
  const scope = { centreId: state.centreId, ...(state.centreName ? { centreName: state.centreName } : {}), department: state.department, sessionId: state.sessionId };
  const open: Deadline[] = [];
  if (state.status === 'created') {
    const jurorIds = Object.keys(state.jury);
    if (jurorIds.length === 0 || jurorIds.some((id) => !state.convokedJurorIds.includes(id))) {
      open.push(deadline(settings, streamId, 'juror-convocations', addDays(state.startDate, -settings.jurorConvocationDays), ['centre'], ['centre', 'jurors'], scope));
    }
    if (juryGaps(state).length > 0) {
      // A jury short of members cannot be convoked in time: the centre hears of it with the
      // convocations' reminder. The jury must be complete by the eve, so the UD's alert goes out on
      // the morning of the first day, while something can still be done.
      const convocationsReminder = addDays(addDays(state.startDate, -settings.jurorConvocationDays), -settings.reminderLeadDays);
      const jury = deadline(settings, streamId, 'jury-complete', addDays(state.startDate, -1), ['centre'], ['ud'], scope);
      open.push({ ...jury, remindOn: compareDates(convocationsReminder, jury.remindOn) < 0 ? convocationsReminder : jury.remindOn });
    }
  }
  if (state.status === 'pv-transmitted') {
    open.push(deadline(settings, streamId, 'pv-validation', addDays(state.pv.transmittedOn ?? state.endDate, settings.pvValidationDays), ['ud'], ['ud', 'region'], scope));
  } else {
    // After a rejection the centre gets the same delay again, counted from the rejection, until the
    // PV signed again is transmitted (a revision after the first was signed after a rejection; the
    // state no longer holds its date, the caller's history does, else the signature is the nearest).
    const from =
      state.status === 'pv-rejected' && state.pv.rejection
        ? state.pv.rejection.rejectedOn
        : state.status === 'pv-signed' && state.pv.revision > 1
          ? (history.lastPvRejectedOn ?? state.pv.signedOn)
          : state.endDate;
    open.push(deadline(settings, streamId, 'pv-transmission', addDays(from, settings.pvTransmissionDays), ['centre'], ['ud'], scope));
  }
  return open;
};

/** A session a juror is assigned to, as the juror's deadlines need it (from the sessions' views). */
export interface JurorAssignment {
  readonly sessionId: string;
  readonly centreId: string;
  readonly titreCode: string;
  readonly department: string;
  readonly startDate: CalendarDate;
  readonly endDate: CalendarDate;
}

/**
 * Open habilitation deadlines of a juror: for every assigned session not yet over whose days are
 * not all covered by a valid habilitation (expired, withdrawn, or ending before the session ends),
 * renewal is due before the session starts. The juror and the centre are reminded; the UD alerted.
 */
export const openJurorDeadlines = (state: JurorState, settings: DomainSettings, assignments: readonly JurorAssignment[], todayDate: CalendarDate): Deadline[] => {
  if (state.status === 'unknown') return [];
  const habilitations = Object.values(state.habilitations);
  return assignments
    .filter((session) => compareDates(session.endDate, todayDate) >= 0)
    .filter(
      (session) =>
        !habilitations.some(
          (h) => h.titreCode === session.titreCode && h.department === session.department && habilitationValidOn(h, session.startDate) && habilitationValidOn(h, session.endDate),
        ),
    )
    .map((session) =>
      deadline(
        settings,
        jurorStreamId(state.jurorId),
        'habilitation-expiry',
        session.startDate,
        ['juror', 'centre'],
        ['ud'],
        {
          jurorId: state.jurorId,
          centreId: session.centreId,
          department: session.department,
          sessionId: session.sessionId,
        },
        session.sessionId,
      ),
    );
};
