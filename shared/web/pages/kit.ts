import type { Principal } from '../../auth/principal.js';
import type { AppDeps } from '../../application/useCase.js';
import { mayReadIdentity } from '../../personalData/store.js';
import type { SessionStatus, SessionView } from '../../views/index.js';
import { parisDate } from '../../domain/calendar.js';
import { frenchDate, sessionStatusLabels, urgencyOf } from '../format.js';
import { html, type Html } from '../html.js';

/** What a page renders from: the deps, who is looking, the path's parameters and the query. */
export interface PageContext {
  readonly deps: AppDeps;
  readonly principal: Principal;
  readonly params: Readonly<Record<string, string>>;
  readonly query: Readonly<Record<string, string>>;
  /** The session the path names, already checked against the principal's scope. */
  readonly session?: SessionView | undefined;
  readonly csrf: string;
  /**
   * On a form sent back, the path (template) it was posted to: a page holding several forms shows
   * the errors in that one only.
   */
  readonly postedTo?: string;
}

export const today = (context: PageContext): string => parisDate(context.deps.clock.now());

export const titreLabel = (context: PageContext, code: string): string => {
  const titre = context.deps.titres[code];
  return titre ? `${titre.label} (${code})` : code;
};

export const statusBadge = (status: SessionStatus): Html => {
  const tone = status === 'pv-validated' ? 'ok' : status === 'pv-rejected' || status === 'cancelled' ? 'late' : 'info';
  return html`<span class="badge ${tone}">${sessionStatusLabels[status]}</span>`;
};

/** A deadline with its colour and, always, its words: colour is never the only signal. */
export const deadlineBadge = (todayDate: string, dueOn: string): Html => {
  const { urgency, label } = urgencyOf(todayDate, dueOn);
  return html`<span class="badge ${urgency}">${label}</span>`;
};

/** French words for the breaches the domain records (`BreachRecorded.rule`). */
const breachLabels: Readonly<Record<string, string>> = {
  'session.creation-late': 'Créée dans CERES moins de trois mois avant le début',
  'convocation.jurors-late': 'Jury convoqué en retard',
  'convocation.candidates-late': 'Candidats convoqués en retard',
};

/** The steps a session did late, each in words (the colour only repeats them); a view saved before `breaches` existed gives its late creation. */
export const breachBadges = (view: SessionView): Html[] =>
  (view.breaches ?? (view.createdLate ? [{ rule: 'session.creation-late', dueOn: view.creationDeadline, doneOn: view.createdOn }] : [])).map(
    (breach) =>
      html`<span class="badge soon">Manquement : ${breachLabels[breach.rule] ?? breach.rule} (le ${frenchDate(breach.doneOn)} au lieu du ${frenchDate(breach.dueOn)})</span>`,
  );

export const nextDeadline = (view: SessionView) => [...view.openDeadlines].sort((a, b) => a.dueOn.localeCompare(b.dueOn))[0];

export const deadlinesTable = (todayDate: string, view: SessionView): Html =>
  view.openDeadlines.length === 0
    ? html`<p>Aucune échéance en cours.</p>`
    : html`<table>
        <caption>
          Échéances en cours
        </caption>
        <thead>
          <tr>
            <th scope="col">Échéance</th>
            <th scope="col">Date limite</th>
            <th scope="col">Urgence</th>
          </tr>
        </thead>
        <tbody>
          ${[...view.openDeadlines]
            .sort((a, b) => a.dueOn.localeCompare(b.dueOn))
            .map(
              (deadline) =>
                html`<tr>
                  <td>${deadline.label}</td>
                  <td>${frenchDate(deadline.dueOn)}</td>
                  <td>${deadlineBadge(todayDate, deadline.dueOn)}</td>
                </tr>`,
            )}
        </tbody>
      </table>`;

/** How a candidate whose personal data was erased (at their request or by the retention purge) is shown. */
export const erasedCandidateLabel = (candidateId: string): string => `Candidat·e ${candidateId} (données effacées)`;

