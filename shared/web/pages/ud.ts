import { listCentresBehind, listJurors, listPvToInstruct, listSessions } from '../../application/queries.js';
import { addDays } from '../../domain/calendar.js';
import { AppError } from '../../errors.js';
import { schemas } from '../../http/schemas.js';
import { parseInput } from '../../http/validation.js';
import { professionalisationValidAfter } from '../../domain/juror.js';
import type { Titre } from '../../domain/titres.js';
import type { CentreBehind, JurorView, SessionView } from '../../views/index.js';
import { ceresLabel, centreWithId, countOf, frenchDate, sanctionLabels } from '../format.js';
import { errorSummary, form, input, select, textarea, type FormState } from '../forms.js';
import { html, type Html } from '../html.js';
import { breachBadges, candidateNames, deadlineBadge, jurorNames, nextDeadline, statusBadge, titreLabel, today, type PageContext } from './kit.js';
import { pvDocumentPath, sessionPage } from './centre.js';

/*
 * The UD agent's pages: PVs to instruct (validate, or reject with a reason), juror habilitations,
 * fraud sanctions, centres behind on a deadline.
 */

/** Monday of the Paris week holding `day`, and the Monday after (calendar dates). */
const weekOf = (day: string): { monday: string; nextMonday: string } => {
  const weekday = (new Date(`${day}T12:00:00Z`).getUTCDay() + 6) % 7;
  const monday = addDays(day, -weekday);
  return { monday, nextMonday: addDays(monday, 7) };
};

/** How far ahead the dashboard looks for habilitations coming to an end. */
const HABILITATION_HORIZON_DAYS = 90;

/**
 * The steps past their deadline in the department's sessions, as the dashboard and « Centres en
 * retard » both list them (one query, so the two lists agree): the 100 sessions starting latest,
 * a cancelled session's deadlines left out.
 */
const overdueSteps = async (context: PageContext, todayDate: string) => {
  const sessions = await listSessions(context.deps, context.principal, { limit: 100 });
  return sessions.items
    .filter((view) => view.status !== 'cancelled')
    .flatMap((view) => view.openDeadlines.filter((d) => d.dueOn < todayDate).map((deadline) => ({ view, deadline })))
    .sort((a, b) => a.deadline.dueOn.localeCompare(b.deadline.dueOn));
};

/**
 * A centre of the department without its programme of the year, or late with it. Before the
 * deadline (31 January, leaflet) a centre that has not sent it yet is not late.
 */
const programmeState = (centre: CentreBehind, todayDate: string): Html => {
  const deadline = `${centre.year}-01-31`;
  if (centre.reason === 'programme-late') return html`<span class="badge soon">Programmation ${centre.year} transmise en retard</span>`;
  return todayDate <= deadline
    ? html`<span class="badge info">Programmation ${centre.year} pas encore transmise (date limite : ${frenchDate(deadline)})</span>`
    : html`<span class="badge late">Aucune programmation ${centre.year}</span>`;
};

const sessionCell = (context: PageContext, view: SessionView): Html =>
  html`<a href="/ud/sessions/${view.sessionId}">${titreLabel(context, view.titreCode)}</a><br /><span class="hint"
      >${ceresLabel(view.ceresReference)}, du ${frenchDate(view.startDate)} au ${frenchDate(view.endDate)}</span
    >`;

/**
 * The UD's landing page, a dashboard of its department: this week's sessions, the PVs to instruct,
 * the centres and steps behind, the habilitations ending within 90 days. Every list is read through
 * a key or an index of the views (no Scan): the department's sessions by start date, the PVs to
 * instruct, the department's jurors, the centres' programme markers.
 */
