import { definitionOf, type Role, type StoredEvent } from '../../events/index.js';
import type { Principal } from '../auth/principal.js';
import { frenchDate as dayMonthYear, parisWallClock } from '../domain/calendar.js';
import { centreWithId, frenchDate } from '../web/format.js';
import type { CentreRef } from '../views/model.js';
import { fieldLabels, valueLabel } from './fieldLabels.js';
import { html, type Html } from '../web/html.js';
import { layout } from '../web/layout.js';
import { visibleData } from './cloudEvents.js';
import type { SessionTimeline, TimelinePvFile } from './service.js';

/** `2027-03-01T08:05:00Z` -> `01/03/2027 09:05` (Europe/Paris, summer and winter time). */
export const parisDateTime = (instant: string | Date): string => {
  const wall = parisWallClock(typeof instant === 'string' ? new Date(instant) : instant).toISOString();
  return `${dayMonthYear(wall.slice(0, 10))} ${wall.slice(11, 16)}`;
};

const roleLabels: Readonly<Record<Role, string>> = {
  centre: 'Centre agréé',
  ud: 'Unité départementale',
  region: 'Direction régionale',
  juror: 'Membre de jury',
  system: 'Système',
};

const shownValue = (value: string | number | boolean): string => {
  if (typeof value === 'boolean') return value ? 'oui' : 'non';
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)) return `${value.slice(8, 10)}/${value.slice(5, 7)}/${value.slice(0, 4)}`;
  return String(value);
};

/** A person by name when the reader may see it, the pseudonymous id in small print either way. */
const person = (id: string, names: ReadonlyMap<string, string>): Html => {
  const name = names.get(id);
  return name ? html`${name} <span class="hint id">${id}</span>` : html`<span class="id">${id}</span>`;
};

const isPersonId = (value: unknown): value is string => typeof value === 'string' && /^(cand|jur)_/.test(value);

/** Lists of people are named up to this size; a longer one is shown by its size. */
const NAMED_LIST_MAX = 30;
/** An order of passage is listed up to this many tests (a session's candidates, a few tests each); a longer one by its size. */
const PASSAGES_LISTED_MAX = 400;

/** A field whose value is a list of entries (a PV's decisions, an order of passage): one line each. */
const nestedList = (label: string, items: readonly Html[]): Html =>
  html`<li>
    ${label} :
    <ul>
      ${items}
    </ul>
  </li>`;

/** Details of an event: every field with its French label, people by name where allowed, a PV's decisions one per candidate. */
const details = (event: StoredEvent, reader: Role, names: ReadonlyMap<string, string>): Html => {
  // The names are those the reader may see now: a candidate erased since has none, and loses their free text too.
  const data = visibleData(event, { role: reader, identifies: (candidateId) => names.has(candidateId) }) as Record<string, unknown>;
  const rows = Object.entries(data).flatMap(([name, value]) => {
    const label = fieldLabels[name] ?? name;
    if (name === 'decisions' && Array.isArray(value)) {
      const items = (value as { candidateId: string; decision: string; ccpObtained?: readonly string[] }[]).map(
        (decision) =>
          html`<li>
            ${person(decision.candidateId, names)} :
            ${valueLabel(event.type, 'decision', decision.decision) ?? decision.decision}${decision.ccpObtained && decision.ccpObtained.length > 0 ? ` (CCP ${decision.ccpObtained.join(', ')})` : ''}
          </li>`,
      );
      return [nestedList(label, items)];
    }
    if (name === 'passages' && Array.isArray(value) && value.length <= PASSAGES_LISTED_MAX) {
      // The order of passage, one test per line, in order: day and time, candidate, test.
      const items = (value as { candidateId: string; test: string; on: string; at: string }[]).map(
        (passage) =>
          html`<li>${shownValue(passage.on)} à ${passage.at} : ${person(passage.candidateId, names)}, ${valueLabel(event.type, 'test', passage.test) ?? passage.test}</li>`,
      );
      return [nestedList(label, items)];
    }
    if (Array.isArray(value)) {
      // « néant », as administrative forms say it, fits every label (« Candidats liés », « Sessions prévues »).
      if (value.length === 0) return [html`<li>${label} : néant</li>`];
      if (value.length > 0 && value.length <= NAMED_LIST_MAX && value.every(isPersonId))
        return [html`<li>${label} : ${value.map((id, index) => html`${index > 0 ? ', ' : ''}${person(id, names)}`)}</li>`];
      if (value.length > 0 && value.length <= NAMED_LIST_MAX && value.every((item) => typeof item === 'string'))
        return [html`<li>${label} : <span class="id">${value.join(', ')}</span></li>`];
      return [html`<li>${label} : ${value.length} élément${value.length > 1 ? 's' : ''}</li>`];
    }
    if (value === null || typeof value === 'object' || value === undefined) return [];
    if (isPersonId(value)) return [html`<li>${label} : ${person(value, names)}</li>`];
    const words = typeof value === 'string' ? valueLabel(event.type, name, value) : undefined;
    return [html`<li>${label} : ${words ?? shownValue(value as string | number | boolean)}</li>`];
  });
  return rows.length === 0
    ? html``
    : html`<ul class="details">
        ${rows}
      </ul>`;
};

