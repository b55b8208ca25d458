import { candidateNamesIn } from '../../application/queries.js';
import { addDays, compareDates } from '../../domain/calendar.js';
import type { SessionView } from '../../views/index.js';
import { examTestLabels } from '../../views/model.js';
import { formatDayLong } from '../../mail/render.js';
import { frenchDate } from '../format.js';
import { form, input, select, type FormState } from '../forms.js';
import { html, type Html } from '../html.js';
import { candidateNames, titreLabel, type PageContext } from './kit.js';

/**
 * The order of passage (leaflet: the session manager « affiche la date, l’heure, l’ordre de passage
 * des candidats et la nature des épreuves »): the centre's form, and the page it prints and posts.
 */

/** Rows of the form beyond the candidates' own, for a second test of some of them. */
const EXTRA_ROWS = 4;
const MAX_ROWS = 200;

type Passages = NonNullable<SessionView['passages']>['items'];

/** Every day of the session, first to last. */
const sessionDays = (view: SessionView): string[] => {
  const days: string[] = [];
  for (let day = view.startDate; compareDates(day, view.endDate) <= 0 && days.length < 60; day = addDays(day, 1)) days.push(day);
  return days;
};

/** The candidates the posted order leaves out: registered since it was posted. */
export const unscheduledCandidates = (view: SessionView): string[] => {
  const scheduled = new Set((view.passages?.items ?? []).map((passage) => passage.candidateId));
  return view.candidateIds.filter((candidateId) => !scheduled.has(candidateId));
};

/** Whether the order of passage may still be posted or changed: until the PV is signed. */
export const passagesOpen = (view: SessionView): boolean => view.status === 'created' || view.status === 'started';

/** The form's first values: the order posted, completed with a row for each candidate it leaves out. */
const firstValues = (view: SessionView): Record<string, unknown> => {
  const posted: { candidateId: string; test: string; on: string; at: string }[] = (view.passages?.items ?? []).filter((passage) => view.candidateIds.includes(passage.candidateId));
  const missing = unscheduledCandidates(view).map((candidateId) => ({ candidateId, test: 'mise-en-situation', on: view.startDate, at: '' }));
  return { passages: [...posted, ...missing] };
};

export const passagesForm = async (context: PageContext, state: FormState): Promise<Html> => {
  const view = context.session;
  if (!view) return html``;
  const base = `/centre/sessions/${view.sessionId}`;
  const names = await candidateNames(context, view.candidateIds);
  if (!passagesOpen(view)) {
    return html`<p>Le procès-verbal est signé ou la session annulée : l’ordre de passage ne se modifie plus.</p>
      ${view.passages ? html`<p><a href="${base}/affichage">Voir l’ordre de passage affiché</a></p>` : ''}`;
  }
  const values = Object.keys(state.values).length > 0 ? state.values : firstValues(view);
  const filled = { ...state, values };
  const sent = Array.isArray(values.passages) ? values.passages.length : 0;
  const asked = Number(context.query.lignes);
  const rows = Math.min(MAX_ROWS, Math.max(sent + EXTRA_ROWS, Number.isInteger(asked) ? asked : 0));
  const candidates = view.candidateIds.map((id) => ({ value: id, label: names.get(id) ?? id }));
  const tests = Object.entries(examTestLabels).map(([value, label]) => ({ value, label }));
  const days = sessionDays(view).map((day) => ({ value: day, label: formatDayLong(day) }));
  const missing = unscheduledCandidates(view);
  return html`<p>
      Affichez, avant la session, le jour, l’heure, l’ordre de passage des candidats et la nature des épreuves. Une ligne par épreuve d’un candidat ; chaque candidat inscrit y
      figure au moins une fois. Laissez vides les lignes inutiles. L’ordre enregistré remplace le précédent ; il se modifie jusqu’à la signature du procès-verbal.
    </p>
    ${
      view.passages
        ? html`<p>
            Ordre de passage affiché le ${frenchDate(view.passages.scheduledOn)} : <a href="${base}/affichage">le voir et l’imprimer</a>.${
              missing.length > 0
                ? html` <strong>À compléter :</strong> ${missing.map((id) => names.get(id) ?? id).join(', ')} ${missing.length > 1 ? 'ont été inscrits' : 'a été inscrit·e'} depuis.`
                : ''
            }
          </p>`
        : ''
    }
    ${form(
      filled,
      `${base}/passages`,
      view.passages ? 'Enregistrer le nouvel ordre de passage' : 'Enregistrer l’ordre de passage',
      html`${Array.from(
        { length: rows },
        (_, index) =>
          html`<fieldset class="field" ${index === 0 ? html`id="f-passages" tabindex="-1"` : ''}>
            <legend>Passage n° ${index + 1}</legend>
            <div class="row">
              ${select(filled, `passages.${index}.candidateId`, 'Candidat', candidates)}${select(filled, `passages.${index}.test`, 'Épreuve', tests)}${select(
                filled,
                `passages.${index}.on`,
                'Jour',
                days,
              )}${input(filled, `passages.${index}.at`, 'Heure', { type: 'time', hint: 'hh:mm' })}
            </div>
          </fieldset>`,
      )}`,
      { id: 'passages-form' },
    )}
    ${
      rows < MAX_ROWS
        ? html`<p>
            <button type="submit" form="passages-form" name="lignes" value="${Math.min(MAX_ROWS, rows + 10)}" class="secondary">Ajouter 10 lignes</button>
            <span class="hint">Ce que vous avez saisi est conservé.</span>
          </p>`
        : ''
    }`;
};

