import type { DomainEventOf } from '../../events/index.js';
import { compareDates, frenchDate, isCalendarDate, type CalendarDate } from './calendar.js';
import { duplicatesOf, titreOf, today } from './common.js';
import type { DecisionContext, Decider, Fold } from './decider.js';
import { conflict, notFound, ruleBroken } from './errors.js';
import { requirePermitted } from './permissions.js';
import type { Titre } from './titres.js';

/**
 * A centre's agrément, stream `agrement-<centreId>`: the State allows the centre to organise
 * sessions for some titres, on some sites, over a period. The regional direction (or the UD of the
 * centre's department) records it, amends it (the whole of it: titres, sites and dates) and
 * withdraws it. A session is created only within it, and every approved centre owes its yearly
 * programme, whether or not it has written anything yet.
 */

export type AgrementEvent = DomainEventOf<'AgrementRecorded'> | DomainEventOf<'AgrementAmended'> | DomainEventOf<'AgrementWithdrawn'>;

/** What an agrément allows; an amendment replaces all of it. */
interface AgrementTerms {
  readonly titreCodes: readonly string[];
  readonly sites: readonly string[];
  readonly validFrom: CalendarDate;
  readonly validUntil: CalendarDate;
}

export type AgrementCommand =
  | ({
      readonly type: 'RecordAgrement';
      readonly centreId: string;
      readonly centreName: string;
      readonly department: string;
      readonly region: string;
    } & AgrementTerms)
  | ({ readonly type: 'AmendAgrement'; readonly centreId: string; readonly reason: string } & AgrementTerms)
  | { readonly type: 'WithdrawAgrement'; readonly centreId: string; readonly reason: string };

/** The agrément as the session decider reads it (the snapshot a CreateSession command carries). */
export interface Agrement extends AgrementTerms {
  readonly centreId: string;
  readonly centreName: string;
  readonly department: string;
  readonly region: string;
  /** Set when it was withdrawn: no session may be held from that day. */
  readonly withdrawnOn?: CalendarDate;
}

export type AgrementState = { readonly status: 'none' } | { readonly status: 'recorded'; readonly agrement: Agrement };

export const agrementStreamId = (centreId: string): string => `agrement-${centreId}`;

/** The agrément of a state, or undefined when none was ever recorded. */
export const agrementOf = (state: AgrementState): Agrement | undefined => (state.status === 'recorded' ? state.agrement : undefined);

