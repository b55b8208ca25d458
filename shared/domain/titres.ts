import type { CalendarDate } from './calendar.js';

/**
 * Titres professionnels are reference data, not rules: the deciders receive a catalogue through
 * the DecisionContext (`context.titres`) and look titres up by RNCP code. The catalogue is data a
 * regional direction records, usually by importing France Compétences' RNCP export (the source of
 * truth for codes, CCP blocks, registration end and revision dates): each titre is a stream
 * (shared/domain/titreRegister.ts), the HTTP functions read the projected list (shared/application/titres.ts).
 */
export interface Titre {
  /** RNCP code, `RNCP37674`. */
  readonly code: string;
  readonly label: string;
  /** The blocs (certificats de compétences professionnelles) making up the titre. */
  readonly ccps: readonly Ccp[];
  /** End of the titre's registration: no habilitation, session or award after this date. */
  readonly validUntil: CalendarDate;
  /** Date of the last revision of the titre, when it was revised. */
  readonly revisedOn?: CalendarDate;
}

interface Ccp {
  /** Bloc code, `RNCP37674BC01`. */
  readonly code: string;
  readonly label: string;
}

/** Titres by RNCP code. */
export type TitreCatalogue = Readonly<Record<string, Titre>>;

/** Builds a catalogue from a list of titres. */
export const titreCatalogue = (titres: readonly Titre[]): TitreCatalogue => Object.fromEntries(titres.map((titre) => [titre.code, titre]));
