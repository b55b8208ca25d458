import type { DomainEventOf } from '../../events/index.js';
import { compareDates, frenchDate, isCalendarDate, type CalendarDate } from './calendar.js';
import { duplicatesOf, titreOf, today } from './common.js';
import { requirePermitted } from './permissions.js';
import type { DecisionContext, Decider, Fold } from './decider.js';
import { notFound, ruleBroken } from './errors.js';

/**
 * A centre's yearly programme (programmation prévisionnelle), stream `programme-<centreId>-<year>`.
 * Submitted or amended as a whole: every submission lists all the sessions the centre plans for
 * the year; a planned session left out is withdrawn. On time when submitted on or before
 * 31 January of the year (Europe/Paris); a later submission is accepted and marked late.
 */

export type ProgrammeEvent = DomainEventOf<'SessionPlanned'> | DomainEventOf<'ProgrammeSubmitted'>;

/** One line of the programme as the centre types it. */
interface PlannedSessionInput {
  /** Present when the line amends a session planned by an earlier submission. */
  readonly plannedSessionId?: string;
  readonly titreCode: string;
  readonly expectedStart: CalendarDate;
  readonly expectedEnd: CalendarDate;
  readonly expectedCandidates: number;
}

export type ProgrammeCommand = {
  readonly type: 'SubmitProgramme';
  readonly centreId: string;
  /** The centre's name from the session manager's account, recorded for the pages and mails. */
  readonly centreName?: string;
  readonly year: number;
  readonly sessions: readonly PlannedSessionInput[];
};

interface PlannedSession {
  readonly plannedSessionId: string;
  readonly titreCode: string;
  readonly expectedStart: CalendarDate;
  readonly expectedEnd: CalendarDate;
  readonly expectedCandidates: number;
}

export type ProgrammeState =
  | { readonly status: 'none'; readonly planned: Readonly<Record<string, PlannedSession>> }
  | {
      readonly status: 'submitted';
      readonly centreId: string;
      readonly year: number;
      readonly revision: number;
      /** The sessions of the latest submission, by planned session id. */
      readonly planned: Readonly<Record<string, PlannedSession>>;
      readonly firstSubmittedOn: CalendarDate;
      readonly lastSubmittedOn: CalendarDate;
      readonly deadline: CalendarDate;
      /** Whether the first submission met the 31 January deadline. */
      readonly onTime: boolean;
    };

export const programmeStreamId = (centreId: string, year: number): string => `programme-${centreId}-${year}`;

/** The 31 January deadline of a year's programme. */
export const programmeDeadline = (year: number): CalendarDate => `${year}-01-31`;

const checkLine = (line: PlannedSessionInput, index: number, year: number, context: DecisionContext): void => {
  const where = `Session n° ${index + 1} du programme`;
  const field = (name: string): string => `sessions.${index}.${name}`;
  const titre = titreOf(context, line.titreCode);
  if (!titre) {
    throw ruleBroken('programme.titre-unknown', `${where} : le titre ${line.titreCode} est inconnu.`, { field: field('titreCode') });
  }
  for (const name of ['expectedStart', 'expectedEnd'] as const) {
    if (!isCalendarDate(line[name])) {
      throw ruleBroken('programme.date-invalid', `${where} : la date ${line[name]} n’existe pas.`, { field: field(name) });
    }
  }
  if (compareDates(line.expectedStart, line.expectedEnd) > 0) {
    throw ruleBroken('programme.dates-inverted', `${where} : la date de fin précède la date de début.`, { field: field('expectedEnd') });
  }
  if (!line.expectedStart.startsWith(`${year}-`)) {
    throw ruleBroken('programme.date-outside-year', `${where} : elle doit commencer en ${year}.`, { field: field('expectedStart') });
  }
  if (compareDates(line.expectedEnd, titre.validUntil) > 0) {
    throw ruleBroken('programme.titre-expired', `${where} : le titre ${titre.label} n’est plus valide après le ${frenchDate(titre.validUntil)}.`, { field: field('expectedEnd') });
  }
  if (!Number.isInteger(line.expectedCandidates) || line.expectedCandidates < 1 || line.expectedCandidates > 500) {
    throw ruleBroken('programme.candidates-count', `${where} : le nombre de candidats attendus doit être compris entre 1 et 500.`, {
      field: field('expectedCandidates'),
    });
  }
};

