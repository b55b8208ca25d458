import { getAgrement, getProgramme, listJurors, listSessions } from '../../application/queries.js';
import { parisDate } from '../../domain/calendar.js';
import { habilitatedFor } from '../../domain/session/guards.js';
import { ceresLabel, centreWithId, countOf, decisionLabels, frenchDate } from '../format.js';
import { choices, form, input, select, textarea, type FormState } from '../forms.js';
import { html, type Html } from '../html.js';
import { unscheduledCandidates } from './passages.js';
import { candidateNames, deadlineBadge, deadlinesTable, erasedCandidateLabel, jurorNames, nextDeadline, statusBadge, titreLabel, today, type PageContext } from './kit.js';
import type { SessionView } from '../../views/model.js';
import { quarantineReasons } from '../../vault/quarantineReasons.js';

/*
 * The session manager's pages (centre agréé): dashboard, yearly programme, session creation, the
 * session with every step of DOMAIN.md, and one form per step.
 */

export const dashboard = async (context: PageContext): Promise<Html> => {
  const centreId = context.principal.actor.scope.centreId ?? '';
  const page = await listSessions(context.deps, context.principal, { limit: 50 });
  const todayDate = today(context);
  const year = Number(todayDate.slice(0, 4));
  const programme = await getProgramme(context.deps, centreId, year);
  // The name the signed-in account gives, so the header shows it before any session recorded it.
  return html`<p class="centre">Centre agréé : <strong>${centreWithId({ centreId, centreName: context.principal.centreName }, 'inline')}</strong></p>
    <section aria-labelledby="programme-titre">
      <h2 id="programme-titre">Programmation ${year}</h2>
      ${
        programme?.submission
          ? html`<p>
              Transmise le ${frenchDate(programme.submission.submittedOn)}
              ${programme.submission.onTime ? html`<span class="badge ok">Dans les délais</span>` : html`<span class="badge late">Transmise en retard</span>`} —
              ${countOf(programme.plannedSessions.filter((s) => !s.withdrawn).length, 'session prévue', 'sessions prévues')}.
            </p>`
          : html`<p>Pas encore transmise (date limite : ${frenchDate(`${year}-01-31`)}) ${deadlineBadge(todayDate, `${year}-01-31`)}</p>`
      }
      <p><a href="/centre/programme/${year}">Saisir ou modifier la programmation ${year}</a> · <a href="/centre/programme/${year + 1}">Programmation ${year + 1}</a></p>
    </section>
    <section aria-labelledby="sessions-titre">
      <h2 id="sessions-titre">Sessions</h2>
      <p><a class="button" href="/centre/sessions/nouvelle">Enregistrer une session créée dans CERES</a></p>
      ${
        page.items.length === 0
          ? html`<p>
              Aucune session enregistrée pour le moment. Créez d’abord la session dans CERES, au moins trois mois avant son début, puis enregistrez-la ici avec le bouton «
              Enregistrer une session créée dans CERES » : vous y suivrez son jury, ses convocations et son procès-verbal.
            </p>`
          : html`<table>
              <caption>
                Sessions du centre, de la plus récente à la plus ancienne
              </caption>
              <thead>
                <tr>
                  <th scope="col">Session</th>
                  <th scope="col">Dates</th>
                  <th scope="col">Statut</th>
                  <th scope="col">Prochaine échéance</th>
                </tr>
              </thead>
              <tbody>
                ${page.items.map((view) => {
                  const next = nextDeadline(view);
                  return html`<tr>
                    <td>
                      <a href="/centre/sessions/${view.sessionId}">${titreLabel(context, view.titreCode)}</a><br /><span class="hint"
                        >${ceresLabel(view.ceresReference)} · ${view.site}</span
                      >
                    </td>
                    <td>du ${frenchDate(view.startDate)} au ${frenchDate(view.endDate)}</td>
                    <td>${statusBadge(view.status)}</td>
                    <td>${next ? html`${next.label} — ${frenchDate(next.dueOn)}<br />${deadlineBadge(todayDate, next.dueOn)}` : html`Aucune`}</td>
                  </tr>`;
                })}
              </tbody>
            </table>`
      }
    </section>`;
};

const titreChoices = (context: PageContext) => Object.values(context.deps.titres).map((titre) => ({ value: titre.code, label: `${titre.label} (${titre.code})` }));

const PROGRAMME_ROWS = 5;

export const programmeForm = async (context: PageContext, state: FormState): Promise<Html> => {
  const year = context.params.year ?? '';
  const existing = await getProgramme(context.deps, context.principal.actor.scope.centreId ?? '', Number(year));
  const live = (existing?.plannedSessions ?? []).filter((planned) => !planned.withdrawn);
  const values =
    Object.keys(state.values).length > 0
      ? state.values
      : {
          sessions: live.map((planned) => ({
            plannedSessionId: planned.plannedSessionId,
            titreCode: planned.titreCode,
            expectedStart: planned.expectedStart,
            expectedEnd: planned.expectedEnd,
            expectedCandidates: String(planned.expectedCandidates),
          })),
        };
  const filled = { ...state, values };
  const rows = Math.max(PROGRAMME_ROWS, live.length + 2);
  return html`<p>
      La programmation prévisionnelle est transmise à l’unité départementale et à la direction régionale avant le 31 janvier. Chaque envoi remplace le précédent : une session
      retirée de la liste est retirée du programme. Laissez vides les lignes inutiles.
    </p>
    ${form(
      filled,
      `/centre/programme/${year}`,
      'Transmettre la programmation',
      Array.from(
        { length: rows },
        (_, index) =>
          html`<fieldset class="field" ${index === 0 ? html`id="f-sessions" tabindex="-1"` : ''}>
            <legend>Session prévue n° ${index + 1}</legend>
            <input
              type="hidden"
              name="sessions.${index}.plannedSessionId"
              value="${(values as { sessions?: { plannedSessionId?: string }[] }).sessions?.[index]?.plannedSessionId ?? ''}"
            />
            ${select(filled, `sessions.${index}.titreCode`, 'Titre professionnel', titreChoices(context))}
            <div class="row">
              ${input(filled, `sessions.${index}.expectedStart`, 'Début prévu', { type: 'date', hint: 'jj/mm/aaaa' })}${input(filled, `sessions.${index}.expectedEnd`, 'Fin prévue', { type: 'date', hint: 'jj/mm/aaaa' })}${input(filled, `sessions.${index}.expectedCandidates`, 'Candidats attendus', { type: 'number', min: 1, max: 500 })}
            </div>
          </fieldset>`,
      ),
    )}`;
};