const chainState = (timeline: SessionTimeline): Html =>
  timeline.verification.ok
    ? html`<div class="notice" role="status" id="chaine">
        <p>
          <strong>Chaîne d’intégrité vérifiée</strong> : ${timeline.verification.commits} enregistrement${timeline.verification.commits > 1 ? 's' : ''}, chacun scellé par
          l’empreinte du précédent.
        </p>
      </div>`
    : html`<div class="error-summary" role="alert" id="chaine">
        <p><strong>Chaîne d’intégrité rompue à l’enregistrement n° ${timeline.verification.firstBrokenCommit}</strong></p>
        <p>${timeline.verification.reason}</p>
        <p>Les événements affichés à partir de cet enregistrement ne sont pas garantis : signalez-le à la direction régionale.</p>
      </div>`;

/** The session's centre: named by its creation event when that carried a name, else by the scope's id. */
const centreOf = (timeline: SessionTimeline): CentreRef | undefined => {
  const created = timeline.events.find((event) => event.type === 'SessionCreated');
  if (created?.type === 'SessionCreated') return created.data;
  return timeline.scope.centreId ? { centreId: timeline.scope.centreId } : undefined;
};

/** What the session is, in the words of its creation: CERES reference, titre, dates and site. */
const sessionOf = (timeline: SessionTimeline) => {
  const created = timeline.events.find((event) => event.type === 'SessionCreated');
  return created?.type === 'SessionCreated' ? created.data : undefined;
};

/** The day (Paris) of an instant: `2032-06-19T22:30:00Z` -> `20/06/2032`. */
const parisDay = (instant: string): string => parisDateTime(instant).slice(0, 10);

/**
 * Where a PV file of the timeline is downloaded: the history's own route
 * (HISTORY_PATHS.pv in ./http.ts), which checks the reader's scope and signs the S3 link at the
 * click, so that the page holds no link that expires while it is read.
 */
const pvDownloadPath = (sessionId: string, revision: number): string => `/sessions/${encodeURIComponent(sessionId)}/historique/pv/${revision}`;

/** A PV file on the timeline: its download, or, past its retention period, that it was deleted. */
const pvFile = (sessionId: string, file: TimelinePvFile): Html =>
  file.expiredAt === undefined
    ? html`<br /><a href="${pvDownloadPath(sessionId, file.revision)}">Télécharger le procès-verbal signé (révision ${file.revision})</a>`
    : html`<br /><span class="hint">Fichier supprimé au terme de sa durée de conservation, le ${parisDay(file.expiredAt)}.</span>`;

/**
 * Where the history leads back to, by the reader's role: the session's page (centre, UD) or the
 * region's sessions; and the path the menu reads to mark its entry.
 */
const wayBack = (role: Role, sessionId: string, reference: string): { breadcrumb: { href: string; label: string }[]; path?: string } => {
  switch (role) {
    case 'centre':
    case 'ud':
      return {
        breadcrumb: [
          { href: `/${role}`, label: 'Tableau de bord' },
          { href: `/${role}/sessions/${encodeURIComponent(sessionId)}`, label: `Session ${reference}` },
        ],
        path: `/${role}/sessions/{sessionId}/historique`,
      };
    case 'region':
      return { breadcrumb: [{ href: '/region/sessions', label: 'Sessions de la région' }], path: '/region/sessions/{sessionId}/historique' };
    default:
      return { breadcrumb: [] };
  }
};

