import { httpEdge } from '../../shared/http/edge.js';
import { createHistoryHandler } from '../../shared/history/http.js';
import type { HttpEvent } from '../../shared/http/event.js';
import { historyErrorPage } from '../../shared/history/timelinePage.js';
import { wireHistoryFromEnv } from '../../shared/history/wiring.js';
import { secretFromEnv } from '../../shared/platform/secrets.js';

// The cursor key's ARN is read at cold start; its value, from Secrets Manager, on the first request.
const cursorSecret = secretFromEnv('cursor');
let router: Promise<ReturnType<typeof createHistoryHandler>> | undefined;
const wired = () =>
  (router ??= cursorSecret()
    .then((secret) => createHistoryHandler(wireHistoryFromEnv(process.env, secret)))
    .catch((error: unknown) => {
      // Not kept: the next request tries Secrets Manager again.
      router = undefined;
      throw error;
    }));

/** Bare router, for tests. */
export const route = async (event: HttpEvent) => (await wired())(event);

export const handler = httpEdge(route, { errorPage: historyErrorPage });
