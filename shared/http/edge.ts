import { randomUUID } from 'node:crypto';
import { httpStatusOf, isAppError, type AppError } from '../errors.js';
import { edge } from '../platform/edge.js';
import { logger } from '../platform/observability.js';
import { header, htmlResponse, json, requestIdOf, seeOther, type HttpEvent, type HttpResponse } from './event.js';
import { securityHeaders } from './securityHeaders.js';
import { signInPath } from '../auth/hostedUi.js';

/** The JSON shape of every error answer. */
interface ErrorBody {
  readonly error: { readonly code: string; readonly message: string; readonly fields: readonly { field: string; message: string }[]; readonly correlationId?: string };
}

const errorBody = (error: AppError, correlationId?: string): ErrorBody => ({
  error: { code: error.code, message: error.message, fields: [...error.fields], ...(correlationId ? { correlationId } : {}) },
});

/** Whether the caller wants a page rather than JSON: a browser navigating, not `fetch`. */
const wantsHtml = (event: HttpEvent): boolean => {
  const accept = header(event, 'accept') ?? '';
  return accept.includes('text/html') && !accept.includes('application/json');
};

export interface EdgeOptions {
  /** Renders an error page for browsers; without it errors are JSON. */
  readonly errorPage?: (status: number, message: string, correlationId: string) => string;
  /** Origin the CSP lets scripts upload to (the PV bucket). */
  readonly uploadOrigin?: string;
}

const GENERIC_MESSAGE = 'Une erreur inattendue est survenue. Réessayez dans quelques instants ; si elle persiste, contactez l’assistance en donnant ce numéro de suivi.';

/**
 * The answer to an error: an AppError keeps its category's status and French message; anything
 * else is a 500 with a generic message and a correlation id, logged without the request's data.
 * Browsers get a page (and a sign-in redirect on 401); API clients get `{ error }`.
 */
const errorResponse = (error: unknown, event: HttpEvent, options: EdgeOptions): HttpResponse => {
  const correlationId = (() => {
    try {
      return requestIdOf(event) || randomUUID();
    } catch {
      return randomUUID();
    }
  })();
  const html = options.errorPage !== undefined && wantsHtml(event);
  if (isAppError(error)) {
    const status = httpStatusOf(error.category);
    logger.info('request refused', { status, code: error.code, correlationId, route: event.routeKey });
    if (html && status === 401) return seeOther(`${signInPath()}?retour=${encodeURIComponent(event.rawPath ?? '/')}`);
    if (html && options.errorPage) return htmlResponse(status, options.errorPage(status, error.message, correlationId));
    return json(status, errorBody(error));
  }
  logger.error('unexpected error', {
    correlationId,
    route: event.routeKey,
    errorName: error instanceof Error ? error.name : typeof error,
    // The stack says where, never what was sent.
    stack: error instanceof Error ? error.stack : undefined,
  });
  if (html && options.errorPage) return htmlResponse(500, options.errorPage(500, GENERIC_MESSAGE, correlationId));
  return json(500, { error: { code: 'internal', message: GENERIC_MESSAGE, fields: [], correlationId } });
};

/**
 * Wraps a bare handler for Lambda in the platform edge (logger with the Lambda context, the request
 * id as correlation id, metrics) and, on top: errors mapped to answers, security headers on every
 * answer (errors included), one structured log line per request.
 */
export const httpEdge = (handler: (event: HttpEvent) => Promise<HttpResponse>, options: EdgeOptions = {}) =>
  edge<HttpEvent, HttpResponse>((event) => handler(event), { correlationIdOf: (event) => event.requestContext?.requestId }).use({
    after: (request) => {
      if (request.response) request.response.headers = { ...request.response.headers, ...securityHeaders(options) };
      logger.info('request', { route: request.event.routeKey, status: request.response?.statusCode });
    },
    onError: (request) => {
      request.response = errorResponse(request.error, request.event, options);
      request.response.headers = { ...request.response.headers, ...securityHeaders(options) };
    },
  });
