import type { DomainEventOf } from '../../events/index.js';
import { addYears, compareDates, frenchDate, isCalendarDate, type CalendarDate } from './calendar.js';
import { titreOf, today } from './common.js';
import { requirePermitted } from './permissions.js';
import type { DecisionContext, Decider, DomainSettings, Fold } from './decider.js';
import type { Titre } from './titres.js';
import { conflict, forbidden, notFound, ruleBroken } from './errors.js';

/**
 * A juror's habilitations, stream `juror-<jurorId>`. A habilitation is granted by an agent of the
 * UD of the juror's department, for one titre, for a period that cannot outlast the titre's
 * validity, after the juror followed a session de professionnalisation. After a revision of the
 * titre, a professionalisation followed less than `professionalisationValidityYears` (2) years
 * before the revision still counts; an older one must be redone.
 */

/**
 * After a revision of the titre, a session de professionnalisation counts only if it was followed
 * after this day (the revision minus `professionalisationValidityYears`); undefined for a titre never
 * revised. Read by the habilitation rule and shown on the habilitation form before the agent submits.
 */
export const professionalisationValidAfter = (titre: Pick<Titre, 'revisedOn'>, settings: Pick<DomainSettings, 'professionalisationValidityYears'>): CalendarDate | undefined =>
  titre.revisedOn === undefined ? undefined : addYears(titre.revisedOn, -settings.professionalisationValidityYears);

export type JurorEvent = DomainEventOf<'JurorHabilitated'> | DomainEventOf<'HabilitationWithdrawn'>;

export type JurorCommand =
  | {
      readonly type: 'HabilitateJuror';
      readonly jurorId: string;
      readonly titreCode: string;
      /** The juror's department (their place of residence): its UD habilitates. */
      readonly department: string;
      readonly validFrom: CalendarDate;
      readonly validUntil: CalendarDate;
      readonly professionalisationDate: CalendarDate;
      /**
       * The request also records the juror's identity (name, first name, address): allowed for a
       * juror not habilitated yet only, so that no habilitation rewrites who a known juror is.
       */
      readonly recordsIdentity?: boolean;
    }
  | { readonly type: 'WithdrawHabilitation'; readonly jurorId: string; readonly habilitationId: string; readonly reason: string };

/** One habilitation as the session decider needs it (the snapshot a JuryAssigned command carries). */
export interface Habilitation {
  readonly habilitationId: string;
  readonly titreCode: string;
  readonly department: string;
  readonly validFrom: CalendarDate;
  readonly validUntil: CalendarDate;
  readonly professionalisationDate: CalendarDate;
  /** Set when the UD withdrew it: it no longer counts from that day. */
  readonly withdrawnOn?: CalendarDate;
}

export type JurorState = { readonly status: 'unknown' } | { readonly status: 'known'; readonly jurorId: string; readonly habilitations: Readonly<Record<string, Habilitation>> };

export const jurorStreamId = (jurorId: string): string => `juror-${jurorId}`;

/** The juror's habilitations, for a JuryAssigned command (withdrawn ones included, flagged). */
export const habilitationsOf = (state: JurorState): Habilitation[] => (state.status === 'known' ? Object.values(state.habilitations) : []);

/** Whether a habilitation counts on a given day. */
export const habilitationValidOn = (habilitation: Habilitation, date: CalendarDate): boolean =>
  compareDates(habilitation.validFrom, date) <= 0 &&
  compareDates(date, habilitation.validUntil) <= 0 &&
  (habilitation.withdrawnOn === undefined || compareDates(date, habilitation.withdrawnOn) < 0);

