import { departmentsOfRegion, getAgrement, listAgrements } from '../../application/queries.js';
import { agrementCsvColumns } from '../../http/agrementCsv.js';
import { checkTargetAccess, routes } from '../../http/operations.js';
import type { AgrementView } from '../../views/index.js';
import { centreWithId, frenchDate } from '../format.js';
import { choices, form, input, textarea, type FormState } from '../forms.js';
import { html, type Html } from '../html.js';
import { titreLabel, today, type PageContext } from './kit.js';

/*
 * The agréments, for the regional direction (its region, by department) and for a UD (its
 * department): the list with each agrément's state, a form to record one, the first import from a
 * CSV file; and one agrément's page, with its amendments, a form to amend it and one to withdraw it.
 */

const agrementState = (agrement: AgrementView, todayDate: string): Html => {
  if (agrement.withdrawn) return html`<span class="badge late">Retiré le ${frenchDate(agrement.withdrawn.withdrawnOn)}</span>`;
  if (agrement.validUntil < todayDate) return html`<span class="badge late">Expiré le ${frenchDate(agrement.validUntil)}</span>`;
  if (agrement.validFrom > todayDate) return html`<span class="badge info">À partir du ${frenchDate(agrement.validFrom)}</span>`;
  return html`<span class="badge ok">En vigueur</span>`;
};

const titreChoices = (context: PageContext) => Object.values(context.deps.titres).map((titre) => ({ value: titre.code, label: `${titre.label} (${titre.code})` }));

/** The terms' fields, shared by recording and amending: titres ticked, one site per line, the period. */
const termsFields = (context: PageContext, state: FormState): Html =>
  html`${choices(state, 'titreCodes', 'Titres professionnels agréés', titreChoices(context))}
    ${textarea(state, 'sites', 'Lieux agréés', { required: true, hint: 'Un lieu par ligne, avec son adresse. Une session pourra préciser une salle après une virgule : « Lyon 7e, salle 3 ».' })}
    <div class="row">
      ${input(state, 'validFrom', 'Agréé du', { type: 'date', required: true, hint: 'jj/mm/aaaa' })}${input(state, 'validUntil', 'au', { type: 'date', required: true, hint: 'jj/mm/aaaa' })}
    </div>`;

export const agrementsPage = async (context: PageContext, state: FormState): Promise<Html> => {
  const { role, scope } = context.principal.actor;
  const agrements = await listAgrements(context.deps, context.principal);
  const todayDate = today(context);
  const departments = role === 'ud' ? [scope.department ?? ''] : departmentsOfRegion(context.deps, scope.region ?? '');
  const importState: FormState = { ...state, errors: state.errors.filter((error) => error.field === 'csv'), values: {} };
  const recordState: FormState = { ...state, errors: state.errors.filter((error) => error.field !== 'csv') };
  return html`<p>
      ${role === 'ud' ? `Les centres agréés du département ${scope.department ?? ''}.` : `Les centres agréés de la région ${scope.region ?? ''}, par département.`} Un centre ne
      peut créer une session que pour un titre, un lieu et des dates couverts par son agrément ; chaque centre agréé doit sa programmation annuelle avant le 31 janvier.
    </p>
    ${
      agrements.length === 0
        ? html`<p>Aucun agrément enregistré.</p>`
        : html`<table>
            <caption>
              Agréments (${agrements.length})
            </caption>
            <thead>
              <tr>
                <th scope="col">Centre</th>
                <th scope="col">Département</th>
                <th scope="col">Titres</th>
                <th scope="col">Lieux</th>
                <th scope="col">Période</th>
                <th scope="col">État</th>
              </tr>
            </thead>
            <tbody>
              ${agrements.map(
                (agrement) =>
                  html`<tr>
                    <td><a href="/agrements/${agrement.centreId}">${agrement.centreName}</a><br /><span class="hint">${agrement.centreId}</span></td>
                    <td>${agrement.department}</td>
                    <td>
                      <ul>
                        ${agrement.titreCodes.map((code) => html`<li>${titreLabel(context, code)}</li>`)}
                      </ul>
                    </td>
                    <td>
                      <ul>
                        ${agrement.sites.map((site) => html`<li>${site}</li>`)}
                      </ul>
                    </td>
                    <td>du ${frenchDate(agrement.validFrom)} au ${frenchDate(agrement.validUntil)}</td>
                    <td>${agrementState(agrement, todayDate)}</td>
                  </tr>`,
              )}
            </tbody>
          </table>`
    }
    <h2>Enregistrer un agrément</h2>
    ${form(
      recordState,
      '/agrements',
      'Enregistrer l’agrément',
      html`<div class="row">
          ${input(recordState, 'centreId', 'Identifiant du centre', { required: true, hint: 'ctr_ suivi de minuscules, chiffres ou tirets : ctr_lyon-formation' })}${input(recordState, 'centreName', 'Nom du centre', { required: true })}
        </div>
        <div class="row">
          ${input(recordState, 'email', 'Courriel du centre', { type: 'email', required: true, hint: 'Ses rappels de programmation y sont envoyés tant qu’aucun responsable du centre ne s’est connecté.' })}${input(recordState, 'department', 'Département du centre', { required: true, hint: departments.join(', ') })}
        </div>
        ${termsFields(context, recordState)}`,
    )}
    <h2>Importer des agréments (fichier CSV)</h2>
    <p>
      Une ligne d’en-tête puis un agrément par ligne, colonnes séparées par des points-virgules : <code>${agrementCsvColumns.join(';')}</code>. Plusieurs titres ou lieux se
      séparent par <code>|</code> ; les dates s’écrivent jj/mm/aaaa. Si une seule ligne est à corriger, aucun agrément n’est enregistré et chaque ligne fautive est signalée avec
      son numéro.
    </p>
    ${form(importState, '/agrements/import', 'Importer le fichier', input(importState, 'csv', 'Fichier CSV des agréments', { type: 'file', accept: '.csv,text/csv', required: true }), { multipart: true })}`;
};