export const udDashboard = async (context: PageContext): Promise<Html> => {
  const department = context.principal.actor.scope.department ?? '';
  const todayDate = today(context);
  const { monday, nextMonday } = weekOf(todayDate);
  const year = Number(todayDate.slice(0, 4));
  const [toInstruct, recent, behind, jurors, overdue] = await Promise.all([
    listPvToInstruct(context.deps, context.principal, { limit: 100 }),
    // Sessions last a few days: the 100 latest to start before next Monday hold every one of this week.
    listSessions(context.deps, context.principal, { startsBefore: nextMonday, limit: 100 }),
    listCentresBehind(context.deps, context.principal, year),
    listJurors(context.deps, department),
    // A session starting after this week may be late already (its jurors' convocations): not only this week's.
    overdueSteps(context, todayDate),
  ]);
  const thisWeek = recent.items.filter((view) => view.endDate >= monday && view.status !== 'cancelled').sort((a, b) => a.startDate.localeCompare(b.startDate));
  const horizon = addDays(todayDate, HABILITATION_HORIZON_DAYS);
  const ending = jurors
    .flatMap((juror) => juror.habilitations.filter((h) => !h.withdrawn && h.validUntil >= todayDate && h.validUntil <= horizon).map((h) => ({ juror, h })))
    .sort((a, b) => a.h.validUntil.localeCompare(b.h.validUntil));
  const names = await jurorNames(context, [...new Set(ending.map(({ juror }) => juror.jurorId))]);
  return html`<p>Département ${department}, semaine du ${frenchDate(monday)} au ${frenchDate(addDays(nextMonday, -1))}.</p>
    <h2 id="semaine">Sessions de la semaine (${thisWeek.length})</h2>
    ${
      thisWeek.length === 0
        ? html`<p>Aucune session cette semaine.</p>`
        : html`<table>
            <caption>
              Sessions de la semaine
            </caption>
            <thead>
              <tr>
                <th scope="col">Session</th>
                <th scope="col">Centre</th>
                <th scope="col">Jury</th>
                <th scope="col">État</th>
              </tr>
            </thead>
            <tbody>
              ${thisWeek.map(
                (view) =>
                  html`<tr>
                    <td>${sessionCell(context, view)}</td>
                    <td>${centreWithId(view)}</td>
                    <td>${view.jury.length} membre${view.jury.length > 1 ? 's' : ''}${view.jury.length < 2 ? html` <span class="badge late">Jury incomplet</span>` : ''}</td>
                    <td>${statusBadge(view.status)}</td>
                  </tr>`,
              )}
            </tbody>
          </table>`
    }
    <h2 id="pv">PV à instruire (${toInstruct.items.length})</h2>
    <p>Les résultats ne deviennent officiels qu’après votre validation. Du plus ancien au plus récent.</p>
    ${
      toInstruct.items.length === 0
        ? html`<p>Aucun procès-verbal en attente d’instruction.</p>`
        : html`<table>
            <caption>
              PV en attente d’instruction
            </caption>
            <thead>
              <tr>
                <th scope="col">Session</th>
                <th scope="col">Centre</th>
                <th scope="col">Transmis le</th>
                <th scope="col">Échéance</th>
              </tr>
            </thead>
            <tbody>
              ${toInstruct.items.map((view) => {
                const next = nextDeadline(view);
                return html`<tr>
                  <td>${sessionCell(context, view)}</td>
                  <td>${centreWithId(view)}</td>
                  <td>${frenchDate(view.pv?.transmittedOn)}</td>
                  <td>${next ? html`${next.label} ${deadlineBadge(todayDate, next.dueOn)}` : '—'}</td>
                </tr>`;
              })}
            </tbody>
          </table>`
    }
    <h2 id="retards">Retards</h2>
    ${
      behind.length === 0
        ? html`<p>Tous les centres connus ont transmis leur programmation ${year} à temps.</p>`
        : html`<ul>
            ${behind.map((centre) => html`<li>${centreWithId(centre, 'inline')} : ${programmeState(centre, todayDate)}</li>`)}
          </ul>`
    }
    ${
      overdue.length === 0
        ? html`<p>Aucune étape en retard dans les sessions du département.</p>`
        : html`<table>
            <caption>
              Étapes en retard
            </caption>
            <thead>
              <tr>
                <th scope="col">Session</th>
                <th scope="col">Centre</th>
                <th scope="col">Étape</th>
                <th scope="col">Retard</th>
              </tr>
            </thead>
            <tbody>
              ${overdue.map(
                ({ view, deadline }) =>
                  html`<tr>
                    <td>${sessionCell(context, view)}</td>
                    <td>${centreWithId(view)}</td>
                    <td>${deadline.label}, au plus tard le ${frenchDate(deadline.dueOn)}</td>
                    <td>${deadlineBadge(todayDate, deadline.dueOn)}</td>
                  </tr>`,
              )}
            </tbody>
          </table>`
    }
    <p><a href="/ud/retards">Tous les centres et les étapes en retard</a></p>
    <h2 id="habilitations">Habilitations prenant fin d’ici ${HABILITATION_HORIZON_DAYS} jours (${ending.length})</h2>
    ${
      ending.length === 0
        ? html`<p>Aucune habilitation ne prend fin d’ici le ${frenchDate(horizon)}.</p>`
        : html`<table>
            <caption>
              Habilitations prenant fin
            </caption>
            <thead>
              <tr>
                <th scope="col">Membre du jury</th>
                <th scope="col">Titre</th>
                <th scope="col">Fin</th>
              </tr>
            </thead>
            <tbody>
              ${ending.map(
                ({ juror, h }) =>
                  html`<tr>
                    <td>${names.get(juror.jurorId) ?? juror.jurorId}</td>
                    <td>${titreLabel(context, h.titreCode)}</td>
                    <td>le ${frenchDate(h.validUntil)} ${deadlineBadge(todayDate, h.validUntil)}</td>
                  </tr>`,
              )}
            </tbody>
          </table>`
    }
    <p><a href="/ud/jures">Membres de jury et habilitations</a></p>`;
};