const CANDIDATE_ROWS = 6;
const MAX_CANDIDATE_ROWS = 100;

export const createSessionForm = async (context: PageContext, state: FormState): Promise<Html> => {
  // A form sent back (an error, more rows) shows every row it was sent with: none of what was typed is dropped.
  const sent = Array.isArray(state.values.candidates) ? state.values.candidates.length : 0;
  const rows = Math.min(MAX_CANDIDATE_ROWS, Math.max(Number(context.query.lignes ?? CANDIDATE_ROWS) || CANDIDATE_ROWS, CANDIDATE_ROWS, sent));
  // The agrément says which titres and sites the centre may choose, and until when.
  const agrement = await getAgrement(context.deps, context.principal.actor.scope.centreId ?? '');
  const titres = agrement && !agrement.withdrawn ? titreChoices(context).filter((choice) => agrement.titreCodes.includes(choice.value)) : titreChoices(context);
  const sitesHint = agrement
    ? `Lieux agréés : ${agrement.sites.join(' ; ')}. Vous pouvez préciser une salle après une virgule : « ${agrement.sites[0] ?? ''}, salle 3 ».`
    : undefined;
  return html`<p>
      Enregistrez ici une session que vous avez créée dans CERES, au moins trois mois avant son début. Les noms des candidats sont conservés à part, dans un espace protégé ; les
      événements de la session ne contiennent que des identifiants.
    </p>
    ${
      !agrement
        ? html`<p class="warning" role="status">
            Aucun agrément n’est enregistré pour votre centre : la direction régionale ou l’unité départementale doit l’enregistrer avant que vous puissiez créer une session.
          </p>`
        : agrement.withdrawn
          ? html`<p class="warning" role="status">L’agrément de votre centre a été retiré le ${frenchDate(agrement.withdrawn.withdrawnOn)}.</p>`
          : html`<p>Votre agrément couvre les sessions du ${frenchDate(agrement.validFrom)} au ${frenchDate(agrement.validUntil)}.</p>`
    }
    ${form(
      state,
      '/centre/sessions',
      'Enregistrer la session',
      html`${input(state, 'ceresReference', 'Numéro de session CERES', { required: true })} ${select(state, 'titreCode', 'Titre professionnel', titres, { required: true })}
        <div class="row">
          ${input(state, 'startDate', 'Date de début', { type: 'date', required: true, hint: 'jj/mm/aaaa' })}${input(state, 'endDate', 'Date de fin', { type: 'date', required: true, hint: 'jj/mm/aaaa' })}
        </div>
        ${input(state, 'site', 'Lieu de la session', { required: true, ...(sitesHint ? { hint: sitesHint } : {}) })}
        <h2 id="f-candidates" tabindex="-1">Candidats</h2>
        ${input(state, 'candidatesCsv', 'Importer un fichier CSV (facultatif)', { type: 'file', accept: '.csv,text/csv', hint: 'Une ligne par candidat : nom ; prénom ; date de naissance (jj/mm/aaaa) ; courriel (facultatif). Une première ligne d’en-tête est ignorée.' })}
        <p>Ou saisissez-les ci-dessous (laissez vides les lignes inutiles). Pour plus de ${rows} candidats, « Ajouter 10 lignes » sous le formulaire.</p>
        ${Array.from(
          { length: rows },
          (_, index) =>
            html`<fieldset class="field">
              <legend>Candidat n° ${index + 1}</legend>
              <div class="row">
                ${input(state, `candidates.${index}.lastName`, 'Nom', { autocomplete: 'off' })}${input(state, `candidates.${index}.firstName`, 'Prénom', { autocomplete: 'off' })}${input(state, `candidates.${index}.birthDate`, 'Date de naissance', { type: 'date', hint: 'jj/mm/aaaa' })}${input(state, `candidates.${index}.email`, 'Courriel', { type: 'email' })}
              </div>
            </fieldset>`,
        )}`,
      { multipart: true, id: 'session-form' },
    )}
    ${
      rows < MAX_CANDIDATE_ROWS
        ? html`<p>
            <button type="submit" form="session-form" name="lignes" value="${Math.min(MAX_CANDIDATE_ROWS, rows + 10)}" class="secondary">Ajouter 10 lignes</button>
            <span class="hint">Ce que vous avez saisi est conservé ; un fichier CSV choisi est à choisir à nouveau.</span>
          </p>`
        : ''
    }`;
};

const erasureLink = (base: string, candidateId: string, name: string): Html =>
  html`<a href="${base}/candidats/${candidateId}/effacement" aria-label="Effacer ses données personnelles : ${name}">Effacer ses données personnelles</a>`;

/** What the results column says of the decisions it shows. */
const resultsColumnNote: Readonly<Record<SessionView['results']['status'], string>> = { none: '', provisional: ' (provisoire)', official: ' (officielle)', rejected: ' (rejetée)' };

const stepState = (done: boolean, label: string): Html => (done ? html`<span class="badge ok">Fait</span> ${label}` : html`<span class="badge info">À faire</span> ${label}`);