export const agrementPage = async (context: PageContext, state: FormState): Promise<Html> => {
  // The API's check: a UD outside the centre's department, or another region, is refused.
  await checkTargetAccess(context.deps, routes.getAgrement, context.principal, {}, context.params);
  const agrement = await getAgrement(context.deps, context.params.centreId ?? '');
  if (!agrement) return html`<p>Aucun agrément n’est enregistré pour ce centre.</p>`;
  const amendState: FormState = {
    ...state,
    errors: state.errors.filter((error) => error.field !== 'reason' || state.values.sites !== undefined),
    values:
      Object.keys(state.values).length > 0
        ? state.values
        : { titreCodes: [...agrement.titreCodes], sites: agrement.sites.join('\n'), validFrom: agrement.validFrom, validUntil: agrement.validUntil },
  };
  const withdrawState: FormState = { ...state, errors: state.values.sites === undefined ? state.errors : [], values: {} };
  return html`<dl class="facts">
      <dt>Centre</dt>
      <dd>${centreWithId(agrement, 'inline')}</dd>
      <dt>Département</dt>
      <dd>${agrement.department}</dd>
      <dt>Titres</dt>
      <dd>
        <ul>
          ${agrement.titreCodes.map((code) => html`<li>${titreLabel(context, code)}</li>`)}
        </ul>
      </dd>
      <dt>Lieux</dt>
      <dd>
        <ul>
          ${agrement.sites.map((site) => html`<li>${site}</li>`)}
        </ul>
      </dd>
      <dt>Période</dt>
      <dd>du ${frenchDate(agrement.validFrom)} au ${frenchDate(agrement.validUntil)}</dd>
      <dt>État</dt>
      <dd>${agrementState(agrement, today(context))}${agrement.withdrawn ? html` — ${agrement.withdrawn.reason}` : ''}</dd>
    </dl>
    <h2>Modifications</h2>
    ${
      agrement.amendments.length === 0
        ? html`<p>Enregistré le ${frenchDate(agrement.recordedOn)}, jamais modifié.</p>`
        : html`<ul>
            <li>Enregistré le ${frenchDate(agrement.recordedOn)}</li>
            ${agrement.amendments.map((amendment) => html`<li>Modifié le ${frenchDate(amendment.amendedOn)} : ${amendment.reason}</li>`)}
          </ul>`
    }
    ${
      agrement.withdrawn
        ? ''
        : html`<h2>Modifier l’agrément</h2>
            <p>Les titres, lieux et dates saisis remplacent les précédents ; les sessions déjà créées restent en place.</p>
            ${form(
              amendState,
              `/agrements/${agrement.centreId}`,
              'Enregistrer la modification',
              html`${termsFields(context, amendState)} ${textarea(amendState, 'reason', 'Motif de la modification', { required: true })}`,
            )}
            <h2>Retirer l’agrément</h2>
            <p>À compter d’aujourd’hui, le centre ne peut plus créer de session ; les sessions déjà créées restent en place.</p>
            ${form(withdrawState, `/agrements/${agrement.centreId}/retrait`, 'Retirer l’agrément', textarea(withdrawState, 'reason', 'Motif du retrait', { required: true }))}`
    }`;
};
