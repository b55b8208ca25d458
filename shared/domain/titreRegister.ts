import type { DomainEventOf } from '../../events/index.js';
import { compareDates, isCalendarDate } from './calendar.js';
import { duplicatesOf } from './common.js';
import type { DecisionContext, Decider, Fold } from './decider.js';
import { ruleBroken } from './errors.js';
import { requirePermitted } from './permissions.js';
import type { Titre } from './titres.js';

/**
 * The titres professionnels as data, stream `titre-<RNCP code>`: a regional direction records each
 * titre (usually from France Compétences' RNCP export), and records it again when France
 * Compétences publishes a change (a revision, a new end of registration, new CCP blocks). A record
 * that changes nothing records nothing, so importing the same export twice writes nothing.
 */

export type TitreEvent = DomainEventOf<'TitreRecorded'>;

export interface TitreCommand {
  readonly type: 'RecordTitre';
  readonly titre: Titre;
  readonly source: 'rncp' | 'saisie';
}

export type TitreState = { readonly status: 'none' } | { readonly status: 'recorded'; readonly titre: Titre };

export const titreStreamId = (code: string): string => `titre-${code}`;

const sameTitre = (a: Titre, b: Titre): boolean =>
  a.label === b.label &&
  a.validUntil === b.validUntil &&
  a.revisedOn === b.revisedOn &&
  a.ccps.length === b.ccps.length &&
  a.ccps.every((ccp, i) => ccp.code === b.ccps[i]?.code && ccp.label === b.ccps[i]?.label);

const decide = (command: TitreCommand, state: TitreState, context: DecisionContext): TitreEvent[] => {
  requirePermitted(context.actor, command.type, {});
  const { titre } = command;
  for (const [field, date] of [
    ['validUntil', titre.validUntil],
    ['revisedOn', titre.revisedOn],
  ] as const) {
    if (date !== undefined && !isCalendarDate(date)) throw ruleBroken('titre.date-invalid', `La date ${date} du titre ${titre.code} n’existe pas.`, { field });
  }
  if (titre.revisedOn !== undefined && compareDates(titre.revisedOn, titre.validUntil) > 0) {
    throw ruleBroken('titre.revision-after-end', `La révision du titre ${titre.code} ne peut pas suivre la fin de son enregistrement.`, { field: 'revisedOn' });
  }
  const [duplicate] = duplicatesOf(titre.ccps.map((ccp) => ccp.code));
  if (duplicate) throw ruleBroken('titre.ccp-duplicate', `Le bloc ${duplicate} figure deux fois dans le titre ${titre.code}.`, { field: 'ccps' });
  if (state.status === 'recorded' && sameTitre(state.titre, titre)) return [];
  return [
    {
      type: 'TitreRecorded',
      data: {
        titreCode: titre.code,
        label: titre.label.trim(),
        ccps: titre.ccps.map(({ code, label }) => ({ code, label })),
        validUntil: titre.validUntil,
        ...(titre.revisedOn ? { revisedOn: titre.revisedOn } : {}),
        source: command.source,
      },
    },
  ];
};

const evolve = (_state: TitreState, event: TitreEvent): TitreState => {
  const { titreCode, source: _source, ...titre } = event.data;
  return { status: 'recorded', titre: { code: titreCode, ...titre } };
};

const initialState: TitreState = { status: 'none' };

export const titreFold: Fold<TitreState, TitreEvent> = { initialState, evolve };

export const titreDecider: Decider<TitreCommand, TitreState, TitreEvent> = { initialState, decide, evolve };
