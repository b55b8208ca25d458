import { replaySealsDraw } from '../../application/queries.js';
import { isAppError } from '../../errors.js';
import { frenchDate } from '../format.js';
import { html, type Html } from '../html.js';
import { candidateNames, type PageContext } from './kit.js';

/**
 * The seal-check draw replayed before the reader's eyes: the recorded seed and present candidates
 * go through the same function again (shared/domain/draw.ts) and the page says whether the same
 * candidate comes out. The ids stay in small print, for whoever checks by hand.
 */
export const drawReplayPage = async (context: PageContext): Promise<Html> => {
  const view = context.session;
  if (!view) return html``;
  let replay;
  try {
    replay = await replaySealsDraw(context.deps, view.sessionId);
  } catch (error) {
    if (isAppError(error) && error.code === 'draw.not-yet') return html`<p>${error.message}</p>`;
    throw error;
  }
  const names = await candidateNames(context, replay.presentCandidateIds);
  const person = (id: string) => html`${names.get(id) ?? id}${names.get(id) && names.get(id) !== id ? html` <span class="hint id">${id}</span>` : ''}`;
  return html`<p>
      Tirage au sort du ${frenchDate(replay.checkedOn)}, parmi les ${replay.presentCandidateIds.length} candidats présents, rejoué à l’instant à partir de ce que l’historique a
      enregistré.
    </p>
    ${
      replay.same
        ? html`<div class="notice" role="status" id="rejeu">
            <p><strong>Même candidat : le tirage rejoué désigne ${person(replay.replayedCandidateId)}, comme le tirage enregistré.</strong></p>
          </div>`
        : html`<div class="error-summary" role="alert" id="rejeu">
            <p>
              <strong>Le tirage rejoué ne donne pas le candidat enregistré</strong> : ${person(replay.replayedCandidateId)} au lieu de ${person(replay.recordedCandidateId)}.
              Signalez-le à la direction régionale.
            </p>
          </div>`
    }
    <dl>
      <dt>Graine enregistrée</dt>
      <dd><code class="id">${replay.seed}</code></dd>
      <dt>Candidat tiré (enregistré)</dt>
      <dd>${person(replay.recordedCandidateId)}</dd>
      <dt>Candidat tiré (rejoué)</dt>
      <dd>${person(replay.replayedCandidateId)}</dd>
      <dt>Candidats présents</dt>
      <dd>
        <ul>
          ${replay.presentCandidateIds.map((id) => html`<li>${person(id)}</li>`)}
        </ul>
      </dd>
    </dl>
    <h2>Méthode</h2>
    <p>${replay.method}</p>`;
};