/** The signed PV file of a revision, downloaded through the history's route (scope checked, S3 link signed at the click). */
export const pvDocumentPath = (sessionId: string, revision: number): string => `/sessions/${sessionId}/historique/pv/${revision}`;

export const sessionPage = async (context: PageContext): Promise<Html> => {
  const view = context.session;
  if (!view) return html``;
  const todayDate = parisDate(context.deps.clock.now());
  const withdrawn = view.withdrawnCandidateIds ?? [];
  const names = await candidateNames(context, [...view.candidateIds, ...withdrawn]);
  const jurors = await jurorNames(
    context,
    view.jury.map((member) => member.jurorId),
  );
  const base = context.principal.actor.role === 'ud' ? `/ud/sessions/${view.sessionId}` : `/centre/sessions/${view.sessionId}`;
  // The CCP blocks by their labels, as the PV form offers them (the code alone for a block the titre no longer lists).
  const ccpLabels = new Map((context.deps.titres[view.titreCode]?.ccps ?? []).map((ccp) => [ccp.code, ccp.label]));
  const ccpNamed = (code: string) => (ccpLabels.has(code) ? `${code} — ${ccpLabels.get(code)}` : code);
  // Shown only for a candidate of this session: the query string cannot make the page say anything else.
  const drawn = view.candidateIds.find((id) => id === context.query.tirage);
  const decisionOf = new Map(view.results.decisions.map((decision) => [decision.candidateId, decision]));
  const centre = context.principal.actor.role === 'centre';
  const rejected = view.pv?.rejection !== undefined;
  // Before day one, a member designated or a candidate registered after the sending is still to convoke.
  const newcomersToConvoke =
    view.status === 'created' &&
    (view.jury.some((member) => !member.convokedOn) || (view.convokedCandidateIds !== undefined && view.candidateIds.some((id) => !view.convokedCandidateIds?.includes(id))));
  const steps: [string, boolean, string][] = [
    ['jury', view.jury.length >= 2, `Jury désigné (${view.jury.length} membre${view.jury.length > 1 ? 's' : ''}, 2 au minimum)`],
    ['amenagements', view.accommodationIds.length === 0 || view.juryInformedOfAccommodations, `Aménagements d’épreuves (${view.accommodationIds.length})`],
    ['convocations', Boolean(view.jurorConvocationsSentOn && view.candidateConvocationsSentOn) && !newcomersToConvoke, 'Convocations du jury et des candidats'],
    // Posted, and covering every candidate registered since.
    ['passages', Boolean(view.passages) && unscheduledCandidates(view).length === 0, 'Ordre de passage (jour, heure et nature des épreuves)'],
    ['plateau', Boolean(view.plateauTechnique), 'Vérification du plateau technique'],
    ['plis', Boolean(view.sealsCheckedOn), 'Vérification des plis cachetés (tirage au sort)'],
    // A rejected PV is signed again, its results entered and transmitted again: those steps are to do.
    ['pv', Boolean(view.pv && !rejected), rejected ? 'Décisions et procès-verbal signé à nouveau (PV rejeté)' : 'Décisions et procès-verbal signé'],
    ['ceres', Boolean(view.pv?.resultsRecordedInCeresOn && !rejected), 'Résultats saisis dans CERES'],
    ['transmission', Boolean(view.pv?.transmittedOn && !rejected), 'PV transmis à l’unité départementale'],
  ];
  return html` ${drawn ? html`<div class="notice" role="status"><strong>Candidat tiré au sort pour vérifier les plis : ${names.get(drawn) ?? drawn}</strong></div>` : ''}
    <dl class="facts">
      <dt>Centre</dt>
      <dd>${centreWithId(view, 'inline')}</dd>
      <dt>Titre</dt>
      <dd>${titreLabel(context, view.titreCode)}</dd>
      <dt>Numéro CERES</dt>
      <dd>${view.ceresReference}</dd>
      <dt>Dates</dt>
      <dd>du ${frenchDate(view.startDate)} au ${frenchDate(view.endDate)}</dd>
      <dt>Lieu</dt>
      <dd>${view.site}</dd>
      <dt>Statut</dt>
      <dd>${statusBadge(view.status)}</dd>
      <dt>Création dans CERES</dt>
      <dd>le ${frenchDate(view.createdOn)}${view.createdLate ? html` <span class="badge late">Moins de trois mois avant le début</span>` : ''}</dd>
    </dl>
    <p><a href="/sessions/${view.sessionId}/historique">Historique de la session</a> : chaque étape, qui l’a faite et quand, et les fichiers du procès-verbal.</p>
    ${
      view.passages && context.principal.actor.role === 'ud'
        ? html`<p><a href="/ud/sessions/${view.sessionId}/affichage">Ordre de passage des candidats</a>, affiché le ${frenchDate(view.passages.scheduledOn)}.</p>`
        : ''
    }
    ${
      view.sealsCheckedOn
        ? html`<form method="get" action="${base}/tirage" class="replay">
            <p>Tirage au sort des plis du ${frenchDate(view.sealsCheckedOn)} : sa graine est enregistrée, chacun peut le rejouer.</p>
            <button type="submit" class="secondary">Rejouer le tirage au sort</button>
          </form>`
        : ''
    }
    ${deadlinesTable(todayDate, view)}
    ${
      centre
        ? html`<h2>Étapes</h2>
            <ul class="steps">
              ${steps.map(
                ([step, done, label]) =>
                  html`<li>
                    <h3><a href="${base}/${step}">${label}</a></h3>
                    ${stepState(done, '')}${step === 'passages' && view.passages ? html` <a href="${base}/affichage">Voir et imprimer l’ordre de passage</a>` : ''}
                  </li>`,
              )}
            </ul>`
        : ''
    }
    <h2>Candidats et résultats</h2>
    ${
      view.results.status === 'official'
        ? html`<p class="results-official">
            <strong>Résultats officiels</strong> : le procès-verbal a été validé par l’unité départementale le ${frenchDate(view.pv?.validatedOn)}.
          </p>`
        : view.results.status === 'provisional'
          ? html`<p class="results-provisional">
              <strong>Résultats provisoires</strong> : ils n’engagent personne tant que l’unité départementale n’a pas validé le procès-verbal.
            </p>`
          : view.results.status === 'rejected'
            ? html`<p class="results-rejected">
                <strong>Décisions rejetées</strong> : l’unité départementale a rejeté le
                procès-verbal${view.pv?.rejection ? ` le ${frenchDate(view.pv.rejection.rejectedOn)}` : ''}. Ces décisions ne valent pas en l’état : le procès-verbal signé à
                nouveau, avec les mêmes décisions ou d’autres, les remplacera.
              </p>`
            : ''
    }
    <table>
      <caption>
        ${view.candidateCount} candidat${view.candidateCount > 1 ? 's' : ''}
      </caption>
      <thead>
        <tr>
          <th scope="col">Candidat</th>
          <th scope="col">Décision${resultsColumnNote[view.results.status]}</th>
          ${centre ? html`<th scope="col">Données personnelles</th>` : ''}
        </tr>
      </thead>
      <tbody>
        ${view.candidateIds.map((id) => {
          const decision = decisionOf.get(id);
          const name = names.get(id) ?? id;
          const erasure = name === erasedCandidateLabel(id) ? html`Effacées` : erasureLink(base, id, name);
          return html`<tr>
            <td>${name}</td>
            <td>
              ${
                decision
                  ? html`${decisionLabels[decision.decision] ?? decision.decision}${
                      decision.ccpObtained.length > 0
                        ? html`<br />${decision.ccpObtained.length > 1 ? 'CCP obtenus' : 'CCP obtenu'} :
                            <ul>
                              ${decision.ccpObtained.map((code) => html`<li>${ccpNamed(code)}</li>`)}
                            </ul>`
                        : ''
                    }`
                  : '—'
              }
            </td>
            ${centre ? html`<td>${erasure}</td>` : ''}
          </tr>`;
        })}
      </tbody>
    </table>
    ${
      centre && withdrawn.length > 0
        ? html`<h2>Candidats retirés de la session</h2>
            <p class="hint">Un candidat retiré peut, lui aussi, demander l’effacement de ses données personnelles.</p>
            <ul class="withdrawn-candidates">
              ${withdrawn.map((id) => {
                const name = names.get(id) ?? id;
                return html`<li>${name}${name === erasedCandidateLabel(id) ? '' : html` — ${erasureLink(base, id, name)}`}</li>`;
              })}
            </ul>`
        : ''
    }
    <h2>Jury</h2>
    ${
      view.jury.length === 0
        ? html`<p>Aucun membre désigné.</p>`
        : html`<ul>
            ${view.jury.map((member) => html`<li>${jurors.get(member.jurorId) ?? member.jurorId}${member.tiedCandidateIds.length > 0 ? html` — lien déclaré avec : ${member.tiedCandidateIds.map((id) => names.get(id) ?? id).join(', ')}` : ''}</li>`)}
          </ul>`
    }
    ${view.pv?.document ? html`<p><span class="badge ok">PV signé déposé</span> <a href="${pvDocumentPath(view.sessionId, view.pv.revision)}">Télécharger le procès-verbal signé (PDF)</a> — empreinte SHA-256 <code>${view.pv.document.sha256}</code></p>` : view.pv ? html`<p><span class="badge soon">Fichier du PV signé pas encore déposé</span>${centre ? html` <a href="${base}/pv">Déposer le fichier signé</a>` : ''}</p>` : ''}
    ${
      // Why each upload was refused, while the file is still awaited; once a file is stored, the history keeps them.
      view.quarantinedUploads.length > 0 && !view.pv?.document
        ? html`<div class="warning">
            <p>${view.quarantinedUploads.length > 1 ? `${view.quarantinedUploads.length} fichiers déposés ont été refusés :` : 'Le fichier déposé a été refusé :'}</p>
            <ul>
              ${view.quarantinedUploads.map((upload) => html`<li>${quarantineReasons[upload.reason]}.</li>`)}
            </ul>
            ${centre && view.pv ? html`<p>Déposez le fichier du procès-verbal tel qu’il a été signé, en PDF : <a href="${base}/pv">Déposer le fichier signé</a>.</p>` : ''}
          </div>`
        : ''
    }
    ${
      view.pv?.rejection
        ? html`<div class="warning">
            <p><strong>PV rejeté le ${frenchDate(view.pv.rejection.rejectedOn)}</strong> : ${view.pv.rejection.reason}</p>
          </div>`
        : ''
    }`;
};

