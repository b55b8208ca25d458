import { httpEdge } from '../../shared/http/edge.js';
import { createRouter } from '../../shared/http/router.js';
import { wireFromEnv } from '../../shared/http/wiring.js';
import { errorPage, pageRoutes } from '../../shared/web/pageRoutes.js';

const wiring = wireFromEnv();

/** Bare router, for tests. */
export const route = createRouter(pageRoutes(wiring));

export const handler = httpEdge(route, { errorPage, uploadOrigin: wiring.uploadOrigin });
