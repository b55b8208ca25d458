import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { TokenVerifier } from '../../shared/auth/verify.js';
import { bearerToken } from '../../shared/auth/verify.js';
import type { HttpRoute } from '../../shared/platform/declarations.js';
import type { LoadedFunction } from './lambda.js';
import type { RouteMatch, RouteTable } from './routes.js';

/**
 * The API Gateway HTTP API stand-in: same routes, same payload format 2.0 events and results, the
 * same JWT authorizer check, the same size limit and the same bare answers
 * (`{"message":"Not Found"}`, `{"message":"Unauthorized"}`) as in AWS.
 */

/** API Gateway's payload limit for HTTP APIs. */
const MAX_BODY_BYTES = 10 * 1024 * 1024;

/** Header the runtime adds to its own answers (no route, unauthorized…), so tests can tell them apart from a handler's. */
export const RUNTIME_ANSWER_HEADER = 'x-tp-offline';

export interface HttpTarget {
  readonly fn: LoadedFunction;
  readonly route: HttpRoute;
}

export interface HttpApiOptions {
  readonly routes: RouteTable<HttpTarget>;
  readonly verify: TokenVerifier;
  /** Called after each invocation: a handler may have appended commits the change feed should see. */
  readonly afterInvoke: () => void;
  readonly log: (line: string) => void;
}

class BodyTooLargeError extends Error {
  override readonly name = 'BodyTooLargeError';
}

export const readBody = async (request: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> => {
  const declared = Number(request.headers['content-length'] ?? '0');
  if (declared > limit) throw new BodyTooLargeError();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > limit) throw new BodyTooLargeError();
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
};