/** Jurors of the session's department habilitated for its titre on every day of the session, not already on the jury. */
const eligibleJurors = async (context: PageContext) => {
  const view = context.session;
  if (!view) return [];
  const jurors = await listJurors(context.deps, view.department, view.titreCode);
  const onJury = new Set(view.jury.map((member) => member.jurorId));
  const eligible = jurors.filter(
    (juror) =>
      !onJury.has(juror.jurorId) &&
      juror.habilitations.some(
        (h) => h.titreCode === view.titreCode && h.validFrom <= view.startDate && view.endDate <= h.validUntil && (!h.withdrawn || h.withdrawn.withdrawnOn > view.endDate),
      ),
  );
  const names = await jurorNames(
    context,
    eligible.map((juror) => juror.jurorId),
  );
  return eligible.map((juror) => {
    const habilitation = juror.habilitations.find((h) => h.titreCode === view.titreCode);
    return { value: juror.jurorId, label: `${names.get(juror.jurorId) ?? juror.jurorId} — habilité jusqu’au ${frenchDate(habilitation?.validUntil)}` };
  });
};

/** Whether a member may still leave the jury: before day one, after it until the PV is signed, or once the PV is rejected. */
const juryMayChange = (view: SessionView): boolean => view.status === 'created' || view.status === 'started' || view.status === 'pv-rejected';