const SESSIONS_PAGE_SIZE = 50;

/** Every session of the department, newest start first, a page at a time: the dashboard lists this week's only. */
export const udSessionsPage = async (context: PageContext): Promise<Html> => {
  const department = context.principal.actor.scope.department ?? '';
  // The query string is input like any other: the API's schema checks it, in French.
  const { cursor } = parseInput(schemas.listSessions, context.query.suite ? { cursor: context.query.suite } : {});
  const page = await listSessions(context.deps, context.principal, { limit: SESSIONS_PAGE_SIZE, ...(cursor ? { cursor } : {}) });
  const todayDate = today(context);
  return html`<p>Les sessions d’examen des centres agréés du département ${department}, de la plus récente à la plus ancienne par date de début.</p>
    ${
      page.items.length === 0
        ? html`<p>Aucune session enregistrée dans le département.</p>`
        : html`<table>
            <caption>
              Sessions du département ${department}
            </caption>
            <thead>
              <tr>
                <th scope="col">Session</th>
                <th scope="col">Centre</th>
                <th scope="col">État</th>
                <th scope="col">Prochaine échéance</th>
              </tr>
            </thead>
            <tbody>
              ${page.items.map((view) => {
                const next = view.status === 'cancelled' ? undefined : nextDeadline(view);
                return html`<tr>
                  <td>${sessionCell(context, view)}</td>
                  <td>${centreWithId(view)}</td>
                  <td>${statusBadge(view.status)}</td>
                  <td>${next ? html`${next.label}, au plus tard le ${frenchDate(next.dueOn)} ${deadlineBadge(todayDate, next.dueOn)}` : 'Aucune'}</td>
                </tr>`;
              })}
            </tbody>
          </table>`
    }
    ${
      page.nextCursor || cursor
        ? html`<nav aria-label="Pages de la liste">
            <p>
              ${cursor ? html`<a href="/ud/sessions-du-departement">Revenir aux plus récentes</a> ` : ''}${page.nextCursor ? html`<a href="/ud/sessions-du-departement?${new URLSearchParams({ suite: page.nextCursor }).toString()}">Sessions suivantes</a>` : ''}
            </p>
          </nav>`
        : ''
    }`;
};

