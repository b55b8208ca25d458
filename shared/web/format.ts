import { html, type Html } from './html.js';
import type { CentreRef, SessionStatus } from '../views/model.js';
import { frenchDate as dayMonthYear, parisDate } from '../domain/calendar.js';

/** Formatting for the pages (and the mails' words): French words, dates dd/mm/yyyy in Europe/Paris. */

/** `2027-03-04` -> `04/03/2027`; an instant is shown as its calendar day in Paris. */
export const frenchDate = (value: string | Date | undefined): string => {
  if (value === undefined) return '';
  if (typeof value === 'string') {
    if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return dayMonthYear(value);
    const parsed = new Date(value);
    return Number.isNaN(parsed.getTime()) ? value : dayMonthYear(parisDate(parsed));
  }
  return dayMonthYear(parisDate(value));
};

/** Whole days from `from` to `to` (calendar dates). */
const daysUntil = (from: string, to: string): number => Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);

/** A count and its noun, agreed in French: 0 and 1 take the singular (« 1 session prévue », « 2 sessions prévues »). */
export const countOf = (count: number, singular: string, plural: string): string => `${count} ${count > 1 ? plural : singular}`;

export type Urgency = 'late' | 'soon' | 'later';

/** Colour of a deadline, always with a text label too: overdue, within 15 days, or later. */
export const urgencyOf = (today: string, dueOn: string): { urgency: Urgency; label: string } => {
  const days = daysUntil(today, dueOn);
  if (days < 0) return { urgency: 'late', label: `En retard de ${-days} jour${days < -1 ? 's' : ''}` };
  if (days <= 15) return { urgency: 'soon', label: days === 0 ? 'Aujourd’hui' : `Dans ${days} jour${days > 1 ? 's' : ''}` };
  return { urgency: 'later', label: `Dans ${days} jours` };
};

/**
 * A session's CERES reference as read in a sentence: « CERES 12345 », without saying CERES twice
 * when the reference already starts with it (« CERES-2027-0042 »).
 */
export const ceresLabel = (reference: string): string => (/^CERES\b/i.test(reference) ? reference : `CERES ${reference}`);

export const sessionStatusLabels: Record<SessionStatus, string> = {
  created: 'Programmée',
  started: 'Session tenue',
  'pv-signed': 'PV signé',
  'pv-transmitted': 'PV transmis à l’UD',
  'pv-rejected': 'PV rejeté, à corriger',
  'pv-validated': 'PV validé',
  cancelled: 'Annulée',
};

export const decisionLabels: Record<string, string> = {
  'titre-obtenu': 'Titre obtenu',
  'reussite-partielle': 'Réussite partielle',
  echec: 'Échec',
  absent: 'Absent',
};

export const sanctionLabels: Record<string, string> = {
  avertissement: 'Avertissement',
  'annulation-epreuve': 'Annulation de l’épreuve',
  'exclusion-session': 'Exclusion de la session',
  interdiction: 'Interdiction de se présenter',
};

/**
 * A centre for the agents (UD, region, history), who also search by id: its name with the id in
 * small print, under it in a table cell or after it in a sentence; the id alone when no name is known.
 */
export const centreWithId = (centre: CentreRef, layout: 'cell' | 'inline' = 'cell'): Html => {
  if (!centre.centreName) return html`${centre.centreId}`;
  return layout === 'cell'
    ? html`${centre.centreName}<br /><span class="hint">${centre.centreId}</span>`
    : html`${centre.centreName} <span class="hint">(${centre.centreId})</span>`;
};