/**
 * Jury members the UD struck off, as the jurors' views hold their habilitations: one was withdrawn
 * and none still covers the session's days up to today (the domain's rule at day one and at the
 * PV's signature). Each with the date the assignment's habilitation was withdrawn.
 */
const struckOffJury = async (context: PageContext): Promise<ReadonlyMap<string, string | undefined>> => {
  const view = context.session;
  // Once the PV is signed (and not rejected) or the session cancelled, nobody is removed: a later withdrawal changes nothing here.
  if (!view || view.jury.length === 0 || !juryMayChange(view)) return new Map();
  const asOf = today(context);
  const jurors = new Map((await listJurors(context.deps, view.department, view.titreCode)).map((juror) => [juror.jurorId, juror]));
  const struck = new Map<string, string | undefined>();
  for (const member of view.jury) {
    const habilitations = (jurors.get(member.jurorId)?.habilitations ?? []).filter((h) => h.titreCode === view.titreCode && h.department === view.department);
    // The domain's own rule (day one, signature), on the habilitations as the juror's view holds them.
    const covered = habilitatedFor(
      view,
      habilitations.map(({ withdrawn, ...h }) => ({ ...h, ...(withdrawn ? { withdrawnOn: withdrawn.withdrawnOn } : {}) })),
      asOf,
    );
    if (!covered && habilitations.some((h) => h.withdrawn)) {
      struck.set(member.jurorId, habilitations.find((h) => h.habilitationId === member.habilitationId)?.withdrawn?.withdrawnOn);
    }
  }
  return struck;
};

/** A warning naming the struck-off members, with what to do; nothing when there is none. */
const struckOffWarning = (struck: ReadonlyMap<string, string | undefined>, names: ReadonlyMap<string, string>, sessionId: string): Html => {
  if (struck.size === 0) return html``;
  const several = struck.size > 1;
  return html`<div class="warning" role="status">
    <p>
      L’unité départementale a retiré l’habilitation de
      ${[...struck].map(([jurorId, on], index) => html`${index > 0 ? ', ' : ''}<strong>${names.get(jurorId) ?? jurorId}</strong>${on ? ` (le ${frenchDate(on)})` : ''}`)} :
      ${several ? 'ces membres ne peuvent' : 'ce membre ne peut'} plus siéger.
      <a href="/centre/sessions/${sessionId}/jury">${several ? 'Retirez-les du jury' : 'Retirez-le du jury'}</a> ; si un candidat n’a plus deux évaluateurs sans lien avec lui,
      désignez un autre membre habilité.
    </p>
  </div>`;
};

export const juryForm = async (context: PageContext, state: FormState): Promise<Html> => {
  const view = context.session;
  if (!view) return html``;
  const eligible = await eligibleJurors(context);
  const names = await candidateNames(context, view.candidateIds);
  const current = await jurorNames(
    context,
    view.jury.map((member) => member.jurorId),
  );
  const struck = await struckOffJury(context);
  // Before day one any member may be removed; after it, until the PV is signed, only one the UD struck off.
  const removable = (jurorId: string) => view.status === 'created' || (juryMayChange(view) && struck.has(jurorId));
  return html`${struckOffWarning(struck, current, view.sessionId)}
    <h2>Jury actuel (${view.jury.length} membre${view.jury.length > 1 ? 's' : ''}, 2 au minimum)</h2>
    ${
      view.jury.length === 0
        ? html`<p>Aucun membre désigné.</p>`
        : html`<ul>
            ${view.jury.map((member) => {
              const name = current.get(member.jurorId) ?? member.jurorId;
              return html`<li>
                ${name}${
                  removable(member.jurorId)
                    ? html` — <a href="/centre/sessions/${view.sessionId}/jury/${member.jurorId}/retrait" aria-label="Retirer du jury : ${name}">Retirer du jury</a>`
                    : ''
                }
              </li>`;
            })}
          </ul>`
    }
    <h2>Désigner un membre</h2>
    <p>
      Seuls sont proposés les membres habilités pour ce titre par l’unité départementale ${view.department}, pour toute la durée de la session. Un membre ne peut pas évaluer un
      candidat avec lequel il a ou a eu un lien personnel ou professionnel : déclarez ces liens ci-dessous.
    </p>
    ${
      eligible.length === 0
        ? html`<div class="warning"><p>Aucun membre de jury éligible : contactez l’unité départementale pour une habilitation.</p></div>`
        : form(
            state,
            `/centre/sessions/${view.sessionId}/jury`,
            'Désigner ce membre du jury',
            html`${choices(state, 'jurorId', 'Membre du jury', eligible, { type: 'radio' })}
            ${choices(
              state,
              'tiedCandidateIds',
              'Liens déclarés avec des candidats',
              view.candidateIds.map((id) => ({ value: id, label: names.get(id) ?? id })),
              { hint: 'Cochez les candidats avec lesquels ce membre a un lien ; ne cochez rien s’il n’en a aucun.' },
            )}`,
          )
    }`;
};