/** `08:30` -> « 8 h 30 »; `14:00` -> « 14 h ». */
export const frenchTime = (at: string): string => {
  const [hours = '', minutes = ''] = at.split(':');
  return `${Number(hours)} h${minutes === '00' ? '' : ` ${minutes}`}`;
};

/** The passages of one day, in order. */
const byDay = (passages: Passages): [string, Passages][] => {
  const days = new Map<string, Passages[number][]>();
  for (const passage of passages) days.set(passage.on, [...(days.get(passage.on) ?? []), passage]);
  return [...days.entries()].sort(([a], [b]) => compareDates(a, b));
};

/**
 * The candidates' names as the reader may read them: the centre (and its erased candidates shown
 * as such), a member of the jury (names only, as on their session page), else « Candidat n° ».
 */
const namesFor = async (context: PageContext, view: SessionView): Promise<Map<string, string>> => {
  const ids = [...new Set([...view.candidateIds, ...(view.passages?.items ?? []).map((passage) => passage.candidateId)])];
  if (context.principal.actor.role !== 'juror') return candidateNames(context, ids);
  const names = await candidateNamesIn(context.deps, context.principal, view);
  return new Map(
    ids.map((id, index) => {
      const name = names.get(id);
      return [id, name ? `${name.lastName.toUpperCase()} ${name.firstName}` : `Candidat n° ${index + 1}`] as const;
    }),
  );
};

/**
 * The order of passage as it is posted at the session's site (and printed): per day, each test's
 * time, the candidate and the test. For the centre and the jury; names as the centre registered them.
 */
export const passagesNotice = async (context: PageContext): Promise<Html> => {
  const view = context.session;
  if (!view) return html``;
  if (!view.passages) {
    return html`<p>
      L’ordre de passage n’a pas encore été
      affiché.${context.principal.actor.role === 'centre' && passagesOpen(view) ? html` <a href="/centre/sessions/${view.sessionId}/passages">L’établir</a>.` : ''}
    </p>`;
  }
  const names = await namesFor(context, view);
  const missing = unscheduledCandidates(view);
  return html`<p>
      <strong>${titreLabel(context, view.titreCode)}</strong><br />
      Session ${view.ceresReference}, du ${frenchDate(view.startDate)} au ${frenchDate(view.endDate)} — ${view.site}
    </p>
    ${missing.length > 0 ? html`<div class="warning" role="note"><p>À compléter : ${missing.map((id) => names.get(id) ?? id).join(', ')} ne ${missing.length > 1 ? 'figurent' : 'figure'} pas dans l’ordre de passage.</p></div>` : ''}
    ${byDay(view.passages.items.filter((passage) => view.candidateIds.includes(passage.candidateId))).map(
      ([day, passages]) =>
        html`<h2>${formatDayLong(day)}</h2>
          <table>
            <caption>
              Ordre de passage du ${frenchDate(day)}
            </caption>
            <thead>
              <tr>
                <th scope="col">Heure</th>
                <th scope="col">Candidat</th>
                <th scope="col">Épreuve</th>
              </tr>
            </thead>
            <tbody>
              ${passages.map(
                (passage) =>
                  html`<tr>
                    <td>${frenchTime(passage.at)}</td>
                    <td>${names.get(passage.candidateId) ?? passage.candidateId}</td>
                    <td>${examTestLabels[passage.test] ?? passage.test}</td>
                  </tr>`,
              )}
            </tbody>
          </table>`,
    )}
    <p class="hint">
      Ordre de passage affiché le ${frenchDate(view.passages.scheduledOn)}.<span class="screen-only"> Pour l’afficher sur le lieu de la session, imprimez cette page.</span>
    </p>`;
};
