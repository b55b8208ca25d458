import { departmentsOfRegion, listRegionSessions } from '../../application/queries.js';
import { schemas } from '../../http/schemas.js';
import { parseInput } from '../../http/validation.js';
import type { SessionView } from '../../views/index.js';
import { sessionStatuses } from '../../views/index.js';
import { ceresLabel, centreWithId, frenchDate, sessionStatusLabels } from '../format.js';
import { idOf } from '../forms.js';
import { html, type Html } from '../html.js';
import { breachBadges, statusBadge, titreLabel, today, type PageContext } from './kit.js';

/*
 * The regional admin's page, « Sessions de la région »: every session of the region, newest start
 * first, by department and status, with what went wrong (a step done late, a deadline passed) and
 * a link to each session's history. Read through the region's index, a page at a time.
 */

const PAGE_SIZE = 50;

/** Late steps and passed deadlines, each in words (the colour only repeats them). */
const problems = (view: SessionView, todayDate: string): Html[] => {
  const overdue = view.status === 'cancelled' ? [] : view.openDeadlines.filter((deadline) => deadline.dueOn < todayDate);
  return [...breachBadges(view), ...overdue.map((deadline) => html`<span class="badge late">En retard : ${deadline.label} (échéance du ${frenchDate(deadline.dueOn)})</span>`)];
};

const filterSelect = (name: string, label: string, allLabel: string, current: string, choices: readonly { value: string; label: string }[]): Html => {
  const id = idOf(name);
  return html`<div class="field">
    <label for="${id}">${label}</label
    ><select id="${id}" name="${name}">
      <option value="">${allLabel}</option>
      ${choices.map((choice) => html`<option value="${choice.value}" ${choice.value === current ? html` selected` : ''}>${choice.label}</option>`)}
    </select>
  </div>`;
};

const unitLabel = (context: PageContext, kind: 'ud' | 'region', code: string): string | undefined => {
  try {
    return kind === 'ud' ? context.deps.directory.ud(code).shortLabel : context.deps.directory.region(code).shortLabel;
  } catch {
    return undefined;
  }
};

export const regionSessionsPage = async (context: PageContext): Promise<Html> => {
  const region = context.principal.actor.scope.region ?? '';
  // The query string is input like any other: the API's schema checks it, in French.
  const filters = parseInput(schemas.listRegionSessions, {
    ...(context.query.departement ? { department: context.query.departement } : {}),
    ...(context.query.etat ? { status: context.query.etat } : {}),
    ...(context.query.suite ? { cursor: context.query.suite } : {}),
  });
  const page = await listRegionSessions(context.deps, context.principal, { ...filters, limit: PAGE_SIZE });
  const todayDate = today(context);
  const departments = departmentsOfRegion(context.deps, region).map((code) => ({ value: code, label: `${code} — ${unitLabel(context, 'ud', code) ?? `département ${code}`}` }));
  const statuses = sessionStatuses.map((status) => ({ value: status, label: sessionStatusLabels[status] }));
  const kept = new URLSearchParams({ ...(filters.department ? { departement: filters.department } : {}), ...(filters.status ? { etat: filters.status } : {}) });
  const filtered = Boolean(filters.department || filters.status);

  return html`<p>
      Les sessions d’examen des centres agréés de la région ${region}${unitLabel(context, 'region', region) ? ` (${unitLabel(context, 'region', region) ?? ''})` : ''}, de la plus
      récente à la plus ancienne par date de début.
    </p>
    <form method="get" action="/region/sessions" class="filters" role="search" aria-label="Filtrer les sessions">
      <div class="row">
        ${filterSelect('departement', 'Département', 'Tous les départements', filters.department ?? '', departments)}${filterSelect('etat', 'État', 'Tous les états', filters.status ?? '', statuses)}
      </div>
      <p><button type="submit">Filtrer</button>${filtered ? html` <a href="/region/sessions">Effacer les filtres</a>` : ''}</p>
    </form>
    ${
      page.items.length === 0
        ? html`<p>${filtered ? 'Aucune session ne correspond à ces filtres.' : 'Aucune session dans la région.'}</p>`
        : html`<table>
            <caption>
              Sessions de la
              région${filters.department ? `, département ${filters.department}` : ''}${filters.status ? `, état « ${sessionStatusLabels[filters.status] ?? filters.status} »` : ''}
            </caption>
            <thead>
              <tr>
                <th scope="col">Département</th>
                <th scope="col">Centre</th>
                <th scope="col">Titre professionnel</th>
                <th scope="col">Dates</th>
                <th scope="col">État</th>
                <th scope="col">Retards et manquements</th>
                <th scope="col">Historique</th>
              </tr>
            </thead>
            <tbody>
              ${page.items.map((view) => {
                const found = problems(view, todayDate);
                return html`<tr>
                  <td>${view.department}</td>
                  <td>${centreWithId(view)}</td>
                  <th scope="row">${titreLabel(context, view.titreCode)}<br /><span class="hint">Session ${ceresLabel(view.ceresReference)}</span></th>
                  <td>du ${frenchDate(view.startDate)} au ${frenchDate(view.endDate)}</td>
                  <td>${statusBadge(view.status)}</td>
                  <td>${found.length === 0 ? 'Aucun' : found.map((badge, index) => html`${index > 0 ? html`<br />` : ''}${badge}`)}</td>
                  <td><a href="/sessions/${view.sessionId}/historique">Historique de la session ${view.ceresReference}</a></td>
                </tr>`;
              })}
            </tbody>
          </table>`
    }
    ${
      page.nextCursor || filters.cursor
        ? html`<nav aria-label="Pages de la liste">
            <p>
              ${filters.cursor ? html`<a href="/region/sessions${kept.size > 0 ? `?${kept.toString()}` : ''}">Revenir aux plus récentes</a> ` : ''}${page.nextCursor ? html`<a href="/region/sessions?${new URLSearchParams([...kept, ['suite', page.nextCursor]]).toString()}">Sessions suivantes</a>` : ''}
            </p>
          </nav>`
        : ''
    }`;
};