export const accommodationsForm = async (context: PageContext, state: FormState): Promise<Html> => {
  const view = context.session;
  if (!view) return html``;
  const names = await candidateNames(context, view.candidateIds);
  const granted = await context.deps.personalData.readAccommodations(context.principal, view.candidateIds);
  return html`<p>Un candidat dont le handicap est reconnu peut bénéficier d’épreuves adaptées. N’indiquez que l’adaptation accordée, jamais un diagnostic.</p>
    ${
      granted.length > 0
        ? html`<h2>Aménagements accordés</h2>
            <ul>
              ${granted.map((a) => html`<li>${names.get(a.candidateId) ?? a.candidateId} : ${a.adaptation}</li>`)}
            </ul>`
        : ''
    }
    ${form(
      state,
      `/centre/sessions/${view.sessionId}/amenagements`,
      'Enregistrer l’aménagement',
      html`${select(
        state,
        'candidateId',
        'Candidat',
        view.candidateIds.map((id) => ({ value: id, label: names.get(id) ?? id })),
        { required: true },
      )}
      ${textarea(state, 'adaptation', 'Adaptation accordée', { required: true, hint: 'Par exemple : tiers-temps, poste de travail adapté.' })}`,
    )}
    ${
      view.accommodationIds.length > 0 && !view.juryInformedOfAccommodations && view.status !== 'cancelled'
        ? html`<h2>Information du jury</h2>
            ${form({ ...state, errors: [] }, `/centre/sessions/${view.sessionId}/amenagements/information`, 'J’ai informé le jury des aménagements', html``)}`
        : ''
    }`;
};

export const convocationsForm = async (context: PageContext, state: FormState): Promise<Html> => {
  const view = context.session;
  if (!view) return html``;
  // Sent again, the convocations go only to those not convoked yet (a member designated, a candidate registered since).
  const pendingJurors = view.jurorConvocationsSentOn ? view.jury.filter((member) => !member.convokedOn).map((member) => member.jurorId) : [];
  const convokedCandidates = view.convokedCandidateIds;
  const pendingCandidates = view.candidateConvocationsSentOn && convokedCandidates ? view.candidateIds.filter((id) => !convokedCandidates.includes(id)) : [];
  const jurorNamesOf = await jurorNames(context, pendingJurors);
  const candidateNamesOf = await candidateNames(context, pendingCandidates);
  const sendForm = (audience: 'jurors' | 'candidates', formState: FormState, first: string, pending: readonly string[]) =>
    form(
      formState,
      `/centre/sessions/${view.sessionId}/convocations`,
      pending.length === 0 ? first : `Convoquer ${pending.length > 1 ? `ces ${pending.length} personnes` : 'cette personne'}`,
      html`<input type="hidden" name="audience" value="${audience}" />`,
    );
  const notYet = (pending: readonly string[], names: ReadonlyMap<string, string>) =>
    html`<div class="warning" role="status">
      <p>
        Pas encore convoqué${pending.length > 1 ? 's' : ''} : ${pending.map((id) => names.get(id) ?? id).join(', ')}. Les personnes déjà convoquées ne reçoivent pas de seconde
        convocation.
      </p>
    </div>`;
  if (view.status !== 'created') {
    // From day one the convocations are closed; a member designated since was told by mail with their designation.
    const designatedLate = view.jury.filter((member) => !member.convokedOn).map((member) => member.jurorId);
    const lateNames = await jurorNames(context, designatedLate);
    return html`<p>
        ${view.status === 'cancelled' ? 'La session est annulée' : 'La session a commencé'} : les convocations ne s’envoient
        plus.${
          view.jurorConvocationsSentOn ? ` Jury convoqué le ${frenchDate(view.jurorConvocationsSentOn)}.` : ''
        }${view.candidateConvocationsSentOn ? ` Candidats convoqués le ${frenchDate(view.candidateConvocationsSentOn)}.` : ''}
      </p>
      ${
        designatedLate.length > 0 && view.status !== 'cancelled'
          ? html`<p>
              Désigné${designatedLate.length > 1 ? 's' : ''} après le début de la session, sans convocation : ${designatedLate.map((id) => lateNames.get(id) ?? id).join(', ')}. La
              désignation leur a été envoyée par courriel, avec l’invitation pour leur agenda.
            </p>`
          : ''
      }`;
  }
  return html`<p>Les membres du jury salariés doivent demander une autorisation d’absence au moins 15 jours avant la session : convoquez-les tôt.</p>
    <h2>Jury</h2>
    ${
      view.jurorConvocationsSentOn
        ? html`<p><span class="badge ok">Envoyées</span> le ${frenchDate(view.jurorConvocationsSentOn)}</p>
            ${pendingJurors.length > 0 ? html`${notYet(pendingJurors, jurorNamesOf)}${sendForm('jurors', state, '', pendingJurors)}` : html`<p>Tous les membres du jury sont convoqués.</p>`}`
        : sendForm('jurors', state, 'Envoyer les convocations au jury', [])
    }
    <h2>Candidats</h2>
    ${view.candidateConvocationsSentOn ? html`<p><span class="badge ok">Envoyées</span> le ${frenchDate(view.candidateConvocationsSentOn)}</p>` : ''}
    ${await withoutEmail(context, view.candidateIds)}
    ${
      !view.candidateConvocationsSentOn || !convokedCandidates
        ? sendForm('candidates', { ...state, errors: [] }, 'Envoyer les convocations aux candidats', [])
        : pendingCandidates.length > 0
          ? html`${notYet(pendingCandidates, candidateNamesOf)}${sendForm('candidates', { ...state, errors: [] }, '', pendingCandidates)}`
          : html`<p>Tous les candidats inscrits sont convoqués.</p>`
    }`;
};

/**
 * The candidates no convocation mail can reach (no email address given, or their data erased): the
 * centre convokes them otherwise, so they are named before and after the sending.
 */
