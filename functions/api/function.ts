import { defineFunction } from '../../shared/platform/declarations.js';
import { PV_PREFIX } from '../../shared/vault/keys.js';
import { operations } from '../../shared/http/operations.js';

/** The JSON API (also accepts form posts): one route per domain command and per query, behind the JWT authorizer. */
export const api = defineFunction({
  name: 'api',
  entry: 'functions/api/handler.ts',
  description: 'API HTTP : une route par commande du domaine et par requête des pages (JSON et formulaires).',
  trigger: { kind: 'http', routes: operations.map((operation) => ({ method: operation.method, path: operation.path })) },
  resources: {
    tables: { events: 'append', views: 'read', personalData: 'readwrite' },
    // Presigns the browser's PUT of a signed PV: the upload area only, never the vault.
    objects: [{ bucket: 'uploads', prefix: PV_PREFIX, actions: ['write'] }],
    // Names the UD and the regional direction in pages and mails.
    unitDirectory: true,
  },
  timeoutSeconds: 10,
  memoryMb: 512,
});
