import { defaultSettings, type DomainSettings } from '../domain/decider.js';
import type { ProgrammeView, SessionView } from '../views/model.js';
import { addDays, addMonths } from './calendar.js';

/**
 * The deadlines of DOMAIN.md's table, computed from a view. A deadline is open while its step is
 * not done; it disappears (and stops reminding) when the step is done or the session is cancelled.
 */
export type Audience = 'centre' | 'ud' | 'region' | 'jurors';

export type DeadlineKind =
  | 'yearly-programme'
  | 'session-creation'
  | 'juror-convocations'
  | 'jury-complete'
  | 'pv-transmission'
  | 'pv-validation';

export interface OpenDeadline {
  /** Stream id of the aggregate the deadline belongs to. */
  readonly streamId: string;
  readonly kind: DeadlineKind;
  /** What the deadline is about inside the aggregate (a planned session id), or `-`. */
  readonly subject: string;
  readonly label: string;
  readonly dueOn: string;
  /** Told before the due date. */
  readonly remind: readonly Audience[];
  /** Told after the due date when the step is still not done. */
  readonly alert: readonly Audience[];
}

export const deadlineLabels: Readonly<Record<DeadlineKind, string>> = {
  'yearly-programme': 'Programmation prévisionnelle annuelle (avant le 31 janvier)',
  'session-creation': 'Création de la session dans CERES (trois mois avant)',
  'juror-convocations': 'Convocation des membres du jury',
  'jury-complete': 'Jury complet (au moins deux membres habilités)',
  'pv-transmission': 'Transmission du procès-verbal signé à l’unité départementale',
  'pv-validation': 'Validation du procès-verbal par l’unité départementale',
};

const deadline = (streamId: string, kind: DeadlineKind, dueOn: string, remind: Audience[], alert: Audience[], subject = '-'): OpenDeadline => ({
  streamId,
  kind,
  subject,
  label: deadlineLabels[kind],
  dueOn,
  remind,
  alert,
});

/** Open deadlines of a session. */
export const sessionDeadlines = (view: Omit<SessionView, 'openDeadlines'>, settings: DomainSettings = defaultSettings): OpenDeadline[] => {
  const streamId = `session-${view.sessionId}`;
  const open: OpenDeadline[] = [];
  if (view.status === 'cancelled' || view.status === 'pv-validated') return open;
  if (view.status === 'scheduled') {
    if (!view.jurorConvocationsSentOn)
      open.push(deadline(streamId, 'juror-convocations', addDays(view.startDate, -settings.jurorConvocationDays), ['centre'], ['centre', 'jurors']));
    if (view.jury.length < 2) open.push(deadline(streamId, 'jury-complete', view.startDate, ['centre'], ['ud']));
  }
  if (view.status === 'pv-transmitted') {
    const sentOn = view.pv?.transmittedOn ?? view.endDate;
    open.push(deadline(streamId, 'pv-validation', addDays(sentOn, settings.pvValidationDays), ['ud'], ['ud']));
  } else {
    // After a rejection the centre gets the same delay again, from the rejection.
    const from = view.pv?.rejection && view.status === 'pv-rejected' ? view.pv.rejection.rejectedOn : view.endDate;
    open.push(deadline(streamId, 'pv-transmission', addDays(from, settings.pvTransmissionDays), ['centre'], ['ud']));
  }
  return open;
};

/**
 * Open deadlines of a centre's yearly programme: the programme itself before 31 January, then the
 * creation in CERES of every planned session not created yet, three months before its start.
 */
export const programmeDeadlines = (view: ProgrammeView, createdPlannedSessionIds: ReadonlySet<string> = new Set()): OpenDeadline[] => {
  const streamId = `programme-${view.centreId}-${view.year}`;
  const open: OpenDeadline[] = [];
  if (!view.submission) open.push(deadline(streamId, 'yearly-programme', `${view.year}-01-31`, ['centre'], ['ud', 'region']));
  for (const planned of view.plannedSessions) {
    if (planned.withdrawn || createdPlannedSessionIds.has(planned.plannedSessionId)) continue;
    open.push(deadline(streamId, 'session-creation', addMonths(planned.expectedStart, -3), ['centre'], ['ud'], planned.plannedSessionId));
  }
  return open;
};