const withoutEmail = async (context: PageContext, candidateIds: readonly string[]): Promise<Html> => {
  const identities = await context.deps.personalData.readCandidates(context.principal, candidateIds);
  const unreachable = candidateIds.filter((id) => !identities.get(id)?.email);
  if (unreachable.length === 0) return html``;
  const names = await candidateNames(context, unreachable);
  return html`<div class="warning" role="status">
    <p>
      ${unreachable.length === 1 ? 'Ce candidat n’a pas d’adresse électronique : il ne recevra pas sa convocation par courriel.' : `Ces ${unreachable.length} candidats n’ont pas d’adresse électronique : ils ne recevront pas leur convocation par courriel.`}
      Convoquez-${unreachable.length === 1 ? 'le' : 'les'} par courrier.
    </p>
    <ul>
      ${unreachable.map((id) => html`<li>${names.get(id) ?? id}</li>`)}
    </ul>
  </div>`;
};

export const plateauForm = async (context: PageContext, state: FormState): Promise<Html> => {
  const view = context.session;
  if (!view) return html``;
  const jurors = await jurorNames(
    context,
    view.jury.map((member) => member.jurorId),
  );
  const values = Object.keys(state.values).length > 0 ? state.values : { durationMinutes: '60' };
  const filled = { ...state, values };
  return html`<p>Avant le début de la session, le jury et le responsable de session vérifient ensemble le plateau technique au regard du référentiel (environ une heure).</p>
    ${form(
      filled,
      `/centre/sessions/${view.sessionId}/plateau`,
      'Enregistrer la vérification',
      html`${input(filled, 'durationMinutes', 'Durée de la vérification (minutes)', { type: 'number', min: 1, max: 600, required: true })}
      ${choices(
        filled,
        'jurorIds',
        'Membres du jury présents',
        view.jury.map((member) => ({ value: member.jurorId, label: jurors.get(member.jurorId) ?? member.jurorId })),
      )}
      ${choices(filled, 'compliant', 'Conformité', [{ value: 'true', label: 'Le plateau technique est conforme au référentiel' }])}
      ${textarea(filled, 'remarks', 'Remarques (facultatif)')}`,
    )}`;
};

export const sealsForm = async (context: PageContext, state: FormState): Promise<Html> => {
  const view = context.session;
  if (!view) return html``;
  const names = await candidateNames(context, view.candidateIds);
  const values = Object.keys(state.values).length > 0 ? state.values : { presentCandidateIds: [...view.candidateIds] };
  const filled = { ...state, values };
  return html`<p>
      Le premier jour, les candidats justifient de leur identité. Un candidat présent, tiré au sort par le système (tirage rejouable : la graine est conservée), vérifie avec vous
      que les plis sont cachetés.
    </p>
    ${form(
      filled,
      `/centre/sessions/${view.sessionId}/plis`,
      'Tirer au sort et enregistrer la vérification',
      html`${choices(
        filled,
        'presentCandidateIds',
        'Candidats présents (identité vérifiée)',
        view.candidateIds.map((id) => ({ value: id, label: names.get(id) ?? id })),
      )}
      ${choices(filled, 'sealsIntact', 'État des plis', [{ value: 'true', label: 'Les plis sont intacts et cachetés' }])}`,
    )}`;
};

export const pvForm = async (context: PageContext, state: FormState): Promise<Html> => {
  const view = context.session;
  if (!view) return html``;
  const names = await candidateNames(context, view.candidateIds);
  const jurors = await jurorNames(
    context,
    view.jury.map((member) => member.jurorId),
  );
  const titre = context.deps.titres[view.titreCode];
  const values =
    Object.keys(state.values).length > 0 ? state.values : { decisions: view.candidateIds.map((candidateId) => ({ candidateId })), signatoryIds: view.jury.map((m) => m.jurorId) };
  const filled = { ...state, values };
  const presign = `/centre/sessions/${view.sessionId}/pv/depot`;
  const fileField = html`<div class="field">
    <label for="pv-file">PV signé (PDF, 20 Mo au plus) <span class="req">(obligatoire)</span></label
    ><input type="file" id="pv-file" accept="application/pdf" aria-describedby="pv-status" />
    <p id="pv-status" class="hint pv-status" role="status" aria-live="polite"></p>
  </div>`;
  if (view.pv && !view.pv.document && view.status !== 'pv-rejected') {
    // Signed, but the file did not reach the vault (or was refused): send it again.
    return html`<p>
        Le procès-verbal est enregistré (signé le ${frenchDate(view.pv.signedOn)}) ; il reste à déposer le fichier PDF signé, dont l’empreinte doit être
        <code>${view.pv.documentSha256}</code>.
      </p>
      <noscript
        ><div class="warning"><p>Le dépôt du fichier nécessite JavaScript (calcul de l’empreinte du fichier dans le navigateur).</p></div></noscript
      >
      <form method="post" action="${presign}" data-presign="${presign}" data-done="/centre/sessions/${view.sessionId}?ok=pv" id="pv-upload-form" novalidate>
        <input type="hidden" name="_csrf" value="${state.csrf}" />
        ${fileField}
        <p><button type="submit">Déposer le fichier</button></p>
      </form>`;
  }
  // Each candidate is evaluated by at least two members free of ties: a tie declared during the session may leave one short.
  const short = view.candidateIds.filter((candidateId) => view.jury.filter((member) => !member.tiedCandidateIds.includes(candidateId)).length < 2);
  return html`${struckOffWarning(await struckOffJury(context), jurors, view.sessionId)}${
      short.length > 0
        ? html`<div class="warning" role="status">
            <p>
              Chaque candidat est évalué par au moins deux membres du jury sans lien avec lui. Il en manque pour ${short.map((id) => names.get(id) ?? id).join(', ')} : désignez un
              membre supplémentaire sur la page
              <a href="/centre/sessions/${view.sessionId}/jury">Jury</a> avant de signer le procès-verbal.
            </p>
          </div>`
        : ''
    }
    <p>
      Le jury délibère seul et établit le procès-verbal, signé par tous ses membres, avec une décision pour chaque candidat. Joignez le PV signé au format PDF : son empreinte
      SHA-256 est calculée dans votre navigateur, le PV est enregistré avec cette empreinte, puis le fichier est envoyé directement dans le coffre de documents, qui refuse tout
      autre fichier.
    </p>
    <noscript
      ><div class="warning"><p>Le dépôt du fichier nécessite JavaScript (calcul de l’empreinte du fichier dans le navigateur). Activez-le pour cette étape.</p></div></noscript
    >
    ${form(
      filled,
      `/centre/sessions/${view.sessionId}/pv`,
      'Enregistrer le PV et déposer le fichier',
      html`${view.candidateIds.map(
          (candidateId, index) =>
            html`<fieldset class="field">
              <legend>${names.get(candidateId) ?? candidateId}</legend>
              <input type="hidden" name="decisions.${index}.candidateId" value="${candidateId}" />
              ${select(
                filled,
                `decisions.${index}.decision`,
                'Décision',
                Object.entries(decisionLabels).map(([value, label]) => ({ value, label })),
                { required: true },
              )}
              ${choices(
                filled,
                `decisions.${index}.ccpObtained`,
                'CCP obtenus (réussite partielle)',
                (titre?.ccps ?? []).map((ccp) => ({ value: ccp.code, label: `${ccp.code} — ${ccp.label}` })),
              )}
            </fieldset>`,
        )}
        ${choices(
          filled,
          'signatoryIds',
          'Signataires du PV (tous les membres du jury)',
          view.jury.map((member) => ({ value: member.jurorId, label: jurors.get(member.jurorId) ?? member.jurorId })),
        )}
        <input type="hidden" name="documentSha256" value="" />
        ${fileField}`,
      { id: 'pv-form', presign },
    )}`;
};

