import { defineFunction } from '../../shared/platform/declarations.js';
import { HISTORY_PATHS } from '../../shared/history/http.js';
import { PV_PREFIX } from '../../shared/vault/keys.js';

/**
 * The administrators' history: the CloudEvents API and its page-by-page export (behind the JWT
 * authorizer), and each session's timeline page (public at the gateway, cookie-authenticated).
 * Read-only: it never writes an event. It reads names (with the reader's rights) so that the
 * timeline shows people, not ids, and signs a PV file's S3 link when the reader clicks it.
 */
export const history = defineFunction({
  name: 'history',
  entry: 'functions/history/handler.ts',
  description: 'Historique des événements : API CloudEvents, export CSV/NDJSON page par page, frise d’une session avec l’état de sa chaîne d’intégrité.',
  trigger: {
    kind: 'http',
    routes: [
      { method: 'GET', path: HISTORY_PATHS.api, summary: 'L’historique des événements (CloudEvents), filtré et paginé, dans le périmètre de l’utilisateur' },
      { method: 'GET', path: HISTORY_PATHS.export, summary: 'Une page de l’historique en CSV ou NDJSON, le curseur de la suivante dans un en-tête' },
      { method: 'GET', path: HISTORY_PATHS.timeline, public: true, summary: 'Page « Historique de la session » : ses événements et l’état de sa chaîne d’intégrité' },
      {
        method: 'GET',
        path: HISTORY_PATHS.pv,
        public: true,
        redirects: true,
        summary:
          'Téléchargement d’un procès-verbal signé de la frise : renvoie (302) vers un lien S3 signé au clic, ou répond par une page en français quand le fichier a été supprimé (410) ou n’existe pas (404)',
      },
    ],
  },
  resources: {
    tables: { events: 'read', history: 'read', personalData: 'read' },
    // List: S3 then answers 404, not 403, for a PV version the retention purge deleted.
    objects: [{ bucket: 'vault', prefix: PV_PREFIX, actions: ['read', 'list'] }],
    secrets: ['cursor'],
    // The PV period tells which files the purge has deleted (it records no event of it).
    retentionSettings: true,
  },
  timeoutSeconds: 15,
  memoryMb: 512,
});
