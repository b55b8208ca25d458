import { definitionOf, type Role, type StoredEvent } from '../../events/index.js';
import type { Principal } from '../auth/principal.js';
import { centreWithId, type CentreRef } from '../web/format.js';
import { html, type Html } from '../web/html.js';
import { layout } from '../web/layout.js';
import { visibleData } from './cloudEvents.js';
import type { SessionTimeline } from './service.js';

const PARIS_MINUTE = new Intl.DateTimeFormat('fr-FR', {
  timeZone: 'Europe/Paris',
  day: '2-digit',
  month: '2-digit',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/** `2027-03-01T08:05:00Z` -> `01/03/2027 09:05` (Europe/Paris, summer and winter time). */
export const parisDateTime = (instant: string | Date): string => PARIS_MINUTE.format(typeof instant === 'string' ? new Date(instant) : instant).replace(',', '');

const roleLabels: Readonly<Record<Role, string>> = {
  centre: 'Centre agréé',
  ud: 'Unité départementale',
  region: 'Direction régionale',
  juror: 'Membre de jury',
  system: 'Système',
};

/** French names of the data fields shown in the details; others keep their name. */
const fieldLabels: Readonly<Record<string, string>> = {
  sessionId: 'Session',
  centreId: 'Centre',
  centreName: 'Nom du centre',
  department: 'Département',
  region: 'Région',
  candidateId: 'Candidat',
  candidateIds: 'Candidats',
  jurorId: 'Membre du jury',
  jurorIds: 'Membres du jury',
  habilitationId: 'Habilitation',
  accommodationId: 'Aménagement',
  accommodationIds: 'Aménagements',
  tiedCandidateIds: 'Candidats liés',
  ceresReference: 'Référence CERES',
  titreCode: 'Titre',
  startDate: 'Début',
  endDate: 'Fin',
  site: 'Lieu',
  createdOn: 'Créée le',
  creationDeadline: 'Date limite de création',
  late: 'En retard',
  reason: 'Motif',
  facts: 'Faits',
  revision: 'Révision',
  pvRevision: 'Révision du PV',
  objectKey: 'Fichier',
  versionId: 'Version',
  sha256: 'Empreinte SHA-256',
  sizeBytes: 'Taille (octets)',
  validatedOn: 'Validé le',
  rejectedOn: 'Rejeté le',
  transmittedOn: 'Transmis le',
  recordedOn: 'Enregistré le',
  signedOn: 'Signé le',
  sentOn: 'Envoyé le',
  dueOn: 'Échéance',
  checkedOn: 'Vérifié le',
  reportedOn: 'Signalé le',
  reportedBy: 'Signalé par',
  cancelledOn: 'Annulée le',
  audience: 'Destinataires',
  recipientIds: 'Destinataires',
  compliant: 'Conforme',
  sealsIntact: 'Plis intacts',
  sanction: 'Sanction',
  decisions: 'Décisions',
  signatoryIds: 'Signataires',
  documentSha256: 'Empreinte du document',
};

const shownValue = (value: string | number | boolean): string => {
  if (typeof value === 'boolean') return value ? 'oui' : 'non';
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)) return `${value.slice(8, 10)}/${value.slice(5, 7)}/${value.slice(0, 4)}`;
  return String(value);
};

/** Scalar details of an event (ids, dates, flags), lists shown by their size: a glance, not a dump. */
const details = (event: StoredEvent, reader: Role): Html => {
  const data = visibleData(event, reader) as Record<string, unknown>;
  const rows = Object.entries(data).flatMap(([name, value]) => {
    const label = fieldLabels[name] ?? name;
    if (Array.isArray(value)) return [html`<li>${label} : ${value.length} élément${value.length > 1 ? 's' : ''}</li>`];
    if (value === null || typeof value === 'object' || value === undefined) return [];
    return [html`<li>${label} : ${shownValue(value as string | number | boolean)}</li>`];
  });
  return rows.length === 0 ? html`` : html`<ul class="details">${rows}</ul>`;
};

const chainState = (timeline: SessionTimeline): Html =>
  timeline.verification.ok
    ? html`<div class="notice" role="status" id="chaine"><p><strong>Chaîne d’intégrité vérifiée</strong> : ${timeline.verification.commits} enregistrement${timeline.verification.commits > 1 ? 's' : ''}, chacun scellé par l’empreinte du précédent.</p></div>`
    : html`<div class="error-summary" role="alert" id="chaine"><p><strong>Chaîne d’intégrité rompue à l’enregistrement n° ${timeline.verification.firstBrokenCommit}</strong></p><p>${timeline.verification.reason}</p><p>Les événements affichés à partir de cet enregistrement ne sont pas garantis : signalez-le à la direction régionale.</p></div>`;

/** The session's centre: named by its creation event when that carried a name, else by the scope's id. */
const centreOf = (timeline: SessionTimeline): CentreRef | undefined => {
  const created = timeline.events.find((event) => event.type === 'SessionCreated');
  if (created?.type === 'SessionCreated') return created.data;
  return timeline.scope.centreId ? { centreId: timeline.scope.centreId } : undefined;
};

/**
 * The timeline of one session: every event with its French label, who recorded it and when (Paris
 * time), the PV documents linked, and whether the hash chain of its stream holds.
 */
export const timelinePage = (principal: Principal, timeline: SessionTimeline): Html => {
  const reader = principal.actor.role;
  const centre = centreOf(timeline);
  const rows = timeline.events.map((event) => {
    const link = timeline.documents.get(event.id);
    return html`<tr>
<td><time datetime="${event.recordedAt}">${parisDateTime(event.recordedAt)}</time></td>
<td>${definitionOf(event.type)?.label ?? event.type}${link ? html`<br><a href="${link}" rel="noreferrer">Télécharger le procès-verbal signé (révision ${event.type === 'PVDocumentStored' ? event.data.revision : ''})</a>` : ''}</td>
<td>${roleLabels[event.actor.role]}<br><span class="muted">${event.actor.id}</span></td>
<td>${details(event, reader)}</td>
</tr>`;
  });
  return layout({
    title: `Historique de la session ${timeline.sessionId}`,
    principal,
    body: html`${centre ? html`<p>Centre agréé : ${centreWithId(centre, 'inline')}</p>` : ''}
${chainState(timeline)}
<p>${timeline.events.length} événement${timeline.events.length > 1 ? 's' : ''}, du plus ancien au plus récent. Heures de Paris.</p>
<table>
<caption>Événements de la session</caption>
<thead><tr><th scope="col">Date et heure</th><th scope="col">Événement</th><th scope="col">Par</th><th scope="col">Détails</th></tr></thead>
<tbody>${rows}</tbody>
</table>`,
  });
};

/** The error page of the history pages (the shared layout, no detail leaked). */
export const historyErrorPage = (status: number, message: string, correlationId: string): string =>
  layout({
    title: status === 404 ? 'Page introuvable' : status === 403 ? 'Accès refusé' : status >= 500 ? 'Erreur du service' : 'Demande refusée',
    body: html`<p>${message}</p>${status >= 500 ? html`<p>Numéro de suivi : <code>${correlationId}</code></p>` : ''}<p><a href="/">Revenir à l’accueil</a></p>`,
  }).value;