/**
 * The removal of a jury member: any member before day one; after it, only one the UD struck off
 * (the domain decides; the jury page links only those).
 */
export const jurorRemovalForm = async (context: PageContext, state: FormState): Promise<Html> => {
  const view = context.session;
  if (!view) return html``;
  const jurorId = context.params.jurorId ?? '';
  const back = html`<p><a href="/centre/sessions/${view.sessionId}/jury">Revenir au jury</a></p>`;
  if (!view.jury.some((member) => member.jurorId === jurorId)) {
    return html`<p>Cette personne n’est pas membre du jury de la session.</p>
      ${back}`;
  }
  if (!juryMayChange(view)) {
    return html`<p>${view.status === 'cancelled' ? 'La session est annulée' : 'Le procès-verbal est signé'} : le jury de cette session ne peut plus être modifié.</p>
      ${back}`;
  }
  const name = (await jurorNames(context, [jurorId])).get(jurorId) ?? jurorId;
  return html`<p>
      Vous retirez <strong>${name}</strong> du jury de la session.
      ${
        view.status === 'created'
          ? html`Ce membre en est informé par courriel ; s’il a reçu sa convocation, la session est retirée de son agenda.`
          : html`La session a commencé : seul un membre dont l’unité départementale a retiré l’habilitation peut encore être retiré. Ce membre en est informé par courriel.`
      }
    </p>
    ${form(state, `/centre/sessions/${view.sessionId}/jury/${jurorId}/retrait`, 'Retirer ce membre du jury', textarea(state, 'reason', 'Motif du retrait', { required: true }))}
    ${back}`;
};

/**
 * The confirmation page of an erasure asked by the candidate: what goes, what stays, that it is
 * final; a box to tick, so a stray click on the session page never erases anything.
 */
export const erasureForm = async (context: PageContext, state: FormState): Promise<Html> => {
  const view = context.session;
  if (!view) return html``;
  const candidateId = context.params.candidateId ?? '';
  const name = (await candidateNames(context, [candidateId])).get(candidateId) ?? candidateId;
  const back = html`<p><a href="/centre/sessions/${view.sessionId}">Revenir à la session</a></p>`;
  if (name === erasedCandidateLabel(candidateId))
    return html`<p>Les données personnelles de ce candidat sont déjà effacées : ${name}.</p>
      ${back}`;
  return html`<p>
      Un candidat peut demander l’effacement de ses données personnelles. Assurez-vous que la demande vient bien de lui, puis confirmez ci-dessous pour <strong>${name}</strong>.
    </p>
    <h2>Ce qui est effacé</h2>
    <ul>
      <li>son identité : nom, prénom, date de naissance ;</li>
      <li>ses coordonnées : adresse électronique, téléphone ;</li>
      <li>les aménagements d’épreuves qui lui ont été accordés.</li>
    </ul>
    <h2>Ce qui reste</h2>
    <ul>
      <li>
        son identifiant pseudonyme, <code>${candidateId}</code>, dans l’historique de la session (inscription, convocations, décisions du jury, procès-verbal) : cet historique ne
        contient aucune donnée personnelle ;
      </li>
      <li>la trace de l’effacement, datée, dans ce même historique.</li>
    </ul>
    <div class="warning">
      <p>
        <strong>L’effacement est définitif</strong> : il ne peut pas être annulé. Le candidat ne recevra plus de courriel du service (convocation, résultats), faute d’adresse, et
        les pages l’afficheront comme « ${erasedCandidateLabel(candidateId)} ».
      </p>
    </div>
    ${form(
      state,
      `/centre/sessions/${view.sessionId}/candidats/${candidateId}/effacement`,
      'Effacer ses données personnelles',
      choices(state, 'confirmed', 'Confirmation', [{ value: 'true', label: `Je confirme l’effacement définitif des données personnelles de ${name}, à sa demande` }]),
    )}
    ${back}`;
};

export const confirmForm =
  (step: 'ceres' | 'transmission', intro: string, submit: string) =>
  async (context: PageContext, state: FormState): Promise<Html> => {
    const view = context.session;
    if (!view) return html``;
    return html`<p>${intro}</p>
      ${form(state, `/centre/sessions/${view.sessionId}/${step}`, submit, html``)}`;
  };
