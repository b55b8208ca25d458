import { defineFunction } from '../../shared/platform/declarations.js';
import { operations } from '../../shared/http/operations.js';

/** The JSON API (also accepts form posts): one route per domain command and per query, behind the JWT authorizer. */
export const api = defineFunction({
  name: 'api',
  entry: 'functions/api/handler.ts',
  description: 'API HTTP : une route par commande du domaine et par requête des pages (JSON et formulaires).',
  trigger: { kind: 'http', routes: operations.map((operation) => ({ method: operation.method, path: operation.path })) },
  resources: {
    tables: { events: 'readwrite', views: 'read', personalData: 'readwrite' },
    pvBucket: 'readwrite',
  },
  timeoutSeconds: 10,
  memoryMb: 512,
});
