import { candidateNamesIn, getJuror, listJurorSessions } from '../../application/queries.js';
import { habilitationValidOn, type Habilitation } from '../../domain/juror.js';
import type { HabilitationView, JurorSessionView, Page, SessionView } from '../../views/index.js';
import { ceresLabel, frenchDate } from '../format.js';
import { centreLabel } from '../../views/model.js';
import { form, select, textarea, type FormState } from '../forms.js';
import { html, type Html } from '../html.js';
import { statusBadge, titreLabel, today, type PageContext } from './kit.js';

/*
 * The juror's page, « Mes convocations »: the sessions they are called to (upcoming first, then
 * past ones), whether the convocation reached them, and their habilitations with a warning when
 * one does not cover a session they sit on. Only the juror's own data: the list is read by the
 * jurorId of the token, and its items hold no candidate and no other juror.
 */

const PAGE_SIZE = 20;

const asHabilitation = (h: HabilitationView): Habilitation => ({
  habilitationId: h.habilitationId,
  titreCode: h.titreCode,
  department: h.department,
  validFrom: h.validFrom,
  validUntil: h.validUntil,
  professionalisationDate: h.professionalisationDate,
  ...(h.withdrawn ? { withdrawnOn: h.withdrawn.withdrawnOn } : {}),
});

/**
 * Whether some habilitation of the juror covers the whole session: same titre, same department,
 * valid (and not withdrawn) on its first and last day. The domain's rule, as the reminders use it.
 */
const covered = (habilitations: readonly HabilitationView[], session: JurorSessionView): boolean =>
  habilitations.some(
    (h) =>
      h.titreCode === session.titreCode &&
      h.department === session.department &&
      habilitationValidOn(asHabilitation(h), session.startDate) &&
      habilitationValidOn(asHabilitation(h), session.endDate),
  );

/** Why a habilitation falls short of a session, in words (the badge's colour is never the only signal). */
const shortfall = (h: HabilitationView, session: JurorSessionView): string => {
  const when = `la session du ${frenchDate(session.startDate)}`;
  if (h.withdrawn) return `Retirée avant ${when}`;
  if (h.validUntil < session.startDate) return `Expire le ${frenchDate(h.validUntil)}, avant ${when}`;
  if (h.validUntil < session.endDate) return `Expire le ${frenchDate(h.validUntil)}, avant la fin de ${when}`;
  return `Ne couvre pas ${when}`;
};

/** What the juror must still act on: assigned to it, not cancelled, not over. */
const live = (session: JurorSessionView, todayDate: string) => session.assigned && !session.cancelledOn && session.endDate >= todayDate;

const dates = (session: JurorSessionView) =>
  session.startDate === session.endDate ? html`le ${frenchDate(session.startDate)}` : html`du ${frenchDate(session.startDate)} au ${frenchDate(session.endDate)}`;

/** The juror's part: convoked or not, left the jury, or the session cancelled; always in words. */
const partBadge = (session: JurorSessionView): Html => {
  if (session.cancelledOn) return html`<span class="badge late">Session annulée le ${frenchDate(session.cancelledOn)}</span>`;
  if (!session.assigned) return html`<span class="badge info">Retiré·e du jury le ${frenchDate(session.unassignedOn)}</span>`;
  return session.convokedOn
    ? html`<span class="badge ok">Convocation envoyée le ${frenchDate(session.convokedOn)}</span>`
    : html`<span class="badge soon">Convocation pas encore envoyée</span>`;
};

const sessionsTable = (context: PageContext, caption: string, sessions: readonly JurorSessionView[], warn: (session: JurorSessionView) => Html | ''): Html =>
  html`<table>
    <caption>
      ${caption}
    </caption>
    <thead>
      <tr>
        <th scope="col">Dates</th>
        <th scope="col">Titre professionnel</th>
        <th scope="col">Centre</th>
        <th scope="col">Lieu</th>
        <th scope="col">Convocation</th>
      </tr>
    </thead>
    <tbody>
      ${sessions.map(
        (session) =>
          html`<tr>
            <th scope="row">${session.assigned && !session.cancelledOn ? html`<a href="/jure/sessions/${session.sessionId}">${dates(session)}</a>` : dates(session)}</th>
            <td>${titreLabel(context, session.titreCode)}<br /><span class="hint">Session ${ceresLabel(session.ceresReference)}</span></td>
            <td>${centreLabel(session)}<br /><span class="hint">Département ${session.department}</span></td>
            <td>${session.site || 'Non précisé'}</td>
            <td>${partBadge(session)}${session.status !== 'created' && session.status !== 'cancelled' ? html` ${statusBadge(session.status)}` : ''}${warn(session)}</td>
          </tr>`,
      )}
    </tbody>
  </table>`;

