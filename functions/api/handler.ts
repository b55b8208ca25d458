import { createApiHandler } from '../../shared/http/api.js';
import { httpEdge } from '../../shared/http/edge.js';
import { wireHttp } from '../../shared/http/wiring.js';
import { configOf } from '../../shared/platform/config.js';
import { api } from './function.js';

const wiring = wireHttp(configOf(api));

/** Bare router, for tests. */
export const route = wiring.withTitres(createApiHandler(wiring));

export const handler = httpEdge(route, { uploadOrigin: wiring.uploadOrigin });
