import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

/**
 * The request as API Gateway (HTTP API, payload 2.0) hands it to a function. Routes behind the JWT
 * authorizer carry the verified claims in `requestContext.authorizer.jwt.claims`; public routes
 * (pages, assets) carry none and authenticate with the `tp_session` cookie instead.
 */
export type HttpEvent = Omit<APIGatewayProxyEventV2, 'requestContext'> & {
  requestContext: APIGatewayProxyEventV2['requestContext'] & {
    authorizer?: { jwt?: { claims?: Record<string, unknown>; scopes?: string[] | null } };
  };
};

/** What a handler returns: API Gateway's structured result. */
export type HttpResponse = APIGatewayProxyStructuredResultV2 & {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
};

/** Header lookup that ignores case (API Gateway lowercases them, local adapters may not). */
export const header = (event: Pick<HttpEvent, 'headers'>, name: string): string | undefined => {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(event.headers ?? {})) if (key.toLowerCase() === wanted) return value;
  return undefined;
};

/** Cookies of the request, from the payload 2.0 `cookies` array or the `cookie` header. */
export const cookies = (event: Pick<HttpEvent, 'headers' | 'cookies'>): Map<string, string> => {
  const pairs = event.cookies ?? (header(event, 'cookie') ?? '').split(';');
  const map = new Map<string, string>();
  for (const pair of pairs) {
    const index = pair.indexOf('=');
    if (index <= 0) continue;
    const name = pair.slice(0, index).trim();
    const raw = pair.slice(index + 1).trim();
    try {
      map.set(name, decodeURIComponent(raw));
    } catch {
      map.set(name, raw);
    }
  }
  return map;
};

/** Correlation id: API Gateway's request id, so a log line and a support call meet. */
export const requestIdOf = (event: HttpEvent): string => event.requestContext.requestId;

export const json = (statusCode: number, body: unknown, headers: Record<string, string> = {}): HttpResponse => ({
  statusCode,
  headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
  body: JSON.stringify(body),
});

export const htmlResponse = (statusCode: number, body: string, headers: Record<string, string> = {}): HttpResponse => ({
  statusCode,
  headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', ...headers },
  body,
});

/** Post/redirect/get: a form post answers 303 so a reload never posts twice. */
export const seeOther = (location: string, headers: Record<string, string> = {}): HttpResponse => ({
  statusCode: 303,
  headers: { location, ...headers },
  body: '',
});