const moreLink = (parameter: string, page: Page<unknown>, label: string): Html | '' =>
  page.nextCursor ? html`<p><a href="/jure?${parameter}=${encodeURIComponent(page.nextCursor)}">${label}</a></p>` : '';

export const jurorPage = async (context: PageContext): Promise<Html> => {
  const todayDate = today(context);
  const [upcoming, past, juror] = await Promise.all([
    listJurorSessions(context.deps, context.principal, { when: 'upcoming', limit: PAGE_SIZE, cursor: context.query.suivantes }),
    listJurorSessions(context.deps, context.principal, { when: 'past', limit: PAGE_SIZE, cursor: context.query.anciennes }),
    getJuror(context.deps, context.principal.actor.scope.jurorId ?? ''),
  ]);
  const habilitations = juror?.habilitations ?? [];
  const uncovered = upcoming.items.filter((session) => live(session, todayDate) && !covered(habilitations, session));
  const related = (h: HabilitationView, session: JurorSessionView) =>
    session.habilitationId === h.habilitationId || (session.titreCode === h.titreCode && session.department === h.department);
  /** The habilitations a session relied on when the juror was designated, and which now fall short of it. */
  const shortOf = (h: HabilitationView) => uncovered.filter((session) => related(h, session));
  /**
   * A session the UD's withdrawal keeps the juror from: every habilitation it could rely on was
   * withdrawn. There is nothing to renew then: the juror cannot sit, and the centre must replace them.
   */
  const withdrawnFrom = (session: JurorSessionView) => {
    const own = habilitations.filter((h) => related(h, session));
    return own.length > 0 && own.every((h) => h.withdrawn);
  };
  const barred = uncovered.filter(withdrawnFrom);
  const toRenew = uncovered.filter((session) => !withdrawnFrom(session));

  return html`<p>
      Les sessions d’examen pour lesquelles vous êtes désigné·e membre du jury. Un membre salarié demande son autorisation d’absence à son employeur au moins 15 jours avant la
      session.
    </p>
    ${
      uncovered.length > 0
        ? html`<div class="warning" role="note">
            ${
              toRenew.length > 0
                ? html`<p>
                    <strong>Attention :</strong> votre habilitation ne couvre pas ${toRenew.length === 1 ? 'une session à laquelle' : `${toRenew.length} sessions auxquelles`} vous
                    êtes désigné·e. Demandez son renouvellement à l’unité départementale avant la session.
                  </p>`
                : ''
            }
            ${
              barred.length > 0
                ? html`<p>
                    <strong>Attention :</strong> l’unité départementale a retiré votre habilitation : vous ne pouvez pas siéger
                    ${barred.length === 1 ? 'à une session à laquelle' : `à ${barred.length} sessions auxquelles`} vous êtes désigné·e. Le centre doit vous retirer du jury ; pour
                    toute question, adressez-vous à l’unité départementale.
                  </p>`
                : ''
            }
          </div>`
        : ''
    }
    <h2>Sessions à venir</h2>
    ${
      upcoming.items.length === 0
        ? html`<p>
            Aucune session à venir. Le centre agréé qui organise une session vous désigne membre de son jury : elle apparaît alors ici, et votre convocation vous parvient par
            courriel.
          </p>`
        : sessionsTable(context, 'Sessions à venir, de la plus proche à la plus lointaine', upcoming.items, (session) =>
            barred.includes(session)
              ? html`<br /><span class="badge late">Habilitation retirée : vous ne pouvez pas siéger</span>`
              : toRenew.includes(session)
                ? html`<br /><span class="badge late">Habilitation à renouveler avant le ${frenchDate(session.startDate)}</span>`
                : '',
          )
    }
    ${moreLink('suivantes', upcoming, 'Voir les sessions suivantes')}
    <h2>Sessions passées</h2>
    ${past.items.length === 0 ? html`<p>Aucune session passée.</p>` : sessionsTable(context, 'Sessions passées, de la plus récente à la plus ancienne', past.items, () => '')}
    ${moreLink('anciennes', past, 'Voir des sessions plus anciennes')}
    <h2>Mes habilitations</h2>
    ${
      habilitations.length === 0
        ? html`<p>
            Aucune habilitation enregistrée. L’unité départementale de votre département vous habilite pour un titre professionnel, après une session de professionnalisation ; un
            centre ne peut vous désigner qu’avec une habilitation en cours.
          </p>`
        : html`<table>
            <caption>
              Habilitations et leur date de fin
            </caption>
            <thead>
              <tr>
                <th scope="col">Titre professionnel</th>
                <th scope="col">Département</th>
                <th scope="col">Valable</th>
                <th scope="col">État</th>
              </tr>
            </thead>
            <tbody>
              ${[...habilitations]
                .sort((a, b) => a.validUntil.localeCompare(b.validUntil))
                .map((h) => {
                  const short = shortOf(h);
                  const state = h.withdrawn
                    ? html`<span class="badge late">Retirée le ${frenchDate(h.withdrawn.withdrawnOn)}</span>`
                    : h.validUntil < todayDate
                      ? html`<span class="badge late">Expirée</span>`
                      : html`<span class="badge ok">En cours</span>`;
                  return html`<tr>
                    <th scope="row">${titreLabel(context, h.titreCode)}</th>
                    <td>${h.department}</td>
                    <td>du ${frenchDate(h.validFrom)} au ${frenchDate(h.validUntil)}</td>
                    <td>${state}${short.map((session) => html`<br /><span class="badge late">${shortfall(h, session)}</span>`)}</td>
                  </tr>`;
                })}
            </tbody>
          </table>`
    }`;
};

