import type { Actor } from '../../events/index.js';
import { parisDate, type CalendarDate } from './calendar.js';
import type { DecisionContext } from './decider.js';
import { forbidden } from './errors.js';
import { defaultTitres, type Titre } from './titres.js';

/** The command's day in Europe/Paris. */
export const today = (context: DecisionContext): CalendarDate => parisDate(context.now);

/** Only the centre itself acts on its programme and its sessions. */
export const requireCentre = (actor: Actor, centreId: string, code: string): void => {
  if (actor.role !== 'centre' || actor.scope.centreId !== centreId) {
    throw forbidden(code, 'Seul le centre agréé concerné peut faire cette démarche.');
  }
};

/** Only an agent of the unité départementale of that department. */
export const requireUd = (actor: Actor, department: string, code: string): void => {
  if (actor.role !== 'ud' || actor.scope.department !== department) {
    throw forbidden(code, `Seul un agent de l’unité départementale du département ${department} peut faire cette démarche.`);
  }
};

/** Ids listed in French for messages: « cand_a, cand_b ». */
export const listIds = (ids: readonly string[]): string => ids.join(', ');

/** The duplicates in a list, once each. */
export const duplicatesOf = (values: readonly string[]): string[] => [...new Set(values.filter((value, index) => values.indexOf(value) !== index))];

/** The titre of that RNCP code in the context's catalogue (the sample catalogue when none is given). */
export const titreOf = (context: DecisionContext, code: string): Titre | undefined => (context.titres ?? defaultTitres)[code];
