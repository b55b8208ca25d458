import { listTitres } from '../../application/queries.js';
import { frenchDate } from '../format.js';
import { form, input, type FormState } from '../forms.js';
import { html, type Html } from '../html.js';
import type { PageContext } from './kit.js';

/*
 * The titres professionnels as recorded: each with its CCP blocks, its registration end and the
 * dates of its revisions; for a regional direction, the import of France Compétences' RNCP export.
 */

export const titresPage = async (context: PageContext, state: FormState): Promise<Html> => {
  const titres = await listTitres(context.deps);
  return html`<p>
      Les titres professionnels tels que la direction régionale les a enregistrés depuis le Répertoire national des certifications professionnelles (France Compétences). Après une
      révision, une session de professionnalisation suivie plus de ${context.deps.settings.professionalisationValidityYears} ans avant la révision doit être renouvelée.
    </p>
    ${
      titres.length === 0
        ? html`<p>Aucun titre enregistré : importez l’export du RNCP.</p>`
        : html`<table>
            <caption>
              Titres professionnels (${titres.length})
            </caption>
            <thead>
              <tr>
                <th scope="col">Titre</th>
                <th scope="col">Blocs de compétences (CCP)</th>
                <th scope="col">Révisions</th>
                <th scope="col">Fin d’enregistrement</th>
              </tr>
            </thead>
            <tbody>
              ${titres.map(
                (titre) =>
                  html`<tr>
                    <th scope="row">${titre.label} (${titre.code})</th>
                    <td>
                      <ul>
                        ${titre.ccps.map((ccp) => html`<li>${ccp.label} <span class="hint">(${ccp.code})</span></li>`)}
                      </ul>
                    </td>
                    <td>${titre.revisions.length === 0 ? 'Aucune' : titre.revisions.map(frenchDate).join(', ')}</td>
                    <td>${frenchDate(titre.validUntil)}</td>
                  </tr>`,
              )}
            </tbody>
          </table>`
    }
    ${
      context.principal.actor.role !== 'region'
        ? ''
        : html`<h2>Importer l’export du RNCP</h2>
            <p>
              Deux fichiers de l’export « Répertoire national des certifications professionnelles » de France Compétences (data.gouv.fr) : celui des fiches
              (<code>export_fiches_CSV_Standard_…</code>) et celui des blocs de compétences (<code>export_fiches_CSV_Blocs_De_Competences_…</code>), réduits aux titres
              professionnels (Abrege_Libelle « TP ») pour rester sous 2 Mo chacun. Un titre inchangé n’est pas enregistré à nouveau ; si une ligne est à corriger, aucun titre n’est
              enregistré.
            </p>
            ${form(
              state,
              '/titres/import',
              'Importer les titres',
              html`${input(state, 'fiches', 'Fichier des fiches (CSV)', { type: 'file', accept: '.csv,text/csv', required: true })}
              ${input(state, 'blocs', 'Fichier des blocs de compétences (CSV)', { type: 'file', accept: '.csv,text/csv', required: true })}`,
              { multipart: true },
            )}`
    }`;
};
