import { defineFunction } from '../../shared/platform/declarations.js';
import { PV_PREFIX } from '../../shared/vault/keys.js';
import { pageRouteKeys } from '../../shared/web/pageRoutes.js';

/**
 * The French pages for centres and UD agents and their form posts. Public at the gateway: the
 * handler authenticates with the `tp_session` cookie and checks a CSRF token on every post.
 */
export const pages = defineFunction({
  name: 'pages',
  entry: 'functions/pages/handler.ts',
  description: 'Pages HTML des centres agréés et des unités départementales, et leurs formulaires.',
  trigger: { kind: 'http', routes: pageRouteKeys() },
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