export const udSessionPage = async (context: PageContext, state: FormState): Promise<Html> => {
  const view = context.session;
  if (!view) return html``;
  const names = await candidateNames(context, view.candidateIds);
  const waiting = view.status === 'pv-transmitted';
  // Each form shows what was sent to it, and its errors; the others come back empty.
  const stateOf = (step: 'validation' | 'rejet' | 'sanction'): FormState =>
    context.postedTo === `/ud/sessions/{sessionId}/${step}` ? state : { ...state, values: {}, errors: [] };
  const sanction = stateOf('sanction');
  // The candidates a report awaits a sanction for (every candidate, for a view saved before it listed the reports).
  const sanctionable = view.frauds ? [...new Set(view.frauds.filter((fraud) => !fraud.sanction).map((fraud) => fraud.candidateId))] : view.candidateIds;
  // A form the page no longer holds (the PV validated by another agent meanwhile) still says why nothing was recorded.
  const shown: Record<string, boolean> = { validation: waiting, rejet: waiting, sanction: view.fraudReportCount > 0 && sanctionable.length > 0 };
  const posted = context.postedTo?.split('/').pop() ?? '';
  const orphan = Object.hasOwn(shown, posted) && !shown[posted] ? errorSummary(state) : '';
  const breaches = breachBadges(view);
  const signatories = await jurorNames(context, view.pv?.signatoryIds ?? []);
  return html`${orphan}${await sessionPage(context)}
  ${
    breaches.length > 0
      ? html`<h2>Manquements</h2>
          <ul>
            ${breaches.map((badge) => html`<li>${badge}</li>`)}
          </ul>`
      : ''
  }
  ${
    waiting
      ? html`<h2>Instruction du procès-verbal</h2>
          ${
            view.pv
              ? html`<dl class="facts">
                  <dt>Procès-verbal</dt>
                  <dd>
                    Signé le ${frenchDate(view.pv.signedOn)} par ${view.pv.signatoryIds.map((id) => signatories.get(id) ?? id).join(', ')}
                    (${view.jury.every((member) => view.pv?.signatoryIds.includes(member.jurorId)) ? 'tous les membres du jury' : `${view.pv.signatoryIds.length} membres du jury sur ${view.jury.length}`})
                  </dd>
                  <dt>CERES</dt>
                  <dd>
                    ${view.pv.resultsRecordedInCeresOn ? `Résultats saisis dans CERES le ${frenchDate(view.pv.resultsRecordedInCeresOn)}` : 'Résultats pas encore saisis dans CERES'}
                  </dd>
                  <dt>Transmission</dt>
                  <dd>Transmis le ${frenchDate(view.pv.transmittedOn)}</dd>
                </dl>`
              : ''
          }
          ${
            view.pv?.document
              ? html`<p>
                  Lisez le procès-verbal signé avant de l’instruire : <a href="${pvDocumentPath(view.sessionId, view.pv.revision)}">Télécharger le procès-verbal signé (PDF)</a>.
                </p>`
              : ''
          }
          ${form(stateOf('validation'), `/ud/sessions/${view.sessionId}/validation`, 'Valider le procès-verbal', html`<p>En validant, vous rendez officiels les résultats de la session.</p>`)}
          <h3>Rejeter le procès-verbal</h3>
          ${form(stateOf('rejet'), `/ud/sessions/${view.sessionId}/rejet`, 'Rejeter le procès-verbal', textarea(stateOf('rejet'), 'reason', 'Motif du rejet', { required: true, hint: 'Le centre reçoit ce motif et fait signer un PV corrigé.' }))}`
      : ''
  }
  ${
    view.fraudReportCount > 0
      ? html`<h2>Sanction pour fraude</h2>
          <p>
            ${countOf(view.fraudReportCount, 'signalement de fraude', 'signalements de fraude')},
            ${view.sanctionCount === 0 ? 'aucune sanction notifiée' : countOf(view.sanctionCount, 'sanction notifiée', 'sanctions notifiées')}. Les faits signalés se lisent dans
            l’<a href="/sessions/${view.sessionId}/historique">historique de la session</a>.
          </p>
          ${
            view.frauds && view.frauds.length > 0
              ? html`<table>
                  <caption>
                    Signalements de fraude
                  </caption>
                  <thead>
                    <tr>
                      <th scope="col">Candidat</th>
                      <th scope="col">Signalé le</th>
                      <th scope="col">Par</th>
                      <th scope="col">Sanction</th>
                    </tr>
                  </thead>
                  <tbody>
                    ${view.frauds.map(
                      (fraud) =>
                        html`<tr>
                          <td>${names.get(fraud.candidateId) ?? fraud.candidateId}</td>
                          <td>${frenchDate(fraud.reportedOn)}</td>
                          <td>${fraud.reportedBy === 'jury' ? 'Jury' : 'Responsable de session'}</td>
                          <td>
                            ${
                              fraud.sanction
                                ? `${sanctionLabels[fraud.sanction.sanction] ?? fraud.sanction.sanction}${fraud.sanction.banMonths ? ` de ${fraud.sanction.banMonths} mois` : ''} (sanction notifiée le ${frenchDate(fraud.sanction.notifiedOn)})`
                                : html`<span class="badge soon">À notifier</span>`
                            }
                          </td>
                        </tr>`,
                    )}
                  </tbody>
                </table>`
              : ''
          }
          ${
            sanctionable.length === 0
              ? html`<p>Chaque signalement a sa sanction notifiée.</p>`
              : form(
                  sanction,
                  `/ud/sessions/${view.sessionId}/sanction`,
                  'Notifier la sanction',
                  html`${select(
                    sanction,
                    'candidateId',
                    'Candidat',
                    sanctionable.map((id) => ({ value: id, label: names.get(id) ?? id })),
                    { required: true },
                  )}
                  ${select(
                    sanction,
                    'sanction',
                    'Sanction',
                    Object.entries(sanctionLabels).map(([value, label]) => ({ value, label })),
                    { required: true },
                  )}
                  ${input(sanction, 'banMonths', 'Durée de l’interdiction (mois, pour une interdiction)', { type: 'number', min: 1, max: 60 })}
                  ${input(sanction, 'pronouncedOn', 'Prononcée le', { type: 'date', required: true, hint: 'jj/mm/aaaa' })}`,
                )
          }`
      : ''
  }`;
};