const habilitate = (command: Extract<JurorCommand, { type: 'HabilitateJuror' }>, state: JurorState, context: DecisionContext): JurorEvent[] => {
  requirePermitted(context.actor, command.type, command);
  const now = today(context);
  // The UD of the juror's department habilitates: while the juror holds a habilitation of another
  // department that still runs, that department's UD is theirs (a juror who moved is habilitated
  // anew once the old ones are withdrawn or over).
  const elsewhere = habilitationsOf(state).find((h) => h.department !== command.department && h.withdrawnOn === undefined && compareDates(now, h.validUntil) <= 0);
  if (elsewhere) {
    throw forbidden('habilitation.juror-of-other-department', 'Ce membre de jury relève de l’unité départementale d’un autre département : c’est elle qui l’habilite.');
  }
  if (command.recordsIdentity && state.status === 'known') {
    throw ruleBroken('juror.identity-known', 'Ce membre de jury est déjà habilité : son nom, son prénom et son courriel ne se modifient pas ici. Laissez ces champs vides.', {
      field: 'lastName',
    });
  }
  const titre = titreOf(context, command.titreCode);
  if (!titre) throw notFound('habilitation.titre-unknown', `Le titre ${command.titreCode} est inconnu.`, { field: 'titreCode' });
  for (const name of ['validFrom', 'validUntil', 'professionalisationDate'] as const) {
    if (!isCalendarDate(command[name])) {
      throw ruleBroken('habilitation.date-invalid', `La date ${command[name]} n’existe pas.`, { field: name });
    }
  }
  if (compareDates(command.validFrom, command.validUntil) > 0) {
    throw ruleBroken('habilitation.dates-inverted', 'La fin de l’habilitation précède son début.', { field: 'validUntil' });
  }
  if (compareDates(command.validUntil, titre.validUntil) > 0) {
    throw ruleBroken('habilitation.outlasts-titre', `L’habilitation ne peut pas dépasser la fin de validité du titre ${titre.label}, le ${frenchDate(titre.validUntil)}.`, {
      field: 'validUntil',
    });
  }
  if (compareDates(command.professionalisationDate, now) > 0 || compareDates(command.professionalisationDate, command.validFrom) > 0) {
    throw ruleBroken('habilitation.professionalisation-missing', 'La session de professionnalisation doit avoir été suivie avant l’habilitation.', {
      field: 'professionalisationDate',
    });
  }
  const validAfter = professionalisationValidAfter(titre, context.settings);
  if (titre.revisedOn !== undefined && validAfter !== undefined && compareDates(command.professionalisationDate, validAfter) <= 0) {
    throw ruleBroken(
      'habilitation.professionalisation-outdated',
      `Le titre ${titre.label} a été révisé le ${frenchDate(titre.revisedOn)} : la session de professionnalisation du ${frenchDate(command.professionalisationDate)} date de ${context.settings.professionalisationValidityYears} ans ou plus avant la révision et doit être renouvelée.`,
      { field: 'professionalisationDate' },
    );
  }
  const overlapping = habilitationsOf(state).find(
    (h) =>
      h.titreCode === command.titreCode &&
      h.department === command.department &&
      h.withdrawnOn === undefined &&
      compareDates(h.validFrom, command.validUntil) <= 0 &&
      compareDates(command.validFrom, h.validUntil) <= 0,
  );
  if (overlapping) {
    throw conflict(
      'habilitation.overlap',
      `Le membre de jury ${command.jurorId} est déjà habilité pour ce titre dans ce département jusqu’au ${frenchDate(overlapping.validUntil)}.`,
    );
  }
  return [
    {
      type: 'JurorHabilitated',
      data: {
        jurorId: command.jurorId,
        habilitationId: context.newId('hab'),
        titreCode: command.titreCode,
        department: command.department,
        validFrom: command.validFrom,
        validUntil: command.validUntil,
        professionalisationDate: command.professionalisationDate,
      },
    },
  ];
};

const withdraw = (command: Extract<JurorCommand, { type: 'WithdrawHabilitation' }>, state: JurorState, context: DecisionContext): JurorEvent[] => {
  const habilitation = state.status === 'known' ? state.habilitations[command.habilitationId] : undefined;
  if (!habilitation) {
    throw notFound('habilitation.unknown', `Le membre de jury ${command.jurorId} n’a pas d’habilitation ${command.habilitationId}.`);
  }
  requirePermitted(context.actor, command.type, habilitation);
  if (habilitation.withdrawnOn !== undefined) {
    throw conflict('habilitation.already-withdrawn', `Cette habilitation a déjà été retirée le ${frenchDate(habilitation.withdrawnOn)}.`);
  }
  if (command.reason.trim() === '') {
    throw ruleBroken('habilitation.reason-missing', 'Le motif du retrait est obligatoire.', { field: 'reason' });
  }
  return [
    {
      type: 'HabilitationWithdrawn',
      data: { jurorId: command.jurorId, habilitationId: command.habilitationId, withdrawnOn: today(context), reason: command.reason.trim() },
    },
  ];
};

const evolve = (state: JurorState, event: JurorEvent): JurorState => {
  const habilitations = state.status === 'known' ? state.habilitations : {};
  switch (event.type) {
    case 'JurorHabilitated': {
      const { jurorId, ...habilitation } = event.data;
      return { status: 'known', jurorId, habilitations: { ...habilitations, [habilitation.habilitationId]: habilitation } };
    }
    case 'HabilitationWithdrawn': {
      const current = habilitations[event.data.habilitationId];
      if (!current) return state;
      return {
        status: 'known',
        jurorId: event.data.jurorId,
        habilitations: { ...habilitations, [current.habilitationId]: { ...current, withdrawnOn: event.data.withdrawnOn } },
      };
    }
  }
};

const initialState: JurorState = { status: 'unknown' };

export const jurorFold: Fold<JurorState, JurorEvent> = { initialState, evolve };

export const jurorDecider: Decider<JurorCommand, JurorState, JurorEvent> = {
  initialState,
  decide: (command, state, context) => (command.type === 'HabilitateJuror' ? habilitate(command, state, context) : withdraw(command, state, context)),
  evolve,
};