const decide = (command: ProgrammeCommand, state: ProgrammeState, context: DecisionContext): ProgrammeEvent[] => {
  requirePermitted(context.actor, command.type, command);
  const submittedOn = today(context);
  const currentYear = Number(submittedOn.slice(0, 4));
  if (command.year < currentYear || command.year > currentYear + 1) {
    throw ruleBroken('programme.year-out-of-range', `Le programme ne peut porter que sur l’année ${currentYear} ou ${currentYear + 1}.`, {
      field: 'year',
    });
  }
  if (command.sessions.length === 0) {
    throw ruleBroken('programme.empty', 'Le programme doit prévoir au moins une session.', { field: 'sessions' });
  }
  const givenIds = command.sessions.flatMap((line) => (line.plannedSessionId ? [line.plannedSessionId] : []));
  const [duplicate] = duplicatesOf(givenIds);
  if (duplicate) {
    throw ruleBroken('programme.duplicate-planned-session', `La session prévue ${duplicate} figure deux fois dans le programme.`);
  }
  const unknown = givenIds.find((id) => !state.planned[id]);
  if (unknown) {
    throw notFound('programme.planned-session-unknown', `La session prévue ${unknown} ne figure pas dans le programme transmis.`);
  }
  command.sessions.forEach((line, index) => checkLine(line, index, command.year, context));

  const planned: ProgrammeEvent[] = command.sessions.map((line) => ({
    type: 'SessionPlanned',
    data: {
      plannedSessionId: line.plannedSessionId ?? context.newId('pln'),
      centreId: command.centreId,
      year: command.year,
      titreCode: line.titreCode,
      expectedStart: line.expectedStart,
      expectedEnd: line.expectedEnd,
      expectedCandidates: line.expectedCandidates,
    },
  }));
  const plannedSessionIds = planned.flatMap((event) => (event.type === 'SessionPlanned' ? [event.data.plannedSessionId] : []));
  const deadline = programmeDeadline(command.year);
  return [
    ...planned,
    {
      type: 'ProgrammeSubmitted',
      data: {
        centreId: command.centreId,
        ...(command.centreName ? { centreName: command.centreName } : {}),
        year: command.year,
        revision: state.status === 'submitted' ? state.revision + 1 : 1,
        plannedSessionIds,
        withdrawnPlannedSessionIds: Object.keys(state.planned).filter((id) => !plannedSessionIds.includes(id)),
        submittedOn,
        deadline,
        onTime: compareDates(submittedOn, deadline) <= 0,
      },
    },
  ];
};

const evolve = (state: ProgrammeState, event: ProgrammeEvent): ProgrammeState => {
  switch (event.type) {
    case 'SessionPlanned': {
      const { centreId: _centre, year: _year, ...session } = event.data;
      return { ...state, planned: { ...state.planned, [session.plannedSessionId]: session } };
    }
    case 'ProgrammeSubmitted': {
      const planned = Object.fromEntries(Object.entries(state.planned).filter(([id]) => !event.data.withdrawnPlannedSessionIds.includes(id)));
      return {
        status: 'submitted',
        centreId: event.data.centreId,
        year: event.data.year,
        revision: event.data.revision,
        planned,
        firstSubmittedOn: state.status === 'submitted' ? state.firstSubmittedOn : event.data.submittedOn,
        lastSubmittedOn: event.data.submittedOn,
        deadline: event.data.deadline,
        onTime: state.status === 'submitted' ? state.onTime : event.data.onTime,
      };
    }
  }
};

const initialState: ProgrammeState = { status: 'none', planned: {} };

export const programmeFold: Fold<ProgrammeState, ProgrammeEvent> = { initialState, evolve };

export const programmeDecider: Decider<ProgrammeCommand, ProgrammeState, ProgrammeEvent> = { initialState, decide, evolve };