/**
 * What each titre's last revision implies for the professionalisation, shown before the agent
 * submits (the same rule as the refusal: professionalisationValidAfter).
 */
const titreRevisions = (titres: readonly Titre[], years: number): Html =>
  html`<table>
    <caption>
      Titres, dernière révision et professionnalisation exigée
    </caption>
    <thead>
      <tr>
        <th scope="col">Titre</th>
        <th scope="col">Dernière révision</th>
        <th scope="col">Session de professionnalisation valable si suivie</th>
        <th scope="col">Titre enregistré jusqu’au</th>
      </tr>
    </thead>
    <tbody>
      ${titres.map((titre) => {
        const after = professionalisationValidAfter(titre, { professionalisationValidityYears: years });
        return html`<tr>
          <th scope="row">${titre.label} (${titre.code})</th>
          <td>${titre.revisedOn ? frenchDate(titre.revisedOn) : 'Aucune'}</td>
          <td>${after ? html`après le ${frenchDate(after)} (moins de ${years} ans avant la révision, ou depuis)` : 'à toute date (titre jamais révisé)'}</td>
          <td>${frenchDate(titre.validUntil)}</td>
        </tr>`;
      })}
    </tbody>
  </table>`;

export const jurorsPage = async (context: PageContext, state: FormState): Promise<Html> => {
  const department = context.principal.actor.scope.department ?? '';
  const todayDate = today(context);
  const listed = await listJurors(context.deps, department);
  const names = await jurorNames(
    context,
    listed.map((juror) => juror.jurorId),
  );
  // By last name, as jurorNames orders them: a UD with many members finds one at a glance.
  const rank = new Map([...names.keys()].map((id, index) => [id, index]));
  const jurors = [...listed].sort((a, b) => (rank.get(a.jurorId) ?? 0) - (rank.get(b.jurorId) ?? 0));
  const titres = Object.values(context.deps.titres).map((titre) => ({ value: titre.code, label: `${titre.label} (${titre.code})` }));
  // A withdrawal posted (its path names the habilitation) comes back in its own row: the habilitation form stays as it was.
  const withdrawing = context.params.habilitationId;
  const habilitating = withdrawing === undefined ? state : { ...state, values: {}, errors: [] };
  const values = Object.keys(habilitating.values).length > 0 ? habilitating.values : { department };
  const filled = { ...habilitating, values };
  // Withdrawn or ended meanwhile, the row no longer holds its form: the errors stand at the top of the page.
  const withdrawable = (h: JurorView['habilitations'][number]) => !h.withdrawn && h.validUntil >= todayDate;
  const orphan =
    withdrawing !== undefined && !jurors.some((juror) => juror.habilitations.some((h) => h.habilitationId === withdrawing && withdrawable(h))) ? errorSummary(state) : '';
  const withdrawal = (habilitationId: string): FormState =>
    habilitationId === withdrawing ? { ...state, idPrefix: habilitationId } : { ...state, errors: [], values: {}, idPrefix: habilitationId };
  return html`${orphan}
    <h2>Membres de jury du département ${department}</h2>
    ${
      jurors.length === 0
        ? html`<p>Aucun membre de jury habilité.</p>`
        : html`<table>
            <caption>
              Habilitations
            </caption>
            <thead>
              <tr>
                <th scope="col">Membre</th>
                <th scope="col">Titre</th>
                <th scope="col">Validité</th>
                <th scope="col">État</th>
              </tr>
            </thead>
            <tbody>
              ${jurors.flatMap((juror) =>
                juror.habilitations.map(
                  (h) =>
                    html`<tr>
                      <td>${names.get(juror.jurorId) ?? juror.jurorId}</td>
                      <td>${titreLabel(context, h.titreCode)}</td>
                      <td>du ${frenchDate(h.validFrom)} au ${frenchDate(h.validUntil)}</td>
                      <td>
                        ${
                          h.withdrawn
                            ? html`<span class="badge late">Retirée le ${frenchDate(h.withdrawn.withdrawnOn)}</span>`
                            : h.validUntil < todayDate
                              ? html`<span class="badge late">Expirée le ${frenchDate(h.validUntil)}</span>`
                              : html`${h.validFrom > todayDate ? html`<span class="badge info">À partir du ${frenchDate(h.validFrom)}</span>` : html`<span class="badge ok">En cours</span>`}
                                  <details ${h.habilitationId === withdrawing ? html` open` : ''}>
                                    <summary aria-label="Retirer l’habilitation de ${names.get(juror.jurorId) ?? juror.jurorId} (${titreLabel(context, h.titreCode)})">
                                      Retirer
                                    </summary>
                                    ${form(withdrawal(h.habilitationId), `/ud/jures/${juror.jurorId}/habilitations/${h.habilitationId}/retrait`, 'Retirer l’habilitation', textarea(withdrawal(h.habilitationId), 'reason', `Motif du retrait de l’habilitation de ${names.get(juror.jurorId) ?? juror.jurorId}`, { required: true }))}
                                  </details>`
                        }
                      </td>
                    </tr>`,
                ),
              )}
            </tbody>
          </table>`
    }
    <h2>Habiliter un membre de jury</h2>
    <p>Le membre doit avoir suivi une session de professionnalisation ; l’habilitation vaut pour un titre et ne peut dépasser la validité du titre.</p>
    ${titreRevisions(Object.values(context.deps.titres), context.deps.settings.professionalisationValidityYears)}
    ${form(
      filled,
      '/ud/jures',
      'Habiliter',
      html`${select(
          filled,
          'jurorId',
          'Membre déjà connu (ou laissez vide pour un nouveau membre)',
          jurors.map((juror) => ({ value: juror.jurorId, label: names.get(juror.jurorId) ?? juror.jurorId })),
        )}
        <div class="row">
          ${input(filled, 'lastName', 'Nom (nouveau membre)')}${input(filled, 'firstName', 'Prénom (nouveau membre)')}${input(filled, 'email', 'Courriel (nouveau membre)', { type: 'email' })}
        </div>
        ${select(filled, 'titreCode', 'Titre professionnel', titres, { required: true })}
        <p>
          Département du membre : ${department} <span class="hint">(un membre qui réside dans un autre département est habilité par l’unité départementale de ce département)</span
          ><input type="hidden" name="department" value="${department}" />
        </p>
        <div class="row">
          ${input(filled, 'validFrom', 'Habilité du', { type: 'date', required: true, hint: 'jj/mm/aaaa' })}${input(filled, 'validUntil', 'au', { type: 'date', required: true, hint: 'jj/mm/aaaa' })}${input(filled, 'professionalisationDate', 'Session de professionnalisation suivie le', { type: 'date', required: true, hint: 'jj/mm/aaaa' })}
        </div>`,
    )}`;
};