/**
 * The session's candidates as a member of its jury reads them: by name (mayReadName: to declare a
 * link they must know who the candidates are), nothing else of their identity; by their number in
 * the centre's order of registration when a name is gone (erased).
 */
const candidatesForJury = async (context: PageContext, view: SessionView) => {
  const names = await candidateNamesIn(context.deps, context.principal, view);
  return view.candidateIds.map((candidateId, index) => {
    const name = names.get(candidateId);
    return { value: candidateId, label: name ? `${name.lastName.toUpperCase()} ${name.firstName}` : `Candidat n° ${index + 1}` };
  });
};

/**
 * One session as a member of its jury sees it, with what the permission table lets them do there:
 * declare their own tie with a candidate (here), report a fraud (`jurorFraudPage`). The juror reads
 * the candidates' names, not their birth dates nor contacts.
 */
export const jurorSessionPage = async (context: PageContext, state: FormState): Promise<Html> => {
  const view = context.session;
  if (!view) return html``;
  const tied = new Set(view.jury.find((member) => member.jurorId === context.principal.actor.scope.jurorId)?.tiedCandidateIds ?? []);
  const candidates = await candidatesForJury(context, view);
  const tiedLabels = candidates
    .filter((candidate) => tied.has(candidate.value))
    .map((candidate) => candidate.label)
    .join(', ');
  return html`<dl class="facts">
      <dt>Dates</dt>
      <dd>${view.startDate === view.endDate ? html`le ${frenchDate(view.startDate)}` : html`du ${frenchDate(view.startDate)} au ${frenchDate(view.endDate)}`}</dd>
      <dt>Titre professionnel</dt>
      <dd>${titreLabel(context, view.titreCode)}</dd>
      <dt>Centre</dt>
      <dd>${centreLabel(view)}</dd>
      <dt>Lieu</dt>
      <dd>${view.site || 'Non précisé'}</dd>
      <dt>Candidats</dt>
      <dd>${view.candidateIds.length}</dd>
    </dl>
    <p>
      ${view.passages ? html`<a href="/jure/sessions/${view.sessionId}/affichage">Ordre de passage des candidats</a> (affiché le ${frenchDate(view.passages.scheduledOn)}) · ` : ''}<a
        href="/jure/sessions/${view.sessionId}/fraude"
        >Signaler une fraude</a
      >
    </p>
    <h2>Déclarer un lien avec un candidat</h2>
    <p>Vous ne devez pas évaluer un candidat avec lequel vous avez ou avez eu un lien personnel ou professionnel : déclarez-le, vous ne l’évaluerez pas.</p>
    ${tiedLabels ? html`<p>Liens déjà déclarés : ${tiedLabels}.</p>` : ''}
    ${form(state, `/jure/sessions/${view.sessionId}/liens`, 'Déclarer le lien', select(state, 'candidateId', 'Candidat', candidates, { required: true }))}`;
};

/** The fraud report of a member of the jury: during the session, until its PV is validated; the UD decides the sanction. */
export const jurorFraudPage = async (context: PageContext, state: FormState): Promise<Html> => {
  const candidates = context.session ? await candidatesForJury(context, context.session) : [];
  return html`<p>Pendant la session, jusqu’à la validation du procès-verbal. Le signalement est mentionné au procès-verbal ; l’unité départementale décide de la sanction.</p>
    ${form(
      state,
      `/jure/sessions/${context.params.sessionId}/fraude`,
      'Signaler la fraude',
      html`${select(state, 'candidateId', 'Candidat', candidates, { required: true })} ${textarea(state, 'facts', 'Description des faits', { required: true })}`,
    )}`;
};
