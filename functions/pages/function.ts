import { defineFunction } from '../../shared/platform/declarations.js';
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
    tables: { events: 'readwrite', views: 'read', personalData: 'readwrite' },
    pvBucket: 'readwrite',
  },
  timeoutSeconds: 10,
  memoryMb: 512,
});
