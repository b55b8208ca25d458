import { httpEdge } from '../../shared/http/edge.js';
import { createHistoryHandler } from '../../shared/history/http.js';
import { historyErrorPage } from '../../shared/history/timelinePage.js';
import { wireHistoryFromEnv } from '../../shared/history/wiring.js';

const wiring = wireHistoryFromEnv();

/** Bare router, for tests. */
export const route = createHistoryHandler(wiring);

export const handler = httpEdge(route, { errorPage: historyErrorPage });