/**
 * The timeline of one session: every event with its French label, who recorded it and when (Paris
 * time), the PV documents linked, and whether the hash chain of its stream holds.
 */
export const timelinePage = (principal: Principal, timeline: SessionTimeline): Html => {
  const reader = principal.actor.role;
  const centre = centreOf(timeline);
  const session = sessionOf(timeline);
  const rows = timeline.events.map((event) => {
    const file = timeline.documents.get(event.id);
    return html`<tr>
      <td><time datetime="${event.recordedAt}">${parisDateTime(event.recordedAt)}</time></td>
      <td>${definitionOf(event.type)?.label ?? event.type}${file ? pvFile(timeline.sessionId, file) : ''}</td>
      <td>${roleLabels[event.actor.role]}<br /><span class="hint id">${event.actor.id}</span></td>
      <td>${details(event, reader, timeline.names)}</td>
    </tr>`;
  });
  const back = wayBack(reader, timeline.sessionId, session?.ceresReference ?? timeline.sessionId);
  return layout({
    title: `Historique de la session ${session?.ceresReference ?? timeline.sessionId}`,
    principal,
    ...(back.breadcrumb.length > 0 ? { breadcrumb: back.breadcrumb } : {}),
    ...(back.path ? { path: back.path } : {}),
    body: html`${session ? html`<p>Titre ${session.titreLabel ? `${session.titreLabel} (${session.titreCode})` : session.titreCode}, du ${frenchDate(session.startDate)} au ${frenchDate(session.endDate)}, ${session.site}. <span class="hint id">${timeline.sessionId}</span></p>` : ''}
      ${centre ? html`<p>Centre agréé : ${centreWithId(centre, 'inline')}</p>` : ''} ${chainState(timeline)}
      <p>${timeline.events.length} événement${timeline.events.length > 1 ? 's' : ''}, du plus ancien au plus récent. Heures de Paris.</p>
      <table class="timeline">
        <caption>
          Événements de la session
        </caption>
        <thead>
          <tr>
            <th scope="col">Date et heure</th>
            <th scope="col">Événement</th>
            <th scope="col">Par</th>
            <th scope="col">Détails</th>
          </tr>
        </thead>
        <tbody>
          ${rows}
        </tbody>
      </table>`,
  });
};

/**
 * The answer to a click on a PV file that cannot be downloaded: its retention period is over (410),
 * or the vault has no such file (404). In French, with the way back to the session's history.
 */
export const pvUnavailablePage = (principal: Principal, sessionId: string, state: { readonly revision: number; readonly expiredAt: string } | undefined): string =>
  layout({
    title: state ? 'Procès-verbal supprimé' : 'Procès-verbal introuvable',
    principal,
    body: html`${
        state
          ? html`<p>
              Le fichier du procès-verbal signé (révision ${state.revision}) a été supprimé au terme de sa durée de conservation, le ${parisDay(state.expiredAt)}. L’historique de
              la session garde la trace de son dépôt et de son empreinte SHA-256.
            </p>`
          : html`<p>Aucun fichier de procès-verbal n’est conservé à cette adresse : il n’a pas été déposé, ou il a été supprimé.</p>`
      }
      <p><a href="${`/sessions/${encodeURIComponent(sessionId)}/historique`}">Revenir à l’historique de la session</a></p>`,
  }).value;

/** The error page of the history pages (the shared layout, no detail leaked). */
export const historyErrorPage = (status: number, message: string, correlationId: string): string =>
  layout({
    title: status === 404 ? 'Page introuvable' : status === 403 ? 'Accès refusé' : status >= 500 ? 'Erreur du service' : 'Demande refusée',
    body: html`<p>${message}</p>
      ${status >= 500 ? html`<p>Numéro de suivi : <code>${correlationId}</code></p>` : ''}
      <p><a href="/">Revenir à l’accueil</a></p>`,
  }).value;
