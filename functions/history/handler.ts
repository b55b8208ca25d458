import { httpEdge } from '../../shared/http/edge.js';
import { createHistoryHandler } from '../../shared/history/http.js';
import type { HttpEvent } from '../../shared/http/event.js';
import { historyErrorPage } from '../../shared/history/timelinePage.js';
import { wireHistory } from '../../shared/history/wiring.js';
import { configOf } from '../../shared/platform/config.js';
import { secretReader } from '../../shared/platform/secrets.js';
import { history } from './function.js';

// The cursor key's ARN is read at cold start; its value, from Secrets Manager, on the first request.
const config = configOf(history);
const cursorSecret = secretReader('cursor', config.secretArns.cursor, config.endpoints);
let router: Promise<ReturnType<typeof createHistoryHandler>> | undefined;
const wired = () =>
  (router ??= cursorSecret()
    .then((secret) => createHistoryHandler(wireHistory(config, secret)))
    .catch((error: unknown) => {
      // Not kept: the next request tries Secrets Manager again.
      router = undefined;
      throw error;
    }));

/** Bare router, for tests. */
export const route = async (event: HttpEvent) => (await wired())(event);

export const handler = httpEdge(route, { errorPage: historyErrorPage });
