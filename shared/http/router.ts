import { AppError } from '../errors.js';
import type { HttpEvent, HttpResponse } from './event.js';

/** A route of an HTTP function: an API Gateway route key and what answers it. */
export interface Route {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** API Gateway path with `{param}` placeholders, e.g. `/api/sessions/{sessionId}/jury`. */
  readonly path: string;
  /** Skips the JWT authorizer at the gateway (pages authenticate with the cookie). */
  readonly public?: boolean;
  /** What the route is for, in French, for docs/openapi.json. */
  readonly summary?: string;
  handle(event: HttpEvent, params: Readonly<Record<string, string>>): Promise<HttpResponse>;
}

const compile = (path: string): RegExp =>
  new RegExp(`^${path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{([A-Za-z]+)\+?\\?\}/g, (_, name: string) => `(?<${name}>[^/]+)`)}/?$`);

/**
 * Dispatches a request to its route: by API Gateway's `routeKey` when the gateway matched it, else
 * by method and path (offline adapters). Path parameters come from the gateway or from the match.
 */
export const createRouter = (routes: readonly Route[]) => {
  const compiled = routes.map((route) => ({ route, pattern: compile(route.path), key: `${route.method} ${route.path}` }));
  return async (event: HttpEvent): Promise<HttpResponse> => {
    const method = event.requestContext.http.method.toUpperCase();
    const byKey = compiled.find((entry) => entry.key === event.routeKey);
    if (byKey) return byKey.route.handle(event, { ...(event.pathParameters as Record<string, string> | undefined) });
    const path = event.rawPath ?? event.requestContext.http.path;
    for (const entry of compiled) {
      if (entry.route.method !== method) continue;
      const match = entry.pattern.exec(path);
      if (!match) continue;
      const params: Record<string, string> = {};
      for (const [name, value] of Object.entries(match.groups ?? {})) {
        try {
          params[name] = decodeURIComponent(value);
        } catch {
          throw new AppError('route.not-found', 'not-found', 'Page introuvable.');
        }
      }
      return entry.route.handle(event, params);
    }
    throw new AppError('route.not-found', 'not-found', 'Page introuvable.');
  };
};