export const centresBehindPage = async (context: PageContext): Promise<Html> => {
  const todayDate = today(context);
  const asked = context.query.annee || undefined;
  if (asked !== undefined && !/^20\d{2}$/.test(asked)) {
    throw new AppError('query.invalid', 'validation', 'L’année demandée est invalide : quatre chiffres attendus, par exemple 2027.', [
      { field: 'annee', message: 'Année invalide.' },
    ]);
  }
  const year = Number(asked ?? todayDate.slice(0, 4));
  const behind = await listCentresBehind(context.deps, context.principal, year);
  const overdue = await overdueSteps(context, todayDate);
  return html`<h2>Programmation ${year}</h2>
    <nav aria-label="Autres années">
      <p><a href="/ud/retards?annee=${year - 1}">Programmation ${year - 1}</a> · <a href="/ud/retards?annee=${year + 1}">Programmation ${year + 1}</a></p>
    </nav>
    ${
      behind.length === 0
        ? html`<p>Tous les centres connus ont transmis leur programmation à temps.</p>`
        : html`<ul>
            ${behind.map((centre) => html`<li>${centreWithId(centre, 'inline')} : ${programmeState(centre, todayDate)}</li>`)}
          </ul>`
    }
    <h2>Sessions avec une échéance dépassée</h2>
    ${
      overdue.length === 0
        ? html`<p>Aucune échéance dépassée.</p>`
        : html`<table>
            <caption>
              Échéances dépassées
            </caption>
            <thead>
              <tr>
                <th scope="col">Centre</th>
                <th scope="col">Session</th>
                <th scope="col">Échéance</th>
                <th scope="col">Retard</th>
              </tr>
            </thead>
            <tbody>
              ${overdue.map(
                ({ view, deadline }) =>
                  html`<tr>
                    <td>${centreWithId(view)}</td>
                    <td>${sessionCell(context, view)} ${statusBadge(view.status)}</td>
                    <td>${deadline.label} — ${frenchDate(deadline.dueOn)}</td>
                    <td>${deadlineBadge(todayDate, deadline.dueOn)}</td>
                  </tr>`,
              )}
            </tbody>
          </table>`
    }`;
};