const textTypes = [/^text\//, /^application\/(json|.*\+json|xml|.*\+xml|javascript|x-www-form-urlencoded)/];

/** API Gateway passes text bodies as they are and everything else (multipart, PDF…) in base64. */
const isTextContent = (contentType: string | undefined): boolean => {
  const type = (contentType ?? '').toLowerCase();
  return type === '' || textTypes.some((pattern) => pattern.test(type));
};

export const sendJson = (response: ServerResponse, statusCode: number, body: unknown, headers: Record<string, string> = {}): void => {
  const text = JSON.stringify(body);
  response.writeHead(statusCode, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  response.end(text);
};

const runtimeAnswer = (response: ServerResponse, statusCode: number, message: string, reason: string) =>
  sendJson(response, statusCode, { message }, { [RUNTIME_ANSWER_HEADER]: reason });

const apiGatewayTime = (date: Date): string => {
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(date.getUTCDate())}/${months[date.getUTCMonth()]}/${date.getUTCFullYear()}:${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`;
};

/** Claims as API Gateway passes them: every value a string, arrays as `[a b]`. */
const stringClaims = (payload: Record<string, unknown>): Record<string, string> =>
  Object.fromEntries(Object.entries(payload).map(([key, value]) => [key, typeof value === 'string' ? value : Array.isArray(value) ? `[${value.join(' ')}]` : String(value)]));

const decodeJwtPayload = (token: string): Record<string, unknown> => {
  const part = token.split('.')[1] ?? '';
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
};

interface RequestParts {
  readonly method: string;
  readonly rawPath: string;
  readonly rawQueryString: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly cookies: readonly string[];
  readonly sourceIp: string;
  readonly body: Buffer;
}

const requestParts = (request: IncomingMessage, body: Buffer): RequestParts => {
  const url = request.url ?? '/';
  const queryIndex = url.indexOf('?');
  const headers: Record<string, string> = {};
  let cookies: string[] = [];
  for (let i = 0; i < request.rawHeaders.length; i += 2) {
    const name = (request.rawHeaders[i] ?? '').toLowerCase();
    const value = request.rawHeaders[i + 1] ?? '';
    if (name === 'cookie') {
      cookies = [
        ...cookies,
        ...value
          .split(';')
          .map((c) => c.trim())
          .filter((c) => c !== ''),
      ];
      continue;
    }
    headers[name] = headers[name] === undefined ? value : `${headers[name]},${value}`;
  }
  return {
    method: (request.method ?? 'GET').toUpperCase(),
    rawPath: queryIndex >= 0 ? url.slice(0, queryIndex) : url,
    rawQueryString: queryIndex >= 0 ? url.slice(queryIndex + 1) : '',
    headers,
    cookies,
    sourceIp: request.socket.remoteAddress?.replace(/^::ffff:/, '') ?? '127.0.0.1',
    body,
  };
};

const queryParameters = (raw: string): Record<string, string> | undefined => {
  if (raw === '') return undefined;
  const result: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(raw)) result[key] = result[key] === undefined ? value : `${result[key]},${value}`;
  return result;
};

/** The payload format 2.0 event API Gateway would send for this request and route. */
const buildEvent = (
  parts: RequestParts,
  match: RouteMatch<unknown>,
  jwt: { claims: Record<string, string>; scopes: string[] } | undefined,
  now = new Date(),
): APIGatewayProxyEventV2WithJWTAuthorizer => {
  const hasBody = parts.body.length > 0;
  const text = isTextContent(parts.headers['content-type']);
  const queryStringParameters = queryParameters(parts.rawQueryString);
  const pathParameters = Object.keys(match.pathParameters).length > 0 ? { ...match.pathParameters } : undefined;
  const host = parts.headers.host ?? 'localhost';
  const event = {
    version: '2.0',
    routeKey: match.route.routeKey,
    rawPath: parts.rawPath,
    rawQueryString: parts.rawQueryString,
    ...(parts.cookies.length > 0 ? { cookies: [...parts.cookies] } : {}),
    headers: { ...parts.headers },
    ...(queryStringParameters ? { queryStringParameters } : {}),
    ...(pathParameters ? { pathParameters } : {}),
    requestContext: {
      accountId: '000000000000',
      apiId: 'offline',
      domainName: host,
      domainPrefix: host.split('.')[0] ?? host,
      http: {
        method: parts.method,
        path: parts.rawPath,
        protocol: 'HTTP/1.1',
        sourceIp: parts.sourceIp,
        userAgent: parts.headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: match.route.routeKey,
      stage: '$default',
      time: apiGatewayTime(now),
      timeEpoch: now.getTime(),
      ...(jwt ? { authorizer: { principalId: '', integrationLatency: 0, jwt } } : {}),
    },
    ...(hasBody ? { body: text ? parts.body.toString('utf8') : parts.body.toString('base64') } : {}),
    isBase64Encoded: hasBody && !text,
  };
  // Public routes carry no authorizer, as in AWS; the type assumes one, hence the cast.
  return event as APIGatewayProxyEventV2WithJWTAuthorizer;
};

/** Writes a handler's result the way API Gateway maps payload format 2.0 results. */
const writeResult = (response: ServerResponse, result: unknown): void => {
  const structured = typeof result === 'object' && result !== null && 'statusCode' in result ? (result as APIGatewayProxyStructuredResultV2) : undefined;
  if (!structured) {
    // No statusCode: API Gateway answers 200 with the result as JSON (a string is sent as it is).
    const body = typeof result === 'string' ? result : JSON.stringify(result ?? null);
    response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    response.end(body);
    return;
  }
  if (typeof structured.statusCode !== 'number' || structured.statusCode < 100 || structured.statusCode > 599)
    throw new Error(`Invalid statusCode ${String(structured.statusCode)}`);
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(structured.headers ?? {})) headers[name.toLowerCase()] = String(value);
  const multi = (result as { multiValueHeaders?: Record<string, readonly (string | number | boolean)[]> }).multiValueHeaders ?? {};
  for (const [name, values] of Object.entries(multi)) headers[name.toLowerCase()] = values.map(String);
  if (structured.cookies && structured.cookies.length > 0) headers['set-cookie'] = [...structured.cookies];
  const body = structured.body === undefined ? Buffer.alloc(0) : Buffer.from(structured.body, structured.isBase64Encoded ? 'base64' : 'utf8');
  if (headers['content-type'] === undefined && body.length > 0) headers['content-type'] = 'application/json';
  headers['content-length'] = String(body.length);
  response.writeHead(structured.statusCode, headers);
  response.end(body);
};

/** Handles one request against the declared routes; answers 404 when none matches. */
export const handleApiRequest = async (request: IncomingMessage, response: ServerResponse, options: HttpApiOptions): Promise<void> => {
  let body: Buffer;
  try {
    body = await readBody(request);
  } catch (error) {
    if (error instanceof BodyTooLargeError) return runtimeAnswer(response, 413, 'Request Entity Too Large', 'too-large');
    throw error;
  }
  const parts = requestParts(request, body);
  const match = options.routes.match(parts.method, parts.rawPath);
  if (!match) return runtimeAnswer(response, 404, 'Not Found', 'no-route');
  let jwt: { claims: Record<string, string>; scopes: string[] } | undefined;
  if (!match.route.target.route.public) {
    const token = bearerToken(parts.headers.authorization);
    if (!token) return runtimeAnswer(response, 401, 'Unauthorized', 'unauthorized');
    try {
      await options.verify(token);
      const payload = decodeJwtPayload(token);
      const scope = typeof payload.scope === 'string' ? payload.scope.split(' ') : [];
      jwt = { claims: stringClaims(payload), scopes: scope };
    } catch {
      return runtimeAnswer(response, 401, 'Unauthorized', 'unauthorized');
    }
  }
  const event = buildEvent(parts, match, jwt);
  try {
    const result = await match.route.target.fn.invoke(event);
    writeResult(response, result);
  } catch (error) {
    options.log(`✗ ${match.route.routeKey} → ${match.route.target.fn.declaration.name}: ${(error as Error).stack ?? String(error)}`);
    if (!response.headersSent) runtimeAnswer(response, 500, 'Internal Server Error', 'function-error');
  } finally {
    options.afterInvoke();
  }
};
