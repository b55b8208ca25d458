import { createApiHandler } from '../../shared/http/api.js';
import { httpEdge } from '../../shared/http/edge.js';
import { wireFromEnv } from '../../shared/http/wiring.js';

const wiring = wireFromEnv();

/** Bare router, for tests. */
export const route = createApiHandler(wiring);

export const handler = httpEdge(route, { uploadOrigin: wiring.uploadOrigin });