/** A site compared as people write it: case, accents, punctuation spacing and runs of spaces do not count. */
const siteKey = (site: string): string =>
  site
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[\s,;.'’-]+/g, ' ')
    .trim();

/**
 * The session's site as the agrément spells it, or undefined when it is not on one of its sites. A
 * session may name a place within an agreed site after a comma (« Lyon 7e, salle 3 » on the site
 * « Lyon 7e »); the agreed part takes the agrément's spelling, the detail is kept as typed.
 */
export const agreedSite = (agrement: Pick<Agrement, 'sites'>, site: string): string | undefined => {
  const parts = site.trim().split(',');
  for (let length = parts.length; length >= 1; length -= 1) {
    const head = parts.slice(0, length).join(',');
    const agreed = agrement.sites.find((candidate) => siteKey(candidate) === siteKey(head));
    if (agreed)
      return `${agreed}${parts
        .slice(length)
        .map((part) => `,${part}`)
        .join('')}`;
  }
  return undefined;
};

const period = (agrement: Pick<Agrement, 'validFrom' | 'validUntil'>): string => `valable du ${frenchDate(agrement.validFrom)} au ${frenchDate(agrement.validUntil)}`;

/**
 * Refuses a session the centre's agrément does not cover: no agrément, a titre or site outside it,
 * days outside its validity or after its withdrawal. The message names the titre and the dates.
 */
export const requireAgreed = (
  agrement: Agrement | undefined,
  session: { readonly titre: Titre; readonly site: string; readonly startDate: CalendarDate; readonly endDate: CalendarDate },
): void => {
  const { titre } = session;
  const named = `${titre.label} (${titre.code})`;
  if (!agrement) {
    throw ruleBroken(
      'session.no-agrement',
      `Aucun agrément n’est enregistré pour votre centre : la direction régionale ou l’unité départementale doit l’enregistrer avant que vous puissiez créer une session du titre ${named}.`,
      { field: 'titreCode' },
    );
  }
  if (agrement.withdrawnOn !== undefined && compareDates(agrement.withdrawnOn, session.endDate) <= 0) {
    throw ruleBroken('session.agrement-withdrawn', `L’agrément de votre centre a été retiré le ${frenchDate(agrement.withdrawnOn)} : aucune session ne peut s’y tenir depuis.`, {
      field: 'startDate',
    });
  }
  if (!agrement.titreCodes.includes(titre.code)) {
    throw ruleBroken('session.titre-not-agreed', `Le titre ${named} ne figure pas dans l’agrément de votre centre (${period(agrement)}).`, { field: 'titreCode' });
  }
  for (const [field, date] of [
    ['startDate', session.startDate],
    ['endDate', session.endDate],
  ] as const) {
    if (compareDates(date, agrement.validFrom) < 0 || compareDates(agrement.validUntil, date) < 0) {
      throw ruleBroken(
        'session.outside-agrement',
        `La session du titre ${named} du ${frenchDate(session.startDate)} au ${frenchDate(session.endDate)} sort de la période de l’agrément de votre centre, ${period(agrement)}.`,
        { field },
      );
    }
  }
  if (!agreedSite(agrement, session.site)) {
    throw ruleBroken(
      'session.site-not-agreed',
      `Le lieu « ${session.site.trim()} » ne figure pas dans l’agrément de votre centre pour le titre ${named}. Lieux agréés : ${agrement.sites.map((s) => `« ${s} »`).join(', ')}.`,
      { field: 'site' },
    );
  }
};

/** Checks an agrément's terms: known titres, sites, existing dates in order. Returns them cleaned. */
const termsOf = (command: AgrementTerms, context: DecisionContext): AgrementTerms & { titreCodes: string[]; sites: string[] } => {
  if (command.titreCodes.length === 0) throw ruleBroken('agrement.titres-missing', 'Indiquez au moins un titre.', { field: 'titreCodes' });
  for (const code of command.titreCodes) {
    if (!titreOf(context, code)) throw ruleBroken('agrement.titre-unknown', `Le titre ${code} est inconnu.`, { field: 'titreCodes' });
  }
  const [duplicateTitre] = duplicatesOf([...command.titreCodes]);
  if (duplicateTitre) throw ruleBroken('agrement.titre-duplicate', `Le titre ${duplicateTitre} figure deux fois.`, { field: 'titreCodes' });
  const sites = command.sites.map((site) => site.trim().replace(/\s+/g, ' ')).filter((site) => site !== '');
  if (sites.length === 0) throw ruleBroken('agrement.sites-missing', 'Indiquez au moins un lieu.', { field: 'sites' });
  const [duplicateSite] = duplicatesOf(sites.map(siteKey));
  if (duplicateSite) throw ruleBroken('agrement.site-duplicate', `Le lieu « ${sites.find((s) => siteKey(s) === duplicateSite)} » figure deux fois.`, { field: 'sites' });
  for (const name of ['validFrom', 'validUntil'] as const) {
    if (!isCalendarDate(command[name])) throw ruleBroken('agrement.date-invalid', `La date ${command[name]} n’existe pas.`, { field: name });
  }
  if (compareDates(command.validFrom, command.validUntil) > 0) {
    throw ruleBroken('agrement.dates-inverted', 'La fin de l’agrément précède son début.', { field: 'validUntil' });
  }
  return { titreCodes: [...command.titreCodes], sites, validFrom: command.validFrom, validUntil: command.validUntil };
};

const requireReason = (reason: string): string => {
  if (reason.trim() === '') throw ruleBroken('agrement.reason-missing', 'Le motif est obligatoire.', { field: 'reason' });
  return reason.trim();
};

const decide = (command: AgrementCommand, state: AgrementState, context: DecisionContext): AgrementEvent[] => {
  const current = agrementOf(state);
  if (command.type === 'RecordAgrement') {
    requirePermitted(context.actor, command.type, command);
    if (current && current.withdrawnOn === undefined) {
      throw conflict('agrement.already-recorded', `Un agrément est déjà enregistré pour le centre ${current.centreName} (${period(current)}) : modifiez-le plutôt.`);
    }
    const { centreId, centreName, department, region } = command;
    if (centreName.trim() === '') throw ruleBroken('agrement.centre-name-missing', 'Le nom du centre est obligatoire.', { field: 'centreName' });
    return [{ type: 'AgrementRecorded', data: { centreId, centreName: centreName.trim(), department, region, ...termsOf(command, context) } }];
  }
  if (!current) throw notFound('agrement.unknown', `Aucun agrément n’est enregistré pour le centre ${command.centreId}.`);
  requirePermitted(context.actor, command.type, current);
  if (current.withdrawnOn !== undefined) {
    throw conflict('agrement.withdrawn', `L’agrément du centre ${current.centreName} a été retiré le ${frenchDate(current.withdrawnOn)}.`);
  }
  if (command.type === 'AmendAgrement') {
    return [{ type: 'AgrementAmended', data: { centreId: command.centreId, ...termsOf(command, context), reason: requireReason(command.reason) } }];
  }
  return [{ type: 'AgrementWithdrawn', data: { centreId: command.centreId, withdrawnOn: today(context), reason: requireReason(command.reason) } }];
};

const evolve = (state: AgrementState, event: AgrementEvent): AgrementState => {
  switch (event.type) {
    case 'AgrementRecorded':
      return { status: 'recorded', agrement: event.data };
    case 'AgrementAmended': {
      if (state.status !== 'recorded') return state;
      const { reason: _reason, centreId: _centreId, ...terms } = event.data;
      return { status: 'recorded', agrement: { ...state.agrement, ...terms } };
    }
    case 'AgrementWithdrawn':
      return state.status === 'recorded' ? { status: 'recorded', agrement: { ...state.agrement, withdrawnOn: event.data.withdrawnOn } } : state;
  }
};

const initialState: AgrementState = { status: 'none' };

export const agrementFold: Fold<AgrementState, AgrementEvent> = { initialState, evolve };

export const agrementDecider: Decider<AgrementCommand, AgrementState, AgrementEvent> = { initialState, decide, evolve };
