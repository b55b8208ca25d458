import { parisDate, type CalendarDate } from './calendar.js';
import type { DecisionContext } from './decider.js';
import type { Titre } from './titres.js';

/** The command's day in Europe/Paris. */
export const today = (context: DecisionContext): CalendarDate => parisDate(context.now);

/** Ids listed in French for messages: « cand_a, cand_b ». */
export const listIds = (ids: readonly string[]): string => ids.join(', ');

/** The duplicates in a list, once each. */
export const duplicatesOf = (values: readonly string[]): string[] => [...new Set(values.filter((value, index) => values.indexOf(value) !== index))];

/** The titre of that RNCP code in the context's catalogue. */
export const titreOf = (context: DecisionContext, code: string): Titre | undefined => context.titres[code];
