import { httpEdge } from '../../shared/http/edge.js';
import { createRouter } from '../../shared/http/router.js';
import { wireHttp } from '../../shared/http/wiring.js';
import { configOf } from '../../shared/platform/config.js';
import { pages } from './function.js';
import { errorPage, pageRoutes } from '../../shared/web/pageRoutes.js';

const wiring = wireHttp(configOf(pages));

/** Bare router, for tests. */
export const route = wiring.withTitres(createRouter(pageRoutes(wiring)));

export const handler = httpEdge(route, { errorPage, uploadOrigin: wiring.uploadOrigin });
