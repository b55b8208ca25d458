import type { CalendarDate } from './calendar.js';
import type { Decision, SessionState } from './session.js';

/**
 * A session's results as candidates and centres may see them. Results told before the UD
 * validated the PV bind nobody (leaflet): they are `provisoires` until PVValidated, `officiels`
 * after, `rejetés` once the UD rejected the PV and until it is signed again. There are no results
 * before a PV is signed.
 */
export type ResultsStatus = 'provisoires' | 'officiels' | 'rejetés';

interface CandidateResult {
  readonly candidateId: string;
  readonly decision: Decision;
  /** For a réussite partielle: the CCP obtained, kept for good. */
  readonly ccpObtained: readonly string[];
}

export interface SessionResults {
  readonly sessionId: string;
  readonly status: ResultsStatus;
  readonly pvRevision: number;
  /** Date of the validation when official. */
  readonly officialOn?: CalendarDate;
  readonly results: readonly CandidateResult[];
}

/** French wording of each decision, for pages and mails. */
export const decisionLabels: Readonly<Record<Decision, string>> = {
  'titre-obtenu': 'Titre obtenu',
  'reussite-partielle': 'Réussite partielle',
  echec: 'Échec',
  absent: 'Absent',
};

export const resultsStatusLabels: Readonly<Record<ResultsStatus, string>> = {
  provisoires: 'Résultats provisoires : ils ne deviennent officiels qu’après validation du procès-verbal par l’unité départementale.',
  officiels: 'Résultats officiels : procès-verbal validé par l’unité départementale.',
  rejetés: 'Décisions rejetées : l’unité départementale a rejeté le procès-verbal ; celui signé à nouveau les remplacera.',
};

/** The results of a session, or undefined when no PV has been signed. */
export const sessionResults = (state: SessionState): SessionResults | undefined => {
  if (!('pv' in state)) return undefined;
  const official = state.status === 'pv-validated';
  return {
    sessionId: state.sessionId,
    status: official ? 'officiels' : state.status === 'pv-rejected' ? 'rejetés' : 'provisoires',
    pvRevision: state.pv.revision,
    ...(official && state.pv.validatedOn ? { officialOn: state.pv.validatedOn } : {}),
    results: state.pv.decisions.map(({ candidateId, decision, ccpObtained }) => ({ candidateId, decision, ccpObtained })),
  };
};