/**
 * Display names of candidates, falling back to the pseudonymous id when the reader may not see names.
 * A candidate of the page's session (registered or withdrawn) whose name the reader may see (its
 * centre, the UD of its department) shows as erased when the view records the erasure, or when its
 * identity is missing (views saved before `erasedCandidateIds` existed).
 */
export const candidateNames = async (context: PageContext, candidateIds: readonly string[]): Promise<Map<string, string>> => {
  const identities = await context.deps.personalData.readCandidates(context.principal, candidateIds);
  const session = context.session;
  const readable = session !== undefined && mayReadIdentity(context.principal, session);
  const erased = new Set(readable ? (session.erasedCandidateIds ?? []) : []);
  const erasable = new Set(readable ? [...session.candidateIds, ...(session.withdrawnCandidateIds ?? [])] : []);
  return new Map(
    candidateIds.map((id) => {
      const identity = identities.get(id);
      if (erased.has(id)) return [id, erasedCandidateLabel(id)] as const;
      return [id, identity ? `${identity.lastName.toUpperCase()} ${identity.firstName}` : erasable.has(id) ? erasedCandidateLabel(id) : id] as const;
    }),
  );
};

const byName = new Intl.Collator('fr', { sensitivity: 'base' });

/** Display names of jurors (« Camille DUPONT »), in the map's order of their last then first names, those without an identity last. */
export const jurorNames = async (context: PageContext, jurorIds: readonly string[]): Promise<Map<string, string>> => {
  const identities = await context.deps.personalData.readJurors(jurorIds);
  const sortKey = (id: string) => {
    const identity = identities.get(id);
    return identity ? `0 ${identity.lastName} ${identity.firstName}` : `1 ${id}`;
  };
  return new Map(
    [...jurorIds]
      .sort((a, b) => byName.compare(sortKey(a), sortKey(b)))
      .map((id) => {
        const identity = identities.get(id);
        return [id, identity ? `${identity.firstName} ${identity.lastName.toUpperCase()}` : id] as const;
      }),
  );
};

/** Short French notices shown after a redirect (`?ok=<code>`): fixed texts, never echoed input. */
export const notices: Readonly<Record<string, string>> = {
  programme: 'La programmation prévisionnelle a été transmise.',
  session: 'La session a été enregistrée.',
  jury: 'Le membre du jury a été désigné.',
  'jury-retrait': 'Le membre a été retiré du jury.',
  amenagement: 'L’aménagement a été enregistré.',
  'jury-informe': 'L’information du jury sur les aménagements a été enregistrée.',
  convocations: 'Les convocations ont été envoyées.',
  plateau: 'La vérification du plateau technique a été enregistrée.',
  passages: 'L’ordre de passage a été enregistré : imprimez-le depuis « Ordre de passage » pour l’afficher sur le lieu de la session.',
  plis: 'La vérification des plis cachetés a été enregistrée.',
  pv: 'Le procès-verbal signé a été enregistré.',
  ceres: 'La saisie des résultats dans CERES a été enregistrée.',
  transmission: 'Le procès-verbal a été transmis à l’unité départementale.',
  validation: 'Le procès-verbal a été validé : les résultats sont officiels.',
  rejet: 'Le procès-verbal a été rejeté ; le centre est informé du motif.',
  sanction: 'La sanction a été enregistrée.',
  habilitation: 'L’habilitation a été enregistrée.',
  retrait: 'L’habilitation a été retirée.',
  fraude: 'Le signalement de fraude a été enregistré.',
  lien: 'Le lien avec le candidat est déclaré : vous ne l’évaluerez pas.',
  annulation: 'La session a été annulée.',
  effacement: 'Les données personnelles du candidat ont été effacées ; son identifiant reste dans l’historique.',
  agrement: 'L’agrément a été enregistré ; le centre peut créer ses sessions et doit sa programmation annuelle.',
  import: 'Les agréments du fichier ont été enregistrés.',
  modification: 'L’agrément a été modifié.',
  'agrement-retire': 'L’agrément a été retiré.',
  titres: 'Les titres de l’export ont été enregistrés ; les règles et les formulaires les lisent dès maintenant.',
};
